"""Well-formed webhook requests, built the way each platform builds them. Pure.

WeChat safe mode: the message XML sealed in an AES envelope (AES-256-CBC with
the EncodingAESKey, IV = its first 16 bytes, 16 "random" bytes, a 4-byte length,
the XML, the AppID, PKCS#7 to 32 bytes), ``signature`` over (token, timestamp,
nonce) and ``msg_signature`` over the envelope too. The "random" bytes come from
a salt the caller passes, so a request is a function of its arguments. Kakao: a
skill request with the secret header. Telegram: an update with the secret-token
header. REST: Rasa's ``{"sender", "message"}``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from reliability.settings import PATHS, Secrets


@dataclass(frozen=True)
class Request:
    """One POST to a webhook, and what the harness expects back.

    Attributes:
        channel: "wechat", "kakao", "telegram" or "rest".
        body: The raw body.
        params: Query parameters.
        headers: Extra headers.
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


def signature(token: str, timestamp: str, nonce: str, *extra: str) -> str:
    """WeChat's SHA-1 over the sorted, concatenated parts."""
    return hashlib.sha1("".join(sorted([token, timestamp, nonce, *extra])).encode()).hexdigest()


def aes_key_bytes(encoding_aes_key: str) -> bytes:
    """The 32-byte AES key behind a 43-character EncodingAESKey."""
    return base64.b64decode(encoding_aes_key + "=")


def seal(xml: str | bytes, key: bytes, appid: str, salt: bytes) -> str:
    """A WeChat AES envelope around ``xml`` (text, or raw bytes), as base64 text."""
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    plain = hashlib.sha256(salt).digest()[:16] + struct.pack(">I", len(data)) + data
    plain += appid.encode("utf-8")
    pad = 32 - len(plain) % 32
    plain += bytes([pad]) * pad
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode("ascii")


