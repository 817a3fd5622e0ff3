"""Transport and venue actions: named venue, venue of an activity, origin, nearest venue."""

import pytest

from actions.places import distance_km, nearest_venue
from actions.transport import ActionAnswerTransport
from actions.venues import ActionAnswerVenue
from tests.support.agent import assert_language, entity, make_tracker, run_action


@pytest.mark.parametrize("lang", ["zh", "ko"])
def test_route_to_a_named_venue(fixed_clock, content, lang) -> None:
    tracker = make_tracker("怎么去西塔", "ask_transport", [entity("venue", "xita")], language=lang)
    messages, _ = run_action(ActionAnswerTransport(), tracker)
    venue = content.venue("xita")
    assert messages[0]["response"] == "utter_transport_route"
    assert messages[0]["venue"] == venue.name.get(lang)
    assert venue.transport.metro.get(lang) in messages[0]["route"]
    assert_language(messages[0]["route"], lang)


def test_route_from_the_airport(fixed_clock, content) -> None:
    tracker = make_tracker(
        "从机场怎么去展览中心",
        "ask_transport",
        [entity("origin", "airport"), entity("venue", "expo_center")],
        language="zh",
    )
    messages, _ = run_action(ActionAnswerTransport(), tracker)
    assert content.venue("expo_center").transport.from_airport.zh in messages[0]["route"]


def test_route_to_an_activity_goes_to_its_venue(fixed_clock, content) -> None:
    tracker = make_tracker(
        "음악회 가는 법", "ask_transport", [entity("activity", "concert")], language="ko"
    )
    messages, _ = run_action(ActionAnswerTransport(), tracker)
    concert = content.events_in("concert")[0]
    assert messages[0]["venue"] == content.venue(concert.venue).name.ko


def test_no_venue_asks_which_one(fixed_clock, content) -> None:
    messages, _ = run_action(
        ActionAnswerTransport(), make_tracker("怎么走", "ask_transport", language="zh")
    )
    assert messages[0]["response"] == "utter_transport_ask_venue"
    assert all(v.name.zh in messages[0]["items"] for v in content.venues.values())


def test_shared_location_picks_the_nearest_venue(fixed_clock, content) -> None:
    museum = content.venue("museum")
    metadata = {"location": {"lat": museum.location.lat + 0.001, "lon": museum.location.lon}}
    tracker = make_tracker("导航", "ask_transport", language="zh", metadata=metadata)
    messages, _ = run_action(ActionAnswerTransport(), tracker)
    assert messages[0]["venue"] == museum.name.zh


def test_venue_facts_and_map_pin(fixed_clock, content) -> None:
    tracker = make_tracker(
        "체육관 주소", "ask_venue", [entity("venue", "gymnasium")], language="ko"
    )
    messages, _ = run_action(ActionAnswerVenue(), tracker)
    venue = content.venue("gymnasium")
    assert (
        messages[0]["address"] == venue.address.ko
        and messages[0]["hours"] == venue.opening_hours.ko
    )
    assert messages[1]["custom"]["venue"]["lat"] == venue.location.lat


def test_venue_list_without_a_name(fixed_clock, content) -> None:
    messages, _ = run_action(
        ActionAnswerVenue(), make_tracker("场馆在哪", "ask_venue", language="zh")
    )
    assert messages[0]["response"] == "utter_venue_list"


def test_distance_and_nearest(content) -> None:
    assert distance_km(41.8, 123.4, 41.8, 123.4) == 0
    assert 110 < distance_km(41.0, 123.0, 42.0, 123.0) < 112
    xita = content.venue("xita")
    assert nearest_venue(content, xita.location.lat, xita.location.lon).id == "xita"


def test_origin_inside_a_venue_name_is_ignored(fixed_clock, content) -> None:
    text = "怎么去香格里拉大酒店"
    start = text.index("香格里拉大酒店")
    entities = [
        {"entity": "venue", "value": "forum_hotel", "start": start, "end": len(text)},
        {"entity": "origin", "value": "hotel", "start": len(text) - 2, "end": len(text)},
    ]
    from actions.common import origin_entity

    assert origin_entity(make_tracker(text, "ask_transport", entities)) is None
    entities.append({"entity": "origin", "value": "airport", "start": 0, "end": 2})
    assert origin_entity(make_tracker(text, "ask_transport", entities)) == "airport"
