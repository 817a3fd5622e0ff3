"""The array-stored intent classifier predicts what the fitted one did; it loads without skops."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from sklearn.linear_model import LogisticRegression

from bot.nlu.classifier import (
    ARRAYS_FILE,
    ArrayLogisticRegressionClassifier,
    classifier_arrays,
    restore_arrays,
)
from harness.project import MODEL, ROOT

INTENTS = ["ask_schedule", "ask_venue", "问候", "인사"]


@pytest.fixture(scope="module")
def fitted() -> tuple[LogisticRegression, np.ndarray]:
    rng = np.random.default_rng(7)
    features = rng.normal(size=(80, 12))
    labels = [INTENTS[i % len(INTENTS)] for i in range(80)]
    features[np.arange(80), np.arange(80) % 12] += 3.0  # something to learn
    return LogisticRegression(C=10, max_iter=1000).fit(features, labels), features


def test_restored_arrays_predict_the_same_probabilities(fitted) -> None:
    clf, features = fitted
    restored = restore_arrays(LogisticRegression(C=10), classifier_arrays(clf))
    assert list(restored.classes_) == list(clf.classes_)
    np.testing.assert_array_equal(restored.predict_proba(features), clf.predict_proba(features))
    assert restored.coef_.T.flags["C_CONTIGUOUS"]  # what sklearn multiplies by, without a copy


def _component(tmp_path, name: str = "clf") -> tuple:
    storage = LocalModelStorage(tmp_path)
    resource = Resource(name)
    context = ExecutionContext(GraphSchema({}), node_name=name)
    return storage, resource, context


def test_persisted_component_loads_with_the_same_predictions(tmp_path, fitted) -> None:
    clf, features = fitted
    storage, resource, context = _component(tmp_path)
    trained = ArrayLogisticRegressionClassifier.create({}, storage, resource, context)
    trained.clf = clf
    trained.persist()
    assert (tmp_path / resource.name / ARRAYS_FILE).exists()
    loaded = ArrayLogisticRegressionClassifier.load({}, storage, resource, context)
    np.testing.assert_array_equal(loaded.clf.predict_proba(features), clf.predict_proba(features))


def test_a_never_trained_component_loads_untrained(tmp_path) -> None:
    storage, resource, context = _component(tmp_path, "never")
    loaded = ArrayLogisticRegressionClassifier.load({}, storage, resource, context)
    assert not hasattr(loaded.clf, "coef_")


def test_a_damaged_arrays_file_is_an_error_not_an_untrained_model(tmp_path, fitted) -> None:
    storage, resource, context = _component(tmp_path)
    trained = ArrayLogisticRegressionClassifier.create({}, storage, resource, context)
    trained.clf = fitted[0]
    trained.persist()
    (tmp_path / resource.name / ARRAYS_FILE).write_bytes(b"PK\x03\x04 not a zip archive")
    with pytest.raises(Exception) as raised:
        ArrayLogisticRegressionClassifier.load({}, storage, resource, context)
    assert not isinstance(raised.value, AssertionError)


def test_the_trained_model_loads_and_answers_without_importing_skops() -> None:
    """Skops' import walks every scikit-learn module (seconds of cold start)."""
    assert MODEL.exists(), "make test trains the model before running pytest"
    script = (
        "import asyncio, sys\n"
        "from bot.server.inprocess import load_agent\n"
        "agent = asyncio.run(load_agent())\n"
        "parse = asyncio.run(agent.parse_message('音乐会几点开始'))\n"
        "print(parse['intent']['name'], 'skops' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    intent, skops_imported = done.stdout.split()[-2:]
    assert intent != "nlu_fallback" and skops_imported == "False", done.stdout
