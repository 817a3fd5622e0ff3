"""Reading the conversation set: YAML files into typed, checked conversations. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

#: The two parts of the set: tuned on, and never looked at while tuning.
PARTS = ("tuned", "untouched")
CATEGORIES = ("single", "multi_turn", "dont_know", "out_of_scope", "location", "language", "list")
KINDS = ("answer", "dont_know", "out_of_scope", "language_switch", "smalltalk")
#: Channel -> (platform metadata, the platform's default language).
CHANNELS: Mapping[str, tuple[str, str | None]] = {
    "wechat": ("wechat", "zh"),
    "kakao": ("kakao", "ko"),
    "telegram": ("telegram", None),
    "rest": ("rest", None),
}
DEFAULT_NOW = "2026-11-27T10:00"

#: A fact: one text, or any one of several texts.
Fact = tuple[str, ...]


class ConversationSetError(ValueError):
    """A conversation file is not in the expected format; the message names file and id."""


@dataclass(frozen=True)
class Expect:
    """What a fully right answer to one turn looks like."""

    kind: str = "answer"
    lang: str | None = None
    first: tuple[Fact, ...] = ()
    has: tuple[Fact, ...] = ()
    not_: tuple[str, ...] = ()
    is_list: bool = False


@dataclass(frozen=True)
class Turn:
    """One visitor action: typed text, a shared location, or a tapped button."""

    expect: Expect
    say: str | None = None
    location: Mapping[str, Any] | None = None
    tap: str | None = None


@dataclass(frozen=True)
class Conversation:
    """One conversation of the set."""

    id: str
    part: str
    category: str
    channel: str
    now: datetime
    turns: tuple[Turn, ...]
    source: str = field(default="", compare=False)

    @property
    def language(self) -> str:
        """The visitor's language: the first expected reply language, else the script's."""
        from bot.nlu.language import detect_language

        for turn in self.turns:
            if turn.expect.lang:
                return turn.expect.lang
            if turn.say and detect_language(turn.say):
                return detect_language(turn.say) or "zh"
        return CHANNELS[self.channel][1] or "zh"

    @property
    def multi_turn(self) -> bool:
        """Whether the visitor sends more than one message."""
        return len(self.turns) > 1


def _facts(value: Any, where: str) -> tuple[Fact, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ConversationSetError(f"{where}: expected a list of facts")
    facts = []
    for item in value:
        options = item if isinstance(item, list) else [item]
        if not options or not all(isinstance(o, (str, int, float)) and str(o) for o in options):
            raise ConversationSetError(f"{where}: a fact is a text or a list of texts")
        facts.append(tuple(str(o) for o in options))
    return tuple(facts)


def _expect(raw: Any, where: str) -> Expect:
    if not isinstance(raw, dict):
        raise ConversationSetError(f"{where}: every turn needs an `expect` mapping")
    unknown = set(raw) - {"kind", "lang", "first", "has", "not", "list"}
    if unknown:
        raise ConversationSetError(f"{where}: unknown keys {sorted(unknown)}")
    kind = raw.get("kind", "answer")
    if kind not in KINDS:
        raise ConversationSetError(f"{where}: kind must be one of {KINDS}, got {kind!r}")
    lang = raw.get("lang")
    if lang not in (None, "zh", "ko"):
        raise ConversationSetError(f"{where}: lang must be zh or ko, got {lang!r}")
    not_ = tuple(str(x) for x in raw.get("not") or [])
    return Expect(
        kind,
        lang,
        _facts(raw.get("first"), where),
        _facts(raw.get("has"), where),
        not_,
        bool(raw.get("list", False)),
    )


def _turn(raw: Any, where: str) -> Turn:
    if not isinstance(raw, dict):
        raise ConversationSetError(f"{where}: a turn is a mapping")
    actions = [key for key in ("say", "location", "tap") if key in raw]
    if len(actions) != 1:
        raise ConversationSetError(f"{where}: a turn has exactly one of say, location, tap")
    location = raw.get("location")
    if location is not None and not (
        isinstance(location, dict) and {"lat", "lon"} <= set(location)
    ):
        raise ConversationSetError(f"{where}: a location has lat and lon")
    return Turn(_expect(raw.get("expect"), where), raw.get("say"), location, raw.get("tap"))


def parse_conversation(raw: Any, part: str, source: str) -> Conversation:
    """Builds one conversation from its YAML mapping.

    Raises:
        ConversationSetError: Naming the file and the conversation.
    """
    where = f"{source}: {raw.get('id', '?') if isinstance(raw, dict) else '?'}"
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        raise ConversationSetError(f"{where}: a conversation is a mapping with an id")
    category, channel = raw.get("category"), raw.get("channel", "rest")
    if category not in CATEGORIES:
        raise ConversationSetError(f"{where}: category must be one of {CATEGORIES}")
    if channel not in CHANNELS:
        raise ConversationSetError(f"{where}: channel must be one of {tuple(CHANNELS)}")
    try:
        now = datetime.fromisoformat(str(raw.get("now") or DEFAULT_NOW))
    except ValueError as error:
        raise ConversationSetError(f"{where}: now: {error}") from None
    turns = raw.get("turns")
    if not isinstance(turns, list) or not turns:
        raise ConversationSetError(f"{where}: turns must be a non-empty list")
    parsed = tuple(_turn(turn, f"{where} turn {n + 1}") for n, turn in enumerate(turns))
    return Conversation(raw["id"], part, category, channel, now, parsed, source)


def load_file(path: Path, part: str) -> list[Conversation]:
    """Reads one file of the set."""
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    items = data.get("conversations") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ConversationSetError(f"{path}: expected a top-level `conversations` list")
    return [parse_conversation(item, part, path.name) for item in items]


def load_set(folder: Path, parts: Iterable[str] = PARTS) -> list[Conversation]:
    """Reads every file of the given parts; ids must be unique across the set.

    Raises:
        ConversationSetError: On any format problem or a repeated id.
    """
    conversations: list[Conversation] = []
    for part in parts:
        for path in sorted((folder / part).glob("*.yml")):
            conversations.extend(load_file(path, part))
    seen: set[str] = set()
    for conversation in conversations:
        if conversation.id in seen:
            raise ConversationSetError(f"{conversation.source}: id {conversation.id} repeated")
        seen.add(conversation.id)
    return conversations


def by_part(conversations: Sequence[Conversation], part: str) -> list[Conversation]:
    """The conversations of one part."""
    return [c for c in conversations if c.part == part]
