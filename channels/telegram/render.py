"""Turning bot messages into Telegram Bot API calls. Pure.

Texts are split at Telegram's 4096-unit limit (UTF-16, as Telegram counts) and
sent without parse mode, so bot text cannot inject markup. Buttons become an
inline keyboard on the last part; a payload longer than callback_data's 64 bytes
is replaced by a short key (``#k:`` + hash) that the caller stores. A
``{"venue": ...}`` custom payload becomes sendVenue; images become sendPhoto.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from channels.common.catalog import say
from channels.common.replies import (
    BotMessage,
    Button,
    Card,
    Venue,
    map_url,
    split_text,
    truncate,
    utf16_len,
)
from channels.telegram.updates import SHORT_KEY_PREFIX

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64


@dataclass(frozen=True)
class Call:
    """One Bot API call: a PTB Bot method name and its keyword arguments."""

    method: str
    kwargs: dict[str, Any]
    keyboard: tuple[tuple[dict[str, str], ...], ...] = ()


@dataclass
class Plan:
    """The calls for some messages, and the short keys to store (key -> payload)."""

    calls: list[Call] = field(default_factory=list)
    short_keys: dict[str, str] = field(default_factory=dict)


def callback_data(payload: str) -> tuple[str, str | None]:
    """Returns the callback_data for a payload, and the short key if one was needed.

    Args:
        payload: The button payload.

    Returns:
        (data, key): ``key`` is None when the payload fits as it is.
    """
    if len(payload.encode("utf-8")) <= CALLBACK_DATA_LIMIT and not payload.startswith(
        SHORT_KEY_PREFIX
    ):
        return payload, None
    key = SHORT_KEY_PREFIX + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]
    return key, key


def _keyboard(buttons: list[Button], plan: Plan) -> tuple[tuple[dict[str, str], ...], ...]:
    rows = []
    for button in buttons:
        label = truncate(button.title, 64)
        if button.url and not button.payload:
            rows.append(({"text": label, "url": button.url},))
            continue
        data, key = callback_data(button.payload)
        if key:
            plan.short_keys[key] = button.payload
        rows.append(({"text": label, "callback_data": data},))
    return tuple(rows)


def _texts(text: str, buttons: list[Button], plan: Plan) -> None:
    parts = split_text(text, TEXT_LIMIT, utf16_len) if text else []
    if not parts and buttons:
        parts = ["⬇"]
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        keyboard = _keyboard(buttons, plan) if last and buttons else ()
        plan.calls.append(Call("send_message", {"text": part}, keyboard))


def _venue(venue: Venue, plan: Plan) -> None:
    title = truncate(venue.title or venue.address or "📍", 128)
    plan.calls.append(
        Call(
            "send_venue",
            {
                "latitude": venue.lat,
                "longitude": venue.lon,
                "title": title,
                "address": truncate(venue.address or title, 256),
            },
        )
    )


def _card(card: Card, language: str | None, maps: str, plan: Plan) -> None:
    buttons = list(card.buttons)
    if card.url:
        buttons.insert(0, Button(title=say("open_link", language), url=card.url))
    if card.venue:
        buttons.insert(0, Button(title=say("map_link", language), url=map_url(card.venue, maps)))
    text = "\n".join(part for part in (card.title, card.description) if part)
    if card.image:
        plan.calls.append(
            Call(
                "send_photo",
                {"photo": card.image, "caption": truncate(text, CAPTION_LIMIT)},
                _keyboard(buttons, plan),
            )
        )
    else:
        _texts(text, buttons, plan)


def plan_message(message: BotMessage, language: str | None, maps: str = "google") -> Plan:
    """Plans the calls that show one bot message.

    Args:
        message: The bot message.
        language: Language of the connector's own labels.
        maps: Map provider for card map buttons.

    Returns:
        The calls in order and the short keys they use.
    """
    plan = Plan()
    text = message.text
    if message.attachment:
        text = f"{text}\n{message.attachment}".strip()
    _texts(text, list(message.buttons), plan)
    if message.image:
        plan.calls.append(Call("send_photo", {"photo": message.image}))
    if message.venue:
        _venue(message.venue, plan)
    for card in message.cards:
        _card(card, language, maps, plan)
    return plan


def language_buttons() -> list[Button]:
    """The choices offered by /lang; each sends Rasa a change_language intent."""
    return [
        Button(
            title=say(f"lang_{code}", code if code != "en" else None).split("\n")[0],
            payload=f'/change_language{{"target_language":"{code}"}}',
        )
        for code in ("zh", "ko", "en")
    ]
