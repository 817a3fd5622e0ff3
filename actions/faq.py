"""Answers from the FAQ, and an honest "I don't have that information" when none fits.

Every question is matched against every entry (bot.content.retrieval); the topic
the NLU's intent points to only tips the balance (``TOPIC_BONUS``), so an entry
filed under another topic still answers, and a new entry staff add is answered at
once, without retraining. Below ``FALLBACK_MATCH_THRESHOLD`` the bot says it has
no information on that, offers the nearest questions as buttons and the staff
contact — never the first entry of a guessed topic.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any

from actions.answering import Answer, Ask, text_message
from actions.coverage import entry_source, unknown_words
from bot.content.model import Content, FaqEntry
from bot.content.retrieval import FALLBACK_MATCH_THRESHOLD, FaqIndex, FaqMatch
from bot.nlu.language import fold

INTENT_TOPICS = {
    "ask_tickets": "tickets",
    "ask_facilities": "facilities",
    "ask_contact": "contact",
    "ask_media": "media",
    "ask_exhibitor": "exhibitor",
    "ask_tourism": "tourism",
    "ask_transport": "transport",
    "ask_event_overview": "overview",
}
#: Added to the score of entries in the topic the intent points to.
TOPIC_BONUS = 0.03
#: How close a follow-up must be to the last FAQ entry answered to get it again.
REMEMBERED_MIN_SCORE = 0.08
#: How many nearest entries are searched for one that talks about the words asked.
KEYWORD_CANDIDATES = 10
#: How many nearest questions an "I don't know" offers.
SUGGESTIONS = 3
#: Longest button title (Kakao cuts quick replies at 14 characters).
TITLE_CHARS = 14
_KEEP = 4
_indexes: OrderedDict[str, FaqIndex] = OrderedDict()


def faq_index(content: Content) -> FaqIndex:
    """The FAQ index of a content version, built once per version (a few kept)."""
    index = _indexes.get(content.version)
    if index is None:
        index = _indexes[content.version] = FaqIndex(content.faq)
        while len(_indexes) > _KEEP:
            _indexes.popitem(last=False)
    else:
        _indexes.move_to_end(content.version)
    return index


def ranked(ask: Ask, limit: int = SUGGESTIONS) -> list[FaqMatch]:
    """The entries closest to the question, the intent's topic tipping the balance."""
    topic = INTENT_TOPICS.get(ask.question.intent)
    return faq_index(ask.content).search(
        ask.question.text, limit=limit, prefer=topic, bonus=TOPIC_BONUS
    )


def _knows(ask: Ask, entry: FaqEntry, asked_about: bool = False) -> bool:
    """Whether an entry talks about every word asked, and about the venue named if any.

    With ``asked_about``, the words must be in the entry's questions (or be related
    words of theirs), not only somewhere in its answer.
    """
    source = entry_source(entry)
    if unknown_words(ask.question.asked, source):
        return False  # it asks about something the entry does not talk about
    if asked_about:
        questions = fold(" ".join([*entry.questions.zh, *entry.questions.ko]))
        if unknown_words(ask.question.asked, questions):
            return False
    venues = [ask.content.venue(v) for v in ask.question.venues]
    # Lockers at the gymnasium: an entry about the expo centre's does not answer.
    return all(v is None or any(fold(n) in source for n in v.names()) for v in venues)


def confident(ask: Ask) -> FaqEntry | None:
    """The entry that answers the question, if one fits well enough and knows what was asked.

    In order: the nearest entry when it is near enough; an entry asked about every
    content word of the question ("路演那个论坛有同传吗" → interpreting,
    "프레스센터 어디예요?" → the press centre, even right after the accreditation
    answer); the entry just answered, for a follow-up of its own ("那能刷visa吗"
    after payment, "수신기는 어디서 받아요?" after interpreting). An entry that only
    meets a word in passing does not answer: volunteers interpret at the help
    desks, but that entry does not say how to become one.
    """
    if ask.question.faq_id:
        return ask.content.faq_entry(ask.question.faq_id)
    matches = ranked(ask, limit=KEYWORD_CANDIDATES)
    if not matches:
        return None
    best = matches[0]
    if best.confidence >= FALLBACK_MATCH_THRESHOLD and _knows(ask, best.entry):
        return best.entry
    if any(len(w) >= 2 for w in ask.question.asked):
        # Retrieval compares characters, so an English word ("shuttle") scores
        # nothing against Chinese and Korean questions: every entry is looked at then.
        latin = any(w.isascii() for w in ask.question.asked)
        nearest = [m.entry for m in ranked(ask, limit=len(ask.content.faq))] if latin else []
        nearest = nearest or [m.entry for m in matches if m.score > 0]
        if latin:
            nearest += [e for e in ask.content.faq if e not in nearest]
        asked_about = next((e for e in nearest if _knows(ask, e, asked_about=True)), None)
        if asked_about is not None:
            return asked_about
    last = ask.content.faq_entry(ask.context.faq) if ask.context.faq else None
    if last is None or not _knows(ask, last):
        return None
    near = any(m.entry.id == last.id and m.score >= REMEMBERED_MIN_SCORE for m in matches[:2])
    return last if near or any(len(w) >= 2 for w in ask.question.asked) else None


def faq_payload(entry: FaqEntry) -> str:
    """The payload of a button asking for one FAQ entry."""
    return "/ask_faq" + json.dumps({"faq_id": entry.id}, ensure_ascii=False)


def _title(entry: FaqEntry, lang: str) -> str:
    question = entry.questions.get(lang)[0].rstrip("?？")
    return question if len(question) <= TITLE_CHARS else question[: TITLE_CHARS - 1] + "…"


def compose_entry(ask: Ask, entry: FaqEntry) -> Answer:
    """An FAQ entry's answer."""
    context = ask.context.moved_to(topic="faq", faq=entry.id)
    return Answer([text_message([entry.answer.get(ask.lang)])], context)


def compose_no_info(ask: Ask) -> Answer:
    """No information on that: the nearest questions as buttons, and the staff contact."""
    suggestions = [m.entry for m in ranked(ask) if m.score > 0.02][:SUGGESTIONS]
    buttons = [{"title": _title(e, ask.lang), "payload": faq_payload(e)} for e in suggestions]
    contact = ask.content.overview.contact
    message: dict[str, Any] = {
        "response": "utter_no_info",
        "phone": contact.phone,
        "hours": contact.hours.get(ask.lang),
    }
    if buttons:
        message["buttons"] = buttons
    return Answer([message], ask.context, answered=False)


def compose_faq(ask: Ask) -> Answer:
    """The entry that answers the question, else "I don't have that information"."""
    entry = confident(ask)
    return compose_entry(ask, entry) if entry is not None else compose_no_info(ask)
