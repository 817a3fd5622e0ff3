"""From a question to an answer: which subject, which aspect, which composer.

The rules (nlu_data/rules.yml) choose the action from the intent and, for
follow-ups, from the ``topic`` the conversation is about; each action says what
kind of question it takes (``asked``). The planner then looks at what the
message itself says:

- a named programme item is answered about that item whatever the intent
  ("when is the opening ceremony" was classified as a schedule question);
- a detail asked without naming anything (who may come, photos, what to bring,
  the item's own notes such as a contest's team size) is about the item the
  conversation is about;
- directions and parking are about the venue of the item in question;
- the same question about another item after an FAQ answer ("포럼에서도요?")
  is answered by the same entry;
- a question nothing in the content covers gets "I don't have that information".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from actions.answering import Answer, Ask
from actions.context import EventSelector
from actions.coverage import entry_source, event_source, unknown_words, venue_source
from actions.event_answers import Selection, compose_event, select
from actions.faq import INTENT_TOPICS, compose_entry, compose_faq, compose_no_info, confident
from actions.faq_followups import faq_follow_up, same_question_elsewhere
from actions.followup import THERE, corrected_items
from actions.item_lines import ITEM_ASPECTS, fitting_note
from actions.overview import compose_overview
from actions.place_answers import (
    choose_venue,
    compose_location,
    compose_transport,
    compose_venue,
    covering_venue_line,
    venue_for,
)
from actions.question import Question
from actions.schedule import compose_schedule
from bot.content.model import Event, FaqEntry, Venue
from bot.nlu.language import fold, is_han, is_hangul

CATEGORY_OF_INTENT = {
    "ask_food_festival": "food_festival",
    "ask_taekwondo": "taekwondo",
    "ask_go_events": "go",
    "ask_forums": "forum",
    "ask_exhibition": "exhibition",
    "ask_concert": "concert",
}
VENUE_ASPECTS = ("parking", "hours")
#: Asked with the way there, these are about the journey, not the item.
TRAVEL_PARTS = ("where", "when", "duration")
#: Aspects that, asked of a place, mean the place's own facts or the way there.
PLACE_MEANINGS = {
    "venue": ("where", "hours", "parking"),
    "transport": ("where", "duration", "when", "transport"),
}
#: A message with fewer letters than this is not a question we failed to answer.
QUESTION_LETTERS = 3


def _as_item_question(q: Question) -> Question:
    """Opening hours asked of an item, not of a named place, are the item's times.

    Its venue's hours follow when they speak of it ("야시장은 22:00까지").
    """
    if q.venues or "hours" not in q.aspects:
        return q
    return replace(q, aspects=tuple(dict.fromkeys(("when", *q.aspects))))


def _event(ask: Ask) -> Answer:
    """About programme items: named, of the intent's category, or remembered."""
    ask = replace(ask, question=_as_item_question(ask.question))
    q = ask.question
    details = [a for a in q.aspects if a in ITEM_ASPECTS and a != "list"]
    there = bool(THERE.search(q.text)) and not details
    if (q.venues or there) and q.window and not (q.events or q.activities):
        return compose_schedule(ask)  # "那下午体育馆那个表演几点", "오후에 거기서 뭐 있어요"
    selection = select(ask, CATEGORY_OF_INTENT.get(q.intent))
    if selection is None:
        return compose_schedule(ask)
    item_aspects = [a for a in q.aspects if a in ITEM_ASPECTS]
    wants_travel = "transport" in q.aspects or bool(q.origin and not q.window)
    # "在哪坐车", "几点能到": where, when and how long belong to the journey then.
    specific = [a for a in item_aspects if not (wants_travel and a in TRAVEL_PARTS)]
    if (wants_travel or any(a in VENUE_ASPECTS for a in q.aspects)) and not specific:
        venue = venue_for(ask)
        if venue is not None:
            # The way there (or the car park) of an item: "몇시 시작이에요?" next is about it.
            answer = compose_transport(ask, venue) if wants_travel else compose_venue(ask, venue)
            return replace(answer, context=answer.context.moved_to(event=selection.selector))
    if not q.names_subject:
        entry = confident(ask) if q.intent in INTENT_TOPICS else None
        if (
            not item_aspects
            and q.intent in INTENT_TOPICS
            and fitting_note(ask, selection.events) is None
        ):
            # A general question while talking about an item is the FAQ's, unless
            # only the item's texts know its words ("有讲解吗" at the exhibition).
            if entry is not None or not _covers(ask, selection.events):
                return compose_faq(ask)
        elif entry is not None and _faq_knows_more(ask, entry, selection.events):
            return compose_entry(ask, entry)  # "기자 등록은 어떻게 해요?" during the media tour
    return compose_event(ask, selection, confident(ask))


def _covers(ask: Ask, events: tuple[Event, ...]) -> bool:
    """Whether the items' texts mention every content word the question asks about."""
    asked = ask.question.asked
    names = [n for e in events for n in e.names()]
    return bool(asked) and not unknown_words(asked, event_source(events), names)


