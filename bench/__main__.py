"""`python -m bench`: run the benchmark stages and write the report.

    python -m bench                  # make bench: everything, docs/benchmarks.md
    python -m bench --quick          # make bench-quick: a smoke run into results/bench-quick/
    python -m bench --stages serving # re-run one stage; earlier figures of the same mode are kept
    python -m bench --quick --stages pickup  # only the publish-to-answer timing

Stages: train (ours and stock, timed), understanding (held-out, cross-validation),
serving (start-up, latency, throughput, memory), pickup (publish to changed
answer, embedded and Redis mode), lean (the Rasa server with and without fix 4:
start-up, memory, CPU), metrics (what counting costs per message), then the report.
Figures are
saved in the work folder after every stage.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import machine
from bench.procs import PYTHON, base_env
from bench.settings import BenchSettings

STAGES = ("train", "understanding", "serving", "pickup", "lean", "metrics")
REDIS_ENDPOINT_CANDIDATES = ("endpoints.redis.yml", "endpoints-redis.yml")
#: Every key of the Redis-mode run starts with this.
REDIS_PREFIX = "kw:bench:"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="small smoke run (reduced stock epochs, short loads)"
    )
    parser.add_argument(
        "--stages", default=",".join(STAGES), help=f"comma-separated subset of {','.join(STAGES)}"
    )
    parser.add_argument(
        "--out",
        type=Path,
        help="folder for benchmarks.md and bench/ (default: docs, or "
        "results/bench-quick with --quick)",
    )
    parser.add_argument(
        "--stock-cv", action="store_true", help="cross-validate stock Rasa too (long)"
    )
    parser.add_argument(
        "--redis-endpoints", type=Path, help="endpoints file with Redis tracker and lock stores"
    )
    return parser.parse_args(argv)


def build_settings(args: argparse.Namespace) -> BenchSettings:
    """The settings for this command line."""
    settings = BenchSettings.quick() if args.quick else BenchSettings.full()
    changes: dict[str, Any] = {"stock_cv": args.stock_cv}
    if args.out:
        changes.update(out_dir=args.out.resolve(), work_dir=args.out.resolve() / "work")
    redis = args.redis_endpoints
    if redis is None:
        redis = next(
            (settings.root / n for n in REDIS_ENDPOINT_CANDIDATES if (settings.root / n).exists()),
            None,
        )
    changes["redis_endpoints"] = redis
    return settings.with_(**changes)


def settings_record(settings: BenchSettings) -> dict[str, Any]:
    """The settings as JSON for the figures file."""
    record = dataclasses.asdict(settings)
    return {k: (str(v) if isinstance(v, Path) else v) for k, v in record.items()}


def stage_train(settings: BenchSettings, figures: dict[str, Any]) -> None:
    """Trains ours (config.yml) and stock Rasa, timed."""
    from bench.stock import write_stock_config
    from bench.training import train

    stock_config = settings.work_dir / "stock-config.yml"
    info = write_stock_config(stock_config, settings.stock_epochs)
    if settings.stock_epochs is not None:
        print(
            f"Quick mode: stock Rasa is trained with {settings.stock_epochs} epochs, not 100.",
            flush=True,
        )
    print("Training ours (config.yml)…", flush=True)
    ours = train(settings, settings.root / "config.yml", "ours")
    print(
        f"  {ours['seconds']:.1f} s. Training stock Rasa ({info['epochs']} epochs; 100 take "
        "10–15 min here)…",
        flush=True,
    )
    stock = train(settings, stock_config, "stock")
    print(f"  {stock['seconds']:.1f} s", flush=True)
    figures["training"] = {"ours": ours, "stock": {**stock, "config": info}}


def stage_understanding(settings: BenchSettings, figures: dict[str, Any]) -> None:
    """Held-out scores of both models and cross-validation, in a separate process."""
    models = settings.work_dir / "models"
    out = settings.work_dir / "understanding.json"
    args = [
        PYTHON,
        "-m",
        "bench.understanding",
        str(out),
        "--model",
        f"ours={models / 'ours.tar.gz'}",
        "--model",
        f"stock={models / 'stock.tar.gz'}",
        "--conversations",
        "ours",
        "--folds",
        str(settings.cv_folds),
        "--fraction",
        str(settings.cv_fraction),
        "--work",
        str(settings.work_dir / "cv"),
    ]
    if settings.cv_folds:
        args += ["--cv", f"ours={settings.root / 'config.yml'}"]
        if settings.stock_cv:
            args += ["--cv", f"stock={settings.work_dir / 'stock-config.yml'}"]
    print(
        f"Understanding: held-out sets; cross-validation {settings.cv_folds or 'skipped'} folds "
        f"on {settings.cv_fraction:.0%} of the data…",
        flush=True,
    )
    env = base_env(
        settings,
        {
            "RASA_CACHE_DIRECTORY": str(settings.work_dir / "cache" / "cv"),
            "RASA_MAX_CACHE_SIZE": "0",
        },
    )
    log = settings.work_dir / "logs" / "understanding.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as handle:
        code = subprocess.call(
            args, cwd=settings.root, env=env, stdout=handle, stderr=subprocess.STDOUT
        )
    if code != 0:
        raise RuntimeError(f"the understanding stage failed; see {log}")
    figures["understanding"] = json.loads(out.read_text(encoding="utf-8"))


def redis_setup(settings: BenchSettings) -> dict[str, Any] | None:
    """Redis mode if an endpoints file with Redis stores exists and Redis answers; else None.

    The run's keys (prefix ``kw:bench:``) left by an earlier run are deleted first;
    the database is shared, so nothing else in it is touched.
    """
    if settings.redis_endpoints is None or not settings.redis_endpoints.exists():
        return None
    from redis.exceptions import RedisError

    from bot.redis_client import connect

    url = f"redis://127.0.0.1:6379/{settings.redis_db}"
    client = connect(url, timeout=2.0)
    try:
        client.ping()
        stale = list(client.scan_iter(match=REDIS_PREFIX + "*", count=1000))
        if stale:
            client.delete(*stale)
    except RedisError:  # no Redis: in-memory only
        return None
    finally:
        client.close()
    return {
        "env": {"REDIS_URL": url, "KW_REDIS_PREFIX": REDIS_PREFIX},
        "endpoints": settings.redis_endpoints,
        "url": url,
    }


def stage_serving(settings: BenchSettings, figures: dict[str, Any]) -> None:
    """Start-up, latency, throughput, memory: ours (in memory, then Redis if set up), stock."""
    from bench.messages import channel_messages
    from bench.serving import measure
    from bench.stacks import running_fakes

    models = settings.work_dir / "models"
    messages = channel_messages(settings.root / "tests" / "nlu")
    with running_fakes(settings) as fakes:
        serving: dict[str, Any] = {}
        print("Serving: ours (in-memory stores)…", flush=True)
        serving["ours"] = measure(settings, "ours", models / "ours.tar.gz", messages, fakes)
        redis = redis_setup(settings)
        if redis is not None:
            print(f"Serving: ours with Redis stores ({settings.redis_endpoints.name})…", flush=True)
            serving["ours_redis"] = measure(
                settings, "ours", models / "ours.tar.gz", messages, fakes, redis
            )
            figures["redis_note"] = (
                f"in-memory, and Redis ({redis['url']}, {settings.redis_endpoints.name}) "
                "in the rows marked ours_redis."
            )
        else:
            figures["redis_note"] = (
                "in-memory tracker, lock and channel stores only: no endpoints file with "
                "Redis stores (endpoints.redis.yml) existed when this ran."
            )
        print("Serving: stock Rasa (REST)…", flush=True)
        serving["stock"] = measure(settings, "stock", models / "stock.tar.gz", messages)
        figures["serving"] = serving


def stage_pickup(settings: BenchSettings, figures: dict[str, Any]) -> None:
    """Publish to changed answer on a running assistant, embedded and Redis mode."""
    from bench import pickup
    from bench.stacks import running_fakes

    model = settings.work_dir / "models" / "ours.tar.gz"
    if not model.exists():  # only this stage was asked for: the project's trained model
        model = settings.root / "models" / "korea-week.tar.gz"
    with running_fakes(settings) as fakes:
        figures["pickup"] = {**pickup.measure(settings, model, fakes), "model": model.name}


def stage_lean(settings: BenchSettings, figures: dict[str, Any]) -> None:
    """The Rasa server before and after fix 4 (serving without TensorFlow), alternating."""
    from bench import lean
    from bench.messages import channel_messages
    from bench.stacks import running_fakes

    model = settings.work_dir / "models" / "ours.tar.gz"
    if not model.exists():  # only this stage was asked for: the project's trained model
        model = settings.root / "models" / "korea-week.tar.gz"
    messages = channel_messages(settings.root / "tests" / "nlu")
    with running_fakes(settings) as fakes:
        figures["lean"] = lean.measure(settings, model, messages, fakes)


def stage_metrics(settings: BenchSettings, figures: dict[str, Any]) -> None:
    """What the Prometheus counting costs per message (in-process, bench.metrics_cost)."""
    from bench.metrics_cost import measure

    figures["metrics_cost"] = measure()


LOG_PATTERNS = {
    "Circuit breaker tripped": "Rasa stopped a prediction loop (10 actions in a row)",
    "Traceback": "Python tracebacks",
    " ERROR ": "ERROR log lines",
}


def scan_logs(folder: Path) -> list[str]:
    """Counts notable lines in the servers' logs of this run, one finding per log and pattern."""
    findings = []
    for log in sorted(folder.glob("*.log")) if folder.exists() else []:
        if log.name.startswith(("train-", "understanding")):
            continue
        text = log.read_text(encoding="utf-8", errors="replace")
        for pattern, meaning in LOG_PATTERNS.items():
            count = text.count(pattern)
            if count:
                findings.append(f"{log.name}: {count} × {meaning} (`{pattern.strip()}`)")
    return findings


