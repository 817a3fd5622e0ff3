"""Server-side console sessions with an idle expiry, and their CSRF tokens.

The browser holds only a random token (cookie ``kw_console``); the session itself
(account name, CSRF token, language) stays on the server, under the token's
SHA-256: in Redis (``<prefix>console:session:<hash>``, expiring after the idle
time, renewed on every request) or in memory without Redis. A login replaces the
session, so a token seen before login is worthless after it.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import time
from dataclasses import asdict, dataclass, replace
from typing import Any, Protocol

COOKIE = "kw_console"


@dataclass(frozen=True)
class Session:
    """One browser's session.

    Attributes:
        token: The cookie value (never stored; only its hash is a key).
        csrf: The token every state-changing request must carry.
        user: The account name once logged in, else "".
        lang: The console language.
        preview: The preview conversation's number (a new one after "start again").
        flash: A notice for the next page.
    """

    token: str
    csrf: str
    user: str = ""
    lang: str = "zh"
    preview: int = 0
    flash: str = ""

    @classmethod
    def new(cls, lang: str = "zh", user: str = "") -> Session:
        """A fresh session with random tokens."""
        return cls(secrets.token_urlsafe(32), secrets.token_urlsafe(32), user, lang)

    def with_changes(self, **changes: Any) -> Session:
        """A copy with ``changes``."""
        return replace(self, **changes)


def _key(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _dump(session: Session) -> str:
    data = asdict(session)
    del data["token"]
    return json.dumps(data, ensure_ascii=False)


class SessionStore(Protocol):
    """Where sessions are kept."""

    def get(self, token: str) -> Session | None:
        """The session of a token (renewing its idle time), or None if unknown or expired."""

    def put(self, session: Session) -> None:
        """Stores a session (renewing its idle time)."""

    def delete(self, token: str) -> None:
        """Ends a session."""


class MemorySessionStore:
    """Sessions in this process's memory (embedded mode: one console process)."""

    def __init__(self, idle_seconds: float, clock: Any = time.monotonic) -> None:
        self._idle = idle_seconds
        self._clock = clock
        self._sessions: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def get(self, token: str) -> Session | None:
        """The session, renewed, or None."""
        now = self._clock()
        with self._lock:
            found = self._sessions.get(_key(token))
            if found is None or now - found[1] > self._idle:
                self._sessions.pop(_key(token), None)
                return None
            self._sessions[_key(token)] = (found[0], now)
        return Session(token=token, **json.loads(found[0]))

    def put(self, session: Session) -> None:
        """Stores a session; drops expired ones now and then."""
        now = self._clock()
        with self._lock:
            self._sessions[_key(session.token)] = (_dump(session), now)
            if len(self._sessions) > 1000:
                for key in [k for k, (_, at) in self._sessions.items() if now - at > self._idle]:
                    del self._sessions[key]

    def delete(self, token: str) -> None:
        """Ends a session."""
        with self._lock:
            self._sessions.pop(_key(token), None)


class RedisSessionStore:
    """Sessions in Redis, each key expiring after the idle time."""

    def __init__(self, client: Any, prefix: str, idle_seconds: float) -> None:
        self._client = client
        self._prefix = f"{prefix}console:session:"
        self._idle = max(1, int(idle_seconds))

    def get(self, token: str) -> Session | None:
        """The session, renewed, or None."""
        key = self._prefix + _key(token)
        with self._client.pipeline(transaction=False) as pipe:
            pipe.get(key)
            pipe.expire(key, self._idle)
            raw, _ = pipe.execute()
        return Session(token=token, **json.loads(raw)) if raw else None

    def put(self, session: Session) -> None:
        """Stores a session with the idle expiry."""
        self._client.set(self._prefix + _key(session.token), _dump(session), ex=self._idle)

    def delete(self, token: str) -> None:
        """Ends a session."""
        self._client.delete(self._prefix + _key(token))
