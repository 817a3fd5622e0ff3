"""The issue's targets, checked against a run's figures. Pure.

``rows`` lists every target with our value and whether it is met (None when the
figure is missing, e.g. a stage was skipped).
"""

from __future__ import annotations

from typing import Any

MB = 2**20


def dig(data: Any, *path: Any) -> Any:
    """``data[path[0]][path[1]]...``, or None where any step is missing."""
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def best_throughput(figures: dict[str, Any], kind: str, channel: str) -> float | None:
    """The highest answered-per-second rate over the worker counts measured."""
    runs = dig(figures, "serving", kind, "throughput", channel) or {}
    rates = [r.get("answered_per_s") for r in runs.values() if r.get("answered_per_s") is not None]
    return max(rates) if rates else None


def _row(
    name: str, value: float | None, limit: float, higher_is_better: bool, unit: str
) -> dict[str, Any]:
    met = None if value is None else (value >= limit if higher_is_better else value <= limit)
    sign = "≥" if higher_is_better else "≤"
    return {"target": f"{name} {sign} {limit:g}{unit}", "value": value, "unit": unit, "met": met}


def _scaled(value: float | None, factor: float) -> float | None:
    return None if value is None else value * factor


def understanding_targets(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """Held-out accuracy per language, and Korean accuracy above stock Rasa."""
    held = dig(figures, "understanding", "heldout") or {}
    result = [
        _row(
            f"Held-out intent accuracy ({language})",
            _scaled(dig(held, "ours", language, "accuracy"), 100),
            95,
            True,
            " %",
        )
        for language in ("zh", "ko")
    ]
    ours_ko, stock_ko = dig(held, "ours", "ko", "accuracy"), dig(held, "stock", "ko", "accuracy")
    margin = None if ours_ko is None or stock_ko is None else 100 * (ours_ko - stock_ko)
    result.append(_row("Korean accuracy above stock Rasa", margin, 5, True, " points"))
    return result


def serving_targets(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """WeChat latency, throughput, cold start, memory and training time."""
    wechat = dig(figures, "serving", "ours", "latency", "wechat") or {}
    ours = dig(figures, "serving", "ours") or {}
    # name, our value, limit, higher is better, unit
    table = [
        (
            "WeChat safe-mode p50 at concurrency 1",
            dig(wechat, "1", "summary", "p50"),
            25,
            False,
            " ms",
        ),
        (
            "WeChat safe-mode p99 at concurrency 1",
            dig(wechat, "1", "summary", "p99"),
            100,
            False,
            " ms",
        ),
        (
            "WeChat safe-mode p99 at concurrency 16",
            dig(wechat, "16", "summary", "p99"),
            500,
            False,
            " ms",
        ),
        (
            "Throughput (WeChat, best of 1/2 workers)",
            best_throughput(figures, "ours", "wechat"),
            100,
            True,
            " msg/s",
        ),
        (
            "Cold start to first answer (`make run`)",
            dig(ours, "startup", "first_answer_s"),
            10,
            False,
            " s",
        ),
        (
            "Rasa server resident memory",
            _scaled(dig(ours, "memory", "rasa", "VmRSS"), 1 / MB),
            700,
            False,
            " MB",
        ),
        ("Training time", dig(figures, "training", "ours", "seconds"), 120, False, " s"),
    ]
    return [_row(*target) for target in table]


def pickup_targets(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """Publish to changed answer, slowest of the repetitions, per mode.

    A repetition that never saw the changed answer makes the target missed.
    """
    result = []
    for mode, name in (("embedded", "embedded"), ("redis", "Redis")):
        summary = dig(figures, "pickup", mode, "publish") or {}
        value = summary.get("max")
        row = _row(f"Publish to changed answer, {name} mode (slowest)", value, 2, False, " s")
        if summary.get("misses"):
            row["met"] = False
        result.append(row)
    return result


def lean_targets(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """Issue 13: RSS after the loads, and start-up against ``KW_LEAN_IMPORTS=off``."""
    from bench.lean import faster_by

    rss = dig(figures, "serving", "ours", "memory", "rasa", "VmRSS")
    if rss is None:  # only the lean stage ran: its "after" runs carried the same loads
        rss = dig(figures, "lean", "summary", "after", "rss")
    return [
        _row(
            "Rasa server resident memory after its loads", _scaled(rss, 1 / MB), 550, False, " MB"
        ),
        _row(
            "Rasa start to first answer faster than before fix 4",
            faster_by(figures),
            30,
            True,
            " %",
        ),
    ]


def rows(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """Every target of the issue with our value and met / missed / not measured."""
    return (
        understanding_targets(figures)
        + serving_targets(figures)
        + lean_targets(figures)
        + pickup_targets(figures)
    )
