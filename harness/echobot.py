"""A stand-in for Rasa behind the connectors: answers like the bot would, in the visitor's language.

Connector tests, the load generator's smoke test and the short reliability checks
serve the real connectors with it (``harness.inprocess.serve``), so what they
measure is the connector, not the model.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from rasa.core.channels.channel import UserMessage

from bot.nlu.language import detect_language

#: The venue payload of a message with "venue" in it.
VENUE = {
    "lat": 41.8057,
    "lon": 123.4315,
    "title": "沈阳国际展览中心",
    "address": "沈阳市苏家屯区会展路9号",
}
#: The second card's venue when the message does not ask for ``VENUE`` too.
GYMNASIUM = {"lat": 41.78, "lon": 123.40, "title": "体育馆"}


def cards(with_venue: bool) -> list[dict[str, Any]]:
    """The two cards of a message with "cards" in it."""
    return [
        {
            "title": "韩国美食节",
            "description": "2025-06-20 10:00",
            "image": "https://example.org/a.jpg",
            "url": "https://example.org/food",
            "buttons": [{"title": "详情", "payload": "/ask_food_festival"}],
        },
        {
            "title": "跆拳道表演",
            "description": "2025-06-21 14:00",
            "image": "https://example.org/b.jpg",
            "venue": VENUE if with_venue else GYMNASIUM,
        },
    ]


def buttons(korean: bool) -> list[dict[str, str]]:
    """The two buttons under every ordinary answer."""
    return [
        {"title": "일정" if korean else "日程", "payload": "/ask_schedule"},
        {
            "title": "교통 안내" if korean else "交通",
            "payload": '/ask_transport{"origin":"airport"}',
        },
    ]


@dataclass
class EchoBot:
    """Stands in for Rasa: answers in the language of the message, like the bot would.

    Behaviour by text: "slow" sleeps ``slow_seconds`` first; "boom" raises; "venue"
    adds a venue custom payload; "cards" adds two cards; "long" answers 5000
    characters; "many" sends five messages; otherwise one text with two buttons.
    """

    slow_seconds: float = 0.0
    received: list[UserMessage] = field(default_factory=list)

    async def __call__(self, message: UserMessage) -> None:
        """Handles one message like ``agent.handle_message``."""
        self.received.append(message)
        text = message.text or ""
        korean = detect_language(text) == "ko" or text.endswith('"ko"}')
        out = message.output_channel
        sender = message.sender_id
        if "slow" in text:
            await asyncio.sleep(self.slow_seconds)
        if "boom" in text:
            raise RuntimeError("the bot failed")
        if "long" in text:
            word = "안녕하세요 " if korean else "您好，欢迎光临 "
            await out.send_response(sender, {"text": (word * 1000)[:5000]})
            return
        if "many" in text:
            for index in range(5):
                reply = f"{index + 1}번째 답변입니다" if korean else f"第{index + 1}条回答"
                await out.send_response(sender, {"text": reply})
            return
        reply = f"말씀하신 내용: {text}" if korean else f"您说的是：{text}"
        await out.send_response(sender, {"text": reply, "buttons": buttons(korean)})
        if "venue" in text:
            await out.send_response(sender, {"custom": {"venue": VENUE}})
        if "cards" in text:
            await out.send_response(sender, {"custom": {"cards": cards("venue" in text)}})
