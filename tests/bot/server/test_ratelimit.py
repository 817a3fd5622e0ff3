"""The per-user rate limit: parsing, the in-memory window, the shared Redis window."""

from __future__ import annotations

import time
from typing import Any

import pytest

from bot.redis_client import connect_async
from bot.server.ratelimit import (
    MemoryRateLimiter,
    NoRateLimit,
    RateLimiter,
    RedisRateLimiter,
    create_rate_limiter,
)
from bot.settings import RateLimit, Settings, SettingsError
from tests.support.redis import REDIS_URL, SilentServer


@pytest.mark.parametrize(
    ("spec", "expected"),
    [("20/60", RateLimit(20, 60.0)), (" 5 / 1.5s ", RateLimit(5, 1.5)), ("off", None), ("0", None)],
)
def test_parse(spec: str, expected: RateLimit | None) -> None:
    assert RateLimit.parse(spec) == expected


@pytest.mark.parametrize("spec", ["20", "twenty/60", "0/60", "20/0", "-1/60"])
def test_parse_refuses_nonsense(spec: str) -> None:
    with pytest.raises(SettingsError, match="KW_RATE_LIMIT"):
        RateLimit.parse(spec)


def test_settings_and_factory() -> None:
    settings = Settings.from_env({})
    assert (settings.limit(), settings.redis_url, settings.redis_prefix) == (
        RateLimit(20, 60.0),
        None,
        "kw:",
    )
    assert isinstance(create_rate_limiter(settings), MemoryRateLimiter)
    off = Settings.from_env({"KW_RATE_LIMIT": "off", "REDIS_URL": REDIS_URL})
    assert isinstance(create_rate_limiter(off), NoRateLimit)
    shared = Settings.from_env({"REDIS_URL": REDIS_URL, "KW_REDIS_PREFIX": "kw:x:"})
    assert isinstance(create_rate_limiter(shared), RedisRateLimiter)
    with pytest.raises(SettingsError, match="KW_REDIS_PREFIX"):
        Settings.from_env({"KW_REDIS_PREFIX": "other:"})
    with pytest.raises(SettingsError, match="KW_RATE_LIMIT"):
        Settings.from_env({"KW_RATE_LIMIT": "twenty/60"})


async def test_memory_window_lets_the_limit_through_then_refuses_until_it_ends() -> None:
    now = [100.0]
    limiter = MemoryRateLimiter(RateLimit(3, 60.0), max_users=2, clock=lambda: now[0])
    assert [await limiter.allow("wechat:a") for _ in range(4)] == [True, True, True, False]
    assert await limiter.allow("wechat:b")  # each user has their own window
    now[0] += 60.0
    assert await limiter.allow("wechat:a")
    await limiter.allow("wechat:c")
    assert len(limiter._windows) == 2  # bounded


async def test_redis_window_is_shared_by_servers_and_expires(
    redis_prefix: str, redis_client: Any
) -> None:
    limit = RateLimit(3, 60.0)
    servers: list[RateLimiter] = [
        RedisRateLimiter(connect_async(REDIS_URL), limit, redis_prefix) for _ in range(2)
    ]
    results = [await servers[i % 2].allow("kakao:u1") for i in range(5)]
    assert results == [True, True, True, False, False]
    assert await servers[0].allow("kakao:u2")
    key = f"{redis_prefix}rate:kakao:u1"
    assert redis_client.get(key) == "5"
    assert 0 < redis_client.pttl(key) <= 60_000


async def test_redis_window_ends(redis_prefix: str) -> None:
    limiter = RedisRateLimiter(connect_async(REDIS_URL), RateLimit(1, 0.3), redis_prefix)
    assert await limiter.allow("rest:u")
    assert not await limiter.allow("rest:u")
    time.sleep(0.35)
    assert await limiter.allow("rest:u")


async def test_a_redis_that_hangs_lets_messages_through_quickly() -> None:
    silent = SilentServer()
    settings = Settings(rate_limit="1/60", redis_url=silent.url)
    limiter = create_rate_limiter(settings)
    started = time.monotonic()
    assert await limiter.allow("telegram:u") and await limiter.allow("telegram:u")
    assert time.monotonic() - started < 1.0
    silent.close()
