"""One error tree for every connector, and one way a refused request is answered and logged.

The unit tests pin the tree and the three body styles; the HTTP test sends each
connector a body over its size limit and expects the same status and log line,
with the body in the shape that platform's side reads.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import aiohttp
import pytest
from rasa.core.channels.channel import InputChannel

from channels.common.catalog import CatalogError
from channels.common.errors import (
    BadRequest,
    ChannelConfigError,
    ChannelError,
    Forbidden,
    RequestRefused,
    TooLarge,
    refusal_response,
)
from channels.common.limits import MAX_BODY_BYTES
from channels.common.store import MemoryStore
from channels.kakao import KakaoInput, KakaoSettings
from channels.rest import RestInput
from channels.telegram import TelegramInput, TelegramSettings
from channels.telegram.settings import SECRET_HEADER
from channels.wechat import WeChatInput, WeChatSettings
from harness.echobot import EchoBot
from harness.inprocess import serve_channel


def test_refusals_and_configuration_errors_share_one_tree() -> None:
    assert [(kind.status, kind.error) for kind in (BadRequest, Forbidden, TooLarge)] == [
        (400, "bad request"),
        (403, "forbidden"),
        (413, "too large"),
    ]
    assert all(issubclass(kind, RequestRefused) for kind in (BadRequest, Forbidden, TooLarge))
    assert issubclass(RequestRefused, ChannelError) and issubclass(ChannelConfigError, ChannelError)
    assert issubclass(ChannelConfigError, ValueError), "Rasa reports a ValueError at start-up"
    assert issubclass(CatalogError, ChannelConfigError)
    assert Forbidden("bad signature").reason == "bad signature"


@pytest.mark.parametrize(
    "style, body",
    [
        ("text", "forbidden: bad signature"),
        ("json", {"error": "forbidden", "reason": "bad signature"}),
        ("telegram", {"ok": False, "description": "bad signature"}),
    ],
)
def test_a_refusal_carries_its_status_and_reason_and_logs_one_line(
    style: Any, body: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="channels.common.errors")
    answer = refusal_response("WeChat", "10.0.0.7", Forbidden("bad signature"), style)
    assert answer.status == 403
    text = answer.body.decode("utf-8")
    assert (text if style == "text" else json.loads(text)) == body
    assert caplog.messages == ["Refused WeChat request from 10.0.0.7: bad signature"]


def connector(name: str) -> InputChannel:
    store = MemoryStore()
    if name == "wechat":
        settings = WeChatSettings(token="t", appid="wx1", appsecret="s")
        return WeChatInput(settings, store)
    if name == "kakao":
        return KakaoInput(KakaoSettings(skill_secret="k"), store)
    if name == "telegram":
        return TelegramInput(TelegramSettings(token="1:a", secret_token="tg"), store)
    return RestInput()


LIMIT = f"body over {MAX_BODY_BYTES} bytes"
OVERSIZE = [
    ("wechat", "WeChat", {}, f"too large: body over {64 * 1024} bytes"),
    ("kakao", "Kakao", {"X-Skill-Secret": "k"}, {"error": "too large", "reason": LIMIT}),
    ("telegram", "Telegram", {SECRET_HEADER: "tg"}, {"ok": False, "description": LIMIT}),
    ("rest", "REST", {}, {"error": "too large", "reason": LIMIT}),
]


@pytest.mark.parametrize("name, display, headers, expected", OVERSIZE)
async def test_every_connector_refuses_an_oversized_body_the_same_way(
    name: str, display: str, headers: dict[str, str], expected: Any, caplog: Any
) -> None:
    bot = EchoBot()
    body = b"x" * (MAX_BODY_BYTES + 1)
    async with serve_channel(connector(name), bot) as base, aiohttp.ClientSession() as session:
        url = f"{base}/webhooks/{name}/webhook"
        async with session.post(url, data=body, headers=headers) as reply:
            status, text = reply.status, await reply.text()
    assert status == 413 and not bot.received
    assert (text if isinstance(expected, str) else json.loads(text)) == expected
    assert f"Refused {display} request from 127.0.0.1: body over" in caplog.text
