"""The Telegram webhook's replies over real HTTP: venues, long texts, flood limits, failures."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from channels.common.replies import utf16_len
from harness.platforms import FakeTelegram
from tests.channels.telegram.client import send, telegram
from tests.support.channels import fixture_json


async def test_venue_custom_json_goes_out_as_send_venue() -> None:
    update = fixture_json("telegram", "message_text_zh.json")
    update["message"]["text"] = "venue 会展中心在哪"
    async with telegram() as (url, _, fake, _):
        await send(url, update)
    venue = fake.sent("sendVenue")[0]
    assert (float(venue["latitude"]), float(venue["longitude"])) == (41.8057, 123.4315)
    assert venue["title"] == "沈阳国际展览中心" and venue["address"] == "沈阳市苏家屯区会展路9号"


async def test_long_answers_are_split_at_4096() -> None:
    update = fixture_json("telegram", "message_text_ko.json")
    update["message"]["text"] = "long 안내"
    async with telegram() as (url, _, fake, _):
        await send(url, update)
    texts = [m["text"] for m in fake.sent("sendMessage")]
    assert len(texts) == 2 and all(utf16_len(t) <= 4096 for t in texts)


async def test_flood_control_429_is_waited_out_and_retried() -> None:
    fake = FakeTelegram(flood_once={"sendMessage"})
    async with telegram(fake=fake) as (url, _, _, _):
        started = asyncio.get_running_loop().time()
        assert await send(url, fixture_json("telegram", "message_text_ko.json")) == 200
        assert asyncio.get_running_loop().time() - started >= 0.9
    assert len(fake.sent("sendMessage")) == 1


async def test_messages_to_one_chat_are_spaced_by_the_per_chat_interval_after_the_burst() -> None:
    update = fixture_json("telegram", "message_text_ko.json")
    update["message"]["text"] = "many 답변"
    async with telegram(per_chat_interval="0.25", per_chat_burst="2") as (url, _, fake, _):
        await send(url, update)
    times = [t for method, t in fake.times if method == "sendMessage"]
    assert len(times) == 5
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert gaps[0] < 0.15, gaps  # the burst of two goes out together
    assert all(gap >= 0.15 for gap in gaps[1:]), gaps


async def test_the_bot_token_never_reaches_the_log(caplog: Any) -> None:
    caplog.set_level(logging.INFO, logger="httpx")  # httpx logs every request URL at INFO
    caplog.set_level(logging.DEBUG, logger="telegram")
    async with telegram() as (url, _, fake, _):
        assert await send(url, fixture_json("telegram", "message_text_ko.json")) == 200
    assert fake.calls, "the reply went through the Bot API"
    assert fake.token.split(":", 1)[1] not in caplog.text


async def test_failed_processing_returns_500_and_is_retried_not_lost() -> None:
    update = fixture_json("telegram", "message_text_ko.json")
    update["message"]["text"] = "boom 일정"
    async with telegram() as (url, bot, _, _):
        assert await send(url, update) == 500
        assert await send(url, update) == 500
    assert len(bot.received) == 2


async def test_a_message_telegram_refuses_is_logged_not_retried(caplog: Any) -> None:
    fake = FakeTelegram(fail_methods={"sendMessage"})
    async with telegram(fake=fake) as (url, bot, _, _):
        assert await send(url, fixture_json("telegram", "message_text_ko.json")) == 200
    assert len(bot.received) == 1 and "Telegram refused send_message" in caplog.text
