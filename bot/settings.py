"""Every environment variable the project reads, with its default and meaning, in one place.

``get_settings()`` reads the process environment once; every other module asks it
(or receives a ``Settings``) instead of reading ``os.environ``. Channel secrets
(``WECHAT_TOKEN``, …) are not here: Rasa expands them from credentials.yml
(docs/channels.md). ``python -m bot.settings`` prints the variable table that
docs/deploy.md shows (a test keeps the two equal).

A pydantic model rather than pydantic's ``BaseSettings``: ``BaseSettings`` reads
``os.environ`` itself, so it cannot check a mapping a test or the supervisor
passes, and it takes an empty variable as a value where operators mean "unset".
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError, validator

from bot.setting_values import KEY_NAMESPACE, RateLimit, SettingsError, namespaced

__all__ = [
    "KEY_NAMESPACE",
    "RateLimit",
    "Settings",
    "SettingsError",
    "channel_secrets",
    "environment",
    "get_settings",
    "namespaced",
    "overridden",
    "variables_table",
]

_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def _var(name: str, meaning: str, **limits: Any) -> Any:
    """A field read from the variable ``name``, documented with ``meaning``."""
    return Field(alias=name, description=meaning, **limits)


class Settings(BaseModel):
    """The project's settings; field aliases are the environment variable names."""

    # --- content and answers ---
    content_dir: Path = _var(
        "KW_CONTENT_DIR", "folder of the staff content files", default=Path("content")
    )
    now: datetime | None = _var(
        "KW_NOW",
        "a fixed current time for rehearsals and tests, e.g. `2026-11-27T10:00` (Asia/Shanghai)",
        default=None,
    )
    max_items: int = _var(
        "KW_MAX_ITEMS", "how many events a list answer shows at most", default=8, ge=1, le=50
    )
    low_confidence: float = _var(
        "KW_LOW_CONFIDENCE",
        "intent confidence under which a message is recorded as unanswered, even when answered",
        default=0.5,
        ge=0.0,
        le=1.0,
    )
    model: Path = _var(
        "KW_MODEL", "the trained model archive", default=Path("models/korea-week.tar.gz")
    )
    # --- Redis ---
    redis_url: str | None = _var(
        "REDIS_URL",
        "Redis mode when set: `redis://[:password@]host:port/db` (`rediss://` for TLS)",
        default=None,
    )
    redis_prefix: str = _var(
        "KW_REDIS_PREFIX",
        "start of every Redis key (must start with `kw:`); deployments "
        "sharing a Redis use different prefixes",
        default=KEY_NAMESPACE,
    )
    redis_timeout: float = _var(
        "KW_REDIS_TIMEOUT", "seconds to wait for Redis per command", default=0.5, ge=0.05, le=30.0
    )
    rate_limit: str = _var(
        "KW_RATE_LIMIT",
        "messages per user per window of seconds; `off` disables it",
        default="20/60",
    )
    # --- unanswered questions ---
    hash_salt: str | None = _var(
        "KW_HASH_SALT",
        "salt for hashing user ids in the unanswered log (generated when unset)",
        default=None,
    )
    unanswered_days: float = _var(
        "KW_UNANSWERED_DAYS", "days unanswered questions are kept", default=14.0, ge=0.001
    )
    unanswered_file: Path = _var(
        "KW_UNANSWERED_FILE",
        "where unanswered questions are kept without Redis",
        default=Path("var/unanswered.jsonl"),
    )
    staff_name: str | None = _var(
        "KW_STAFF_NAME",
        "who publishes content from this shell (default: the login name)",
        default=None,
    )
    state_dir: Path = _var(
        "KW_STATE_DIR",
        "embedded mode's own records: content versions and history, the shared draft, "
        "staff accounts, the audit log, usage counts (Redis holds them in Redis mode)",
        default=Path("var"),
    )
    usage_flush: float = _var(
        "KW_USAGE_FLUSH",
        "seconds between two writes of the usage counts (dashboard) by each Rasa server",
        default=2.0,
        ge=0.1,
        le=60.0,
    )
    usage_days: float = _var(
        "KW_USAGE_DAYS", "days the hourly usage counts are kept", default=35.0, ge=1.0
    )
    # --- staff console ---
    console_host: str = _var(
        "KW_CONSOLE_HOST", "interface the staff console listens on", default="127.0.0.1"
    )
    console_port: int = _var(
        "KW_CONSOLE_PORT",
        "port of the staff console; `make run` starts it unless this is 0",
        default=5080,
        ge=0,
        le=65535,
    )
    console_idle_minutes: float = _var(
        "KW_CONSOLE_IDLE_MINUTES",
        "minutes without a request after which a console session ends",
        default=30.0,
        ge=1.0,
        le=24 * 60.0,
    )
    console_proxies: int = _var(
        "KW_CONSOLE_PROXIES",
        "proxies in front of the console whose X-Forwarded-For/-Proto it trusts (compose: 1)",
        default=0,
        ge=0,
        le=5,
    )
    login_slow_after: int = _var(
        "KW_LOGIN_SLOW_AFTER",
        "failed logins of one account or address after which each attempt waits a second more",
        default=3,
        ge=1,
    )
    login_lock_after: int = _var(
        "KW_LOGIN_LOCK_AFTER",
        "failed logins of one account after which it is locked for KW_LOGIN_LOCK_MINUTES",
        default=5,
        ge=1,
    )
    login_lock_address_after: int = _var(
        "KW_LOGIN_LOCK_ADDRESS_AFTER",
        "failed logins from one address after which it is locked for KW_LOGIN_LOCK_MINUTES",
        default=20,
        ge=1,
    )
    login_lock_minutes: float = _var(
        "KW_LOGIN_LOCK_MINUTES",
        "how long a locked account or address must wait, and how long failures are counted",
        default=15.0,
        ge=0.05,
    )
    # --- servers ---
    host: str = _var("KW_HOST", "interface the Rasa server listens on", default="127.0.0.1")
    port: int = _var("KW_PORT", "port of the Rasa server", default=5005, ge=1, le=65535)
    actions_port: int = _var(
        "KW_ACTIONS_PORT", "port of the action server", default=5055, ge=1, le=65535
    )
    action_url: str | None = _var(
        "KW_ACTION_URL",
        "the action server's webhook for `endpoints.redis.yml` (set by `make run` when unset)",
        default=None,
    )
    endpoints: Path | None = _var(
        "KW_ENDPOINTS", "an endpoints file to use instead of the automatic choice", default=None
    )
    run_dir: Path = _var(
        "KW_RUN_DIR",
        "where each run keeps its generated files (a folder per run inside)",
        default=Path("var/run"),
    )
    log_level: str = _var(
        "KW_LOG_LEVEL", "log level of every process: DEBUG, INFO, WARNING, ERROR", default="WARNING"
    )
    rasa_url: str = _var(
        "KW_RASA_URL",
        "the Rasa server, for the Telegram polling tool",
        default="http://127.0.0.1:5005",
    )
    # --- lean serving (issue 13) ---
    lean_imports: bool = _var(
        "KW_LEAN_IMPORTS",
        "serve without importing TensorFlow when the model uses no TensorFlow component: on/off",
        default=True,
    )
    lean_memory: bool = _var(
        "KW_LEAN_MEMORY",
        "when serving, limit malloc arenas and trim memory freed by the model load: on/off",
        default=True,
    )
    # --- drain and supervise (issue 14) ---
    drain_seconds: float = _var(
        "KW_DRAIN_SECONDS",
        "on SIGTERM, how long the Rasa server lets turns in flight finish before it stops",
        default=8.0,
        ge=0.0,
        le=120.0,
    )

    class Config:
        """Fields may be given by name or by variable; settings never change."""

        allow_population_by_field_name = True
        frozen = True

    @validator("now")
    def _local_time(cls, value: datetime | None) -> datetime | None:
        from bot.nlu.dates import TZ

        if value is None:
            return None
        return value.replace(tzinfo=TZ) if value.tzinfo is None else value.astimezone(TZ)

    @validator("redis_prefix")
    def _namespaced(cls, value: str) -> str:
        return namespaced(value, "")  # the error names the variable

    @validator("rate_limit")
    def _rate(cls, value: str) -> str:
        try:
            RateLimit.parse(value)
        except SettingsError as error:
            raise ValueError("must look like 20/60 (messages/seconds) or off") from error
        return value

    @validator("log_level")
    def _level(cls, value: str) -> str:
        if value.upper() not in _LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(_LOG_LEVELS)}")
        return value.upper()

    @validator("redis_url")
    def _redis_url(cls, value: str | None) -> str | None:
        from bot.redis_client import check_url

        return check_url(value) if value else None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Builds settings from environment variables; unset and blank ones take the default.

        Raises:
            SettingsError: Naming the variable, when a value cannot be used.
        """
        names = {field.alias for field in cls.__fields__.values()}
        values = {name: env[name].strip() for name in names if env.get(name, "").strip()}
        try:
            return cls.parse_obj(values)
        except ValidationError as error:
            raise SettingsError(_explain(error)) from None

    def limit(self) -> RateLimit | None:
        """The per-user rate limit, or None when it is off."""
        return RateLimit.parse(self.rate_limit)

    def current_time(self) -> datetime:
        """The current time in Asia/Shanghai, or the KW_NOW override."""
        from bot.nlu.dates import TZ

        return self.now or datetime.now(TZ)


def _explain(error: ValidationError) -> str:
    """One line per bad variable: ``KW_MAX_ITEMS must be ... , got '0'``."""
    aliases = {name: field.alias for name, field in Settings.__fields__.items()}
    problems = []
    for item in error.errors():
        where = str(item["loc"][0]) if item.get("loc") else "?"
        problems.append(f"{aliases.get(where, where)}: {item['msg']}")
    return "; ".join(problems)


@lru_cache(maxsize=1)
def _from_environment() -> Settings:
    return Settings.from_env(os.environ)


#: Settings that replace the environment's in this context (``overridden``).
_OVERRIDE: ContextVar[Settings | None] = ContextVar("kw_settings_override", default=None)


def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use.

    Raises:
        SettingsError: When a variable has a value that cannot be used.
    """
    return _OVERRIDE.get() or _from_environment()


