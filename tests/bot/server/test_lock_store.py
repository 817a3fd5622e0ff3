"""SafeRedisLockStore on the real Redis, and the race in Rasa's own RedisLockStore.

The two-process contest (``tests/support/lock_race.py``) is what two Rasa servers
sharing a Redis do to one conversation's lock; ``SafeRedisLockStore`` must pass
it. Rasa's ``RedisLockStore`` loses it only when the processes happen to
interleave (RasaHQ/rasa#9213), so its flaw is shown with the steps interleaved
by hand instead.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from typing import Any

import pytest

from bot.redis_client import connect_async
from bot.server.lock_store import (
    CURRENT_HOLD,
    LockLost,
    LockUnavailable,
    SafeRedisLockStore,
    fenced_set,
)
from harness.project import ROOT
from tests.support.lock_race import run_contention
from tests.support.redis import REDIS_URL, SilentServer


def make_store(prefix: str, **options: Any) -> SafeRedisLockStore:
    return SafeRedisLockStore(url=REDIS_URL, key_prefix=prefix, **options)


async def test_lock_is_taken_and_released_and_leaves_only_the_counter(
    redis_prefix: str, redis_client: Any
) -> None:
    store = make_store(redis_prefix)
    async with store.lock("visitor") as ticket_lock:
        hold = CURRENT_HOLD.get()
        assert hold is not None and hold.conversation_id == "visitor"
        assert ticket_lock.conversation_id == "visitor"
        assert redis_client.pttl(hold.alive_key) > 0
    assert CURRENT_HOLD.get() is None
    keys = set(redis_client.scan_iter(match=redis_prefix + "*"))
    live = store.liveness.key  # this server's liveness key, gone when it stops
    assert keys == {f"{redis_prefix}lock:visitor:counter", live}
    assert 0 < redis_client.pttl(live) <= 1500
    assert 0 < redis_client.ttl(f"{redis_prefix}lock:visitor:counter") <= 3600
    await store.close()
    assert not redis_client.exists(live)


async def test_waiters_are_served_one_at_a_time_in_ticket_order(
    redis_prefix: str,
) -> None:
    stores = [make_store(redis_prefix) for _ in range(3)]
    entered: list[int] = []
    inside = 0

    async def visit(index: int, store: SafeRedisLockStore) -> None:
        nonlocal inside
        await asyncio.sleep(index * 0.02)  # queue in index order
        async with store.lock("visitor"):
            inside += 1
            assert inside == 1
            entered.append(index)
            await asyncio.sleep(0.1)
            inside -= 1

    await asyncio.gather(*(visit(i, s) for i, s in enumerate(stores)))
    assert entered == [0, 1, 2]
    for store in stores:
        await store.close()


async def test_a_crashed_holder_blocks_the_conversation_for_one_lease_at_most(
    redis_prefix: str,
) -> None:
    crashed = make_store(redis_prefix, lease_seconds=1)
    # A holder whose process died: its ticket is queued, its lease never renewed.
    keys = [crashed._key("visitor", "counter"), crashed._key("visitor", "queue")]
    live = crashed.liveness  # never started: the key expires like a killed server's
    await crashed._issue(
        keys=keys,
        args=[crashed._key("visitor", "alive:"), "dead-token", 1000, 60_000]
        + [live.identity, live.key, 60_000],
    )
    survivor = make_store(redis_prefix, lease_seconds=1)
    started = time.monotonic()
    async with survivor.lock("visitor"):
        waited = time.monotonic() - started
    print(f"\nlock taken over from a crashed holder after {waited:.2f} s (lease 1 s)")
    assert 0.5 < waited < 1.6
    await crashed.close()
    await survivor.close()


async def test_waiting_longer_than_wait_seconds_fails_with_lock_unavailable(
    redis_prefix: str,
) -> None:
    holder, waiter = make_store(redis_prefix), make_store(redis_prefix, wait_seconds=0.3)
    async with holder.lock("visitor"):
        with pytest.raises(LockUnavailable, match="still locked"):
            async with waiter.lock("visitor"):
                pass
    async with waiter.lock("visitor"):  # the failed waiter left the queue
        pass
    await holder.close()
    await waiter.close()


async def test_a_waiter_whose_lease_ran_out_is_told_it_lost_its_place(
    redis_prefix: str,
) -> None:
    holder, waiter = make_store(redis_prefix), make_store(redis_prefix)
    async with holder.lock("visitor"):
        hold = CURRENT_HOLD.get()
        assert hold is not None
        task = asyncio.ensure_future(waiter._acquire("visitor"))
        await asyncio.sleep(0.1)
        pattern = holder._key("visitor", "alive:*")
        leases = [k async for k in holder.client.scan_iter(match=pattern)]
        assert len(leases) == 2
        await holder.client.delete(*(k for k in leases if k != hold.alive_key))
        with pytest.raises(LockLost):
            await task
    await holder.close()
    await waiter.close()


async def test_a_lost_reply_leaves_no_ticket_behind_for_long(
    redis_prefix: str, redis_client: Any
) -> None:
    store = make_store(redis_prefix)
    keys = [store._key("visitor", "counter"), store._key("visitor", "queue")]
    alive = store._key("visitor", "alive:")
    live = [store.liveness.identity, store.liveness.key, 1500]
    first = await store._issue(keys=keys, args=[alive, "t1", 2000, 60_000, *live])
    again = await store._issue(keys=keys, args=[alive, "t1", 2000, 60_000, *live])  # a retry
    assert first == again and redis_client.zcard(keys[1]) == 1
    # Nobody renews "t1" (its owner gave up): it blocks the conversation for the claim only.
    assert 0 < redis_client.pttl(f"{alive}t1") <= 2000
    await store.close()


async def test_fenced_writes_happen_only_while_the_lock_is_held(
    redis_prefix: str, redis_client: Any
) -> None:
    store = make_store(redis_prefix)
    client = connect_async(REDIS_URL)
    key = f"{redis_prefix}fenced"
    async with store.lock("visitor"):
        hold = CURRENT_HOLD.get()
        assert hold is not None
        assert await fenced_set(client, hold, key, "first", 60)
        await client.delete(hold.alive_key)  # the lease expired: another server may go ahead
        assert not await fenced_set(client, hold, key, "stale", 60)
    assert not await fenced_set(client, hold, key, "after release", 60)
    assert redis_client.get(key) == "first" and 0 < redis_client.ttl(key) <= 60
    await client.close()
    await store.close()


async def test_redis_away_fails_fast_with_lock_unavailable(redis_prefix: str) -> None:
    for url in ("redis://127.0.0.1:1/0", None):
        silent = SilentServer() if url is None else None
        store = SafeRedisLockStore(url=url or silent.url, key_prefix=redis_prefix)
        started = time.monotonic()
        with pytest.raises(LockUnavailable):
            async with store.lock("visitor"):
                pass
        elapsed = time.monotonic() - started
        assert elapsed < 2.5, f"{url or 'a hung Redis'}: {elapsed:.1f} s"
        store.liveness.stop()  # its renewal thread would go on failing
        if silent is not None:
            silent.close()


def test_options_are_checked() -> None:
    with pytest.raises(ValueError, match="url"):
        SafeRedisLockStore()
    with pytest.raises(ValueError, match="kw:"):
        SafeRedisLockStore(url=REDIS_URL, key_prefix="rasa:")
    with pytest.raises(ValueError, match="lease_seconds"):
        SafeRedisLockStore(url=REDIS_URL, lease_seconds="0.1")


def test_rasa_builds_it_from_the_endpoints_file(monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa.core.lock_store import LockStore
    from rasa.core.utils import read_endpoints_from_path

    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    monkeypatch.setenv("KW_REDIS_PREFIX", "kw:")
    monkeypatch.setenv("KW_ACTION_URL", "http://127.0.0.1:5055/webhook")
    endpoints = read_endpoints_from_path(str(ROOT / "endpoints.redis.yml"))
    store = LockStore.create(endpoints.lock_store)
    assert isinstance(store, SafeRedisLockStore)
    # No lease_seconds: the lease is Rasa's lock lifetime (TICKET_LOCK_LIFETIME).
    assert (store.key_prefix, store.lease, store.wait) == ("kw:", None, 8.0)
    assert store.liveness.ttl == 1.5


@pytest.mark.slow
def test_safe_lock_store_holds_under_two_processes(redis_prefix: str) -> None:
    result = run_contention("safe", redis_prefix, rounds=25, workers=3)
    print(f"\nSafeRedisLockStore, two processes: {result.summary()}")
    assert result.sections == 2 * 25 * 3
    assert result.correct, result.errors[:3]


def test_rasa_redis_lock_store_gives_two_processes_the_same_ticket(redis_client: Any) -> None:
    """RasaHQ/rasa#9213, step by step: why SafeRedisLockStore replaces the stock store.

    The stock store reads the lock, adds a ticket and writes the lock back. Two
    processes (two store instances) that read before either writes both get ticket
    0, so both run the conversation's turn at once and one ticket is lost. The steps
    are interleaved by hand, so the result does not depend on timing.
    """
    from rasa.core.lock_store import RedisLockStore

    prefix = f"kwtest{uuid.uuid4().hex[:12]}"  # the stock store takes alphanumerics only
    first, second = (RedisLockStore(host="127.0.0.1", db=0, key_prefix=prefix) for _ in "ab")
    try:
        lock_a = first.get_or_create_lock("visitor")
        lock_b = second.get_or_create_lock("visitor")
        ticket_a = lock_a.issue_ticket(60)
        first.save_lock(lock_a)
        ticket_b = lock_b.issue_ticket(60)
        second.save_lock(lock_b)
        stored = first.get_lock("visitor")
    finally:
        keys = list(redis_client.scan_iter(match=prefix + "*"))
        if keys:
            redis_client.delete(*keys)
    assert ticket_a == ticket_b == 0
    assert stored is not None and len(stored.tickets) == 1
    # Both processes find their ticket being served: both hold the lock.
    assert not stored.is_locked(ticket_a) and not stored.is_locked(ticket_b)


def start_holder(prefix: str, seconds: float, *flags: str) -> subprocess.Popen[str]:
    """A separate process (a server, as far as Redis can tell) holding the visitor's lock."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    holder = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.support.lock_holder",
            prefix,
            "visitor",
            str(seconds),
            *flags,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


