"""The one way this project opens Redis: short timeouts, a few retries, text values.

Everything that talks to Redis takes a client as an argument; the functions here
build the ones used in production. ``connect`` gives a synchronous client
(content publishing, the live-content watcher, the unanswered-questions log, the
console); ``connect_async`` a ``redis.asyncio`` one for code running in the Rasa
server's event loop (tracker and lock stores, rate limiter, connector state), so a
slow Redis never blocks the loop. Both give up quickly: a Redis that hangs or
restarts makes a command fail within about a second and a half instead of
waiting, and the caller answers the visitor with a polite "busy" reply. Nothing
connects before the first command.

The asyncio clients also share a breaker: once a command has failed (after its
retries), every command of this process fails at once for ``BREAKER_SECONDS``
instead of waiting out its own timeouts. A WeChat message makes several Redis
calls before Rasa sees it (deduplication, language, rate limit, turn record);
with Redis paused each used to wait ~1.8 s, and together they overran WeChat's
5-second window (``make reliability``, "Redis paused": 6.75 s).
"""

from __future__ import annotations

import time
from functools import lru_cache
from typing import Any

#: Seconds to wait for a connection and for each reply.
DEFAULT_TIMEOUT = 0.5
#: Retries after a connection error or a timeout.
DEFAULT_RETRIES = 2
_SCHEMES = ("redis://", "rediss://", "unix://")
#: Seconds after a failed command during which the asyncio clients fail at once.
BREAKER_SECONDS = 1.0


class _Breaker:
    """When the asyncio clients may ask each Redis (by URL) again."""

    open_until: dict[str, float] = {}


@lru_cache(maxsize=1)
def _breaker_retry() -> type:
    """``redis.asyncio``'s ``Retry`` that fails at once while its Redis's breaker is open."""
    from redis.asyncio.retry import Retry
    from redis.exceptions import ConnectionError as RedisConnectionError

    class BreakerRetry(Retry):
        __slots__ = ("_key",)

        def __init__(self, key: str, backoff: Any, retries: int) -> None:
            super().__init__(backoff, retries)
            self._key = key

        async def call_with_retry(self, do: Any, fail: Any) -> Any:
            if time.monotonic() < _Breaker.open_until.get(self._key, 0.0):
                raise RedisConnectionError("Redis failed a moment ago; not asking again yet")
            try:
                return await super().call_with_retry(do, fail)
            except self._supported_errors:
                _Breaker.open_until[self._key] = time.monotonic() + BREAKER_SECONDS
                raise

    return BreakerRetry


def check_url(url: str) -> str:
    """Returns ``url`` if it is a Redis URL.

    Raises:
        ValueError: When it is not (``redis://``, ``rediss://`` or ``unix://``).
    """
    if not url.startswith(_SCHEMES):
        raise ValueError(f"not a Redis URL: {url!r} (expected redis://host:port/db)")
    return url


def client_options(retry_class: type, timeout: float, retries: int, *key: str) -> dict[str, Any]:
    """The options every client here shares, sync or asyncio.

    No ``health_check_interval``: its PING is retried on its own and would double
    the time a hung Redis takes to fail; a dead pooled connection fails its
    command, which is then retried on a fresh one.

    Args:
        retry_class: ``redis.retry.Retry``, ``redis.asyncio.retry.Retry``, or the
            breaker's, which takes ``key`` (the URL) first.
        *key: The URL, for the breaker's class only.
        timeout: Seconds to wait for a connection and for each reply.
        retries: Retries after a connection error or a timeout, with a short
            exponential back-off; a command fails after about
            ``(retries + 1) * (timeout + 0.1)`` seconds at most.
    """
    from redis.backoff import ExponentialBackoff
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    return {
        "decode_responses": True,
        "socket_timeout": timeout,
        "socket_connect_timeout": timeout,
        "retry": retry_class(*key, ExponentialBackoff(cap=0.1, base=0.02), retries),
        "retry_on_error": [RedisConnectionError, RedisTimeoutError],
    }


def connect(url: str, timeout: float = DEFAULT_TIMEOUT, retries: int = DEFAULT_RETRIES) -> Any:
    """Returns a synchronous ``redis.Redis`` client for ``url`` that never waits long.

    Args:
        url: A Redis URL, e.g. ``redis://127.0.0.1:6379/0``.
        timeout: Seconds to wait for a connection and for each reply.
        retries: Retries after a connection error or timeout (see ``client_options``).

    Returns:
        A client returning ``str`` values (UTF-8).

    Raises:
        ValueError: When the URL is not a Redis URL.
    """
    import redis
    from redis.retry import Retry

    return redis.Redis.from_url(check_url(url), **client_options(Retry, timeout, retries))


def connect_async(
    url: str, timeout: float = DEFAULT_TIMEOUT, retries: int = DEFAULT_RETRIES
) -> Any:
    """Returns a ``redis.asyncio.Redis`` client for ``url`` that gives up quickly.

    Args:
        url: A Redis URL, e.g. ``redis://:password@redis:6379/0``.
        timeout: Seconds to wait for a connection and for each reply.
        retries: Retries after a connection error or timeout (see ``client_options``).

    Returns:
        A client returning ``str`` values (UTF-8); it connects on first use and
        shares the process's breaker (``BREAKER_SECONDS``).

    Raises:
        ValueError: When the URL is not a Redis URL.
    """
    import redis.asyncio as redis_asyncio

    options = client_options(_breaker_retry(), timeout, retries, check_url(url))
    return redis_asyncio.from_url(url, **options)


def answers(url: str, timeout: float = DEFAULT_TIMEOUT) -> bool:
    """Tells whether Redis at ``url`` answers a PING within ``timeout`` (no retries)."""
    import redis

    try:
        client = connect(url, timeout, retries=0)
    except ValueError:
        return False
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError):
        return False
    finally:
        client.close()
