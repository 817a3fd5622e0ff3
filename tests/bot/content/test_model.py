"""Tests for the content model and its queries (bot.content.model)."""

# Test names say what each test checks; they need no docstrings.

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.content.errors import ContentError, ContentInvalid
from bot.content.model import (
    ACTIVITIES,
    CATEGORIES,
    FAQ_TOPICS,
    ORIGINS,
    VENUE_IDS,
    Contact,
    Content,
    Event,
    FaqEntry,
    Hotel,
    Location,
    Note,
    Organiser,
    Overview,
    Route,
    Text,
    TextList,
    Transport,
    Venue,
    content_version,
    local_timezone,
)
from harness.project import ROOT

DESIGN = ROOT / "docs" / "design.md"
TZ = local_timezone()


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """Returns a Shenyang time in November 2026 (day > 30 runs into December)."""
    return datetime(2026, 11, 1, hour, minute, tzinfo=TZ) + timedelta(days=day - 1)


def text(value: str) -> Text:
    return Text(zh=f"{value}（中）", ko=f"{value} (한)")


def make_event(
    event_id: str,
    start: datetime,
    hours: float = 2,
    category: str = "forum",
    tags: tuple[str, ...] = ("forum",),
    venue: str = "forum_hotel",
) -> Event:
    return Event(
        id=event_id,
        name=text(event_id),
        category=category,
        tags=tags,
        start=start,
        end=start + timedelta(hours=hours),
        venue=venue,
        description=text("d"),
        how_to_join=text("j"),
        price=text("p"),
    )


def make_venue(venue_id: str) -> Venue:
    transport = Transport(
        *(text(name) for name in ("metro", "bus", "taxi", "airport", "north", "south", "shenyang"))
    )
    return Venue(
        id=venue_id,
        name=text(venue_id),
        address=text("a"),
        location=Location(41.8, 123.4),
        opening_hours=text("h"),
        transport=transport,
    )


OVERVIEW = Overview(
    sample_data=True,
    name=text("expo"),
    short_name=text("kw"),
    start=date(2026, 11, 26),
    end=date(2026, 12, 2),
    organisers=(Organiser(text("city"), text("host")),),
    description=text("d"),
    purpose=text("p"),
    website="https://example.org",
    contact=Contact("024-0000-0000", "kw@example.org", text("hours")),
    notice=text("sample"),
)
EVENTS = (
    make_event("food-1128", at(28, 17), 4.5, "food_festival", ("food_festival", "kimchi"), "xita"),
    make_event("opening", at(26, 9, 30), 1.5, "ceremony", ("opening_ceremony",), "expo_center"),
    make_event("go-match", at(28, 9, 30), 9.5, "go", ("go", "go_invitational"), "go_hall"),
    make_event(
        "food-1126", at(26, 17), 4.5, "food_festival", ("food_festival", "bibimbap"), "xita"
    ),
    make_event("forum-auto", at(26, 14), 3, "forum", ("forum", "forum_auto")),
)
FAQ = (
    FaqEntry("wifi", "facilities", TextList(("有WiFi吗",), ("와이파이?",)), text("yes")),
    FaqEntry("hotline", "contact", TextList(("电话",), ("전화",)), text("024")),
)
HOTELS = (
    Hotel(
        id="north_station_hotel",
        name=Text("北站酒店", "북역 호텔"),
        address=text("address"),
        location=Location(41.82, 123.44),
        routes=(Route("xita", text("taxi")), Route("expo_center", text("metro 2, 9"))),
        aliases=TextList(("北站那个酒店",), ("북역 호텔",)),
    ),
    Hotel(
        id="city_hotel",
        name=text("city"),
        address=text("address"),
        location=Location(41.80, 123.42),
        routes=(Route("go_hall", text("walk")),),
    ),
)


@pytest.fixture()
def content() -> Content:
    venues = [make_venue(v) for v in ("expo_center", "xita", "go_hall", "forum_hotel")]
    return Content.build(OVERVIEW, venues, EVENTS, FAQ, HOTELS)


def ids(events: tuple[Event, ...]) -> list[str]:
    return [event.id for event in events]


def test_text_get_returns_the_language_asked_and_chinese_otherwise() -> None:
    greeting = Text(zh="你好", ko="안녕하세요")
    assert greeting.get("ko") == "안녕하세요"
    assert greeting.get("zh") == "你好"
    assert greeting.get("en") == "你好"
    assert greeting.get(None) == "你好"
    assert TextList(zh=("a", "b"), ko=("c",)).get("ko") == ("c",)


def test_transport_for_origin_maps_origin_entity_values() -> None:
    transport = make_venue("xita").transport
    assert transport.for_origin("airport") == transport.from_airport
    assert transport.for_origin("north_station") == transport.from_north_station
    assert transport.for_origin("south_station") == transport.from_south_station
    assert transport.for_origin("shenyang_station") == transport.from_shenyang_station
    assert transport.for_origin("hotel") is None
    assert transport.for_origin(None) is None


