"""Follow the live published content from a background thread.

An action server must answer from a newly published version within seconds, never
wait on Redis while answering, and keep answering from the last good version
while Redis is away. ``LiveContentWatcher`` runs one daemon thread that subscribes
to the "content changed" channel and also reads the live pointer at least every
``poll_interval`` seconds (in case a notification is lost); when the pointer
moves, it loads and checks that version and swaps it in. Readers only look at the
last loaded version, which costs no I/O.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from redis.exceptions import RedisError

from bot.content.errors import ContentInvalid
from bot.content.model import Content
from bot.content.store import SHORT, PublishError, RedisContentStore

logger = logging.getLogger(__name__)


class LiveContentWatcher:
    """Keeps the live published content in memory, updated by a background thread.

    Args:
        store: The content store (its client should have short socket timeouts).
        poll_interval: Longest time between two reads of the live pointer, seconds.
    """

    def __init__(self, store: RedisContentStore, poll_interval: float = 1.0) -> None:
        self._store = store
        self._poll_interval = poll_interval
        self._content: Content | None = None
        self._ready = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._failing = False
        self._rejected: str | None = None

    @property
    def current(self) -> Content | None:
        """The last live version loaded, or None if none was loaded yet."""
        return self._content

    def start(self) -> None:
        """Starts the background thread (once; later calls do nothing)."""
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="kw-content-watcher", daemon=True
                )
                self._thread.start()

    def wait_ready(self, timeout: float) -> bool:
        """Waits until the first look at Redis is over (found, absent or failed).

        Returns:
            True if it is over, False if ``timeout`` seconds passed first.
        """
        return self._ready.wait(timeout)

    def stop(self, timeout: float = 5.0) -> None:
        """Stops the background thread and waits for it to end."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def check_now(self) -> Content | None:
        """Reads the live pointer once and loads a new version if it moved.

        Returns:
            The live content after the check (None if nothing is published).

        Raises:
            RedisError: If Redis cannot be reached.
        """
        version = self._store.live_version()
        if version is None or (self._content is not None and self._content.version == version):
            return self._content
        if version == self._rejected:
            return self._content
        try:
            content = self._store.content(version)
        except (ContentInvalid, PublishError) as error:
            self._rejected = version
            logger.error(
                "published version %s cannot be used, still serving %s: %s",
                version[:SHORT],
                self._label(),
                error,
            )
            return self._content
        logger.info("live content is now version %s (was %s)", version[:SHORT], self._label())
        self._content = content
        return content

    def _label(self) -> str:
        return self._content.version[:SHORT] if self._content is not None else "the local folder"

    def _run(self) -> None:
        pubsub: Any = None
        while not self._stop.is_set():
            try:
                if pubsub is None:
                    pubsub = self._store.client.pubsub(ignore_subscribe_messages=True)
                    pubsub.subscribe(self._store.keys.channel)
                self.check_now()
                if self._failing:
                    logger.warning("Redis is reachable again; following the live content")
                    self._failing = False
                self._ready.set()
                # Returns early when a new version is announced, else after the interval.
                pubsub.get_message(timeout=self._poll_interval)
            except (RedisError, OSError) as error:
                if not self._failing:
                    logger.warning("Redis unreachable (%s); still serving %s", error, self._label())
                    self._failing = True
                self._ready.set()
                pubsub = self._close(pubsub)
                self._stop.wait(self._poll_interval)
            except Exception:  # noqa: BLE001 - the thread must survive anything
                logger.exception("unexpected error while following the live content")
                self._ready.set()
                pubsub = self._close(pubsub)
                self._stop.wait(self._poll_interval)
        self._close(pubsub)

    @staticmethod
    def _close(pubsub: Any) -> None:
        if pubsub is not None:
            try:
                pubsub.close()
            except (RedisError, OSError):
                pass
        return None
