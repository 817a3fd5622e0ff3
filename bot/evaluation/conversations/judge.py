"""Is an answer fully right? One turn's replies against its expectation. Pure.

Facts are compared after Unicode NFKC, case folding and removing whitespace (so
"17:00" matches "17 : 00" and Korean spacing does not matter). A turn is right
when every check passes: the expected kind of reply, the facts of ``first`` in
the first message, the facts of ``has`` anywhere (texts and button titles), none
of ``not``, every text in the expected language, and a first message that fits
a phone screen unless the visitor asked for a list.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from bot.evaluation.conversations.model import Expect, Fact
from bot.nlu.language import is_han, is_hangul

#: A first message longer than this (characters or lines) does not fit a phone screen.
PHONE_CHARS, PHONE_LINES = 350, 8
NO_INFO = frozenset({"utter_no_info", "utter_activity_unknown"})
OUT_OF_SCOPE = frozenset({"utter_out_of_scope"})
NOT_UNDERSTOOD = frozenset({"utter_default"})
LANGUAGE_SWITCH = frozenset(
    {"utter_language_changed_zh", "utter_language_changed_ko", "utter_language_unsupported"}
)
_LINK = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class Reply:
    """One bot message: its text, button titles and payloads, and the response it came from."""

    text: str = ""
    buttons: tuple[tuple[str, str], ...] = ()
    response: str | None = None


@dataclass(frozen=True)
class Verdict:
    """Whether a turn was answered fully right, and why not."""

    problems: tuple[str, ...]
    wrong_topic: bool = False

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return not self.problems


def fold(text: str) -> str:
    """NFKC, case-folded, without whitespace: how facts and replies are compared."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def in_language(text: str, lang: str) -> bool:
    """Whether a text is written in ``lang`` (texts without Han or Hangul always pass).

    Chinese texts contain no Hangul; Korean texts are mostly Hangul, with a few Han
    characters allowed for names written in Hanja or Chinese ("후이잔중신(会展中心)").
    Links are not words: a map link may carry the venue's Chinese name.
    """
    text = _LINK.sub("", text)
    hangul = sum(map(is_hangul, text))
    han = sum(map(is_han, text))
    if hangul == 0 and han == 0:
        return True
    if lang == "zh":
        return hangul == 0
    return hangul > 0 and han <= max(4, hangul // 5)


def _kind_of(replies: Sequence[Reply]) -> str:
    first = next((r.response for r in replies if r.text or r.response), None)
    if first in NO_INFO:
        return "dont_know"
    if first in OUT_OF_SCOPE:
        return "out_of_scope"
    if first in NOT_UNDERSTOOD:
        return "not_understood"
    if first in LANGUAGE_SWITCH:
        return "language_switch"
    return "answer" if replies else "silence"


def _missing(facts: Sequence[Fact], text: str) -> list[str]:
    folded = fold(text)
    return [" | ".join(fact) for fact in facts if not any(fold(o) in folded for o in fact)]


def judge(expect: Expect, replies: Sequence[Reply], lang: str) -> Verdict:
    """Judges the replies to one turn.

    Args:
        expect: The turn's expectation.
        replies: The bot's messages for the turn, in order.
        lang: The language the replies must be in.

    Returns:
        The verdict; ``wrong_topic`` marks an answer given where the bot should have
        said it does not know (or that the question is out of scope).
    """
    problems: list[str] = []
    kind = _kind_of(replies)
    wanted = expect.kind if expect.kind != "smalltalk" else "answer"
    if kind != wanted:
        problems.append(f"expected {expect.kind}, got {kind}")
    wrong_topic = expect.kind in ("dont_know", "out_of_scope") and kind == "answer"
    texts = [r.text for r in replies if r.text]
    first = texts[0] if texts else ""
    everything = "\n".join(texts + [title for r in replies for title, _ in r.buttons])
    problems += [f"first message lacks {fact!r}" for fact in _missing(expect.first, first)]
    problems += [f"reply lacks {fact!r}" for fact in _missing(expect.has, everything)]
    problems += [f"reply contains {bad!r}" for bad in expect.not_ if fold(bad) in fold(everything)]
    problems += [f"not in {lang}: {text[:60]!r}" for text in texts if not in_language(text, lang)]
    if not expect.is_list and (len(first) > PHONE_CHARS or first.count("\n") + 1 > PHONE_LINES):
        problems.append(
            f"first message too long for a phone ({len(first)} chars, "
            f"{first.count(chr(10)) + 1} lines)"
        )
    return Verdict(tuple(problems), wrong_topic)
