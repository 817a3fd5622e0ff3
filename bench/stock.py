"""Stock Rasa's configuration, taken from the installed package.

``rasa init`` writes rasa/cli/initial_project/config.yml, whose pipeline and
policies are commented out; Rasa then fills them in from
rasa/engine/recipes/config_files/default_config.yml (WhitespaceTokenizer,
RegexFeaturizer, LexicalSyntacticFeaturizer, two CountVectorsFeaturizers,
DIETClassifier, EntitySynonymMapper, ResponseSelector, FallbackClassifier;
MemoizationPolicy, RulePolicy, UnexpecTEDIntentPolicy, TEDPolicy). The full run
trains with the first file as it is; the quick run writes the resolved defaults
with fewer epochs. ``reduce_epochs`` is pure.
"""

from __future__ import annotations

import copy
import importlib.util
from pathlib import Path
from typing import Any

import yaml

INIT_CONFIG = ("cli", "initial_project", "config.yml")
DEFAULT_CONFIG = ("engine", "recipes", "config_files", "default_config.yml")


def rasa_package_file(*parts: str) -> Path:
    """A file inside the installed rasa package, found without importing rasa."""
    spec = importlib.util.find_spec("rasa")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the rasa package is not installed")
    return Path(list(spec.submodule_search_locations)[0]).joinpath(*parts)


def reduce_epochs(config: dict[str, Any], epochs: int) -> dict[str, Any]:
    """A copy of a resolved config with every ``epochs`` setting replaced."""
    reduced = copy.deepcopy(config)
    for section in ("pipeline", "policies"):
        for component in reduced.get(section) or []:
            if "epochs" in component:
                component["epochs"] = epochs
    return reduced


def write_stock_config(target: Path, epochs: int | None) -> dict[str, Any]:
    """Writes the stock configuration to ``target``; tells what it is.

    Args:
        target: The config file to write.
        epochs: None for `rasa init`'s config as shipped; a number for the resolved
            defaults with that many epochs.

    Returns:
        ``{"source", "epochs", "pipeline", "policies"}`` (component names) for the report.
    """
    resolved = yaml.safe_load(rasa_package_file(*DEFAULT_CONFIG).read_text(encoding="utf-8"))
    target.parent.mkdir(parents=True, exist_ok=True)
    if epochs is None:
        source = rasa_package_file(*INIT_CONFIG)
        target.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
        used = resolved
        origin = "rasa/cli/initial_project/config.yml (as `rasa init` writes it)"
    else:
        used = reduce_epochs(resolved, epochs)
        target.write_text(
            yaml.safe_dump(used, sort_keys=False, allow_unicode=True), encoding="utf-8"
        )
        origin = f"rasa/engine/recipes/config_files/default_config.yml with epochs={epochs}"
    return {
        "source": origin,
        "epochs": epochs if epochs is not None else 100,
        "pipeline": [c["name"] for c in used.get("pipeline") or []],
        "policies": [c["name"] for c in used.get("policies") or []],
    }
