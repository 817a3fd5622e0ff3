"""Helpers shared by the actions: the reply language, entities and the time asked about."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from rasa_sdk import Tracker

from bot.nlu.dates import TimeWindow, find_time_expression
from bot.nlu.language import DEFAULT_LANGUAGE, detect_language, normalize_language_code

LANGUAGE_SLOT = "language"


def reply_language(tracker: Tracker) -> str:
    """Returns the language to answer in: "zh" or "ko".

    The `language` slot already holds the language of the latest message that showed
    one; before any such message, the text itself and then the channel's default
    (message metadata) decide.
    """
    slot = tracker.get_slot(LANGUAGE_SLOT)
    if slot in ("zh", "ko"):
        return slot
    text = tracker.latest_message.get("text") or ""
    detected = detect_language(text)
    if detected:
        return detected
    metadata = tracker.latest_message.get("metadata") or {}
    return normalize_language_code(metadata.get("default_language")) or DEFAULT_LANGUAGE


def entity_values(tracker: Tracker, entity: str) -> list[str]:
    """Returns the values of an entity in the latest message, in order, without repeats."""
    values: list[str] = []
    for item in tracker.latest_message.get("entities") or []:
        if item.get("entity") == entity and isinstance(item.get("value"), str):
            if item["value"] not in values:
                values.append(item["value"])
    return values


def first_entity(tracker: Tracker, entity: str) -> str | None:
    """Returns the first value of an entity in the latest message, or None."""
    values = entity_values(tracker, entity)
    return values[0] if values else None


def asked_window(tracker: Tracker, now: datetime) -> TimeWindow | None:
    """Returns the time window the latest message asks about, resolved against ``now``."""
    texts = entity_values(tracker, "date") + [tracker.latest_message.get("text") or ""]
    for text in texts:
        found = find_time_expression(text, now)
        if found is not None:
            return found.window
    return None


def latest_intent(tracker: Tracker) -> str:
    """Returns the name of the intent of the latest message ("" if none)."""
    intent: dict[str, Any] = tracker.latest_message.get("intent") or {}
    return intent.get("name") or ""


def latest_metadata(tracker: Tracker) -> dict[str, Any]:
    """Returns the channel metadata of the latest message."""
    return tracker.latest_message.get("metadata") or {}


def origin_entity(entities: Sequence[Mapping[str, Any]]) -> str | None:
    """The `origin` of a message's entities, ignoring one inside a venue's name.

    Lookup matching finds "酒店" (origin: hotel) inside "香格里拉大酒店" (venue); there
    the visitor named a destination, not where they start from.
    """
    venues = [(e.get("start", 0), e.get("end", 0)) for e in entities if e.get("entity") == "venue"]
    for item in entities:
        if item.get("entity") != "origin":
            continue
        start, end = item.get("start", 0), item.get("end", 0)
        if not any(vs <= start and end <= ve and (vs, ve) != (start, end) for vs, ve in venues):
            value = item.get("value")
            return value if isinstance(value, str) else None
    return None
