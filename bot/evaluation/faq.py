"""Tune and check the FAQ match threshold, and the grouping of unanswered questions.

``python -m bot.evaluation.faq`` scores the held-out paraphrases of tests/faq/paraphrases.yml
against content/faq.yml and prints, per threshold, the precision (answers given
that were the right entry), the recall (paraphrases answered with the right entry)
and F1, then the threshold chosen and a two-fold estimate (threshold chosen on one
half, measured on the other). ``python -m bot.evaluation.faq clusters`` does the same for
the similarity threshold that groups unanswered questions (bot.unanswered.report),
on the labelled questions of tests/faq/unanswered_groups.yml.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.content.loader import load_content
from bot.content.model import Content
from bot.content.retrieval import FALLBACK_MATCH_THRESHOLD, FaqIndex

PARAPHRASES = Path("tests/faq/paraphrases.yml")
GROUPS = Path("tests/faq/unanswered_groups.yml")
THRESHOLDS = tuple(round(0.02 * step, 2) for step in range(2, 21))
#: The precision the chosen threshold must reach; among those, the best recall wins.
TARGET_PRECISION = 0.9


@dataclass(frozen=True)
class Question:
    """A held-out question: its text, language and the FAQ entry that answers it (or None)."""

    text: str
    lang: str
    expected: str | None


@dataclass(frozen=True)
class Scored:
    """A question with the best entry found and its confidence (``FaqMatch.confidence``)."""

    question: Question
    best: str | None
    score: float


@dataclass(frozen=True)
class Metrics:
    """How the fallback does at one threshold."""

    threshold: float
    answered: int
    correct: int
    in_scope: int
    unrelated_answered: int

    @property
    def precision(self) -> float:
        """Share of FAQ answers given that were the right entry."""
        return self.correct / self.answered if self.answered else 1.0

    @property
    def recall(self) -> float:
        """Share of paraphrases answered with the right entry."""
        return self.correct / self.in_scope if self.in_scope else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def load_questions(path: Path = PARAPHRASES) -> list[Question]:
    """Reads the paraphrases (with their entry ids) and the unrelated questions."""
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    questions = [
        Question(text, lang, entry_id)
        for entry_id, langs in data["paraphrases"].items()
        for lang in ("zh", "ko")
        for text in langs.get(lang) or []
    ]
    questions += [
        Question(text, lang, None)
        for lang in ("zh", "ko")
        for text in data["unrelated"].get(lang) or []
    ]
    return questions


def score_questions(content: Content, questions: Sequence[Question]) -> list[Scored]:
    """Finds the closest FAQ entry of every question, as the fallback does."""
    index = FaqIndex(content.faq)
    scored = []
    for question in questions:
        matches = index.search(question.text, limit=1)
        best = matches[0] if matches else None
        scored.append(
            Scored(question, best.entry.id if best else None, best.confidence if best else 0.0)
        )
    return scored


def evaluate(scored: Sequence[Scored], threshold: float) -> Metrics:
    """Counts answers, right answers and wrongly answered unrelated questions at a threshold."""
    answered = [s for s in scored if s.score >= threshold]
    return Metrics(
        threshold=threshold,
        answered=len(answered),
        correct=sum(1 for s in answered if s.question.expected and s.best == s.question.expected),
        in_scope=sum(1 for s in scored if s.question.expected),
        unrelated_answered=sum(1 for s in answered if s.question.expected is None),
    )


def choose(metrics: Sequence[Metrics], target: float = TARGET_PRECISION) -> Metrics:
    """The threshold with the best recall among those reaching the target precision.

    Ties go to the higher threshold (fewer unrelated answers); if none reaches the
    target, the most precise one.
    """
    good = [m for m in metrics if m.precision >= target]
    if not good:
        return max(metrics, key=lambda m: (m.precision, m.threshold))
    return max(good, key=lambda m: (m.recall, m.threshold))


def two_fold(scored: Sequence[Scored], thresholds: Sequence[float] = THRESHOLDS) -> list[Metrics]:
    """Chooses the threshold on one half of the questions and measures it on the other."""
    halves = (scored[0::2], scored[1::2])
    results = []
    for tune, test in (halves, halves[::-1]):
        chosen = choose([evaluate(tune, t) for t in thresholds])
        results.append(evaluate(test, chosen.threshold))
    return results


def format_table(metrics: Sequence[Metrics], marked: float) -> list[str]:
    """A plain-text table of the metrics, one threshold per row."""
    lines = ["threshold  precision  recall     F1  answered  right  unrelated-answered"]
    for m in metrics:
        mark = "  <- chosen" if abs(m.threshold - marked) < 1e-9 else ""
        lines.append(
            f"{m.threshold:9.2f}  {m.precision:9.3f}  {m.recall:6.3f}  {m.f1:5.3f}  "
            f"{m.answered:8d}  {m.correct:5d}  {m.unrelated_answered:18d}{mark}"
        )
    return lines


def run_faq(content_dir: Path, path: Path) -> int:
    """Prints the threshold table, the choice and the two-fold estimate."""
    scored = score_questions(load_content(content_dir), load_questions(path))
    metrics = [evaluate(scored, t) for t in THRESHOLDS]
    chosen = choose(metrics)
    print(
        f"{sum(1 for s in scored if s.question.expected)} paraphrases, "
        f"{sum(1 for s in scored if not s.question.expected)} unrelated questions"
    )
    print("\n".join(format_table(metrics, chosen.threshold)))
    print(
        f"\nchosen threshold {chosen.threshold:.2f} (best recall with precision >= "
        f"{TARGET_PRECISION}); FALLBACK_MATCH_THRESHOLD is {FALLBACK_MATCH_THRESHOLD:.2f}"
    )
    for lang in ("zh", "ko"):
        part = evaluate([s for s in scored if s.question.lang == lang], FALLBACK_MATCH_THRESHOLD)
        print(f"  {lang}: precision {part.precision:.3f}  recall {part.recall:.3f}")
    for number, m in enumerate(two_fold(scored), start=1):
        print(
            f"two-fold, half {number}: threshold {m.threshold:.2f} -> precision "
            f"{m.precision:.3f}, recall {m.recall:.3f}"
        )
    misses = [
        s for s in scored if s.score >= FALLBACK_MATCH_THRESHOLD and s.best != s.question.expected
    ]
    for s in misses:
        print(
            f"  wrong: {s.question.text!r} -> {s.best} ({s.score:.2f}), "
            f"expected {s.question.expected}"
        )
    return 0


def load_groups(path: Path = GROUPS) -> tuple[list[str], list[str]]:
    """Reads labelled questions for the grouping: (texts, true group of each)."""
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    texts: list[str] = []
    labels: list[str] = []
    for name, questions in data["groups"].items():
        texts += questions
        labels += [name] * len(questions)
    for number, question in enumerate(data.get("singles") or []):
        texts.append(question)
        labels.append(f"single-{number}")
    return texts, labels


def run_clusters(path: Path) -> int:
    """Prints pairwise precision/recall of the question grouping per similarity threshold."""
    from bot.unanswered.report import CLUSTER_THRESHOLD, cluster_scores

    texts, labels = load_groups(path)
    print(f"{len(texts)} questions in {len(set(labels))} true groups")
    print("threshold  pair-precision  pair-recall     F1  groups")
    for threshold, (precision, recall, groups) in cluster_scores(texts, labels, THRESHOLDS):
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        mark = "  <- CLUSTER_THRESHOLD" if abs(threshold - CLUSTER_THRESHOLD) < 1e-9 else ""
        print(f"{threshold:9.2f}  {precision:14.3f}  {recall:11.3f}  {f1:5.3f}  {groups:6d}{mark}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: ``python -m bot.evaluation.faq [faq|clusters] [--content D] [--questions Q]``.

    Returns:
        The exit status.
    """
    parser = argparse.ArgumentParser(prog="python -m bot.evaluation.faq", description=__doc__)
    parser.add_argument("what", nargs="?", choices=["faq", "clusters"], default="faq")
    parser.add_argument("--content", type=Path, default=Path("content"))
    parser.add_argument(
        "--questions",
        type=Path,
        help=f"the labelled questions file (default {PARAPHRASES}, or {GROUPS} for clusters)",
    )
    args = parser.parse_args(argv)
    if args.what == "clusters":
        return run_clusters(args.questions or GROUPS)
    return run_faq(args.content, args.questions or PARAPHRASES)


if __name__ == "__main__":
    sys.exit(main())
