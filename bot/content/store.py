"""One content store interface, two backends: Redis, or the content folder with ``var/``.

Staff publish the texts of the content files; each distinct content is stored once,
under its version (the sha256 of the checked content, ``Content.version``), and
never changed. Publishing or rolling back moves the live pointer and appends to the
history in one step, so two staff publishing at once each get a whole version
live, one after the other, and the history names the right parent for each.
``ContentStore`` holds what both backends share (checking, the change summary,
rollback, version prefixes); ``RedisContentStore`` is the Redis backend and
``bot.content.filestore.FileContentStore`` the embedded one; ``open_store`` picks
one from the settings. Redis keys, under a prefix starting "kw:":

- ``content:version:<sha256>``: JSON {"version", "files": {name: text}, "created_at",
  "author"}; no TTL while live, expires ``keep_days`` after it stops being live.
- ``content:live``: JSON {"version": sha256}; no TTL (the bot answers from it).
- ``content:history``: list of JSON entries, oldest first, the newest
  ``MAX_HISTORY`` kept; no TTL (it is the record of who changed what).

After each switch the new version id is published on the channel
``content:changed`` so running action servers reload at once.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import redis
from redis.exceptions import WatchError

from bot.content.diff import diff_content
from bot.content.errors import ContentInvalid
from bot.content.history import (
    MAX_HISTORY,
    MIN_PREFIX,
    SHORT,
    AmbiguousVersion,
    HistoryEntry,
    NothingToDo,
    PublishError,
    VersionNotFound,
    resolve_version,
)
from bot.content.loader import load_content_texts
from bot.content.model import Content, local_timezone
from bot.settings import KEY_NAMESPACE, namespaced

if TYPE_CHECKING:
    from bot.settings import Settings

__all__ = [
    "MIN_PREFIX",
    "SHORT",
    "AmbiguousVersion",
    "ContentStore",
    "HistoryEntry",
    "NothingToDo",
    "PublishError",
    "RedisContentStore",
    "VersionNotFound",
    "open_store",
]

DEFAULT_KEEP_DAYS = 180
_MAX_ATTEMPTS = 50


@dataclass(frozen=True)
class ContentKeys:
    """The Redis keys and channel of published content under one prefix."""

    prefix: str = KEY_NAMESPACE

    @property
    def live(self) -> str:
        """The live pointer."""
        return f"{self.prefix}content:live"

    @property
    def history(self) -> str:
        """The list of publish and rollback entries."""
        return f"{self.prefix}content:history"

    @property
    def channel(self) -> str:
        """The pub/sub channel announcing a new live version."""
        return f"{self.prefix}content:changed"

    def version(self, version: str) -> str:
        """The key holding one version's files."""
        return f"{self.prefix}content:version:{version}"


