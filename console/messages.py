"""The console's labels in Chinese and Korean, from console/messages.yml.

Every key has both languages (a test checks it, and that every key the templates
use exists). ``Messages.text`` fills ``{name}`` placeholders; unknown keys show as
the key itself, so a missing label is visible rather than an error page.
``explain`` turns the validator's English problem messages into the staff's
language where a pattern in ``problems:`` matches, keeping the English otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

LANGUAGES: tuple[str, ...] = ("zh", "ko")
DEFAULT_LANGUAGE = "zh"


@dataclass(frozen=True)
class _Pattern:
    regex: re.Pattern[str]
    texts: dict[str, str]


class Messages:
    """Labels by key and language, and translations of validator messages."""

    def __init__(self, labels: dict[str, dict[str, str]], patterns: list[_Pattern]) -> None:
        self.labels = labels
        self._patterns = patterns

    @classmethod
    def from_yaml(cls, text: str) -> Messages:
        """Reads the messages file's text.

        Raises:
            ValueError: When a label lacks a language.
        """
        data = yaml.safe_load(text)
        labels: dict[str, dict[str, str]] = {}
        for key, value in _flatten(data.get("labels") or {}):
            if set(value) != set(LANGUAGES):
                raise ValueError(f"label {key!r} needs exactly zh and ko, has {sorted(value)}")
            labels[key] = {lang: str(value[lang]) for lang in LANGUAGES}
        patterns = [
            _Pattern(re.compile(item["pattern"]), {lang: item[lang] for lang in LANGUAGES})
            for item in data.get("problems") or []
        ]
        return cls(labels, patterns)

    def text(self, lang: str, key: str, **params: Any) -> str:
        """The label ``key`` in ``lang`` with ``{placeholders}`` filled in."""
        entry = self.labels.get(key)
        if entry is None:
            return key
        template = entry.get(lang) or entry[DEFAULT_LANGUAGE]
        return template.format(**params) if params else template

    def explain(self, lang: str, message: str) -> str:
        """A validator message in ``lang`` when a known pattern matches, else as it is."""
        for pattern in self._patterns:
            match = pattern.regex.search(message)
            if match:
                return pattern.texts[lang].format(**match.groupdict())
        return message


def _flatten(data: dict[str, Any], prefix: str = "") -> list[tuple[str, dict[str, str]]]:
    """Nested groups of labels become dotted keys: {field: {start: {zh, ko}}} → field.start."""
    items = []
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and any(isinstance(item, dict) for item in value.values()):
            items += _flatten(value, name + ".")
        else:
            items.append((name, value))
    return items


@lru_cache(maxsize=1)
def messages() -> Messages:
    """The console's messages, read once from the package."""
    text = resources.files("console").joinpath("messages.yml").read_text(encoding="utf-8")
    return Messages.from_yaml(text)
