"""Words that ask nothing in particular (bot/nlu/generic_words.yml), for the actions' checks."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from bot.nlu.language import fold

GENERIC_WORDS = Path(__file__).resolve().parent / "generic_words.yml"


@lru_cache(maxsize=1)
def generic_words() -> frozenset[str]:
    """The folded words that ask nothing in particular, both languages."""
    with open(GENERIC_WORDS, encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    return frozenset(fold(str(word)) for words in data.values() for word in words or [])
