"""docs/benchmarks.md from a run's figures. Pure: figures in, Markdown out.

The summary table has, for each measure, our figure, stock Rasa's figure and the
ratio (ours ÷ stock); latency rows compare every channel with stock Rasa's REST
channel at the same concurrency. Details, targets, method and charts follow.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bench.lean import section as lean_section
from bench.method import method_notes
from bench.stats import mean_sd, ratio
from bench.targets import MB, dig, rows
from harness.markdown import table

CHANNEL_NAMES = {
    "wechat": "WeChat safe mode",
    "kakao": "Kakao skill",
    "telegram": "Telegram webhook",
    "rest": "REST",
}
Row = tuple[str, float | None, float | None, str]


def fmt(value: float | None, kind: str) -> str:
    """A figure for the table: pct (0.97 → 97.0 %), f1, ms, rate, s, s2, mb, x (ratio)."""
    if value is None:
        return "–"
    return {
        "pct": f"{100 * value:.1f} %",
        "f1": f"{value:.3f}",
        "ms": f"{value:.1f} ms",
        "rate": f"{value:.1f} msg/s",
        "s": f"{value:.1f} s",
        "s2": f"{value:.2f} s",
        "mb": f"{value / MB:.0f} MB",
        "x": f"{value:.2f}×",
        "cores": f"{value:.2f}",
    }.get(kind, f"{value:g}")


def paired(label: str, ours: Any, stock: Any, path: Sequence[str], kind: str) -> Row:
    """A row whose two figures sit at the same ``path`` in our and stock Rasa's results."""
    return (label, dig(ours, *path), dig(stock, *path), kind)


def understanding_rows(figures: dict[str, Any]) -> list[Row]:
    """Held-out, cross-validation and out-of-scope rows, per language."""
    held = dig(figures, "understanding", "heldout") or {}
    cv = dig(figures, "understanding", "cv") or {}
    h_ours, h_stock = held.get("ours"), held.get("stock")
    folds = dig(cv, "ours", "folds") or "–"
    c_ours, c_stock = cv.get("ours"), cv.get("stock")
    accuracy = (("intent accuracy", "accuracy", "pct"), ("macro-F1", "macro_f1", "f1"))
    out: list[Row] = []
    for lang in ("zh", "ko"):
        for name, key, kind in accuracy:
            out.append(paired(f"Held-out {name} ({lang})", h_ours, h_stock, (lang, key), kind))
    for lang in ("zh", "ko"):
        for name, key, kind in accuracy:
            label = f"{folds}-fold CV {name} ({lang})"
            out.append(paired(label, c_ours, c_stock, (lang, key), kind))
    for lang in ("zh", "ko"):
        for measure in ("precision", "recall"):
            label = f"Out-of-scope {measure}, held-out ({lang})"
            out.append(paired(label, h_ours, h_stock, (lang, "oos", measure), "pct"))
    for lang in ("zh", "ko"):
        label = f"NLU parse per message, in-process ({lang})"
        out.append(paired(label, h_ours, h_stock, (lang, "parse_ms"), "ms"))
    return out


#: Rows whose figures sit at the same path in our and stock Rasa's serving results.
STACK_ROWS = (
    (
        "Rasa server CPU per message (REST, concurrency 1)",
        ("latency", "rest", "1", "cpu_ms", "rasa"),
        "ms",
    ),
    (
        "Action server CPU per message (REST, concurrency 1)",
        ("latency", "rest", "1", "cpu_ms", "actions"),
        "ms",
    ),
    ("Start to first answer (ours: `make run`, both servers)", ("startup", "first_answer_s"), "s"),
    ("Rasa server process start to first answer", ("startup", "rasa_first_answer_s"), "s"),
    (
        "Rasa server resident memory (VmRSS, with children, after the loads)",
        ("memory", "rasa", "VmRSS"),
        "mb",
    ),
    (
        "Action server resident memory (VmRSS, with children, after the loads)",
        ("memory", "actions", "VmRSS"),
        "mb",
    ),
    ("Rasa server peak resident memory (VmHWM)", ("memory", "rasa", "VmHWM"), "mb"),
)


def load_rows(ours: dict[str, Any], stock: dict[str, Any]) -> list[Row]:
    """Latency percentiles per channel and concurrency, throughput per worker count."""
    out: list[Row] = []
    for channel, by_concurrency in (ours.get("latency") or {}).items():
        for concurrency, run in by_concurrency.items():
            stock_run = dig(stock, "latency", "rest", concurrency)
            for p in ("p50", "p95", "p99"):
                label = f"{CHANNEL_NAMES[channel]} latency {p}, concurrency {concurrency}"
                out.append(paired(label, run, stock_run, ("summary", p), "ms"))
    for channel, by_workers in (ours.get("throughput") or {}).items():
        for workers, run in by_workers.items():
            label = f"{CHANNEL_NAMES[channel]} throughput, {workers} worker(s)"
            stock_run = dig(stock, "throughput", "rest", workers)
            out.append(paired(label, run, stock_run, ("answered_per_s",), "rate"))
    return out


