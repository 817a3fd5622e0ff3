"""Answers about places: where a venue is, how to get there, and from a shared location.

The venue is the one the message names, else the venue of the items it names,
else the venue the conversation is about (or the venue of its items). Directions
come from the visitor's origin when known (airport, stations, a hotel) and by
metro, bus and taxi otherwise; a shared location gets the venue in context, or
the nearest one, with its distance. The asked detail (parking, opening hours)
leads. Pure composition; the actions are in ``actions.places``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import fields

from actions.answering import Answer, Ask, text_message
from actions.coverage import mentions
from actions.event_answers import in_window, main_session, selector_for
from actions.render import map_link, venue_lines
from actions.screen import fit
from bot.content.model import Content, Text, Venue
from bot.nlu.language import fold
from bot.nlu.lexicon import transport_mode

#: Below this distance, walking is the answer.
WALKING_KM = 1.2


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points, in kilometres (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def nearest_venue(content: Content, lat: float, lon: float) -> Venue | None:
    """The venue closest to a point, or None if there are no venues."""
    return min(
        content.venues.values(),
        key=lambda v: distance_km(lat, lon, v.location.lat, v.location.lon),
        default=None,
    )


def venue_for(ask: Ask, use_context: bool = True) -> Venue | None:
    """The venue a question is about: named, through named items, or remembered."""
    q, content = ask.question, ask.content
    if q.venues:
        return content.venue(q.venues[0])
    if q.events or q.activities:
        selector = selector_for(ask, None)
        events = selector.resolve(ask.content) if selector else ()
        if events:
            return content.venue(main_session(in_window(events, q.window) or events, ask).venue)
    if not use_context:
        return None
    if ask.context.venue and content.venue(ask.context.venue):
        return content.venue(ask.context.venue)
    if ask.context.event:
        events = ask.context.event.resolve(ask.content)
        window = ask.context.window
        if events:
            return content.venue(main_session(in_window(events, window) or events, ask).venue)
    return None


def venue_pin(venue: Venue, lang: str) -> dict:
    """A map pin for channels that show one (a custom payload the connectors render)."""
    return {
        "json_message": {
            "venue": {
                "lat": venue.location.lat,
                "lon": venue.location.lon,
                "title": venue.name.get(lang),
                "address": venue.address.get(lang),
                "url": map_link(venue),
            }
        }
    }


def _directions(ask: Ask, venue: Venue, origin: str | None) -> list[str]:
    """From the origin when there are directions from it, else by metro, bus and taxi."""
    lang = ask.lang
    route: Text | None = None
    if origin:
        route = ask.content.route(origin, venue.id) or venue.transport.for_origin(origin)
    if route is not None:
        return [ask.say("utter_piece_route", route=route.get(lang))]
    transport = venue.transport
    lines = {
        "metro": ask.say("utter_piece_metro", metro=transport.metro.get(lang)),
        "taxi": ask.say("utter_piece_taxi", taxi=transport.taxi.get(lang)),
        "bus": ask.say("utter_piece_bus", bus=transport.bus.get(lang)),
    }
    asked = transport_mode(ask.question.text)  # "택시로는요?": the taxi first
    return (
        [lines[asked]] + [v for k, v in lines.items() if k != asked] if asked else [*lines.values()]
    )


def _parking(ask: Ask, venue: Venue) -> str | None:
    return (
        ask.say("utter_piece_parking", parking=venue.parking.get(ask.lang))
        if venue.parking
        else None
    )


def choose_venue(ask: Ask, response: str) -> Answer:
    """No venue named or remembered: list the venues and ask which one."""
    lines = venue_lines(ask.content.venues.values(), ask.lang).split("\n")
    return Answer(
        [{"response": response, "items": "\n".join(lines)}],
        ask.context.moved_to(topic="transport" if "transport" in response else "venue"),
    )


def compose_transport(ask: Ask, venue: Venue, lead: list[str] | None = None) -> Answer:
    """Directions to a venue, from the visitor's origin when known."""
    origin = ask.question.origin or ask.context.origin
    lines = [*(lead or [])]
    if "parking" in ask.question.aspects and (parking := _parking(ask, venue)):
        lines.append(parking)
    head = ask.say(
        "utter_piece_to_venue", venue=venue.name.get(ask.lang), address=venue.address.get(ask.lang)
    )
    body = fit([*lines, head, *_directions(ask, venue, origin)], keep=len(lines) + 1)
    context = ask.context.moved_to(topic="transport", venue=venue.id, origin=origin)
    return Answer([text_message(body)], context)


def covering_venue_line(ask: Ask, venue: Venue, words: Sequence[str]) -> str | None:
    """The venue's text that mentions most of the asked words ("픽업" in the airport route)."""
    transport = venue.transport
    texts = [venue.opening_hours, venue.parking]
    texts += [getattr(transport, f.name) for f in fields(transport)]
    best, best_count = None, 0
    for text in texts:
        if text is None:
            continue
        count = sum(mentions(fold(f"{text.zh} {text.ko}"), w) for w in words)
        if count > best_count:
            best, best_count = text.get(ask.lang), count
    return best


def compose_venue(ask: Ask, venue: Venue, lead: Sequence[str] = ()) -> Answer:
    """A venue: the asked detail (parking, opening hours) first, then address, hours, map."""
    lang, aspects = ask.lang, ask.question.aspects
    if "transport" in aspects or "duration" in aspects:
        return compose_transport(ask, venue, list(lead))
    lead = list(lead)
    if "parking" in aspects and (parking := _parking(ask, venue)):
        lead.append(parking)
    if "hours" in aspects:
        lead.append(ask.say("utter_piece_hours", hours=venue.opening_hours.get(lang)))
    head = [
        venue.name.get(lang),
        ask.say("utter_piece_address", address=venue.address.get(lang)),
        ask.say("utter_piece_hours", hours=venue.opening_hours.get(lang)),
        ask.say("utter_piece_map", url=map_link(venue)),
    ]
    lines = fit([*lead, *[line for line in head if line not in lead]], keep=len(lead) + 1)
    context = ask.context.moved_to(topic="venue", venue=venue.id)
    return Answer([text_message(lines), venue_pin(venue, lang)], context)


def compose_location(ask: Ask) -> Answer:
    """Directions from a shared location to the venue in context, or to the nearest venue."""
    point = ask.question.location
    if point is None:
        return choose_venue(ask, "utter_transport_ask_venue")
    remembered = ask.context.topic in ("event", "venue", "transport")
    venue = venue_for(ask) if remembered else None
    nearest = venue is None
    venue = venue or nearest_venue(ask.content, *point)
    if venue is None:
        return choose_venue(ask, "utter_transport_ask_venue")
    km = distance_km(point[0], point[1], venue.location.lat, venue.location.lon)
    name = venue.name.get(ask.lang)
    head = ask.say(
        "utter_piece_nearest" if nearest else "utter_piece_distance", venue=name, km=f"{km:.1f}"
    )
    lines = [head]
    if km <= WALKING_KM:
        lines.append(ask.say("utter_piece_walk", minutes=max(1, round(km / 0.075))))
    else:
        transport = venue.transport
        lines += [
            ask.say("utter_piece_taxi", taxi=transport.taxi.get(ask.lang)),
            ask.say("utter_piece_metro", metro=transport.metro.get(ask.lang)),
        ]
    lines.append(ask.say("utter_piece_map", url=map_link(venue)))
    context = ask.context.moved_to(topic="transport", venue=venue.id, origin=None)
    return Answer([text_message(fit(lines, keep=1)), venue_pin(venue, ask.lang)], context)
