"""What virtual visitors ask: the held-out questions of ``tests/nlu``, by language. Pure parsing.

The held-out sets are phrasings the model never saw in training, so the load
exercises the whole pipeline (language detection, NLU, actions) the way real
visitors would rather than replaying training examples.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import yaml

from reliability.settings import ROOT

_MARKUP = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")
HELDOUT = ROOT / "tests" / "nlu"


def parse_examples(text: str) -> list[str]:
    """Example texts of a Rasa NLU YAML document, entity markup removed."""
    document = yaml.safe_load(text) or {}
    found = []
    for block in document.get("nlu") or []:
        if "intent" not in block:
            continue
        for line in str(block.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                found.append(_MARKUP.sub(r"\1", line[2:].strip()))
    return [text for text in found if text]


def questions(folder: Path = HELDOUT, seed: int = 11) -> dict[str, list[str]]:
    """Questions per language ("zh", "ko"), in a fixed shuffled order."""
    result = {}
    for language in ("zh", "ko"):
        texts = parse_examples((folder / f"{language}.yml").read_text(encoding="utf-8"))
        random.Random(seed).shuffle(texts)
        result[language] = texts
    return result
