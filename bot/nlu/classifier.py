"""Rasa's logistic-regression intent classifier, stored as plain arrays.

Rasa 3.6's ``LogisticRegressionClassifier`` saves the fitted scikit-learn model
with skops, and loading it runs ``skops.io``'s import, which calls
``sklearn.utils.all_estimators()``: every scikit-learn module is imported to list
the trusted types. That was 4-9 s of the Rasa server's cold start here (py-spy
and ``python -X importtime``; docs/benchmarks.md). A fitted multinomial
logistic regression is four arrays (classes, coefficients, intercepts, feature
count), so this subclass stores exactly those with ``numpy.savez`` and
``allow_pickle=False`` (as safe to load as skops, nothing executable) and puts
them back on a ``LogisticRegression``. Training, features and predictions are
Rasa's own, unchanged.
"""

from __future__ import annotations

import logging
from contextlib import ExitStack
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier

logger = logging.getLogger(__name__)

ARRAYS_FILE = "logistic_regression.npz"


def classifier_arrays(clf: Any) -> dict[str, np.ndarray]:
    """The arrays that define a fitted ``LogisticRegression``.

    Args:
        clf: A fitted ``sklearn.linear_model.LogisticRegression``.

    Returns:
        ``classes`` (unicode), ``coef``, ``intercept`` and ``n_features_in``.
    """
    return {
        "classes": np.asarray(clf.classes_, dtype=np.str_),
        "coef": np.asarray(clf.coef_),
        "intercept": np.asarray(clf.intercept_),
        "n_features_in": np.asarray(clf.n_features_in_),
    }


def restore_arrays(clf: Any, arrays: Any) -> Any:
    """Puts saved arrays back on an unfitted ``LogisticRegression``; returns it."""
    clf.classes_ = np.asarray(arrays["classes"], dtype=object)
    # Column-major, so that ``coef_.T`` (what sklearn multiplies by) is C-contiguous:
    # scipy copies a non-contiguous operand on every product, 0.5 ms a message for
    # our 25 x 22,000 coefficients; contiguous it takes 0.01 ms. Same numbers out.
    clf.coef_ = np.asfortranarray(arrays["coef"])
    clf.intercept_ = np.asarray(arrays["intercept"])
    clf.n_features_in_ = int(arrays["n_features_in"])
    clf.n_iter_ = np.zeros(1, dtype=np.int32)
    return clf


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class ArrayLogisticRegressionClassifier(LogisticRegressionClassifier):
    """``LogisticRegressionClassifier`` that persists its fitted arrays, not a skops file."""

    def persist(self) -> None:
        """Writes the fitted arrays to the model storage."""
        with self._model_storage.write_to(self._resource) as model_dir:
            path = model_dir / ARRAYS_FILE
            np.savez(path, **classifier_arrays(self.clf))
            logger.debug("Saved intent classifier arrays to '%s'.", path)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> ArrayLogisticRegressionClassifier:
        """Loads the fitted arrays; an untrained component when there are none.

        Rasa calls ``load`` for a component that was never fitted (no intent data),
        and its own classifier then falls back to ``create``; so does this one. A
        file that is there but unreadable is an error, not an untrained model.
        """
        with ExitStack() as stack:
            try:
                model_dir = stack.enter_context(model_storage.read_from(resource))
            except ValueError:  # Rasa's "resource doesn't exist": never trained
                model_dir = None
            path = model_dir / ARRAYS_FILE if model_dir is not None else None
            if path is None or not path.exists():
                logger.debug("Intent classifier '%s' was not trained.", resource.name)
                return cls.create(config, model_storage, resource, execution_context)
            component = cls(config, execution_context.node_name, model_storage, resource)
            with np.load(path, allow_pickle=False) as arrays:
                restore_arrays(component.clf, arrays)
            return component
