"""A location shared on WeChat reaches Rasa as the ``share_location`` intent.

Its Label (often a street address in Chinese) is data in the metadata, not text
for the NLU, and does not change the language remembered for the visitor.
"""

from __future__ import annotations

from typing import Any

import pytest
from rasa.core.channels.channel import UserMessage

from harness.echobot import EchoBot
from tests.channels.wechat.client import (
    AES_KEY,
    USER,
    encrypted_request,
    post,
    query,
    reply_content,
    wechat,
)
from tests.support.channels import fixture_text, language_of

SHARED = {"lat": 41.796767, "lon": 123.429096, "label": "辽宁省沈阳市沈河区青年大街"}


class NeutralBot(EchoBot):
    """Answers with a sign only, so the bot's reply teaches the connector no language."""

    async def __call__(self, message: UserMessage) -> None:
        self.received.append(message)
        await message.output_channel.send_response(message.sender_id, {"text": "🚏 ✓"})


@pytest.mark.parametrize("mode", ["plain", "safe"])
async def test_a_shared_location_reaches_rasa_as_share_location_with_the_point(mode: str) -> None:
    xml = fixture_text("wechat", "location.xml")
    overrides: dict[str, Any] = {"aes_key": AES_KEY} if mode == "safe" else {}
    async with wechat(**overrides) as (url, bot, _, _):
        body, params = encrypted_request(xml) if mode == "safe" else (xml, query())
        status, _ = await post(url, body, params)
    assert status == 200 and len(bot.received) == 1
    message = bot.received[0]
    assert message.text == "/share_location"
    assert message.metadata == {
        "platform": "wechat",
        "user_id": USER,
        "default_language": "zh",
        "location": SHARED,
    }


async def test_a_chinese_label_does_not_change_a_korean_visitors_language() -> None:
    async with wechat(NeutralBot()) as (url, bot, _, channel):
        await post(url, fixture_text("wechat", "text_korean.xml"), query())
        await post(url, fixture_text("wechat", "location.xml"), query())
        assert await channel.memory.recall(USER, None) == "ko"
        _, body = await post(url, fixture_text("wechat", "image.xml"), query())
    assert [m.text for m in bot.received][1] == "/share_location"
    assert language_of(reply_content(body)) == "ko" and "텍스트" in reply_content(body)
