"""Answers about the event as a whole, and hands visitors over to staff."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import reply_language
from actions.content import get_content
from actions.context import TOPIC
from actions.render import format_date_range
from actions.unanswered import note_unanswered


class ActionAnswerOverview(Action):
    """Answers ask_event_overview from content/overview.yml."""

    def name(self) -> str:
        """Returns the action name used in domain.yml."""
        return "action_answer_overview"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Sends name, dates, organisers and purpose, and the sample-data notice."""
        note_unanswered(tracker)
        lang = reply_language(tracker)
        overview = get_content().overview
        separator = "、" if lang == "zh" else ", "
        organisers = separator.join(
            f"{o.name.get(lang)} ({o.role.get(lang)})" for o in overview.organisers
        )
        dispatcher.utter_message(
            response="utter_overview",
            name=overview.name.get(lang),
            dates=format_date_range(overview.start, overview.end, lang),
            organisers=organisers,
            description=(
                f"{overview.description.get(lang)}\n{overview.purpose.get(lang)}"
                f"\n🔗 {overview.website}"
            ),
        )
        if overview.sample_data and overview.notice is not None:
            dispatcher.utter_message(
                response="utter_sample_notice", notice=overview.notice.get(lang)
            )
        return [SlotSet(TOPIC, "overview")]


class ActionHumanHandoff(Action):
    """Gives the staff contact (hotline, e-mail, hours) from content/overview.yml."""

    def name(self) -> str:
        """Returns the action name used in domain.yml."""
        return "action_human_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Sends how to reach a staff member."""
        note_unanswered(tracker)
        lang = reply_language(tracker)
        contact = get_content().overview.contact
        dispatcher.utter_message(
            response="utter_handoff",
            phone=contact.phone,
            email=contact.email,
            hours=contact.hours.get(lang),
        )
        return []
