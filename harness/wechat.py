"""WeChat's side of a webhook exchange, done with wechatpy. Pure.

Signatures are wechatpy's ``WeChatSigner`` (SHA-1 over the sorted parts), AES
envelopes wechatpy's ``PrpCrypto`` (AES-256-CBC with the EncodingAESKey, IV its
first 16 bytes, 16 random bytes, a 4-byte length, the XML, the AppID, PKCS#7 to
32 bytes), and sealed passive replies are opened with ``WeChatCrypto``, which
checks their ``MsgSignature``. None of it is the connector's own code
(``channels/wechat/parse.py``), so a request the connector accepts shows that it
agrees with an independent implementation, not with itself.

The 16 "random" bytes of an envelope come from a salt the caller passes, so a
request is a function of its arguments (hypothesis can replay and shrink it).
"""

from __future__ import annotations

import base64
import hashlib
import struct
from typing import Any
from xml.parsers.expat import ExpatError

import xmltodict
from wechatpy.crypto import PrpCrypto, WeChatCrypto
from wechatpy.exceptions import WeChatException
from wechatpy.utils import WeChatSigner


def sign(token: str, timestamp: str, nonce: str, *extra: str) -> str:
    """WeChat's SHA-1 signature over the sorted parts.

    ``signature`` is over (token, timestamp, nonce); ``msg_signature`` adds the
    Encrypt text as ``extra``.
    """
    signer = WeChatSigner()
    signer.add_data(token, timestamp, nonce, *extra)
    return str(signer.signature)


def aes_key(encoding_aes_key: str) -> bytes:
    """The 32-byte AES key behind a 43-character EncodingAESKey."""
    return base64.b64decode(encoding_aes_key + "=")


class _SaltedCrypto(PrpCrypto):
    """wechatpy's envelope, with the random prefix taken from a salt."""

    def __init__(self, key: bytes, salt: bytes) -> None:
        super().__init__(key)
        self._prefix = hashlib.sha256(salt).digest()[:16]

    def get_random_string(self) -> bytes:
        """The 16 bytes WeChat fills with random characters (the reader skips them)."""
        return self._prefix


def seal(xml: str | bytes, key: bytes, appid: str, salt: bytes) -> str:
    """A safe-mode envelope around ``xml`` (text, or raw bytes), as base64 text.

    Args:
        xml: The message document; bytes are sealed as they are (even if not UTF-8).
        key: The AES key (``aes_key``), or any other 32 bytes.
        appid: The AppID sealed after the document.
        salt: Makes the 16 leading bytes; the same salt gives the same envelope.
    """
    return _SaltedCrypto(key, salt).encrypt(xml, appid).decode("ascii")


def cdata(text: str) -> str:
    """``text`` as CDATA, with ``]]>`` split so that it cannot close the section."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def message_xml(fields: dict[str, Any]) -> str:
    """A WeChat message document; strings become CDATA, integers stay bare."""
    inner = "".join(
        f"<{name}>{value if isinstance(value, int) else cdata(str(value))}</{name}>"
        for name, value in fields.items()
    )
    return f"<xml>{inner}</xml>"


def text_fields(account: str, user: str, text: str, msg_id: int, created: int) -> dict[str, Any]:
    """The fields of a text message from ``user`` to the official account ``account``."""
    return {
        "ToUserName": account,
        "FromUserName": user,
        "CreateTime": created,
        "MsgType": "text",
        "Content": text,
        "MsgId": msg_id,
    }


def envelope_xml(account: str, encrypt: str) -> str:
    """The body of a safe-mode request: the account and the Encrypt text."""
    return (
        f"<xml><ToUserName>{cdata(account)}</ToUserName><Encrypt>{cdata(encrypt)}</Encrypt></xml>"
    )


def open_reply(body: bytes, token: str, encoding_aes_key: str, appid: str) -> dict[str, Any]:
    """The fields of a safe-mode passive reply, opened after its signature is checked.

    Args:
        body: The webhook's answer (not the bare ``success``).
        token: The account's token (signs ``MsgSignature``).
        encoding_aes_key: The account's EncodingAESKey.
        appid: The AppID the envelope must carry.

    Raises:
        ValueError: When it is not a sealed WeChat reply (safe mode seals every
            reply), its signature is wrong or it does not open with the account's
            key and AppID.
    """
    outer = _document(body)
    if "Encrypt" not in outer:
        raise ValueError("the reply is not sealed")
    crypto = WeChatCrypto(token, encoding_aes_key, appid)
    try:
        plain = crypto.decrypt_message(
            outer, outer.get("MsgSignature"), outer.get("TimeStamp"), outer.get("Nonce")
        )
    except (WeChatException, ValueError, IndexError, TypeError, struct.error) as exc:
        raise ValueError(f"the sealed reply does not open: {type(exc).__name__}") from exc
    return _document(plain)


def _document(text: bytes | str) -> dict[str, Any]:
    try:
        root = xmltodict.parse(text, disable_entities=True).get("xml")
    except (ExpatError, ValueError, AttributeError) as exc:
        raise ValueError(f"not XML: {exc}") from exc
    if not isinstance(root, dict):
        raise ValueError("no <xml> root with fields")
    return dict(root)
