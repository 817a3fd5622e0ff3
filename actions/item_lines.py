"""The lines of an answer about one programme item: the asked details first.

An item answers from its own fields (time, place, price, how to join, who may
come, photos, what to bring, capacity), from its Q&A notes, and, for a detail
asked in words no aspect names ("도복 필요해요?", "素的有吗"), from whichever of
its texts mentions those words. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from actions.answering import Ask
from actions.coverage import entry_source, mentions, unknown_words
from actions.render import format_clock, venue_name
from bot.content.model import Event, FaqEntry, Note, Text
from bot.content.retrieval import FaqIndex
from bot.nlu.language import fold
from bot.nlu.lexicon import bring_words, entry_words, is_function_word, without_interrogatives

#: Aspects answered from an event's own fields, in the order they lead an answer.
EVENT_ASPECTS = (
    "when",
    "entry",
    "hours",
    "where",
    "duration",
    "price",
    "register",
    "meet",
    "eligibility",
    "photos",
    "bring",
    "capacity",
    "people",
)
#: What a question may ask of a programme item: its fields, the list of its
#: sessions, or whether it is over.
ITEM_ASPECTS = (*EVENT_ASPECTS, "list", "status")
#: Aspects whose words find a note asked the same way ("몇 시", "多少人").
ALIKE_ASPECTS = ("when", "hours", "capacity")
#: How well a question must match one of an item's notes to be answered by it
#: (``FaqMatch.confidence``; the wrong notes of the tuned conversations scored below 0.16,
#: the right ones 0.237 and above).
NOTE_THRESHOLD = 0.22


def _note_index(events: Sequence[Event]) -> FaqIndex | None:
    entries = [
        FaqEntry(f"{event.id}#{n}", "general", note.questions, note.answer)
        for event in events
        for n, note in enumerate(event.notes)
    ]
    return FaqIndex(entries) if entries else None


def fitting_note(ask: Ask, events: Sequence[Event]) -> str | None:
    """The answer of the items' note that fits the question, if one fits well.

    The items' own names are left out of the question first: every note of the
    concert shares "concert" with "which stars come to the concert". Of the
    closest notes, the first that mentions every word asked is taken ("채식" is
    not answered by the halal stalls). Asked who speaks or judges, only a note
    asked the same way answers: the scoring rules mention the judges too.
    """
    index = _note_index(events)
    if index is None:
        return None
    whole = fold(ask.question.text)
    query = whole
    for name in sorted({fold(n) for e in events for n in e.names()}, key=len, reverse=True):
        query = query.replace(name, "") if name else query
    people = [w for a, w in ask.question.aspect_words if a == "people"]
    # An item named by the very word its note is about ("피칭도 할 수 있어요?" names
    # the forum by its pitching): then the whole message is matched.
    matches = index.search(query, limit=3) if len(query) >= 2 else []
    weak = not matches or matches[0].confidence < NOTE_THRESHOLD
    named = bool(ask.question.events or ask.question.activities)
    if weak and (named or not ask.question.aspects):
        matches = index.search(whole, limit=3)
    for match in matches:
        note = match.entry
        if match.confidence < NOTE_THRESHOLD:
            break
        # A note that shares only "有吗"/"있어요" with the question is not its answer.
        if unknown_words(ask.question.asked, entry_source(note)):
            continue
        if people and not any(w in _asked_so(note) for w in people):
            continue
        return note.answer.get(ask.lang)
    return None if people else _note_asked_alike(ask, events)


def _asked_so(note: FaqEntry | Note) -> str:
    """How a note is asked, in both languages, folded."""
    return fold(" ".join([*note.questions.zh, *note.questions.ko]))


def _note_asked_alike(ask: Ask, events: Sequence[Event]) -> str | None:
    """A note asked with the same words for a time or a number ("김치 체험 몇 시에 해요?").

    The session's times say when the evening starts; a note asked "몇 시" says
    when the hands-on part is, which is what "몇 시?" of the activity means.
    """
    # "몇시부터" finds a note asked "몇 시예요": aspect phrases share their head.
    words = [
        w[:size]
        for a, w in ask.question.aspect_words
        if a in ALIKE_ASPECTS
        for size in range(len(w), 1, -1)
        if not is_function_word(w[:size])  # "什么" of "什么时候" asks nothing
    ]
    for event in events:
        for note in event.notes:
            if any(w in _asked_so(note) for w in words):
                return note.answer.get(ask.lang)
    return _note_counting(ask, events)


def _note_counting(ask: Ask, events: Sequence[Event]) -> str | None:
    """A note that answers a number asked for ("한 번에 몇 명이에요?" → "회차당 30명")."""
    units = [without_interrogatives(w) for a, w in ask.question.aspect_words if a == "capacity"]
    patterns = [re.compile(rf"\d+\s*{re.escape(u)}") for u in units if u]
    for event in events:
        for note in event.notes:
            if any(p.search(fold(f"{note.answer.zh} {note.answer.ko}")) for p in patterns):
                return note.answer.get(ask.lang)
    return None


def _duration(ask: Ask, event: Event) -> str:
    hours = round((event.end - event.start).total_seconds() / 3600, 1)
    return ask.say(
        "utter_piece_duration",
        start=format_clock(event.start),
        end=format_clock(event.end),
        hours=f"{hours:g}",
    )


def _field_lines(ask: Ask, event: Event) -> dict[str, Callable[[], str | None]]:
    """How each field-backed aspect is said (None when the item has no such field)."""
    lang = ask.lang

    def say(response: str, field: str, value: Text | None) -> Callable[[], str | None]:
        return lambda: ask.say(response, **{field: value.get(lang)}) if value else None

    who = event.eligibility
    return {
        "duration": lambda: _duration(ask, event),
        "price": say("utter_piece_price", "price", event.price),
        "register": say("utter_piece_join", "join", event.how_to_join),
        "meet": say("utter_piece_join", "join", event.how_to_join),
        "eligibility": say("utter_piece_who", "who", who)
        if who
        else say("utter_piece_join", "join", event.how_to_join),
        "photos": say("utter_piece_photos", "photos", event.photos),
        "bring": say("utter_piece_bring", "bring", event.bring)
        if event.bring
        else say("utter_piece_join", "join", _says_what_to_show(event.how_to_join)),
        "capacity": lambda: (
            ask.say("utter_piece_capacity", capacity=event.capacity) if event.capacity else None
        ),
    }


def _says_what_to_show(text: Text | None) -> Text | None:
    """The way in, when it says what to bring or show ("확인 문자와 여권을 제시")."""
    if text is None or not any(w in fold(f"{text.zh} {text.ko}") for w in bring_words()):
        return None
    return text


def aspect_line(ask: Ask, event: Event, aspect: str, when: str) -> str | None:
    """The line answering one aspect from the item's own fields; None when it has none."""
    if aspect == "when":
        return ask.say("utter_piece_when", when=when)
    if aspect == "where":
        venue = ask.content.venue(event.venue)
        address = venue.address.get(ask.lang) if venue else ""
        return ask.say(
            "utter_piece_where",
            venue=venue_name(ask.content, event.venue, ask.lang),
            address=address,
        )
    if aspect == "hours":
        return _venue_hours(ask, event)
    if aspect == "entry":
        return _entry_line(ask, event)
    line = _field_lines(ask, event).get(aspect)
    return line() if line else None


