"""From a question to an answer: which subject, which aspect, which composer.

The rules (nlu_data/rules.yml) choose the action from the intent and, for
follow-ups, from the ``topic`` the conversation is about; each action says what
kind of question it takes (``asked``). The planner then looks at what the
message itself names: a named programme item is answered about that item even
when the intent was "schedule" ("when is the opening ceremony"); directions and
parking are answered about the venue of the item in question; a detail the item
has no field for (id documents at the concert) comes from the FAQ; and a
question nothing fits gets an honest "I don't have that information".
"""

from __future__ import annotations

from actions.answering import Answer, Ask
from actions.event_answers import EVENT_ASPECTS, compose_event, select
from actions.faq import INTENT_TOPICS, compose_entry, compose_faq, compose_no_info, confident
from actions.place_answers import (
    choose_venue,
    compose_location,
    compose_transport,
    compose_venue,
    venue_for,
)
from actions.schedule import compose_schedule
from bot.nlu.language import is_han, is_hangul

CATEGORY_OF_INTENT = {
    "ask_food_festival": "food_festival",
    "ask_taekwondo": "taekwondo",
    "ask_go_events": "go",
    "ask_forums": "forum",
    "ask_exhibition": "exhibition",
    "ask_concert": "concert",
}
VENUE_ASPECTS = ("parking", "hours")
TRAVEL_ASPECTS = ("transport",)
#: A message with fewer letters than this is not a question we failed to answer.
QUESTION_LETTERS = 3


def _faq_line(ask: Ask) -> str | None:
    entry = confident(ask)
    return entry.answer.get(ask.lang) if entry is not None else None


def _event(ask: Ask) -> Answer:
    q = ask.question
    selection = select(ask, CATEGORY_OF_INTENT.get(q.intent))
    if selection is None:
        return compose_schedule(ask)
    wants_travel = any(a in TRAVEL_ASPECTS for a in q.aspects) or (q.origin and not q.window)
    if wants_travel or any(a in VENUE_ASPECTS for a in q.aspects):
        venue = venue_for(ask)
        if venue is not None:
            return compose_transport(ask, venue) if wants_travel else compose_venue(ask, venue)
    event_aspects = [a for a in q.aspects if a in EVENT_ASPECTS]
    if q.intent in INTENT_TOPICS and not event_aspects and not q.names_subject:
        # A general question while the conversation is about an item ("Wi-Fi?").
        return compose_faq(ask)
    return compose_event(ask, selection, _faq_line(ask))


def _schedule(ask: Ask) -> Answer:
    q = ask.question
    if q.events or q.activities:
        return _event(ask)
    if q.venues and not q.window:
        return _venue(ask)
    if q.origin and not q.window:
        return _transport(ask)
    return compose_schedule(ask)


def _venue(ask: Ask) -> Answer:
    q = ask.question
    if (q.events or q.activities) and any(a in EVENT_ASPECTS for a in q.aspects):
        return _event(ask)
    venue = venue_for(ask)
    if q.intent in INTENT_TOPICS and not any(a in VENUE_ASPECTS for a in q.aspects):
        return compose_faq(ask)
    if venue is None:
        return choose_venue(ask, "utter_venue_list")
    return compose_venue(ask, venue)


def _transport(ask: Ask) -> Answer:
    q = ask.question
    venue = venue_for(ask, use_context=not q.location)
    entry = confident(ask)
    travel_faq = entry is not None and entry.topic in ("transport", "facilities")
    if venue is None:
        if entry is not None:
            return compose_entry(ask, entry)
        if q.location:
            return compose_location(ask)
        return choose_venue(ask, "utter_transport_ask_venue")
    named = q.venues or q.events or q.activities
    if travel_faq and not named and entry is not None:
        return compose_entry(ask, entry)
    lead = [entry.answer.get(ask.lang)] if travel_faq and entry is not None else []
    return compose_transport(ask, venue, lead)


def _looks_like_a_question(text: str) -> bool:
    return sum(is_han(c) or is_hangul(c) for c in text) >= QUESTION_LETTERS


def _fallback(ask: Ask) -> Answer:
    """The NLU was unsure: a named subject, a follow-up, the FAQ, or "I don't know"."""
    q, topic = ask.question, ask.context.topic
    if q.events or q.activities:
        return _event(ask)
    if q.venues:
        return _venue(ask)
    if topic and (q.window or q.origin):
        return plan(
            ask,
            {
                "schedule": "schedule",
                "event": "event",
                "venue": "venue",
                "transport": "transport",
            }.get(topic, "schedule"),
        )
    if not _looks_like_a_question(q.text):
        # Noise, emoji, a stray letter: not a question the FAQ could answer.
        return Answer([{"response": "utter_default"}], ask.context, answered=False)
    entry = confident(ask)
    return compose_entry(ask, entry) if entry is not None else compose_no_info(ask)


def plan(ask: Ask, asked: str) -> Answer:
    """Composes the answer to a question of the kind an action takes.

    Args:
        ask: The question, its context, the content and the clock.
        asked: "schedule", "event", "venue", "transport", "faq", "location" or "fallback".
    """
    if ask.question.faq_id:
        entry = ask.content.faq_entry(ask.question.faq_id)
        return compose_entry(ask, entry) if entry is not None else compose_no_info(ask)
    if asked == "location":
        return compose_location(ask)
    composer = {
        "schedule": _schedule,
        "event": _event,
        "venue": _venue,
        "transport": _transport,
        "faq": compose_faq,
    }.get(asked, _fallback)
    return composer(ask)
