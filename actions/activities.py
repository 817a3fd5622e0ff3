"""Answers about the named activities: food festival, taekwondo, Go, forums, exhibition, concert.

One action per intent, all sharing ``ActivityAction``: the intent fixes the
category, an `activity` entity narrows it to a part ("gimbap", "forum_auto"), and a
date narrows it to a day. The answer details the next matching session and lists
the others; an activity that is not on the programme gets what is on instead.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import asked_window, entity_values, reply_language
from actions.content import get_content
from actions.render import event_lines, format_when, venue_name
from actions.unanswered import note_unanswered
from bot.content.model import Content, Event
from bot.nlu.dates import TimeWindow
from bot.settings import get_settings

# Activity entity values that stand for a whole category rather than a part of it.
_CATEGORY_WORDS = {"food_festival", "taekwondo", "go", "forum", "exhibition", "concert"}


def select_events(
    content: Content, category: str, activities: Sequence[str], window: TimeWindow | None
) -> tuple[list[Event], bool]:
    """Picks the events a question is about.

    Args:
        content: The programme.
        category: The category of the intent.
        activities: Activity entity values in the message.
        window: The time window asked about, if any.

    Returns:
        The matching events, and False when the message named a part of the
        activity that the programme does not have (then the events are the whole
        category).
    """
    tags = [a for a in activities if a not in _CATEGORY_WORDS]
    events = list(content.events_in(category, tags)) if tags else []
    found = bool(events) or not tags
    if not events:
        events = list(content.events_in(category))
    if window is not None and not window.upcoming:
        in_window = [e for e in events if e.start < window.end and e.end > window.start]
        events = in_window or events
    return events, found


def pick_next(events: Sequence[Event], now: datetime) -> Event:
    """The session to detail: the one running now or next, else the last one."""
    return next((e for e in events if e.end > now), events[-1])


class ActivityAction(Action, ABC):
    """Base for the actions answering about one category of events.

    Subclasses set ``action_name`` and ``category``; this class itself is abstract,
    so the action server does not register it.
    """

    action_name: str

    @property
    @abstractmethod
    def category(self) -> str:
        """The event category this action answers about."""

    def name(self) -> str:
        """Returns the action name used in domain.yml."""
        return self.action_name

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Details the next matching session and lists the other ones."""
        note_unanswered(tracker)
        lang = reply_language(tracker)
        content = get_content()
        now = get_settings().current_time()
        limit = get_settings().max_items
        events, found = select_events(
            content, self.category, entity_values(tracker, "activity"), asked_window(tracker, now)
        )
        if not events or not found:
            instead = [e for e in events if e.end > now] or [
                e for e in content.events if e.end > now
            ]
            dispatcher.utter_message(
                response="utter_activity_unknown",
                items=event_lines(content, instead or list(content.events), lang, limit),
            )
            return []
        main = pick_next(events, now)
        dispatcher.utter_message(
            response="utter_event_detail",
            name=main.name.get(lang),
            when=format_when(main, lang),
            venue=venue_name(content, main.venue, lang),
            description=main.description.get(lang),
            price=main.price.get(lang),
            how_to_join=main.how_to_join.get(lang),
        )
        others = [e for e in events if e is not main and e.end > now]
        if others:
            dispatcher.utter_message(
                response="utter_more_sessions", items=event_lines(content, others, lang, limit)
            )
        return []


class ActionAnswerFoodFestival(ActivityAction):
    """The China–Korea food festival and night market in Xita."""

    action_name, category = "action_answer_food_festival", "food_festival"


class ActionAnswerTaekwondo(ActivityAction):
    """Taekwondo exchange sessions."""

    action_name, category = "action_answer_taekwondo", "taekwondo"


class ActionAnswerGoEvents(ActivityAction):
    """The Go celebrity invitational and the Go education forum."""

    action_name, category = "action_answer_go_events", "go"


class ActionAnswerForums(ActivityAction):
    """The business forums and matchmaking meetings."""

    action_name, category = "action_answer_forums", "forum"


class ActionAnswerExhibition(ActivityAction):
    """The Silk Road / Yeonhaeng-ro photo and relics exhibition."""

    action_name, category = "action_answer_exhibition", "exhibition"


class ActionAnswerConcert(ActivityAction):
    """The friendship concert and other performances."""

    action_name, category = "action_answer_concert", "concert"