def _about_the_item(ask: Ask, asked: str) -> bool:
    """Whether a question the rules gave to another action is about a programme item.

    It is when it names one, or asks a detail of the remembered item (one of its
    aspects, a word only its texts use); a place named is the item's own venue then.
    """
    q, context = ask.question, ask.context
    if q.events or q.activities:
        return True
    if context.event is None:
        return False
    events = context.event.resolve(ask.content)
    if q.window and not q.venues:
        # "오후 거는 일반인도 돼요?" asks a detail of that afternoon's session of the kind.
        detail = any(a in ITEM_ASPECTS and a not in ("when", "list") for a in q.aspects)
        return detail and any(e.start < q.window.end and e.end > q.window.start for e in events)
    if q.venues and not {e.venue for e in events} >= set(q.venues):
        return False
    meanings = PLACE_MEANINGS.get(asked, ())
    if asked == "transport" and not ("transport" in q.aspects or q.origin or q.location):
        # Without a word of travel, "몇 시까지 가야 돼요?" asks the item's time.
        meanings = tuple(m for m in meanings if m != "when")
    if any(a in ITEM_ASPECTS and a not in meanings for a in q.aspects):
        return True
    if q.venues:
        return False
    return fitting_note(ask, events) is not None or _covers(ask, events)


def _about_the_place(ask: Ask) -> bool:
    """Parking or opening hours of a named venue ("시타 주차 돼요?"), or of the one talked about.

    "开车去好停吗" after the concert asks about the theatre's car park.
    """
    q, context = ask.question, ask.context
    if not any(a in VENUE_ASPECTS for a in q.aspects):
        return False
    if q.venues:
        return True
    remembered = context.event is not None or context.venue is not None
    return "parking" in q.aspects and remembered and venue_for(ask) is not None


def _about_the_remembered_place(ask: Ask) -> Answer | None:
    """A detail of the place talked about, in words only its texts use ("픽업 서비스 있어요?")."""
    q, context = ask.question, ask.context
    if context.topic not in ("venue", "transport") or q.names_subject or not q.asked:
        return None
    venue = ask.content.venue(context.venue)
    if venue is None or unknown_words(q.asked, venue_source(venue), venue.names()):
        return None
    line = covering_venue_line(ask, venue, q.asked)
    return compose_venue(ask, venue, [line] if line else [])


def _asked_about(event: Event) -> str:
    questions = [q for note in event.notes for q in (*note.questions.zh, *note.questions.ko)]
    return fold(" ".join([*event.names(), *questions]))


def _items_that_say(ask: Ask) -> Answer | None:
    """Nothing named, but one kind of item's texts say what is asked ("할랄 음식 있어요?")."""
    q = ask.question
    if q.window or q.names_subject or not any(len(w) >= 2 for w in q.asked):
        return None
    if q.intent in _FIXED_REPLIES or ask.context.event is not None:
        # Cheap cosmetics are not the beauty forum; a prize asked of the Go
        # invitational is not the gimbap contest's.
        return None
    # Asked about, not met in passing: in its names or the questions of its notes.
    found = {
        e.category
        for e in ask.content.events
        if not unknown_words(q.asked, _asked_about(e), e.names())
    }
    if len(found) != 1 or confident(ask) is not None:
        return None
    selector = EventSelector("category", (found.pop(),))
    return compose_event(ask, Selection(selector, selector.resolve(ask.content), None))


def _schedule(ask: Ask) -> Answer:
    q = ask.question
    if q.venues and not q.window:
        return _venue(ask)
    if q.origin and not q.window:
        return _transport(ask)
    return compose_schedule(ask)


def _venue(ask: Ask) -> Answer:
    q = ask.question
    if q.origin and not q.window:
        return _transport(ask)  # "从南站过去呢" after the venue's card
    venue = venue_for(ask)
    if (
        q.intent in INTENT_TOPICS
        and not any(a in VENUE_ASPECTS for a in q.aspects)
        and not q.venues
    ):
        return compose_faq(ask)
    if venue is None:
        return choose_venue(ask, "utter_venue_list")
    if unknown_words(q.asked, venue_source(venue), venue.names()):
        # "展览中心里面有餐厅吗": the venue's facts say nothing about it.
        entry = confident(ask)
        return compose_entry(ask, entry) if entry is not None else compose_no_info(ask)
    return compose_venue(ask, venue)


def _faq_knows_more(ask: Ask, entry: FaqEntry, events: tuple[Event, ...]) -> bool:
    """Whether an FAQ entry answers what was asked with words the items' texts do not use.

    "기자 등록은 어떻게 해요?" during the media tour is the press accreditation entry
    (asked about 등록 too); "记者能拍吗" is still the item's photo rules.
    """
    names = [n for e in events for n in e.names()]
    unknown = unknown_words(ask.question.asked, event_source(events), names)
    if not unknown or unknown_words(unknown, entry_source(entry)):
        return False
    asked_so = fold(" ".join([*entry.questions.zh, *entry.questions.ko]))
    return any(word in asked_so for _, word in ask.question.aspect_words)


