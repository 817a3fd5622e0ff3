"""Understanding: held-out intent accuracy, macro-F1, out-of-scope precision/recall, confusions.

Runs in its own process (it loads TensorFlow models), so the serving figures of
the orchestrator are not disturbed:

    python -m bench.understanding OUT.json --model ours=PATH --model stock=PATH \
        [--conversations ours] [--cv ours=CONFIG --folds 5 --fraction 1.0]

Scoring reuses ``bot.evaluation.nlu.evaluate_file``; ``confusion`` and ``oos_scores``
turn its report into a full confusion matrix and out-of-scope figures (pure).
An out-of-scope prediction is ``out_of_scope`` or ``nlu_fallback``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from harness import project
from harness.heldout import LANGUAGES

HELDOUT = {language: project.HELDOUT / f"{language}.yml" for language in LANGUAGES}
OUT_OF_SCOPE = "out_of_scope"
FALLBACK = "nlu_fallback"


def confusion(gold: Sequence[str], errors: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The full confusion matrix from the gold labels and the misclassified examples.

    Args:
        gold: Every labelled intent of the test file, in order.
        errors: ``NluReport.errors`` ({"gold", "predicted"} of each miss).

    Returns:
        ``{"labels": [...], "matrix": [[count of gold row predicted as column]]}``;
        labels are the gold intents (sorted) followed by any other predicted label.
    """
    counts = Counter(gold)
    labels = sorted(counts)
    extra = sorted({e["predicted"] for e in errors} - set(labels))
    labels += extra
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    wrong = Counter(e["gold"] for e in errors)
    for label in counts:
        matrix[index[label]][index[label]] = counts[label] - wrong[label]
    for error in errors:
        matrix[index[error["gold"]]][index[error["predicted"]]] += 1
    return {"labels": labels, "matrix": matrix}


def oos_scores(gold: Sequence[str], errors: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Out-of-scope precision and recall (``out_of_scope`` or ``nlu_fallback`` predicted).

    ``evaluate_file`` already counts nlu_fallback as right for out-of-scope
    examples, so the misses of out-of-scope examples are the false negatives and
    in-scope examples predicted out_of_scope/nlu_fallback are the false positives.
    """
    positives = sum(1 for g in gold if g == OUT_OF_SCOPE)
    false_negatives = sum(1 for e in errors if e["gold"] == OUT_OF_SCOPE)
    false_positives = sum(
        1
        for e in errors
        if e["gold"] != OUT_OF_SCOPE and e["predicted"] in (OUT_OF_SCOPE, FALLBACK)
    )
    true_positives = positives - false_negatives
    predicted = true_positives + false_positives
    return {
        "precision": true_positives / predicted if predicted else None,
        "recall": true_positives / positives if positives else None,
        "support": positives,
        "false_positives": false_positives,
        "in_scope_fallbacks": sum(
            1 for e in errors if e["gold"] != OUT_OF_SCOPE and e["predicted"] == FALLBACK
        ),
    }


def summarise(report: Any, gold: Sequence[str], seconds: float) -> dict[str, Any]:
    """The JSON figures of one held-out file."""
    return {
        "total": report.total,
        "correct": report.correct,
        "accuracy": report.accuracy,
        "macro_f1": report.macro_f1,
        "top_confusions": [list(c) for c in report.confusions],
        "errors": report.errors,
        "oos": oos_scores(gold, report.errors),
        "confusion": confusion(gold, report.errors),
        "parse_ms": 1000.0 * seconds / report.total if report.total else None,
    }


async def score_files(agent: Any, files: dict[str, Path]) -> dict[str, Any]:
    """Evaluates a loaded agent on each language's file (timing the parses)."""
    from bot.evaluation.nlu import evaluate_file, load_examples

    results = {}
    for language, path in files.items():
        gold = [intent for _, intent in load_examples(path)]
        started = time.perf_counter()
        report = await evaluate_file(agent, path)
        results[language] = summarise(report, gold, time.perf_counter() - started)
    return results


async def heldout(model: Path) -> dict[str, Any]:
    """Loads a model and scores it on tests/nlu/{zh,ko}.yml."""
    from bot.server.inprocess import load_agent

    started = time.perf_counter()
    agent = await load_agent(model)
    load_seconds = time.perf_counter() - started
    results = await score_files(agent, HELDOUT)
    results["load_seconds"] = load_seconds
    return results


async def conversations(model: Path) -> dict[str, Any]:
    """Plays the visitor conversation set (tests/conversations) through a model and our actions.

    Returns the Markdown table of fully-right rates by part, language and category,
    and the rates themselves.
    """
    from bot.evaluation.conversations.model import PARTS, load_set
    from bot.evaluation.conversations.player import play_all
    from bot.evaluation.conversations.report import render_table, summarize
    from bot.server.inprocess import load_agent

    agent = await load_agent(model)
    results = await play_all(agent, load_set(project.ROOT / "tests" / "conversations"))
    parts = {}
    for part in PARTS:
        summary = summarize([r for r in results if r.conversation.part == part])
        parts[part] = {
            "overall": summary.overall.rate,
            "by_language": {k: v.rate for k, v in summary.by_language.items()},
            "by_category": {k: v.rate for k, v in summary.by_category.items()},
            "multi_turn": summary.multi_turn.rate,
            "wrong_topic": summary.wrong_topic,
        }
    return {"table": render_table(results), "parts": parts}


def _pairs(values: Sequence[str]) -> list[tuple[str, str]]:
    return [tuple(v.split("=", 1)) for v in values]  # type: ignore[misc]


def main(argv: Sequence[str] | None = None) -> int:
    """Scores the given models and cross-validates the given configs into a JSON file."""
    parser = argparse.ArgumentParser(prog="python -m bench.understanding")
    parser.add_argument("out", type=Path)
    parser.add_argument("--model", action="append", default=[], help="name=path of a trained model")
    parser.add_argument("--cv", action="append", default=[], help="name=config to cross-validate")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--fraction", type=float, default=1.0)
    parser.add_argument("--work", type=Path, default=project.ROOT / "results" / "bench" / "cv")
    parser.add_argument(
        "--conversations", help="name of the model to play the visitor conversation set with"
    )
    args = parser.parse_args(argv)

    from bench.crossval import cross_validate

    figures: dict[str, Any] = {"heldout": {}, "cv": {}}
    loop = asyncio.new_event_loop()
    for name, path in _pairs(args.model):
        figures["heldout"][name] = loop.run_until_complete(heldout(Path(path)))
    models = dict(_pairs(args.model))
    if args.conversations:
        figures["conversations"] = loop.run_until_complete(
            conversations(Path(models[args.conversations]))
        )
    for name, config in _pairs(args.cv):
        figures["cv"][name] = loop.run_until_complete(
            cross_validate(Path(config), args.folds, args.fraction, args.work / name)
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
