"""How many messages one user may send in a window, counted per channel and user.

``KW_RATE_LIMIT`` sets the limit as ``<messages>/<seconds>`` (default ``20/60``;
``off`` or ``0`` turns it off). A fixed window: the first message of a user
starts a window of ``seconds`` in which ``messages`` are let through; later ones
are refused until the window ends. With ``REDIS_URL`` the count is shared by
every Rasa server (key ``<prefix>rate:<channel>:<user>``, an integer that expires
with its window); without it each process counts for itself in a bounded dict.
A Redis that fails lets the message through: the limit protects the bot, it
must not silence it.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Protocol

from bot.redis_client import connect_async
from bot.settings import KEY_NAMESPACE, RateLimit, Settings

logger = logging.getLogger(__name__)

#: The limiter's Redis budget per message: one try, a quarter of a second.
REDIS_TIMEOUT = 0.25
# INCR the window's counter; the first message of a window sets its expiry.
_COUNT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 or redis.call('PTTL', KEYS[1]) < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return count
"""


class RateLimiter(Protocol):
    """Decides whether a user's next message is let through."""

    async def allow(self, user: str) -> bool:
        """Counts one message of ``user``; tells whether it is within the limit."""


class NoRateLimit:
    """Lets everything through (``KW_RATE_LIMIT=off``)."""

    async def allow(self, user: str) -> bool:
        """Always True."""
        return True


class MemoryRateLimiter:
    """Counts in this process, for at most ``max_users`` users at a time.

    Args:
        limit: The limit.
        max_users: Bound on the users remembered; the oldest windows go first.
        clock: Monotonic clock in seconds; tests pass a fake one.
    """

    def __init__(
        self,
        limit: RateLimit,
        max_users: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._limit = limit
        self._max_users = max_users
        self._clock = clock
        self._windows: OrderedDict[str, tuple[float, int]] = OrderedDict()

    async def allow(self, user: str) -> bool:
        """Counts one message of ``user``; tells whether it is within the limit."""
        now = self._clock()
        ends, count = self._windows.get(user, (0.0, 0))
        if ends <= now:
            self._windows.pop(user, None)
            while len(self._windows) >= self._max_users:
                self._windows.popitem(last=False)
            ends, count = now + self._limit.seconds, 0
        count += 1
        self._windows[user] = (ends, count)
        return count <= self._limit.messages


class RedisRateLimiter:
    """Counts in Redis, shared by every Rasa server.

    Args:
        client: A ``redis.asyncio`` client (short timeout, no retries: see ``REDIS_TIMEOUT``).
        limit: The limit.
        prefix: Start of the keys; must start with ``kw:``.
    """

    def __init__(self, client: Any, limit: RateLimit, prefix: str = KEY_NAMESPACE) -> None:
        self._client = client
        self._limit = limit
        self._prefix = prefix
        self._count = client.register_script(_COUNT)

    async def allow(self, user: str) -> bool:
        """Counts one message of ``user``; True when within the limit or Redis fails."""
        key = f"{self._prefix}rate:{user}"
        try:
            count = int(await self._count(keys=[key], args=[int(self._limit.seconds * 1000)]))
        except Exception:  # noqa: BLE001 - never refuse a visitor because Redis is away
            logger.warning("Rate limit not checked for %s: Redis failed", user, exc_info=True)
            return True
        return count <= self._limit.messages


def create_rate_limiter(settings: Settings) -> RateLimiter:
    """Builds the limiter the settings ask for; Redis connects on first use."""
    limit = settings.limit()
    if limit is None:
        logger.info("No per-user rate limit (KW_RATE_LIMIT=off)")
        return NoRateLimit()
    if settings.redis_url:
        client = connect_async(settings.redis_url, timeout=REDIS_TIMEOUT, retries=0)
        return RedisRateLimiter(client, limit, settings.redis_prefix)
    return MemoryRateLimiter(limit)
