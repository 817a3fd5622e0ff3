"""The held-out NLU test sets (tests/nlu/, never trained on): the suite fails under 90 %."""

import pytest

from bot.evaluation.nlu import evaluate_file, format_report, load_examples
from harness.project import ROOT
from tests.support import TESTS

HELDOUT = TESTS / "nlu"
TRAINING = ROOT / "nlu_data" / "nlu"
MIN_ACCURACY = 0.90


@pytest.mark.parametrize("language", ["zh", "ko"])
def test_heldout_intent_accuracy(agent, language: str) -> None:
    loaded, loop = agent
    report = loop.run_until_complete(evaluate_file(loaded, HELDOUT / f"{language}.yml"))
    print(format_report(report))
    assert report.total >= 8 * 25
    assert report.accuracy >= MIN_ACCURACY, format_report(report)


@pytest.mark.parametrize("language", ["zh", "ko"])
def test_heldout_examples_are_not_in_training(language: str) -> None:
    def norm(text: str) -> str:
        return "".join(ch for ch in text.lower() if ch.isalnum())

    trained = {norm(text) for text, _ in load_examples(TRAINING / f"{language}.yml")}
    leaked = [
        text for text, _ in load_examples(HELDOUT / f"{language}.yml") if norm(text) in trained
    ]
    assert leaked == []


@pytest.mark.parametrize("language", ["zh", "ko"])
def test_every_intent_has_enough_examples(language: str) -> None:
    from collections import Counter

    train = Counter(intent for _, intent in load_examples(TRAINING / f"{language}.yml"))
    test = Counter(intent for _, intent in load_examples(HELDOUT / f"{language}.yml"))
    assert len(train) == 27 and set(train) == set(test)
    assert min(train.values()) >= 25 and min(test.values()) >= 8
