"""action_answer_schedule: a day, a part of a day, what is next, the agenda, an empty day."""

from datetime import datetime

import pytest

from actions.schedule import ActionAnswerSchedule, window_label
from bot.nlu.dates import TZ, resolve_time_expression
from tests.support.agent import assert_language, entity, make_tracker, run_action


def _text(messages) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def test_tomorrow_lists_exactly_that_days_events(fixed_clock, content) -> None:
    tracker = make_tracker(
        "明天有什么活动", "ask_schedule", [entity("date", "明天")], language="zh"
    )
    messages, events = run_action(ActionAnswerSchedule(), tracker)
    assert events == [] and messages[0]["response"] == "utter_schedule_day"
    window = resolve_time_expression("明天", datetime(2026, 11, 27, 10, tzinfo=TZ))
    expected = content.events_between(window.start, window.end)
    assert expected, "the sample programme has events on 28 November"
    for event in expected:
        assert event.name.zh in messages[0]["items"]
    others = [e for e in content.events if e not in expected]
    assert all(
        e.name.zh not in messages[0]["items"]
        for e in others
        if e.name.zh not in {x.name.zh for x in expected}
    )


def test_korean_evening_question_gets_evening_events_in_korean(fixed_clock, content) -> None:
    tracker = make_tracker(
        "오늘 저녁 뭐 해요", "ask_schedule", [entity("date", "오늘 저녁")], language="ko"
    )
    messages, _ = run_action(ActionAnswerSchedule(), tracker)
    window = resolve_time_expression("오늘 저녁", datetime(2026, 11, 27, 10, tzinfo=TZ))
    evening = content.events_between(window.start, window.end)
    assert evening
    for event in evening:
        assert event.name.ko in messages[0]["items"]
    assert_language(messages[0]["items"], "ko")
    assert "오늘 저녁" in messages[0]["when"]


def test_no_date_gives_the_whole_agenda(fixed_clock, content) -> None:
    messages, _ = run_action(
        ActionAnswerSchedule(), make_tracker("日程安排", "ask_schedule", language="zh")
    )
    assert messages[0]["response"] == "utter_schedule_overall"
    assert messages[0]["items"].count("\n") + 1 == len(
        {e.start.date() for e in content.events if (e.end - e.start).days < 1}
    )


def test_day_with_nothing_on_suggests_what_is_on(fixed_clock) -> None:
    tracker = make_tracker(
        "12月20日有活动吗", "ask_schedule", [entity("date", "12月20日")], language="zh"
    )
    messages, _ = run_action(ActionAnswerSchedule(), tracker)
    assert messages[0]["response"] == "utter_schedule_empty"
    assert messages[0]["items"].startswith("•")


def test_what_is_next_starts_from_now(fixed_clock, content) -> None:
    messages, _ = run_action(
        ActionAnswerSchedule(), make_tracker("接下来是什么", "ask_schedule", language="zh")
    )
    assert messages[0]["response"] == "utter_schedule_next"
    first_running = next(e for e in content.events if e.end > datetime(2026, 11, 27, 10, tzinfo=TZ))
    assert first_running.name.zh in messages[0]["items"].splitlines()[0]


def test_after_the_event_says_it_is_over(monkeypatch, fixed_clock) -> None:
    from bot.settings import get_settings

    monkeypatch.setenv("KW_NOW", "2027-01-10T10:00")
    get_settings.cache_clear()
    messages, _ = run_action(
        ActionAnswerSchedule(), make_tracker("日程", "ask_schedule", language="zh")
    )
    assert messages[0]["response"] == "utter_schedule_over"


@pytest.mark.parametrize("lang, typed", [("zh", "明天"), ("ko", "내일")])
def test_window_label_keeps_the_visitors_words(lang, typed) -> None:
    window = resolve_time_expression(typed, datetime(2026, 11, 27, 10, tzinfo=TZ))
    label = window_label(window, typed, lang)
    assert label.startswith(typed) and "28" in label
