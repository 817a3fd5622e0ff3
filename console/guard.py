"""Slow down, then lock, repeated failed logins per account and per client address.

Failures are counted in a window of ``KW_LOGIN_LOCK_MINUTES``: from the
``KW_LOGIN_SLOW_AFTER``-th on, each further attempt waits one second more (at
most five) before its answer; at ``KW_LOGIN_LOCK_AFTER`` failures an account, or
at ``KW_LOGIN_LOCK_ADDRESS_AFTER`` an address, is refused until the window
ends, even with the right password. A success clears the account's count.
Counts live in Redis (``<prefix>console:fail:<kind>:<hash>``, with the window as
TTL) or in memory.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass
from typing import Any

MAX_DELAY = 5.0


@dataclass(frozen=True)
class Limits:
    """When to slow down and when to lock."""

    slow_after: int
    lock_account_after: int
    lock_address_after: int
    window_seconds: float


@dataclass(frozen=True)
class Verdict:
    """What to do with a login attempt before checking the password."""

    locked: bool
    delay: float
    retry_after: float = 0.0


class _Counts:
    """Failure counts with a per-key expiry, in memory or in Redis."""

    def __init__(self, client: Any, prefix: str, window: float) -> None:
        self._client = client
        self._prefix = f"{prefix}console:fail:"
        self._window = window
        self._memory: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def _key(self, kind: str, value: str) -> str:
        digest = hashlib.sha256(value.encode("utf-8")).hexdigest()[:32]
        return f"{self._prefix}{kind}:{digest}"

    def get(self, kind: str, value: str) -> tuple[int, float]:
        """The count and the seconds left in its window."""
        key = self._key(kind, value)
        if self._client is not None:
            with self._client.pipeline(transaction=False) as pipe:
                pipe.get(key)
                pipe.pttl(key)
                raw, ttl = pipe.execute()
            return int(raw or 0), max(0.0, (ttl or 0) / 1000)
        with self._lock:
            count, until = self._memory.get(key, (0, 0.0))
        left = until - time.monotonic()
        return (count, left) if left > 0 else (0, 0.0)

    def add(self, kind: str, value: str) -> None:
        """Counts one failure; the window starts at the first."""
        key = self._key(kind, value)
        if self._client is not None:
            if self._client.incr(key) == 1:
                self._client.expire(key, max(1, int(self._window)))
            return
        with self._lock:
            count, until = self._memory.get(key, (0, 0.0))
            if until <= time.monotonic():
                count, until = 0, time.monotonic() + self._window
            self._memory[key] = (count + 1, until)

    def clear(self, kind: str, value: str) -> None:
        """Forgets the failures."""
        key = self._key(kind, value)
        if self._client is not None:
            self._client.delete(key)
        else:
            with self._lock:
                self._memory.pop(key, None)


class LoginGuard:
    """Decides how to treat login attempts from their recent failures.

    Args:
        limits: The thresholds.
        client: A Redis client (Redis mode), or None to count in memory.
        prefix: The Redis key prefix.
    """

    def __init__(self, limits: Limits, client: Any = None, prefix: str = "kw:") -> None:
        self.limits = limits
        self._counts = _Counts(client, prefix, limits.window_seconds)

    def check(self, account: str, address: str) -> Verdict:
        """Whether an attempt is refused outright, and how long to wait before answering."""
        account_fails, account_left = self._counts.get("account", account.lower())
        address_fails, address_left = self._counts.get("address", address)
        if account_fails >= self.limits.lock_account_after:
            return Verdict(True, 0.0, account_left)
        if address_fails >= self.limits.lock_address_after:
            return Verdict(True, 0.0, address_left)
        worst = max(account_fails, address_fails)
        extra = worst - self.limits.slow_after + 1
        return Verdict(False, min(MAX_DELAY, float(extra)) if extra > 0 else 0.0)

    def failed(self, account: str, address: str) -> None:
        """Counts a failed attempt for the account and the address."""
        self._counts.add("account", account.lower())
        self._counts.add("address", address)

    def succeeded(self, account: str) -> None:
        """Clears the account's failures."""
        self._counts.clear("account", account.lower())