_TIME = re.compile(r"\d{1,2}[:：]\d{2}|\d+\s*(?:分钟|分|분)\s*(?:前|전)")


def _entry_line(ask: Ask, event: Event) -> str | None:
    """When to arrive or enter: the item's or its venue's text with an entry word and a time.

    "几点能进场" of the concert is the theatre's doors at 18:00, "开幕式几点到" the
    opening's 9:00 at the security gate, "몇시부터 등록해요" the forum hotel's 8:30.
    """
    venue = ask.content.venue(event.venue)
    texts: list[tuple[Text | None, str]] = [
        *((note.answer, "") for note in event.notes),
        (event.bring, "utter_piece_bring"),
        (event.how_to_join, "utter_piece_join"),
        (event.eligibility, "utter_piece_who"),
        (venue.opening_hours if venue else None, "utter_piece_hours"),
    ]
    fields = {"utter_piece_bring": "bring", "utter_piece_join": "join", "utter_piece_who": "who"}
    fields["utter_piece_hours"] = "hours"
    for text, response in texts:
        if text is None:
            continue
        raw = f"{text.zh} {text.ko}"
        if _TIME.search(raw) and any(w in fold(raw) for w in entry_words()):
            said = text.get(ask.lang)
            return ask.say(response, **{fields[response]: said}) if response else said
    return None


