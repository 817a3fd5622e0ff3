"""Training time: `rasa train` as `make model` runs it, with an empty cache, timed.

Rasa caches trained components (RASA_CACHE_DIRECTORY); a run gets a cache of its
own and RASA_MAX_CACHE_SIZE=0, so nothing is restored and the figure is that of
a first training.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

from bench.procs import PYTHON, base_env
from bench.settings import BenchSettings


def train(settings: BenchSettings, config: Path, name: str) -> dict[str, Any]:
    """Trains ``config`` on nlu_data and domain.yml into <work>/models/<name>.tar.gz.

    Returns:
        ``{"model", "seconds", "log"}``.

    Raises:
        RuntimeError: When training fails (the log says why).
    """
    models = settings.work_dir / "models"
    cache = settings.work_dir / "cache" / name
    shutil.rmtree(cache, ignore_errors=True)
    log = settings.work_dir / "logs" / f"train-{name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    env = base_env(settings, {"RASA_CACHE_DIRECTORY": str(cache), "RASA_MAX_CACHE_SIZE": "0"})
    args = [
        PYTHON,
        "-m",
        "rasa",
        "train",
        "--data",
        "nlu_data",
        "--config",
        str(config),
        "--domain",
        "domain.yml",
        "--out",
        str(models),
        "--fixed-model-name",
        name,
    ]
    (models / f"{name}.tar.gz").unlink(missing_ok=True)
    started = time.monotonic()
    with open(log, "wb") as handle:
        code = subprocess.call(
            args, cwd=settings.root, env=env, stdout=handle, stderr=subprocess.STDOUT
        )
    seconds = time.monotonic() - started
    model = models / f"{name}.tar.gz"
    if code != 0 or not model.exists():
        raise RuntimeError(f"training {name} failed (exit {code}); see {log}")
    return {"model": str(model), "seconds": seconds, "log": str(log)}
