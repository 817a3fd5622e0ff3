"""Real servers for the Redis-mode tests: Rasa servers and an action server.

Everything runs as child processes on 127.0.0.1 with the trained model, in its own
process group so it can be stopped by id. Rasa servers use the committed
``endpoints.redis.yml`` with ``REDIS_URL``, a random ``KW_REDIS_PREFIX`` and the
REST channel ``channels.rest.RestInput``; their logs go to files in a temp folder
and are printed when a server fails to start.
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.ports import free_port
from harness.project import FIXED_NOW, MODEL, ROOT


@dataclass
class Server:
    """A started child process and where it listens."""

    name: str
    process: subprocess.Popen
    port: int
    log: Path

    @property
    def url(self) -> str:
        """Base URL."""
        return f"http://127.0.0.1:{self.port}"

    def alive(self) -> bool:
        """Whether the process is still running."""
        return self.process.poll() is None

    def stop(self) -> None:
        """SIGTERM to its process group, then SIGKILL after 15 s."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)


def _spawn(name: str, args: list[str], env: dict[str, str], folder: Path, port: int) -> Server:
    log = folder / f"{name}.log"
    handle = open(log, "w", encoding="utf-8")  # noqa: SIM115 - the child writes it
    process = subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
    )
    handle.close()
    return Server(name, process, port, log)


def wait_until_up(servers: list[Server], path: str, timeout: float) -> None:
    """Waits until every server answers ``path``.

    Raises:
        AssertionError: With the server's log, when one dies or is not up in time.
    """
    deadline = time.monotonic() + timeout
    pending = list(servers)
    while pending:
        server = pending[0]
        if not server.alive() or time.monotonic() > deadline:
            log = server.log.read_text(encoding="utf-8")[-4000:]
            raise AssertionError(f"{server.name} did not start:\n{log}")
        try:
            with urllib.request.urlopen(server.url + path, timeout=1):
                pending.pop(0)
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.3)


def base_env(redis_url: str, prefix: str, actions_port: int) -> dict[str, str]:
    """The environment of every server of a test cluster."""
    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "KW_REDIS_PREFIX": prefix,
        "KW_ACTION_URL": f"http://127.0.0.1:{actions_port}/webhook",
        "KW_NOW": FIXED_NOW,
        "KW_CONTENT_DIR": str(ROOT / "content"),
        "LOG_LEVEL": "WARNING",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "PYTHONHASHSEED": "0",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    }
    return env


def start_action_server(
    folder: Path, env: dict[str, str], port: int, module: str = "rasa_sdk"
) -> Server:
    """The action server on files (no REDIS_URL: content is not what these tests are about).

    ``module`` "bot.server.action_server" starts ours (with ``/metrics``).
    """
    env = {k: v for k, v in env.items() if k != "REDIS_URL"}
    args = [sys.executable, "-m", module, "--actions", "actions", "--port", str(port)]
    args.append("--quiet")
    return _spawn(f"actions-{port}", args, env, folder, port)


def write_credentials(folder: Path, extra: str = "") -> Path:
    """Credentials with our REST channel (and whatever ``extra`` adds)."""
    path = folder / "credentials.yml"
    path.write_text("channels.rest.RestInput:\n  reply_timeout: 30\n" + extra, encoding="utf-8")
    return path


def start_rasa(
    folder: Path,
    env: dict[str, str],
    credentials: Path,
    endpoints: Path = ROOT / "endpoints.redis.yml",
    module: str = "rasa",
) -> Server:
    """A Rasa server, by default on the committed Redis endpoints.

    ``module`` "bot.server.rasa_server" starts ours (fixes, ``/ready``, ``/metrics``).
    """
    port = free_port()
    args = [
        sys.executable,
        "-m",
        module,
        "run",
        "--model",
        str(MODEL),
        "--interface",
        "127.0.0.1",
        "--port",
        str(port),
        "--credentials",
        str(credentials),
        "--endpoints",
        str(endpoints),
    ]
    return _spawn(f"rasa-{port}", args, env, folder, port)


def post_json(
    url: str, body: Any, headers: dict[str, str] | None = None, timeout: float = 40.0
) -> tuple[int, Any, float]:
    """POSTs JSON; returns (status, parsed body, seconds taken)."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode("utf-8"),
        headers={"Content-Type": "application/json", **(headers or {})},
        method="POST",
    )
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            status, raw = reply.status, reply.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    return status, json.loads(raw or b"null"), time.monotonic() - started


def rest(server: Server, sender: str, text: str) -> tuple[list[str], float]:
    """Sends one message to the REST webhook; returns the reply texts and the seconds taken."""
    status, body, seconds = post_json(
        f"{server.url}/webhooks/rest/webhook", {"sender": sender, "message": text}
    )
    assert status == 200, body
    return [message["text"] for message in body if message.get("text")], seconds


@dataclass
class Turn:
    """One user message in a stored tracker and the bot texts that answered it."""

    text: str
    bot: list[str]


def stored_turns(client: Any, prefix: str, sender: str) -> tuple[list[Turn], dict[str, Any]]:
    """Reads a conversation straight from Redis.

    Returns:
        The turns in stored order and the slots set last (name -> value).
    """
    raw = client.get(f"{prefix}tracker:{sender}")
    assert raw is not None, f"no tracker for {sender} in Redis"
    turns: list[Turn] = []
    slots: dict[str, Any] = {}
    for event in json.loads(raw)["events"]:
        if event["event"] == "user":
            turns.append(Turn(event.get("text") or "", []))
        elif event["event"] == "bot" and event.get("text") and turns:
            turns[-1].bot.append(event["text"])
        elif event["event"] == "slot":
            slots[event["name"]] = event["value"]
    return turns, slots