def serving_rows(figures: dict[str, Any]) -> list[Row]:
    """Latency, throughput, CPU, start-up, memory and training rows."""
    ours, stock = dig(figures, "serving", "ours") or {}, dig(figures, "serving", "stock") or {}
    out = load_rows(ours, stock)
    out += [paired(label, ours, stock, path, kind) for label, path, kind in STACK_ROWS]
    training = figures.get("training") or {}
    label = "Training time (`rasa train`, empty cache)"
    out.append(paired(label, training.get("ours"), training.get("stock"), ("seconds",), "s"))
    return out


def summary_table(figures: dict[str, Any]) -> str:
    """Every measure: ours, stock Rasa, ratio."""
    body = [
        (label, fmt(o, kind), fmt(s, kind), fmt(ratio(o, s), "x"))
        for label, o, s, kind in understanding_rows(figures) + serving_rows(figures)
    ]
    return table(("Measure", "Korea Week Assistant", "Stock Rasa", "Ratio (ours ÷ stock)"), body)


def targets_table(figures: dict[str, Any]) -> str:
    """Each target of the issue: our value, met or missed."""
    status = {True: "met", False: "**missed**", None: "not measured"}
    body = [
        (
            r["target"],
            "–" if r["value"] is None else f"{r['value']:.1f}{r['unit']}",
            status[r["met"]],
        )
        for r in rows(figures)
    ]
    return table(("Target", "Ours", "Status"), body)


def latency_table(figures: dict[str, Any]) -> str:
    """Every load run: requests, outcomes and percentiles."""
    body = []
    for kind in ("ours", "ours_redis", "stock"):
        for channel, by_c in (dig(figures, "serving", kind, "latency") or {}).items():
            for concurrency, run in by_c.items():
                s = run["summary"]
                outcomes = ", ".join(f"{k} {v}" for k, v in sorted(run["outcomes"].items()))
                body.append(
                    (
                        kind,
                        CHANNEL_NAMES[channel],
                        concurrency,
                        str(s["n"]),
                        outcomes,
                        fmt(s["p50"], "ms"),
                        fmt(s["p95"], "ms"),
                        fmt(s["p99"], "ms"),
                        fmt(s["max"], "ms"),
                        fmt(run.get("answered_per_s"), "rate"),
                        fmt(dig(run, "cpu_ms", "rasa"), "ms"),
                        fmt(dig(run, "cpu_ms", "actions"), "ms"),
                        fmt(dig(run, "cores", "other"), "cores"),
                    )
                )
    return table(
        (
            "server",
            "channel",
            "concurrency",
            "answered",
            "outcomes",
            "p50",
            "p95",
            "p99",
            "max",
            "rate",
            "Rasa CPU/msg",
            "actions CPU/msg",
            "other busy cores",
        ),
        body,
    )


def cv_folds_line(figures: dict[str, Any]) -> str:
    """Fold accuracies of our cross-validation, per language."""
    parts = []
    for lang in ("zh", "ko"):
        folds = dig(figures, "understanding", "cv", "ours", lang, "fold_accuracy")
        if folds:
            spread = mean_sd(folds)
            sd = f" ± {100 * spread['sd']:.1f}" if spread["sd"] is not None else ""
            parts.append(
                f"{lang}: "
                + ", ".join(f"{100 * a:.1f}" for a in folds)
                + f" % (mean {100 * spread['mean']:.1f}{sd})"
            )
    return "; ".join(parts) or "not run"


def machine_table(machine: dict[str, Any]) -> str:
    """CPU, cores, RAM, Python, Rasa, date."""
    keys = (
        ("cpu_model", "CPU"),
        ("cores", "Cores"),
        ("loop_s", "Python loop, 10⁷ additions on one core (s; lower is faster)"),
        ("ram_gb", "RAM (GB)"),
        ("python", "Python"),
        ("rasa", "Rasa"),
        ("tensorflow", "TensorFlow"),
        ("os", "OS"),
        ("date", "Date"),
    )
    return table(("", ""), [(label, str(machine.get(key, "–"))) for key, label in keys])


def conversation_section(figures: dict[str, Any]) -> list[str]:
    """The visitor conversation set's fully-right rates, tuned and untouched parts."""
    table = dig(figures, "understanding", "conversations", "table")
    if not table:
        return []
    return [
        "## Answers: the visitor conversation set",
        "",
        "Conversations written as visitors type (tests/conversations), played through our "
        "model and actions with each conversation's clock; a conversation counts when every "
        "turn is fully right. The untouched part is never tuned on.",
        "",
        *table,
        "",
    ]


PICKUP_MODES = {
    "embedded": "embedded (content folder)",
    "redis": "Redis (published version)",
}


