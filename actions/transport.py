"""Answers "how do I get to …": by metro, bus or taxi, or from the airport and stations."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import origin_entity, reply_language
from actions.config import current_time
from actions.content import get_content
from actions.places import asked_venue
from actions.render import route_text, venue_lines
from actions.unanswered import note_unanswered


class ActionAnswerTransport(Action):
    """Answers ask_transport from the venues' directions in content/venues.yml."""

    def name(self) -> Text:
        """Returns the action name used in domain.yml."""
        return "action_answer_transport"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        """Sends directions to the asked venue, or asks which venue."""
        note_unanswered(tracker)
        lang = reply_language(tracker)
        content = get_content()
        venue = asked_venue(content, tracker, current_time())
        if venue is None:
            dispatcher.utter_message(
                response="utter_transport_ask_venue", items=venue_lines(content.venues.values(), lang)
            )
            return []
        dispatcher.utter_message(
            response="utter_transport_route",
            venue=venue.name.get(lang),
            address=venue.address.get(lang),
            route=route_text(venue, lang, origin_entity(tracker)),
        )
        return []
