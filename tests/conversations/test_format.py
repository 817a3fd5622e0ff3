"""The visitor conversation set is well formed, big enough, and its facts come from content.

The set (``tuned/`` and ``untouched/``; the format is in README.md here) is played
through the real model and actions by the conversation runner. This test only
checks the files: known keys and values, unique ids, an expectation on every
turn, the counts the set promises, and that every fact a right answer must
contain can be found in what the bot may show (content texts, dates, times and
the agreed wording for past sessions) — so a typo in a fact fails here, not as
a wrong answer later.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, fields, is_dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.content import Content, load_content
from harness.project import ROOT

HERE = Path(__file__).parent
PARTS = ("tuned", "untouched")
CATEGORIES = {"single", "multi_turn", "dont_know", "out_of_scope", "location", "language", "list"}
KINDS = {"answer", "dont_know", "out_of_scope", "language_switch", "smalltalk"}
CHANNELS = {"wechat", "kakao", "telegram", "rest"}
LANGS = {"zh", "ko"}
CONVERSATION_KEYS = {"id", "category", "channel", "now", "turns"}
EXPECT_KEYS = {"kind", "lang", "first", "has", "not", "list"}
ID = re.compile(r"[a-z]+-(zh|ko)-u?\d{2}")
FILE = re.compile(r"([a-z]+)_(zh|ko)\.yml")
#: Wording the bot adds to content facts (a past session), and date and time forms.
CONVENTIONS = ("已结束", "종료")
DATE_OR_TIME = re.compile(r"\d{1,2}月\d{1,2}日|\d{1,2}월\d{1,2}일|\d{1,2}:\d{2}")
#: Text fields that only help the bot understand questions; never shown as facts.
NOT_SHOWN = {"aliases", "questions", "tags", "category", "id", "venue", "map_url"}


def normalise(text: str) -> str:
    """Compares texts as the runner does: NFKC, case folded, without whitespace."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def _load(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    assert isinstance(data, dict) and set(data) == {"conversations"}, path.name
    assert isinstance(data["conversations"], list) and data["conversations"], path.name
    return data["conversations"]


def _files() -> list[tuple[str, Path]]:
    return [(part, path) for part in PARTS for path in sorted((HERE / part).glob("*.yml"))]


CONVERSATIONS = [
    (part, path.name, conversation) for part, path in _files() for conversation in _load(path)
]


def _shown_texts(value: Any, key: str = "") -> Iterator[str]:
    """Every text of the content a reply may show (names, answers, directions, ...)."""
    if key in NOT_SHOWN:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, int) and not isinstance(value, bool):
        yield str(value)
    elif is_dataclass(value) and not isinstance(value, type):
        for item in fields(value):
            yield from _shown_texts(getattr(value, item.name), item.name)
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from _shown_texts(item, name)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _shown_texts(item, key)


@pytest.fixture(scope="module")
def shown() -> str:
    content: Content = load_content(ROOT / "content")
    parts = [content.overview, *content.venues.values(), *content.hotels, *content.events]
    texts = [text for part in parts for text in _shown_texts(asdict(part))]
    texts += [text for entry in content.faq for text in (entry.answer.zh, entry.answer.ko)]
    return "\n".join(normalise(text) for text in texts)


def _facts(expect: dict[str, Any], key: str) -> list[list[str]]:
    """The facts under ``key`` as alternatives: ``"a"`` is ``["a"]``, ``["a", "b"]`` one of them."""
    return [[item] if isinstance(item, str) else list(item) for item in expect.get(key) or []]


def _language(text: str) -> str | None:
    hangul = sum("\uac00" <= ch <= "\ud7a3" for ch in text)
    han = sum("\u4e00" <= ch <= "\u9fff" for ch in text)
    if hangul == han:
        return None
    return "ko" if hangul > han else "zh"


# --- files and keys ---------------------------------------------------------------------


