"""Follow-ups of an FAQ answer: the same entry asked again, or asked of another item.

"末班几点" after the shuttle answer is that entry's; "포럼에서도요?" after the
interpreting answer asks it again about the forum; "每天在哪集合" after the press
accreditation answer, during the media tour, is the tour's own detail instead.
"""

from __future__ import annotations

from actions.answering import Answer, Ask
from actions.coverage import entry_source, unknown_words
from actions.faq import compose_entry, confident
from actions.followup import ALSO
from bot.nlu.language import fold

#: Details only a programme item has: asked after an FAQ answer, they are the item's.
ITEM_DETAILS = ("meet", "bring", "eligibility", "photos", "capacity", "people")
#: Intents that ask nothing of the content.
NOT_QUESTIONS = (
    "greet",
    "goodbye",
    "thank",
    "affirm",
    "deny",
    "bot_challenge",
    "change_language",
    "human_handoff",
    "out_of_scope",
    "show_more",
)


def faq_follow_up(ask: Ask) -> Answer | None:
    """A bare follow-up of an FAQ answer ("末班几点", "周日也有吗") is answered by that entry."""
    q, context = ask.question, ask.context
    if context.topic != "faq" or not context.faq or q.names_subject or q.intent in NOT_QUESTIONS:
        return None
    if context.event is not None and any(a in ITEM_DETAILS for a in q.aspects):
        return None  # "每天在哪集合" after accreditation, during the media tour: the tour's
    entry = ask.content.faq_entry(context.faq)
    if entry is None or unknown_words(q.asked, entry_source(entry)):
        return None
    origin = ask.content.venue((q.origin or "").removeprefix("venue:"))
    if q.origin and not (origin and any(fold(n) in entry_source(entry) for n in origin.names())):
        return None  # "从西塔过去远吗" after the consulate: its entry says how far from Xita
    if q.asked and not ALSO.search(q.text) and confident(ask) != entry:
        # "프레스센터 어디예요?" after accreditation is the press centre's entry;
        # "电话呢" after the consulate is still the consulate's.
        return None
    return compose_entry(ask, entry)


def same_question_elsewhere(ask: Ask) -> Answer | None:
    """After an FAQ answer, "also at the forum?" asks that entry again about another item."""
    q, context = ask.question, ask.context
    if context.topic != "faq" or not context.faq or q.aspects or q.asked:
        return None
    if not (q.names_subject and ALSO.search(q.text)):
        return None
    entry = ask.content.faq_entry(context.faq)
    return compose_entry(ask, entry) if entry is not None else None
