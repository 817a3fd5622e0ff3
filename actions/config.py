"""Settings of the action server and the `bot` command, read from the environment in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Callable, Mapping, Optional, TypeVar

from bot.dates import TZ

#: Every Redis key of the project starts with this.
KEY_NAMESPACE = "kw:"

_Number = TypeVar("_Number", int, float)


class SettingsError(ValueError):
    """An environment variable has a value the action server cannot use."""


def _number(env: Mapping[str, str], name: str, default: _Number, kind: Callable[[str], _Number],
            minimum: _Number) -> _Number:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError as error:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from error
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, got {raw!r}")
    return value


@dataclass(frozen=True)
class Settings:
    """Action server settings.

    Attributes:
        content_dir: Folder of the staff content files (KW_CONTENT_DIR, default ./content).
        now: A fixed "current time" for rehearsals and tests (KW_NOW, ISO 8601 in
            Asia/Shanghai, e.g. 2026-11-27T10:00), or None for the real clock.
        max_items: How many events a list answer shows at most (KW_MAX_ITEMS).
        redis_url: REDIS_URL; when set, content is published to and read from Redis
            and unanswered questions are kept there ("Redis mode").
        redis_prefix: Start of every Redis key (KW_REDIS_PREFIX, default "kw:"; it
            must start with "kw:"). Tests use a random one.
        redis_timeout: Seconds to wait for Redis before giving up (KW_REDIS_TIMEOUT).
        low_confidence: Messages whose intent confidence is below this are recorded
            as unanswered, even when answered (KW_LOW_CONFIDENCE, default 0.5).
        hash_salt: Salt for hashing user ids (KW_HASH_SALT); None: generated.
        unanswered_days: How long unanswered questions are kept (KW_UNANSWERED_DAYS).
        unanswered_file: Where they are kept without Redis (KW_UNANSWERED_FILE).
        staff_name: Who publishes content from this shell (KW_STAFF_NAME), or None.
    """

    content_dir: Path
    now: Optional[datetime] = None
    max_items: int = 8
    redis_url: Optional[str] = None
    redis_prefix: str = KEY_NAMESPACE
    redis_timeout: float = 0.5
    low_confidence: float = 0.5
    hash_salt: Optional[str] = None
    unanswered_days: float = 14.0
    unanswered_file: Path = Path("var/unanswered.jsonl")
    staff_name: Optional[str] = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Builds settings from environment variables.

        Raises:
            SettingsError: If a variable cannot be parsed or is out of range.
        """
        now = None
        if env.get("KW_NOW"):
            try:
                now = datetime.fromisoformat(env["KW_NOW"])
            except ValueError as error:
                raise SettingsError(f"KW_NOW must look like 2026-11-27T10:00, got {env['KW_NOW']!r}") from error
            now = now.replace(tzinfo=TZ) if now.tzinfo is None else now.astimezone(TZ)
        try:
            max_items = int(env.get("KW_MAX_ITEMS", "8"))
        except ValueError as error:
            raise SettingsError(f"KW_MAX_ITEMS must be a whole number, got {env['KW_MAX_ITEMS']!r}") from error
        prefix = env.get("KW_REDIS_PREFIX", "").strip() or KEY_NAMESPACE
        if not prefix.startswith(KEY_NAMESPACE):
            raise SettingsError(
                f"KW_REDIS_PREFIX must start with {KEY_NAMESPACE!r}, got {prefix!r}")
        low_confidence = _number(env, "KW_LOW_CONFIDENCE", 0.5, float, 0.0)
        if low_confidence > 1:
            raise SettingsError(f"KW_LOW_CONFIDENCE must be between 0 and 1, got {low_confidence}")
        return cls(
            content_dir=Path(env.get("KW_CONTENT_DIR", "content")),
            now=now,
            max_items=max_items,
            redis_url=env.get("REDIS_URL", "").strip() or None,
            redis_prefix=prefix,
            redis_timeout=_number(env, "KW_REDIS_TIMEOUT", 0.5, float, 0.05),
            low_confidence=low_confidence,
            hash_salt=env.get("KW_HASH_SALT") or None,
            unanswered_days=_number(env, "KW_UNANSWERED_DAYS", 14.0, float, 0.001),
            unanswered_file=Path(env.get("KW_UNANSWERED_FILE", "").strip()
                                 or "var/unanswered.jsonl"),
            staff_name=env.get("KW_STAFF_NAME", "").strip() or None,
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Returns the process-wide settings, read from the environment on first use."""
    return Settings.from_env(os.environ)


def current_time() -> datetime:
    """Returns the current time in Asia/Shanghai (or the KW_NOW override)."""
    return get_settings().now or datetime.now(TZ)
