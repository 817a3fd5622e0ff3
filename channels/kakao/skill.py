"""Kakao i Open Builder skill payloads in, skill responses (version 2.0) out. Pure.

A skill request carries ``userRequest.utterance``, ``userRequest.user.id``,
``userRequest.lang``, optional ``userRequest.callbackUrl``, and ``action.params`` /
``action.clientExtra``. A tapped quick reply we built carries
``clientExtra.payload``, which goes to Rasa instead of the label.

Responses respect the documented limits: 1-3 outputs, simpleText up to 1000
characters, up to 10 quick replies with labels up to 14 characters (action
"message", ``messageText`` = label, ``extra.payload``), card buttons up to 3,
carousels up to 10 cards. Cards are basicCard when they have an image (basicCard
needs a thumbnail) and textCard otherwise.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from channels.common.catalog import say
from channels.common.errors import BadRequest
from channels.common.replies import BotMessage, Button, Card, Venue, map_url, split_text, truncate

logger = logging.getLogger(__name__)

VERSION = "2.0"
MAX_OUTPUTS = 3
SIMPLE_TEXT_MAX = 1000
QUICK_REPLIES_MAX = 10
LABEL_MAX = 14
CARD_BUTTONS_MAX = 3
CAROUSEL_MAX = 10
CARD_TITLE_MAX = 50
CARD_DESCRIPTION_MAX = 230


@dataclass(frozen=True)
class SkillRequest:
    """The parts of a skill request the connector uses."""

    user_id: str
    utterance: str
    text: str
    lang: str = ""
    callback_url: str = ""
    params: Mapping[str, Any] | None = None


def _client_extra(action: Mapping[str, Any]) -> Mapping[str, Any]:
    extra = action.get("clientExtra")
    if isinstance(extra, str):
        try:
            extra = json.loads(extra)
        except ValueError:
            return {}
    return extra if isinstance(extra, Mapping) else {}


def parse_skill_request(body: Any) -> SkillRequest:
    """Reads a skill request.

    Args:
        body: The decoded JSON body.

    Returns:
        The request; ``text`` is ``clientExtra.payload`` when present, else the utterance.

    Raises:
        BadRequest: When the user id or the utterance is missing.
    """
    if not isinstance(body, Mapping):
        raise BadRequest("body is not a JSON object")
    user_request = body.get("userRequest")
    if not isinstance(user_request, Mapping):
        raise BadRequest("userRequest missing")
    user = user_request.get("user")
    user_id = user.get("id") if isinstance(user, Mapping) else None
    utterance = user_request.get("utterance")
    if not isinstance(user_id, str) or not user_id or not isinstance(utterance, str):
        raise BadRequest("userRequest.user.id and userRequest.utterance are required")
    action_raw = body.get("action")
    action: Mapping[str, Any] = action_raw if isinstance(action_raw, Mapping) else {}
    payload = _client_extra(action).get("payload")
    text = payload.strip() if isinstance(payload, str) and payload.strip() else utterance.strip()
    callback = user_request.get("callbackUrl")
    lang = user_request.get("lang")
    params = action.get("params")
    return SkillRequest(
        user_id=user_id,
        utterance=utterance,
        text=text,
        lang=lang if isinstance(lang, str) else "",
        callback_url=callback if isinstance(callback, str) and callback.startswith("http") else "",
        params=params if isinstance(params, Mapping) else {},
    )


def quick_reply(button: Button) -> dict[str, Any]:
    """A quick reply that shows the label and sends the payload back in ``extra``."""
    label = truncate(button.title, LABEL_MAX)
    return {
        "label": label,
        "action": "message",
        "messageText": label,
        "extra": {"payload": button.payload},
    }


def card_button(button: Button) -> dict[str, Any]:
    """A card button: a web link, or a message carrying the payload."""
    label = truncate(button.title, LABEL_MAX)
    if button.url and not button.payload:
        return {"label": label, "action": "webLink", "webLinkUrl": button.url}
    return quick_reply(button)


def _card(title: str, description: str, image: str, buttons: list[Button]) -> tuple[str, dict]:
    body: dict[str, Any] = {}
    if title:
        body["title"] = truncate(title, CARD_TITLE_MAX)
    if description or not title:
        body["description"] = truncate(description or title, CARD_DESCRIPTION_MAX)
    if buttons:
        body["buttons"] = [card_button(b) for b in buttons[:CARD_BUTTONS_MAX]]
    if image:
        body["thumbnail"] = {"imageUrl": image}
        return "basicCard", body
    return "textCard", body


def _card_buttons(card: Card, language: str | None, maps: str) -> list[Button]:
    buttons: list[Button] = []
    if card.url:
        buttons.append(Button(title=say("open_link", language), url=card.url))
    if card.venue:
        buttons.append(Button(title=say("map_link", language), url=map_url(card.venue, maps)))
    return buttons + list(card.buttons)


def venue_output(venue: Venue, language: str | None, maps: str) -> dict[str, Any]:
    """A card for a place, with a map button."""
    map_button = Button(title=say("map_link", language), url=map_url(venue, maps))
    description = venue.address or ("" if venue.title else "📍")
    kind, body = _card(venue.title, description, "", [map_button])
    return {kind: body}


def cards_output(cards: tuple[Card, ...], language: str | None, maps: str) -> dict[str, Any]:
    """One card, or a carousel of up to 10 cards of one type."""
    cards = cards[:CAROUSEL_MAX]
    with_images = all(card.image for card in cards)
    items = [
        _card(
            c.title, c.description, c.image if with_images else "", _card_buttons(c, language, maps)
        )
        for c in cards
    ]
    if len(items) == 1:
        kind, body = items[0]
        return {kind: body}
    kind = "basicCard" if with_images else "textCard"
    return {"carousel": {"type": kind, "items": [body for _, body in items]}}


def _fit(outputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Merges adjacent texts until at most three outputs remain; drops the rest."""
    merged = list(outputs)
    index = 0
    while len(merged) > MAX_OUTPUTS and index < len(merged) - 1:
        first, second = merged[index], merged[index + 1]
        if "simpleText" in first and "simpleText" in second:
            text = f"{first['simpleText']['text']}\n\n{second['simpleText']['text']}"
            if len(text) <= SIMPLE_TEXT_MAX:
                merged[index : index + 2] = [{"simpleText": {"text": text}}]
                continue
        index += 1
    if len(merged) > MAX_OUTPUTS:
        logger.warning(
            "Kakao allows %d outputs; dropped %d", MAX_OUTPUTS, len(merged) - MAX_OUTPUTS
        )
    return merged[:MAX_OUTPUTS]


