"""The activity actions: next session in detail, other sessions, unknown parts of the programme."""

from datetime import datetime

import pytest

from actions.activities import (
    ActionAnswerConcert,
    ActionAnswerFoodFestival,
    ActionAnswerForums,
    ActionAnswerGoEvents,
    ActionAnswerTaekwondo,
    select_events,
)
from bot.nlu.dates import TZ
from tests.support.agent import assert_language, entity, make_tracker, run_action

NOW = datetime(2026, 11, 27, 10, tzinfo=TZ)


@pytest.mark.parametrize(
    "action, intent, category",
    [
        (ActionAnswerFoodFestival(), "ask_food_festival", "food_festival"),
        (ActionAnswerTaekwondo(), "ask_taekwondo", "taekwondo"),
        (ActionAnswerGoEvents(), "ask_go_events", "go"),
        (ActionAnswerForums(), "ask_forums", "forum"),
        (ActionAnswerConcert(), "ask_concert", "concert"),
    ],
)
@pytest.mark.parametrize("lang", ["zh", "ko"])
def test_details_the_next_session_in_the_asked_language(
    fixed_clock, content, action, intent, category, lang
) -> None:
    messages, _ = run_action(action, make_tracker("?", intent, language=lang))
    detail = messages[0]
    assert detail["response"] == "utter_event_detail"
    expected = content.next_event(NOW, category=category) or next(
        e for e in content.events if e.category == category and e.end > NOW
    )
    running = [e for e in content.events_in(category) if e.start <= NOW < e.end]
    assert detail["name"] == (running[0] if running else expected).name.get(lang)
    for key in ("name", "description", "price", "how_to_join", "venue"):
        assert_language(detail[key], lang)


def test_a_named_part_narrows_the_answer(fixed_clock, content) -> None:
    tracker = make_tracker(
        "打糕表演什么时候", "ask_food_festival", [entity("activity", "rice_cake")], language="zh"
    )
    messages, _ = run_action(ActionAnswerFoodFestival(), tracker)
    rice_cake = [e for e in content.events_in("food_festival", ["rice_cake"]) if e.end > NOW]
    assert messages[0]["name"] == rice_cake[0].name.zh
    listed = messages[1]["items"] if len(messages) > 1 else ""
    assert all(e.name.zh in listed for e in rice_cake[1:])


def test_a_date_narrows_the_answer(fixed_clock, content) -> None:
    tracker = make_tracker(
        "周日跆拳道几点", "ask_taekwondo", [entity("date", "周日")], language="zh"
    )
    messages, _ = run_action(ActionAnswerTaekwondo(), tracker)
    sunday = [e for e in content.events_in("taekwondo") if e.start.day == 29]
    assert sunday and messages[0]["name"] == sunday[0].name.zh


def test_forum_entity_picks_that_forum_in_korean(fixed_clock, content) -> None:
    tracker = make_tracker(
        "뷰티 포럼 언제예요", "ask_forums", [entity("activity", "forum_beauty")], language="ko"
    )
    messages, _ = run_action(ActionAnswerForums(), tracker)
    assert messages[0]["name"] == content.events_in("forum", ["forum_beauty"])[0].name.ko


def test_a_part_not_on_the_programme_gets_what_is_on_instead(fixed_clock, content) -> None:
    tracker = make_tracker(
        "有K-pop吗", "ask_taekwondo", [entity("activity", "kpop")], language="zh"
    )
    events, found = select_events(content, "taekwondo", ["kpop"], None)
    assert not found
    messages, _ = run_action(ActionAnswerTaekwondo(), tracker)
    assert messages[0]["response"] == "utter_activity_unknown"
    assert all(e.name.zh in messages[0]["items"] for e in events if e.end > NOW)
