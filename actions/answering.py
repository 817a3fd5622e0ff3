"""The skeleton every content-answering action shares.

An action reads the question, the remembered context, the content and the clock
into an ``Ask``; composes an ``Answer`` (messages, the context after it, whether
it answered, the lines kept for "more"); sends the messages; and returns the
slot events that remember the new context. Recording unanswered questions, the
reply language and the settings are handled here once, so an action only says
what it answers (``asked``) and the planner (``actions.planner``) composes it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import reply_language
from actions.content import get_content
from actions.context import MORE, Context
from actions.followup import continue_day, continue_question, name_by_part, remembered_day
from actions.phrases import Phrases
from actions.question import Question, read_question
from actions.unanswered import note_unanswered
from bot.content.model import Content
from bot.settings import get_settings


@dataclass(frozen=True)
class Ask:
    """Everything an answer is composed from."""

    question: Question
    context: Context
    content: Content
    lang: str
    now: datetime
    phrases: Phrases
    max_items: int = 8

    def say(self, response: str, **values: Any) -> str:
        """A response of domain.yml in the reply language."""
        return self.phrases.text(response, self.lang, **values)


@dataclass
class Answer:
    """What to send, and what the conversation is about afterwards.

    Attributes:
        messages: Keyword arguments of ``dispatcher.utter_message``, one per message.
        context: The context after this answer.
        answered: False when the bot had no information (recorded as unanswered).
        more: Lines not shown yet (None leaves the "more" slot as it is).
    """

    messages: list[dict[str, Any]]
    context: Context
    answered: bool = True
    more: list[str] | None = field(default_factory=list)


def text_message(lines: list[str], buttons: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """A text message of several lines, with buttons if any."""
    message: dict[str, Any] = {"text": "\n".join(line for line in lines if line)}
    if buttons:
        message["buttons"] = buttons
    return message


def build_ask(tracker: Tracker, domain: Mapping[str, Any]) -> Ask:
    """Reads everything an answer needs from the tracker, the content and the settings."""
    settings = get_settings()
    content = get_content()
    now = settings.current_time()
    context = Context.from_slots(tracker.current_slot_values())
    question = name_by_part(read_question(tracker.latest_message, content, now), context, content)
    event_days = (content.overview.start, content.overview.end)
    question = continue_day(question, context, remembered_day(context, content, now), event_days)
    return Ask(
        question=continue_question(question, context),
        context=context,
        content=content,
        lang=reply_language(tracker),
        now=now,
        phrases=Phrases(domain),
        max_items=settings.max_items,
    )


class ContentAction(Action, ABC):
    """An action answering from the content; ``asked`` says which kind of question it takes.

    Subclasses set ``action_name`` and ``asked`` ("schedule", "event", "venue",
    "transport", "faq", "location" or "fallback"); this class itself is abstract,
    so the action server does not register it.
    """

    action_name: str
    #: The ``topic`` slot after this action (None: the one the answer chose).
    topic: str | None = None

    @property
    @abstractmethod
    def asked(self) -> str:
        """The kind of question this action takes."""

    def name(self) -> str:
        """Returns the action name used in domain.yml."""
        return self.action_name

    def compose(self, ask: Ask) -> Answer:
        """Composes the answer (the planner by default)."""
        from actions.planner import plan

        return plan(ask, self.asked)

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Answers the latest message and remembers what it was about."""
        ask = build_ask(tracker, domain)
        answer = self.compose(ask)
        note_unanswered(tracker, answered=answer.answered)
        for message in answer.messages:
            dispatcher.utter_message(**message)
        # The topic is the kind of question this action takes, whatever the answer
        # was composed from, so the rules can say what follows each action.
        context = answer.context.moved_to(aspects=ask.question.aspects)
        context = context.moved_to(topic=self.topic) if self.topic else context
        events = context.slot_events(ask.context)
        if answer.more is not None:
            events.append(SlotSet(MORE, answer.more or None))
        return events
