"""Stage ``lean``: the Rasa server before and after fix 4 (serving without TensorFlow).

"Before" is ours with ``KW_LEAN_IMPORTS=off`` and ``KW_LEAN_MEMORY=off`` (Rasa's own
imports, no memory measures); "after" is ours as shipped. The two alternate
(before, after, before, …) so machine load drifts evenly. Each run starts the
whole stack, waits for its first answer, sends the REST and WeChat latency loads
at concurrency 1 (the first shape of the settings), then reads the Rasa server's
memory. The memory target itself uses the serving stage's figure when it ran
(after all of its loads). ``summary`` and ``section``
are pure.
"""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

from bench.settings import BenchSettings
from bench.targets import MB, dig

VARIANTS = {
    "before": {"KW_LEAN_IMPORTS": "off", "KW_LEAN_MEMORY": "off"},
    "after": {},
}
CHANNELS = ("rest", "wechat")


def _one_run(
    settings: BenchSettings,
    label: str,
    env: dict[str, str],
    model: Path,
    messages: dict[str, list[tuple[str, str]]],
    fakes: dict[str, str],
) -> dict[str, Any]:
    from bench.serving import run_load
    from bench.stacks import start_ours

    print(f"  starting {label}", flush=True)
    stack = start_ours(settings, label, model, fakes, extra_env=env)
    try:
        cpu = []
        for channel in CHANNELS:
            for shape in settings.latency[:1]:  # concurrency 1: CPU per message, not queueing
                name = f"{label}-{channel}-c{shape.concurrency}"
                print(f"  latency {name}", flush=True)
                result = run_load(
                    settings, name, channel, [stack.url], shape, messages[channel], False, [stack]
                )
                cpu.append(result["cpu_ms"]["rasa"])
        memory = stack.memory()["rasa"]
    finally:
        stack.stop()
    return {
        "rasa_first_answer_s": stack.startup["rasa_first_answer_s"],
        "first_answer_s": stack.startup["first_answer_s"],
        "rss": memory.get("VmRSS"),
        "peak": memory.get("VmHWM"),
        "rasa_cpu_ms": statistics.fmean(cpu),
    }


def measure(
    settings: BenchSettings,
    model: Path,
    messages: dict[str, list[tuple[str, str]]],
    fakes: dict[str, str],
) -> dict[str, Any]:
    """Alternating before/after runs (1 in quick mode, 3 in full); their medians in ``summary``."""
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in VARIANTS}
    for index in range(1 if settings.mode == "quick" else 3):
        for name, env in VARIANTS.items():
            label = f"lean-{name}-{index + 1}"
            runs[name].append(_one_run(settings, label, env, model, messages, fakes))
    return {"runs": runs, "summary": summary(runs)}


def summary(runs: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, float | None]]:
    """Median of each figure per variant."""
    result: dict[str, dict[str, float | None]] = {}
    for name, variant_runs in runs.items():
        keys = {key for run in variant_runs for key in run}
        result[name] = {
            key: statistics.median(values)
            if (values := [run[key] for run in variant_runs if run.get(key) is not None])
            else None
            for key in sorted(keys)
        }
    return result


def faster_by(figures: dict[str, Any]) -> float | None:
    """How much sooner (percent) the Rasa server answers first after fix 4 than before."""
    before = dig(figures, "lean", "summary", "before", "rasa_first_answer_s")
    after = dig(figures, "lean", "summary", "after", "rasa_first_answer_s")
    if not before or after is None:
        return None
    return 100.0 * (before - after) / before


def section(figures: dict[str, Any]) -> list[str]:
    """The report's before/after table (empty when the stage did not run)."""
    summary_ = dig(figures, "lean", "summary")
    if not summary_:
        return []
    rows = [
        ("Rasa server start to first answer", "rasa_first_answer_s", 1.0, "{:.2f} s"),
        ("Resident memory after the loads (VmRSS)", "rss", 1 / MB, "{:.0f} MB"),
        ("Peak resident memory (VmHWM)", "peak", 1 / MB, "{:.0f} MB"),
        ("Rasa server CPU per message", "rasa_cpu_ms", 1.0, "{:.1f} ms"),
    ]
    lines = [
        "## Serving without TensorFlow (before / after)",
        "",
        "Before: `KW_LEAN_IMPORTS=off KW_LEAN_MEMORY=off`; after: as shipped. Medians of "
        f"{len(dig(figures, 'lean', 'runs', 'after') or [])} alternating run(s) each; "
        "REST and WeChat latency loads at concurrency 1 per run.",
        "",
        "| Measure | Before | After |",
        "|---|---|---|",
    ]
    for label, key, factor, form in rows:
        cells = []
        for name in VARIANTS:
            value = summary_.get(name, {}).get(key)
            cells.append("–" if value is None else form.format(value * factor))
        lines.append(f"| {label} | {cells[0]} | {cells[1]} |")
    return lines + [""]
