"""Answers "what is on": a day, a part of a day, what comes next, or the whole week.

Daily items (the photo exhibition) are listed once with their date range;
sessions that have ended today are marked as over; a list longer than a page
ends with a "more" button. A question that names a programme item ("when is the
opening ceremony") is answered about that item, not with the week.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from actions.answering import Answer, Ask
from actions.context import EventSelector
from actions.followup import THERE
from actions.listing import Item, event_list, group_items, item_when, paginate
from actions.render import format_date_range, format_day, venue_name
from bot.content.model import Event
from bot.nlu.dates import TZ, TimeWindow
from bot.nlu.language import fold

#: Lines of a list at once: a day of the programme fits in one page.
LIST_PAGE = 8
#: A window this long or longer is a week.
WEEK_DAYS = 5
#: Lines of a week's agenda at once (a line per day).
WEEK_PAGE = 5


def window_label(window: TimeWindow, typed: str | None, lang: str) -> str:
    """Names the window for the reply: the visitor's own words plus the date, said once."""
    if window.days > 1:
        last = (window.end - timedelta(microseconds=1)).date()
        span = format_date_range(window.start.date(), last, lang)
    else:
        span = format_day(window.start.date(), lang)
    if not typed or fold(typed) in fold(span) or fold(span) in fold(typed):
        return span
    return f"{typed} ({span})"


def agenda_lines(ask: Ask, events: Sequence[Event]) -> list[str]:
    """One line for each daily item, then one line per day with that day's items by name."""
    separator = "、" if ask.lang == "zh" else ", "
    items = group_items(events)
    days: OrderedDict[date, list[str]] = OrderedDict()
    for item in items:
        if item.daily:
            continue
        over = ask.say("utter_piece_over") if item.over(ask.now) else ""
        for day in _days(item):
            days.setdefault(day, []).append(f"{item.first.name.get(ask.lang)}{over}")
    lines = [
        f"• {item_when(item, ask.lang, ask.phrases)}: {item.first.name.get(ask.lang)}"
        for item in items
        if item.daily
    ]
    for day in sorted(days):
        lines.append(f"• {format_day(day, ask.lang)}: {separator.join(days[day])}")
    return lines


def _days(item: Item) -> list[date]:
    start, end = item.first.start.date(), item.first.end.date()
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def programme_week(ask: Ask, window: TimeWindow) -> TimeWindow:
    """During the event, "this week" means the event's week: the whole programme.

    The programme runs Thursday to Wednesday, across two calendar weeks; a visitor
    asking for "this week's events" means all of it, its first days included.
    """
    overview = ask.content.overview
    start = datetime.combine(overview.start, time(0), TZ)
    end = datetime.combine(overview.end + timedelta(days=1), time(0), TZ)
    if window.days >= WEEK_DAYS and window.start < end and window.end > start:
        return TimeWindow(start, end)
    return window


def nearest_events(ask: Ask, limit: int) -> list[Event]:
    """The events starting from now (or the window asked about); if none, the last ones."""
    upcoming = [e for e in ask.content.events if e.end > ask.now]
    return upcoming[:limit] if upcoming else list(ask.content.events[-limit:])


def _listing(
    ask: Ask, response: str, lines: list[str], size: int = 0, **values: str
) -> tuple[dict[str, Any], list[str]]:
    page = paginate(lines, ask.lang, ask.phrases, size=size or LIST_PAGE)
    message: dict[str, Any] = {"response": response, "items": "\n".join(page.shown), **values}
    if page.buttons:
        message["buttons"] = page.buttons
    return message, page.rest


def _place(ask: Ask) -> str | None:
    """The venue a list is about: named now, or the one the last list was about.

    "今晚西塔有啥活动" lists Xita's; "大后天呢" then lists Xita's of that day.
    """
    q, context = ask.question, ask.context
    if q.venues:
        return q.venues[0]
    # A venue left by a list of that place's day, or the place just talked about
    # ("今天那里有啥" after "棋院在哪", "오후에 거기서 뭐 있어요" after a forum); not the
    # venue of an item answered before when the list does not say "there".
    listed = context.topic == "schedule" and context.window is not None
    there = context.topic in ("venue", "transport", "event") and bool(THERE.search(q.text))
    return context.venue if listed or there else None


def compose_schedule(ask: Ask) -> Answer:
    """The programme of the asked window, what comes next, or the whole week."""
    window = ask.question.window
    overview = ask.content.overview
    dates = format_date_range(overview.start, overview.end, ask.lang)
    place = _place(ask) if window is not None else None
    # A list is about its time (and place), not about an item talked about before it.
    context = ask.context.moved_to(topic="schedule", window=window, event=None, venue=place)
    if window is None:
        if ask.now.date() > overview.end:
            return Answer([{"response": "utter_schedule_over", "dates": dates}], context)
        lines = agenda_lines(ask, ask.content.events)
        message, rest = _listing(ask, "utter_schedule_overall", lines, dates=dates)
        return Answer([message], context, more=rest)
    here = [e for e in ask.content.events if place is None or e.venue == place]
    if window.upcoming:
        running = [e for e in here if e.start <= window.start < e.end]
        if window.running and running:
            lines = event_list(ask.content, running, ask.lang, ask.phrases, ask.now)
            message, rest = _listing(ask, "utter_schedule_now", lines)
            return Answer([message], context, more=rest)
        events = [e for e in here if e.end > window.start]
        if not events:
            return Answer([{"response": "utter_schedule_over", "dates": dates}], context)
        lines = event_list(ask.content, events, ask.lang, ask.phrases, ask.now)
        message, rest = _listing(ask, "utter_schedule_next", lines)
        return Answer([message], context, more=rest)
    window = programme_week(ask, window)
    label = window_label(window, ask.question.typed_when, ask.lang)
    events = list(ask.content.events_between(window.start, window.end))
    if place is not None:
        events = [e for e in events if e.venue == place]
        label = f"{label} · {venue_name(ask.content, place, ask.lang)}"
    if not events:
        start = max(window.start, ask.now.astimezone(TZ))
        later = [e for e in ask.content.events if e.start >= start] or nearest_events(ask, 3)
        lines = event_list(ask.content, later[:3], ask.lang, ask.phrases, ask.now)
        return Answer(
            [{"response": "utter_schedule_empty", "when": label, "items": "\n".join(lines)}],
            context,
        )
    if window.days >= WEEK_DAYS:
        # A week: a line per day, so the whole week reads in two pages.
        lines, size = agenda_lines(ask, events), WEEK_PAGE
    else:
        lines = event_list(
            ask.content, events, ask.lang, ask.phrases, ask.now, with_day=window.days > 1
        )
        size = LIST_PAGE
    message, rest = _listing(ask, "utter_schedule_day", lines, size, when=label)
    items = group_items(events)
    if len(items) == 1:
        # One item on the list: "几点结束" next asks about it.
        context = context.moved_to(event=EventSelector("events", tuple(e.id for e in events)))
    return Answer([message], context, more=rest)
