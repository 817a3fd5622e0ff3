"""A time-limited log of what visitors asked that the bot could not answer well.

Each ``UnansweredRecord`` is one message: its text, language, channel, time, why it
was recorded ("fallback": no answer; "low_confidence": answered, but the NLU was
unsure) and the user as a salted hash, never the raw id. ``RedisUnansweredLog``
keeps records in a sorted set by time (``<prefix>unanswered``), trimmed to the
retention period and with a TTL; ``FileUnansweredLog`` appends JSON lines to a file
and drops old lines when it rewrites it. ``open_log`` picks one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

logger = logging.getLogger(__name__)

REASONS = ("fallback", "low_confidence")
#: Longest text kept per record, and most records kept in Redis.
MAX_TEXT = 500
MAX_RECORDS = 100_000
_DAY = 86400.0
_SALT_REFRESH_S = 3600.0
_COMPACT_EVERY_S = 3600.0


@dataclass(frozen=True)
class UnansweredRecord:
    """One message the bot could not answer well.

    Attributes:
        text: What the visitor wrote (at most ``MAX_TEXT`` characters).
        language: "zh" or "ko".
        channel: The platform (message metadata ``platform``), e.g. "wechat" or "rest".
        user: Salted hash of the channel and user id.
        at: Unix time in seconds.
        reason: "fallback" or "low_confidence".
        intent: The NLU's best intent, if any.
        confidence: Its confidence, if known.
        id: Unique id of the record.
    """

    text: str
    language: str
    channel: str
    user: str
    at: float
    reason: str
    intent: str | None = None
    confidence: float | None = None
    id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def to_json(self) -> str:
        """The record as one line of JSON."""
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, raw: str) -> UnansweredRecord:
        """Reads a record written by ``to_json``.

        Raises:
            ValueError: If ``raw`` is not such a record.
        """
        try:
            data = json.loads(raw)
            return cls(**{key: data[key] for key in data if key in cls.__dataclass_fields__})
        except (TypeError, json.JSONDecodeError) as error:
            raise ValueError(f"not an unanswered-question record: {raw[:80]!r}") from error


def hash_user(channel: str, user_id: str, salt: str) -> str:
    """A salted, non-reversible id for a user: HMAC-SHA256 of channel and id, 16 hex digits."""
    message = f"{channel}:{user_id}".encode()
    return hmac.new(salt.encode("utf-8"), message, hashlib.sha256).hexdigest()[:16]


class UnansweredLog(Protocol):
    """Where unanswered questions are kept."""

    def salt(self) -> str:
        """The salt for hashing user ids."""

    def add(self, record: UnansweredRecord) -> None:
        """Keeps one record."""

    def since(self, start: float) -> list[UnansweredRecord]:
        """The records from ``start`` (Unix time) on, oldest first."""


class RedisUnansweredLog:
    """Unanswered questions in a Redis sorted set scored by time.

    Args:
        client: Redis client returning ``str``.
        prefix: Key prefix (starts with "kw:").
        days: Retention; older records are removed on every write, and the key
            expires this long after the last write.
        salt: Fixed salt (KW_HASH_SALT), or None to share a generated one through
            Redis (``<prefix>unanswered:salt``, renewed after each retention period).
        clock: Unix time; tests pass a fake one.
    """

    def __init__(
        self,
        client: Any,
        prefix: str,
        days: float,
        salt: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._client = client
        self.key = f"{prefix}unanswered"
        self.salt_key = f"{prefix}unanswered:salt"
        self._keep = days * _DAY
        self._fixed_salt = salt
        self._salt: str | None = None
        self._salt_read_at = 0.0
        self._clock = clock

    def salt(self) -> str:
        """The configured salt, else the one kept in Redis (created if absent)."""
        if self._fixed_salt:
            return self._fixed_salt
        now = time.monotonic()
        if self._salt is None or now - self._salt_read_at > _SALT_REFRESH_S:
            ttl = max(1, int(self._keep))
            self._client.set(self.salt_key, json.dumps(secrets.token_hex(16)), nx=True, ex=ttl)
            raw = self._client.get(self.salt_key)
            self._salt, self._salt_read_at = json.loads(raw), now
        return self._salt

    def add(self, record: UnansweredRecord) -> None:
        """Adds a record, drops records older than the retention period, renews the TTL."""
        now = self._clock()
        with self._client.pipeline(transaction=True) as pipe:
            pipe.zadd(self.key, {record.to_json(): record.at})
            pipe.zremrangebyscore(self.key, "-inf", now - self._keep)
            pipe.zremrangebyrank(self.key, 0, -MAX_RECORDS - 1)
            pipe.expire(self.key, max(1, int(self._keep)))
            pipe.execute()

    def since(self, start: float) -> list[UnansweredRecord]:
        """The kept records from ``start`` on, oldest first."""
        start = max(start, self._clock() - self._keep)
        return _parse_all(self._client.zrangebyscore(self.key, start, "+inf"))


class FileUnansweredLog:
    """Unanswered questions as JSON lines appended to a file (one process; no Redis).

    Args:
        path: The file (its folder is created when needed).
        days: Retention; older lines are skipped when reading and dropped when the
            file is rewritten (at most hourly, on a write).
        salt: Fixed salt (KW_HASH_SALT), or None for a random one per process.
        clock: Unix time; tests pass a fake one.
    """

    def __init__(
        self,
        path: Path,
        days: float,
        salt: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path)
        self._keep = days * _DAY
        self._salt = salt or secrets.token_hex(16)
        self._clock = clock
        self._lock = threading.Lock()
        self._compacted_at: float | None = None

    def salt(self) -> str:
        """The configured salt, else this process's random one."""
        return self._salt

    def add(self, record: UnansweredRecord) -> None:
        """Appends a record as one line; now and then rewrites the file without old lines."""
        line = record.to_json() + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a", encoding="utf-8") as handle:
                handle.write(line)
            now = self._clock()
            if self._compacted_at is None or now - self._compacted_at > _COMPACT_EVERY_S:
                self._compacted_at = now
                self._compact(now - self._keep)

    def since(self, start: float) -> list[UnansweredRecord]:
        """The kept records from ``start`` on, oldest first (unreadable lines are skipped)."""
        start = max(start, self._clock() - self._keep)
        if not self.path.exists():
            return []
        with open(self.path, encoding="utf-8", errors="replace") as handle:
            records = _parse_all(handle)
        return sorted((r for r in records if r.at >= start), key=lambda r: r.at)

    def _compact(self, cutoff: float) -> None:
        with open(self.path, encoding="utf-8", errors="replace") as handle:
            lines = handle.readlines()
        kept = [line for line in lines if _time_of(line) >= cutoff]
        if len(kept) == len(lines):
            return
        temporary = self.path.with_name(self.path.name + ".tmp")
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.writelines(kept)
        os.replace(temporary, self.path)


def _time_of(line: str) -> float:
    try:
        return float(json.loads(line)["at"])
    except (ValueError, KeyError, TypeError):
        return float("-inf")


def _parse_all(lines: Any) -> list[UnansweredRecord]:
    records = []
    for line in lines:
        if line.strip():
            try:
                records.append(UnansweredRecord.from_json(line))
            except ValueError:
                logger.warning("skipping an unreadable unanswered-question record")
    return records


def open_log(
    redis_url: str | None,
    prefix: str,
    timeout: float,
    days: float,
    path: Path,
    salt: str | None,
) -> UnansweredLog:
    """The log for the settings: Redis when ``redis_url`` is set, else the file."""
    if redis_url:
        from bot.redis_client import connect

        return RedisUnansweredLog(connect(redis_url, timeout), prefix, days, salt)
    return FileUnansweredLog(path, days, salt)
