"""Answers from the FAQ: tickets, facilities, contacts, media, exhibitors, tourism.

The intent picks the topic; within it the entry whose questions are closest to
the message answers (bot.content.retrieval). A topic with no close entry answers with its
first entry, which staff keep as the topic's general answer. An entry of another
topic that fits the message confidently answers instead: entries staff add later
have no intent of their own, so the NLU may file their questions under any topic.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import latest_intent, reply_language
from actions.content import get_content
from actions.unanswered import note_unanswered
from bot.content.model import Content, FaqEntry
from bot.content.retrieval import FaqIndex

INTENT_TOPICS = {
    "ask_tickets": "tickets",
    "ask_facilities": "facilities",
    "ask_contact": "contact",
    "ask_media": "media",
    "ask_exhibitor": "exhibitor",
    "ask_tourism": "tourism",
}
# Below this similarity an entry is not "the" answer within its topic (in-topic
# accuracy on tests/faq/paraphrases.yml is flat up to 0.1, then drops).
TOPIC_MATCH_THRESHOLD = 0.1
# Confidence an entry of another topic needs to answer instead (= the fallback's).
OTHER_TOPIC_THRESHOLD = 0.16

_indexes: dict[str, FaqIndex] = {}


def faq_index(content: Content) -> FaqIndex:
    """Returns the FAQ index of this content version, building it once per version."""
    index = _indexes.get(content.version)
    if index is None:
        _indexes.clear()  # only the live version is ever asked for
        index = _indexes[content.version] = FaqIndex(content.faq)
    return index


def answer_for_topic(content: Content, topic: str, question: str) -> FaqEntry | None:
    """The FAQ entry answering ``question`` within ``topic``, or None if the topic is empty.

    An entry of another topic answers when it fits confidently (OTHER_TOPIC_THRESHOLD).
    """
    index = faq_index(content)
    best = index.search(question, limit=1)
    if best and best[0].entry.topic != topic and best[0].confidence >= OTHER_TOPIC_THRESHOLD:
        return best[0].entry
    matches = index.search(question, topic=topic, limit=1)
    if matches and matches[0].score >= TOPIC_MATCH_THRESHOLD:
        return matches[0].entry
    entries = content.faq_about(topic)
    return entries[0] if entries else None


class ActionAnswerFaq(Action):
    """Answers the FAQ-type intents from content/faq.yml."""

    def name(self) -> str:
        """Returns the action name used in domain.yml."""
        return "action_answer_faq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Sends the best FAQ answer for the intent's topic."""
        note_unanswered(tracker)
        lang = reply_language(tracker)
        content = get_content()
        topic = INTENT_TOPICS.get(latest_intent(tracker), "general")
        entry = answer_for_topic(content, topic, tracker.latest_message.get("text") or "")
        if entry is None:
            dispatcher.utter_message(response="utter_default")
        else:
            dispatcher.utter_message(text=entry.answer.get(lang))
        return []
