"""Percentiles of measurements, one convention for every report. Pure."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (``q`` from 0 to 100) by linear interpolation between ranks.

    The value at rank ``(n - 1) * q / 100`` of the sorted values, interpolated
    between the two nearest ranks: numpy's default ``percentile``, Python's
    ``statistics.quantiles(method="inclusive")`` and spreadsheets' PERCENTILE.INC.
    It is the convention readers recompute figures with (the benchmarks keep the
    raw latencies), it moves smoothly as samples are added, and p50 of an even
    count is the usual median. ``q`` is on the 0-100 scale the reports' labels use
    (p50, p95, p99). It differs from the nearest-rank convention by at most the gap
    between two neighbouring observations.

    Args:
        values: The measurements, in any order.
        q: The percentile, 0 to 100.

    Returns:
        None for no values: no figure, rather than a zero that reads as "instant".

    Raises:
        ValueError: When ``q`` is outside 0-100.
    """
    if not 0 <= q <= 100:
        raise ValueError(f"percentile {q} is outside 0-100")
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100.0
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return float(ordered[low] + (ordered[high] - ordered[low]) * (rank - low))
