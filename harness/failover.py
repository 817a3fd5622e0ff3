"""The replica fault test's load and verdict: conversations through the proxy, judged in Redis.

Visitors in closed loop (each waits for its answer, thinks briefly, sends the
next) play six-message REST conversations, Chinese and Korean: two questions,
a switch to the other language (written in the first), a message with no
Chinese or Korean script, and two questions in the new language. Every reply
that is not an answer (an HTTP error, a timeout after ``CLIENT_TIMEOUT``, the
polite busy/error texts) is resent once after ``RESEND_AFTER`` seconds with the
same message id (the REST ``message_id`` field and the ``Idempotency-Key``
header), as a platform or a patient visitor would.

The proxy the visitors talk to is ``harness.proxy``; the verdict, read back
from Redis, is ``harness.failover_verdict``.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from dataclasses import dataclass, field

import aiohttp
import yaml

from bot.nlu.language import detect_language, is_han, is_hangul
from channels.common.catalog import load_catalog
from harness.project import HELDOUT
from harness.proxy import UPSTREAM_HEADER

#: Seconds before a failed message is sent again (once).
RESEND_AFTER = 1.0
#: Seconds the visitor's client waits for a reply.
CLIENT_TIMEOUT = 10.0
#: The connectors' polite texts that are not an answer.
NOT_ANSWERS = ("busy", "unavailable", "error", "rate_limited", "too_long", "waiting", "no_answer")
#: The switch to the other language, written in the visitor's first language.
SWITCH = {"zh": "请用韩语回答", "ko": "중국어로 답해줘"}
OTHER = {"zh": "ko", "ko": "zh"}
#: Messages with no Chinese or Korean script: the reply keeps the conversation's language.
NO_SCRIPT = ("ok", "👍", "?")
_SWITCH_WORDS = ("韩语", "韩文", "中文", "汉语", "英语", "한국어", "중국어", "영어", "한국말")


def reply_script(text: str) -> str | None:
    """The language a reply is written in: the script with more characters; None without any."""
    hangul = sum(1 for char in text if is_hangul(char))
    han = sum(1 for char in text if is_han(char))
    if not hangul and not han:
        return None
    return "ko" if hangul > han else "zh"


def question_pools() -> dict[str, list[str]]:
    """Held-out questions (``ask_*`` intents of ``tests/nlu``) written in their language's script.

    Questions that name a language are left out: they could be taken as a switch.
    """
    pools: dict[str, list[str]] = {}
    for language in ("zh", "ko"):
        document = yaml.safe_load((HELDOUT / f"{language}.yml").read_text(encoding="utf-8"))
        texts = [
            line.strip()[2:].strip()
            for block in document.get("nlu") or []
            if str(block.get("intent", "")).startswith("ask_")
            for line in str(block.get("examples") or "").splitlines()
            if line.strip().startswith("- ") and "[" not in line
        ]
        pools[language] = [
            text
            for text in texts
            if detect_language(text) == language and not any(w in text for w in _SWITCH_WORDS)
        ]
    return pools


@dataclass(frozen=True)
class Step:
    """One message of a conversation and the language its reply must be in."""

    text: str
    language: str


def conversation(language: str, pools: dict[str, list[str]], rng: random.Random) -> list[Step]:
    """The six messages of one visitor who starts in ``language`` and switches."""
    other = OTHER[language]
    first, second = rng.sample(pools[language], 2), rng.sample(pools[other], 2)
    return [
        Step(first[0], language),
        Step(first[1], language),
        Step(SWITCH[language], other),
        Step(rng.choice(NO_SCRIPT), other),
        Step(second[0], other),
        Step(second[1], other),
    ]


@dataclass(frozen=True)
class Try:
    """One send of a message: when (s since the load began), how long, what came back."""

    at: float
    seconds: float
    kind: str
    upstream: str = ""
    text: str = ""


@dataclass
class Message:
    """One message of one visitor, with its sends."""

    sender: str
    serial: int
    step: Step
    message_id: str
    tries: list[Try] = field(default_factory=list)

    @property
    def answer(self) -> Try | None:
        """The send that got an answer, if one did."""
        return next((t for t in self.tries if t.kind == "answer"), None)

    @property
    def wait(self) -> float:
        """Seconds from the first send to the answer (to the last reply when none came)."""
        end = self.answer or self.tries[-1]
        return end.at + end.seconds - self.tries[0].at


def _not_answer_texts() -> dict[str, str]:
    catalog = load_catalog()
    return {
        text.strip(): name for name in NOT_ANSWERS for text in (catalog.get(name) or {}).values()
    }


def classify(status: int, body: bytes, polite: dict[str, str]) -> tuple[str, str]:
    """A reply's kind ("answer", a polite text's id, "http <status>", "empty") and text. Pure."""
    if status != 200:
        return f"http {status}", ""
    try:
        data = json.loads(body)
    except ValueError:
        return "not json", ""
    texts = [str(m.get("text") or "") for m in data if isinstance(m, dict)]
    text = "\n".join(t for t in texts if t)
    if not text:
        return "empty", ""
    parts = {polite.get(part.strip(), "") for part in text.split("\n") if part.strip()}
    if len(parts) == 1 and "" not in parts:
        return parts.pop(), text
    return "answer", text


@dataclass
class Visitors:
    """``count`` visitors in closed loop against ``url`` until ``seconds`` have passed.

    Args:
        url: The proxy's base URL.
        count: Concurrent visitors; even slots start in Chinese, odd ones in Korean.
        think: Seconds between an answer and the next message (min, max).
        run: A label that makes this load's senders unique in the shared Redis.
        seed: For the choice of questions and think times.
    """

    url: str
    count: int
    think: tuple[float, float] = (0.5, 1.5)
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:6])
    seed: int = 14
    messages: list[Message] = field(default_factory=list)

    async def run_for(self, seconds: float) -> list[Message]:
        """Plays conversations until ``seconds`` from now (a conversation may end early)."""
        self._origin = time.monotonic()
        self._deadline = self._origin + seconds
        self._pools = question_pools()
        self._polite = _not_answer_texts()
        connector = aiohttp.TCPConnector(limit=self.count * 2, force_close=True)
        async with aiohttp.ClientSession(connector=connector) as session:
            await asyncio.gather(*(self._slot(session, slot) for slot in range(self.count)))
        return self.messages

    def now(self) -> float:
        """Seconds since the load began."""
        return time.monotonic() - self._origin

    async def _slot(self, session: aiohttp.ClientSession, slot: int) -> None:
        rng = random.Random(self.seed * 1_000_003 + slot)
        language = ("zh", "ko")[slot % 2]
        await asyncio.sleep(rng.uniform(0, self.think[1]))
        number = 0
        while time.monotonic() < self._deadline:
            sender = f"fo-{self.run}-{slot}-{number}"
            for serial, step in enumerate(conversation(language, self._pools, rng)):
                if time.monotonic() >= self._deadline:
                    return
                message = Message(sender, serial, step, f"{sender}-{serial}")
                self.messages.append(message)
                await self.deliver(session, message)
                await asyncio.sleep(rng.uniform(*self.think))
            number += 1

    async def deliver(self, session: aiohttp.ClientSession, message: Message) -> None:
        """Sends a message; resends it once after ``RESEND_AFTER`` s unless it was answered."""
        message.tries.append(await self.send(session, message))
        if message.tries[0].kind != "answer":
            await asyncio.sleep(RESEND_AFTER)
            message.tries.append(await self.send(session, message))

    async def send(self, session: aiohttp.ClientSession, message: Message) -> Try:
        """One POST of the message to the REST channel, with its id in the body and a header."""
        body = {"sender": message.sender, "message": message.step.text}
        body["message_id"] = message.message_id
        at = self.now()
        try:
            async with session.post(
                self.url + "/webhooks/rest/webhook",
                json=body,
                headers={"Idempotency-Key": message.message_id},
                timeout=aiohttp.ClientTimeout(total=CLIENT_TIMEOUT),
            ) as reply:
                raw = await reply.read()
                kind, text = classify(reply.status, raw, self._polite)
                upstream = reply.headers.get(UPSTREAM_HEADER, "")
                return Try(at, self.now() - at, kind, upstream, text)
        except asyncio.TimeoutError:
            return Try(at, self.now() - at, "timeout")
        except (aiohttp.ClientError, OSError) as exc:
            return Try(at, self.now() - at, f"connection: {type(exc).__name__}")