def test_build_sorts_events_by_start_and_freezes_venues(content: Content) -> None:
    assert ids(content.events) == ["opening", "forum-auto", "food-1126", "go-match", "food-1128"]
    with pytest.raises(TypeError):
        content.venues["museum"] = make_venue("museum")  # type: ignore[index]


def test_venue_lookup(content: Content) -> None:
    assert content.venue("xita") is not None
    assert content.venue("xita").name == text("xita")  # type: ignore[union-attr]
    assert content.venue("museum") is None
    assert content.venue(None) is None


def test_hotel_and_route_lookups(content: Content) -> None:
    assert content.hotels == HOTELS
    assert content.hotel("city_hotel") is HOTELS[1]
    assert content.hotel("xita") is None and content.hotel(None) is None
    assert content.route("north_station_hotel", "expo_center") == text("metro 2, 9")
    assert HOTELS[0].route_to("xita") == text("taxi")
    assert content.route("north_station_hotel", "go_hall") is None
    assert content.route("nowhere", "xita") is None
    assert content.route("city_hotel", None) is None


def test_names_give_the_name_in_both_languages_then_the_aliases() -> None:
    assert HOTELS[0].names() == ("北站酒店", "북역 호텔", "北站那个酒店", "북역 호텔")
    assert HOTELS[1].names() == ("city（中）", "city (한)")
    venue = replace(make_venue("xita"), aliases=TextList(("西塔街",), ("서탑",)))
    assert venue.names() == ("xita（中）", "xita (한)", "西塔街", "서탑")
    event = replace(EVENTS[1], aliases=TextList(("开幕式", "開幕式"), ("개막식",)))
    assert event.names()[2:] == ("开幕式", "開幕式", "개막식")


def test_event_lookup_and_optional_details(content: Content) -> None:
    assert content.event("opening") is EVENTS[1]
    assert content.event("nothing") is None and content.event(None) is None
    event = EVENTS[0]
    assert (event.aliases, event.eligibility, event.bring, event.photos) == (None,) * 4
    assert event.notes == ()
    note = Note(TextList(("几个人一队",), ("몇 명이 한 팀?",)), text("3"))
    assert replace(event, notes=(note,)).notes[0].answer.get("ko") == "3 (한)"


def test_events_between_returns_overlapping_events_only(content: Content) -> None:
    # 26 Nov 11:00-17:00: the opening ends at 11:00 exactly and the food festival
    # starts at 17:00 exactly, so only the forum overlaps.
    assert ids(content.events_between(at(26, 11), at(26, 17))) == ["forum-auto"]
    assert ids(content.events_between(at(26, 10), at(26, 14, 30))) == ["opening", "forum-auto"]
    assert content.events_between(at(27, 0), at(28, 0)) == ()


def test_events_between_with_an_instant_gives_running_events(content: Content) -> None:
    assert ids(content.events_between(at(28, 18), at(28, 18))) == ["go-match", "food-1128"]


def test_events_on_a_day(content: Content) -> None:
    assert ids(content.events_on(date(2026, 11, 26))) == ["opening", "forum-auto", "food-1126"]
    assert content.events_on(date(2026, 11, 27)) == ()


def test_queries_reject_naive_datetimes(content: Content) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        content.events_between(datetime(2026, 11, 26, 9), at(27, 0))
    with pytest.raises(ValueError, match="timezone-aware"):
        content.next_event(datetime(2026, 11, 26, 9))


def test_events_in_filters_by_category_and_any_tag(content: Content) -> None:
    assert ids(content.events_in("food_festival")) == ["food-1126", "food-1128"]
    assert ids(content.events_in(tags=["kimchi"])) == ["food-1128"]
    assert ids(content.events_in(tags=("kimchi", "go"))) == ["go-match", "food-1128"]
    assert ids(content.events_in("go", tags=["kimchi"])) == []
    assert content.events_in("no_such_category") == ()
    assert len(content.events_in()) == len(EVENTS)


def test_next_event_is_the_first_to_start_at_or_after_now(content: Content) -> None:
    assert content.next_event(at(26, 8)).id == "opening"  # type: ignore[union-attr]
    assert content.next_event(at(26, 9, 30)).id == "opening"  # type: ignore[union-attr]
    # At 10:00 the opening is running, but it is not "next".
    assert content.next_event(at(26, 10)).id == "forum-auto"  # type: ignore[union-attr]
    nxt = content.next_event(at(26, 10), category="food_festival")
    assert nxt is not None and nxt.id == "food-1126"
    nxt = content.next_event(at(26, 18), tags=["food_festival"])
    assert nxt is not None and nxt.id == "food-1128"
    assert content.next_event(at(29, 0)) is None
    assert content.next_event(at(26, 0), category="concert") is None


def test_next_event_works_with_other_timezones(content: Content) -> None:
    seoul = ZoneInfo("Asia/Seoul")
    # 10:00 in Seoul is 09:00 in Shenyang: the opening at 09:30 is next.
    nxt = content.next_event(datetime(2026, 11, 26, 10, tzinfo=seoul))
    assert nxt is not None and nxt.id == "opening"