def test_both_parts_have_files_named_by_topic_and_language() -> None:
    for part in PARTS:
        names = [path.name for path in sorted((HERE / part).glob("*"))]
        assert names, part
        for name in names:
            assert FILE.fullmatch(name), f"{part}/{name}: name it <topic>_<zh|ko>.yml"


@pytest.mark.parametrize(
    ("part", "name", "conversation"),
    CONVERSATIONS,
    ids=[conversation.get("id", "?") for _, _, conversation in CONVERSATIONS],
)
def test_conversation_is_well_formed(part: str, name: str, conversation: dict[str, Any]) -> None:
    assert set(conversation) <= CONVERSATION_KEYS, set(conversation) - CONVERSATION_KEYS
    topic, lang = FILE.fullmatch(name).groups()  # type: ignore[union-attr]
    assert ID.fullmatch(conversation["id"]), conversation["id"]
    assert conversation["id"].startswith(f"{topic}-{lang}-"), (name, conversation["id"])
    untouched = re.search(r"-u\d{2}$", conversation["id"]) is not None
    assert untouched == (part == "untouched"), "untouched ids end in -uNN, tuned ids in -NN"
    assert conversation["category"] in CATEGORIES
    assert conversation.get("channel", "rest") in CHANNELS
    if "now" in conversation:
        now = datetime.fromisoformat(conversation["now"])
        assert datetime(2026, 11, 20) <= now <= datetime(2026, 12, 5), now
    turns = conversation["turns"]
    assert isinstance(turns, list) and turns
    if conversation["category"] == "multi_turn":
        assert len(turns) >= 2
    for number, turn in enumerate(turns):
        _check_turn(turn, number, turns)


def _check_turn(turn: dict[str, Any], number: int, turns: list[dict[str, Any]]) -> None:
    actions = [key for key in ("say", "location", "tap") if key in turn]
    assert len(actions) == 1 and set(turn) == {actions[0], "expect"}, turn
    if "say" in turn:
        assert isinstance(turn["say"], str) and turn["say"].strip()
    elif "location" in turn:
        where = turn["location"]
        assert set(where) <= {"lat", "lon", "label"} and {"lat", "lon"} <= set(where)
        assert 41.2 <= where["lat"] <= 43.1 and 122.4 <= where["lon"] <= 123.9, where
    else:
        assert number > 0 and isinstance(turn["tap"], str), "a tap presses a previous button"
    expect = turn["expect"]
    assert isinstance(expect, dict) and set(expect) <= EXPECT_KEYS, expect
    kind = expect.get("kind", "answer")
    assert kind in KINDS
    assert expect.get("lang", "zh") in LANGS
    assert isinstance(expect.get("list", False), bool)
    facts = [_facts(expect, key) for key in ("first", "has", "not")]
    assert kind != "answer" or any(facts), f"turn {number + 1} expects nothing: {turn}"
    for alternatives in (item for group in facts for item in group):
        assert alternatives and all(isinstance(a, str) and a.strip() for a in alternatives)
    if "say" in turn and "lang" not in expect and _language(turn["say"]) is None:
        assert number > 0, f"say which language '{turn['say']}' is answered in (lang:)"


# --- facts --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("part", "name", "conversation"),
    CONVERSATIONS,
    ids=[conversation.get("id", "?") for _, _, conversation in CONVERSATIONS],
)
def test_facts_are_what_the_bot_may_show(
    part: str, name: str, conversation: dict[str, Any], shown: str
) -> None:
    for turn in conversation["turns"]:
        for key in ("first", "has"):
            for alternatives in _facts(turn["expect"], key):
                assert any(
                    normalise(fact) in shown
                    or DATE_OR_TIME.fullmatch(normalise(fact))
                    or fact in CONVENTIONS
                    for fact in alternatives
                ), f"{conversation['id']}: no alternative of {alternatives} is in content"


