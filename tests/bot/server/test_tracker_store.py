"""SafeRedisTrackerStore on the real Redis: expiry, fenced writes, a Redis that is away."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from redis.exceptions import RedisError

from bot.server.lock_store import CURRENT_HOLD, SafeRedisLockStore
from bot.server.tracker_store import SafeRedisTrackerStore, StaleTrackerWrite
from harness.project import ROOT
from tests.support.redis import REDIS_URL, SilentServer


def conversation(sender: str, domain: Domain, text: str = "你好") -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, domain.slots)
    for event in (
        ActionExecuted("action_listen"),
        UserUttered(text, {"name": "greet", "confidence": 0.9}),
        SlotSet("language", "zh"),
        BotUttered("您好"),
        ActionExecuted("action_listen"),
    ):
        tracker.update(event)
    return tracker


async def test_saves_and_retrieves_with_an_expiry(
    domain: Domain, redis_prefix: str, redis_client: Any
) -> None:
    store = SafeRedisTrackerStore(domain, REDIS_URL, key_prefix=redis_prefix, record_exp=120)
    await store.save(conversation("visitor", domain))
    key = f"{redis_prefix}tracker:visitor"
    assert 0 < redis_client.ttl(key) <= 120
    stored = json.loads(redis_client.get(key))
    assert [e["event"] for e in stored["events"]][:3] == ["action", "user", "slot"]
    tracker = await store.retrieve("visitor")
    assert tracker is not None
    assert tracker.get_slot("language") == "zh"
    assert tracker.latest_message.text == "你好"
    assert await store.retrieve("nobody") is None
    assert list(await store.keys()) == ["visitor"]
    await store.close()


async def test_a_later_save_keeps_the_earlier_events(domain: Domain, redis_prefix: str) -> None:
    store = SafeRedisTrackerStore(domain, REDIS_URL, key_prefix=redis_prefix)
    tracker = conversation("visitor", domain)
    await store.save(tracker)
    tracker = await store.retrieve("visitor")
    assert tracker is not None
    tracker.update(UserUttered("谢谢", {"name": "thank", "confidence": 0.9}))
    await store.save(tracker)
    full = await store.retrieve_full_tracker("visitor")
    assert full is not None
    assert [e.text for e in full.events if isinstance(e, UserUttered)] == ["你好", "谢谢"]
    await store.close()


async def test_only_the_latest_sessions_are_kept(
    domain: Domain, redis_prefix: str, redis_client: Any
) -> None:
    store = SafeRedisTrackerStore(domain, REDIS_URL, key_prefix=redis_prefix, max_sessions=2)
    for day in range(4):  # as Rasa does: retrieve the latest session, add to it, save
        tracker = await store.retrieve("visitor") or DialogueStateTracker("visitor", domain.slots)
        tracker.update(ActionExecuted("action_session_start"))
        tracker.update(SessionStarted())
        tracker.update(SlotSet("language", "ko"))
        tracker.update(ActionExecuted("action_listen"))
        tracker.update(UserUttered(f"day {day}", {"name": "greet", "confidence": 0.9}))
        await store.save(tracker)
    stored = json.loads(redis_client.get(f"{redis_prefix}tracker:visitor"))
    texts = [e["text"] for e in stored["events"] if e["event"] == "user"]
    assert texts == ["day 2", "day 3"]
    latest = await store.retrieve("visitor")
    assert latest is not None and latest.get_slot("language") == "ko"
    await store.close()


async def test_writes_under_a_lost_lock_are_refused(
    domain: Domain, redis_prefix: str, redis_client: Any
) -> None:
    locks = SafeRedisLockStore(url=REDIS_URL, key_prefix=redis_prefix)
    store = SafeRedisTrackerStore(domain, REDIS_URL, key_prefix=redis_prefix)
    async with locks.lock("visitor"):
        await store.save(conversation("visitor", domain))  # fenced, and ours
        hold = CURRENT_HOLD.get()
        assert hold is not None
        redis_client.delete(hold.alive_key)  # our lease ran out; someone else may go ahead
        with pytest.raises(StaleTrackerWrite):
            await store.save(conversation("visitor", domain, "再见"))
    tracker = await store.retrieve("visitor")
    assert tracker is not None and tracker.latest_message.text == "你好"
    await locks.close()
    await store.close()


async def test_a_hung_redis_fails_within_two_seconds(domain: Domain) -> None:
    silent = SilentServer()
    store = SafeRedisTrackerStore(domain, silent.url)
    started = time.monotonic()
    with pytest.raises(RedisError):
        await store.retrieve("visitor")
    assert time.monotonic() - started < 2.0
    silent.close()


def test_options_are_checked(domain: Domain) -> None:
    with pytest.raises(ValueError, match="url"):
        SafeRedisTrackerStore(domain)
    with pytest.raises(ValueError, match="kw:"):
        SafeRedisTrackerStore(domain, REDIS_URL, key_prefix="rasa")
    with pytest.raises(ValueError, match="record_exp"):
        SafeRedisTrackerStore(domain, REDIS_URL, record_exp=0)
    with pytest.raises(ValueError, match="max_sessions"):
        SafeRedisTrackerStore(domain, REDIS_URL, max_sessions="0")


def test_rasa_builds_it_from_the_endpoints_file(
    domain: Domain, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rasa.core.tracker_store import TrackerStore
    from rasa.core.utils import read_endpoints_from_path

    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    monkeypatch.setenv("KW_REDIS_PREFIX", "kw:")
    monkeypatch.setenv("KW_ACTION_URL", "http://127.0.0.1:5055/webhook")
    endpoints = read_endpoints_from_path(str(ROOT / "endpoints.redis.yml"))
    store = TrackerStore.create(endpoints.tracker_store, domain)
    assert isinstance(store, SafeRedisTrackerStore)
    assert (store.key_prefix, store.record_exp) == ("kw:tracker:", 86400)
