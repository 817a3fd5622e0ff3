"""action_answer_schedule: a day, a part of a day, what is next, the agenda, an empty day."""

from datetime import datetime

import pytest

from actions.answers import ActionAnswerSchedule, ActionShowMore
from actions.context import MORE, TOPIC
from actions.schedule import window_label
from bot.nlu.dates import TZ, resolve_time_expression
from tests.support.agent import assert_language, entity, make_tracker, run_action

NOW = datetime(2026, 11, 27, 10, tzinfo=TZ)


def _slot(events, name):
    return next((e["value"] for e in events if e.get("name") == name), None)


def test_tomorrow_lists_exactly_that_days_events_the_rest_behind_more(fixed_clock, content):
    tracker = make_tracker(
        "明天有什么活动", "ask_schedule", [entity("date", "明天")], language="zh"
    )
    messages, events = run_action(ActionAnswerSchedule(), tracker)
    assert messages[0]["response"] == "utter_schedule_day" and _slot(events, TOPIC) == "schedule"
    listed = messages[0]["items"] + "\n" + "\n".join(_slot(events, MORE) or [])
    window = resolve_time_expression("明天", NOW)
    expected = content.events_between(window.start, window.end)
    assert expected and all(e.name.zh in listed for e in expected)
    names = {e.name.zh for e in expected}
    assert all(e.name.zh not in listed for e in content.events if e.name.zh not in names)
    if _slot(events, MORE):
        assert messages[0]["buttons"][0]["payload"] == "/show_more"
        more = make_tracker("更多", "show_more", language="zh", slots={MORE: _slot(events, MORE)})
        shown, after = run_action(ActionShowMore(), more)
        assert shown[0]["text"].splitlines()[0] == _slot(events, MORE)[0]


def test_korean_evening_question_gets_evening_events_in_korean(fixed_clock, content) -> None:
    tracker = make_tracker(
        "오늘 저녁 뭐 해요", "ask_schedule", [entity("date", "오늘 저녁")], language="ko"
    )
    messages, _ = run_action(ActionAnswerSchedule(), tracker)
    window = resolve_time_expression("오늘 저녁", NOW)
    evening = content.events_between(window.start, window.end)
    assert evening and all(e.name.ko in messages[0]["items"] for e in evening)
    assert_language(messages[0]["items"], "ko")
    assert "오늘 저녁" in messages[0]["when"]


def test_no_date_gives_the_agenda_with_daily_items_once(fixed_clock, content) -> None:
    messages, events = run_action(
        ActionAnswerSchedule(), make_tracker("日程安排", "ask_schedule", language="zh")
    )
    assert messages[0]["response"] == "utter_schedule_overall"
    lines = messages[0]["items"].splitlines() + (_slot(events, MORE) or [])
    exhibition = content.events_in("exhibition")[0].name.zh
    assert sum(exhibition in line for line in lines) == 1


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
    first_running = next(e for e in content.events if e.end > NOW)
    assert first_running.name.zh in messages[0]["items"].splitlines()[0]


def test_sessions_over_today_are_marked(fixed_clock, content) -> None:
    from bot.settings import overridden

    tracker = make_tracker("今天有什么", "ask_schedule", [entity("date", "今天")], language="zh")
    with overridden(now=datetime(2026, 11, 27, 13, tzinfo=TZ)):
        messages, _ = run_action(ActionAnswerSchedule(), tracker)
    ecommerce = next(e for e in content.events if e.id == "forum-ecommerce")
    line = next(x for x in messages[0]["items"].splitlines() if ecommerce.name.zh in x)
    assert "已结束" in line


def test_after_the_event_says_it_is_over(fixed_clock) -> None:
    from bot.settings import overridden

    with overridden(now=datetime(2027, 1, 10, 10, tzinfo=TZ)):
        messages, _ = run_action(
            ActionAnswerSchedule(), make_tracker("日程", "ask_schedule", language="zh")
        )
    assert messages[0]["response"] == "utter_schedule_over"


@pytest.mark.parametrize(("lang", "typed"), [("zh", "明天"), ("ko", "내일")])
def test_window_label_keeps_the_visitors_words(lang, typed) -> None:
    window = resolve_time_expression(typed, NOW)
    label = window_label(window, typed, lang)
    assert label.startswith(typed) and "28" in label


@pytest.mark.parametrize(("lang", "typed"), [("zh", "11月28日"), ("ko", "11월28일")])
def test_window_label_says_a_date_once(lang, typed) -> None:
    window = resolve_time_expression(typed, NOW)
    assert window_label(window, typed, lang).count("28") == 1
