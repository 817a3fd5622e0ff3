"""Pure formatting of content for answers: dates, times, event lines, routes.

Words come from content/ (names, descriptions) and from Babel's locale data
(month and weekday names); the templates around them are responses in domain.yml.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from babel.dates import format_interval, format_skeleton

from bot.content.model import Content, Event, Venue

_LOCALES = {"zh": "zh_CN", "ko": "ko_KR"}


def locale_of(lang: str) -> str:
    """Returns the Babel locale for a reply language."""
    return _LOCALES.get(lang, "zh_CN")


def format_day(day: date, lang: str) -> str:
    """Formats a day with its weekday: "11月28日周六" / "11월 28일 (토)"."""
    return format_skeleton("MMMEd", day, locale=locale_of(lang))


def format_date_range(start: date, end: date, lang: str) -> str:
    """Formats a date range: "2026年11月26日至12月2日" style, per locale."""
    if start == end:
        return format_skeleton("yMMMd", start, locale=locale_of(lang))
    return format_interval(start, end, "yMMMd", locale=locale_of(lang))


def format_day_range(start: date, end: date, lang: str) -> str:
    """Formats programme days without the year: "11月26日至12月2日" / "11월 26일~12월 2일"."""
    if start == end:
        return format_skeleton("MMMd", start, locale=locale_of(lang))
    return format_interval(start, end, "MMMd", locale=locale_of(lang))


def format_clock(moment: datetime) -> str:
    """Formats a time of day as 24-hour HH:MM (the same in both languages)."""
    return moment.strftime("%H:%M")


def format_when(event: Event, lang: str) -> str:
    """Formats when an event runs: its day and hours, or a span of days."""
    if event.start.date() == event.end.date():
        hours = f"{format_clock(event.start)}–{format_clock(event.end)}"
        return f"{format_day(event.start.date(), lang)} {hours}"
    days = format_date_range(event.start.date(), event.end.date(), lang)
    return f"{days} {format_clock(event.start)}–{format_clock(event.end)}"


def venue_name(content: Content, venue_id: str, lang: str) -> str:
    """Returns a venue's name, or its id if the venue is unknown."""
    venue = content.venue(venue_id)
    return venue.name.get(lang) if venue else venue_id


def event_line(content: Content, event: Event, lang: str, with_day: bool = True) -> str:
    """One list line for an event: "• 11月28日周六 17:00–21:00 名称 @ 场馆"."""
    when = (
        format_when(event, lang)
        if with_day
        else f"{format_clock(event.start)}–{format_clock(event.end)}"
    )
    return f"• {when} {event.name.get(lang)} @ {venue_name(content, event.venue, lang)}"


def event_lines(
    content: Content, events: Sequence[Event], lang: str, limit: int, with_day: bool = True
) -> str:
    """Several event lines, cut to ``limit`` with a "…(+N)" line for the rest."""
    lines = [event_line(content, event, lang, with_day) for event in events[:limit]]
    if len(events) > limit:
        lines.append(f"…(+{len(events) - limit})")
    return "\n".join(lines)


def venue_lines(venues: Iterable[Venue], lang: str) -> str:
    """One line per venue: "• 名称 — 地址"."""
    return "\n".join(f"• {v.name.get(lang)} — {v.address.get(lang)}" for v in venues)


def route_text(venue: Venue, lang: str, origin: str | None = None) -> str:
    """Directions to a venue: from ``origin`` if known, else by metro, bus and taxi."""
    if origin:
        directions = venue.transport.for_origin(origin)
        if directions is not None:
            return f"🧭 {directions.get(lang)}"
    transport = venue.transport
    parts: list[str] = [
        f"🚇 {transport.metro.get(lang)}",
        f"🚌 {transport.bus.get(lang)}",
        f"🚕 {transport.taxi.get(lang)}",
    ]
    return "\n".join(parts)


def map_link(venue: Venue) -> str:
    """A map link for a venue: its map_url, or an Amap marker built from its coordinates."""
    if venue.map_url:
        return venue.map_url
    return f"https://uri.amap.com/marker?position={venue.location.lon},{venue.location.lat}"
