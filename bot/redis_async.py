"""One way to open an asyncio Redis client for the Rasa server: short timeouts, a few retries.

The tracker store, the lock store and the rate limiter run inside the Rasa
server's event loop. They use ``redis.asyncio`` so a slow Redis never blocks the
loop, with socket timeouts and a short retry budget so a Redis that hangs or
restarts makes a command fail within about a second and a half instead of
waiting; the caller then answers the visitor with a polite "busy" reply.
Nothing connects before the first command.
"""

from __future__ import annotations

from typing import Any

#: Seconds to wait for a connection and for each reply.
DEFAULT_TIMEOUT = 0.5
#: Retries after a connection error or a timeout.
DEFAULT_RETRIES = 2


def connect_async(
    url: str, timeout: float = DEFAULT_TIMEOUT, retries: int = DEFAULT_RETRIES
) -> Any:
    """Returns a ``redis.asyncio.Redis`` client for ``url`` that gives up quickly.

    Args:
        url: A Redis URL, e.g. ``redis://:password@redis:6379/0``.
        timeout: Seconds to wait for a connection and for each reply.
        retries: Retries after a connection error or a timeout, with a short
            exponential back-off; a command fails after about
            ``(retries + 1) * (timeout + 0.1)`` seconds at most.

    Returns:
        A client returning ``str`` values (UTF-8); it connects on first use.

    Raises:
        ValueError: When the URL is not a Redis URL.
    """
    import redis.asyncio as redis_asyncio
    from redis.asyncio.retry import Retry

    from bot.redis_client import client_options

    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ValueError(f"not a Redis URL: {url!r} (expected redis://host:port/db)")
    # No health_check_interval: its PING is retried on its own and would double
    # the time a hung Redis takes to fail; a dead pooled connection fails its
    # command, which is then retried on a fresh one.
    return redis_asyncio.from_url(url, **client_options(Retry, timeout, retries))
