"""Staff accounts and where they are kept: a Redis hash, or a JSON file (mode 0600).

An account has a name, a role (``editor`` edits drafts and previews; ``publisher``
also publishes and rolls back; ``admin`` also manages accounts), a scrypt
password hash, the console language the person chose, and whether it is disabled.
Names are compared in lower case.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from bot.settings import Settings

ROLES: tuple[str, ...] = ("editor", "publisher", "admin")
LANGUAGES: tuple[str, ...] = ("zh", "ko")
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,31}")


class AccountError(ValueError):
    """An account cannot be created or changed; the message says why."""


class UnknownAccount(AccountError):
    """No account has this name."""


def check_name(name: str) -> str:
    """The account name in lower case.

    Raises:
        AccountError: When it is not 1–32 letters, digits, dots, dashes or underscores.
    """
    value = name.strip().lower()
    if not _NAME.fullmatch(value):
        raise AccountError(
            f"{name!r} cannot be an account name: use 1-32 letters a-z, digits, '.', '-' or '_'"
        )
    return value


def check_role(role: str) -> str:
    """The role, if it is one of ``ROLES``.

    Raises:
        AccountError: Naming the roles otherwise.
    """
    if role not in ROLES:
        raise AccountError(f"{role!r} is not a role; use one of {', '.join(ROLES)}")
    return role


def allows(role: str, needed: str) -> bool:
    """Whether ``role`` may do what ``needed`` may (admin ⊃ publisher ⊃ editor)."""
    return role in ROLES and needed in ROLES and ROLES.index(role) >= ROLES.index(needed)


@dataclass(frozen=True)
class Account:
    """One person's access to the console."""

    name: str
    role: str
    password_hash: str
    language: str = "zh"
    disabled: bool = False
    created_at: str = ""
    changed_at: str = ""

    def to_json(self) -> str:
        """The account as stored."""
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: str) -> Account:
        """Reads an account stored by ``to_json``."""
        data = json.loads(raw)
        return cls(**{key: data[key] for key in data if key in cls.__dataclass_fields__})

    def with_changes(self, **changes: Any) -> Account:
        """A copy with ``changes`` and the change time set to now."""
        return replace(
            self, changed_at=datetime.now().astimezone().isoformat("T", "seconds"), **changes
        )


class AccountStore(Protocol):
    """Where accounts are kept."""

    def get(self, name: str) -> Account | None:
        """The account, or None."""

    def all(self) -> list[Account]:
        """Every account, by name."""

    def put(self, account: Account) -> None:
        """Creates or replaces an account."""

    def create(self, account: Account) -> None:
        """Creates an account.

        Raises:
            AccountError: When the name is taken.
        """


class RedisAccountStore:
    """Accounts as JSON values of one Redis hash, ``<prefix>staff:accounts`` (no TTL)."""

    def __init__(self, client: Any, prefix: str) -> None:
        self._client = client
        self.key = f"{prefix}staff:accounts"

    def get(self, name: str) -> Account | None:
        """The account, or None."""
        raw = self._client.hget(self.key, name.lower())
        return Account.from_json(raw) if raw else None

    def all(self) -> list[Account]:
        """Every account, by name."""
        values = self._client.hgetall(self.key)
        return [Account.from_json(values[name]) for name in sorted(values)]

    def put(self, account: Account) -> None:
        """Creates or replaces an account."""
        self._client.hset(self.key, account.name, account.to_json())

    def create(self, account: Account) -> None:
        """Creates an account, unless the name is taken."""
        if not self._client.hsetnx(self.key, account.name, account.to_json()):
            raise AccountError(f"there is already an account named {account.name}")


class FileAccountStore:
    """Accounts in one JSON file, readable by its owner only, changed under a lock."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @contextmanager
    def _locked(self) -> Iterator[dict[str, Account]]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".lock"), "a+", encoding="utf-8") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            accounts = {account.name: account for account in self.all()}
            yield accounts
            temporary = self.path.with_name(f".{self.path.name}.tmp")
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with open(descriptor, "w", encoding="utf-8") as handle:
                json.dump([asdict(a) for a in accounts.values()], handle, ensure_ascii=False)
            os.replace(temporary, self.path)

    def get(self, name: str) -> Account | None:
        """The account, or None."""
        return next((a for a in self.all() if a.name == name.lower()), None)

    def all(self) -> list[Account]:
        """Every account, by name."""
        try:
            with open(self.path, encoding="utf-8") as handle:
                data = json.load(handle)
        except FileNotFoundError:
            return []
        return sorted((Account.from_json(json.dumps(item)) for item in data), key=lambda a: a.name)

    def put(self, account: Account) -> None:
        """Creates or replaces an account."""
        with self._locked() as accounts:
            accounts[account.name] = account

    def create(self, account: Account) -> None:
        """Creates an account, unless the name is taken."""
        with self._locked() as accounts:
            if account.name in accounts:
                raise AccountError(f"there is already an account named {account.name}")
            accounts[account.name] = account


def open_accounts(settings: Settings, client: Any = None) -> AccountStore:
    """The account store of these settings: Redis when REDIS_URL is set, else the file."""
    if settings.redis_url:
        if client is None:
            from bot.redis_client import connect

            client = connect(settings.redis_url, max(settings.redis_timeout, 2.0))
        return RedisAccountStore(client, settings.redis_prefix)
    return FileAccountStore(settings.state_dir / "staff" / "accounts.json")
