"""Content holding ``<script>`` reaches visitors as plain text on every channel.

The real assistant answers from content whose FAQ answer contains markup (as the
console's preview does, ``bot.content.preview``); each connector's renderer then
sends it as text: WeChat inside CDATA (parsed back to the same characters),
Telegram without a parse mode, Kakao as simpleText, REST as a JSON string.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree

from bot.content import load_content_texts
from bot.content.preview import answering_from
from bot.server.inprocess import ask as ask_once
from channels.common.replies import parse_bot_message
from channels.kakao.skill import render_response
from channels.telegram.render import plan_message
from channels.wechat.render import render_messages, text_reply_xml
from tests.support.agent import ask
from tests.support.content import shipped_texts, with_replaced

MARKUP = '<script>alert("x")</script><b>免费</b> ]]> &amp;'


def test_markup_in_content_is_sent_as_plain_text_by_every_channel(agent) -> None:
    texts = with_replaced(
        shipped_texts(),
        "faq.yml",
        "      zh: 沈阳国际展览中心和论坛酒店提供免费WiFi",
        f"      zh: '{MARKUP}沈阳国际展览中心和论坛酒店提供免费WiFi",
    )
    texts["faq.yml"] = texts["faq.yml"].replace(
        "外国手机号可在服务台领取临时密码。\n", "外国手机号可在服务台领取临时密码。'\n", 1
    )
    content = load_content_texts(texts)
    loaded, loop = agent

    async def run():  # noqa: ANN202
        with answering_from(content):
            return await ask_once(loaded, "有免费WiFi吗？", sender="markup")

    result = loop.run_until_complete(run())
    messages = [parse_bot_message(reply) for reply in result["replies"]]
    assert MARKUP in messages[0].text

    wechat = text_reply_xml("user", "account", render_messages(messages, "zh").text)
    assert MARKUP in ElementTree.fromstring(wechat).findtext("Content")

    calls = plan_message(messages[0], "zh").calls
    assert MARKUP in calls[0].kwargs["text"] and "parse_mode" not in calls[0].kwargs

    kakao = render_response(messages, "zh")
    assert MARKUP in kakao["template"]["outputs"][0]["simpleText"]["text"]

    assert json.loads(json.dumps(result["replies"]))[0]["text"].startswith(MARKUP)
    assert ask(agent, "有免费WiFi吗？", sender="markup-live")["replies"][0]["text"].startswith(
        "沈阳"
    )
