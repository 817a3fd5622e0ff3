"""The visitor messages of the loads: the held-out questions of tests/nlu, by language. Pure.

WeChat gets Chinese, Kakao Korean, Telegram and REST both (alternating), in a
fixed shuffled order so every run and both bots see the same sequence.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import yaml

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


def interleave(*lists: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """One item of each list in turn, until the longest runs out."""
    mixed = []
    for index in range(max(len(items) for items in lists)):
        mixed += [items[index] for items in lists if index < len(items)]
    return mixed


def channel_messages(heldout_dir: Path, seed: int = 7) -> dict[str, list[tuple[str, str]]]:
    """[language, text] lists per channel."""
    by_language = {}
    for language in ("zh", "ko"):
        texts = parse_examples((heldout_dir / f"{language}.yml").read_text(encoding="utf-8"))
        random.Random(seed).shuffle(texts)
        by_language[language] = [(language, t) for t in texts]
    both = interleave(by_language["zh"], by_language["ko"])
    return {"wechat": by_language["zh"], "kakao": by_language["ko"], "telegram": both, "rest": both}
