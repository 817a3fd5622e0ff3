"""Does the content know what was asked? Every content word must be found in the answer's source.

"音乐会有哪些明星来" names the concert, but asks about its stars: the concert's
record says nothing about them, so answering with the concert's card would be
answering another question. The NLU gives the message's content words (nouns,
``keywords``); the words naming the subject, the asked detail and the date (the
entities), and a few that ask nothing in particular (bot/nlu/generic_words.yml),
are set aside; every other one must appear in the texts the answer comes from.
Pure.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields
from typing import Any

from bot.content.model import Event, FaqEntry, Text, TextList, Venue
from bot.nlu.language import fold, is_han, is_hangul
from bot.nlu.lexicon import generic_words, is_function_word, related_words


def asked_words(message: Mapping[str, Any], names: Iterable[str] = ()) -> tuple[str, ...]:
    """The content words of a message that are neither its subject nor its entities.

    Args:
        message: The parse result (``keywords``, ``entities``, ``text``).
        names: Names of what the answer is about (folded or not).
    """
    text = message.get("text") or ""
    # The language detector's entity spans the whole message: it names nothing.
    spans = [
        fold(text[int(e.get("start", 0)) : int(e.get("end", 0))])
        for e in message.get("entities") or []
        if e.get("entity") != "language"
    ]
    known = [fold(n) for n in names]
    words: list[str] = []
    for word in message.get("keywords") or []:
        folded = fold(str(word))
        if any(folded in k or k in folded for k in known if k):
            continue
        folded = _trimmed(folded)
        rest = folded
        # An entity inside a longer word leaves the word asked when the rest of it
        # means something: "座位图" is a seat map, not the seats (an aspect), while
        # "时间表" is only the time.
        for span in sorted((s for s in spans if s), key=len, reverse=True):
            rest = "" if rest in span else rest.replace(span, "")
        if not _means_something(rest) or folded in words:
            continue
        words.append(folded)
    return tuple(words)


def _means_something(word: str) -> bool:
    if related_words(word):
        return True  # "带走" is made of function characters, yet asks something
    return bool(word) and word not in generic_words() and not is_function_word(word)


def _trimmed(word: str) -> str:
    """A Chinese word without the function characters at its ends ("几楼" asks for "楼")."""
    if len(word) < 2 or not any(map(is_han, word)) or related_words(word):
        return word
    start, end = 0, len(word)
    while start < end and is_function_word(word[start]):
        start += 1
    while end > start and is_function_word(word[end - 1]):
        end -= 1
    return word[start:end]


def _texts(value: Text | TextList | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, TextList):
        return [*value.zh, *value.ko]
    return [value.zh, value.ko]


def event_source(events: Sequence[Event]) -> str:
    """Every text of some programme items, folded: what an answer about them can say."""
    parts: list[str] = []
    for event in events:
        for value in (
            event.name,
            event.aliases,
            event.description,
            event.how_to_join,
            event.price,
            event.eligibility,
            event.bring,
            event.photos,
        ):
            parts += _texts(value)
        for note in event.notes:
            parts += _texts(note.questions) + _texts(note.answer)
    return fold(" ".join(parts))


def venue_source(venue: Venue) -> str:
    """Every text of a venue, folded: its names, address, hours, parking and directions."""
    parts = [*venue.names(), *_texts(venue.address), *_texts(venue.opening_hours)]
    parts += _texts(venue.parking)
    for field in fields(venue.transport):
        parts += _texts(getattr(venue.transport, field.name))
    return fold(" ".join(parts))


def entry_source(entry: FaqEntry) -> str:
    """Every text of an FAQ entry, folded."""
    return fold(" ".join(_texts(entry.questions) + _texts(entry.answer)))


def mentions(source: str, word: str) -> bool:
    """Whether a (folded) source mentions a word, a related word, or a Korean word's stem or typo.

    Korean compounds keep their first noun: "채식주의자" (vegetarian) is about
    "채식". A Korean word one letter (jamo) off a word of the source is a typo
    of it ("체헙" for "체험"; but "도로" is not "도록"). Chinese compounds end in
    their head ("座位图" is a map, not seats), so they are taken whole.
    """
    if word in source or any(r in source for r in related_words(word)):
        return True
    if not all(map(is_hangul, word)):
        return False
    return (len(word) > 2 and word[:2] in source) or _near_miss(source, word)


def _jamo(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def _one_letter_apart(a: str, b: str) -> bool:
    """Whether two jamo strings differ in one letter (a dropped or added final is a word)."""
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1


def _near_miss(source: str, word: str) -> bool:
    """Whether the source holds the Korean word with one letter (jamo) wrong."""
    size = len(word)
    if size < 2:
        return False
    target = _jamo(word)
    for start in range(len(source) - size + 1):
        window = source[start : start + size]
        # A typo changes one syllable: the others must be there as typed.
        if sum(x != y for x, y in zip(window, word, strict=True)) == 1 and _one_letter_apart(
            _jamo(window), target
        ):
            return True
    return False


def unknown_words(words: Iterable[str], source: str, names: Iterable[str] = ()) -> list[str]:
    """The asked words the source never mentions (names of the subject count as mentioned)."""
    folded_names = [fold(n) for n in names]
    return [
        w
        for w in words
        if not mentions(source, w) and not any(w in n or n in w for n in folded_names if n)
    ]
