"""Checking and reading what WeChat posts: signatures, XML, AES envelopes, messages.

All functions are pure. Errors are the shared ``RequestRefused`` subclasses
(``channels.common.errors``) carrying the HTTP status the handler answers with
(``Forbidden`` for authentication, ``BadRequest`` for anything malformed), so no
input can produce a 5xx. Message types register a reader with
``@register("text")``; types without one become an ``Inbound`` asking for text.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from xml.parsers.expat import ExpatError

import xmltodict
from wechatpy.crypto import PrpCrypto
from wechatpy.exceptions import WeChatException

from channels.common.errors import BadRequest, ChannelConfigError, Forbidden
from channels.common.intents import domain_intents

_DTD = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def signature(token: str, timestamp: str, nonce: str, *extra: str) -> str:
    """WeChat's SHA-1 over the sorted, concatenated parts."""
    parts = sorted([token, timestamp, nonce, *extra])
    return hashlib.sha1("".join(parts).encode("utf-8")).hexdigest()


def verify_signature(
    token: str, given: str | None, timestamp: str, nonce: str, *extra: str
) -> None:
    """Checks ``signature`` (or ``msg_signature`` with the Encrypt text) in constant time.

    Raises:
        Forbidden: When it does not match.
    """
    expected = signature(token, timestamp, nonce, *extra)
    if not given or not hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        raise Forbidden("bad msg_signature" if extra else "bad signature")


def verify_timestamp(timestamp: str, now: float, window: float) -> None:
    """Refuses a timestamp more than ``window`` seconds away from ``now``.

    Raises:
        Forbidden: When it is not an integer or too far off.
    """
    try:
        sent = int(timestamp)
    except (TypeError, ValueError) as exc:
        raise Forbidden("timestamp is not a number") from exc
    if abs(now - sent) > window:
        raise Forbidden(f"timestamp {sent} is {abs(now - sent):.0f} s off")


def parse_xml(body: bytes | str) -> dict[str, Any]:
    """Reads a WeChat XML document without DTDs or entities.

    Args:
        body: The raw document.

    Returns:
        The children of the ``<xml>`` root.

    Raises:
        BadRequest: On undecodable bytes, DTDs, entity declarations or malformed XML.
    """
    try:
        text = body.decode("utf-8") if isinstance(body, bytes) else body
    except UnicodeDecodeError as exc:
        raise BadRequest("body is not UTF-8") from exc
    if _DTD.search(text):
        raise BadRequest("DTDs and entity declarations are not allowed")
    try:
        document = xmltodict.parse(text, disable_entities=True)
    except (ExpatError, ValueError) as exc:
        raise BadRequest(f"malformed XML: {exc}") from exc
    root = document.get("xml") if isinstance(document, dict) else None
    if not isinstance(root, dict):
        raise BadRequest("root element must be <xml> with children")
    return root


