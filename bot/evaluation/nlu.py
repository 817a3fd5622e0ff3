"""Held-out NLU evaluation: intent accuracy, macro-F1 and the main confusions, per language.

Used by the test suite (which fails under 90 % accuracy), by `make bench` and by
`bot eval`. Test files are Rasa NLU YAML files under tests/nlu/ (one per language),
never trained on.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class NluReport:
    """How a model did on one held-out file."""

    name: str
    total: int = 0
    correct: int = 0
    macro_f1: float = 0.0
    confusions: list[tuple[str, str, int]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        """Share of examples whose predicted intent is the labelled one."""
        return self.correct / self.total if self.total else 0.0


def load_examples(path: Path) -> list[tuple[str, str]]:
    """Reads (text, intent) pairs from a Rasa NLU YAML file, entity markup removed."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    return [(m.get("text"), m.get("intent")) for m in data.intent_examples]


def score(
    name: str, gold: Sequence[str], predicted: Sequence[str], texts: Sequence[str]
) -> NluReport:
    """Builds a report from labelled and predicted intents."""
    from sklearn.metrics import f1_score

    report = NluReport(name=name, total=len(gold))
    report.correct = sum(g == p for g, p in zip(gold, predicted, strict=True))
    labels = sorted(set(gold))
    report.macro_f1 = float(
        f1_score(gold, predicted, labels=labels, average="macro", zero_division=0)
    )
    pairs = Counter((g, p) for g, p in zip(gold, predicted, strict=True) if g != p)
    report.confusions = [(g, p, n) for (g, p), n in pairs.most_common(10)]
    report.errors = [
        {"text": t, "gold": g, "predicted": p}
        for t, g, p in zip(texts, gold, predicted, strict=True)
        if g != p
    ]
    return report


async def evaluate_file(agent: Any, path: Path) -> NluReport:
    """Parses every example of a held-out file with a loaded agent and scores it.

    Args:
        agent: A loaded ``rasa.core.agent.Agent``.
        path: A Rasa NLU YAML test file.
    """
    examples = load_examples(path)
    predicted: list[str] = []
    for text, _ in examples:
        parse = await agent.parse_message(text)
        predicted.append((parse.get("intent") or {}).get("name") or "")
    # A low-confidence guess becomes nlu_fallback; for out_of_scope that is the right outcome.
    gold = [intent for _, intent in examples]
    predicted = [
        "out_of_scope" if p == "nlu_fallback" and g == "out_of_scope" else p
        for g, p in zip(gold, predicted, strict=True)
    ]
    return score(path.stem, gold, predicted, [text for text, _ in examples])


def format_report(report: NluReport) -> str:
    """A few readable lines: accuracy, macro-F1 and the top confusions."""
    lines = [
        f"{report.name}: accuracy {report.accuracy:.1%} ({report.correct}/{report.total}), "
        f"macro-F1 {report.macro_f1:.3f}"
    ]
    lines += [f"  {gold} → {pred}: {n}" for gold, pred, n in report.confusions[:6]]
    return "\n".join(lines)