class ContentStore:
    """What every content store does, whatever keeps the versions.

    A backend provides ``live_version``, ``texts``, ``history`` and ``_switch``;
    everything else (checking, the change summary, rollback, version prefixes,
    the parsed-version cache) is here, so the CLI and the console behave the same
    in both modes.

    Args:
        clock: Returns the current time (aware); tests pass a fixed one.
    """

    #: Shown to staff: where published versions live ("Redis" or a folder).
    where = ""

    def __init__(
        self, clock: Callable[[], datetime] = lambda: datetime.now(local_timezone())
    ) -> None:
        self._clock = clock
        self._parsed: OrderedDict[str, Content] = OrderedDict()

    # --- what a backend provides --------------------------------------------------------

    def live_version(self, reader: Any = None) -> str | None:
        """The full id of the live version, or None if nothing was published."""
        raise NotImplementedError

    def texts(self, version: str, reader: Any = None) -> dict[str, str]:
        """The file texts of a stored version.

        Raises:
            VersionNotFound: If the version is not (or no longer) stored.
        """
        raise NotImplementedError

    def history(self) -> list[HistoryEntry]:
        """Every kept history entry, oldest first."""
        raise NotImplementedError

    def _switch(
        self,
        action: str,
        content: Content,
        texts: Mapping[str, str] | None,
        author: str,
        message: str,
    ) -> HistoryEntry:
        """Stores ``texts`` (None: already stored) and makes ``content`` live, atomically."""
        raise NotImplementedError

    # --- shared ---------------------------------------------------------------------------

    def live_texts(self) -> dict[str, str] | None:
        """The texts of the live version, or None if nothing was published."""
        version = self.live_version()
        return self.texts(version) if version else None

    def content(self, version: str, reader: Any = None) -> Content:
        """The checked content of a stored version (parsed once per process, then cached).

        Raises:
            VersionNotFound: If the version is not stored.
            ContentInvalid: If the stored files no longer pass the checks.
        """
        cached = self._parsed.get(version)
        if cached is not None:
            self._parsed.move_to_end(version)
            return cached
        content = load_content_texts(self.texts(version, reader))
        self._parsed[version] = content
        while len(self._parsed) > 4:
            self._parsed.popitem(last=False)
        return content

    def resolve(self, ref: str) -> str:
        """The full id of the version named by ``ref``: a full id or a unique prefix.

        Raises:
            VersionNotFound: If no version in the history starts with ``ref``.
            AmbiguousVersion: If several do.
        """
        return resolve_version(ref, self.history())

    def publish(self, texts: Mapping[str, str], author: str, message: str) -> HistoryEntry:
        """Checks content files and makes them the live version.

        Args:
            texts: File name → text of the content files.
            author: Who publishes.
            message: Why, in a few words.

        Returns:
            The history entry written.

        Raises:
            ContentInvalid: With every problem, if the content does not pass the checks
                (nothing is written).
            NothingToDo: If exactly this content is live already.
            PublishError: If the live version kept changing under us (retry later).
        """
        content = load_content_texts(texts)
        return self._switch("publish", content, dict(texts), author, message)

    def rollback(
        self, author: str, ref: str | None = None, message: str | None = None
    ) -> HistoryEntry:
        """Makes an earlier version live again; recorded in the history like a publish.

        Args:
            author: Who rolls back.
            ref: The version (id or unique prefix); None for the version that was
                live before the current one.
            message: Why; defaults to "rollback to <version>".

        Raises:
            VersionNotFound, AmbiguousVersion: If ``ref`` names no single stored version.
            NothingToDo: If the version is live already, or there is nothing before it.
        """
        if ref is None:
            entries = self.history()
            if not entries or entries[-1].parent is None:
                raise NothingToDo("there is no earlier version to roll back to")
            version = entries[-1].parent
        else:
            version = self.resolve(ref)
        content = self.content(version)
        text = message or f"rollback to {version[:SHORT]}"
        return self._switch("rollback", content, None, author, text)

    def _parent_content(self, parent: str | None, reader: Any = None) -> Content | None:
        """The content live before, for the change summary; None if gone or unreadable."""
        if parent is None:
            return None
        try:
            return self.content(parent, reader)
        except (VersionNotFound, ContentInvalid):
            return None

    def _now(self) -> str:
        return self._clock().isoformat(timespec="seconds")

    def _entry(
        self,
        action: str,
        content: Content,
        parent: str | None,
        author: str,
        message: str,
        reader: Any = None,
    ) -> HistoryEntry:
        """The history entry of making ``content`` live over ``parent``."""
        old = self._parent_content(parent, reader)
        changes = diff_content(old, content).summary()
        return HistoryEntry(action, content.version, parent, author, self._now(), message, changes)

    def _payload(self, content: Content, texts: Mapping[str, str], author: str) -> str:
        """A stored version: its id, files, time and author, as JSON."""
        return json.dumps(
            {
                "version": content.version,
                "files": dict(texts),
                "created_at": self._now(),
                "author": author,
            },
            ensure_ascii=False,
        )


