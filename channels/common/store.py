"""Small key-value stores for deduplication, cached tokens and button payloads.

Connectors remember a few short-lived facts: which platform messages were already
taken (WeChat ``MsgId``, Telegram ``update_id``), which nonces were seen, the shared
WeChat access token, the payload behind a shortened button. ``KeyValueStore`` is
the protocol they use; ``MemoryStore`` keeps entries in a bounded dict for one
process and ``RedisStore`` shares them between processes (keys under
``KW_REDIS_PREFIX``, JSON values, a TTL on every key). ``create_store`` picks one
from the settings: the same Redis, prefix and client options as the rest of the
deployment, so two deployments sharing a Redis never share connector state.
"""

from __future__ import annotations

import json
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from bot.redis_client import DEFAULT_TIMEOUT, connect_async
from bot.settings import KEY_NAMESPACE, Settings, get_settings, namespaced

logger = logging.getLogger(__name__)

DEFAULT_MAX_ENTRIES = 50_000


class KeyValueStore(Protocol):
    """What connectors need from a store: JSON values that always expire."""

    async def add(self, key: str, value: Any, ttl: float) -> bool:
        """Stores ``value`` only if ``key`` is absent; tells whether it was stored."""

    async def get(self, key: str) -> Any:
        """Returns the value of ``key``, or None when it is absent or expired."""

    async def set(self, key: str, value: Any, ttl: float) -> None:
        """Stores ``value`` under ``key`` for ``ttl`` seconds."""

    async def delete(self, key: str) -> None:
        """Removes ``key`` if present."""

    async def close(self) -> None:
        """Releases connections."""


def _check_ttl(ttl: float) -> None:
    if not ttl or ttl <= 0:
        raise ValueError(f"every stored key needs a positive TTL, got {ttl!r}")


def _millis(ttl: float) -> int:
    return max(1, int(ttl * 1000))


