"""Starting the assistant the way `make run` does, and stock Rasa the way `rasa run` does.

A stack is an action server plus a Rasa server on free 127.0.0.1 ports, in a
scratch folder of its own (so credentials.effective.yml and the unanswered log
stay out of the work tree). Ours is ``python -m bot.server`` with every channel
configured (test secrets, outbound calls to the local fakes); stock is
``python -m rasa_sdk`` then ``python -m rasa run`` with the REST channel. Start-up
is timed from process start to the first REST answer.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bench.payloads import SECRETS
from bench.procs import PYTHON, base_env, first_answer, spawn, stop
from bench.settings import BenchSettings
from harness.ports import free_port
from harness.procs import find_child, rss_tree, started_at

START_TIMEOUT = 300.0


@dataclass
class Stack:
    """A running action server and Rasa server."""

    name: str
    url: str
    processes: list[subprocess.Popen]
    rasa_pid: int
    actions_pid: int
    startup: dict[str, Any] = field(default_factory=dict)

    def memory(self) -> dict[str, Any]:
        """VmRSS (now) and VmHWM (peak) of the Rasa server and the action server, with children."""
        return {"rasa": rss_tree(self.rasa_pid), "actions": rss_tree(self.actions_pid)}

    def stop(self) -> None:
        """Stops what this stack started."""
        stop(list(reversed(self.processes)))


def channel_env(fakes: dict[str, str]) -> dict[str, str]:
    """Every platform channel on, with the run's test secrets and the local fake APIs."""
    return {
        **SECRETS.environment(),
        "WECHAT_API_BASE_URL": fakes["wechat"],
        "TELEGRAM_API_BASE_URL": fakes["telegram"],
    }


def endpoints_file(target: Path, actions_port: int, template: Path | None = None) -> Path:
    """An endpoints file pointing at ``actions_port`` (other sections copied from ``template``)."""
    config: dict[str, Any] = {}
    if template is not None:
        config = yaml.safe_load(template.read_text(encoding="utf-8")) or {}
    config["action_endpoint"] = {"url": f"http://127.0.0.1:{actions_port}/webhook"}
    target.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return target


def _folder(settings: BenchSettings, name: str) -> Path:
    folder = settings.work_dir / "run" / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def _wait_health(url: str, process: subprocess.Popen, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def start_ours(
    settings: BenchSettings,
    name: str,
    model: Path,
    fakes: dict[str, str],
    extra_env: dict[str, str] | None = None,
    endpoints: Path | None = None,
) -> Stack:
    """Starts ``python -m bot.server`` (action server and Rasa) and waits for its first answer.

    Its stores are those of ``endpoints`` (the Redis-mode run), else of the
    committed ``endpoints.yml``, as ``make run`` serves: in-memory conversations
    and the usage counts. Only the action server's URL is changed.

    Raises:
        RuntimeError: When it does not answer within START_TIMEOUT (see its log).
    """
    folder = _folder(settings, name)
    shutil.copy(settings.root / "credentials.yml", folder / "credentials.yml")
    port, actions_port = free_port(), free_port()
    env = base_env(
        settings,
        {
            **channel_env(fakes),
            "KW_MODEL": str(model),
            "KW_PORT": str(port),
            "KW_ACTIONS_PORT": str(actions_port),
            # A port of its own: a second stack on 5080 logged a failed bind.
            "KW_CONSOLE_PORT": str(free_port()),
            "KW_ENDPOINTS": str(
                endpoints_file(
                    folder / "endpoints.yml",
                    actions_port,
                    endpoints or settings.root / "endpoints.yml",
                )
            ),
            **(extra_env or {}),
        },
    )
    log = settings.work_dir / "logs" / f"{name}.log"
    started = time.time()
    top = spawn([PYTHON, "-m", "bot.server"], env, log, cwd=folder)
    url = f"http://127.0.0.1:{port}"
    answered = first_answer(f"{url}/webhooks/rest/webhook", top, START_TIMEOUT)
    rasa_pid = find_child(top.pid, "bot.server.rasa_server run", 5.0)  # Rasa's CLI with our fixes
    actions_pid = find_child(top.pid, "bot.server.action_server", 5.0)
    if answered is None or rasa_pid is None or actions_pid is None:
        stop([top])
        raise RuntimeError(f"{name} did not answer within {START_TIMEOUT:.0f} s; see {log}")
    rasa_started = started_at(rasa_pid) or started
    startup = {
        "first_answer_s": answered - started,
        "rasa_first_answer_s": answered - rasa_started,
        "actions_ready_s": rasa_started - started,
    }
    return Stack(name, url, [top], rasa_pid, actions_pid, startup)


def start_stock(settings: BenchSettings, name: str, model: Path) -> Stack:
    """Starts an action server, then ``rasa run`` with the REST channel; waits for its first answer.

    Raises:
        RuntimeError: When either does not come up within START_TIMEOUT (see the logs).
    """
    folder = _folder(settings, name)
    (folder / "credentials.yml").write_text("rest:\n", encoding="utf-8")
    port, actions_port = free_port(), free_port()
    env = base_env(settings)
    logs = settings.work_dir / "logs"
    actions = spawn(
        [PYTHON, "-m", "rasa_sdk", "--actions", "actions", "--port", str(actions_port), "--quiet"],
        env,
        logs / f"{name}-actions.log",
        cwd=folder,
    )
    if not _wait_health(f"http://127.0.0.1:{actions_port}/health", actions, 60):
        stop([actions])
        raise RuntimeError(f"{name}: the action server did not start; see {logs}")
    started = time.time()
    server = spawn(
        [
            PYTHON,
            "-m",
            "rasa",
            "run",
            "--model",
            str(model),
            "--interface",
            "127.0.0.1",
            "--port",
            str(port),
            "--credentials",
            str(folder / "credentials.yml"),
            "--endpoints",
            str(endpoints_file(folder / "endpoints.yml", actions_port)),
        ],
        env,
        logs / f"{name}.log",
        cwd=folder,
    )
    url = f"http://127.0.0.1:{port}"
    answered = first_answer(f"{url}/webhooks/rest/webhook", server, START_TIMEOUT)
    if answered is None:
        stop([server, actions])
        raise RuntimeError(f"{name} did not answer within {START_TIMEOUT:.0f} s; see {logs}")
    startup = {"first_answer_s": answered - started, "rasa_first_answer_s": answered - started}
    return Stack(name, url, [actions, server], server.pid, actions.pid, startup)


@contextmanager
def running_fakes(settings: BenchSettings) -> Iterator[dict[str, str]]:
    """Runs the fake WeChat and Telegram APIs (``bench.fakes``); yields their base URLs.

    Raises:
        RuntimeError: When they do not start within a minute.
    """
    ready = settings.work_dir / "fakes.json"
    ready.unlink(missing_ok=True)
    process = spawn(
        [PYTHON, "-m", "bench.fakes", str(ready)],
        base_env(settings),
        settings.work_dir / "logs" / "fakes.log",
        cwd=settings.root,
    )
    try:
        deadline = time.monotonic() + 60
        while not ready.exists() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.1)
        if not ready.exists():
            raise RuntimeError("the fake platform APIs did not start")
        yield json.loads(ready.read_text(encoding="utf-8"))
    finally:
        stop([process])
