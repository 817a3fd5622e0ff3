"""What each platform posts to our webhooks, built the way the platform builds it. Pure.

WeChat safe mode: the message XML encrypted with wechatpy's ``WeChatCrypto``,
``signature`` over (token, timestamp, nonce) and ``msg_signature`` over the
envelope too. Kakao: a skill request with the secret header. Telegram: an update
with the secret-token header. REST: Rasa's ``{"sender", "message"}``.
``classify`` tells an answer from WeChat's bare ``success``, an empty reply or an error.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from dataclasses import dataclass, field

PATHS = {
    "rest": "/webhooks/rest/webhook",
    "wechat": "/webhooks/wechat/webhook",
    "kakao": "/webhooks/kakao/webhook",
    "telegram": "/webhooks/telegram/webhook",
}

#: The channel secrets of a run (test values, never real ones).
SECRETS = {
    "wechat_token": "kwBenchToken2026",
    "wechat_appid": "wxbench00000000001",
    "wechat_appsecret": "bench-app-secret",
    "wechat_aes_key": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
    "wechat_account": "gh_bench000001",
    "kakao_secret": "kakao-bench-secret",
    "telegram_token": "123456:TEST-token",
    "telegram_secret": "telegram-bench-secret",
}


@dataclass(frozen=True)
class Request:
    """One prepared POST: path, query, headers and body."""

    path: str
    body: bytes
    params: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


def wechat_signature(token: str, timestamp: str, nonce: str, *extra: str) -> str:
    """WeChat's SHA-1 over the sorted, concatenated parts."""
    return hashlib.sha1(
        "".join(sorted([token, timestamp, nonce, *extra])).encode("utf-8")
    ).hexdigest()


def wechat_text_xml(account: str, user: str, text: str, msg_id: int, created: int) -> str:
    """A WeChat text message as it arrives (plain, before encryption)."""
    safe = text.replace("]]>", "]]]]><![CDATA[>")
    return (
        f"<xml><ToUserName><![CDATA[{account}]]></ToUserName>"
        f"<FromUserName><![CDATA[{user}]]></FromUserName><CreateTime>{created}</CreateTime>"
        f"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{safe}]]></Content>"
        f"<MsgId>{msg_id}</MsgId></xml>"
    )


def wechat_request(
    secrets: dict[str, str],
    user: str,
    text: str,
    msg_id: int,
    now: float | None = None,
    nonce: str | None = None,
) -> Request:
    """A safe-mode (AES) WeChat request with proper signature and msg_signature."""
    from wechatpy.crypto import WeChatCrypto

    timestamp = str(int(now if now is not None else time.time()))
    nonce = nonce or uuid.uuid4().hex[:16]
    token = secrets["wechat_token"]
    crypto = WeChatCrypto(token, secrets["wechat_aes_key"], secrets["wechat_appid"])
    xml = wechat_text_xml(secrets["wechat_account"], user, text, msg_id, int(timestamp))
    sealed = crypto.encrypt_message(xml, nonce, timestamp)
    encrypt = sealed.split("<Encrypt><![CDATA[", 1)[1].split("]]></Encrypt>", 1)[0]
    body = (
        f"<xml><ToUserName><![CDATA[{secrets['wechat_account']}]]></ToUserName>"
        f"<Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
    )
    params = {
        "signature": wechat_signature(token, timestamp, nonce),
        "timestamp": timestamp,
        "nonce": nonce,
        "openid": user,
        "encrypt_type": "aes",
        "msg_signature": wechat_signature(token, timestamp, nonce, encrypt),
    }
    return Request(PATHS["wechat"], body.encode("utf-8"), params, {"Content-Type": "text/xml"})


def kakao_request(secrets: dict[str, str], user: str, text: str) -> Request:
    """A Kakao i Open Builder skill request (fallback block, no callback)."""
    payload = {
        "intent": {"id": "bench", "name": "폴백 블록"},
        "userRequest": {
            "timezone": "Asia/Seoul",
            "params": {"surface": "Kakaotalk.plusfriend"},
            "block": {"id": "bench", "name": "폴백 블록"},
            "utterance": text,
            "lang": "ko",
            "user": {"id": user, "type": "botUserKey", "properties": {"botUserKey": user}},
        },
        "bot": {"id": "bench", "name": "bench"},
        "action": {
            "name": "rasa_skill",
            "clientExtra": {},
            "params": {},
            "id": "bench",
            "detailParams": {},
        },
    }
    return Request(
        PATHS["kakao"],
        json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        {},
        {"Content-Type": "application/json", "X-Skill-Secret": secrets["kakao_secret"]},
    )


def telegram_request(
    secrets: dict[str, str], update_id: int, chat_id: int, text: str, language: str
) -> Request:
    """A Telegram update with one text message from a private chat."""
    person = {"id": chat_id, "is_bot": False, "first_name": "Bench", "language_code": language}
    update = {
        "update_id": update_id,
        "message": {
            "message_id": update_id % 1_000_000,
            "from": person,
            "chat": {"id": chat_id, "type": "private", "first_name": "Bench"},
            "date": int(time.time()),
            "text": text,
        },
    }
    return Request(
        PATHS["telegram"],
        json.dumps(update, ensure_ascii=False).encode("utf-8"),
        {},
        {
            "Content-Type": "application/json",
            "X-Telegram-Bot-Api-Secret-Token": secrets["telegram_secret"],
        },
    )


def rest_request(sender: str, text: str) -> Request:
    """A message to Rasa's REST channel."""
    body = json.dumps({"sender": sender, "message": text}, ensure_ascii=False).encode("utf-8")
    return Request(PATHS["rest"], body, {}, {"Content-Type": "application/json"})


def build(
    channel: str,
    secrets: dict[str, str],
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
        return wechat_request(secrets, user, text, msg_id, now)
    if channel == "kakao":
        return kakao_request(secrets, hashlib.sha256(sender.encode()).hexdigest(), text)
    if channel == "telegram":
        number = int(hashlib.sha1(f"{sender}:{serial}".encode()).hexdigest()[:12], 16)
        return telegram_request(
            secrets, number % 2_000_000_000, 1_000_000 + number % 9_000_000_000, text, language
        )
    return rest_request(sender, text)


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


def open_wechat_reply(secrets: dict[str, str], body: bytes) -> tuple[bool, str]:
    """Decrypts a passive safe-mode reply and checks its signature; returns (ok, content)."""
    from wechatpy.crypto import WeChatCrypto
    from wechatpy.exceptions import InvalidSignatureException

    text = body.decode("utf-8")

    def element(name: str) -> str:
        return (
            text.split(f"<{name}>", 1)[1]
            .split(f"</{name}>", 1)[0]
            .replace("<![CDATA[", "")
            .replace("]]>", "")
        )

    crypto = WeChatCrypto(
        secrets["wechat_token"], secrets["wechat_aes_key"], secrets["wechat_appid"]
    )
    try:
        plain = crypto.decrypt_message(
            text, element("MsgSignature"), element("TimeStamp"), element("Nonce")
        )
    except (InvalidSignatureException, IndexError, ValueError):
        return False, ""
    content = plain.split("<Content><![CDATA[", 1)[-1].split("]]></Content>", 1)[0]
    return True, content
