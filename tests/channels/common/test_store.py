"""Connector stores: in memory, and in the real Redis on 127.0.0.1:6379 under random prefixes."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from bot.settings import Settings, get_settings
from channels.common.store import MemoryStore, RedisStore, create_store, mark_once
from tests.support.redis import REDIS_URL


async def test_memory_store_add_get_set_delete_and_ttl() -> None:
    now = [0.0]
    store = MemoryStore(clock=lambda: now[0])
    assert await store.add("a", {"x": [1, "二"]}, ttl=10)
    assert not await store.add("a", 2, ttl=10)
    assert await store.get("a") == {"x": [1, "二"]}
    now[0] = 10.5
    assert await store.get("a") is None
    assert await store.add("a", 3, ttl=1)
    await store.delete("a")
    assert await store.get("a") is None
    with pytest.raises(ValueError):
        await store.set("b", 1, ttl=0)


async def test_memory_store_is_bounded() -> None:
    store = MemoryStore(max_entries=100)
    for index in range(1000):
        await store.add(f"update:{index}", 1, ttl=3600)
    assert len(store) == 100
    assert await store.get("update:999") == 1 and await store.get("update:0") is None


@pytest.fixture
async def redis_store() -> Any:
    prefix = f"kw:test:{uuid.uuid4().hex}:"
    store = RedisStore.from_url(REDIS_URL, prefix)
    yield store, prefix
    keys = await store._client.keys(f"{prefix}*")
    if keys:
        await store._client.delete(*keys)
    await store.close()


async def test_redis_store_prefixes_keys_stores_json_and_always_sets_a_ttl(
    redis_store: Any,
) -> None:
    store, prefix = redis_store
    assert await store.add("wechat:msg:1", {"n": "一"}, ttl=30)
    assert not await store.add("wechat:msg:1", 2, ttl=30)
    await store.set("token", "abc", ttl=60)
    raw = await store._client.get(f"{prefix}wechat:msg:1")
    assert raw == '{"n": "一"}'
    for key in ("wechat:msg:1", "token"):
        ttl = await store._client.pttl(f"{prefix}{key}")
        assert 0 < ttl <= 60_000
    assert await store.get("token") == "abc"
    await store.delete("token")
    assert await store.get("token") is None
    with pytest.raises(ValueError):
        await store.add("x", 1, ttl=-1)


async def test_redis_store_expires_keys(redis_store: Any) -> None:
    store, _ = redis_store
    await store.set("short", 1, ttl=0.05)
    await asyncio.sleep(0.15)
    assert await store.get("short") is None


async def test_create_store_follows_redis_url() -> None:
    assert isinstance(create_store(Settings.from_env({})), MemoryStore)
    store = create_store(Settings.from_env({"REDIS_URL": REDIS_URL}))
    assert isinstance(store, RedisStore)
    await store.close()


async def test_deployments_with_different_prefixes_share_no_connector_state(
    monkeypatch: Any,
) -> None:
    """docs/deploy.md: deployments may share one Redis with different KW_REDIS_PREFIX."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    prefixes = [f"kw:test-{uuid.uuid4().hex[:8]}:{name}:" for name in ("a", "b")]
    stores = []
    for prefix in prefixes:
        monkeypatch.setenv("REDIS_URL", REDIS_URL)
        monkeypatch.setenv("KW_REDIS_PREFIX", prefix)
        get_settings.cache_clear()
        stores.append(create_store())  # as a connector builds it: from the settings
    try:
        assert await mark_once(stores[0], "wechat:msg:1", 60)
        assert await mark_once(stores[1], "wechat:msg:1", 60)  # not a duplicate there
        assert client.exists(f"{prefixes[0]}wechat:msg:1")
        assert client.exists(f"{prefixes[1]}wechat:msg:1")
    finally:
        for store, prefix in zip(stores, prefixes, strict=True):
            await store.close()
            for key in client.scan_iter(match=prefix + "*"):
                client.delete(key)


async def test_mark_once_lets_messages_through_when_the_store_fails(caplog: Any) -> None:
    unreachable = RedisStore.from_url("redis://127.0.0.1:9/0", socket_timeout=0.2)
    assert await mark_once(unreachable, "k", 10) is True
    assert "processing anyway" in caplog.text
    memory = MemoryStore()
    assert await mark_once(memory, "k", 10) and not await mark_once(memory, "k", 10)


async def test_redis_store_fails_fast_after_a_failure() -> None:
    """A hung Redis costs one short timeout, then calls fail at once for the cool-down."""
    import socket
    import time as clock

    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    from channels.common.store import RedisStore, StoreUnavailable

    silent = socket.socket()  # accepts connections, never answers: a frozen Redis
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    store = RedisStore.from_url(
        f"redis://127.0.0.1:{silent.getsockname()[1]}/0", socket_timeout=0.3
    )
    try:
        started = clock.monotonic()
        with pytest.raises((RedisTimeoutError, RedisConnectionError, OSError)):
            await store.get("a")
        first = clock.monotonic() - started
        started = clock.monotonic()
        for _ in range(4):
            with pytest.raises(StoreUnavailable):
                await store.get("a")
        assert first < 2.0 and clock.monotonic() - started < 0.1
    finally:
        await store.close()
        silent.close()
