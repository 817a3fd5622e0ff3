"""Follow-ups placed on the conversation's day, the event's days, or its details."""

from __future__ import annotations

from datetime import date, datetime

from actions.context import Context, EventSelector
from actions.followup import continue_day, continue_question, remembered_day
from actions.question import Question
from bot.nlu.dates import TZ, find_time_expression

NOW = datetime(2026, 11, 27, 10, tzinfo=TZ)
SATURDAY = date(2026, 11, 28)


def _asked(text: str) -> Question:
    found = find_time_expression(text, NOW)
    assert found is not None
    return Question(text=text, window=found.window, typed_when=found.text)


def test_the_next_day_counts_from_the_day_talked_about() -> None:
    moved = continue_day(_asked("다음 날은?"), Context(), SATURDAY)
    assert moved.window is not None
    assert (moved.window.start, moved.window.end) == (
        datetime(2026, 11, 29, tzinfo=TZ),
        datetime(2026, 11, 30, tzinfo=TZ),
    )


def test_that_afternoon_is_the_afternoon_of_the_day_talked_about() -> None:
    moved = continue_day(_asked("那天下午呢"), Context(), SATURDAY)
    assert moved.window is not None
    assert moved.window.start == datetime(2026, 11, 28, 12, tzinfo=TZ)
    assert moved.window.part == "afternoon"


def test_without_a_day_talked_about_the_next_day_is_tomorrow() -> None:
    question = _asked("第二天呢")
    assert continue_day(question, Context(), None) == question
    assert question.window is not None and question.window.start.date() == SATURDAY


def test_the_last_day_is_the_programmes() -> None:
    moved = continue_day(
        _asked("마지막 날도요?"), Context(), None, (date(2026, 11, 26), date(2026, 12, 2))
    )
    assert moved.window is not None and moved.window.start.date() == date(2026, 12, 2)


def test_the_day_talked_about_is_the_remembered_items_next_session(content) -> None:
    forum = Context(event=EventSelector("events", ("forum-trade-summit",)))
    assert remembered_day(forum, content, NOW) == date(2026, 11, 30)
    assert remembered_day(Context(), content, NOW) is None


def test_the_same_details_are_asked_of_a_new_subject() -> None:
    question = Question(text="西塔呢", venues=("xita",))
    continued = continue_question(question, Context(aspects=("parking",)))
    assert continued.aspects == ("parking",)
    assert continue_question(Question(text="西塔"), Context(aspects=("parking",))).aspects == ()
