"""The checks against a running assistant: hostile input, duplicates, order, abuse, secrets.

Each check takes the ``Assistant`` (its URL, its memory, its log) and the fake
platforms, sends what the issue describes, and returns plain figures (dicts of
numbers and short strings) for the report. In Redis mode the conversations are
read back from Redis (``Conversations``), which shows how many turns were
processed and in what order; without Redis only the answers can be counted.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from typing import Any

import aiohttp

from bot.redis_client import connect
from harness.background import Platforms
from harness.requests import CHANNELS, telegram_text, wechat_text
from harness.secrets import Secrets
from reliability import client, payloads
from reliability.assistant import Assistant
from reliability.client import read_reply, send
from reliability.load import MemorySampler
from reliability.messages import sender, telegram_chat, text_message


class Conversations:
    """Reads conversations from the tracker store in Redis (``<prefix>tracker:<sender>``)."""

    def __init__(self, redis_url: str | None, prefix: str) -> None:
        self._client = connect(redis_url, timeout=5.0) if redis_url else None
        self._prefix = prefix

    @property
    def available(self) -> bool:
        """Whether conversations can be read (Redis mode)."""
        return self._client is not None

    def user_texts(self, sender: str) -> list[str]:
        """The visitor's messages the assistant processed, in order ([] when unknown)."""
        if self._client is None:
            return []
        raw = self._client.get(f"{self._prefix}tracker:{sender}")
        events = json.loads(raw).get("events", []) if raw else []
        return [e.get("text") or "" for e in events if e.get("event") == "user"]


# --- malformed input -------------------------------------------------------------------------


async def malformed(
    assistant: Assistant, channel: str, count: int, concurrency: int = 8
) -> dict[str, Any]:
    """Sends ``count`` generated malformed requests to one channel; figures per status and kind."""
    cases = payloads.draw(channel, count)
    now = int(time.time())
    requests = [
        payloads.render(case, assistant.secrets, f"m{channel[:2]}{index}x{now}", now)
        for index, case in enumerate(cases)
    ]
    before = assistant.rss_kb()
    started = time.monotonic()
    with MemorySampler(assistant.rss_kb, every=2.0) as sampler:
        outcomes = await client.send_all(assistant.base_url, requests, concurrency, timeout=30.0)
    seconds = time.monotonic() - started
    after = assistant.rss_kb()
    unexpected = [
        f"{o.kind}: {o.status} {client.reason(o)[:80]}"
        for o, case in zip(outcomes, cases, strict=True)
        if o.status not in case.expect
    ]
    no_reason = [o.kind for o in outcomes if 400 <= o.status < 500 and not client.reason(o)]
    peak = max((values.get("rasa", 0) for _, values in sampler.series), default=0)
    return {
        "channel": channel,
        "sent": len(outcomes),
        "seconds": round(seconds, 1),
        "statuses": dict(sorted(Counter(str(o.status) for o in outcomes).items())),
        "kinds": dict(sorted(Counter(o.kind for o in outcomes).items())),
        "by_kind": {
            kind: dict(Counter(str(o.status) for o in outcomes if o.kind == kind))
            for kind in sorted({o.kind for o in outcomes})
        },
        "unexpected": unexpected[:20],
        "unexpected_count": len(unexpected),
        "without_reason": len(no_reason),
        "server_errors": sum(1 for o in outcomes if o.status >= 500 or o.status == 0),
        "rss_before_mb": round(before.get("rasa", 0) / 1024, 1),
        "rss_after_mb": round(after.get("rasa", 0) / 1024, 1),
        "rss_peak_mb": round(peak / 1024, 1),
        "alive": bool(assistant.pids().get("rasa")),
    }


# --- duplicates and order --------------------------------------------------------------------


async def wechat_retries(
    assistant: Assistant, platforms: Platforms, conversations: Conversations, run: int
) -> dict[str, Any]:
    """One WeChat message delivered three times while the first is still being processed.

    WeChat's retry repeats the request as it was; the third copy is signed afresh
    (new nonce), as a retry through a re-signing proxy would be. A copy that comes
    once the turn is stored gets the stored reply again (issue 14: WeChat retries
    only when the first answer did not reach it, and shows one); one that comes
    while it runs gets ``success``. What must hold: one turn, one distinct answer,
    and nothing sent twice through the customer-service API.
    """
    secrets: Secrets = assistant.secrets
    openid, text, msg_id, now = (
        f"oDup{run}",
        "跆拳道表演在哪里",
        7_000_000_000_000 + run,
        int(time.time()),
    )
    first = wechat_text(secrets, openid, text, msg_id, f"dupA{run}", now)
    fresh = wechat_text(secrets, openid, text, msg_id, f"dupB{run}", now)
    outcomes = await client.send_in_order(assistant.base_url, [first, first, fresh], spacing=0.01)
    first_done = outcomes[0].sent_at + outcomes[0].seconds
    await asyncio.sleep(6.0)  # a late answer goes through the customer-service API
    replies = [read_reply(o, secrets) for o in outcomes]
    passive = [r for r in replies if r.valid and not r.late]
    late = platforms.wechat_texts(openid)
    turns = conversations.user_texts(openid).count(text) if conversations.available else None
    return {
        "deliveries": 3,
        "statuses": [o.status for o in outcomes],
        "retries_while_processing": all(o.sent_at < first_done for o in outcomes[1:]),
        "first_seconds": round(outcomes[0].seconds, 2),
        "answers": len(passive) + (1 if late else 0),
        "distinct_answers": len({r.texts for r in passive} | ({tuple(late)} if late else set())),
        "late_repeated": len(late) - len(set(late)),
        "processed_turns": turns,
    }


