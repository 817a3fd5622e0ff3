"""The machine a run happened on: CPU model, cores, RAM, Python, Rasa version, date.

``parse_cpu_model`` and ``parse_mem_total`` are pure; ``describe`` reads /proc
and the installed package metadata.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import time
from importlib import metadata
from pathlib import Path
from typing import Any


def parse_cpu_model(cpuinfo: str) -> str | None:
    """The first ``model name`` of /proc/cpuinfo."""
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "model name":
            return value.strip()
    return None


def parse_mem_total(meminfo: str) -> int | None:
    """MemTotal of /proc/meminfo, in bytes."""
    for line in meminfo.splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) * 1024
    return None


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError:
        return ""


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def loop_seconds(repeats: int = 3) -> float:
    """Seconds for one core to sum ten million integers in Python, best of ``repeats``.

    Hosts of the same kind differ: the same code has measured twice as slow on
    one as on another, stock Rasa too. This figure lets two reports be compared.
    """
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        sum(range(10_000_000))
        best = min(best, time.perf_counter() - started)
    return round(best, 3)


def describe() -> dict[str, Any]:
    """Facts about this machine and software, for the report header."""
    mem = parse_mem_total(_read("/proc/meminfo"))
    return {
        "cpu_model": parse_cpu_model(_read("/proc/cpuinfo")) or platform.processor() or "unknown",
        "cores": os.cpu_count(),
        "loop_s": loop_seconds(),
        "ram_gb": round(mem / 2**30, 1) if mem else None,
        "python": platform.python_version(),
        "rasa": _version("rasa"),
        "tensorflow": _version("tensorflow"),
        "os": f"{platform.system()} {platform.release()}",
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
    }
