"""Well-formed webhook requests, built and signed the way each platform builds them. Pure.

WeChat: a text message in safe mode (the XML sealed and both signatures, see
``harness.wechat``) or in plain mode (the XML and ``signature`` only). Kakao: an
i Open Builder skill request with the secret header. Telegram: a Bot API update
with the secret-token header. REST: Rasa's ``{"sender", "message"}``. Every
builder takes the run's ``Secrets``; none reads a clock, so a request is a
function of its arguments.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from harness import wechat
from harness.secrets import Secrets

CHANNELS = ("wechat", "kakao", "telegram", "rest")
PATHS = {name: f"/webhooks/{name}/webhook" for name in CHANNELS}
JSON = {"Content-Type": "application/json"}
XML = {"Content-Type": "text/xml"}
#: A fixed Unix time for the Telegram ``date`` field (the connector does not read it).
TELEGRAM_DATE = 1_750_140_000


@dataclass(frozen=True)
class Request:
    """One POST to a webhook, and what the sender expects back.

    Attributes:
        channel: "wechat", "kakao", "telegram" or "rest".
        body: The raw body.
        params: Query parameters.
        headers: Headers.
        kind: What the request is ("valid", or the kind of damage).
        expect: Acceptable HTTP statuses.
        path: The path; the channel's webhook unless set.
    """

    channel: str
    body: bytes
    params: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    kind: str = "valid"
    expect: tuple[int, ...] = (200,)
    path: str = ""

    @property
    def url_path(self) -> str:
        """The path to post to."""
        return self.path or PATHS[self.channel]


def wechat_envelope(
    secrets: Secrets,
    xml: str | bytes,
    nonce: str,
    timestamp: int,
    openid: str = "",
    encrypt: str | None = None,
) -> tuple[bytes, dict[str, str]]:
    """Body and query of a safe-mode request carrying ``xml``, signed as WeChat signs.

    Args:
        secrets: The run's credentials.
        xml: The message document (bytes are sealed as they are).
        nonce: A nonce never used before; it also salts the envelope.
        timestamp: Unix seconds.
        openid: The sender's OpenID for the query (WeChat sends it too).
        encrypt: Send this Encrypt text instead of sealing ``xml`` (still signed).
    """
    if encrypt is None:
        key = wechat.aes_key(secrets.wechat_aes_key)
        encrypt = wechat.seal(xml, key, secrets.wechat_appid, nonce.encode())
    ts = str(timestamp)
    params = {
        "signature": wechat.sign(secrets.wechat_token, ts, nonce),
        "timestamp": ts,
        "nonce": nonce,
        "openid": openid,
        "encrypt_type": "aes",
        "msg_signature": wechat.sign(secrets.wechat_token, ts, nonce, encrypt),
    }
    return wechat.envelope_xml(secrets.wechat_account, encrypt).encode("utf-8"), params


def wechat_text(
    secrets: Secrets, user: str, text: str, msg_id: int, nonce: str, timestamp: int
) -> Request:
    """A safe-mode text message from ``user``."""
    fields = wechat.text_fields(secrets.wechat_account, user, text, msg_id, timestamp)
    body, params = wechat_envelope(secrets, wechat.message_xml(fields), nonce, timestamp, user)
    return Request("wechat", body, params, dict(XML))


def wechat_plain_text(
    secrets: Secrets, user: str, text: str, msg_id: int, nonce: str, timestamp: int
) -> Request:
    """A plain-mode text message from ``user``: the XML as it is, ``signature`` only."""
    fields = wechat.text_fields(secrets.wechat_account, user, text, msg_id, timestamp)
    ts = str(timestamp)
    params = {"signature": wechat.sign(secrets.wechat_token, ts, nonce), "timestamp": ts}
    params.update(nonce=nonce, openid=user)
    return Request("wechat", wechat.message_xml(fields).encode("utf-8"), params, dict(XML))


def kakao_skill(user: str, utterance: str, callback_url: str = "", lang: str = "ko") -> dict:
    """A Kakao i Open Builder skill request body from the fallback block."""
    user_request: dict[str, Any] = {
        "timezone": "Asia/Seoul",
        "params": {"surface": "Kakaotalk.plusfriend"},
        "block": {"id": "kw-block", "name": "폴백 블록"},
        "utterance": utterance,
        "lang": lang,
        "user": {"id": user, "type": "botUserKey", "properties": {"botUserKey": user}},
    }
    if callback_url:
        user_request["callbackUrl"] = callback_url
    return {
        "intent": {"id": "kw-intent", "name": "폴백 블록"},
        "userRequest": user_request,
        "bot": {"id": "kw-bot", "name": "코리아위크 안내봇"},
        "action": {
            "name": "rasa_skill",
            "clientExtra": {},
            "params": {},
            "id": "kw-action",
            "detailParams": {},
        },
    }


def kakao_text(secrets: Secrets, user: str, text: str, callback_url: str = "") -> Request:
    """A skill request with the secret header."""
    body = json.dumps(kakao_skill(user, text, callback_url), ensure_ascii=False).encode("utf-8")
    return Request("kakao", body, headers={**JSON, "X-Skill-Secret": secrets.kakao_secret})


def telegram_update(
    update_id: int, chat_id: int, text: str, language_code: str, date: int = TELEGRAM_DATE
) -> dict:
    """A Bot API update carrying a text message from a private chat."""
    sender = {"id": chat_id, "is_bot": False, "first_name": "KW", "language_code": language_code}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id % 1_000_000,
            "from": sender,
            "chat": {"id": chat_id, "type": "private", "first_name": "KW"},
            "date": date,
            "text": text,
        },
    }


def telegram_text(
    secrets: Secrets, update_id: int, chat_id: int, text: str, language_code: str = "zh"
) -> Request:
    """An update with the secret-token header."""
    update = telegram_update(update_id, chat_id, text, language_code)
    headers = {**JSON, "X-Telegram-Bot-Api-Secret-Token": secrets.telegram_secret}
    return Request("telegram", json.dumps(update, ensure_ascii=False).encode("utf-8"), {}, headers)


def rest_text(sender: str, text: str) -> Request:
    """A message to Rasa's REST channel."""
    body = json.dumps({"sender": sender, "message": text}, ensure_ascii=False).encode("utf-8")
    return Request("rest", body, headers=dict(JSON))
