"""The skeleton the three platform connectors share (``channels.common.base.PlatformInput``)."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from rasa.shared.utils.common import class_from_module_path

from channels.common.base import PlatformInput
from channels.common.store import MemoryStore
from channels.kakao import KakaoInput, KakaoSettings
from harness.echobot import EchoBot
from harness.inprocess import serve_channel

CONNECTORS = [
    ("channels.wechat.WeChatInput", "wechat"),
    ("channels.kakao.KakaoInput", "kakao"),
    ("channels.telegram.TelegramInput", "telegram"),
]


@pytest.mark.parametrize("path, name", CONNECTORS)
def test_credentials_paths_name_platform_inputs(path: str, name: str) -> None:
    channel_class = class_from_module_path(path)
    assert issubclass(channel_class, PlatformInput)
    assert channel_class.name() == name


async def test_health_route_and_a_drain_that_waits_for_background_work() -> None:
    channel = KakaoInput(KakaoSettings(skill_secret="k"), MemoryStore())
    finished: list[str] = []

    async def late_delivery() -> None:
        await asyncio.sleep(0.2)
        finished.append("delivered")

    async with serve_channel(channel, EchoBot()) as base, aiohttp.ClientSession() as session:
        async with session.get(f"{base}/webhooks/kakao/") as reply:
            assert (reply.status, await reply.json()) == (200, {"status": "ok"})
        channel.keeper.spawn(late_delivery())
    assert finished == ["delivered"], "stopping the server waited for the delivery"