class RedisContentStore(ContentStore):
    """Publishes content versions to Redis and reads them back.

    Args:
        client: A Redis client returning ``str`` (see ``bot.redis_client.connect``).
        prefix: Start of every key; must start with "kw:".
        keep_days: How long a version is kept after it stops being live.
        clock: Returns the current time (aware); tests pass a fixed one.
    """

    where = "Redis"

    def __init__(
        self,
        client: redis.Redis,
        prefix: str = KEY_NAMESPACE,
        keep_days: float = DEFAULT_KEEP_DAYS,
        clock: Callable[[], datetime] = lambda: datetime.now(local_timezone()),
    ) -> None:
        super().__init__(clock)
        prefix = namespaced(prefix, "content store")
        self.client = client
        self.keys = ContentKeys(prefix)
        self._keep_seconds = max(1, int(keep_days * 86400))

    def live_version(self, reader: Any = None) -> str | None:
        """The full id of the live version, or None if nothing was published."""
        raw = (reader or self.client).get(self.keys.live)
        return json.loads(raw)["version"] if raw else None

    def texts(self, version: str, reader: Any = None) -> dict[str, str]:
        """The file texts of a stored version.

        Raises:
            VersionNotFound: If the version is not (or no longer) stored.
        """
        raw = (reader or self.client).get(self.keys.version(version))
        if raw is None:
            raise VersionNotFound(f"version {version[:SHORT]} is not stored (it may have expired)")
        return dict(json.loads(raw)["files"])

    def history(self) -> list[HistoryEntry]:
        """Every kept history entry, oldest first."""
        return [HistoryEntry.from_json(raw) for raw in self.client.lrange(self.keys.history, 0, -1)]

    def _switch(
        self,
        action: str,
        content: Content,
        texts: Mapping[str, str] | None,
        author: str,
        message: str,
    ) -> HistoryEntry:
        """Moves the live pointer to ``content`` and appends to the history, atomically."""
        version = content.version
        version_key = self.keys.version(version)
        payload = None if texts is None else self._payload(content, texts, author)
        for _ in range(_MAX_ATTEMPTS):
            with self.client.pipeline(transaction=True) as pipe:
                try:
                    pipe.watch(self.keys.live, version_key)
                    parent = self.live_version(pipe)
                    if parent == version:
                        raise NothingToDo(f"version {version[:SHORT]} is live already")
                    if payload is None and not pipe.exists(version_key):
                        raise VersionNotFound(f"version {version[:SHORT]} is no longer stored")
                    entry = self._entry(action, content, parent, author, message, pipe)
                    pipe.multi()
                    if payload is not None:
                        pipe.set(version_key, payload, nx=True)
                    pipe.persist(version_key)
                    if parent:
                        pipe.expire(self.keys.version(parent), self._keep_seconds)
                    pipe.set(self.keys.live, json.dumps({"version": version}))
                    pipe.rpush(self.keys.history, entry.to_json())
                    pipe.ltrim(self.keys.history, -MAX_HISTORY, -1)
                    pipe.publish(self.keys.channel, version)
                    pipe.execute()
                    return entry
                except WatchError:
                    continue
        raise PublishError("the live version kept changing while publishing; try again")


def open_store(settings: Settings, timeout: float | None = None) -> ContentStore:
    """The content store of these settings: Redis when REDIS_URL is set, else the folder.

    Args:
        settings: The settings.
        timeout: Seconds per Redis command (default: KW_REDIS_TIMEOUT, at least 2).
    """
    if settings.redis_url:
        from bot.redis_client import connect

        wait = timeout if timeout is not None else max(settings.redis_timeout, 2.0)
        return RedisContentStore(connect(settings.redis_url, wait), settings.redis_prefix)
    from bot.content.filestore import FileContentStore

    return FileContentStore(settings.content_dir, settings.state_dir / "content")