def _venue_hours(ask: Ask, event: Event) -> str | None:
    """The venue's opening hours when they speak of the item ("야시장은 22:00까지")."""
    venue = ask.content.venue(event.venue)
    if venue is None:
        return None
    hours = fold(f"{venue.opening_hours.zh} {venue.opening_hours.ko}")
    if not any(fold(name) in hours for name in event.names()):
        return None
    return ask.say("utter_piece_hours", hours=venue.opening_hours.get(ask.lang))


def _both(text: Text | None) -> str:
    return f"{text.zh} {text.ko}" if text is not None else ""


def _texts(ask: Ask, event: Event) -> list[tuple[str, str]]:
    """The item's texts that may hold a detail (folded), and the line each makes."""
    lang = ask.lang
    fields: list[tuple[str, str | None]] = [
        (_both(event.eligibility), aspect_line(ask, event, "eligibility", "")),
        (_both(event.bring), aspect_line(ask, event, "bring", "")),
        (_both(event.photos), aspect_line(ask, event, "photos", "")),
        (_both(event.how_to_join), aspect_line(ask, event, "register", "")),
        (_both(event.price), aspect_line(ask, event, "price", "")),
        *(
            (
                " ".join([*note.questions.zh, *note.questions.ko, _both(note.answer)]),
                note.answer.get(lang),
            )
            for note in event.notes
        ),
        (_both(event.description), event.description.get(lang)),
    ]
    return [(fold(text), line) for text, line in fields if text.strip() and line]


def covering_line(ask: Ask, event: Event, words: Sequence[str]) -> str | None:
    """The line of the item's text that mentions most of the asked words, if any does."""
    best, best_count = None, 0
    for source, line in _texts(ask, event):
        count = sum(mentions(source, w) for w in words)
        if count > best_count:
            best, best_count = line, count
    return best


def detail_lines(ask: Ask, event: Event, when: str) -> tuple[list[str], list[str], bool]:
    """(lines answering the asked details, essential lines, whether every aspect was answered)."""
    aspects = [a for a in ask.question.aspects if a in EVENT_ASPECTS]
    lead: list[str] = []
    note = fitting_note(ask, [event])
    if note:
        lead.append(note)
    answered_all = True
    for aspect in aspects:
        line = aspect_line(ask, event, aspect, when)
        if line is None:
            answered_all = answered_all and aspect in ("hours", "entry")  # the times answer it
        elif line not in lead:
            lead.append(line)
    said = fold(" ".join(lead))
    names = [fold(n) for n in event.names()]
    # Words of the item's own names ("축제" of "음식축제") say nothing about a detail.
    words = [
        w for w in ask.question.asked if not mentions(said, w) and not any(w in n for n in names)
    ]
    people = "people" in aspects  # its texts name no one: do not pass them off as an answer
    covering = covering_line(ask, event, words) if words and not people else None
    if covering and covering not in lead:
        lead.append(covering)
    if {"register", "price", "eligibility"} & set(aspects) and event.registration_url:
        lead.append(ask.say("utter_piece_link", url=event.registration_url))
    essentials = [aspect_line(ask, event, "when", when) or ""]
    if "where" not in aspects:
        place = venue_name(ask.content, event.venue, ask.lang)
        essentials.append(ask.say("utter_piece_venue", venue=place))
    if not aspects and not lead:
        essentials += [
            aspect_line(ask, event, "price", when) or "",
            aspect_line(ask, event, "register", when) or "",
        ]
        if event.registration_url:
            essentials.append(ask.say("utter_piece_link", url=event.registration_url))
    # The description often holds the asked detail in passing ("tasting from 18:00");
    # it comes last and is the first line left out when the screen is full.
    essentials.append(event.description.get(ask.lang))
    return lead, [line for line in essentials if line not in lead], answered_all