def cdata(text: str) -> str:
    """``text`` as CDATA, with ``]]>`` split so it cannot close the section."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def wechat_xml(fields: dict[str, Any]) -> str:
    """A WeChat message document; strings become CDATA, numbers stay bare."""
    inner = "".join(
        f"<{name}>{value if isinstance(value, int) else cdata(str(value))}</{name}>"
        for name, value in fields.items()
    )
    return f"<xml>{inner}</xml>"


def wechat_text_fields(
    secrets: Secrets, user: str, text: str, msg_id: int, created: int
) -> dict[str, Any]:
    """The fields of a text message from ``user`` to the account."""
    return {
        "ToUserName": secrets.wechat_account,
        "FromUserName": user,
        "CreateTime": created,
        "MsgType": "text",
        "Content": text,
        "MsgId": msg_id,
    }


def wechat_envelope(
    secrets: Secrets,
    xml: str,
    nonce: str,
    timestamp: int,
    key: bytes | None = None,
    appid: str | None = None,
    encrypt: str | None = None,
) -> tuple[bytes, dict[str, str]]:
    """Body and query of a safe-mode request carrying ``xml``, signed like WeChat signs.

    Args:
        secrets: The run's credentials.
        xml: The message document.
        nonce: A nonce never used before.
        timestamp: Unix seconds.
        key: Seal with this key instead of the configured one.
        appid: Seal with this AppID instead of the configured one.
        encrypt: Use this Encrypt text as it is (still signed correctly).
    """
    envelope = encrypt
    if envelope is None:
        envelope = seal(
            xml,
            key or aes_key_bytes(secrets.wechat_aes_key),
            appid if appid is not None else secrets.wechat_appid,
            nonce.encode(),
        )
    ts = str(timestamp)
    body = f"<xml><ToUserName>{cdata(secrets.wechat_account)}</ToUserName>"
    body += f"<Encrypt>{cdata(envelope)}</Encrypt></xml>"
    params = {
        "signature": signature(secrets.wechat_token, ts, nonce),
        "timestamp": ts,
        "nonce": nonce,
        "openid": "o-reliability",
        "encrypt_type": "aes",
        "msg_signature": signature(secrets.wechat_token, ts, nonce, envelope),
    }
    return body.encode("utf-8"), params


def wechat_text(
    secrets: Secrets, user: str, text: str, msg_id: int, nonce: str, timestamp: int
) -> Request:
    """A safe-mode text message."""
    xml = wechat_xml(wechat_text_fields(secrets, user, text, msg_id, timestamp))
    body, params = wechat_envelope(secrets, xml, nonce, timestamp)
    return Request("wechat", body, params)


def kakao_skill(user: str, utterance: str, callback_url: str = "", lang: str = "ko") -> dict:
    """A Kakao i Open Builder skill request body."""
    user_request: dict[str, Any] = {
        "timezone": "Asia/Seoul",
        "params": {"surface": "Kakaotalk.plusfriend"},
        "block": {"id": "rel-block", "name": "폴백 블록"},
        "utterance": utterance,
        "lang": lang,
        "user": {"id": user, "type": "botUserKey", "properties": {"botUserKey": user}},
    }
    if callback_url:
        user_request["callbackUrl"] = callback_url
    return {
        "intent": {"id": "rel-intent", "name": "폴백 블록"},
        "userRequest": user_request,
        "bot": {"id": "rel-bot", "name": "코리아위크 안내봇"},
        "action": {"name": "rasa_skill", "clientExtra": {}, "params": {}, "id": "rel-action"},
    }


def kakao_text(secrets: Secrets, user: str, text: str, callback_url: str = "") -> Request:
    """A skill request with the secret header."""
    body = json.dumps(kakao_skill(user, text, callback_url), ensure_ascii=False).encode("utf-8")
    headers = {"X-Skill-Secret": secrets.kakao_secret, "Content-Type": "application/json"}
    return Request("kakao", body, headers=headers)


def telegram_update(update_id: int, chat_id: int, text: str, language_code: str) -> dict:
    """A Bot API update carrying a private text message."""
    sender = {"id": chat_id, "is_bot": False, "first_name": "Rel", "language_code": language_code}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id % 1_000_000,
            "from": sender,
            "chat": {"id": chat_id, "type": "private", "first_name": "Rel"},
            "date": 1_750_140_000,
            "text": text,
        },
    }


def telegram_text(
    secrets: Secrets, update_id: int, chat_id: int, text: str, language_code: str = "zh"
) -> Request:
    """An update with the secret-token header."""
    body = json.dumps(telegram_update(update_id, chat_id, text, language_code), ensure_ascii=False)
    headers = {
        "X-Telegram-Bot-Api-Secret-Token": secrets.telegram_secret,
        "Content-Type": "application/json",
    }
    return Request("telegram", body.encode("utf-8"), headers=headers)


def rest_text(sender: str, text: str) -> Request:
    """A message to Rasa's REST channel."""
    body = json.dumps({"sender": sender, "message": text}, ensure_ascii=False).encode("utf-8")
    return Request("rest", body, headers={"Content-Type": "application/json"})


def text_message(
    channel: str, secrets: Secrets, visitor: int, serial: int, text: str, language: str, now: int
) -> Request:
    """Message ``serial`` of virtual visitor ``visitor`` on ``channel``, all ids unique."""
    if channel == "wechat":
        return wechat_text(
            secrets,
            f"oRel{visitor:08d}",
            text,
            9_000_000_000_000 + visitor * 100_000 + serial,
            f"n{visitor}x{serial}x{now}",
            now,
        )
    if channel == "kakao":
        return kakao_text(secrets, f"relkakao{visitor:08d}", text)
    if channel == "telegram":
        update_id = 700_000_000 + visitor * 10_000 + serial
        return telegram_text(secrets, update_id, 800_000_000 + visitor, text, language)
    return rest_text(f"rel-rest-{visitor}", text)
