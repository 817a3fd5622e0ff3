"""What each platform posts to our webhooks during a load, and what the answers were. Pure.

``build`` addresses virtual user ``vu``'s ``serial``-th message (a sender per
conversation, ids derived from it) and builds it with ``harness.requests``: WeChat
in safe mode, Kakao with the secret header, Telegram with the secret-token
header, REST. ``classify`` tells an answer from WeChat's bare ``success``, an empty
reply or an error; ``open_wechat_reply`` checks a passive reply's signature and
decrypts it.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid

from harness import requests, wechat
from harness.requests import Request
from harness.secrets import Secrets

#: The channel secrets of a run (test values, never real ones).
SECRETS = Secrets()


def build(
    channel: str,
    secrets: Secrets,
    vu: int,
    serial: int,
    conversation: int,
    text: str,
    language: str,
    prefix: str,
    now: float | None = None,
) -> Request:
    """Virtual user ``vu``'s ``serial``-th request (in conversation ``conversation``)."""
    sender = f"{prefix}-{vu}-{conversation}"
    if channel == "wechat":
        user = "o" + hashlib.sha1(sender.encode()).hexdigest()[:27]
        msg_id = int(hashlib.sha1(f"{sender}:{serial}".encode()).hexdigest()[:15], 16)
        timestamp = int(now if now is not None else time.time())
        return requests.wechat_text(secrets, user, text, msg_id, uuid.uuid4().hex[:16], timestamp)
    if channel == "kakao":
        return requests.kakao_text(secrets, hashlib.sha256(sender.encode()).hexdigest(), text)
    if channel == "telegram":
        number = int(hashlib.sha1(f"{sender}:{serial}".encode()).hexdigest()[:12], 16)
        update_id, chat_id = number % 2_000_000_000, 1_000_000 + number % 9_000_000_000
        return requests.telegram_text(secrets, update_id, chat_id, text, language)
    return requests.rest_text(sender, text)


def classify(channel: str, status: int, body: bytes) -> str:
    """What a webhook's answer was.

    ``answer`` (the reply came back in the response), ``success`` (WeChat's bare
    ``success``: no reply, or one sent later through the customer-service API),
    ``empty`` (REST with no message) or ``error`` (any other status).
    """
    if status != 200:
        return "error"
    if channel == "wechat":
        return "success" if body.strip() == b"success" else "answer"
    if channel == "rest":
        try:
            return "answer" if json.loads(body or b"[]") else "empty"
        except ValueError:
            return "error"
    return "answer"


def open_wechat_reply(secrets: Secrets, body: bytes) -> tuple[bool, str]:
    """Checks a passive safe-mode reply's signature and decrypts it; returns (ok, content)."""
    try:
        fields = wechat.open_reply(
            body, secrets.wechat_token, secrets.wechat_aes_key, secrets.wechat_appid
        )
    except ValueError:
        return False, ""
    return True, str(fields.get("Content") or "")
