"""The actions that answer from the content, one per kind of question (see actions.planner)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answering import ContentAction, build_ask
from actions.common import reply_language
from actions.context import MORE, TOPIC, pending_lines
from actions.listing import paginate
from actions.phrases import Phrases


class ActionAnswerSchedule(ContentAction):
    """What is on: a day, a part of a day, next, or the week."""

    action_name, asked = "action_answer_schedule", "schedule"
    topic = "schedule"


class ActionAnswerEvent(ContentAction):
    """A programme item: the food festival, taekwondo, Go, forums, exhibition, concert, ..."""

    action_name, asked = "action_answer_event", "event"
    topic = "event"


class ActionAnswerVenue(ContentAction):
    """Where a venue is: address, opening hours, parking, map."""

    action_name, asked = "action_answer_venue", "venue"
    topic = "venue"


class ActionAnswerTransport(ContentAction):
    """How to get to a venue, from the visitor's origin when known."""

    action_name, asked = "action_answer_transport", "transport"
    topic = "transport"


class ActionAnswerLocation(ContentAction):
    """Directions from a shared location."""

    action_name, asked = "action_answer_location", "location"
    topic = "transport"


class ActionAnswerFaq(ContentAction):
    """Tickets, facilities, contacts, media, exhibitors, tourism: the FAQ."""

    action_name, asked = "action_answer_faq", "faq"
    topic = "faq"


class ActionFallback(ContentAction):
    """The NLU was unsure: a named subject, a follow-up, the FAQ, or "I don't know"."""

    action_name, asked = "action_fallback", "fallback"


class ActionAnswerOverview(ContentAction):
    """The event as a whole: what, when, who organises it."""

    action_name, asked = "action_answer_overview", "overview"
    topic = "overview"


class ActionShowMore(ContentAction):
    """The next page of a long list (the "more" button).

    "打糕还有吗" names an item: it asks whether the item is still on, and is
    answered about it, the conversation's topic unchanged.
    """

    action_name, asked = "action_show_more", "event"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Sends the next page of the lines kept, or says there is nothing more."""
        ask = build_ask(tracker, domain)
        if ask.question.events or ask.question.activities:
            events = await super().run(dispatcher, tracker, domain)
            return [e for e in events if e.get("name") != TOPIC]
        lines = pending_lines(tracker.current_slot_values())
        if not lines:
            dispatcher.utter_message(response="utter_nothing_more")
            return []
        lang = reply_language(tracker)
        page = paginate(lines, lang, Phrases(domain))
        message: dict[str, Any] = {"text": "\n".join(page.shown)}
        if page.buttons:
            message["buttons"] = page.buttons
        dispatcher.utter_message(**message)
        return [SlotSet(MORE, page.rest or None)]
