"""Settings of the action server, read from the environment in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Mapping, Optional

from bot.dates import TZ


class SettingsError(ValueError):
    """An environment variable has a value the action server cannot use."""


@dataclass(frozen=True)
class Settings:
    """Action server settings.

    Attributes:
        content_dir: Folder of the staff content files (KW_CONTENT_DIR, default ./content).
        now: A fixed "current time" for rehearsals and tests (KW_NOW, ISO 8601 in
            Asia/Shanghai, e.g. 2026-11-27T10:00), or None for the real clock.
        max_items: How many events a list answer shows at most (KW_MAX_ITEMS).
    """

    content_dir: Path
    now: Optional[datetime] = None
    max_items: int = 8

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Builds settings from environment variables.

        Raises:
            SettingsError: If KW_NOW or KW_MAX_ITEMS cannot be parsed.
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
        return cls(content_dir=Path(env.get("KW_CONTENT_DIR", "content")), now=now, max_items=max_items)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Returns the process-wide settings, read from the environment on first use."""
    return Settings.from_env(os.environ)


def current_time() -> datetime:
    """Returns the current time in Asia/Shanghai (or the KW_NOW override)."""
    return get_settings().now or datetime.now(TZ)
