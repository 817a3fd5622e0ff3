"""A fault under load: visitors keep talking while something breaks and comes back.

``under_load`` runs virtual visitors, injects the fault after ``before`` seconds,
restores it ``during`` seconds later and lets the visitors go on for ``after``
seconds. ``judge`` (pure) turns the samples into the figures the issue asks
for: every request during the fault got a valid platform reply, how fast, how
many were the polite "busy" text, no 5xx, and how long after the fault ended
the answers were normal again.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from harness.stats import percentile
from reliability.load import Sample, Visitors, outcome_of
from reliability.settings import PLATFORM_WINDOW


def judge(samples: Sequence[Sample], fault_at: float, back_at: float) -> dict[str, Any]:
    """Figures of a fault from the samples (times in seconds since the load began).

    Recovery is the time from ``back_at`` to the start of the first request after
    which every request got a normal answer; None when that never happened.
    """
    during = [s for s in samples if fault_at <= s.started < back_at]
    after = sorted((s for s in samples if s.started >= back_at), key=lambda s: s.started)
    normal = [s.valid and not s.graceful for s in after]
    recovered_at = None
    for index in range(len(after)):
        if all(normal[index:]):
            recovered_at = after[index].started
            break
    in_window = [s for s in during if s.valid and s.seconds <= PLATFORM_WINDOW]
    return {
        "fault_seconds": round(back_at - fault_at, 1),
        "requests": len(samples),
        "during": len(during),
        "during_outcomes": dict(Counter(outcome_of(s) for s in during)),
        "during_by_channel": {
            channel: dict(Counter(outcome_of(s) for s in during if s.channel == channel))
            for channel in sorted({s.channel for s in during})
        },
        "during_valid_within_window": len(in_window),
        "during_max_seconds": round(max((s.seconds for s in during), default=0.0), 2),
        "during_p95_seconds": _rounded(percentile([s.seconds for s in during], 95)),
        "invalid": [f"{s.channel}@{s.started:.1f}s: {s.problem}" for s in samples if not s.valid][
            :15
        ],
        "invalid_count": sum(1 for s in samples if not s.valid),
        # A REST 503 with the polite text is an answer (reliability.client.read_reply).
        "server_errors": sum(1 for s in samples if s.status >= 500 and not s.valid),
        "after": len(after),
        "recovery_seconds": None
        if recovered_at is None
        else round(max(0.0, recovered_at - back_at), 1),
        "not_normal": [
            f"{s.started:.1f}s {s.channel} visitor {s.visitor} {s.text!r}: "
            f"{outcome_of(s)} in {s.seconds:.2f}s"
            for s in samples
            if not (s.valid and not s.graceful)
        ][:60],
    }


async def under_load(
    visitors: Visitors,
    inject: Callable[[], None],
    restore: Callable[[], None],
    before: float,
    during: float,
    after: float,
) -> dict[str, Any]:
    """Runs ``visitors`` around a fault and judges it.

    Args:
        visitors: The load (its own first_id, so conversations are fresh).
        inject: Breaks something (called in a worker thread).
        restore: Mends it (called in a worker thread).
        before: Seconds of normal load first.
        during: Seconds the fault lasts.
        after: Seconds of load after the fault.
    """
    origin = time.monotonic()
    load = asyncio.ensure_future(visitors.run(before + during + after))
    await asyncio.sleep(before)
    await asyncio.to_thread(inject)
    fault_at = time.monotonic() - origin
    await asyncio.sleep(during)
    await asyncio.to_thread(restore)
    back_at = time.monotonic() - origin
    samples = await load
    return judge(samples, fault_at, back_at)


def _rounded(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds, 2)
