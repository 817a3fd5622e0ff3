"""Access to the current staff content from inside actions.

Content is loaded on first use (never at import) and reloaded when staff save a
file in content/, checked at most once a second, so edits show up in answers
without restarting the action server. A broken edit is logged and the last good
content keeps answering.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Dict, Optional, Tuple

from actions.config import get_settings
from bot.content.errors import ContentInvalid
from bot.content.loader import load_content
from bot.content.model import Content

logger = logging.getLogger(__name__)

_CHECK_INTERVAL_S = 1.0


class ContentProvider:
    """Keeps the newest valid content of a folder in memory."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._content: Optional[Content] = None
        self._stamp: Tuple[Tuple[str, float, int], ...] = ()
        self._checked_at = 0.0
        self._lock = threading.Lock()

    def _file_stamp(self) -> Tuple[Tuple[str, float, int], ...]:
        stamp = []
        for path in sorted(self._directory.glob("*.yml")):
            info = path.stat()
            stamp.append((path.name, info.st_mtime, info.st_size))
        return tuple(stamp)

    def get(self) -> Content:
        """Returns the current content, reloading it if a file changed.

        Raises:
            ContentInvalid: If the content is invalid and no earlier version was loaded.
        """
        now = time.monotonic()
        if self._content is not None and now - self._checked_at < _CHECK_INTERVAL_S:
            return self._content
        with self._lock:
            self._checked_at = now
            stamp = self._file_stamp()
            if self._content is not None and stamp == self._stamp:
                return self._content
            try:
                content = load_content(self._directory)
            except ContentInvalid as error:
                if self._content is None:
                    raise
                logger.error("content in %s is invalid, still serving version %s: %s",
                             self._directory, self._content.version[:12], error)
                self._stamp = stamp
                return self._content
            if self._content is not None and content.version != self._content.version:
                logger.info("content reloaded: version %s", content.version[:12])
            self._content, self._stamp = content, stamp
            return content


_providers: Dict[Path, ContentProvider] = {}


def get_content() -> Content:
    """Returns the current content of the configured folder (KW_CONTENT_DIR)."""
    directory = get_settings().content_dir.resolve()
    provider = _providers.get(directory)
    if provider is None:
        provider = _providers.setdefault(directory, ContentProvider(directory))
    return provider.get()
