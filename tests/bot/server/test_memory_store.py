"""MemoryTrackerStore: compressed conversations, capped sessions, forgotten when idle."""

from __future__ import annotations

import json
import zlib
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

from bot.server.memory_store import COMPRESS_LEVEL, MemoryTrackerStore
from bot.server.replay import MEMORY_LEDGER, Stored
from harness.project import ROOT


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Broker:
    """Collects what the store publishes, as the usage broker would count it."""

    def __init__(self) -> None:
        self.published: list[dict[str, Any]] = []

    def publish(self, event: dict[str, Any]) -> None:
        self.published.append(event)


def turn(
    tracker: DialogueStateTracker,
    text: str,
    reply: str,
    message_id: str | None = None,
    language: str = "zh",
) -> None:
    for event in (
        UserUttered(text, {"name": "ask_schedule", "confidence": 0.9}, message_id=message_id),
        SlotSet("language", language),
        BotUttered(reply),
        ActionExecuted("action_listen"),
    ):
        tracker.update(event)


def conversation(sender: str, domain: Domain, turns: int = 5) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, domain.slots)
    tracker.update(ActionExecuted("action_listen"))
    for index in range(turns):
        turn(tracker, f"美食节几点开始？{index}", f"美食节在西塔举行，第{index}天 10:00–21:00。")
    return tracker


async def test_a_saved_conversation_comes_back_whole(domain: Domain) -> None:
    store = MemoryTrackerStore(domain)
    await store.save(conversation("visitor", domain))
    tracker = await store.retrieve("visitor")
    assert tracker is not None
    assert tracker.latest_message.text == "美食节几点开始？4"
    assert tracker.get_slot("language") == "zh"
    assert [e.text for e in tracker.events if isinstance(e, BotUttered)][0].startswith("美食节")
    assert await store.retrieve("nobody") is None
    assert list(await store.keys()) == ["visitor"]


async def test_conversations_are_kept_compressed(domain: Domain) -> None:
    store = MemoryTrackerStore(domain)
    tracker = conversation("visitor", domain, turns=5)
    await store.save(tracker)
    as_json = len(store.serialise_tracker(tracker).encode("utf-8"))
    assert store.stored_bytes() < as_json / 3


def test_the_compression_level_pays(domain: Domain) -> None:
    """The level chosen keeps nearly all of level 6's saving (measured: 5.2 against 5.7)."""
    raw = MemoryTrackerStore(domain).serialise_tracker(conversation("v", domain, 5)).encode()
    fast, best = len(zlib.compress(raw, COMPRESS_LEVEL)), len(zlib.compress(raw, 6))
    assert fast < 1.2 * best


async def test_a_later_save_keeps_the_earlier_events(domain: Domain) -> None:
    store = MemoryTrackerStore(domain)
    await store.save(conversation("visitor", domain, turns=1))
    tracker = await store.retrieve("visitor")
    assert tracker is not None
    turn(tracker, "后天呢？", "后天 10:00 开始。")
    await store.save(tracker)
    full = await store.retrieve_full_tracker("visitor")
    assert full is not None
    texts = [e.text for e in full.events if isinstance(e, UserUttered)]
    assert texts == ["美食节几点开始？0", "后天呢？"]


async def test_only_the_latest_sessions_are_kept(domain: Domain) -> None:
    store = MemoryTrackerStore(domain, max_sessions=2)
    for day in range(4):  # as Rasa does: retrieve the latest session, add to it, save
        tracker = await store.retrieve("visitor") or DialogueStateTracker("visitor", domain.slots)
        tracker.update(ActionExecuted("action_session_start"))
        tracker.update(SessionStarted())
        tracker.update(SlotSet("language", "ko"))
        tracker.update(ActionExecuted("action_listen"))
        tracker.update(UserUttered(f"day {day}", {"name": "greet", "confidence": 0.9}))
        await store.save(tracker)
    full = await store.retrieve_full_tracker("visitor")
    assert full is not None
    assert [e.text for e in full.events if isinstance(e, UserUttered)] == ["day 2", "day 3"]
    latest = await store.retrieve("visitor")
    assert latest is not None and latest.get_slot("language") == "ko"
    assert [e.text for e in latest.events if isinstance(e, UserUttered)] == ["day 3"]


async def test_an_idle_conversation_is_forgotten(domain: Domain) -> None:
    clock = Clock()
    store = MemoryTrackerStore(domain, record_exp=3600, clock=clock)
    await store.save(conversation("early", domain, turns=1))
    clock.now += 1800
    await store.save(conversation("later", domain, turns=1))
    clock.now += 1800  # "early" has been silent an hour, "later" half an hour
    assert await store.retrieve("early") is None
    assert await store.retrieve("later") is not None
    assert list(await store.keys()) == ["later"]


async def test_each_save_renews_the_expiry(domain: Domain) -> None:
    clock = Clock()
    store = MemoryTrackerStore(domain, record_exp=3600, clock=clock)
    await store.save(conversation("regular", domain, turns=1))
    await store.save(conversation("once", domain, turns=1))
    for _ in range(3):
        clock.now += 3000
        tracker = await store.retrieve("regular")
        assert tracker is not None
        turn(tracker, "还有呢", "还有韩服体验。")
        await store.save(tracker)
    assert list(await store.keys()) == ["regular"]
    assert len(store._conversations) == 1  # the idle one is gone, not only hidden


async def test_new_events_go_to_the_broker_once(domain: Domain) -> None:
    broker = Broker()
    store = MemoryTrackerStore(domain, event_broker=broker)
    tracker = conversation("visitor", domain, turns=1)
    await store.save(tracker)
    first = len(broker.published)
    assert first == len(tracker.events)
    await store.save(tracker)  # nothing new
    assert len(broker.published) == first
    turn(tracker, "谢谢", "不客气。")
    await store.save(tracker)
    assert [e["event"] for e in broker.published[first:]] == ["user", "slot", "bot", "action"]
    assert {e["sender_id"] for e in broker.published} == {"visitor"}


async def test_finished_turns_are_recorded_with_their_replies(domain: Domain) -> None:
    MEMORY_LEDGER.clear()
    store = MemoryTrackerStore(domain)
    tracker = DialogueStateTracker("visitor", domain.slots)
    turn(tracker, "몇 시에 시작해요?", "10시에 시작해요.", "rest:visitor:1", "ko")
    await store.save(tracker)
    claim = await MEMORY_LEDGER.take("rest:visitor:1", json.dumps({"state": "running"}))
    assert isinstance(claim, Stored)
    assert [reply["text"] for reply in claim.replies or []] == ["10시에 시작해요."]
    MEMORY_LEDGER.clear()


def test_options_are_checked(domain: Domain) -> None:
    with pytest.raises(ValueError, match="record_exp"):
        MemoryTrackerStore(domain, record_exp="30")
    with pytest.raises(ValueError, match="max_sessions"):
        MemoryTrackerStore(domain, max_sessions=0)


def test_rasa_builds_it_from_the_endpoints_file(domain: Domain) -> None:
    from rasa.core.tracker_store import TrackerStore
    from rasa.core.utils import read_endpoints_from_path

    endpoints = read_endpoints_from_path(str(ROOT / "endpoints.yml"))
    store = TrackerStore.create(endpoints.tracker_store, domain)
    inner = getattr(store, "_tracker_store", store)  # Rasa wraps it in FailSafeTrackerStore
    assert isinstance(inner, MemoryTrackerStore)
    assert (inner.record_exp, inner.max_sessions) == (86400, 2)
