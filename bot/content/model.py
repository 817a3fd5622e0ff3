"""The staff-edited content as immutable Python values, and the questions asked of it.

The names allowed in the content files (categories, activity tags, FAQ topics)
and the venue ids the NLU is trained on are defined here once; they match
``docs/design.md`` and the NLU entity values. Staff may add venues with other
ids; events, hotels and their aliases are matched by name. Nothing here reads
files: ``bot.content.loader`` builds these objects.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from bot.content.vocabulary import (  # noqa: F401 - the content's names, re-exported
    ACTIVITIES,
    CATEGORIES,
    DEFAULT_LANGUAGE,
    FAQ_TOPICS,
    LANGUAGES,
    ORIGINS,
    TIMEZONE_NAME,
    VENUE_IDS,
)


@lru_cache(maxsize=1)
def local_timezone() -> ZoneInfo:
    """Returns the event's time zone (Asia/Shanghai); every content time is in it."""
    return ZoneInfo(TIMEZONE_NAME)


@dataclass(frozen=True)
class Text:
    """A text shown to visitors, in Chinese and Korean."""

    zh: str
    ko: str

    def get(self, lang: str | None) -> str:
        """Returns the text in ``lang``; any language other than "ko" gets Chinese."""
        return self.ko if lang == "ko" else self.zh


@dataclass(frozen=True)
class TextList:
    """Several texts per language, e.g. the phrasings of one FAQ question."""

    zh: tuple[str, ...]
    ko: tuple[str, ...]

    def get(self, lang: str | None) -> tuple[str, ...]:
        """Returns the texts in ``lang``; any language other than "ko" gets Chinese."""
        return self.ko if lang == "ko" else self.zh


def _names(name: Text, aliases: TextList | None) -> tuple[str, ...]:
    """The name in both languages, then every alias (Chinese first)."""
    extra = (*aliases.zh, *aliases.ko) if aliases is not None else ()
    return (name.zh, name.ko, *extra)


@dataclass(frozen=True)
class Organiser:
    """An organising body and its role (host, co-host, ...)."""

    name: Text
    role: Text


@dataclass(frozen=True)
class Contact:
    """How visitors reach a staff member (the human handoff answer)."""

    phone: str
    email: str
    hours: Text


@dataclass(frozen=True)
class Overview:
    """The expo and Korea Week as a whole."""

    sample_data: bool
    name: Text
    short_name: Text
    start: date
    end: date
    organisers: tuple[Organiser, ...]
    description: Text
    purpose: Text
    website: str
    contact: Contact
    notice: Text | None = None


@dataclass(frozen=True)
class Location:
    """A point on the map (WGS-84 degrees)."""

    lat: float
    lon: float


_ORIGIN_FIELDS = {
    "airport": "from_airport",
    "north_station": "from_north_station",
    "south_station": "from_south_station",
    "shenyang_station": "from_shenyang_station",
}


@dataclass(frozen=True)
class Transport:
    """How to reach a venue."""

    metro: Text
    bus: Text
    taxi: Text
    from_airport: Text
    from_north_station: Text
    from_south_station: Text
    from_shenyang_station: Text

    def for_origin(self, origin: str | None) -> Text | None:
        """Returns the directions from an ``origin`` entity value, or None if none apply."""
        name = _ORIGIN_FIELDS.get(origin or "")
        return getattr(self, name) if name else None


@dataclass(frozen=True)
class Venue:
    """A place where events happen."""

    id: str
    name: Text
    address: Text
    location: Location
    opening_hours: Text
    transport: Transport
    map_url: str | None = None
    aliases: TextList | None = None
    parking: Text | None = None

    def names(self) -> tuple[str, ...]:
        """Returns every name visitors may use: the name in both languages, then the aliases."""
        return _names(self.name, self.aliases)


@dataclass(frozen=True)
class Route:
    """Directions from a hotel to one venue."""

    venue: str
    directions: Text


@dataclass(frozen=True)
class Hotel:
    """A hotel where visitors stay, with directions to the venues (``routes``)."""

    id: str
    name: Text
    address: Text
    location: Location
    routes: tuple[Route, ...]
    aliases: TextList | None = None

    def names(self) -> tuple[str, ...]:
        """Returns every name visitors may use: the name in both languages, then the aliases."""
        return _names(self.name, self.aliases)

    def route_to(self, venue_id: str | None) -> Text | None:
        """Returns the directions from this hotel to a venue, or None if there are none."""
        return next((route.directions for route in self.routes if route.venue == venue_id), None)


@dataclass(frozen=True)
class Note:
    """A short question and answer about one event, e.g. the team size of a contest."""

    questions: TextList
    answer: Text


@dataclass(frozen=True)
class Event:
    """One session of the programme; ``start`` and ``end`` are aware Asia/Shanghai times."""

    id: str
    name: Text
    category: str
    tags: tuple[str, ...]
    start: datetime
    end: datetime
    venue: str
    description: Text
    how_to_join: Text
    price: Text
    capacity: int | None = None
    registration_url: str | None = None
    aliases: TextList | None = None
    eligibility: Text | None = None
    bring: Text | None = None
    photos: Text | None = None
    notes: tuple[Note, ...] = ()

    def names(self) -> tuple[str, ...]:
        """Returns every name visitors may use: the name in both languages, then the aliases."""
        return _names(self.name, self.aliases)

    def matches(self, category: str | None = None, tags: Iterable[str] = ()) -> bool:
        """Tells whether the event is in ``category`` and has at least one of ``tags``.

        Args:
            category: A category, or None for any.
            tags: Activity values; empty for any.
        """
        wanted = set(tags)
        if category is not None and self.category != category:
            return False
        return not wanted or not wanted.isdisjoint(self.tags)


