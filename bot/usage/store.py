"""Where the hourly usage counts are added up: Redis hashes with a TTL, or a JSON file per day.

Redis: one hash per hour, ``<prefix>usage:<YYYYMMDDHH>``, fields as in
``bot.usage.counters`` (``msg:wechat:zh`` …), HINCRBY from every Rasa server, and
an expiry of ``KW_USAGE_DAYS``. Files: ``<KW_STATE_DIR>/usage/<YYYY-MM-DD>.json``
mapping hour → field → count, merged under a lock (several processes may write).
``read_day`` gives the 24 hours of one day to the dashboard.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Protocol

from bot.settings import Settings
from bot.usage.counters import Counts


class UsageStore(Protocol):
    """Adds counts up and reads them back."""

    def add(self, counts: Counts) -> None:
        """Adds counts (by hour) to what is stored."""

    def read_day(self, day: date) -> dict[int, Counter[str]]:
        """The counts of each hour (0–23) of a local day; hours without counts are left out."""


class RedisUsageStore:
    """Hourly counts in Redis hashes."""

    def __init__(self, client: Any, prefix: str, days: float) -> None:
        self._client = client
        self._prefix = f"{prefix}usage:"
        self._ttl = max(3600, int(days * 86400))

    def add(self, counts: Counts) -> None:
        """HINCRBY every field, and renew each hour's expiry, in one round trip."""
        if not counts:
            return
        with self._client.pipeline(transaction=False) as pipe:
            for hour, fields in counts.items():
                for field, value in fields.items():
                    pipe.hincrby(self._prefix + hour, field, value)
                pipe.expire(self._prefix + hour, self._ttl)
            pipe.execute()

    def read_day(self, day: date) -> dict[int, Counter[str]]:
        """The stored hours of ``day``."""
        with self._client.pipeline(transaction=False) as pipe:
            for hour in range(24):
                pipe.hgetall(f"{self._prefix}{day:%Y%m%d}{hour:02d}")
            rows = pipe.execute()
        return {
            hour: Counter({k: int(v) for k, v in row.items()})
            for hour, row in enumerate(rows)
            if row
        }


class FileUsageStore:
    """Hourly counts in one JSON file per local day; old files are removed."""

    def __init__(self, folder: Path, days: float) -> None:
        self.folder = Path(folder)
        self._days = days

    def _path(self, day: date) -> Path:
        return self.folder / f"{day:%Y-%m-%d}.json"

    def add(self, counts: Counts) -> None:
        """Merges counts into the day files, under a lock shared by every writer."""
        if not counts:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / "lock", "a+", encoding="utf-8") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            by_day: dict[date, Counts] = {}
            for hour, fields in counts.items():
                day = date(int(hour[:4]), int(hour[4:6]), int(hour[6:8]))
                by_day.setdefault(day, {})[hour[8:]] = fields
            for day, hours in by_day.items():
                self._merge(day, hours)
            self._prune(max(by_day))

    def _merge(self, day: date, hours: Counts) -> None:
        stored = self._load(day)
        for hour, fields in hours.items():
            stored.setdefault(hour, Counter()).update(fields)
        temporary = self.folder / f".{day:%Y-%m-%d}.tmp"
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump({hour: dict(fields) for hour, fields in stored.items()}, handle)
        os.replace(temporary, self._path(day))

    def _load(self, day: date) -> dict[str, Counter[str]]:
        try:
            with open(self._path(day), encoding="utf-8") as handle:
                data = json.load(handle)
        except (FileNotFoundError, ValueError):
            return {}
        return {hour: Counter(fields) for hour, fields in data.items()}

    def _prune(self, newest: date) -> None:
        cutoff = newest - timedelta(days=self._days)
        for path in self.folder.glob("????-??-??.json"):
            if path.stem < f"{cutoff:%Y-%m-%d}":
                path.unlink(missing_ok=True)

    def read_day(self, day: date) -> dict[int, Counter[str]]:
        """The stored hours of ``day``."""
        return {int(hour): fields for hour, fields in self._load(day).items()}


def open_usage(settings: Settings, client: Any = None) -> UsageStore:
    """The usage store of these settings: Redis when REDIS_URL is set, else files."""
    if settings.redis_url:
        if client is None:
            from bot.redis_client import connect

            client = connect(settings.redis_url, settings.redis_timeout)
        return RedisUsageStore(client, settings.redis_prefix, settings.usage_days)
    return FileUsageStore(settings.state_dir / "usage", settings.usage_days)
