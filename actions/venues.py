"""Answers where a venue is: address, opening hours and a map link."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.places import VenueAction
from actions.render import map_link
from bot.content.model import Venue


class ActionAnswerVenue(VenueAction):
    """Answers ask_venue from content/venues.yml."""

    action_name = "action_answer_venue"
    list_response = "utter_venue_list"

    def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, venue: Venue, lang: str
    ) -> None:
        """Sends the venue's address, hours and map link, and a map pin for channels showing one."""
        dispatcher.utter_message(
            response="utter_venue",
            name=venue.name.get(lang),
            address=venue.address.get(lang),
            hours=venue.opening_hours.get(lang),
            map=map_link(venue),
        )
        dispatcher.utter_message(
            json_message={
                "venue": {
                    "lat": venue.location.lat,
                    "lon": venue.location.lon,
                    "title": venue.name.get(lang),
                    "address": venue.address.get(lang),
                    "url": map_link(venue),
                }
            }
        )
