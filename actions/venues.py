"""Answers where a venue is: address, opening hours and a map link."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import reply_language
from actions.config import current_time
from actions.content import get_content
from actions.places import asked_venue
from actions.render import map_link, venue_lines
from actions.unanswered import note_unanswered


class ActionAnswerVenue(Action):
    """Answers ask_venue from content/venues.yml."""

    def name(self) -> Text:
        """Returns the action name used in domain.yml."""
        return "action_answer_venue"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        """Sends the asked venue's facts, or the list of venues."""
        note_unanswered(tracker)
        lang = reply_language(tracker)
        content = get_content()
        venue = asked_venue(content, tracker, current_time())
        if venue is None:
            dispatcher.utter_message(
                response="utter_venue_list", items=venue_lines(content.venues.values(), lang)
            )
            return []
        dispatcher.utter_message(
            response="utter_venue",
            name=venue.name.get(lang),
            address=venue.address.get(lang),
            hours=venue.opening_hours.get(lang),
            map=map_link(venue),
        )
        # Channels that can show a map pin (Telegram's sendVenue, Kakao's card) use this.
        dispatcher.utter_message(json_message={"venue": {
            "lat": venue.location.lat, "lon": venue.location.lon,
            "title": venue.name.get(lang), "address": venue.address.get(lang), "url": map_link(venue),
        }})
        return []