def decode_aes_key(aes_key: str) -> bytes:
    """Decodes the 43-character EncodingAESKey into the 32-byte AES key.

    Raises:
        ChannelConfigError: When it is not a valid key.
    """
    try:
        key = base64.b64decode(aes_key + "=", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ChannelConfigError("EncodingAESKey is not base64") from exc
    if len(aes_key) != 43 or len(key) != 32:
        raise ChannelConfigError("EncodingAESKey must be 43 characters (32 bytes)")
    return key


def decrypt(encrypted: str, key: bytes, appid: str) -> str:
    """Opens a safe-mode envelope (AES-256-CBC, PKCS#7, length prefix, appid suffix).

    wechatpy raises plain ValueError, IndexError or struct.error on bad input;
    all of them become BadRequest here.

    Raises:
        BadRequest: On bad base64, bad ciphertext, a wrong key or another appid.
    """
    try:
        return PrpCrypto(key).decrypt(encrypted, appid)
    except (ValueError, IndexError, TypeError, struct.error, WeChatException) as exc:
        raise BadRequest(f"cannot decrypt: {type(exc).__name__}") from exc


@dataclass(frozen=True)
class Inbound:
    """One WeChat message or event, and what the connector should do with it.

    ``action`` is "rasa" (send ``text``), "location" (send the shared location),
    "welcome", "text_only" (politely ask for text) or "ignore".
    """

    action: str
    kind: str
    user: str
    account: str
    create_time: str
    msg_id: str = ""
    text: str = ""
    menu_id: str = ""
    lat: float = 0.0
    lon: float = 0.0
    label: str = ""

    @property
    def dedup_key(self) -> str:
        """MsgId for messages; FromUserName + CreateTime for events."""
        return f"id:{self.msg_id}" if self.msg_id else f"ev:{self.user}:{self.create_time}"


Reader = Callable[[Mapping[str, Any], dict[str, Any]], Inbound]
_MESSAGE_READERS: dict[str, Reader] = {}
_EVENT_READERS: dict[str, Reader] = {}


def register(msg_type: str, event: bool = False) -> Callable[[Reader], Reader]:
    """Registers the reader of a message type (or, with ``event``, of an event)."""

    def decorate(reader: Reader) -> Reader:
        (_EVENT_READERS if event else _MESSAGE_READERS)[msg_type] = reader
        return reader

    return decorate


def _field(message: Mapping[str, Any], name: str) -> str:
    """A field's text; "" when absent.

    Raises:
        BadRequest: When the field is not plain text (nested, repeated or with attributes).
    """
    value = message.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadRequest(f"{name} must be text")
    return value.strip()


def intent_for_key(key: str) -> str | None:
    """Maps a menu key or QR scene ("ASK_SCHEDULE", "qrscene_ask_venue") to "/intent".

    Returns:
        "/intent" when the key names an intent of domain.yml, else None.
    """
    name = key.strip().lower()
    name = name.removeprefix("qrscene_")
    return f"/{name}" if name in domain_intents() else None


@register("text")
def _text(message: Mapping[str, Any], base: dict[str, Any]) -> Inbound:
    content = _field(message, "Content")
    action = "rasa" if content else "ignore"
    return Inbound(action, text=content, menu_id=_field(message, "bizmsgmenuid"), **base)


@register("voice")
def _voice(message: Mapping[str, Any], base: dict[str, Any]) -> Inbound:
    recognition = _field(message, "Recognition")
    return Inbound("rasa" if recognition else "text_only", text=recognition, **base)


@register("location")
def _location(message: Mapping[str, Any], base: dict[str, Any]) -> Inbound:
    try:
        lat, lon = float(_field(message, "Location_X")), float(_field(message, "Location_Y"))
    except ValueError as exc:
        raise BadRequest("location without coordinates") from exc
    return Inbound("location", lat=lat, lon=lon, label=_field(message, "Label"), **base)


@register("subscribe", event=True)
def _subscribe(message: Mapping[str, Any], base: dict[str, Any]) -> Inbound:
    return Inbound("welcome", **base)


@register("click", event=True)
@register("scan", event=True)
def _click(message: Mapping[str, Any], base: dict[str, Any]) -> Inbound:
    intent = intent_for_key(_field(message, "EventKey"))
    if intent is None:
        return Inbound("welcome" if base["kind"] == "event:scan" else "ignore", **base)
    return Inbound("rasa", text=intent, **base)


def parse_inbound(message: Mapping[str, Any]) -> Inbound:
    """Turns a decrypted message into an ``Inbound`` through the registered readers.

    Unregistered message types (image, video, shortvideo, link, file, ...) ask for
    text; unregistered events (unsubscribe, VIEW, LOCATION reports, ...) are ignored.

    Raises:
        BadRequest: When FromUserName, ToUserName or MsgType is missing.
    """
    user, account = _field(message, "FromUserName"), _field(message, "ToUserName")
    msg_type = _field(message, "MsgType").lower()
    if not (user and account and msg_type):
        raise BadRequest("FromUserName, ToUserName and MsgType are required")
    base: dict[str, Any] = {
        "user": user,
        "account": account,
        "create_time": _field(message, "CreateTime"),
        "msg_id": _field(message, "MsgId"),
    }
    if msg_type == "event":
        event = _field(message, "Event").lower()
        base["kind"] = f"event:{event}"
        reader = _EVENT_READERS.get(event)
        return reader(message, base) if reader else Inbound("ignore", **base)
    base["kind"] = msg_type
    reader = _MESSAGE_READERS.get(msg_type)
    return reader(message, base) if reader else Inbound("text_only", **base)
