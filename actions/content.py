"""Access to the current staff content from inside actions.

Content is loaded on first use (never at import). Without Redis it comes from the
content folder and is reloaded when staff save a file there or publish (the
console, `bot content publish`), checked at most once a second; the files are
read under the publish lock, so a half-written publish is never seen.
With REDIS_URL set, the version staff published (`bot content publish`)
answers: a background thread follows the live version (bot.content.watch), so a
new one is used within about a second and answering never waits on Redis; while
nothing is published, or Redis cannot be reached at start, the folder answers.
Either way a broken version is logged and the last good content keeps answering.
The staff console's preview answers from a draft instead: ``get_content`` returns
the content set in ``bot.content.preview`` for the task that set it.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from bot.content import preview
from bot.content.errors import ContentInvalid
from bot.content.filestore import lock_path, read_folder_texts
from bot.content.loader import load_content_texts
from bot.content.model import Content
from bot.content.watch import LiveContentWatcher
from bot.server import metrics
from bot.settings import Settings, get_settings

logger = logging.getLogger(__name__)

_CHECK_INTERVAL_S = 1.0


class ContentProvider:
    """Keeps the newest valid content of a folder in memory."""

    def __init__(self, directory: Path, lock: Path | None = None) -> None:
        self._directory = directory
        self._lock_file = lock
        self._content: Content | None = None
        self._stamp: tuple[tuple[str, float, int], ...] = ()
        self._checked_at = 0.0
        self._lock = threading.Lock()

    def _file_stamp(self) -> tuple[tuple[str, float, int], ...]:
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
                content = load_content_texts(read_folder_texts(self._directory, self._lock_file))
            except ContentInvalid as error:
                if self._content is None:
                    raise
                logger.error(
                    "content in %s is invalid, still serving version %s: %s",
                    self._directory,
                    self._content.version[:12],
                    error,
                )
                self._stamp = stamp
                return self._content
            if self._content is not None and content.version != self._content.version:
                logger.info("content reloaded: version %s", content.version[:12])
            self._content, self._stamp = content, stamp
            return content


class PublishedContentProvider:
    """Serves the live published version, or the folder while there is none.

    Args:
        folder: The provider of the local content folder.
        watcher: Follows the live version in Redis.
        startup_wait: At the first call, how long to wait for the first look at
            Redis before answering from the folder; later calls never wait.
    """

    def __init__(
        self, folder: ContentProvider, watcher: LiveContentWatcher, startup_wait: float = 1.0
    ) -> None:
        self._folder = folder
        self._watcher = watcher
        self._startup_wait = startup_wait
        self._started = False

    def get(self) -> Content:
        """Returns the live published content, else the folder's content.

        Raises:
            ContentInvalid: If the folder has to answer and is invalid with no earlier version.
        """
        if not self._started:
            self._watcher.start()
            self._watcher.wait_ready(self._startup_wait)
            self._started = True
        published = self._watcher.current
        return published if published is not None else self._folder.get()

    def close(self) -> None:
        """Stops following Redis."""
        self._watcher.stop()


Provider = ContentProvider | PublishedContentProvider
_providers: dict[tuple[Path, str | None, str], Provider] = {}
_providers_lock = threading.Lock()


def make_provider(settings: Settings) -> Provider:
    """Builds the content provider the settings ask for (Redis mode if REDIS_URL is set)."""
    folder = ContentProvider(
        settings.content_dir.resolve(), lock_path(settings.state_dir.resolve() / "content")
    )
    if not settings.redis_url:
        return folder
    from bot.content.store import RedisContentStore
    from bot.redis_client import connect

    store = RedisContentStore(
        connect(settings.redis_url, settings.redis_timeout), settings.redis_prefix
    )
    startup_wait = max(1.0, 2 * settings.redis_timeout)
    return PublishedContentProvider(folder, LiveContentWatcher(store), startup_wait)


def get_content() -> Content:
    """Returns the current content: a preview's draft, published (REDIS_URL) or KW_CONTENT_DIR."""
    draft = preview.current()
    if draft is not None:
        return draft
    settings = get_settings()
    key = (settings.content_dir.resolve(), settings.redis_url, settings.redis_prefix)
    provider = _providers.get(key)
    if provider is None:
        with _providers_lock:
            provider = _providers.get(key)
            if provider is None:
                provider = _providers[key] = make_provider(settings)
    content = provider.get()
    metrics.show_content_version(content.version)  # kw_content_info on /metrics
    return content


def reset_providers() -> None:
    """Forgets every provider and stops their Redis watchers (tests, settings changes)."""
    with _providers_lock:
        for provider in _providers.values():
            if isinstance(provider, PublishedContentProvider):
                provider.close()
        _providers.clear()
