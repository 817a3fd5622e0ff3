"""Every console label exists in Chinese and Korean, and every key the pages use is defined."""

from __future__ import annotations

import re
from pathlib import Path

from bot.content.fields import SECTIONS, Field
from console.messages import messages

CONSOLE = Path(__file__).resolve().parents[2] / "console"


def _used_keys() -> set[str]:
    keys = set()
    for path in (CONSOLE / "templates").glob("*.html"):
        keys |= set(re.findall(r"\bt\('([a-z_.]+)'\)", path.read_text(encoding="utf-8")))
    for path in CONSOLE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        keys |= set(re.findall(r'\b(?:t|flash)\(request, "([a-z_.]+)"', text))
    return keys


def _field_names(fields: tuple[Field, ...]) -> set[str]:
    names = set()
    for item in fields:
        names.add(item.name)
        names |= _field_names(item.fields)
    return names


def test_every_label_has_both_languages_and_every_used_key_exists() -> None:
    labels = messages().labels
    assert all(set(value) == {"zh", "ko"} and all(value.values()) for value in labels.values())
    missing = sorted(key for key in _used_keys() if key not in labels)
    assert not missing, missing
    for section in SECTIONS.values():
        assert f"section.{section.name}" in labels
        for name in _field_names(section.fields + section.root_fields):
            assert f"field.{name}" in labels, name


def test_no_label_is_written_in_the_templates() -> None:
    for path in (CONSOLE / "templates").glob("*.html"):
        text = re.sub(r"\{[{%#].*?[}%#]\}", "", path.read_text(encoding="utf-8"), flags=re.S)
        text = re.sub(r"<[^>]+>", "", text)
        assert not re.search(r"[\u4e00-\u9fff\uac00-\ud7af]", text), path.name
        words = [w for w in re.findall(r"[A-Za-z]{3,}", text) if w not in ("html",)]
        assert not words, (path.name, words[:5])


def test_validator_messages_are_explained_in_both_languages() -> None:
    m = messages()
    message = "the end 2026-11-27T10:00 must be after the start 2026-11-27T11:00"
    assert "必须晚于" in m.explain("zh", message) and "늦어야" in m.explain("ko", message)
    assert m.explain("ko", "something new") == "something new"
