"""Long polling: updates fetched with getUpdates take the webhook's path."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest
from telegram import Bot

from bot.settings import Settings, channel_secrets
from channels.common.errors import ChannelConfigError
from channels.telegram import polling
from harness.platforms import FakeTelegram
from tests.channels.telegram.client import SECRET, telegram
from tests.support.channels import fixture_json


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


def test_polling_settings_come_from_the_secrets_and_kw_rasa_url() -> None:
    secrets = {"TELEGRAM_TOKEN": "1:a", "TELEGRAM_SECRET_TOKEN": SECRET}
    settings = Settings.from_env({"KW_RASA_URL": "http://10.0.0.5:5006/"})
    polled = polling.PollingSettings.from_env(secrets, settings)
    assert polled.webhook_url == "http://10.0.0.5:5006/webhooks/telegram/webhook"
    assert (polled.token, polled.secret_token) == ("1:a", SECRET)
    assert polled.api_base_url == "https://api.telegram.org/bot"
    default = polling.PollingSettings.from_env(secrets, Settings.from_env({}))
    assert default.webhook_url == "http://127.0.0.1:5005/webhooks/telegram/webhook"
    with pytest.raises(ChannelConfigError, match="TELEGRAM_SECRET_TOKEN"):
        polling.PollingSettings.from_env({"TELEGRAM_TOKEN": "1:a"}, settings)


def test_the_poller_reads_its_secrets_through_the_settings_module(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TELEGRAM_TOKEN", " 1:a ")
    monkeypatch.setenv("TELEGRAM_SECRET_TOKEN", SECRET)
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", "")
    monkeypatch.setenv("KW_RASA_URL", "http://127.0.0.1:6006")
    assert channel_secrets("TELEGRAM_TOKEN", "TELEGRAM_API_BASE_URL") == {"TELEGRAM_TOKEN": "1:a"}
    polled = polling.PollingSettings.from_env()
    assert polled.webhook_url == "http://127.0.0.1:6006/webhooks/telegram/webhook"
    monkeypatch.delenv("TELEGRAM_TOKEN")
    with pytest.raises(SystemExit, match="set TELEGRAM_TOKEN"):
        polling.run()
