"""Which groups of unanswered questions staff marked as handled, remembered across restarts.

A group is known by its key (``group_key``: a hash of its representative
question, folded). Redis: a hash ``<prefix>console:handled`` (key → JSON
{"by", "at"}); without Redis a JSON file in ``<KW_STATE_DIR>/console``.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from bot.content.model import local_timezone
from bot.content.retrieval import normalize_question
from bot.settings import Settings


def group_key(representative: str) -> str:
    """A stable key for a group of questions, from its representative question."""
    folded = normalize_question(representative) or representative
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()[:16]


class HandledGroups(Protocol):
    """The groups marked handled."""

    def mark(self, key: str, who: str) -> None:
        """Marks a group handled."""

    def keys(self) -> set[str]:
        """The keys of the handled groups."""


def _stamp(who: str) -> str:
    return json.dumps(
        {"by": who, "at": datetime.now(local_timezone()).isoformat(timespec="seconds")}
    )


class RedisHandledGroups:
    """Handled groups in a Redis hash."""

    def __init__(self, client: Any, prefix: str) -> None:
        self._client = client
        self.key = f"{prefix}console:handled"

    def mark(self, key: str, who: str) -> None:
        """Marks a group handled."""
        self._client.hset(self.key, key, _stamp(who))

    def keys(self) -> set[str]:
        """The keys of the handled groups."""
        return set(self._client.hkeys(self.key))


class FileHandledGroups:
    """Handled groups in a JSON file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def mark(self, key: str, who: str) -> None:
        """Marks a group handled."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".lock"), "a+", encoding="utf-8") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            data = self._load()
            data[key] = json.loads(_stamp(who))
            temporary = self.path.with_name(f".{self.path.name}.tmp")
            with open(temporary, "w", encoding="utf-8") as handle:
                json.dump(data, handle, ensure_ascii=False)
            os.replace(temporary, self.path)

    def _load(self) -> dict[str, Any]:
        try:
            with open(self.path, encoding="utf-8") as handle:
                return dict(json.load(handle))
        except (FileNotFoundError, ValueError):
            return {}

    def keys(self) -> set[str]:
        """The keys of the handled groups."""
        return set(self._load())


def open_handled(settings: Settings, client: Any = None) -> HandledGroups:
    """The handled-groups store of these settings."""
    if settings.redis_url and client is not None:
        return RedisHandledGroups(client, settings.redis_prefix)
    return FileHandledGroups(settings.state_dir / "console" / "handled.json")
