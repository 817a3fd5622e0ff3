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


def _fields(fields: tuple[Field, ...]) -> list[Field]:
    return [item for field in fields for item in (field, *_fields(field.fields))]


def test_every_label_has_both_languages_and_every_used_key_exists() -> None:
    labels = messages().labels
    assert all(set(value) == {"zh", "ko"} and all(value.values()) for value in labels.values())
    missing = sorted(key for key in _used_keys() if key not in labels)
    assert not missing, missing
    for section in SECTIONS.values():
        assert f"section.{section.name}" in labels
        for item in _fields(section.fields + section.root_fields):
            assert f"field.{item.name}" in labels, item.name
            assert not item.hint or f"hint.{item.name}" in labels, item.name


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


def test_the_checks_of_aliases_and_hotels_are_explained() -> None:
    m = messages()
    assert "下划线" in m.explain("zh", "'Hotel 1' is not a valid id; start with a small letter a-z")
    assert "하이픈" in m.explain("ko", "'Day 1' is not a valid id; use only small letters a-z")
    assert "两次" in m.explain("zh", "the name '开幕式' is listed twice; keep one")
    assert "두 번" in m.explain("ko", "'xita' is written twice; keep only one")
    assert m.explain("zh", "there is no venue with the id '' in this file; use one of: xita.") == (
        "请选择场馆"
    )
    assert "호텔" in m.explain("ko", "'xita' is already the id of a venue; give the hotel a ...")
