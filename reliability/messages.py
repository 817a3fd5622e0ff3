"""A virtual visitor's messages: who sends them on each channel, and the request of each.

Visitor ``n`` is ``oRel<n>`` on WeChat, ``relkakao<n>`` on Kakao, chat
``800,000,000 + n`` on Telegram and ``rel-rest-<n>`` on REST, so a check can find
the conversation again (in Redis, or in what the fake platforms received). Every
message id, nonce and update id is unique per visitor and message.
"""

from __future__ import annotations

from harness import requests
from harness.requests import Request
from harness.secrets import Secrets

#: Telegram chat ids of virtual visitors start here.
TELEGRAM_CHATS = 800_000_000


def telegram_chat(visitor: int) -> int:
    """The Telegram chat of a virtual visitor."""
    return TELEGRAM_CHATS + visitor


def wechat_openid(visitor: int) -> str:
    """The WeChat OpenID of a virtual visitor."""
    return f"oRel{visitor:08d}"


def sender(channel: str, visitor: int) -> str:
    """The sender id Rasa stores a visitor's conversation under, on ``channel``."""
    return {
        "wechat": wechat_openid(visitor),
        "kakao": f"relkakao{visitor:08d}",
        "telegram": str(telegram_chat(visitor)),
        "rest": f"rel-rest-{visitor}",
    }[channel]


def text_message(
    channel: str, secrets: Secrets, visitor: int, serial: int, text: str, language: str, now: int
) -> Request:
    """Message ``serial`` of virtual visitor ``visitor`` on ``channel``, all ids unique."""
    if channel == "wechat":
        msg_id = 9_000_000_000_000 + visitor * 100_000 + serial
        nonce = f"n{visitor}x{serial}x{now}"
        return requests.wechat_text(secrets, wechat_openid(visitor), text, msg_id, nonce, now)
    if channel == "telegram":
        update_id = 700_000_000 + visitor * 10_000 + serial
        return requests.telegram_text(secrets, update_id, telegram_chat(visitor), text, language)
    if channel == "kakao":
        return requests.kakao_text(secrets, sender(channel, visitor), text)
    return requests.rest_text(sender(channel, visitor), text)
