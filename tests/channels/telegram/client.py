"""A served Telegram webhook next to a local fake Bot API, and a client for it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp

from channels.common.store import MemoryStore
from channels.telegram import TelegramInput, TelegramSettings
from harness.echobot import EchoBot
from harness.inprocess import serve_channel
from harness.platforms import FakeTelegram, serve_aiohttp

SECRET = "tg-secret-token_2025"
HEADERS = {"X-Telegram-Bot-Api-Secret-Token": SECRET}


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