def render_response(
    messages: list[BotMessage], language: str | None, maps: str = "google"
) -> dict[str, Any]:
    """Renders bot messages as a skill response.

    Args:
        messages: The bot's messages, in order.
        language: Language of the connector's own labels and of the fallback text.
        maps: Map provider for venue buttons.

    Returns:
        A version 2.0 skill response; never without an output.
    """
    outputs: list[dict[str, Any]] = []
    quick: list[dict[str, Any]] = []
    for message in messages:
        parts = split_text(message.text, SIMPLE_TEXT_MAX)
        outputs.extend({"simpleText": {"text": part}} for part in parts)
        if message.image:
            alt = truncate(message.text or say("image_link", language), 50)
            outputs.append({"simpleImage": {"imageUrl": message.image, "altText": alt}})
        if message.venue:
            outputs.append(venue_output(message.venue, language, maps))
        if message.cards:
            outputs.append(cards_output(message.cards, language, maps))
        links = [b for b in message.buttons if b.url and not b.payload]
        if message.attachment:
            links.insert(0, Button(title=say("open_link", language), url=message.attachment))
        if links:
            kind, body = _card("", say("open_link", language), "", links)
            outputs.append({kind: body})
        quick.extend(quick_reply(b) for b in message.buttons if b.payload)
    outputs = _fit(outputs) or [{"simpleText": {"text": say("no_answer", language)}}]
    template: dict[str, Any] = {"outputs": outputs}
    unique: dict[str, dict[str, Any]] = {}
    for reply in quick:
        unique.setdefault(reply["extra"]["payload"], reply)
    if unique:
        template["quickReplies"] = list(unique.values())[:QUICK_REPLIES_MAX]
    return {"version": VERSION, "template": template}


def text_response(text: str) -> dict[str, Any]:
    """A response with a single text (fallbacks)."""
    output = {"simpleText": {"text": truncate(text, SIMPLE_TEXT_MAX)}}
    return {"version": VERSION, "template": {"outputs": [output]}}


def callback_ack(text: str) -> dict[str, Any]:
    """The immediate answer when the real one will go to ``callbackUrl``."""
    return {"version": VERSION, "useCallback": True, "data": {"text": text}}