def test_faq_lookups(content: Content) -> None:
    assert content.faq_entry("wifi") == FAQ[0]
    assert content.faq_entry("nothing") is None
    assert content.faq_about("contact") == (FAQ[1],)


def test_version_is_stable_for_equal_content(content: Content) -> None:
    venues = [make_venue(v) for v in ("forum_hotel", "go_hall", "xita", "expo_center")]
    again = Content.build(OVERVIEW, venues, reversed(EVENTS), FAQ, reversed(HOTELS))
    assert re.fullmatch(r"[0-9a-f]{64}", content.version)
    assert again.version == content.version


def test_version_ignores_the_order_events_are_given_in(content: Content) -> None:
    venues = list(content.venues.values())
    assert (
        content_version(OVERVIEW, venues, reversed(EVENTS), FAQ, HOTELS)
        == content_version(OVERVIEW, venues, EVENTS, FAQ, HOTELS)
        == content.version
    )


@pytest.mark.parametrize(
    "change",
    [
        lambda o, e, f: (replace(o, notice=Text(o.notice.zh, "바뀜")), e, f),  # type: ignore
        lambda o, e, f: (o, (replace(e[0], end=e[0].end + timedelta(minutes=1)), *e[1:]), f),
        lambda o, e, f: (o, e[1:], f),
        lambda o, e, f: (o, e, tuple(reversed(f))),
        lambda o, e, f: (replace(o, sample_data=False), e, f),
    ],
    ids=["text", "time", "removed-event", "faq-order", "sample-flag"],
)
def test_version_changes_when_content_changes(content: Content, change) -> None:
    overview, events, faq = change(OVERVIEW, EVENTS, FAQ)
    venues = list(content.venues.values())
    assert Content.build(overview, venues, events, faq).version != content.version


@pytest.mark.parametrize(
    "change",
    [
        lambda v, e, h: (v, (replace(e[0], aliases=TextList(("美食",), ("음식",))), *e[1:]), h),
        lambda v, e, h: (v, (replace(e[0], photos=text("no flash")), *e[1:]), h),
        lambda v, e, h: (
            v,
            (replace(e[0], notes=(Note(TextList(("q",), ("q",)), text("a")),)),) + e[1:],
            h,
        ),
        lambda v, e, h: ((replace(v[0], parking=text("2000")), *v[1:]), e, h),
        lambda v, e, h: (v, e, h[1:]),
        lambda v, e, h: (v, e, (replace(h[0], routes=h[0].routes[:1]), *h[1:])),
    ],
    ids=["event-aliases", "photos", "notes", "parking", "removed-hotel", "route"],
)
def test_version_covers_the_optional_fields_and_hotels(content: Content, change) -> None:
    venues, events, hotels = change(list(content.venues.values()), EVENTS, HOTELS)
    assert Content.build(OVERVIEW, venues, events, FAQ, hotels).version != content.version


def test_content_error_str_names_file_line_and_field() -> None:
    error = ContentError("events.yml", 42, "events[3].start", "start must be a date")
    assert str(error) == "events.yml:42: events[3].start: start must be a date"
    assert (
        str(ContentError("faq.yml", None, "", "the file is missing"))
        == "faq.yml: the file is missing"
    )
    assert str(ContentError("faq.yml", 3, "", "bad layout")) == "faq.yml:3: bad layout"


def test_content_invalid_lists_every_problem_in_file_order() -> None:
    errors = [
        ContentError("faq.yml", 2, "faq[0].id", "b"),
        ContentError("events.yml", 9, "events[1].end", "c"),
        ContentError("events.yml", 3, "events[0].start", "a"),
    ]
    exc = ContentInvalid(errors)
    assert [e.line for e in exc.errors] == [3, 9, 2]
    assert str(exc).splitlines() == [
        "3 problems in the content files:",
        "  events.yml:3: events[0].start: a",
        "  events.yml:9: events[1].end: c",
        "  faq.yml:2: faq[0].id: b",
    ]


def _design_values(pattern: str) -> set[str]:
    match = re.search(pattern, DESIGN.read_text(encoding="utf-8"), re.S)
    assert match, f"docs/design.md no longer has {pattern!r}"
    return set(re.findall(r"`([a-z_]+)`", match.group(1)))


def test_allowed_names_match_docs_design() -> None:
    assert set(ACTIVITIES) == _design_values(r"\| `activity` \|([^\n]*)")
    assert set(VENUE_IDS) == _design_values(r"\| `venue` \|([^\n]*)")
    assert set(ORIGINS) == _design_values(r"\| `origin` \|([^\n]*)")
    assert set(CATEGORIES) == _design_values(r"`category` \(([^)]*)\)")
    assert set(FAQ_TOPICS) == _design_values(r"`topic`\s*\(([^)]*)\)")