class MemoryStore:
    """A process-local store with a TTL per key and a bound on the number of keys.

    Expired keys are purged when the store fills up; if it is still full, the
    oldest inserted keys are dropped, so memory stays bounded however many arrive.

    Args:
        max_entries: How many keys to keep at most.
        clock: Monotonic clock in seconds; tests pass a fake one.
    """

    def __init__(
        self,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self._max_entries = max_entries
        self._clock = clock
        self._data: OrderedDict[str, tuple[float, str]] = OrderedDict()

    def __len__(self) -> int:
        self._purge()
        return len(self._data)

    def _purge(self) -> None:
        now = self._clock()
        expired = [key for key, (expires, _) in self._data.items() if expires <= now]
        for key in expired:
            del self._data[key]

    def _live(self, key: str) -> str | None:
        item = self._data.get(key)
        if item is None:
            return None
        expires, raw = item
        if expires <= self._clock():
            del self._data[key]
            return None
        return raw

    def _put(self, key: str, value: Any, ttl: float) -> None:
        _check_ttl(ttl)
        raw = json.dumps(value, ensure_ascii=False)
        self._data.pop(key, None)
        if len(self._data) >= self._max_entries:
            self._purge()
        while len(self._data) >= self._max_entries:
            self._data.popitem(last=False)
        self._data[key] = (self._clock() + ttl, raw)

    async def add(self, key: str, value: Any, ttl: float) -> bool:
        """Stores ``value`` only if ``key`` is absent; tells whether it was stored."""
        if self._live(key) is not None:
            return False
        self._put(key, value, ttl)
        return True

    async def get(self, key: str) -> Any:
        """Returns the value of ``key``, or None when it is absent or expired."""
        raw = self._live(key)
        return None if raw is None else json.loads(raw)

    async def set(self, key: str, value: Any, ttl: float) -> None:
        """Stores ``value`` under ``key`` for ``ttl`` seconds."""
        self._put(key, value, ttl)

    async def delete(self, key: str) -> None:
        """Removes ``key`` if present."""
        self._data.pop(key, None)

    async def close(self) -> None:
        """Nothing to release."""


class StoreUnavailable(ConnectionError):
    """Redis failed a moment ago; calls fail fast until the cool-down has passed."""


class RedisStore:
    """A store in Redis, shared by every Rasa worker that points at it.

    Each command has a short socket timeout, and after a failure the store fails
    fast for ``cooldown`` seconds instead of waiting on Redis again: a webhook makes
    several store calls per message, and a hung Redis must not eat the platforms'
    5-second window.

    Args:
        client: A ``redis.asyncio.Redis`` client (created by ``from_url`` or by a test).
        prefix: Prepended to every key.
        cooldown: Seconds to fail fast after a Redis error.
    """

    def __init__(self, client: Any, prefix: str = KEY_NAMESPACE, cooldown: float = 2.0) -> None:
        self._client = client
        self._prefix = namespaced(prefix, "channel store")
        self._cooldown = cooldown
        self._failed_at: float | None = None

    @classmethod
    def from_url(
        cls, url: str, prefix: str = KEY_NAMESPACE, socket_timeout: float = DEFAULT_TIMEOUT
    ) -> RedisStore:
        """Builds a store whose connections time out instead of hanging a webhook.

        Args:
            url: A ``redis://`` URL.
            prefix: Prepended to every key.
            socket_timeout: Seconds for connecting and for each command.

        Returns:
            The store; no connection is made until the first command.
        """
        return cls(connect_async(url, socket_timeout), prefix)

    def _key(self, key: str) -> str:
        return f"{self._prefix}{key}"

    async def _run(self, command: Callable[[], Awaitable[Any]]) -> Any:
        import redis.exceptions

        if self._failed_at is not None:
            if time.monotonic() - self._failed_at < self._cooldown:
                raise StoreUnavailable(f"Redis failed less than {self._cooldown:.1f} s ago")
            self._failed_at = None
        try:
            return await command()
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError):
            self._failed_at = time.monotonic()
            raise

    async def add(self, key: str, value: Any, ttl: float) -> bool:
        """Stores ``value`` only if ``key`` is absent (SET NX PX); tells whether it was."""
        _check_ttl(ttl)
        raw = json.dumps(value, ensure_ascii=False)
        stored = await self._run(
            lambda: self._client.set(self._key(key), raw, nx=True, px=_millis(ttl))
        )
        return bool(stored)

    async def get(self, key: str) -> Any:
        """Returns the value of ``key``, or None when it is absent or expired."""
        raw = await self._run(lambda: self._client.get(self._key(key)))
        return None if raw is None else json.loads(raw)

    async def set(self, key: str, value: Any, ttl: float) -> None:
        """Stores ``value`` under ``key`` for ``ttl`` seconds."""
        _check_ttl(ttl)
        raw = json.dumps(value, ensure_ascii=False)
        await self._run(lambda: self._client.set(self._key(key), raw, px=_millis(ttl)))

    async def delete(self, key: str) -> None:
        """Removes ``key`` if present."""
        await self._run(lambda: self._client.delete(self._key(key)))

    async def close(self) -> None:
        """Closes the connection pool."""
        await self._client.close()


def create_store(settings: Settings | None = None) -> KeyValueStore:
    """Chooses the store: Redis in Redis mode, else memory.

    Args:
        settings: The settings; the process's own when omitted.

    Returns:
        A store; Redis connects lazily on the first command.
    """
    settings = settings or get_settings()
    if settings.redis_url:
        logger.info("Channel state is kept in Redis")
        return RedisStore.from_url(
            settings.redis_url, settings.redis_prefix, settings.redis_timeout
        )
    logger.info("Channel state is kept in memory (set REDIS_URL to share it)")
    return MemoryStore()


async def mark_once(store: KeyValueStore, key: str, ttl: float) -> bool:
    """Marks ``key`` as taken; tells whether this caller is the first.

    A store that fails (Redis down) lets the message through rather than lose it:
    a rare duplicate answer beats silence.

    Args:
        store: Where marks are kept.
        key: What identifies the message.
        ttl: How long to remember it.

    Returns:
        True when the key was new (or the store failed), False for a duplicate.
    """
    try:
        return await store.add(key, 1, ttl)
    except Exception:  # noqa: BLE001 - any store failure is handled the same way
        logger.exception("Deduplication store failed for %s; processing anyway", key)
        return True
