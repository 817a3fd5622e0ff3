"""Session start and explicit language switches."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import LANGUAGE_SLOT, reply_language
from bot.nlu.language import SUPPORTED, normalize_language_code, requested_language


class ActionSessionStart(Action):
    """Starts a session, keeping only the language and taking the channel's default.

    The subject of the last session (its topic, items, venue, time, origin and the
    lines kept for "more") is not carried over: a visitor who comes back hours later
    starts a new conversation. The channel's default language (WeChat: Chinese,
    Kakao: Korean, Telegram: the user's language_code) arrives as
    `default_language` in the metadata of the session's first message; the text of
    each message still decides.
    """

    def name(self) -> str:
        """Returns the action name (Rasa's reserved session start action)."""
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Emits SessionStarted, the kept language (or the channel's default)."""
        events: list[dict[str, Any]] = [SessionStarted()]
        kept = tracker.get_slot(LANGUAGE_SLOT)
        if kept is not None:
            events.append(SlotSet(LANGUAGE_SLOT, kept))
        metadata = tracker.get_slot("session_started_metadata") or {}
        default = normalize_language_code(metadata.get("default_language"))
        if default and tracker.get_slot(LANGUAGE_SLOT) is None:
            events.append(SlotSet(LANGUAGE_SLOT, default))
        events.append(ActionExecuted("action_listen"))
        return events


class ActionChangeLanguage(Action):
    """Switches the reply language when a visitor asks for Chinese or Korean."""

    def name(self) -> str:
        """Returns the action name used in domain.yml."""
        return "action_change_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Sets the language slot and confirms in the new language."""
        text = tracker.latest_message.get("text") or ""
        mentions = [
            (str(e.get("value")), int(e.get("start", 0)), int(e.get("end", 0)))
            for e in tracker.latest_message.get("entities") or []
            if e.get("entity") == "target_language"
        ]
        target = requested_language(text, mentions)
        if target is not None and target not in SUPPORTED:
            dispatcher.utter_message(response="utter_language_unsupported")
            return []
        language = target or reply_language(tracker)
        # Responses render with the slots as they were before this action's events,
        # so the confirmation names its language instead of relying on the slot.
        dispatcher.utter_message(response=f"utter_language_changed_{language}")
        return [SlotSet(LANGUAGE_SLOT, language)]
