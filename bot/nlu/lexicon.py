"""Words that ask nothing in particular, and related words (bot/nlu/generic_words.yml)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.nlu.language import fold

GENERIC_WORDS = Path(__file__).resolve().parent / "generic_words.yml"


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, Any]:
    with open(GENERIC_WORDS, encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    return dict(data)


def generic_words() -> frozenset[str]:
    """The folded words that ask nothing in particular, both languages."""
    lists = [_lexicon().get(lang) or [] for lang in ("zh", "ko")]
    return frozenset(fold(str(word)) for words in lists for word in words)


def is_function_word(word: str) -> bool:
    """Whether a (folded) word is made only of characters that are not content by themselves."""
    chars = str(_lexicon().get("zh_function_chars") or "")
    return bool(word) and all(char in chars for char in word)


@lru_cache(maxsize=1)
def _related() -> dict[str, tuple[str, ...]]:
    table = _lexicon().get("related") or {}
    return {fold(str(word)): tuple(fold(str(r)) for r in others) for word, others in table.items()}


def related_words(word: str) -> tuple[str, ...]:
    """The (folded) words the content may use for a (folded) word the visitor used."""
    return _related().get(word, ())


@lru_cache(maxsize=1)
def _modes() -> dict[str, tuple[str, ...]]:
    table = _lexicon().get("transport_modes") or {}
    return {mode: tuple(fold(str(w)) for w in words) for mode, words in table.items()}


def transport_mode(text: str) -> str | None:
    """The way of getting there a message names ("metro", "taxi", "bus"), if one."""
    folded = fold(text)
    return next((m for m, words in _modes().items() if any(w in folded for w in words)), None)


def without_interrogatives(word: str) -> str:
    """A (folded) question phrase without its "how many" words: "몇명" → "명", "多少人" → "人"."""
    for interrogative in sorted(_lexicon().get("interrogatives") or [], key=len, reverse=True):
        word = word.replace(fold(str(interrogative)), "")
    return word


def entry_words() -> tuple[str, ...]:
    """The (folded) words of arriving, entering or checking in."""
    return tuple(fold(str(w)) for w in _lexicon().get("entry_words") or [])


def bring_words() -> tuple[str, ...]:
    """The (folded) words of bringing or showing something at the door."""
    return tuple(fold(str(w)) for w in _lexicon().get("bring_words") or [])


@lru_cache(maxsize=1)
def _eligibility() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(str(p)) for p in _lexicon().get("eligibility_patterns") or [])


def asks_who_may_come(text: str) -> bool:
    """Whether a message gives a height or an age, which asks who may take part."""
    return any(p.search(text) for p in _eligibility())
