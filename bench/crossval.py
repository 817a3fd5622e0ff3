"""Stratified k-fold cross-validation over nlu_data/nlu, with per-language figures.

Each fold trains one bilingual NLU model on the other folds' Chinese and Korean
examples (plus every synonym, lookup table and regex of nlu_data/nlu) and scores
it on its own examples, language by language, with ``bot.evaluation.nlu``.
``assign_folds`` and ``macro_f1`` are pure.
"""

from __future__ import annotations

import random
import shutil
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.understanding import confusion, oos_scores
from harness.project import ROOT

TRAINING = ROOT / "nlu_data" / "nlu"
LANGUAGES = ("zh", "ko")


def assign_folds(
    labels: Sequence[str], folds: int, fraction: float = 1.0, seed: int = 42
) -> list[int]:
    """A fold number per example, stratified by label; -1 for examples left out of the subset.

    Within each label the examples are shuffled (seeded), the first
    ``ceil(fraction * n)`` kept (at least ``folds``), and dealt round-robin.
    """
    rng = random.Random(seed)
    by_label: dict[str, list[int]] = defaultdict(list)
    for index, label in enumerate(labels):
        by_label[label].append(index)
    assignment = [-1] * len(labels)
    for label in sorted(by_label):
        members = by_label[label]
        rng.shuffle(members)
        keep = min(len(members), max(folds, -(-len(members) * fraction // 1)))
        for position, index in enumerate(members[: int(keep)]):
            assignment[index] = position % folds
    return assignment


def macro_f1(matrix: dict[str, Any], gold_labels: Sequence[str]) -> float:
    """Macro-F1 over the gold labels of a confusion matrix (as sklearn's, zero_division=0)."""
    labels, rows = matrix["labels"], matrix["matrix"]
    index = {label: i for i, label in enumerate(labels)}
    scores = []
    for label in sorted(set(gold_labels)):
        i = index[label]
        true_positive = rows[i][i]
        predicted = sum(row[i] for row in rows)
        actual = sum(rows[i])
        precision = true_positive / predicted if predicted else 0.0
        recall = true_positive / actual if actual else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / len(scores) if scores else 0.0


def _write_fold(
    data: dict[str, Any], assignment: dict[str, list[int]], fold: int, where: Path
) -> dict[str, Path]:
    """Writes the fold's training folder and per-language test files; returns the test files."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
    from rasa.shared.nlu.training_data.training_data import TrainingData

    shutil.rmtree(where, ignore_errors=True)
    (where / "train").mkdir(parents=True)
    for extra in sorted(TRAINING.glob("*.yml")):
        if extra.stem not in LANGUAGES:
            shutil.copy(extra, where / "train" / extra.name)
    tests = {}
    for language in LANGUAGES:
        source = data[language]
        examples = source.intent_examples
        train = [
            m for m, f in zip(examples, assignment[language], strict=True) if f not in (fold, -1)
        ]
        test = [m for m, f in zip(examples, assignment[language], strict=True) if f == fold]
        kept = TrainingData(
            train, source.entity_synonyms, source.regex_features, source.lookup_tables
        )
        RasaYAMLWriter().dump(where / "train" / f"{language}.yml", kept)
        tests[language] = where / f"{language}.yml"
        RasaYAMLWriter().dump(tests[language], TrainingData(test))
    return tests


async def cross_validate(config: Path, folds: int, fraction: float, work: Path) -> dict[str, Any]:
    """Cross-validates ``config``; per language: fold accuracies, pooled accuracy, macro-F1, OOS.

    Returns:
        ``{"folds", "fraction", "train_seconds": [...], "zh": {...}, "ko": {...}}``.
    """
    from rasa.model_training import train_nlu
    from rasa.shared.nlu.training_data.loading import load_data

    from bench.understanding import score_files
    from bot.server.inprocess import load_agent

    data = {lang: load_data(str(TRAINING / f"{lang}.yml")) for lang in LANGUAGES}
    assignment = {
        lang: assign_folds([m.get("intent") for m in data[lang].intent_examples], folds, fraction)
        for lang in LANGUAGES
    }
    pooled: dict[str, dict[str, list]] = {
        lang: {"gold": [], "errors": [], "accuracy": []} for lang in LANGUAGES
    }
    train_seconds = []
    for fold in range(folds):
        where = work / f"fold{fold}"
        tests = _write_fold(data, assignment, fold, where)
        started = time.perf_counter()
        model = train_nlu(
            str(config),
            str(where / "train"),
            str(where),
            fixed_model_name="model",
            domain=str(ROOT / "domain.yml"),
        )
        train_seconds.append(time.perf_counter() - started)
        if not model:
            raise RuntimeError(f"training fold {fold} of {config} failed")
        scored = await score_files(await load_agent(Path(model)), tests)
        for lang in LANGUAGES:
            pooled[lang]["accuracy"].append(scored[lang]["accuracy"])
            pooled[lang]["gold"] += _gold_of(scored[lang]["confusion"])
            pooled[lang]["errors"] += scored[lang]["errors"]
    result: dict[str, Any] = {"folds": folds, "fraction": fraction, "train_seconds": train_seconds}
    for lang in LANGUAGES:
        gold, errors = pooled[lang]["gold"], pooled[lang]["errors"]
        matrix = confusion(gold, errors)
        result[lang] = {
            "fold_accuracy": pooled[lang]["accuracy"],
            "total": len(gold),
            "accuracy": (len(gold) - len(errors)) / len(gold) if gold else None,
            "macro_f1": macro_f1(matrix, gold),
            "oos": oos_scores(gold, errors),
        }
    return result


def _gold_of(matrix: dict[str, Any]) -> list[str]:
    """The gold labels a confusion matrix was built from (row sums), in label order."""
    gold: list[str] = []
    for label, row in zip(matrix["labels"], matrix["matrix"], strict=True):
        gold += [label] * sum(row)
    return gold
