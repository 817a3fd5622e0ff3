"""The assistant under test, started as ``make run`` starts it.

``Assistant`` runs ``python -m bot.server`` with every channel switched on through
its environment variables, in a scratch directory of its own (so its
``credentials.effective.yml`` cannot collide with another run's), with all
output captured in ``server.log`` for the search for secrets. Optional: a Redis
URL (then Rasa uses ``endpoints.redis.yml``) and an action-server URL (a
``harness.relay.Relay``, so the action server can be made unreachable). The
platforms around it are ``harness.background.Platforms``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from harness import procs
from harness.background import Platforms
from harness.ports import free_port
from harness.project import CONTENT, FIXED_NOW, MODEL, ROOT
from harness.secrets import Secrets


class Assistant:
    """``python -m bot.server`` with every channel on, its output in ``workdir/server.log``.

    Args:
        secrets: The channel credentials to set.
        platforms: The fake platform servers the connectors talk to.
        workdir: A scratch directory for this server.
        redis_url: Run in Redis mode against this Redis.
        action_url: Rasa calls the action server here (a ``Relay``) instead of directly.
        actions_port: The action server's port (free one when omitted).
        env: More environment variables.
    """

    def __init__(
        self,
        secrets: Secrets,
        platforms: Platforms,
        workdir: Path,
        redis_url: str | None = None,
        action_url: str | None = None,
        actions_port: int | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.secrets = secrets
        self.platforms = platforms
        self.workdir = workdir
        self.redis_url = redis_url
        self.port = free_port()
        self.actions_port = actions_port or free_port()
        self.action_url = action_url or f"http://127.0.0.1:{self.actions_port}/webhook"
        self.redis_prefix = f"kw:rel:{uuid.uuid4().hex[:8]}:"
        self.log_path = workdir / "server.log"
        self.extra_env = env or {}
        self.process: subprocess.Popen[bytes] | None = None
        self.started_seconds = 0.0

    @property
    def base_url(self) -> str:
        """Where the Rasa server listens."""
        return f"http://127.0.0.1:{self.port}"

    def environment(self) -> dict[str, str]:
        """The server's environment: the caller's, minus other runs' settings, plus ours."""
        drop = ("REDIS_URL", "KW_REDIS_PREFIX", "WECHAT_", "KAKAO_", "TELEGRAM_", "RASA_API")
        env = {key: value for key, value in os.environ.items() if not key.startswith(drop)}
        endpoints = self.workdir / "endpoints.yml"
        endpoints.write_text(f'action_endpoint:\n  url: "{self.action_url}"\n', encoding="utf-8")
        env.update(
            PYTHONHASHSEED="0",
            TF_CPP_MIN_LOG_LEVEL="3",
            SQLALCHEMY_SILENCE_UBER_WARNING="1",
            KW_PORT=str(self.port),
            KW_ACTIONS_PORT=str(self.actions_port),
            KW_MODEL=str(MODEL),
            KW_CONTENT_DIR=str(CONTENT),
            KW_NOW=FIXED_NOW,
            KW_UNANSWERED_FILE=str(self.workdir / "unanswered.jsonl"),
            KW_ENDPOINTS=str(endpoints),
            WECHAT_API_BASE_URL=self.platforms.urls["wechat"],
            TELEGRAM_API_BASE_URL=self.platforms.urls["telegram"],
            **self.secrets.environment(),
        )
        if self.redis_url:  # bot.server.supervisor then picks endpoints.redis.yml, as make run does
            env.pop("KW_ENDPOINTS")
            env.update(REDIS_URL=self.redis_url, KW_REDIS_PREFIX=self.redis_prefix)
            env.update(KW_ACTION_URL=self.action_url)
        env.update(self.extra_env)
        return env

    def start(self, timeout: float = 300.0) -> None:
        """Starts the server and waits for its "Press Ctrl-C" banner.

        Raises:
            RuntimeError: When it stops or does not come up in time (with the log's end).
        """
        self.workdir.mkdir(parents=True, exist_ok=True)
        for name in (
            "credentials.yml",
            "endpoints.redis.yml",
        ):  # bot.server.supervisor reads them from its cwd
            link = self.workdir / name
            if not link.exists():
                link.symlink_to(ROOT / name)
        started = time.monotonic()
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.server"],
                cwd=self.workdir,
                env=self.environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = started + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                code = self.process.returncode
                raise RuntimeError(f"bot.server.supervisor exited with {code}:\n{self.log_tail()}")
            if "Press Ctrl-C" in self.log_text():
                self.started_seconds = time.monotonic() - started
                return
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(
            f"bot.server.supervisor did not start within {timeout} s:\n{self.log_tail()}"
        )

    def check_running(self, during: str) -> None:
        """Raises when the server is no longer running, naming the step.

        Raises:
            RuntimeError: With the end of the server's output.
        """
        if self.process is None or self.process.poll() is not None:
            raise RuntimeError(
                f"python -m bot.server stopped during {during}:\n{self.log_tail(1500)}"
            )

    def log_text(self) -> str:
        """Everything the server printed so far."""
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def log_tail(self, characters: int = 3000) -> str:
        """The end of the server's output."""
        return self.log_text()[-characters:]

    def pids(self) -> dict[str, int]:
        """Process ids: the supervisor, the Rasa server and the action server."""
        if self.process is None:
            return {}
        found = {"supervisor": self.process.pid}
        for pid in procs.descendants(self.process.pid)[1:]:
            command = procs.command_line(pid)
            if "rasa_sdk" in command:
                found.setdefault("actions", pid)
            elif " run " in command and "--model" in command:  # (bot.server.rasa_server|rasa) run
                found.setdefault("rasa", pid)
        return found

    def rss_kb(self) -> dict[str, int]:
        """Resident memory in kB of the Rasa server, the action server, and all of them."""
        pids = self.pids()
        result = {name: procs.rss_kb(pid) for name, pid in pids.items() if name != "supervisor"}
        everything = procs.descendants(pids["supervisor"]) if pids else []
        result["total"] = sum(procs.rss_kb(pid) for pid in everything)
        return result

    def stop(self, timeout: float = 40.0) -> int | None:
        """Ctrl-C to the process group, as a terminal would; kills it if it lingers.

        Returns:
            The supervisor's exit code.
        """
        if self.process is None or self.process.poll() is not None:
            return None if self.process is None else self.process.returncode
        return procs.stop_group(self.process, timeout)
