"""The Telegram webhook over real HTTP against a local fake Bot API (PTB's base_url)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from channels.telegram import TelegramInput
from harness.echobot import EchoBot
from tests.channels.telegram.client import HEADERS, send, telegram
from tests.support.channels import fixture_json, language_of


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


def test_from_credentials_fails_loudly_without_token_or_secret() -> None:
    with pytest.raises(ValueError, match="TELEGRAM_SECRET_TOKEN"):
        TelegramInput.from_credentials({"token": "1:a", "secret_token": ""})
    with pytest.raises(ValueError, match="TELEGRAM_TOKEN"):
        TelegramInput.from_credentials({"secret_token": "s"})
