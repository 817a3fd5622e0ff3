"""The connectors' own words (channels/messages.yml) and the language to say them in."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.nlu.language import detect_language
from channels.common import catalog
from channels.common.store import MemoryStore


def test_every_catalog_message_has_chinese_and_korean_in_their_own_scripts() -> None:
    messages = catalog.load_catalog()
    assert {"text_only", "busy", "waiting", "error", "welcome"} <= set(messages)
    for message_id, entry in messages.items():
        assert entry["zh"].strip() and entry["ko"].strip(), message_id
        if not message_id.startswith("lang_"):
            assert detect_language(entry["zh"]) == "zh", message_id
            assert detect_language(entry["ko"]) == "ko", message_id
    for _, payload in catalog.WELCOME_TOPICS:
        assert payload.startswith("/ask_")


def test_say_picks_the_language_or_both_and_fills_placeholders(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with monkeypatch.context() as patched:  # no shipped text has a placeholder today
        entry = {"zh": "导航 {label}", "ko": "길 안내 {label}"}
        patched.setattr(catalog, "load_catalog", lambda: {"location_request": entry})
        assert catalog.say("location_request", "zh", label="沈阳站") == "导航 沈阳站"
    assert detect_language(catalog.say("busy", "ko")) == "ko"
    both = catalog.say("text_only", "en")
    assert "文字" in both and "텍스트" in both
    with pytest.raises(catalog.CatalogError):
        catalog.say("no_such_message", "zh")


def test_catalog_refuses_an_entry_without_korean(tmp_path: Path) -> None:
    broken = tmp_path / "messages.yml"
    broken.write_text("busy:\n  zh: 请稍候\n", encoding="utf-8")
    with pytest.raises(catalog.CatalogError):
        catalog.load_catalog(broken)


@pytest.mark.parametrize(
    "code, expected",
    [
        ("ko", "ko"),
        ("ko-KR", "ko"),
        ("kr", "ko"),
        ("zh-hans", "zh"),
        ("zh_TW", "zh"),
        ("en", None),
        ("", None),
        (None, None),
    ],
)
def test_platform_language(code: str | None, expected: str | None) -> None:
    assert catalog.platform_language(code) == expected


async def test_language_memory_learns_from_the_latest_text_with_a_signal() -> None:
    memory = catalog.LanguageMemory(MemoryStore(), "wechat")
    assert await memory.recall("u", "zh") == "zh"
    assert await memory.learn("u", "푸드 페스티벌", "ok") == "ko"
    assert await memory.recall("u", "zh") == "ko"
    await memory.learn("u", "1", "好的，这是日程")
    assert await memory.recall("u", None) == "zh"
