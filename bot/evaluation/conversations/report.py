"""Counting played conversations: fully right by part, language and category. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.evaluation.conversations.model import CATEGORIES, PARTS
from bot.evaluation.conversations.player import ConversationResult


@dataclass(frozen=True)
class Tally:
    """How many of a group of conversations were fully right."""

    right: int = 0
    total: int = 0

    @property
    def rate(self) -> float | None:
        """The share fully right, or None for an empty group."""
        return self.right / self.total if self.total else None

    def __str__(self) -> str:
        rate = "–" if self.rate is None else f"{self.rate:.1%}"
        return f"{rate} ({self.right}/{self.total})"


def tally(results: Iterable[ConversationResult]) -> Tally:
    """Counts the fully right conversations."""
    listed = list(results)
    return Tally(sum(r.ok for r in listed), len(listed))


@dataclass(frozen=True)
class Summary:
    """The figures the issue asks for, for one part of the set (or all of it)."""

    overall: Tally
    by_language: dict[str, Tally]
    by_category: dict[str, Tally]
    multi_turn: Tally
    wrong_topic: int


def summarize(results: Sequence[ConversationResult]) -> Summary:
    """Per language, per category, multi-turn, and the answers given instead of "I don't know"."""
    return Summary(
        overall=tally(results),
        by_language={
            lang: tally(r for r in results if r.conversation.language == lang)
            for lang in ("zh", "ko")
        },
        by_category={
            cat: tally(r for r in results if r.conversation.category == cat) for cat in CATEGORIES
        },
        multi_turn=tally(r for r in results if r.conversation.multi_turn),
        wrong_topic=sum(r.wrong_topic for r in results),
    )


def render_table(results: Sequence[ConversationResult]) -> list[str]:
    """A Markdown table: one row per figure, one column per part of the set."""
    parts = [p for p in PARTS if any(r.conversation.part == p for r in results)]
    summaries = {p: summarize([r for r in results if r.conversation.part == p]) for p in parts}
    rows: list[tuple[str, list[str]]] = [
        ("all", [str(s.overall) for s in summaries.values()]),
        ("Chinese", [str(s.by_language["zh"]) for s in summaries.values()]),
        ("Korean", [str(s.by_language["ko"]) for s in summaries.values()]),
        ("multi-turn", [str(s.multi_turn) for s in summaries.values()]),
    ]
    rows += [
        (category, [str(s.by_category[category]) for s in summaries.values()])
        for category in CATEGORIES
    ]
    rows.append(
        (
            "another topic's facts instead of \"I don't know\"",
            [str(s.wrong_topic) for s in summaries.values()],
        )
    )
    lines = [
        "| fully right | " + " | ".join(parts) + " |",
        "| --- | " + " | ".join("---" for _ in parts) + " |",
    ]
    lines += [f"| {name} | " + " | ".join(cells) + " |" for name, cells in rows]
    return lines


def render_failures(results: Sequence[ConversationResult]) -> list[str]:
    """Every turn that was not fully right: what was sent, what came back, what was wrong."""
    lines = []
    for result in results:
        if result.ok:
            continue
        c = result.conversation
        lines.append(f"## {c.id} ({c.part}, {c.category}, {c.channel}, {c.now:%m-%d %H:%M})")
        for number, turn in enumerate(result.turns, start=1):
            mark = "ok " if turn.verdict.ok else "BAD"
            lines.append(f"  {mark} {number}. > {turn.sent}")
            if not turn.verdict.ok:
                lines.append(f"        nlu: {turn.understood}")
                for reply in turn.replies:
                    shown = reply.text.replace("\n", "\n          ")
                    lines.append(f"        [{reply.response or 'text'}] {shown}")
                    lines += [
                        f"          ({title} -> {payload})" for title, payload in reply.buttons
                    ]
                lines += [f"        !! {problem}" for problem in turn.verdict.problems]
    return lines
