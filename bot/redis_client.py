"""One way to open a Redis client: short socket timeouts, a few retries, text values.

Everything that talks to Redis (content publishing, the live-content watcher, the
unanswered-questions log) takes a client as an argument; ``connect`` builds the one
used in production from ``REDIS_URL``. Nothing connects before the first command.
"""

from __future__ import annotations

from typing import Any

import redis
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

#: How many times a command is retried after a connection error or a timeout.
RETRIES = 2


def connect(url: str, timeout: float = 0.5, retries: int = RETRIES) -> redis.Redis:
    """Returns a client for ``url`` that never waits long for an unreachable server.

    Args:
        url: A Redis URL, e.g. ``redis://127.0.0.1:6379/0``.
        timeout: Seconds to wait for a connection and for each reply.
        retries: Retries after a connection error or timeout, with a short
            exponential back-off; at most about ``(retries + 1) * (timeout + 0.1)``
            seconds pass before a command fails.

    Returns:
        A client returning ``str`` values (UTF-8).
    """
    return redis.Redis.from_url(url, **client_options(Retry, timeout, retries))


def client_options(retry_class: type, timeout: float, retries: int) -> dict[str, Any]:
    """The options every client here shares, sync (``redis.retry.Retry``) or asyncio.

    Args:
        retry_class: ``redis.retry.Retry`` or ``redis.asyncio.retry.Retry``.
        timeout: Seconds to wait for a connection and for each reply.
        retries: Retries after a connection error or a timeout.
    """
    return {
        "decode_responses": True,
        "socket_timeout": timeout,
        "socket_connect_timeout": timeout,
        "retry": retry_class(ExponentialBackoff(cap=0.1, base=0.02), retries),
        "retry_on_error": [RedisConnectionError, RedisTimeoutError],
    }