def _knows_more(ask: Ask, entry_text: str, venue: Venue) -> bool:
    """Whether an FAQ entry talks about words asked that the venue's texts do not."""
    unknown = unknown_words(ask.question.asked, venue_source(venue), venue.names())
    return bool(unknown) and not unknown_words(unknown, fold(entry_text))


def _transport(ask: Ask) -> Answer:
    q = ask.question
    if q.window and not q.origin and "transport" not in q.aspects and THERE.search(q.text):
        return compose_schedule(ask)  # "今晚那儿演啥" after the way to the theatre
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
    if entry is not None and travel_faq and not named:
        # "有免费接驳车吗" is the shuttle entry; "택시로는요?" after the way to the
        # expo centre is still the way there, by taxi.
        if ask.context.venue is None or _knows_more(ask, entry_source(entry), venue):
            return compose_entry(ask, entry)
    lead = [entry.answer.get(ask.lang)] if travel_faq and entry is not None and named else []
    return compose_transport(ask, venue, lead)


def _from_somewhere(ask: Ask) -> bool:
    """A starting point, no time: the way from there to the place talked about."""
    q, context = ask.question, ask.context
    return bool(q.origin and not q.window and (context.venue or context.event))


def _looks_like_a_question(text: str) -> bool:
    return sum(is_han(c) or is_hangul(c) for c in text) >= QUESTION_LETTERS


def _fallback(ask: Ask) -> Answer:
    """The NLU was unsure, or heard "no" or "out of scope": a follow-up, the FAQ, a fixed reply."""
    q, topic = ask.question, ask.context.topic
    said = _FIXED_REPLIES.get(q.intent)
    if said is not None:
        # Reached when the message asks nothing of the subject talked about; an FAQ
        # entry asked about its words still answers ("我护照丢了怎么办").
        entry = confident(ask) if q.asked else None
        if entry is not None:
            return compose_entry(ask, entry)
        return Answer([{"response": said}], ask.context)
    if q.venues:
        return _venue(ask)
    if q.window and topic in ("venue", "transport") and THERE.search(q.text):
        return compose_schedule(ask)  # "今晚那儿演啥" after the way to the theatre
    if topic in _COMPOSERS and (q.window or q.origin):
        return _COMPOSERS[topic](ask)
    if not _looks_like_a_question(q.text):
        # Noise, emoji, a stray letter: not a question the FAQ could answer.
        return Answer([{"response": "utter_default"}], ask.context, answered=False)
    entry = confident(ask)
    return compose_entry(ask, entry) if entry is not None else compose_no_info(ask)


#: Intents the fallback answers with a fixed reply when nothing else fits.
_FIXED_REPLIES = {
    "affirm": "utter_affirm",
    "deny": "utter_deny",
    "out_of_scope": "utter_out_of_scope",
    "bot_challenge": "utter_iamabot",
}

_COMPOSERS: dict[str, Callable[[Ask], Answer]] = {
    "schedule": _schedule,
    "event": _event,
    "venue": _venue,
    "transport": _transport,
    "faq": compose_faq,
    "overview": compose_overview,
}


def plan(ask: Ask, asked: str) -> Answer:
    """Composes the answer to a question of the kind an action takes.

    Args:
        ask: The question, its context, the content and the clock.
        asked: "schedule", "event", "venue", "transport", "faq", "overview",
            "location" or "fallback".
    """
    if ask.question.faq_id:
        entry = ask.content.faq_entry(ask.question.faq_id)
        return compose_entry(ask, entry) if entry is not None else compose_no_info(ask)
    if asked == "location":
        return compose_location(ask)
    corrected = corrected_items(ask.question, ask.context, ask.content)
    if corrected:
        selector = EventSelector("events", tuple(e.id for e in corrected))
        return compose_event(ask, Selection(selector, corrected, ask.question.window))
    again = same_question_elsewhere(ask) or faq_follow_up(ask)
    if again is not None:
        return again
    if asked in ("faq", "fallback", "venue", "transport"):
        place = _about_the_remembered_place(ask)
        if place is not None:
            return place
    if asked != "event" and _about_the_item(ask, asked):
        return _event(ask)
    if asked in ("faq", "schedule", "overview", "fallback", "transport") and _about_the_place(ask):
        return _venue(ask)
    if asked in ("schedule", "fallback", "overview", "faq"):
        said = _items_that_say(ask)
        if said is not None:
            return said
    if asked in ("faq", "fallback", "overview") and _from_somewhere(ask):
        return _transport(ask)  # "칭녠다제국제호텔에 묵고 있는데 걸어갈 수 있나요"
    if asked == "overview" and "list" in ask.question.aspects:
        return compose_schedule(ask)  # "코리아위크 전체 프로그램 뭐뭐 있어?"
    return _COMPOSERS.get(asked, _fallback)(ask)
