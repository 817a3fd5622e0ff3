"""Reading Telegram updates (Bot API JSON) into what the connector acts on. Pure.

Handled: text messages, the commands /start, /help and /lang, shared locations
and venues (a venue's title and address become the location's label), and
callback queries from inline keyboards. Other message content
(photos, stickers, voice, ...) asks for text; other update types are ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from channels.common.errors import BadRequest

COMMANDS = frozenset({"start", "help", "lang"})
SHORT_KEY_PREFIX = "#k:"


@dataclass(frozen=True)
class Inbound:
    """One update, reduced to what the connector needs.

    ``kind`` is "text", "command", "location", "callback", "unsupported" or "ignore".
    """

    update_id: int
    kind: str
    chat_id: int = 0
    user_id: str = ""
    language_code: str = ""
    text: str = ""
    command: str = ""
    argument: str = ""
    lat: float = 0.0
    lon: float = 0.0
    label: str = ""
    callback_id: str = ""


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _check_types(data: Mapping[str, Any], *checks: tuple[str, type | tuple[type, ...]]) -> None:
    """Refuses a field that is present with a type the Bot API never sends there.

    Raises:
        BadRequest: Naming the field.
    """
    for name, kind in checks:
        if name in data and (not isinstance(data[name], kind) or isinstance(data[name], bool)):
            raise BadRequest(f"{name} has the wrong type")


def _location(message: Mapping[str, Any]) -> tuple[float, float, str] | None:
    """The point of a location or venue message, and the venue's title and address.

    The Bot API sets ``location`` on a venue message too, so the venue is read first.
    """
    venue = _mapping(message.get("venue"))
    location = _mapping(venue.get("location")) or _mapping(message.get("location"))
    try:
        lat, lon = float(location["latitude"]), float(location["longitude"])
    except (KeyError, TypeError, ValueError):
        return None
    parts = (venue.get("title"), venue.get("address"))
    label = ", ".join(part.strip() for part in parts if isinstance(part, str) and part.strip())
    return lat, lon, label


def _from_message(update_id: int, message: Mapping[str, Any]) -> Inbound:
    _check_types(message, ("chat", Mapping), ("from", Mapping), ("text", str))
    chat = _mapping(message.get("chat"))
    sender = _mapping(message.get("from"))
    chat_id = chat.get("id")
    if not isinstance(chat_id, int) or isinstance(chat_id, bool):
        raise BadRequest("message without chat.id")
    base: dict[str, Any] = {
        "update_id": update_id,
        "chat_id": chat_id,
        "user_id": str(sender.get("id", chat_id)),
        "language_code": str(sender.get("language_code") or ""),
    }
    text = message.get("text")
    if isinstance(text, str) and text.strip():
        text = text.strip()
        if text.startswith("/"):
            head, _, argument = text.partition(" ")
            command = head[1:].split("@", 1)[0].lower()
            if command in COMMANDS:
                return Inbound(kind="command", command=command, argument=argument.strip(), **base)
            text = text.lstrip("/").strip() or text
        return Inbound(kind="text", text=text, **base)
    point = _location(message)
    if point is not None:
        return Inbound(kind="location", lat=point[0], lon=point[1], label=point[2], **base)
    return Inbound(kind="unsupported", **base)


def parse_update(data: Any) -> Inbound:
    """Reads an update.

    Args:
        data: The decoded JSON body.

    Returns:
        What to act on.

    Raises:
        BadRequest: When it is not an object with an integer ``update_id``, lacks
            a field it needs, or has a field of a type the Bot API never sends.
    """
    update_id = data.get("update_id") if isinstance(data, Mapping) else None
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        raise BadRequest("not an update: integer update_id required")
    _check_types(data, ("message", Mapping), ("callback_query", Mapping))
    if isinstance(data.get("message"), Mapping):
        return _from_message(update_id, data["message"])
    query = _mapping(data.get("callback_query"))
    if query:
        _check_types(query, ("message", Mapping), ("from", Mapping), ("data", str))
        message = _mapping(query.get("message"))
        sender = _mapping(query.get("from"))
        chat_id = _mapping(message.get("chat")).get("id", sender.get("id"))
        callback_data = query.get("data")
        if not isinstance(chat_id, int) or isinstance(chat_id, bool):
            raise BadRequest("callback_query without id or chat")
        if not isinstance(query.get("id"), str):
            raise BadRequest("callback_query without id or chat")
        return Inbound(
            update_id=update_id,
            kind="callback",
            chat_id=chat_id,
            user_id=str(sender.get("id", chat_id)),
            language_code=str(sender.get("language_code") or ""),
            text=callback_data if isinstance(callback_data, str) else "",
            callback_id=query["id"],
        )
    return Inbound(update_id=update_id, kind="ignore")