@dataclass(frozen=True)
class FaqEntry:
    """A frequently asked question with its phrasings and its answer."""

    id: str
    topic: str
    questions: TextList
    answer: Text


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got {value!r}")


def _json_default(value: Any) -> str:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"cannot put {type(value).__name__} into the content version")


def content_version(
    overview: Overview,
    venues: Iterable[Venue],
    events: Iterable[Event],
    faq: Iterable[FaqEntry],
    hotels: Iterable[Hotel] = (),
) -> str:
    """Returns the sha256 of the content in a canonical form.

    Formatting, comments and the order of venues, hotels or events in the files
    do not change it; any change of a value does.
    """
    payload = {
        "overview": asdict(overview),
        "venues": {venue.id: asdict(venue) for venue in venues},
        "hotels": {hotel.id: asdict(hotel) for hotel in hotels},
        "events": sorted((asdict(event) for event in events), key=lambda item: item["id"]),
        "faq": [asdict(entry) for entry in faq],
    }
    canonical = json.dumps(
        payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_json_default
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Content:
    """All content, checked and ready to answer questions.

    Build it with ``Content.build``; ``events`` are sorted by start time,
    ``hotels`` keep the order of the file.
    """

    overview: Overview
    venues: Mapping[str, Venue]
    events: tuple[Event, ...]
    faq: tuple[FaqEntry, ...]
    version: str = field(default="")
    hotels: tuple[Hotel, ...] = ()

    @classmethod
    def build(
        cls,
        overview: Overview,
        venues: Iterable[Venue],
        events: Iterable[Event],
        faq: Iterable[FaqEntry],
        hotels: Iterable[Hotel] = (),
    ) -> Content:
        """Assembles content from its parts: sorts events and computes the version."""
        venue_list = list(venues)
        event_list = sorted(events, key=lambda event: (event.start, event.end, event.id))
        faq_list = tuple(faq)
        hotel_list = tuple(hotels)
        return cls(
            overview=overview,
            venues=MappingProxyType({venue.id: venue for venue in venue_list}),
            events=tuple(event_list),
            faq=faq_list,
            version=content_version(overview, venue_list, event_list, faq_list, hotel_list),
            hotels=hotel_list,
        )

    def venue(self, venue_id: str | None) -> Venue | None:
        """Returns the venue with this id, or None if there is none."""
        return self.venues.get(venue_id or "")

    def hotel(self, hotel_id: str | None) -> Hotel | None:
        """Returns the hotel with this id, or None if there is none."""
        return next((hotel for hotel in self.hotels if hotel.id == hotel_id), None)

    def event(self, event_id: str | None) -> Event | None:
        """Returns the event with this id, or None if there is none."""
        return next((event for event in self.events if event.id == event_id), None)

    def route(self, hotel_id: str | None, venue_id: str | None) -> Text | None:
        """Returns the directions from a hotel to a venue, or None if there are none."""
        hotel = self.hotel(hotel_id)
        return hotel.route_to(venue_id) if hotel is not None else None

    def events_between(self, start: datetime, end: datetime) -> tuple[Event, ...]:
        """Returns the events that overlap the time window ``[start, end)``.

        An event overlaps when it starts before ``end`` and ends after ``start``;
        with ``start == end`` this gives the events running at that moment.

        Raises:
            ValueError: If a bound is a naive datetime.
        """
        _require_aware(start, "start")
        _require_aware(end, "end")
        return tuple(e for e in self.events if e.start < end and e.end > start)

    def events_on(self, day: date) -> tuple[Event, ...]:
        """Returns the events that take place (at least partly) on a local calendar day."""
        tz = local_timezone()
        start = datetime(day.year, day.month, day.day, tzinfo=tz)
        return self.events_between(start, start + timedelta(days=1))

    def events_in(self, category: str | None = None, tags: Iterable[str] = ()) -> tuple[Event, ...]:
        """Returns the events in ``category`` having at least one of ``tags``, by start time.

        Unknown category or tag names match nothing.
        """
        wanted = tuple(tags)
        return tuple(e for e in self.events if e.matches(category, wanted))

    def next_event(
        self, now: datetime, category: str | None = None, tags: Iterable[str] = ()
    ) -> Event | None:
        """Returns the first matching event that starts at or after ``now``, or None.

        Raises:
            ValueError: If ``now`` is a naive datetime.
        """
        _require_aware(now, "now")
        wanted = tuple(tags)
        return next(
            (e for e in self.events if e.start >= now and e.matches(category, wanted)), None
        )

    def faq_entry(self, entry_id: str) -> FaqEntry | None:
        """Returns the FAQ entry with this id, or None."""
        return next((entry for entry in self.faq if entry.id == entry_id), None)

    def faq_about(self, topic: str) -> tuple[FaqEntry, ...]:
        """Returns the FAQ entries on a topic, in file order."""
        return tuple(entry for entry in self.faq if entry.topic == topic)
