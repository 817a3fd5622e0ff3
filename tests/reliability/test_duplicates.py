"""Retries, duplicates, order and abuse against the connectors served in-process.

The short version of ``make reliability``'s duplicate, order and abuse checks,
with a stand-in bot that records what reached it. The connectors' stores answer
after a random few milliseconds, as Redis does, so a message that awaited its
store longer than the next one could overtake it if the connectors did not keep
each conversation's messages in arrival order.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import aiohttp
import pytest

from channels.common.catalog import say
from channels.common.store import MemoryStore
from harness import inprocess
from harness.background import Background
from harness.echobot import EchoBot
from harness.platforms import FakeTelegram, FakeWeChatApi, serve_aiohttp
from harness.requests import CHANNELS, Request, telegram_text, wechat_text
from harness.secrets import Secrets
from reliability.client import Outcome, read_reply, send_in_order
from reliability.messages import text_message
from reliability.settings import MAX_MESSAGE_CHARS

SECRETS = Secrets()


class JitterStore(MemoryStore):
    """An in-memory store that answers after 0-5 ms, like a store across the network."""

    def __init__(self) -> None:
        super().__init__()
        self._random = random.Random(7)

    async def _pause(self) -> None:
        await asyncio.sleep(self._random.uniform(0, 0.005))

    async def add(self, key: str, value: Any, ttl: float) -> bool:
        await self._pause()
        return await super().add(key, value, ttl)

    async def get(self, key: str) -> Any:
        await self._pause()
        return await super().get(key)

    async def set(self, key: str, value: Any, ttl: float) -> None:
        await self._pause()
        await super().set(key, value, ttl)


class SilentBot(EchoBot):
    """Records messages and answers nothing, as Rasa does when it swallows a failed action."""

    async def __call__(self, message: Any) -> None:
        self.received.append(message)


class Served:
    """The connectors in a background loop, with the fakes and the bot."""

    def __init__(
        self,
        background: Background,
        base: str,
        bot: EchoBot,
        telegram: FakeTelegram,
        wechat: FakeWeChatApi,
    ) -> None:
        self.background, self.base, self.bot = background, base, bot
        self.telegram, self.wechat = telegram, wechat

    def post_all(self, requests: list[Request], spacing: float) -> list[Outcome]:
        """Posts the requests ``spacing`` seconds apart without waiting for the answers."""

        async def go() -> list[Outcome]:
            async with aiohttp.ClientSession() as session:

                async def one(index: int, request: Request) -> Outcome:
                    await asyncio.sleep(index * spacing)
                    started = time.monotonic()
                    async with session.post(
                        self.base + request.url_path,
                        data=request.body,
                        params=request.params,
                        headers=request.headers,
                    ) as reply:
                        body = await reply.read()
                        return Outcome(
                            request.channel,
                            request.kind,
                            reply.status,
                            time.monotonic() - started,
                            body,
                        )

                return list(await asyncio.gather(*(one(i, r) for i, r in enumerate(requests))))

        return self.background.run(go())

    def telegram_texts(self, chat: int) -> list[str]:
        return [p["text"] for p in self.telegram.sent("sendMessage") if int(p["chat_id"]) == chat]

    def texts(self, channel: str, outcome: Outcome, visitor: int) -> list[str]:
        """What the visitor saw: the webhook's reply, or the Telegram messages to the chat."""
        if channel == "telegram":
            return self.telegram_texts(800_000_000 + visitor)
        return list(read_reply(outcome, SECRETS).texts)


@contextmanager
def serving(bot: EchoBot, store: Any = MemoryStore) -> Iterator[Served]:
    """Fresh connectors (so settings read on first use, like the rate limit, apply)."""
    background = Background()
    try:
        telegram, wechat = FakeTelegram(token=SECRETS.telegram_token), FakeWeChatApi()
        telegram_url = background.enter(serve_aiohttp(telegram.app()))
        wechat_url = background.enter(serve_aiohttp(wechat.app()))
        channels = inprocess.connectors(
            SECRETS, telegram_url + "/bot", wechat_url + "/cgi-bin/", store
        )
        base = background.enter(inprocess.serve(channels, bot))
        yield Served(background, base, bot, telegram, wechat)
    finally:
        background.close()


def test_a_wechat_message_retried_while_processed_is_answered_once() -> None:
    with serving(EchoBot(slow_seconds=1.0), JitterStore) as served:
        now = int(time.time())
        first = wechat_text(SECRETS, "oRetry", "slow 跆拳道在哪里", 9001, "nonceA", now)
        resigned = wechat_text(SECRETS, "oRetry", "slow 跆拳道在哪里", 9001, "nonceB", now)
        outcomes = served.post_all([first, first, resigned], spacing=0.05)
        time.sleep(0.5)
        assert [o.status for o in outcomes] == [200, 200, 200]
        assert outcomes[0].seconds > 0.1, "the retries came while the first was processed"
        passive = [r for r in (read_reply(o, SECRETS) for o in outcomes) if not r.late]
        late = [m for m in served.wechat.messages if m["touser"] == "oRetry"]
        assert len(served.bot.received) == 1
        assert len(passive) + len(late) == 1


