"""Follow-ups the planner routes to the remembered item or place (actions.planner).

Each tracker carries the parse the model would give and the slots the previous
answer left; the answer must lead with the asked detail from the content.
"""

from __future__ import annotations

from actions.answers import (
    ActionAnswerFaq,
    ActionAnswerTransport,
    ActionFallback,
    ActionShowMore,
)
from actions.context import EVENT, TOPIC, VENUE
from bot.settings import overridden
from tests.support.agent import assert_language, entity, make_tracker, run_action

KIDS_CLASS = {TOPIC: "event", EVENT: "events:taekwondo-kids-trial", VENUE: "gymnasium"}
CONCERT = {TOPIC: "event", EVENT: "events:friendship-concert", VENUE: "grand_theatre"}


def _first(action, tracker) -> str:  # noqa: ANN001
    messages, _ = run_action(action, tracker)
    return messages[0].get("text") or messages[0].get("response") or ""


def test_a_word_only_the_items_text_uses_is_answered_from_that_text(fixed_clock, content) -> None:
    tracker = make_tracker(
        "도복 필요해요?", "nlu_fallback", language="ko", slots=KIDS_CLASS, keywords=["도복"]
    )
    first = _first(ActionFallback(), tracker)
    assert first.splitlines()[0].endswith(content.event("taekwondo-kids-trial").bring.ko)
    assert_language(first, "ko")


def test_parking_after_an_item_is_its_venues(fixed_clock, content) -> None:
    tracker = make_tracker(
        "开车去好停吗", "ask_transport", [entity("aspect", "parking", 4, 5)], "zh", slots=CONCERT
    )
    first = _first(ActionAnswerTransport(), tracker)
    assert content.venue("grand_theatre").parking.zh in first.splitlines()[0]


def test_an_origin_after_a_venue_asks_the_way_from_it(fixed_clock) -> None:
    tracker = make_tracker(
        "从南站过去呢",
        "inform",
        [entity("origin", "south_station", 1, 3)],
        "zh",
        slots={TOPIC: "venue", VENUE: "expo_center"},
    )
    first = _first(ActionFallback(), tracker)
    assert "南站" in first and "沈阳国际展览中心" in first


def test_a_detail_of_the_remembered_place_comes_from_its_texts(fixed_clock) -> None:
    tracker = make_tracker(
        "픽업 서비스 있어요?",
        "ask_facilities",
        language="ko",
        slots={TOPIC: "transport", VENUE: "forum_hotel"},
        keywords=["픽업", "서비스"],
    )
    first = _first(ActionAnswerFaq(), tracker)
    assert "픽업" in first.splitlines()[0]


def test_asked_who_judges_the_bot_says_it_does_not_know(fixed_clock) -> None:
    tracker = make_tracker(
        "紫菜包饭比赛评委是谁",
        "ask_food_festival",
        [entity("activity", "gimbap", 0, 6), entity("aspect", "people", 8, 10)],
        "zh",
        keywords=["紫菜", "比赛", "评委"],
    )
    assert _first(ActionFallback(), tracker) == "utter_no_info"


def test_an_item_named_with_still_on_says_it_is_over_and_what_is_next(fixed_clock) -> None:
    from datetime import datetime

    from bot.nlu.dates import TZ

    tracker = make_tracker(
        "打糕还有吗",
        "show_more",
        [entity("activity", "rice_cake", 0, 2), entity("aspect", "status", 2, 5)],
        "zh",
        slots={TOPIC: "event"},
    )
    with overridden(now=datetime(2026, 11, 29, 21, 45, tzinfo=TZ)):
        messages, events = run_action(ActionShowMore(), tracker)
    first = messages[0]["text"]
    assert "已结束" in first and "12月2日" in first
    assert all(e.get("name") != TOPIC for e in events)  # the topic stays as it was
