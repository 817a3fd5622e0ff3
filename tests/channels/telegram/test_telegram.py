"""Telegram connector.

Update parsing, call planning, rate limiting, and the webhook and long-polling
paths over real HTTP against a local fake Bot API (PTB's base_url).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest
from telegram import Bot
from telegram.error import RetryAfter

from channels.common.replies import BotMessage, Button, Venue, utf16_len
from channels.common.store import MemoryStore
from channels.telegram import TelegramInput, TelegramSettings, polling, render, updates
from channels.telegram.sender import RateLimiter, TokenRedactor, retry_seconds
from harness.echobot import EchoBot
from harness.inprocess import serve_channel
from harness.platforms import FakeTelegram, serve_aiohttp
from tests.support.channels import fixture_json, language_of

SECRET = "tg-secret-token_2025"
HEADERS = {"X-Telegram-Bot-Api-Secret-Token": SECRET}


# --- pure functions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, kind, text, command, argument",
    [
        ("message_text_ko.json", "text", "푸드 페스티벌은 어디서 해요?", "", ""),
        ("command_start.json", "command", "", "start", ""),
        ("command_help.json", "command", "", "help", ""),
        ("command_lang_zh.json", "command", "", "lang", "zh"),
        ("location.json", "location", "", "", ""),
        ("photo.json", "unsupported", "", "", ""),
        ("sticker.json", "unsupported", "", "", ""),
        ("edited_message.json", "ignore", "", "", ""),
        ("callback_query.json", "callback", "/ask_schedule", "", ""),
    ],
)
def test_parse_update(name: str, kind: str, text: str, command: str, argument: str) -> None:
    inbound = updates.parse_update(fixture_json("telegram", name))
    assert (inbound.kind, inbound.text, inbound.command, inbound.argument) == (
        kind,
        text,
        command,
        argument,
    )
    if kind != "ignore":
        assert inbound.chat_id > 0 and inbound.user_id == str(inbound.chat_id)


def test_unknown_commands_lose_their_slash_so_they_cannot_name_intents() -> None:
    update = fixture_json("telegram", "message_text_ko.json")
    update["message"]["text"] = '/ask_tickets{"x":1}'
    assert updates.parse_update(update).text == 'ask_tickets{"x":1}'


@pytest.mark.parametrize(
    "body", [None, [], {}, {"update_id": "1"}, {"update_id": 1, "message": {}}]
)
def test_parse_update_refuses_non_updates(body: Any) -> None:
    with pytest.raises(updates.UpdateError):
        updates.parse_update(body)


def test_callback_data_maps_long_payloads_through_a_short_key() -> None:
    assert render.callback_data("/ask_schedule") == ("/ask_schedule", None)
    long = '/ask_transport{"origin":"shenyang_station","venue":"expo_center","extra":"한국어"}'
    data, key = render.callback_data(long)
    assert key == data and data.startswith("#k:") and len(data.encode()) <= 64
    assert render.callback_data(long) == (data, key)
    assert render.callback_data("#k:sneaky")[1] is not None


def test_plan_splits_at_4096_units_and_keeps_the_keyboard_on_the_last_part() -> None:
    text = ("한국 주간 행사 안내입니다. 😀\n" * 600).strip()
    plan = render.plan_message(
        BotMessage(text=text, buttons=(Button("일정", "/ask_schedule"),)), "ko"
    )
    parts = [c for c in plan.calls if c.method == "send_message"]
    assert len(parts) >= 3 and all(utf16_len(c.kwargs["text"]) <= 4096 for c in parts)
    assert [bool(c.keyboard) for c in parts] == [False] * (len(parts) - 1) + [True]


def test_plan_venue_photo_and_url_buttons() -> None:
    venue = Venue(41.8057, 123.4315, "沈阳国际展览中心", "会展路9号")
    plan = render.plan_message(
        BotMessage(
            text="地址",
            venue=venue,
            image="https://e.org/a.jpg",
            buttons=(Button("官网", url="https://e.org"),),
        ),
        "zh",
    )
    assert [c.method for c in plan.calls] == ["send_message", "send_photo", "send_venue"]
    assert plan.calls[0].keyboard == (({"text": "官网", "url": "https://e.org"},),)
    assert plan.calls[2].kwargs == {
        "latitude": 41.8057,
        "longitude": 123.4315,
        "title": "沈阳国际展览中心",
        "address": "会展路9号",
    }


async def test_rate_limiter_spaces_one_chat_and_caps_the_total() -> None:
    now = [0.0]
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    limiter = RateLimiter(per_chat=1.0, per_second=30, burst=1, clock=lambda: now[0], sleep=sleep)
    times = []
    for _ in range(3):
        await limiter.acquire(42)
        times.append(now[0])
    assert times == [0.0, 1.0, 2.0]
    now[0], sleeps[:] = 100.0, []
    for chat in range(45):
        await limiter.acquire(1000 + chat)
    assert 100.99 < now[0] < 101.01 and len(sleeps) == 1


async def test_rate_limiter_lets_a_short_burst_through_then_spaces_and_refills() -> None:
    now = [10.0]

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    limiter = RateLimiter(per_chat=1.0, per_second=30, burst=3, clock=lambda: now[0], sleep=sleep)
    times = []
    for _ in range(5):
        await limiter.acquire(42)
        times.append(round(now[0], 6))
    assert times == [10.0, 10.0, 10.0, 11.0, 12.0]
    now[0] = 20.0  # idle long enough to refill the whole burst
    times = []
    for _ in range(4):
        await limiter.acquire(42)
        times.append(round(now[0], 6))
    assert times == [20.0, 20.0, 20.0, 21.0]


def test_token_redactor_rewrites_a_record_that_carries_the_secret(caplog: Any) -> None:
    logger = logging.getLogger("kw.test.redactor")
    logger.addFilter(TokenRedactor("123:ABCsecret"))
    with caplog.at_level(logging.INFO, logger="kw.test.redactor"):
        logger.info("HTTP Request: POST %s", "http://x/bot123:ABCsecret/sendMessage")
        logger.info("nothing secret here")
    assert "ABCsecret" not in caplog.text
    assert "bot123:<token>/sendMessage" in caplog.text and "nothing secret here" in caplog.text


def test_retry_seconds_reads_int_and_timedelta() -> None:
    assert retry_seconds(RetryAfter(3)) == 3.0
    assert retry_seconds(RetryAfter(dt.timedelta(seconds=2))) == 2.0


# --- the webhook ------------------------------------------------------------------------------


@asynccontextmanager
async def telegram(
    bot: EchoBot | None = None, fake: FakeTelegram | None = None, **overrides: Any
) -> AsyncIterator[tuple[str, EchoBot, FakeTelegram, TelegramInput]]:
    bot = bot or EchoBot()
    fake = fake or FakeTelegram()
    async with serve_aiohttp(fake.app()) as api:
        fake.base_url = api
        config = {
            "token": fake.token,
            "secret_token": SECRET,
            "api_base_url": f"{api}/bot",
            "per_chat_interval": "0.05",
            **overrides,
        }
        channel = TelegramInput(TelegramSettings.from_credentials(config), MemoryStore())
        async with serve_channel(channel, bot) as base:
            yield f"{base}/webhooks/telegram/webhook", bot, fake, channel


async def send(url: str, body: Any, headers: dict | None = None) -> int:
    async with aiohttp.ClientSession() as session:
        data = body if isinstance(body, str) else json.dumps(body)
        async with session.post(
            url, data=data, headers=HEADERS if headers is None else headers
        ) as r:
            return r.status


async def test_secret_token_is_required_and_unparsable_updates_get_400() -> None:
    update = fixture_json("telegram", "message_text_ko.json")
    async with telegram() as (url, bot, fake, _):
        assert await send(url, update, {}) == 403
        assert await send(url, update, {"X-Telegram-Bot-Api-Secret-Token": "nope"}) == 403
        assert await send(url, "{broken", HEADERS) == 400
        assert await send(url, {"update_id": "x"}, HEADERS) == 400
    assert not bot.received and not fake.calls


async def test_text_gets_reply_with_inline_keyboard_and_metadata() -> None:
    async with telegram() as (url, bot, fake, _):
        assert await send(url, fixture_json("telegram", "message_text_ko.json")) == 200
    sent = fake.sent("sendMessage")
    assert len(sent) == 1 and sent[0]["chat_id"] == "5123456789"
    assert language_of(sent[0]["text"]) == "ko"
    keyboard = json.loads(sent[0]["reply_markup"])["inline_keyboard"]
    assert keyboard[0][0] == {"text": "일정", "callback_data": "/ask_schedule"}
    message = bot.received[0]
    assert message.sender_id == "5123456789" and message.input_channel == "telegram"
    assert message.metadata == {
        "platform": "telegram",
        "user_id": "5123456789",
        "default_language": "ko",
    }


async def test_chinese_and_english_users_metadata_language_and_reply_language() -> None:
    async with telegram() as (url, bot, fake, _):
        await send(url, fixture_json("telegram", "message_text_zh.json"))
        await send(url, fixture_json("telegram", "message_text_en.json"))
    assert [m.metadata["default_language"] for m in bot.received] == ["zh", "en"]
    assert language_of(fake.sent("sendMessage")[0]["text"]) == "zh"


async def test_duplicate_update_ids_are_processed_once() -> None:
    update = fixture_json("telegram", "message_text_ko.json")
    async with telegram() as (url, bot, fake, _):
        assert await send(url, update) == 200
        assert await send(url, update) == 200
        later = dict(update, update_id=update["update_id"] - 5)
        assert await send(url, later) == 200
    assert len(bot.received) == 2 and len(fake.sent("sendMessage")) == 2


async def test_start_help_and_lang_commands() -> None:
    async with telegram() as (url, bot, fake, _):
        await send(url, fixture_json("telegram", "command_start.json"))
        await send(url, fixture_json("telegram", "command_help.json"))
        await send(url, fixture_json("telegram", "command_lang.json"))
        await send(url, fixture_json("telegram", "command_lang_zh.json"))
    welcome, help_, choose = fake.sent("sendMessage")[:3]
    assert language_of(welcome["text"]) == "ko" and "환영" in welcome["text"]
    assert len(json.loads(welcome["reply_markup"])["inline_keyboard"]) == 5
    assert language_of(help_["text"]) == "zh"
    choices = [
        row[0]["callback_data"] for row in json.loads(choose["reply_markup"])["inline_keyboard"]
    ]
    assert choices[1] == '/change_language{"target_language":"ko"}'
    assert [m.text for m in bot.received] == ['/change_language{"target_language":"zh"}']


async def test_location_sends_directions_request_with_coordinates() -> None:
    async with telegram() as (url, bot, _, _):
        await send(url, fixture_json("telegram", "location.json"))
    message = bot.received[0]
    assert message.text == "길 안내" and language_of(message.text) == "ko"
    assert message.metadata["location"] == {"lat": 41.796767, "lon": 123.429096}


async def test_photos_and_stickers_get_text_only_notice_and_edits_are_ignored() -> None:
    async with telegram() as (url, bot, fake, _):
        await send(url, fixture_json("telegram", "photo.json"))
        await send(url, fixture_json("telegram", "sticker.json"))
        assert await send(url, fixture_json("telegram", "edited_message.json")) == 200
    zh, both = (m["text"] for m in fake.sent("sendMessage"))
    assert language_of(zh) == "zh" and "文字" in zh
    assert "文字" in both and "텍스트" in both
    assert not bot.received


async def test_callback_query_is_answered_and_its_data_goes_to_rasa() -> None:
    async with telegram() as (url, bot, fake, _):
        await send(url, fixture_json("telegram", "callback_query.json"))
    assert fake.sent("answerCallbackQuery")[0]["callback_query_id"] == "4382bfdwdsb323b2d9"
    assert bot.received[0].text == "/ask_schedule"


async def test_long_payloads_round_trip_through_short_keys_and_expire_politely() -> None:
    long = '/ask_transport{"origin":"shenyang_station","venue":"expo_center","note":"지하철"}'

    class LongButtonBot(EchoBot):
        async def __call__(self, message: Any) -> None:
            self.received.append(message)
            await message.output_channel.send_response(
                message.sender_id, {"text": "선택", "buttons": [{"title": "길", "payload": long}]}
            )

    async with telegram(LongButtonBot()) as (url, bot, fake, _):
        await send(url, fixture_json("telegram", "message_text_ko.json"))
        data = json.loads(fake.sent("sendMessage")[0]["reply_markup"])["inline_keyboard"][0][0]
        assert data["callback_data"].startswith("#k:")
        tap = fixture_json("telegram", "callback_query.json")
        tap["callback_query"]["data"] = data["callback_data"]
        await send(url, tap)
        expired = dict(tap, update_id=tap["update_id"] + 1)
        expired["callback_query"] = dict(tap["callback_query"], data="#k:unknownkey")
        await send(url, expired)
    assert bot.received[1].text == long
    assert "만료" in fake.sent("sendMessage")[-1]["text"]


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


async def test_long_polling_feeds_updates_through_the_webhook_path() -> None:
    fake = FakeTelegram(
        updates=[
            fixture_json("telegram", "message_text_ko.json"),
            fixture_json("telegram", "callback_query.json"),
        ]
    )
    async with telegram(fake=fake) as (url, bot, _, _):
        settings = polling.PollingSettings(
            fake.token, SECRET, url, f"{fake.base_url}/bot", poll_timeout=0
        )
        stop = asyncio.Event()
        async with (
            Bot(fake.token, base_url=settings.api_base_url) as ptb,
            aiohttp.ClientSession() as session,
        ):
            task = asyncio.ensure_future(polling.poll(ptb, settings, stop, session))
            for _ in range(100):
                if len(bot.received) == 2 and len(fake.sent("getUpdates")) >= 2:
                    break
                await asyncio.sleep(0.05)
            stop.set()
            await asyncio.wait_for(task, 5)
    assert [m.text for m in bot.received] == ["푸드 페스티벌은 어디서 해요?", "/ask_schedule"]
    assert fake.sent("deleteWebhook")
    offsets = [int(p.get("offset") or 0) for p in fake.sent("getUpdates")]
    assert offsets[-1] == 815400112
    assert len(fake.sent("sendMessage")) == 2 and fake.sent("answerCallbackQuery")


async def test_polling_delivery_gives_up_after_max_attempts_and_logs(caplog: Any) -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    settings = polling.PollingSettings(
        "1:a", SECRET, "http://127.0.0.1:9/webhooks/telegram/webhook", max_attempts=3
    )
    async with aiohttp.ClientSession() as session:
        ok = await polling.deliver(session, settings, {"update_id": 77}, sleep)
    assert not ok and waits == [1.0, 2.0]
    assert "Update 77 was not processed after 3 attempts" in caplog.text


def test_from_credentials_fails_loudly_without_token_or_secret() -> None:
    with pytest.raises(ValueError, match="TELEGRAM_SECRET_TOKEN"):
        TelegramInput.from_credentials({"token": "1:a", "secret_token": ""})
    with pytest.raises(ValueError, match="TELEGRAM_TOKEN"):
        TelegramInput.from_credentials({"secret_token": "s"})
