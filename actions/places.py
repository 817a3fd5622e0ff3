"""Which venue a question is about: named, through an activity, or nearest to a location.

``VenueAction`` is the base of the actions that answer about one venue (directions,
address): it finds the venue, or lists the venues when the question names none.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import entity_values, first_entity, latest_metadata, reply_language
from actions.content import get_content
from actions.render import venue_lines
from actions.unanswered import note_unanswered
from bot.content.model import Content, Venue
from bot.settings import get_settings


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


def venue_of_activity(content: Content, activities: Sequence[str], now: datetime) -> Venue | None:
    """The venue of the next session of the first named activity that has sessions."""
    for activity in activities:
        events = content.events_in(tags=[activity]) or content.events_in(category=activity)
        if events:
            upcoming = [e for e in events if e.end > now]
            return content.venue((upcoming or list(events))[0].venue)
    return None


def asked_venue(content: Content, tracker: Tracker, now: datetime) -> Venue | None:
    """The venue the latest message is about, if it names or implies one.

    A `venue` entity wins, then an `activity` entity (its venue), then a location
    the visitor shared (the nearest venue).
    """
    venue = content.venue(first_entity(tracker, "venue"))
    if venue is not None:
        return venue
    venue = venue_of_activity(content, entity_values(tracker, "activity"), now)
    if venue is not None:
        return venue
    location = latest_metadata(tracker).get("location") or {}
    try:
        return nearest_venue(content, float(location["lat"]), float(location["lon"]))
    except (KeyError, TypeError, ValueError):
        return None


class VenueAction(Action, ABC):
    """Answers about the venue a question names; lists the venues when it names none.

    Subclasses set ``action_name`` and ``list_response`` (a response with an
    ``{items}`` slot for the venue list) and implement ``answer``.
    """

    action_name: str
    list_response: str

    def name(self) -> str:
        """Returns the action name used in domain.yml."""
        return self.action_name

    @abstractmethod
    def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, venue: Venue, lang: str
    ) -> None:
        """Sends the answer about ``venue`` in ``lang``."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Finds the venue and answers, or lists the venues."""
        note_unanswered(tracker)
        lang = reply_language(tracker)
        content = get_content()
        venue = asked_venue(content, tracker, get_settings().current_time())
        if venue is None:
            dispatcher.utter_message(
                response=self.list_response, items=venue_lines(content.venues.values(), lang)
            )
        else:
            self.answer(dispatcher, tracker, venue, lang)
        return []
