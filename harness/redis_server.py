"""A private ``redis-server`` to break on purpose, never the shared one on 6379.

``RedisServer`` runs a throw-away Redis on a free 127.0.0.1 port with its data
and log in a folder of its own. It can be killed (SIGKILL: no shutdown, no final
save) and started again on the same port and folder, replaying its append-only
file when it keeps one, or paused (SIGSTOP: connections stay open, nothing
answers) and resumed.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

from bot.redis_client import answers
from harness.ports import free_port


class RedisServer:
    """A redis-server of a test or a run.

    Args:
        folder: Its working folder (append-only file, ``redis.log``).
        port: The port; a free one when omitted.
        persistent: Keep an append-only file (fsync every second), so a restart
            after ``kill`` finds the data again; without it, a restart is empty.
    """

    def __init__(self, folder: Path, port: int | None = None, persistent: bool = False) -> None:
        self.folder = folder
        self.port = port or free_port()
        self.persistent = persistent
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """Its Redis URL."""
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def pid(self) -> int:
        """The server's process id (0 when not started)."""
        return self.process.pid if self.process is not None else 0

    def command(self, binary: str) -> list[str]:
        """The command line: 127.0.0.1 only, no snapshots, an append-only file if persistent."""
        appendonly = ["yes", "--appendfsync", "everysec"] if self.persistent else ["no"]
        return [
            binary,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(self.folder),
            "--save",
            "",
            "--appendonly",
            *appendonly,
            "--logfile",
            str(self.folder / "redis.log"),
        ]

    def start(self, timeout: float = 10.0) -> float:
        """Starts the server (on the same folder after a kill) and waits until it answers PING.

        Returns:
            Seconds from the start until it answered (replaying the AOF included).

        Raises:
            RuntimeError: When redis-server is missing or does not answer in time.
        """
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed")
        self.folder.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        self.process = subprocess.Popen(
            self.command(binary),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        while time.monotonic() - started < timeout:
            if answers(self.url):
                return time.monotonic() - started
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError(f"redis-server on port {self.port} did not answer within {timeout} s")

    def kill(self) -> None:
        """SIGKILL: everything not yet in the append-only file is lost; the process is reaped."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def pause(self) -> None:
        """SIGSTOP: the server hangs, its connections stay open."""
        if self.process is not None:
            os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        """SIGCONT after ``pause``."""
        if self.process is not None:
            os.kill(self.process.pid, signal.SIGCONT)

    def stop(self) -> None:
        """Resumes it if paused and terminates it; kills it if it lingers."""
        if self.process is None or self.process.poll() is not None:
            return
        self.resume()
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