get_settings.cache_clear = _from_environment.cache_clear  # type: ignore[attr-defined]


@contextmanager
def overridden(**changes: Any) -> Iterator[Settings]:
    """Runs the body (and the tasks it starts) with some settings changed.

    The conversation runner uses it to play each conversation at its own clock
    (``now=...``) through the in-process actions, without touching the environment.

    Args:
        **changes: Field names and their values for the body.
    """
    settings = get_settings().copy(update=changes)
    token = _OVERRIDE.set(settings)
    try:
        yield settings
    finally:
        _OVERRIDE.reset(token)


def environment() -> Mapping[str, str]:
    """The process environment, for code that passes it on (child processes, credentials)."""
    return os.environ


def channel_secrets(*names: str, env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The channel secrets (``TELEGRAM_TOKEN``, …) that are set, for tools beside the server.

    Secrets are not settings: the server gets them from credentials.yml. A tool
    that runs next to it (the Telegram long poller) reads the few it needs here.

    Args:
        *names: The variables wanted.
        env: Where to read them; the process environment when omitted.

    Returns:
        Name -> value, stripped; unset and blank variables are left out.
    """
    source = os.environ if env is None else env
    values = {name: (source.get(name) or "").strip() for name in names}
    return {name: value for name, value in values.items() if value}


def variables_table() -> list[str]:
    """The Markdown table of every variable: name, default and meaning."""
    lines = ["| variable | default | meaning |", "| --- | --- | --- |"]
    for field in Settings.__fields__.values():
        default = "unset" if field.default is None else f"`{field.default}`"
        lines.append(f"| `{field.alias}` | {default} | {field.field_info.description} |")
    return lines


if __name__ == "__main__":
    print("\n".join(variables_table()))
    sys.exit(0)