async def test_a_killed_holder_process_frees_the_lock_within_two_seconds(
    redis_prefix: str,
) -> None:
    holder = start_holder(redis_prefix, 0)
    waiter = make_store(redis_prefix)
    try:
        task = asyncio.ensure_future(waiter._acquire("visitor"))
        await asyncio.sleep(0.3)
        assert not task.done()  # the holder lives: the lock is its
        holder.send_signal(signal.SIGKILL)
        killed = time.monotonic()
        hold, heartbeat = await asyncio.wait_for(task, 5)
        waited = time.monotonic() - killed
        heartbeat.cancel()
        await waiter._release(hold)
    finally:
        holder.kill()
        holder.wait()
    print(f"\nlock taken over {waited:.2f} s after its holder's process was killed")
    assert waited < 2.0


@pytest.mark.parametrize("flags", [(), ("--block",)], ids=["awaiting", "loop-blocked"])
async def test_a_live_slow_holder_keeps_the_lock(redis_prefix: str, flags: tuple[str, ...]) -> None:
    holder = start_holder(redis_prefix, 3.0, *flags)  # twice the liveness TTL
    waiter = make_store(redis_prefix)
    async with waiter.lock("visitor"):
        taken = time.time()
    assert holder.stdout is not None
    word, released = holder.stdout.readline().split()
    assert holder.wait(5) == 0
    assert word == "released" and taken >= float(released), "took a live holder's lock"
    await waiter.close()
