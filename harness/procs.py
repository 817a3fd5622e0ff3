"""Processes on this machine, read from /proc: trees, resident memory, CPU time, start time.

The ``parse_*`` functions are pure and take the text of one /proc file; the rest
read /proc and treat a process that is gone as empty (0 kB, no children, "").
Memory is in bytes unless a name says kB. ``stop_group`` stops a process group.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

PROC = Path("/proc")
#: The memory lines of /proc/<pid>/status that the reports use: now and peak.
MEMORY_KEYS = ("VmRSS", "VmHWM")


def parse_status(text: str) -> dict[str, int]:
    """VmRSS and VmHWM, in bytes, from a /proc/<pid>/status text; missing ones are 0."""
    values = dict.fromkeys(MEMORY_KEYS, 0)
    for line in text.splitlines():
        key, _, rest = line.partition(":")
        if key in values and rest.split():
            values[key] = int(rest.split()[0]) * 1024
    return values


def _after_name(stat: str) -> list[str]:
    # The command name sits in parentheses and may itself contain spaces and ")".
    return stat.rsplit(")", 1)[1].split()


def parse_ppid(stat: str) -> int:
    """The parent pid (field 4) of a /proc/<pid>/stat text."""
    return int(_after_name(stat)[1])


def parse_stat_cpu(stat: str) -> int:
    """Utime + stime (fields 14 and 15, clock ticks) of a /proc/<pid>/stat text."""
    fields = _after_name(stat)
    return int(fields[11]) + int(fields[12])


def parse_stat_start(stat: str) -> int:
    """Starttime (field 22, clock ticks after boot) of a /proc/<pid>/stat text."""
    return int(_after_name(stat)[19])


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""


def children(pid: int) -> list[int]:
    """Direct children of ``pid``, in pid order (scans /proc)."""
    found = []
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        stat = _read(entry / "stat")
        try:
            if stat and parse_ppid(stat) == pid:
                found.append(int(entry.name))
        except (ValueError, IndexError):
            continue
    return sorted(found)


def descendants(pid: int) -> list[int]:
    """``pid`` first, then its children, grandchildren and so on, level by level."""
    tree, level = [pid], [pid]
    while level:
        level = [child for parent in level for child in children(parent)]
        tree.extend(level)
    return tree


def memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of one process in bytes; zeros when it is gone."""
    return parse_status(_read(PROC / str(pid) / "status"))


def rss_kb(pid: int) -> int:
    """Resident memory of one process in kB; 0 when it is gone (or a zombie)."""
    return memory(pid)["VmRSS"] // 1024


def own_rss_kb() -> int:
    """Resident memory of this process in kB."""
    return rss_kb(os.getpid())


def rss_tree(pid: int) -> dict[str, int]:
    """Resident memory of ``pid`` and its descendants: summed VmRSS and VmHWM (bytes), count."""
    total = {**dict.fromkeys(MEMORY_KEYS, 0), "processes": 0}
    for member in descendants(pid):
        for key, value in memory(member).items():
            total[key] += value
        total["processes"] += 1
    return total


def cpu_seconds(pid: int) -> float:
    """CPU time used so far by ``pid`` and its descendants, in seconds."""
    ticks = 0
    for member in descendants(pid):
        stat = _read(PROC / str(member) / "stat")
        if stat:
            ticks += parse_stat_cpu(stat)
    return ticks / os.sysconf("SC_CLK_TCK")


def started_at(pid: int) -> float | None:
    """When ``pid`` started, as a Unix time (10 ms resolution); None when it is gone."""
    stat = _read(PROC / str(pid) / "stat")
    if not stat:
        return None
    boot = next(
        int(line.split()[1])
        for line in _read(PROC / "stat").splitlines()
        if line.startswith("btime")
    )
    return boot + parse_stat_start(stat) / os.sysconf("SC_CLK_TCK")


def command_line(pid: int) -> str:
    """The command line of a process, blank-separated ("" when it is gone)."""
    try:
        raw = (PROC / str(pid) / "cmdline").read_bytes()
    except OSError:
        return ""
    return raw.replace(b"\0", b" ").decode("utf-8", "replace").strip()


def find_child(parent: int, needle: str, timeout: float) -> int | None:
    """Waits up to ``timeout`` s for a child of ``parent`` whose command line has ``needle``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for pid in children(parent):
            if needle in command_line(pid):
                return pid
        time.sleep(0.05)
    return None


def stop_group(process: subprocess.Popen[bytes], timeout: float) -> int | None:
    """Ctrl-C to a process group, as a terminal would; SIGKILL when it lingers.

    Args:
        process: The group's leader (started with ``start_new_session=True``).
        timeout: Seconds to wait after Ctrl-C.

    Returns:
        The leader's exit code (None if it could not be told).
    """
    try:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)
    except ProcessLookupError:
        pass
    return process.returncode
