"""Bot replies as the connectors see them, and helpers to render them.

Rasa hands an output channel one dict per bot message: ``text``, ``buttons``
(``[{title, payload}]`` or ``[{title, url}]``), ``image``, ``attachment``,
``elements``, ``quick_replies`` and ``custom``. ``parse_bot_message`` turns it into
a ``BotMessage``; custom payloads the connectors understand are
``{"venue": {lat, lon, title, address}}`` and ``{"cards": [{title, description,
image, url, venue, buttons}]}`` (see docs/channels.md). Everything here is pure.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

logger = logging.getLogger(__name__)

# XML 1.0 forbids these code points even inside CDATA; platforms choke on them too.
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Button:
    """A reply option: ``payload`` goes back to Rasa, or ``url`` opens a page."""

    title: str
    payload: str = ""
    url: str = ""


@dataclass(frozen=True)
class Venue:
    """A place to show on a map."""

    lat: float
    lon: float
    title: str
    address: str = ""


@dataclass(frozen=True)
class Card:
    """An event or venue card."""

    title: str
    description: str = ""
    image: str = ""
    url: str = ""
    venue: Venue | None = None
    buttons: tuple[Button, ...] = ()


@dataclass(frozen=True)
class BotMessage:
    """One bot message, normalised."""

    text: str = ""
    buttons: tuple[Button, ...] = ()
    image: str = ""
    attachment: str = ""
    venue: Venue | None = None
    cards: tuple[Card, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        """True when there is nothing to show."""
        return not (
            self.text or self.buttons or self.image or self.attachment or self.venue or self.cards
        )


def clean_text(text: Any) -> str:
    """Returns ``text`` as a string without control characters (tabs and newlines stay)."""
    if text is None:
        return ""
    return _CONTROL_CHARS.sub("", str(text))


def parse_button(raw: Any) -> Button | None:
    """Reads a Rasa button; returns None when it has no title or no target."""
    if not isinstance(raw, Mapping):
        return None
    title = clean_text(raw.get("title")).strip()
    payload = clean_text(raw.get("payload")).strip()
    url = clean_text(raw.get("url")).strip()
    if raw.get("type") == "web_url" and not url:
        url, payload = payload, ""
    if not title or not (payload or url):
        return None
    return Button(title=title, payload=payload, url=url)


def parse_buttons(raw: Any) -> tuple[Button, ...]:
    """Reads a list of Rasa buttons, skipping malformed ones."""
    if not isinstance(raw, list):
        return ()
    return tuple(b for b in (parse_button(item) for item in raw) if b is not None)


def parse_venue(raw: Any) -> Venue | None:
    """Reads ``{lat, lon, title, address}``; returns None unless both coordinates are valid."""
    if not isinstance(raw, Mapping):
        return None
    try:
        lat, lon = float(raw["lat"]), float(raw["lon"])
    except (KeyError, TypeError, ValueError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    title = clean_text(raw.get("title")).strip()
    return Venue(lat, lon, title, clean_text(raw.get("address")).strip())


def parse_card(raw: Any) -> Card | None:
    """Reads a card (also Rasa's generic-template ``elements``)."""
    if not isinstance(raw, Mapping):
        return None
    title = clean_text(raw.get("title")).strip()
    if not title:
        return None
    return Card(
        title=title,
        description=clean_text(raw.get("description") or raw.get("subtitle")).strip(),
        image=clean_text(raw.get("image") or raw.get("image_url")).strip(),
        url=clean_text(raw.get("url")).strip(),
        venue=parse_venue(raw.get("venue")),
        buttons=parse_buttons(raw.get("buttons")),
    )


def parse_bot_message(raw: Mapping[str, Any]) -> BotMessage:
    """Normalises the dict Rasa passes to ``OutputChannel.send_response``.

    Args:
        raw: The message dict.

    Returns:
        The message; unknown custom keys are kept in ``extra``.
    """
    custom_raw = raw.get("custom")
    custom: Mapping[str, Any] = custom_raw if isinstance(custom_raw, Mapping) else {}
    raw_cards: list[Any] = []
    for source in (raw.get("elements"), custom.get("cards")):
        if isinstance(source, list):
            raw_cards.extend(source)
    cards = [parse_card(item) for item in raw_cards]
    buttons = parse_buttons(raw.get("buttons")) or parse_buttons(raw.get("quick_replies"))
    text = clean_text(raw.get("text") or custom.get("text")).strip()
    attachment = raw.get("attachment")
    extra = {k: v for k, v in custom.items() if k not in ("venue", "cards", "text")}
    if extra:
        logger.debug("Custom keys without a rendering: %s", sorted(extra))
    return BotMessage(
        text=text,
        buttons=buttons,
        image=clean_text(raw.get("image")).strip(),
        attachment=clean_text(attachment).strip() if isinstance(attachment, str) else "",
        venue=parse_venue(custom.get("venue")),
        cards=tuple(c for c in cards if c is not None),
        extra=extra,
    )


def truncate(text: str, limit: int, ellipsis: str = "…") -> str:
    """Shortens ``text`` to at most ``limit`` characters, marking the cut."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(ellipsis))] + ellipsis


def utf8_len(text: str) -> int:
    """Length in UTF-8 bytes (WeChat's unit)."""
    return len(text.encode("utf-8"))


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units (Telegram's unit)."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int, measure: Callable[[str], int] = len) -> list[str]:
    """Splits text into parts of at most ``limit`` units, preferring line breaks.

    Args:
        text: The text.
        limit: Maximum size of a part, in the unit of ``measure``.
        measure: Size of a string; must be additive (len, utf8_len, utf16_len).

    Returns:
        Non-empty parts in order; an empty list for blank text.
    """
    if limit < 4:
        raise ValueError("limit too small")
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if measure(candidate) <= limit:
            current = candidate
            continue
        if current:
            parts.append(current)
            current = ""
        while measure(line) > limit:
            size, cut = 0, 0
            for index, char in enumerate(line):
                size += measure(char)
                if size > limit:
                    break
                cut = index + 1
            parts.append(line[:cut])
            line = line[cut:]
        current = line
    if current:
        parts.append(current)
    return [p for p in (part.strip("\n") for part in parts) if p.strip()]


def map_url(venue: Venue, provider: str = "google") -> str:
    """Builds a map link for a venue.

    Args:
        venue: The place.
        provider: "amap" (works inside WeChat and mainland China) or "google".

    Returns:
        An https URL.
    """
    if provider == "amap":
        name = quote(venue.title or venue.address or "", safe="")
        return (
            f"https://uri.amap.com/marker?position={venue.lon:.6f},{venue.lat:.6f}"
            f"&name={name}&callnative=1"
        )
    return f"https://www.google.com/maps/search/?api=1&query={venue.lat:.6f},{venue.lon:.6f}"


def all_buttons(messages: Iterable[BotMessage]) -> list[Button]:
    """Collects the buttons of several messages, in order."""
    return [button for message in messages for button in message.buttons]
