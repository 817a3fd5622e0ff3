"""Sessions expire when idle; failed logins are counted per account and address."""

from __future__ import annotations

import time

from console.guard import Limits, LoginGuard
from console.sessions import MemorySessionStore, RedisSessionStore, Session


def test_memory_sessions_expire_after_the_idle_time() -> None:
    now = [0.0]
    store = MemorySessionStore(60, clock=lambda: now[0])
    session = Session.new(user="ada")
    store.put(session)
    now[0] = 59
    assert store.get(session.token).user == "ada"  # renewed
    now[0] = 118
    assert store.get(session.token) is not None
    now[0] = 179
    assert store.get(session.token) is None
    assert store.get("made-up") is None


def test_redis_sessions_expire_and_are_stored_by_hash(redis_client, redis_prefix) -> None:
    store = RedisSessionStore(redis_client, redis_prefix, 2)
    session = Session.new(user="pia")
    store.put(session)
    keys = list(redis_client.scan_iter(match=f"{redis_prefix}console:session:*"))
    assert len(keys) == 1 and session.token not in keys[0] and redis_client.ttl(keys[0]) <= 2
    assert store.get(session.token).csrf == session.csrf
    time.sleep(2.2)
    assert store.get(session.token) is None


def test_guard_slows_then_locks(redis_client, redis_prefix) -> None:
    for client in (None, redis_client):
        guard = LoginGuard(Limits(2, 3, 10, 60), client, redis_prefix)
        assert guard.check("kim", "1.2.3.4").delay == 0
        for _ in range(2):
            guard.failed("kim", "1.2.3.4")
        assert guard.check("KIM", "1.2.3.4").delay == 1.0
        guard.failed("kim", "1.2.3.4")
        verdict = guard.check("kim", "5.6.7.8")
        assert verdict.locked and 0 < verdict.retry_after <= 60
        assert not guard.check("lee", "5.6.7.8").locked
        guard.succeeded("kim")
        assert not guard.check("kim", "5.6.7.8").locked
