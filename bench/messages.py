"""The visitor messages of the loads: the held-out questions of tests/nlu, by channel. Pure.

WeChat gets Chinese, Kakao Korean, Telegram and REST both (alternating), in a
fixed shuffled order so every run and both bots see the same sequence.
"""

from __future__ import annotations

from pathlib import Path

from harness.heldout import questions


def interleave(*lists: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """One item of each list in turn, until the longest runs out."""
    mixed = []
    for index in range(max(len(items) for items in lists)):
        mixed += [items[index] for items in lists if index < len(items)]
    return mixed


def channel_messages(heldout_dir: Path, seed: int = 7) -> dict[str, list[tuple[str, str]]]:
    """[language, text] lists per channel."""
    by_language = {
        language: [(language, text) for text in texts]
        for language, texts in questions(heldout_dir, seed).items()
    }
    both = interleave(by_language["zh"], by_language["ko"])
    return {"wechat": by_language["zh"], "kakao": by_language["ko"], "telegram": both, "rest": both}
