"""Venues, directions and shared locations: named, through an item, remembered, nearest."""

import pytest

from actions.answers import ActionAnswerLocation, ActionAnswerTransport, ActionAnswerVenue
from actions.context import ORIGIN, TOPIC, VENUE
from actions.place_answers import distance_km, nearest_venue
from tests.support.agent import assert_language, entity, make_tracker, run_action


@pytest.mark.parametrize("lang", ["zh", "ko"])
def test_route_to_a_named_venue(fixed_clock, content, lang) -> None:
    tracker = make_tracker(
        "怎么去西塔", "ask_transport", [entity("venue", "xita", 3, 5)], language=lang
    )
    messages, events = run_action(ActionAnswerTransport(), tracker)
    venue = content.venue("xita")
    assert venue.name.get(lang) in messages[0]["text"]
    assert venue.transport.metro.get(lang) in messages[0]["text"]
    assert_language(messages[0]["text"], lang)
    assert {"event": "slot", "timestamp": None, "name": VENUE, "value": "xita"} in events


def test_route_from_the_airport(fixed_clock, content) -> None:
    text = "从机场怎么去展览中心"
    tracker = make_tracker(
        text,
        "ask_transport",
        [entity("origin", "airport", 1, 3), entity("venue", "expo_center", 6, 10)],
        language="zh",
    )
    messages, _ = run_action(ActionAnswerTransport(), tracker)
    assert content.venue("expo_center").transport.from_airport.zh in messages[0]["text"]


def test_route_from_a_hotel_named_in_the_content(fixed_clock, content) -> None:
    hotel = content.hotels[0]
    route = hotel.routes[0]
    venue = content.venue(route.venue)
    text = f"从{hotel.name.zh}去{venue.name.zh}怎么走"
    messages, _ = run_action(
        ActionAnswerTransport(), make_tracker(text, "ask_transport", language="zh")
    )
    assert route.directions.zh in messages[0]["text"]


def test_an_origin_follow_up_is_answered_for_the_remembered_venue(fixed_clock, content) -> None:
    tracker = make_tracker(
        "从南站过去呢",
        "inform",
        [entity("origin", "south_station", 1, 3)],
        language="zh",
        slots={TOPIC: "transport", VENUE: "xita"},
    )
    messages, events = run_action(ActionAnswerTransport(), tracker)
    assert content.venue("xita").transport.from_south_station.zh in messages[0]["text"]
    assert {"event": "slot", "timestamp": None, "name": ORIGIN, "value": "south_station"} in events


def test_route_to_an_activity_goes_to_its_venue(fixed_clock, content) -> None:
    tracker = make_tracker(
        "음악회 가는 법", "ask_transport", [entity("activity", "concert")], language="ko"
    )
    messages, _ = run_action(ActionAnswerTransport(), tracker)
    concert = content.events_in("concert")[0]
    assert content.venue(concert.venue).name.ko in messages[0]["text"]


def test_no_venue_asks_which_one(fixed_clock, content) -> None:
    messages, _ = run_action(
        ActionAnswerTransport(), make_tracker("怎么走", "ask_transport", language="zh")
    )
    assert messages[0]["response"] == "utter_transport_ask_venue"


@pytest.mark.parametrize("lang", ["zh", "ko"])
def test_shared_location_gets_the_nearest_venue_in_the_conversation_language(
    fixed_clock, content, lang
) -> None:
    museum = content.venue("museum")
    location = {
        "lat": museum.location.lat + 0.001,
        "lon": museum.location.lon,
        "label": "沈阳市浑南区智慧三街",
    }
    tracker = make_tracker(
        "/share_location", "share_location", language=lang, metadata={"location": location}
    )
    messages, _ = run_action(ActionAnswerLocation(), tracker)
    assert museum.name.get(lang) in messages[0]["text"]
    assert_language(messages[0]["text"].split("http")[0], lang)
    assert messages[1]["custom"]["venue"]["lat"] == museum.location.lat


def test_parking_is_answered_for_the_remembered_venue(fixed_clock, content) -> None:
    tracker = make_tracker(
        "주차돼요?",
        "ask_facilities",
        [entity("aspect", "parking")],
        language="ko",
        slots={TOPIC: "transport", VENUE: "xita"},
    )
    messages, _ = run_action(ActionAnswerVenue(), tracker)
    assert content.venue("xita").parking.ko in messages[0]["text"].splitlines()[0]


def test_venue_facts_and_map_pin(fixed_clock, content) -> None:
    tracker = make_tracker(
        "체육관 주소", "ask_venue", [entity("venue", "gymnasium")], language="ko"
    )
    messages, _ = run_action(ActionAnswerVenue(), tracker)
    venue = content.venue("gymnasium")
    assert venue.address.ko in messages[0]["text"] and venue.opening_hours.ko in messages[0]["text"]
    assert messages[1]["custom"]["venue"]["lat"] == venue.location.lat


def test_venue_list_without_a_name(fixed_clock) -> None:
    messages, _ = run_action(
        ActionAnswerVenue(), make_tracker("场馆在哪", "ask_venue", language="zh")
    )
    assert messages[0]["response"] == "utter_venue_list"


def test_distance_and_nearest(content) -> None:
    assert distance_km(41.8, 123.4, 41.8, 123.4) == 0
    assert 110 < distance_km(41.0, 123.0, 42.0, 123.0) < 112
    xita = content.venue("xita")
    assert nearest_venue(content, xita.location.lat, xita.location.lon).id == "xita"


def test_origin_inside_a_venue_name_is_ignored() -> None:
    from actions.common import origin_entity

    text = "怎么去香格里拉大酒店"
    start = text.index("香格里拉大酒店")
    entities = [
        {"entity": "venue", "value": "forum_hotel", "start": start, "end": len(text)},
        {"entity": "origin", "value": "hotel", "start": len(text) - 2, "end": len(text)},
    ]
    assert origin_entity(entities) is None
    entities.append({"entity": "origin", "value": "airport", "start": 0, "end": 2})
    assert origin_entity(entities) == "airport"
