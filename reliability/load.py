"""Virtual visitors: concurrent conversations in Chinese and Korean on every channel.

Each of ``visitors`` slots plays one visitor after another on its channel
(WeChat, Kakao, Telegram, REST in turn; Chinese and Korean alternating): a
conversation of three to six held-out questions with a think time between
them, then a new visitor takes the slot. A visitor therefore never comes near
the per-user rate limit, as a real one would not.

Latency is the time until the visitor sees the first part of the answer: the
webhook's reply for WeChat (passive), Kakao and REST; the first ``sendMessage``
to the chat for Telegram; the customer-service message when WeChat's answer
came late. ``MemorySampler`` records the server's resident memory meanwhile.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from harness.requests import CHANNELS
from harness.secrets import Secrets
from harness.stats import percentile
from reliability.client import Reply, read_reply, send
from reliability.messages import telegram_chat, text_message, wechat_openid

LATE_WAIT = 15.0


@dataclass(frozen=True)
class Sample:
    """One message of one visitor and what they got."""

    channel: str
    language: str
    started: float
    seconds: float
    webhook_seconds: float
    status: int
    valid: bool
    graceful: str = ""
    late: bool = False
    problem: str = ""
    visitor: int = 0
    text: str = ""
    answer: str = ""


def summarize(samples: Sequence[Sample]) -> dict[str, Any]:
    """Counts and latency percentiles (seconds; None without a valid reply) of some samples."""
    latencies = [s.seconds for s in samples if s.valid]
    return {
        "requests": len(samples),
        "errors": sum(1 for s in samples if not s.valid),
        "server_errors": sum(1 for s in samples if s.status >= 500),
        "graceful": sum(1 for s in samples if s.valid and s.graceful),
        "late": sum(1 for s in samples if s.late),
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "p99": percentile(latencies, 99),
        "max": max(latencies, default=None),
        "max_webhook": max((s.webhook_seconds for s in samples), default=0.0),
    }


@dataclass
class Visitors:
    """The load: ``visitors`` concurrent virtual visitors against one server.

    Args:
        base_url: The server (127.0.0.1).
        platforms: The fake platforms (for Telegram's and WeChat's late answers).
        secrets: The run's credentials.
        questions: Questions per language.
        visitors: Concurrent slots.
        think: Seconds between a visitor's messages (min, max).
        channels: Channels the slots cycle through.
        first_id: Visitor ids start here, so runs never share a conversation.
        seed: For the think times and the choice of questions.
    """

    base_url: str
    platforms: Any
    secrets: Secrets
    questions: dict[str, list[str]]
    visitors: int
    think: tuple[float, float] = (2.0, 6.0)
    channels: Sequence[str] = CHANNELS
    first_id: int = 1
    seed: int = 5
    samples: list[Sample] = field(default_factory=list)

    async def run(self, seconds: float, max_messages: int = 100_000) -> list[Sample]:
        """Runs the visitors for ``seconds`` (and at most ``max_messages`` messages in all)."""
        self._origin = time.monotonic()
        self._deadline = self._origin + seconds
        self._budget = max_messages
        connector = aiohttp.TCPConnector(limit=self.visitors * 2)
        async with aiohttp.ClientSession(connector=connector) as session:
            await asyncio.gather(*(self._slot(session, slot) for slot in range(self.visitors)))
        return self.samples

    async def _slot(self, session: aiohttp.ClientSession, slot: int) -> None:
        rng = random.Random(self.seed * 1_000_003 + slot)
        channel = self.channels[slot % len(self.channels)]
        language = ("zh", "ko")[(slot // len(self.channels)) % 2]
        pool = self.questions[language]
        await asyncio.sleep(rng.uniform(0, self.think[1]))
        conversation = 0
        while time.monotonic() < self._deadline and self._budget > 0:
            visitor = self.first_id + slot * 1000 + conversation
            for serial in range(rng.randint(3, 6)):
                if time.monotonic() >= self._deadline or self._budget <= 0:
                    return
                self._budget -= 1
                text = pool[rng.randrange(len(pool))]
                sample = await self.ask(session, channel, language, visitor, serial, text)
                self.samples.append(sample)
                await asyncio.sleep(rng.uniform(*self.think))
            conversation += 1

    async def ask(
        self,
        session: aiohttp.ClientSession,
        channel: str,
        language: str,
        visitor: int,
        serial: int,
        text: str,
    ) -> Sample:
        """Sends one message and waits for what the visitor sees."""
        now = int(time.time())
        request = text_message(channel, self.secrets, visitor, serial, text, language, now)
        chat, openid = telegram_chat(visitor), wechat_openid(visitor)
        sent_before = len(self.platforms.telegram_texts(chat)) if channel == "telegram" else 0
        late_before = len(self.platforms.wechat_texts(openid)) if channel == "wechat" else 0
        started = time.monotonic()
        outcome = await send(session, self.base_url, request, timeout=30.0)
        visible = outcome.seconds
        texts: list[str] = []
        if channel == "telegram":
            texts = self.platforms.telegram_texts(chat)[sent_before:]
            first = self._first_telegram_send(chat, started)
            visible = first - started if first else outcome.seconds
        reply = read_reply(outcome, self.secrets, texts)
        if channel == "wechat" and reply.valid and reply.late:
            reply, visible = await self._late_wechat(openid, late_before, started)
        return Sample(
            channel,
            language,
            started - self._origin if hasattr(self, "_origin") else 0.0,
            visible,
            outcome.seconds,
            outcome.status,
            reply.valid,
            reply.graceful,
            reply.late,
            reply.problem,
            visitor,
            text,
            " | ".join(reply.texts)[:120],
        )

    def _first_telegram_send(self, chat: int, after: float) -> float:
        telegram = self.platforms.telegram
        for (method, params), (_, at) in zip(
            list(telegram.calls), list(telegram.times), strict=False
        ):
            if method == "sendMessage" and int(params.get("chat_id", 0)) == chat and at >= after:
                return float(at)
        return 0.0

    async def _late_wechat(self, openid: str, before: int, started: float) -> tuple[Reply, float]:
        deadline = time.monotonic() + LATE_WAIT
        while time.monotonic() < deadline:
            texts = self.platforms.wechat_texts(openid)[before:]
            if texts:
                return Reply(True, tuple(texts), late=True), time.monotonic() - started
            await asyncio.sleep(0.05)
        return Reply(False, late=True, problem="no customer-service message"), LATE_WAIT


class MemorySampler:
    """Samples ``measure()`` (resident kB by process) every ``every`` seconds in a thread."""

    def __init__(self, measure: Callable[[], dict[str, int]], every: float = 5.0) -> None:
        self._measure = measure
        self._every = every
        self.series: list[tuple[float, dict[str, int]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._origin = time.monotonic()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.series.append((time.monotonic() - self._origin, self._measure()))
            self._stop.wait(self._every)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join(self._every + 5)
        self.series.append((time.monotonic() - self._origin, self._measure()))

    def summary(self, process: str = "rasa", warmup: float = 0.0) -> dict[str, float]:
        """Start (after ``warmup`` seconds), end and peak of one process, in MB."""
        points = [(t, values.get(process, 0)) for t, values in self.series if values.get(process)]
        if not points:
            return {"start_mb": 0.0, "end_mb": 0.0, "peak_mb": 0.0, "growth_mb": 0.0}
        steady = [p for p in points if p[0] >= warmup] or points
        start, end = steady[0][1] / 1024, points[-1][1] / 1024
        return {
            "start_mb": round(start, 1),
            "end_mb": round(end, 1),
            "peak_mb": round(max(v for _, v in points) / 1024, 1),
            "growth_mb": round(end - start, 1),
        }


def outcome_of(sample: Sample) -> str:
    """A sample's class for histograms: answer, graceful:<id>, late, or error."""
    if not sample.valid:
        return "error"
    if sample.graceful:
        return f"graceful:{sample.graceful}"
    return "late answer" if sample.late else "answer"
