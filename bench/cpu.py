"""How busy the whole machine was during a load, and how much of that was not ours.

Other people's processes on a shared machine slow every figure down; each load
run records the machine's busy cores (from /proc/stat) next to the cores our own
servers and load generator used, so the report shows how quiet the machine was.
``parse_proc_stat`` is pure.
"""

from __future__ import annotations

import os


def parse_proc_stat(text: str) -> tuple[float, float]:
    """(busy, total) clock ticks of all CPUs from the first line of /proc/stat."""
    fields = [int(v) for v in text.splitlines()[0].split()[1:9]]
    idle = fields[3] + fields[4]  # idle + iowait
    total = sum(fields)
    return float(total - idle), float(total)


def busy_seconds() -> float:
    """CPU-seconds the whole machine has spent busy since boot."""
    with open("/proc/stat", encoding="utf-8") as handle:
        busy, _ = parse_proc_stat(handle.read())
    return busy / os.sysconf("SC_CLK_TCK")


def cores_used(busy_before: float, busy_after: float, ours_seconds: float, wall: float) -> dict:
    """Busy cores on the machine, and the part not used by our processes, over ``wall`` seconds."""
    if wall <= 0:
        return {"all": None, "other": None}
    machine = (busy_after - busy_before) / wall
    return {"all": machine, "other": max(0.0, machine - ours_seconds / wall)}
