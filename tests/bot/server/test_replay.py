"""Turn records on the real Redis: written with the tracker, claimed once, freed if a turn dies."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.redis_client import connect_async
from bot.server.lock_store import SafeRedisLockStore
from bot.server.replay import (
    Claimed,
    MemoryTurnLedger,
    RedisTurnLedger,
    Running,
    Stored,
    _running,
    is_turn_id,
    processing,
    turn_records,
)
from bot.server.tracker_store import SafeRedisTrackerStore
from tests.support.redis import REDIS_URL


def turn(tracker: DialogueStateTracker, text: str, message_id: str | None, *replies: str) -> None:
    tracker.update(UserUttered(text, {"name": "greet", "confidence": 0.9}, message_id=message_id))
    for reply in replies:
        tracker.update(BotUttered(reply, {"buttons": [{"title": "日程", "payload": "/x"}]}))
    tracker.update(ActionExecuted("action_listen"))


def test_turn_records_pair_each_identified_message_with_its_replies() -> None:
    events = [
        UserUttered("a", message_id="rest:v:1"),
        BotUttered("A1"),
        BotUttered("A2", {"custom": {"k": 1}}),
        UserUttered("b", message_id="0123456789abcdef0123456789abcdef"),  # Rasa's own id
        BotUttered("B"),
        UserUttered("c", message_id="wechat:id:7"),
    ]
    records = {k: json.loads(v) for k, v in turn_records(events).items()}
    assert records == {
        "rest:v:1": {
            "state": "done",
            "replies": [{"text": "A1"}, {"text": "A2", "custom": {"k": 1}}],
        },
        "wechat:id:7": {"state": "done", "replies": []},
    }
    assert not is_turn_id(None) and not is_turn_id("0123abcd")


async def test_tracker_save_writes_the_turn_record_in_the_same_write(
    domain: Domain, redis_prefix: str, redis_client: Any
) -> None:
    store = SafeRedisTrackerStore(domain, REDIS_URL, key_prefix=redis_prefix, turn_exp=300)
    tracker = DialogueStateTracker("v1", domain.slots)
    turn(tracker, "你好", "rest:v1:m1", "您好")
    turn(tracker, "再见", None, "再见")
    await store.save(tracker)
    record = json.loads(redis_client.get(f"{redis_prefix}turn:rest:v1:m1"))
    assert record["state"] == "done" and [r["text"] for r in record["replies"]] == ["您好"]
    assert record["replies"][0]["buttons"] == [{"title": "日程", "payload": "/x"}]
    assert 0 < redis_client.ttl(f"{redis_prefix}turn:rest:v1:m1") <= 300
    assert sorted(redis_client.scan_iter(match=f"{redis_prefix}turn:*")) == [
        f"{redis_prefix}turn:rest:v1:m1"
    ]
    ledger = RedisTurnLedger(connect_async(REDIS_URL), redis_prefix)
    claim = await ledger.claim("rest:v1:m1", 0)
    assert isinstance(claim, Stored) and claim.replies == record["replies"]
    await store.close()
    await ledger.client.close()


async def test_fenced_save_writes_the_turn_record_only_while_the_lock_is_held(
    domain: Domain, redis_prefix: str, redis_client: Any
) -> None:
    store = SafeRedisTrackerStore(domain, REDIS_URL, key_prefix=redis_prefix)
    locks = SafeRedisLockStore(url=REDIS_URL, key_prefix=redis_prefix)
    tracker = DialogueStateTracker("v2", domain.slots)
    turn(tracker, "你好", "wechat:id:42", "您好")
    async with locks.lock("v2"):
        await store.save(tracker)
    assert json.loads(redis_client.get(f"{redis_prefix}turn:wechat:id:42"))["state"] == "done"
    assert redis_client.get(f"{redis_prefix}tracker:v2") is not None
    await store.close()
    await locks.close()


@pytest.mark.parametrize("kind", ["redis", "memory"])
async def test_a_turn_is_claimed_once_and_a_dead_claim_lapses(kind: str, redis_prefix: str) -> None:
    if kind == "redis":
        ledger: Any = RedisTurnLedger(connect_async(REDIS_URL), redis_prefix, lease=0.4)
    else:
        ledger = MemoryTurnLedger(lease=0.4)
    first = await ledger.claim("rest:v:1", 0)
    assert isinstance(first, Claimed)
    assert isinstance(await ledger.claim("rest:v:1", 0), Running)
    # The first owner dies without a result: after its lease a retry takes the turn.
    started = time.monotonic()
    retry = await ledger.claim("rest:v:1", 2.0)
    assert isinstance(retry, Claimed) and 0.2 < time.monotonic() - started < 1.5
    async with processing(ledger, retry):  # renewed past its lease while the body runs
        await asyncio.sleep(0.6)
        assert isinstance(await ledger.claim("rest:v:1", 0), Running)
    done = await ledger.claim("rest:v:1", 0)
    assert isinstance(done, Stored) and done.replies is None
    # A failed turn is freed at once.
    failed = await ledger.claim("rest:v:2", 0)
    assert isinstance(failed, Claimed)
    with pytest.raises(RuntimeError):
        async with processing(ledger, failed):
            raise RuntimeError("boom")
    assert isinstance(await ledger.claim("rest:v:2", 0), Claimed)
    if kind == "redis":
        await ledger.client.close()


async def test_a_claim_whose_set_ran_late_is_still_ours(redis_prefix: str) -> None:
    ledger = RedisTurnLedger(connect_async(REDIS_URL), redis_prefix, lease=2.0)
    ours, theirs = _running("claim-a"), _running("claim-b")
    # What a SET that timed out (Redis paused) leaves when Redis runs it later and the
    # client's retry of the same SET then finds it: the record of this very claim.
    await ledger.client.set(ledger.key("wechat:id:7"), ours, px=2000)
    assert await ledger.take("wechat:id:7", ours) is None
    assert isinstance(await ledger.take("wechat:id:7", theirs), Running)
    await ledger.client.close()
