"""Reading a message: names swallow the entities inside them (actions.question)."""

from __future__ import annotations

from datetime import datetime

from actions.question import read_question
from bot.nlu.dates import TZ
from tests.support.agent import entity

NOW = datetime(2026, 11, 27, 10, tzinfo=TZ)


def _read(content, text: str, *entities: dict):  # noqa: ANN001, ANN202
    message = {"text": text, "intent": {"name": "inform"}, "entities": list(entities)}
    return read_question(message, content, NOW)


def test_an_aspect_inside_an_items_name_is_not_asked(content) -> None:
    # "사진" (photos) is part of "사진전", the photo exhibition.
    question = _read(
        content,
        "사진전 도록 팔아요?",
        entity("activity", "exhibition", 0, 3),
        entity("aspect", "photos", 0, 2),
    )
    assert question.aspects == () and question.activities == ("exhibition",)


def test_an_activity_inside_a_venues_name_is_not_asked(content) -> None:
    question = _read(
        content,
        "전시센터 가려고요",
        entity("venue", "expo_center", 0, 4),
        entity("activity", "exhibition", 0, 2),
        entity("aspect", "transport", 5, 8),
    )
    assert question.activities == () and question.venues == ("expo_center",)


def test_a_venue_inside_a_hotels_name_is_where_the_visitor_starts(content) -> None:
    hotel = next(h for h in content.hotels if "西塔" in h.name.zh)
    text = f"我住{hotel.name.zh} 去展览中心咋走"
    at = text.index("展览中心")
    question = _read(
        content,
        text,
        entity("venue", "xita", 2, 4),
        entity("venue", "expo_center", at, at + 4),
        entity("aspect", "transport", at + 4, at + 6),
    )
    assert question.origin == hotel.id and question.venues == ("expo_center",)


def test_the_words_that_asked_an_aspect_are_kept(content) -> None:
    question = _read(content, "嘉宾是谁", entity("aspect", "people", 0, 4))
    assert question.aspect_words == (("people", "嘉宾是谁"),)