def pickup_section(figures: dict[str, Any]) -> list[str]:
    """Publish to changed answer per mode: median and max against the target; [] if not run."""
    pickup = figures.get("pickup")
    if not pickup:
        return []
    target = pickup.get("target_s", 2.0)
    body = []
    for mode, label in PICKUP_MODES.items():
        if mode not in pickup:
            continue
        for key, what in (
            ("publish", "from the publish call's return"),
            ("publish_from_call", "from the publish call's start"),
            ("restore", "restore, from the call's return"),
        ):
            summary = pickup[mode][key]
            status = "met" if summary["within_target"] else "**missed**"
            body.append(
                (
                    label,
                    what,
                    f"{summary['n'] - summary['misses']}/{summary['n']}",
                    fmt(summary["median"], "s2"),
                    fmt(summary["max"], "s2"),
                    status,
                )
            )
    heading = ("mode", "timed", "changed answers", "median", "max", f"all ≤ {target:g} s")
    parts = [
        "## Publish to changed answer",
        "",
        f"A running assistant (`python -m bot.server`) on a copy of the content; "
        f"{pickup.get('repeats')} publishes per mode of a new FAQ entry through the content "
        "store the console and `bot content publish` use, each followed by the REST channel "
        "asked, with a new sender every time, a question only that entry answers until its "
        "answer arrives; then the original content is published again and timed the same "
        "way (restore). A time ends at the receipt of the first changed answer, so it includes "
        "one REST round trip.",
        "",
        table(heading, body),
        "",
    ]
    if pickup.get("load_before") is not None:
        cores = dig(figures, "machine", "cores") or "–"
        parts += [
            f"Load average (1 min) when the stage began: {pickup['load_before']:.1f} on "
            f"{cores} cores; a reload parses and checks the content, so other work on the "
            "machine lengthens these times.",
            "",
        ]
    skipped = [f"- Skipped: {note}" for note in pickup.get("skipped", [])]
    return parts + (skipped + [""] if skipped else [])


def metrics_cost_section(figures: dict[str, Any]) -> list[str]:
    """What the Prometheus counting costs per message, against the server's CPU per message."""
    cost = figures.get("metrics_cost")
    if not cost:
        return []
    server_ms = dig(figures, "serving", "ours", "latency", "rest", "1", "cpu_ms", "rasa")
    share = (
        f", {cost['metrics_us'] / (server_ms * 10):.2f} % of the Rasa server's "
        f"{server_ms:.1f} ms CPU per message (REST, concurrency 1)"
        if isinstance(server_ms, (int, float)) and server_ms > 0
        else ""
    )
    return [
        "## Counting for /metrics",
        "",
        f"Prometheus counting per answered message: {cost['metrics_us']:.1f} µs{share} "
        f"(usage recording with it {cost['with_us']:.1f} µs, without {cost['without_us']:.1f} µs; "
        "`python -m bench --stages metrics`, in-process, best of 5 × 20,000 messages).",
        "",
    ]


def render(figures: dict[str, Any], charts: dict[str, str]) -> str:
    """The whole docs/benchmarks.md."""
    quick = figures.get("mode") == "quick"
    epochs = dig(figures, "training", "stock", "config", "epochs")
    parts = [
        "# Benchmarks" + (" (quick smoke run — not representative)" if quick else ""),
        "",
        "Regenerated by `make bench` (`python -m bench`); raw figures in "
        "[bench/benchmarks.json](bench/benchmarks.json). Do not edit by hand.",
    ]
    if quick:
        parts += [
            "",
            f"> **Quick mode**: stock Rasa trained with {epochs} epochs instead of 100, "
            "cross-validation on 2 folds of a subset, short loads; `make bench` for real figures.",
        ]
    parts += [
        "",
        "## Machine",
        "",
        machine_table(figures.get("machine") or {}),
        "",
        "## Targets",
        "",
        targets_table(figures),
        "",
        "## Ours against stock Rasa",
        "",
        summary_table(figures),
        "",
        "Latency rows compare each of our channels with stock Rasa's REST channel at the same "
        "concurrency. Ratio below 1 means ours is smaller (faster, lighter); above 1, larger.",
        "",
        *conversation_section(figures),
        *pickup_section(figures),
        *lean_section(figures),
        *metrics_cost_section(figures),
        "## Every load run",
        "",
        latency_table(figures),
    ]
    if charts:
        parts += ["", "## Charts", ""]
        parts += [f"![{title}]({path})" for title, path in charts.items()]
    parts += ["", "## Method", ""] + [
        f"- {note}" for note in method_notes(figures, cv_folds_line(figures))
    ]
    if figures.get("log_findings"):
        parts += ["", "## Server log findings", ""]
        parts += [f"- {finding}" for finding in figures["log_findings"]]
    if figures.get("notes"):
        parts += ["", "## Notes from this run", ""] + [f"- {note}" for note in figures["notes"]]
    return "\n".join(parts) + "\n"
