"""Answers about programme items: the asked detail first, the right session, past ones marked."""

from datetime import datetime

import pytest

from actions.answers import ActionAnswerEvent
from actions.context import EVENT, TOPIC, WINDOW, EventSelector, decode_window
from actions.screen import PHONE_CHARS, PHONE_LINES
from bot.nlu.dates import TZ
from tests.support.agent import (
    assert_language,
    entity,
    make_tracker,
    message_texts,
    run_action,
)

NOW = datetime(2026, 11, 27, 10, tzinfo=TZ)


def _slots(events) -> dict:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


@pytest.mark.parametrize(
    ("intent", "category"),
    [
        ("ask_food_festival", "food_festival"),
        ("ask_taekwondo", "taekwondo"),
        ("ask_go_events", "go"),
        ("ask_forums", "forum"),
        ("ask_concert", "concert"),
    ],
)
@pytest.mark.parametrize("lang", ["zh", "ko"])
def test_details_the_running_or_next_session_in_the_asked_language(
    fixed_clock, content, intent, category, lang
) -> None:
    messages, events = run_action(ActionAnswerEvent(), make_tracker("?", intent, language=lang))
    first = messages[0]["text"]
    expected = next(e for e in content.events_in(category) if e.end > NOW)
    assert expected.name.get(lang) in first
    assert len(first) <= PHONE_CHARS and first.count("\n") < PHONE_LINES
    assert_language(first, lang)
    assert _slots(events)[TOPIC] == "event"
    assert EventSelector.decode(_slots(events)[EVENT]) == EventSelector("category", (category,))


def test_the_asked_detail_comes_first(fixed_clock, content) -> None:
    tracker = make_tracker(
        "音乐会门票多少钱",
        "ask_concert",
        [entity("activity", "concert", 0, 3), entity("aspect", "price", 3, 5)],
        language="zh",
    )
    messages, _ = run_action(ActionAnswerEvent(), tracker)
    concert = content.events_in("concert")[0]
    assert messages[0]["text"].splitlines()[0] == f"💰 {concert.price.zh}"


def test_a_named_part_narrows_the_answer(fixed_clock, content) -> None:
    tracker = make_tracker(
        "打糕什么时候", "ask_food_festival", [entity("activity", "rice_cake")], language="zh"
    )
    messages, _ = run_action(ActionAnswerEvent(), tracker)
    rice_cake = [e for e in content.events_in(tags=["rice_cake"]) if e.end > NOW]
    assert rice_cake[0].name.zh in messages[0]["text"]
    assert all(e.name.zh in message_texts(messages) for e in rice_cake[1:])


def test_a_date_follow_up_keeps_the_item_and_changes_the_day(fixed_clock, content) -> None:
    remembered = {TOPIC: "event", EVENT: "category:food_festival"}
    tracker = make_tracker(
        "后天呢?", "inform", [entity("date", "后天")], language="zh", slots=remembered
    )
    messages, events = run_action(ActionAnswerEvent(), tracker)
    sunday = next(e for e in content.events_in("food_festival") if e.start.day == 29)
    saturday = next(e for e in content.events_in("food_festival") if e.start.day == 28)
    assert sunday.name.zh in messages[0]["text"]
    assert saturday.name.zh not in message_texts(messages)
    window = decode_window(_slots(events)[WINDOW])
    assert window is not None and window.start.day == 29


def test_an_item_named_by_its_alias_is_found_without_the_nlu(fixed_clock, content) -> None:
    ceremony = next(e for e in content.events if e.category == "ceremony")
    alias = ceremony.aliases.zh[0] if ceremony.aliases else ceremony.name.zh
    messages, _ = run_action(
        ActionAnswerEvent(), make_tracker(f"{alias}什么时候", "ask_schedule", language="zh")
    )
    assert ceremony.name.zh in messages[0]["text"] and "09:30" in messages[0]["text"]


def test_a_past_session_is_marked_over_and_points_to_the_next(fixed_clock, content) -> None:
    tracker = make_tracker(
        "紫菜包饭初赛", "ask_food_festival", [entity("activity", "gimbap")], language="zh"
    )
    from bot.settings import overridden

    with overridden(now=datetime(2026, 11, 28, 12, tzinfo=TZ)):
        messages, _ = run_action(ActionAnswerEvent(), tracker)
    text = messages[0]["text"]
    final = next(e for e in content.events_in(tags=["gimbap"]) if e.start.day == 1)
    assert final.name.zh in text  # the next session, not the one that is over
    assert "已结束" not in text.splitlines()[0] or "⏭" in text


def test_a_daily_item_is_listed_once_with_its_date_range(fixed_clock, content) -> None:
    messages, _ = run_action(
        ActionAnswerEvent(), make_tracker("图片展", "ask_exhibition", language="zh")
    )
    text = message_texts(messages)
    name = content.events_in("exhibition")[0].name.zh
    assert text.count(name) == 1 and "每天" in text and "12月2日" in text


def test_a_part_not_on_the_programme_says_so_and_shows_what_is_on(fixed_clock) -> None:
    tracker = make_tracker(
        "有K-pop舞蹈比赛吗", "ask_concert", [entity("activity", "kpop_dance")], language="zh"
    )
    messages, _ = run_action(ActionAnswerEvent(), tracker)
    assert messages[0]["response"] == "utter_activity_unknown"
    assert messages[0]["items"].startswith("•")
