"""The processes a benchmark run starts: their environment, start, first answer and stop.

What they use of the machine (memory, CPU, start time) is read with
``harness.procs``.
"""

from __future__ import annotations

import json
import os
import signal
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
    what a stage sets explicitly is on. The project's packages come from the
    virtualenv (``make bootstrap`` installs them), ``bench`` from the working folder.
    """
    drop = ("REDIS_URL", "KW_REDIS_PREFIX", "WECHAT_", "KAKAO_", "TELEGRAM_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env.update(
        PYTHONHASHSEED="0",
        TF_CPP_MIN_LOG_LEVEL="3",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        KW_NOW=settings.fixed_now,
        KW_CONTENT_DIR=str(settings.root / "content"),
        KW_UNANSWERED_FILE=str(settings.work_dir / "var" / "unanswered.jsonl"),
        PYTHONWARNINGS="ignore",
    )
    env.update(extra or {})
    return env


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
