"""The audit log: who did what in the console (and with `bot staff`), when, with their message.

Entries are JSON: {"at", "who", "action", "target", "message", "address"}. Redis
keeps them in a list (``<prefix>audit``, newest 10 000, no TTL: it is the record);
without Redis they are appended to ``<KW_STATE_DIR>/console/audit.jsonl``.
"""

from __future__ import annotations

import json
import threading
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from bot.content.model import local_timezone
from bot.settings import Settings

MAX_ENTRIES = 10_000


@dataclass(frozen=True)
class AuditEntry:
    """One recorded action.

    Attributes:
        at: When (ISO 8601, Asia/Shanghai).
        who: The account name (or "shell:<login>" for the command line).
        action: What, e.g. "publish", "draft.save", "login.failed", "account.add".
        target: What it concerned, e.g. "faq/lost-child" or a version id.
        message: The person's own words, or a short detail.
        address: The client address, for console actions.
    """

    at: str
    who: str
    action: str
    target: str = ""
    message: str = ""
    address: str = ""

    @classmethod
    def now(
        cls, who: str, action: str, target: str = "", message: str = "", address: str = ""
    ) -> AuditEntry:
        """An entry stamped with the current time."""
        stamp = datetime.now(local_timezone()).isoformat(timespec="seconds")
        return cls(stamp, who, action, target, message[:500], address)


class AuditLog(Protocol):
    """Where audit entries are kept."""

    def add(self, entry: AuditEntry) -> None:
        """Records one entry."""

    def latest(self, count: int) -> list[AuditEntry]:
        """The newest ``count`` entries, newest first."""


class RedisAuditLog:
    """Audit entries in a Redis list, newest first."""

    def __init__(self, client: Any, prefix: str) -> None:
        self._client = client
        self.key = f"{prefix}audit"

    def add(self, entry: AuditEntry) -> None:
        """Records one entry (keeps the newest ``MAX_ENTRIES``)."""
        with self._client.pipeline(transaction=True) as pipe:
            pipe.lpush(self.key, json.dumps(asdict(entry), ensure_ascii=False))
            pipe.ltrim(self.key, 0, MAX_ENTRIES - 1)
            pipe.execute()

    def latest(self, count: int) -> list[AuditEntry]:
        """The newest entries, newest first."""
        return [
            AuditEntry(**json.loads(raw)) for raw in self._client.lrange(self.key, 0, count - 1)
        ]


class FileAuditLog:
    """Audit entries appended to a JSON-lines file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def add(self, entry: AuditEntry) -> None:
        """Appends one entry."""
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(asdict(entry), ensure_ascii=False) + "\n")

    def latest(self, count: int) -> list[AuditEntry]:
        """The newest entries, newest first (unreadable lines are skipped)."""
        try:
            with open(self.path, encoding="utf-8", errors="replace") as handle:
                lines = handle.readlines()
        except FileNotFoundError:
            return []
        entries = []
        for line in reversed(lines):
            try:
                entries.append(AuditEntry(**json.loads(line)))
            except (ValueError, TypeError):
                continue
            if len(entries) >= count:
                break
        return entries


def open_audit(settings: Settings, client: Any = None) -> AuditLog:
    """The audit log of these settings: Redis when REDIS_URL is set, else the file."""
    if settings.redis_url:
        if client is None:
            from bot.redis_client import connect

            client = connect(settings.redis_url, max(settings.redis_timeout, 2.0))
        return RedisAuditLog(client, settings.redis_prefix)
    return FileAuditLog(settings.state_dir / "console" / "audit.jsonl")