def test_a_telegram_update_delivered_five_times_is_processed_and_answered_once() -> None:
    with serving(EchoBot(slow_seconds=0.5), JitterStore) as served:
        update = telegram_text(SECRETS, 777001, 4242, "slow 你好", "zh")
        outcomes = served.post_all([update] * 5, spacing=0.02)
        assert [o.status for o in outcomes] == [200] * 5
        assert len(served.bot.received) == 1
        assert len(served.telegram_texts(4242)) == 1


@pytest.mark.parametrize("channel", CHANNELS)
def test_ten_rapid_messages_reach_the_bot_in_the_order_sent(channel: str) -> None:
    with serving(EchoBot(), JitterStore) as served:
        texts = [f"第{n}个问题" for n in range(10)]
        now = int(time.time())
        requests = [
            text_message(channel, SECRETS, 31, n, text, "zh", now) for n, text in enumerate(texts)
        ]
        outcomes = served.background.run(send_in_order(served.base, requests, spacing=0.003))
        assert all(o.status == 200 for o in outcomes)
        assert [m.text for m in served.bot.received] == texts


@pytest.mark.parametrize("channel", CHANNELS)
def test_past_the_rate_limit_a_visitor_is_asked_politely_to_slow_down(
    channel: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KW_RATE_LIMIT", "3/60")
    with serving(EchoBot()) as served:
        seen = []
        for serial in range(5):
            request = text_message(channel, SECRETS, 41, serial, "你好", "zh", int(time.time()))
            (outcome,) = served.post_all([request], spacing=0)
            assert outcome.status == 200
            seen.append(served.texts(channel, outcome, 41))
        assert len(served.bot.received) == 3
        refusal = say("rate_limited", "zh")
        if channel == "telegram":
            assert served.telegram_texts(800_000_041)[-2:] == [refusal, refusal]
        else:
            assert [texts[0] for texts in seen[3:]] == [refusal, refusal]


@pytest.mark.parametrize("channel", CHANNELS)
def test_an_overlong_message_is_refused_politely_and_not_handed_to_the_bot(channel: str) -> None:
    with serving(EchoBot()) as served:
        now = int(time.time())
        longest = text_message(channel, SECRETS, 51, 0, "问" * MAX_MESSAGE_CHARS, "zh", now)
        too_long = text_message(channel, SECRETS, 51, 1, "问" * (MAX_MESSAGE_CHARS + 1), "zh", now)
        (fits,) = served.post_all([longest], spacing=0)
        (refused,) = served.post_all([too_long], spacing=0)
        assert fits.status == refused.status == 200
        assert [len(m.text) for m in served.bot.received] == [MAX_MESSAGE_CHARS]
        texts = served.texts(channel, refused, 51)
        assert texts[-1] == say("too_long", "zh")


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_turn_without_any_reply_gets_the_error_text_not_silence(channel: str) -> None:
    with serving(SilentBot()) as served:
        request = text_message(
            channel, SECRETS, 61, 0, "西塔美食节几点开始", "zh", int(time.time())
        )
        (outcome,) = served.post_all([request], spacing=0)
        assert outcome.status == 200
        assert len(served.bot.received) == 1
        assert served.texts(channel, outcome, 61) == [say("error", "zh")]


def test_rest_refuses_a_body_without_sender_or_message_with_400() -> None:
    with serving(EchoBot()) as served:
        bodies = [b"[1]", b'{"message": "hi"}', b'{"sender": "a"}', b'{"sender": 1, "message": 1}']
        json_type = {"Content-Type": "application/json"}
        requests = [Request("rest", body, headers=json_type) for body in bodies]
        outcomes = served.post_all(requests, spacing=0)
        assert [o.status for o in outcomes] == [400] * 4
        assert all(json.loads(o.body)["reason"] for o in outcomes)
        assert not served.bot.received


class AwayStore(MemoryStore):
    """A store whose every command fails, as Redis does while it is down or paused."""

    async def add(self, key: str, value: Any, ttl: float) -> bool:
        raise ConnectionError("Redis is away")

    async def get(self, key: str) -> Any:
        raise ConnectionError("Redis is away")

    async def set(self, key: str, value: Any, ttl: float) -> None:
        raise ConnectionError("Redis is away")

    async def delete(self, key: str) -> None:
        raise ConnectionError("Redis is away")


def test_a_long_wechat_answer_still_goes_out_while_the_store_is_away() -> None:
    with serving(EchoBot(), AwayStore) as served:
        request = wechat_text(SECRETS, "oAway", "long 你好", 9101, "nonceAway", int(time.time()))
        (outcome,) = served.post_all([request], spacing=0)
        assert outcome.status == 200 and read_reply(outcome, SECRETS).late
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not served.wechat.messages:
            time.sleep(0.05)
        assert [m["touser"] for m in served.wechat.messages][:1] == ["oAway"]
