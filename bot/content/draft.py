"""The one shared working draft of a deployment: content texts that staff edit before publishing.

Staff collaborate on a single draft (the console's forms change it, preview and
publish read it). It is kept beside the content store: in Redis
(``<prefix>content:draft``, JSON, no TTL) or in ``<KW_STATE_DIR>/content/draft.json``.
Each save names the revision it was based on; when a colleague saved in between,
``DraftConflict`` is raised and the caller applies its change again to the newer
draft, so no one's edit silently overwrites another's.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from redis.exceptions import WatchError

from bot.settings import Settings


class DraftConflict(Exception):
    """The draft changed since it was read; read it again and redo the change."""


@dataclass(frozen=True)
class Draft:
    """The working draft.

    Attributes:
        texts: File name → YAML text, as the content store takes them.
        base: The live version the draft was started from.
        revision: Increases with every save.
        updated_by: Who saved last.
        updated_at: When (ISO 8601).
    """

    texts: Mapping[str, str]
    base: str | None = None
    revision: int = 0
    updated_by: str = ""
    updated_at: str = ""

    def to_json(self) -> str:
        """The draft as stored."""
        return json.dumps(
            {
                "texts": dict(self.texts),
                "base": self.base,
                "revision": self.revision,
                "updated_by": self.updated_by,
                "updated_at": self.updated_at,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, raw: str) -> Draft:
        """Reads a draft stored by ``to_json``."""
        data = json.loads(raw)
        return cls(
            texts=dict(data["texts"]),
            base=data.get("base"),
            revision=int(data.get("revision", 0)),
            updated_by=data.get("updated_by", ""),
            updated_at=data.get("updated_at", ""),
        )


class DraftStore(Protocol):
    """Where the shared draft is kept."""

    def load(self) -> Draft | None:
        """The draft, or None when there is none."""

    def save(self, draft: Draft, expected: int | None) -> Draft:
        """Stores ``draft`` as the next revision if the stored one is still ``expected``.

        Args:
            draft: The new draft.
            expected: The revision it was based on; None when there was no draft.

        Raises:
            DraftConflict: When someone saved in between.
        """

    def discard(self) -> None:
        """Deletes the draft."""


class RedisDraftStore:
    """The draft in one Redis key (JSON); saves are checked with WATCH/MULTI."""

    def __init__(self, client: Any, prefix: str) -> None:
        self._client = client
        self.key = f"{prefix}content:draft"

    def load(self) -> Draft | None:
        """The draft, or None."""
        raw = self._client.get(self.key)
        return Draft.from_json(raw) if raw else None

    def save(self, draft: Draft, expected: int | None) -> Draft:
        """Stores the next revision unless someone saved in between."""
        with self._client.pipeline(transaction=True) as pipe:
            try:
                pipe.watch(self.key)
                raw = pipe.get(self.key)
                _check(Draft.from_json(raw) if raw else None, expected)
                stored = replace(draft, revision=(expected or 0) + 1)
                pipe.multi()
                pipe.set(self.key, stored.to_json())
                pipe.execute()
                return stored
            except WatchError:
                raise DraftConflict("the draft changed while saving") from None

    def discard(self) -> None:
        """Deletes the draft."""
        self._client.delete(self.key)


class FileDraftStore:
    """The draft in a JSON file, saves serialised by a lock file beside it."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def load(self) -> Draft | None:
        """The draft, or None."""
        try:
            with open(self.path, encoding="utf-8", errors="surrogateescape") as handle:
                return Draft.from_json(handle.read())
        except FileNotFoundError:
            return None

    def save(self, draft: Draft, expected: int | None) -> Draft:
        """Stores the next revision unless someone saved in between."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".lock"), "a+", encoding="utf-8") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            _check(self.load(), expected)
            stored = replace(draft, revision=(expected or 0) + 1)
            temporary = self.path.with_name(f".{self.path.name}.tmp")
            with open(temporary, "w", encoding="utf-8", errors="surrogateescape") as handle:
                handle.write(stored.to_json())
            os.replace(temporary, self.path)
            return stored

    def discard(self) -> None:
        """Deletes the draft."""
        self.path.unlink(missing_ok=True)


def _check(stored: Draft | None, expected: int | None) -> None:
    current = stored.revision if stored is not None else None
    if current != expected:
        raise DraftConflict(f"the draft is at revision {current}, not {expected}")


def open_drafts(settings: Settings, client: Any = None) -> DraftStore:
    """The draft store of these settings: Redis when REDIS_URL is set, else a file.

    Args:
        settings: The settings.
        client: A Redis client to share (Redis mode); one is opened when None.
    """
    if settings.redis_url:
        if client is None:
            from bot.redis_client import connect

            client = connect(settings.redis_url, max(settings.redis_timeout, 2.0))
        return RedisDraftStore(client, settings.redis_prefix)
    return FileDraftStore(settings.state_dir / "content" / "draft.json")
