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

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from bot.content.model import Event, FaqEntry, Text, TextList
from bot.nlu.language import fold
from bot.nlu.lexicon import generic_words, is_function_word


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
    known = [fold(n) for n in names] + [s for s in spans if s]
    words: list[str] = []
    for word in message.get("keywords") or []:
        folded = fold(str(word))
        if not folded or folded in generic_words() or is_function_word(folded) or folded in words:
            continue
        if any(folded in k or k in folded for k in known if k):
            continue
        words.append(folded)
    return tuple(words)


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


def entry_source(entry: FaqEntry) -> str:
    """Every text of an FAQ entry, folded."""
    return fold(" ".join(_texts(entry.questions) + _texts(entry.answer)))


def mentions(source: str, word: str) -> bool:
    """Whether a (folded) source mentions a word, or the stem of a longer compound.

    Korean compounds keep their first noun: "채식주의자" (vegetarian) is about "채식".
    """
    return word in source or (len(word) > 2 and word[:2] in source)


def unknown_words(words: Iterable[str], source: str, names: Iterable[str] = ()) -> list[str]:
    """The asked words the source never mentions (names of the subject count as mentioned)."""
    folded_names = [fold(n) for n in names]
    return [
        w
        for w in words
        if not mentions(source, w) and not any(w in n or n in w for n in folded_names if n)
    ]
