"""Processes on this machine: environment, free ports, resident memory, start times, waiting.

Resident memory is read from /proc/<pid>/status (VmRSS, VmHWM) and summed over a
process and its descendants. ``parse_status`` and ``parse_stat_start`` are pure.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path

from bench.settings import BenchSettings

PYTHON = sys.executable


def base_env(settings: BenchSettings, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of every process a run starts (the Makefile's exports, a fixed clock).

    Channel secrets and REDIS_URL from the caller's shell are dropped, so only
    what a stage sets explicitly is on.
    """
    drop = ("REDIS_URL", "KW_REDIS_PREFIX", "WECHAT_", "KAKAO_", "TELEGRAM_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env.update(
        PYTHONHASHSEED="0",
        TF_CPP_MIN_LOG_LEVEL="3",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        PYTHONPATH=str(settings.root),
        KW_NOW=settings.fixed_now,
        KW_CONTENT_DIR=str(settings.root / "content"),
        KW_UNANSWERED_FILE=str(settings.work_dir / "var" / "unanswered.jsonl"),
        PYTHONWARNINGS="ignore",
    )
    env.update(extra or {})
    return env


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def parse_status(text: str) -> dict[str, int]:
    """VmRSS and VmHWM (bytes) from a /proc/<pid>/status text; missing ones are 0."""
    values = {"VmRSS": 0, "VmHWM": 0}
    for line in text.splitlines():
        key, _, rest = line.partition(":")
        if key in values:
            values[key] = int(rest.split()[0]) * 1024
    return values


def parse_stat_start(stat: str) -> int:
    """Field 22 (starttime, clock ticks after boot) of a /proc/<pid>/stat text."""
    after_name = stat.rsplit(")", 1)[1].split()
    return int(after_name[19])


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError:
        return ""


def children(pid: int) -> list[int]:
    """Direct children of ``pid`` (scans /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _read(f"/proc/{entry}/stat")
            if stat and int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return sorted(found)


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it."""
    tree, queue = [], [pid]
    while queue:
        current = queue.pop()
        tree.append(current)
        queue.extend(children(current))
    return tree


def rss_tree(pid: int) -> dict[str, int]:
    """Resident memory of ``pid`` and its descendants: summed VmRSS and VmHWM, in bytes."""
    total = {"VmRSS": 0, "VmHWM": 0, "processes": 0}
    for member in descendants(pid):
        status = parse_status(_read(f"/proc/{member}/status"))
        total["VmRSS"] += status["VmRSS"]
        total["VmHWM"] += status["VmHWM"]
        total["processes"] += 1
    return total


def parse_stat_cpu(stat: str) -> int:
    """Utime + stime (clock ticks) of a /proc/<pid>/stat text."""
    after_name = stat.rsplit(")", 1)[1].split()
    return int(after_name[11]) + int(after_name[12])


def cpu_seconds(pid: int) -> float:
    """CPU time used so far by ``pid`` and its descendants, in seconds."""
    ticks = 0
    for member in descendants(pid):
        stat = _read(f"/proc/{member}/stat")
        if stat:
            ticks += parse_stat_cpu(stat)
    return ticks / os.sysconf("SC_CLK_TCK")


def started_at(pid: int) -> float | None:
    """When ``pid`` started, as a Unix time (10 ms resolution), or None if it is gone."""
    stat = _read(f"/proc/{pid}/stat")
    if not stat:
        return None
    boot = next(
        int(line.split()[1])
        for line in _read("/proc/stat").splitlines()
        if line.startswith("btime")
    )
    return boot + parse_stat_start(stat) / os.sysconf("SC_CLK_TCK")


def find_child(parent: int, needle: str, timeout: float) -> int | None:
    """Waits for a child of ``parent`` whose command line contains ``needle``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for pid in children(parent):
            if needle in _read(f"/proc/{pid}/cmdline").replace("\0", " "):
                return pid
        time.sleep(0.05)
    return None


def first_answer(
    url: str, process: subprocess.Popen, timeout: float, sender: str = "bench-probe"
) -> float | None:
    """Posts a REST message every 100 ms until the bot answers; returns the Unix time it did.

    Returns:
        None when ``process`` exits or ``timeout`` passes first.
    """
    body = json.dumps({"sender": sender, "message": "你好"}).encode("utf-8")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return None
        request = urllib.request.Request(
            url, data=body, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as reply:
                if reply.status == 200 and json.loads(reply.read() or b"[]"):
                    return time.time()
        except (urllib.error.URLError, ConnectionError, OSError, ValueError):
            pass
        time.sleep(0.1)
    return None


def stop(processes: Sequence[subprocess.Popen | None], grace: float = 15.0) -> None:
    """SIGTERM to each process we started, then SIGKILL to those still running after ``grace``."""
    live = [p for p in processes if p is not None and p.poll() is None]
    for process in live:
        process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace
    for process in live:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def spawn(
    args: Sequence[str], env: Mapping[str, str], log: Path, cwd: Path | None = None
) -> subprocess.Popen:
    """Starts a process with stdout and stderr going to ``log``."""
    log.parent.mkdir(parents=True, exist_ok=True)
    handle = open(log, "wb")  # noqa: SIM115 - the child keeps it open
    try:
        return subprocess.Popen(
            list(args),
            env=dict(env),
            cwd=str(cwd) if cwd else None,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    finally:
        handle.close()
