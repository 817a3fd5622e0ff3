"""What the loads ask: the held-out questions of ``tests/nlu``, by language. Pure parsing.

The held-out sets are phrasings the model never saw in training, so a load
exercises the whole pipeline (language detection, NLU, actions) the way real
visitors would, rather than replaying training examples.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import yaml

from harness.project import HELDOUT

LANGUAGES = ("zh", "ko")
_MARKUP = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


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
    return [t for t in found if t]


def questions(folder: Path = HELDOUT, seed: int = 11) -> dict[str, list[str]]:
    """Questions per language ("zh", "ko"), each list in a fixed order shuffled with ``seed``."""
    result = {}
    for language in LANGUAGES:
        texts = parse_examples((folder / f"{language}.yml").read_text(encoding="utf-8"))
        random.Random(seed).shuffle(texts)
        result[language] = texts
    return result
