"""Drain and supervise (issue 14, point 4) with real servers.

A Rasa server (``python -m bot.server.rasa_server``, as the supervisor starts it)
is SIGTERMed with turns in flight: they finish, a new request gets 503 with
``Connection: close``, and the process exits within ``KW_DRAIN_SECONDS``. Its
actions come from a slow stand-in action server (a real HTTP server answering
every action after a delay), so the turns are in flight long enough. Then the
supervisor (``python -m bot.server``) has its action server killed: it restarts
it while the Rasa server keeps running, refusing webhooks meanwhile.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.server import drain
from harness.ports import free_port
from harness.project import MODEL, ROOT
from tests.support.cluster import _spawn, base_env, post_json, wait_until_up

pytestmark = pytest.mark.slow

ACTION_DELAY = 2.0


class SlowActions(BaseHTTPRequestHandler):
    """Starts sessions at once; answers every other action after ACTION_DELAY s, with one text."""

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        call = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
        if call.get("next_action") == "action_session_start":
            started = [{"event": "session_started"}, {"event": "action", "name": "action_listen"}]
            answer: dict[str, object] = {"events": started, "responses": []}
        else:
            time.sleep(ACTION_DELAY)
            listen = [{"event": "followup", "name": "action_listen"}]  # the turn ends here
            answer = {"events": listen, "responses": [{"text": "slow answer"}]}
        body = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        """Quiet."""


def test_refuses_is_pure_given_the_state() -> None:
    drain.reset()
    assert not drain.refuses("POST", "/webhooks/rest/webhook")
    drain._State.action_server_down = True
    assert drain.refuses("POST", "/webhooks/rest/webhook") and not drain.refuses("GET", "/")
    drain._State.draining = True
    assert drain.refuses("POST", "/model/parse") and not drain.refuses("GET", "/")
    drain.reset()
    assert not (drain.draining() or drain.action_server_down())


def test_sigterm_lets_turns_in_flight_finish_and_refuses_new_ones(tmp_path: Path) -> None:
    actions = ThreadingHTTPServer(("127.0.0.1", 0), SlowActions)
    threading.Thread(target=actions.serve_forever, daemon=True).start()
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{actions.server_port}/webhook"\n',
        encoding="utf-8",
    )
    credentials = tmp_path / "credentials.yml"
    credentials.write_text("channels.rest.RestInput:\n", encoding="utf-8")
    env = base_env("redis://127.0.0.1:6379/0", "kw:test:drain:", actions.server_port)
    env = {k: v for k, v in env.items() if k != "REDIS_URL"} | {"KW_DRAIN_SECONDS": "10"}
    port = free_port()
    args = [sys.executable, "-m", "bot.server.rasa_server", "run", "--model", str(MODEL)]
    args += ["--port", str(port), "--interface", "127.0.0.1", "--credentials", str(credentials)]
    server = _spawn("rasa", [*args, "--endpoints", str(endpoints)], env, tmp_path, port)
    try:
        wait_until_up([server], "/", 240)
        url = f"{server.url}/webhooks/rest/webhook"
        results: list[tuple[int, object, float]] = []

        def visit(number: int) -> None:
            body = {"sender": f"drain-{number}", "message": "今天有什么活动"}
            try:
                results.append(post_json(url, body, timeout=30))
            except Exception as error:  # noqa: BLE001 - shown by the assertion below
                results.append((0, repr(error), 0.0))

        visitors = [threading.Thread(target=visit, args=(n,)) for n in range(3)]
        for thread in visitors:
            thread.start()
        time.sleep(1.0)  # the turns wait for their slow actions
        server.process.send_signal(signal.SIGTERM)
        stopped = time.monotonic()
        time.sleep(0.2)
        request = urllib.request.Request(
            url, data=json.dumps({"sender": "late", "message": "你好"}).encode(), method="POST"
        )
        try:
            urllib.request.urlopen(request, timeout=10)
            raise AssertionError("a request after SIGTERM was served")
        except urllib.error.HTTPError as error:
            assert error.code == 503 and error.headers["Connection"] == "close"
        for thread in visitors:
            thread.join(30)
        assert server.process.wait(15) is not None
        exited = time.monotonic() - stopped
    finally:
        server.stop()
        actions.shutdown()
    print(f"\nRasa server exited {exited:.1f} s after SIGTERM; in flight: {results}")
    log = server.log.read_text(encoding="utf-8")[-3000:]
    assert [status for status, _, _ in results] == [200, 200, 200], log
    assert all("slow answer" in json.dumps(body) for _, body, _ in results)
    assert exited < 10 + 5


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text(encoding="utf-8").split()]


def test_the_supervisor_restarts_a_dead_action_server_and_keeps_the_rasa_server(
    tmp_path: Path,
) -> None:
    env = base_env("redis://127.0.0.1:6379/0", "kw:test:supervise:", 0)
    env = {k: v for k, v in env.items() if k not in ("REDIS_URL", "KW_ACTION_URL")}
    port, actions_port = free_port(), free_port()
    env |= {"KW_PORT": str(port), "KW_ACTIONS_PORT": str(actions_port), "KW_CONSOLE_PORT": "0"}
    env |= {"KW_RUN_DIR": str(tmp_path / "run"), "PYTHONPATH": str(ROOT)}
    supervisor = _spawn("supervisor", [sys.executable, "-m", "bot.server"], env, tmp_path, port)
    try:
        wait_until_up([supervisor], "/", 240)
        url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
        deadline = time.monotonic() + 120
        while "listening" not in supervisor.log.read_text(encoding="utf-8"):
            assert time.monotonic() < deadline and supervisor.alive()
            time.sleep(0.5)
        children = _children(supervisor.process.pid)
        action_pid = next(
            pid
            for pid in children
            if "action_server" in Path(f"/proc/{pid}/cmdline").read_text(encoding="utf-8")
        )
        rasa_pid = next(pid for pid in children if pid != action_pid)
        os.kill(action_pid, signal.SIGKILL)
        time.sleep(1.0)  # the supervisor looks every 0.2 s
        status, _, _ = post_json(url, {"sender": "s1", "message": "今天有什么活动"})
        assert status == 503  # refused: the proxy sends it to another replica
        deadline, answered = time.monotonic() + 90, False
        while not answered and time.monotonic() < deadline:
            time.sleep(1.0)
            status, body, _ = post_json(url, {"sender": "s1", "message": "今天有什么活动"})
            answered = status == 200 and bool(body)
        assert answered, supervisor.log.read_text(encoding="utf-8")[-3000:]
        assert supervisor.alive() and rasa_pid in _children(supervisor.process.pid)
        assert "restarting it" in supervisor.log.read_text(encoding="utf-8")
    finally:
        supervisor.stop()
