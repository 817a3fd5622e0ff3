"""Summaries of raw measurements: latency percentiles, means, ratios. Pure.

Percentiles follow the one convention of ``harness.stats.percentile``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from harness.stats import percentile


def latency_summary(latencies_ms: Sequence[float]) -> dict[str, float | None]:
    """p50/p95/p99, mean and max of latencies in milliseconds, plus the count."""
    return {
        "n": len(latencies_ms),
        "p50": percentile(latencies_ms, 50),
        "p95": percentile(latencies_ms, 95),
        "p99": percentile(latencies_ms, 99),
        "mean": sum(latencies_ms) / len(latencies_ms) if latencies_ms else None,
        "max": max(latencies_ms) if latencies_ms else None,
    }


def mean_sd(values: Sequence[float]) -> dict[str, float | None]:
    """Mean and sample standard deviation (None where undefined)."""
    if not values:
        return {"mean": None, "sd": None}
    mean = sum(values) / len(values)
    if len(values) < 2:
        return {"mean": mean, "sd": None}
    var = sum((v - mean) ** 2 for v in values) / (len(values) - 1)
    return {"mean": mean, "sd": math.sqrt(var)}


def ratio(ours: float | None, stock: float | None) -> float | None:
    """Ours ÷ stock, or None when either is missing or stock is zero."""
    if ours is None or stock is None or stock == 0:
        return None
    return ours / stock