def test_a_fact_is_not_also_forbidden() -> None:
    for _, _, conversation in CONVERSATIONS:
        for turn in conversation["turns"]:
            expect = turn["expect"]
            wanted = {
                normalise(f) for key in ("first", "has") for a in _facts(expect, key) for f in a
            }
            banned = {normalise(f) for a in _facts(expect, "not") for f in a}
            assert not wanted & banned, conversation["id"]


# --- the set as a whole ---------------------------------------------------------------------


def _lang(name: str) -> str:
    return FILE.fullmatch(name).group(2)  # type: ignore[union-attr]


def test_ids_are_unique_across_both_parts() -> None:
    counts = Counter(conversation["id"] for _, _, conversation in CONVERSATIONS)
    assert [item for item, count in counts.items() if count > 1] == []


def test_the_set_has_the_promised_size_and_mix() -> None:
    total = len(CONVERSATIONS)
    assert total >= 200
    by_lang = Counter(_lang(name) for _, name, _ in CONVERSATIONS)
    assert 0.4 <= by_lang["zh"] / total <= 0.6, by_lang
    by_part = Counter(part for part, _, _ in CONVERSATIONS)
    assert 0.6 <= by_part["tuned"] / total <= 0.8, by_part
    multi = [c for _, _, c in CONVERSATIONS if len(c["turns"]) >= 2]
    assert len(multi) >= 50 and sum(c["category"] == "multi_turn" for c in multi) >= 50
    for part in PARTS:
        categories = {c["category"] for p, _, c in CONVERSATIONS if p == part}
        assert categories == CATEGORIES, (part, CATEGORIES - categories)
        langs = Counter(_lang(name) for p, name, _ in CONVERSATIONS if p == part)
        assert 0.4 <= langs["zh"] / sum(langs.values()) <= 0.6, (part, langs)


def test_the_set_covers_what_the_issue_lists() -> None:
    turns = [
        (conversation, turn)
        for _, _, conversation in CONVERSATIONS
        for turn in conversation["turns"]
    ]
    said = [turn["say"] for _, turn in turns if "say" in turn]
    assert any(turn["expect"].get("kind") == "dont_know" for _, turn in turns)
    assert any(turn["expect"].get("kind") == "out_of_scope" for _, turn in turns)
    assert any(turn["expect"].get("kind") == "language_switch" for _, turn in turns)
    assert any("tap" in turn for _, turn in turns)
    assert {c.get("channel") for c, turn in turns if "location" in turn} >= {"wechat", "telegram"}
    assert any(
        any("已结束" in str(f) or "종료" in str(f) for f in t["expect"].get("has", []))
        for _, t in turns
    )
    for needle in (
        "后天呢",
        "모레는요",
        "在哪坐车",
        "주차돼요",
        "从南站",
        "거기",
        "不要韩语",
        "말고",
    ):
        assert any(needle in text for text in said), needle


@pytest.mark.parametrize(
    "event_id",
    [
        "opening-ceremony",
        "tourism-promotion",
        "taekwondo-kids-trial",
        "forum-trade-media-dialogue",
    ],
)
def test_items_nobody_could_reach_are_asked_about_in_both_languages(event_id: str) -> None:
    content = load_content(ROOT / "content")
    event = content.event(event_id)
    assert event is not None
    for lang in ("zh", "ko"):
        names = [normalise(n) for n in (*event.aliases.get(lang), event.name.get(lang))]  # type: ignore[union-attr]
        asked = [
            turn["say"]
            for _, name, conversation in CONVERSATIONS
            if _lang(name) == lang
            for turn in conversation["turns"]
            if "say" in turn
        ]
        assert any(any(n in normalise(text) for n in names) for text in asked), (event_id, lang)


def test_every_programme_item_is_asked_about() -> None:
    content = load_content(ROOT / "content")
    said = [
        normalise(turn["say"])
        for _, _, conversation in CONVERSATIONS
        for turn in conversation["turns"]
        if "say" in turn
    ]
    for event in content.events:
        names = {normalise(n) for n in event.names()}
        assert any(any(n in text for n in names) for text in said), event.id
