"""What one benchmark run does: sizes, counts, time bounds and paths, in one object.

``BenchSettings.full()`` is ``make bench``; ``BenchSettings.quick()`` is
``make bench-quick`` (reduced stock epochs, 2-fold cross-validation on a subset,
short loads). The command line builds one of them and passes it to every stage.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from harness.project import FIXED_NOW, ROOT


@dataclass(frozen=True)
class LoadShape:
    """One closed-loop load: ``concurrency`` clients, at most ``count`` requests and ``seconds``."""

    concurrency: int
    count: int
    seconds: float


@dataclass(frozen=True)
class BenchSettings:
    """Everything a run needs to know; see ``full()`` and ``quick()``.

    Attributes:
        mode: "full" or "quick".
        stock_epochs: DIET/ResponseSelector/TED epochs for stock Rasa; None keeps
            the defaults of ``rasa init`` (100).
        cv_folds: Folds of the cross-validation over nlu_data/nlu (0: skipped).
        cv_fraction: Share of the training examples used for cross-validation.
        stock_cv: Whether stock Rasa is cross-validated too (long: a DIET per fold).
        latency: Load shapes for the latency runs, by concurrency.
        saturation: The load used to measure throughput, per worker (scaled by the worker count).
        warmup: Requests sent to each server/channel before measuring.
        conversation_length: Messages per sender before a new sender starts.
        workers: Server worker counts for the throughput runs.
        out_dir: Where the report, charts and JSON go.
        work_dir: Scratch: models, logs, per-stage JSON.
        redis_endpoints: An endpoints file with Redis tracker/lock stores, or None.
        redis_db: The Redis database the Redis-mode run uses (its earlier keys are deleted).
        fixed_now: KW_NOW for the action servers.
        pickup_repeats: Publishes timed per mode by the pickup stage.
    """

    mode: str
    stock_epochs: int | None
    cv_folds: int
    cv_fraction: float
    stock_cv: bool
    latency: tuple[LoadShape, ...]
    saturation: LoadShape
    warmup: int
    conversation_length: int
    workers: tuple[int, ...]
    out_dir: Path
    work_dir: Path
    redis_endpoints: Path | None = None
    redis_db: int = 13
    fixed_now: str = FIXED_NOW
    pickup_repeats: int = 5
    root: Path = field(default=ROOT)

    @classmethod
    def full(cls) -> BenchSettings:
        """`make bench`: stock Rasa exactly as `rasa init` configures it, full loads."""
        return cls(
            mode="full",
            stock_epochs=None,
            cv_folds=5,
            cv_fraction=1.0,
            stock_cv=False,
            latency=(LoadShape(1, 200, 60.0), LoadShape(16, 480, 90.0)),
            saturation=LoadShape(8, 4000, 20.0),
            warmup=10,
            conversation_length=5,
            workers=(1, 2),
            out_dir=ROOT / "docs",
            work_dir=ROOT / "results" / "bench",
        )

    @classmethod
    def quick(cls) -> BenchSettings:
        """`make bench-quick`: a smoke run in a few minutes; figures are not representative."""
        return cls(
            mode="quick",
            stock_epochs=3,
            cv_folds=2,
            cv_fraction=0.3,
            stock_cv=False,
            latency=(LoadShape(1, 20, 15.0), LoadShape(16, 64, 20.0)),
            saturation=LoadShape(8, 500, 5.0),
            warmup=3,
            conversation_length=5,
            workers=(1, 2),
            out_dir=ROOT / "results" / "bench-quick",
            work_dir=ROOT / "results" / "bench-quick" / "work",
            pickup_repeats=2,
        )

    def with_(self, **changes: object) -> BenchSettings:
        """A copy with some fields changed."""
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def charts_dir(self) -> Path:
        """PNG charts: docs/bench/ (full) or <out>/bench/ (quick)."""
        return self.out_dir / "bench"

    @property
    def report_path(self) -> Path:
        """The Markdown report."""
        return self.out_dir / "benchmarks.md"

    @property
    def figures_path(self) -> Path:
        """The raw figures as JSON."""
        return self.charts_dir / "benchmarks.json"