async def telegram_duplicates(
    assistant: Assistant, platforms: Platforms, conversations: Conversations, run: int
) -> dict[str, Any]:
    """One Telegram update delivered five times, the copies coming while the first is processed."""
    chat, update_id = 600_000_000 + run, 900_000_000 + run
    update = telegram_text(assistant.secrets, update_id, chat, "你好", "zh")
    outcomes = await client.send_in_order(assistant.base_url, [update] * 5, spacing=0.02)
    first_done = outcomes[0].sent_at + outcomes[0].seconds
    await asyncio.sleep(2.0)
    texts = platforms.telegram_texts(chat)
    turns = conversations.user_texts(str(chat)).count("你好") if conversations.available else None
    return {
        "deliveries": 5,
        "statuses": [o.status for o in outcomes],
        "copies_while_processing": sum(o.sent_at < first_done for o in outcomes[1:]),
        "messages_sent": len(texts),
        "answers": 1 if texts else 0,
        "distinct_texts": len(set(texts)),
        "processed_turns": turns,
    }


async def in_order(
    assistant: Assistant,
    platforms: Platforms,
    conversations: Conversations,
    channel: str,
    texts: list[str],
    run: int,
) -> dict[str, Any]:
    """Ten messages from one visitor, sent 20 ms apart without waiting: processed in order?"""
    secrets: Secrets = assistant.secrets
    visitor = 50_000 + run
    now = int(time.time())
    requests = [
        text_message(channel, secrets, visitor, n, text, "zh", now) for n, text in enumerate(texts)
    ]
    outcomes = await client.send_in_order(assistant.base_url, requests, spacing=0.02)
    await asyncio.sleep(6.0)
    processed = (
        conversations.user_texts(sender(channel, visitor)) if conversations.available else None
    )
    replies = [read_reply(o, secrets, ["(sent)"]) for o in outcomes]
    return {
        "channel": channel,
        "sent": len(texts),
        "statuses": dict(Counter(str(o.status) for o in outcomes)),
        "valid_replies": sum(r.valid for r in replies),
        "processed": len(processed) if processed is not None else None,
        "in_order": processed == texts if processed is not None else None,
        "processed_order": [texts.index(t) for t in processed if t in texts] if processed else None,
        "lost": [t for t in texts if processed is not None and t not in processed],
    }


# --- abuse -----------------------------------------------------------------------------------


async def rate_limit(
    assistant: Assistant, platforms: Platforms, channel: str, run: int, messages: int = 25
) -> dict[str, Any]:
    """One visitor sends ``messages`` in a row: how many are answered, how many politely refused."""
    secrets: Secrets = assistant.secrets
    visitor = 60_000 + run
    kinds: Counter[str] = Counter()
    async with aiohttp.ClientSession() as session:
        for serial in range(messages):
            request = text_message(
                channel, secrets, visitor, serial, "你好", "zh", int(time.time())
            )
            chat = telegram_chat(visitor)
            before = len(platforms.telegram_texts(chat))
            outcome = await send(session, assistant.base_url, request, timeout=30.0)
            reply = read_reply(outcome, secrets, platforms.telegram_texts(chat)[before:])
            kinds["error" if not reply.valid else (reply.graceful or "answer")] += 1
    return {"channel": channel, "sent": messages, "replies": dict(kinds)}


async def overlong(
    assistant: Assistant, platforms: Platforms, conversations: Conversations, run: int
) -> list[dict[str, Any]]:
    """A 5,000-character message on every channel: refused politely, not processed."""
    secrets: Secrets = assistant.secrets
    text = ("请问美食节在哪里" * 700)[:5000]
    results = []
    async with aiohttp.ClientSession() as session:
        for channel in CHANNELS:
            visitor = 70_000 + run
            request = text_message(channel, secrets, visitor, 0, text, "zh", int(time.time()))
            chat = telegram_chat(visitor)
            before = len(platforms.telegram_texts(chat))
            outcome = await send(session, assistant.base_url, request, timeout=30.0)
            reply = read_reply(outcome, secrets, platforms.telegram_texts(chat)[before:])
            who = sender(channel, visitor)
            processed = conversations.user_texts(who) if conversations.available else None
            results.append(
                {
                    "channel": channel,
                    "chars": len(text),
                    "status": outcome.status,
                    "seconds": round(outcome.seconds, 2),
                    "reply": reply.graceful or ("answer" if reply.valid else reply.problem),
                    "processed": (text in processed) if processed is not None else None,
                }
            )
    return results


API_PROBES = (
    ("PUT", "/model"),
    ("POST", "/model/train"),
    ("GET", "/status"),
    ("GET", "/conversations/someone/tracker"),
    ("POST", "/conversations/someone/messages"),
)


async def rasa_api(base_url: str, token: str | None = None) -> dict[str, int]:
    """Status of Rasa's HTTP API routes for an anonymous caller (or one with ``token``)."""
    statuses = {}
    params = {"token": token} if token else {}
    async with aiohttp.ClientSession() as session:
        for method, path in API_PROBES:
            async with session.request(
                method,
                base_url + path,
                data=b"not a model",
                params=params,
                timeout=aiohttp.ClientTimeout(total=20),
            ) as reply:
                statuses[f"{method} {path}"] = reply.status
    return statuses


def secrets_in(text: str, secrets: Secrets) -> dict[str, int]:
    """How many times each secret value occurs in ``text``."""
    return {name: text.count(value) for name, value in secrets.searched().items()}
