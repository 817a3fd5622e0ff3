"""What happens when the NLU is not confident: try the FAQ, else offer the top topics."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import reply_language
from actions.content import get_content
from actions.faq import faq_index
from actions.unanswered import note_unanswered
from bot.content.retrieval import FALLBACK_MATCH_THRESHOLD


class ActionFallback(Action):
    """Answers nlu_fallback from the FAQ when a close entry exists, else apologises."""

    def name(self) -> str:
        """Returns the action name used in domain.yml and config.yml."""
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Sends the closest FAQ answer or the default reply with topic buttons."""
        lang = reply_language(tracker)
        content = get_content()
        matches = faq_index(content).search(tracker.latest_message.get("text") or "", limit=1)
        answered = bool(matches) and matches[0].confidence >= FALLBACK_MATCH_THRESHOLD
        note_unanswered(tracker, answered=answered)
        if answered:
            dispatcher.utter_message(text=matches[0].entry.answer.get(lang))
        else:
            dispatcher.utter_message(response="utter_default")
        return []
