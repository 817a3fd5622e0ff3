"""Processes on this machine: resident memory from /proc, process trees, free ports.

``parse_rss_kb`` and ``parse_ppid`` are pure; the rest read /proc.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

PROC = Path("/proc")


def parse_rss_kb(status: str) -> int:
    """The ``VmRSS`` line of /proc/<pid>/status, in kB (0 when absent, e.g. a zombie)."""
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def parse_ppid(stat: str) -> int:
    """The parent pid from /proc/<pid>/stat (the command may contain spaces and parentheses)."""
    return int(stat.rsplit(")", 1)[1].split()[1])


def rss_kb(pid: int) -> int:
    """Resident memory of one process in kB; 0 when it is gone."""
    try:
        return parse_rss_kb((PROC / str(pid) / "status").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0


def children(pid: int) -> list[int]:
    """Direct children of a process."""
    found = []
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if parse_ppid((entry / "stat").read_text(encoding="utf-8")) == pid:
                found.append(int(entry.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


def tree(pid: int, depth: int = 4) -> list[int]:
    """A process and its descendants, ``depth`` levels down at most."""
    result, level = [pid], [pid]
    for _ in range(depth):
        level = [child for parent in level for child in children(parent)]
        if not level:
            break
        result.extend(level)
    return result


def command_line(pid: int) -> str:
    """The command line of a process, blank-separated ("" when gone)."""
    try:
        raw = (PROC / str(pid) / "cmdline").read_bytes()
    except OSError:
        return ""
    return raw.replace(b"\0", b" ").decode("utf-8", "replace").strip()


def alive(pid: int) -> bool:
    """Tells whether a process exists (and is not a zombie)."""
    try:
        state = (PROC / str(pid) / "stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def own_rss_kb() -> int:
    """Resident memory of this process in kB."""
    return rss_kb(os.getpid())