def write_outputs(settings: BenchSettings, figures: dict[str, Any]) -> None:
    """benchmarks.md, the charts and the JSON."""
    from bench.charts import draw_all
    from bench.report import render

    settings.charts_dir.mkdir(parents=True, exist_ok=True)
    links = draw_all(figures, settings.charts_dir, "bench/")
    settings.figures_path.write_text(
        json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    settings.report_path.write_text(render(figures, links), encoding="utf-8")
    print(
        f"Wrote {settings.report_path}, {settings.figures_path} and {len(links)} charts.",
        flush=True,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the chosen stages, then writes the report."""
    args = parse_args(argv)
    settings = build_settings(args)
    stages = [s.strip() for s in args.stages.split(",") if s.strip()]
    unknown = set(stages) - set(STAGES)
    if unknown:
        print(f"unknown stage(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    settings.work_dir.mkdir(parents=True, exist_ok=True)
    saved = settings.work_dir / "figures.json"
    figures: dict[str, Any] = (
        json.loads(saved.read_text(encoding="utf-8")) if saved.exists() else {}
    )
    if stages or "machine" not in figures:  # re-rendering keeps the machine facts of the run
        figures.update(machine=machine.describe(), settings=settings_record(settings))
    figures["mode"] = settings.mode
    figures.setdefault("notes", [])
    steps = {
        "train": stage_train,
        "understanding": stage_understanding,
        "serving": stage_serving,
        "pickup": stage_pickup,
        "lean": stage_lean,
        "metrics": stage_metrics,
    }
    for stage in STAGES:
        if stage in stages:
            started = time.monotonic()
            steps[stage](settings, figures)
            figures.setdefault("stage_seconds", {})[stage] = time.monotonic() - started
            saved.write_text(json.dumps(figures, ensure_ascii=False), encoding="utf-8")
    figures["log_findings"] = scan_logs(settings.work_dir / "logs")
    write_outputs(settings, figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
