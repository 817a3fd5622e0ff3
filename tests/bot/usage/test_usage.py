"""Usage counts for the dashboard: counted from tracker events in memory, saved later."""

from __future__ import annotations

import asyncio
import time
from datetime import date

import pytest

from bot.server.usage_broker import UsageBroker
from bot.usage.counters import UsageRecorder, hour_key, topic_of
from bot.usage.store import FileUsageStore, RedisUsageStore
from tests.support.agent import ask

# 2026-11-27 10:15 in Shenyang.
AT = 1795745700.0


def user(sender: str, text: str, intent: str, platform: str = "wechat", lang: str | None = None):
    entities = [{"entity": "language", "value": lang}] if lang else []
    return {
        "event": "user",
        "sender_id": sender,
        "timestamp": AT,
        "text": text,
        "parse_data": {"intent": {"name": intent}, "entities": entities},
        "metadata": {"platform": platform},
        "input_channel": "wechat",
    }


def bot(sender: str, utter_action: str | None = None):
    return {
        "event": "bot",
        "sender_id": sender,
        "text": "…",
        "metadata": {"utter_action": utter_action},
    }


def test_messages_topics_and_outcomes_are_counted_per_hour() -> None:
    recorder = UsageRecorder()
    for event in (
        user("a", "西塔美食节几点开始", "ask_food_festival"),
        {"event": "action", "sender_id": "a", "name": "action_food_festival"},
        bot("a"),
        user("b", "음식축제 언제예요", "ask_food_festival", "telegram", "ko"),
        bot("b"),
        user("c", "火星上有什么", "nlu_fallback"),
        bot("c", "utter_default"),
        user("d", "写一首诗", "out_of_scope"),
        bot("d", "utter_out_of_scope"),
        user("a", "/ask_schedule", "ask_schedule"),  # a button, not a question
    ):
        recorder.observe(event)
    counts = recorder.drain()
    assert list(counts) == [hour_key(AT)] == ["2026112710"]
    assert counts["2026112710"] == {
        "msg:wechat:zh": 3,
        "msg:telegram:ko": 1,
        "topic:food_festival": 2,
        "topic:unknown": 1,
        "topic:out_of_scope": 1,
        "outcome:answered": 2,
        "outcome:fallback": 1,
        "outcome:out_of_scope": 1,
    }
    assert recorder.drain() == {}
    assert topic_of("greet") == "chat"


@pytest.fixture(params=["file", "redis"])
def usage_store(request, tmp_path):
    if request.param == "file":
        return FileUsageStore(tmp_path / "usage", 35)
    client = request.getfixturevalue("redis_client")
    return RedisUsageStore(client, request.getfixturevalue("redis_prefix"), 35)


def test_stores_add_up_counts_from_several_writers(usage_store) -> None:
    usage_store.add({"2026112710": {"msg:rest:zh": 2}, "2026112711": {"outcome:answered": 1}})
    usage_store.add({"2026112710": {"msg:rest:zh": 3, "msg:rest:ko": 1}})
    day = usage_store.read_day(date(2026, 11, 27))
    assert day == {10: {"msg:rest:zh": 5, "msg:rest:ko": 1}, 11: {"outcome:answered": 1}}
    assert usage_store.read_day(date(2026, 11, 28)) == {}


def test_counting_costs_the_message_path_microseconds(tmp_path) -> None:
    broker = UsageBroker(FileUsageStore(tmp_path, 35), interval=0.2)
    events = [user(f"s{i}", "今天有什么活动", "ask_schedule") for i in range(5000)]
    events += [bot(f"s{i}") for i in range(5000)]
    started = time.perf_counter()
    for event in events:
        broker.publish(event)
    per_event = (time.perf_counter() - started) / len(events)
    print(f"\n  usage broker: {per_event * 1e6:.1f} µs per tracker event on the message path")
    assert per_event < 100e-6
    time.sleep(0.6)  # the background thread saves them
    asyncio.run(broker.close())
    day = FileUsageStore(tmp_path, 35).read_day(date(2026, 11, 27))
    assert day[10]["msg:wechat:zh"] == 5000 and day[10]["outcome:answered"] == 5000


def test_the_running_assistant_feeds_the_broker(agent, tmp_path) -> None:
    loaded, _ = agent
    store = FileUsageStore(tmp_path, 35)
    broker = UsageBroker(store, interval=60)
    inner = loaded.tracker_store._tracker_store  # Rasa wraps it in a FailSafeTrackerStore
    inner.event_broker = broker
    try:
        ask(agent, "西塔美食节几点开始", sender="usage-1", metadata={"platform": "kakao"})
        ask(agent, "화성에 가는 비행기표 있어요?", sender="usage-2", metadata={"platform": "kakao"})
    finally:
        inner.event_broker = None
    broker.flush()
    asyncio.run(broker.close())
    [(hour, counts)] = _today(store).items()
    assert counts["msg:kakao:zh"] == 1 and counts["msg:kakao:ko"] == 1
    # A trip to Mars is either out of scope or not understood: never an answer.
    assert counts["outcome:answered"] == 1
    assert counts["outcome:fallback"] + counts["outcome:out_of_scope"] == 1
    assert counts["topic:food_festival"] == 1


def _today(store: FileUsageStore):
    from datetime import datetime

    from bot.content.model import local_timezone

    return store.read_day(datetime.now(local_timezone()).date())
