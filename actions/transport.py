"""Answers "how do I get to …": by metro, bus or taxi, or from the airport and stations."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import origin_entity
from actions.places import VenueAction
from actions.render import route_text
from bot.content.model import Venue


class ActionAnswerTransport(VenueAction):
    """Answers ask_transport from the venues' directions in content/venues.yml."""

    action_name = "action_answer_transport"
    list_response = "utter_transport_ask_venue"

    def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, venue: Venue, lang: str
    ) -> None:
        """Sends directions to the venue: from the visitor's origin, or by metro, bus and taxi."""
        dispatcher.utter_message(
            response="utter_transport_route",
            venue=venue.name.get(lang),
            address=venue.address.get(lang),
            route=route_text(venue, lang, origin_entity(tracker)),
        )
