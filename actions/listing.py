"""Lists that fit a phone: daily items once, past ones marked, the rest on request.

The photo exhibition has one record per day; a list shows it once, with its date
range and "daily". A list longer than a page ends with a "more" button whose
payload (``/show_more``) brings the next page (``action_show_more``). Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from actions.phrases import Phrases
from actions.render import format_clock, format_day, format_day_range, venue_name
from bot.content.model import Content, Event

#: Lines of a list shown at once (the first message stays within 8 lines).
PAGE_LINES = 6
MORE_PAYLOAD = "/show_more"


@dataclass(frozen=True)
class Item:
    """One line of a list: an event, or the same event repeated on consecutive days."""

    events: tuple[Event, ...]

    @property
    def first(self) -> Event:
        """The first session."""
        return self.events[0]

    @property
    def last(self) -> Event:
        """The last session."""
        return self.events[-1]

    @property
    def daily(self) -> bool:
        """Whether it repeats on several days."""
        return len(self.events) > 1

    def over(self, now: datetime) -> bool:
        """Whether its last session has ended."""
        return self.last.end <= now


def _same_series(a: Event, b: Event) -> bool:
    return (
        a.name == b.name
        and a.venue == b.venue
        and (a.start.time(), a.end.time()) == (b.start.time(), b.end.time())
        and b.start.date() - a.start.date() == timedelta(days=1)
    )


def group_items(events: Sequence[Event]) -> list[Item]:
    """Groups the sessions of one item on consecutive days; keeps the order of first sessions."""
    items: list[list[Event]] = []
    for event in sorted(events, key=lambda e: e.start):  # stable: keeps the content's order
        series = next((group for group in items if _same_series(group[-1], event)), None)
        if series is not None:
            series.append(event)
        else:
            items.append([event])
    return [Item(tuple(group)) for group in items]


def item_when(item: Item, lang: str, phrases: Phrases, with_day: bool = True) -> str:
    """When an item runs: "11月28日周六 17:00–21:30", or its date range and "daily"."""
    hours = f"{format_clock(item.first.start)}–{format_clock(item.first.end)}"
    if item.daily:
        days = format_day_range(item.first.start.date(), item.last.start.date(), lang)
        return phrases.text("utter_piece_daily", lang, days=days, hours=hours)
    if item.first.start.date() != item.first.end.date():
        days = format_day_range(item.first.start.date(), item.first.end.date(), lang)
        return f"{days} {hours}"
    return f"{format_day(item.first.start.date(), lang)} {hours}" if with_day else hours


def item_line(
    content: Content,
    item: Item,
    lang: str,
    phrases: Phrases,
    now: datetime,
    with_day: bool = True,
) -> str:
    """One list line: "• 11月28日周六 17:00–21:30 名称 @ 场馆", past items marked as over."""
    over = phrases.text("utter_piece_over", lang) if item.over(now) else ""
    name = item.first.name.get(lang)
    place = venue_name(content, item.first.venue, lang)
    return f"• {item_when(item, lang, phrases, with_day)} {name}{over} @ {place}"


def event_list(
    content: Content,
    events: Sequence[Event],
    lang: str,
    phrases: Phrases,
    now: datetime,
    with_day: bool = True,
) -> list[str]:
    """The lines of a list of sessions, daily items once."""
    return [item_line(content, item, lang, phrases, now, with_day) for item in group_items(events)]


@dataclass(frozen=True)
class Page:
    """The lines shown now, the lines kept for "more", and its button (if any)."""

    shown: list[str]
    rest: list[str]
    buttons: list[dict[str, str]]


def paginate(lines: Sequence[str], lang: str, phrases: Phrases, size: int = PAGE_LINES) -> Page:
    """Cuts a list to a page; the rest waits behind a "more" button."""
    shown, rest = list(lines[:size]), list(lines[size:])
    buttons = []
    if rest:
        title = phrases.text("utter_piece_more", lang, count=len(rest))
        buttons.append({"title": title, "payload": MORE_PAYLOAD})
    return Page(shown, rest, buttons)
