"""What virtual visitors ask: the held-out questions of ``tests/nlu``, by language. Pure parsing.

The held-out sets are phrasings the model never saw in training, so the load
exercises the whole pipeline (language detection, NLU, actions) the way real
visitors would rather than replaying training examples.
"""

from __future__ import annotations

import random
from pathlib import Path

from harness.heldout import parse_examples
from reliability.settings import ROOT

HELDOUT = ROOT / "tests" / "nlu"


def questions(folder: Path = HELDOUT, seed: int = 11) -> dict[str, list[str]]:
    """Questions per language ("zh", "ko"), in a fixed shuffled order."""
    result = {}
    for language in ("zh", "ko"):
        texts = parse_examples((folder / f"{language}.yml").read_text(encoding="utf-8"))
        random.Random(seed).shuffle(texts)
        result[language] = texts
    return result
