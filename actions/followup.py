"""Follow-ups: a question that continues the conversation's subject, day or details.

"西塔呢" after "香格里拉怎么停车" asks the same details of another place; "上午呢"
after "后天有什么" is that day's morning; "다음 날은?" after the taekwondo of
today is tomorrow's, and "那天下午" after a Monday forum is Monday afternoon.
Pure.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from actions.context import Context
from actions.coverage import event_source, unknown_words
from actions.question import Question
from bot.content.gazetteer import gazetteer
from bot.content.model import Content, Event
from bot.nlu.dates import PART_HOURS, TZ, TimeWindow

#: "And at Xita?" / "西塔呢?" / "시타는요?": the same question about another subject.
#: "There" / "那儿" / "거기": the place just talked about.
THERE = re.compile(r"那里|那儿|那兒|那边|那邊|那裡|那个地方|거기|그곳|그쪽|거기서")
ALSO = re.compile(r"[也呢还還]|도요|도\s*[?？]|도$|[은는]요")
#: "不对，我问的是…" / "아니요, …말고": the item talked about was not the one meant.
CORRECTION = re.compile(r"^\W*(不对|不是|아니)|我是说|我说的是|我问的是|말고|말한 건|말한 거")


#: Details of a place that a bare follow-up keeps asking ("주말에도 괜찮아요?" after "주차돼요?").
PLACE_DETAILS = ("parking", "hours")


def continue_question(question: Question, context: Context) -> Question:
    """The same details asked again of a new subject, or of the same place at another time.

    "西塔呢" after "香格里拉怎么停车" asks about parking at Xita; "주말에도 괜찮아요?"
    after "주차돼요?" about the museum asks about its parking at the weekend.
    """
    if question.aspects or not context.aspects:
        return question
    if ALSO.search(question.text) and (question.names_subject or question.venues):
        return replace(question, aspects=context.aspects)
    same_place = context.topic == "venue" and set(context.aspects) <= set(PLACE_DETAILS)
    if same_place and question.window and not (question.names_subject or question.asked):
        return replace(question, aspects=context.aspects)
    return question


def name_by_part(question: Question, context: Context, content: Content) -> Question:
    """A word of one item's name names it: "不是这个，我说的是决赛", "汽车那个呢".

    Not when nothing else is named and the item talked about already says the
    word ("라이브 있어요?" of the opening ceremony's live stream), nor for what the
    NLU found out of scope (cheap cosmetics are not the beauty forum).
    """
    if question.events or question.activities or question.intent == "out_of_scope":
        return question
    if context.event is not None:
        events = context.event.resolve(content)
        names = [n for e in events for n in e.names()]
        if not unknown_words(question.asked, event_source(events), names):
            return question
    found = [i for word in question.asked for i in gazetteer(content).events_by_part(word)]
    return replace(question, events=tuple(dict.fromkeys(found))) if found else question


def corrected_items(question: Question, context: Context, content: Content) -> tuple[Event, ...]:
    """The other items of the kind talked about that a correction describes.

    "不对 我问的是小孩上课那个" after the taekwondo match is the children's class;
    "不是，我是说今天下午那个青少年的" is this afternoon's youth session.
    """
    if question.events or context.event is None or not CORRECTION.search(question.text):
        return ()
    talked = context.event.resolve(content)
    if not talked:
        return ()
    kinds = question.categories or (talked[0].category,)
    others = [e for e in content.events if e.category in kinds and e not in talked]
    if question.window is not None:
        window = question.window
        others = [e for e in others if e.start < window.end and e.end > window.start]
    if question.asked:
        others = [e for e in others if not unknown_words(question.asked, event_source((e,)))]
    return tuple(others) if question.window or question.asked else ()


def remembered_day(context: Context, content: Content, now: datetime) -> date | None:
    """The day the conversation is about: its time window's, else its item's next session's."""
    if context.window is not None:
        return context.window.start.date()
    if context.event is None:
        return None
    events = context.event.resolve(content)
    if not events:
        return None
    return next((e for e in events if e.end > now), events[-1]).start.astimezone(TZ).date()


def _day_part(day: date, part: str | None) -> TimeWindow:
    first, last = PART_HOURS[part] if part else (0, 24)
    start = datetime.combine(day, time(0), TZ)
    return TimeWindow(start + timedelta(hours=first), start + timedelta(hours=last), part)


def continue_day(
    question: Question,
    context: Context,
    day: date | None = None,
    event_days: tuple[date, date] | None = None,
) -> Question:
    """Places a day named relative to the conversation, or a part of a day, on that day.

    "第二天"/"다음 날" is the day after the one the conversation is about (``day``,
    see ``remembered_day``), "那天"/"그날" that day. A part of the day named
    without a day ("上午呢" after "后天有什么", "下午还有活动吗" after Monday's
    forum) is that part of the day talked about; without one it stays today's.

    Args:
        question: The question as read.
        context: What the conversation is about.
        day: The day the conversation is about, if any.
        event_days: The programme's first and last day, for "마지막 날" / "第一天".
    """
    window = question.window
    if window is None:
        return question
    if window.event_day is not None and event_days is not None:
        target = event_days[0] if window.event_day == "first" else event_days[1]
        return replace(question, window=_day_part(target, window.part))
    if window.from_context is not None:
        if day is None:
            return question  # counted from today, as read
        moved = _day_part(day + timedelta(days=window.from_context), window.part)
        return replace(question, window=moved)
    if window.day_given or window.part is None or day is None:
        return question
    return replace(question, window=_day_part(day, window.part))
