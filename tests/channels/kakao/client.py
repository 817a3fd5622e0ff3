"""A served Kakao skill server and a client for it, shared by the Kakao tests."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp

from channels.common.store import MemoryStore
from channels.kakao import KakaoInput, KakaoSettings
from harness.echobot import EchoBot
from harness.inprocess import serve_channel

SECRET = "kakao-skill-secret-7f3a"


def reply_texts(response: dict) -> list[str]:
    texts = []
    for output in response["template"]["outputs"]:
        if "simpleText" in output:
            texts.append(output["simpleText"]["text"])
    return texts


@asynccontextmanager
async def kakao(bot: EchoBot | None = None, **overrides: Any) -> AsyncIterator[tuple[str, EchoBot]]:
    bot = bot or EchoBot()
    config = {"skill_secret": SECRET, **overrides}
    channel = KakaoInput(KakaoSettings.from_credentials(config), MemoryStore())
    async with serve_channel(channel, bot) as base:
        yield f"{base}/webhooks/kakao/webhook", bot
        await channel.keeper.wait_idle(5)


async def call(url: str, body: Any, headers: dict | None = None) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as session:
        data = body if isinstance(body, (str, bytes)) else json.dumps(body)
        async with session.post(
            url, data=data, headers={"Content-Type": "application/json", **(headers or {})}
        ) as reply:
            raw = await reply.text()
            try:
                return reply.status, json.loads(raw)
            except ValueError:
                return reply.status, raw
