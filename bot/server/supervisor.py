"""Start the assistant: the action server, the Rasa server and the staff console, supervised.

    python -m bot.server            # what `make run` does
    python -m bot.server --shell    # what `make chat` does: a conversation in this terminal

Refuses to start on invalid content. Prints where it listens and which channels
are on. Ctrl-C (or SIGTERM) stops every process, the Rasa server first (it
drains: ``bot.server.drain``) while the action server still answers its turns. If
the action server dies it is restarted, and the Rasa server is told (SIGUSR1,
then SIGUSR2 once the new one answers) so it reports not ready and refuses
webhooks meanwhile instead of storing turns whose actions all fail. If the Rasa
server dies, the others are stopped too and the exit code says so. The
staff console (``python -m console`` on ``KW_CONSOLE_PORT``, 0 for none) is
started beside them; if it stops, the assistant keeps answering and a line says so.

Endpoints: ``KW_ENDPOINTS`` if set; else ``endpoints.redis.yml`` when ``REDIS_URL``
is set (conversations, locks and rate limits in Redis; docs/deploy.md); else
``endpoints.yml`` (the embedded in-memory defaults). The files a run generates
(the credentials of the configured channels, endpoints for a moved action
server) go to a folder of its own under ``KW_RUN_DIR``, removed when it stops,
so two runs from one checkout never overwrite each other's.
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bot.content import check_content
from bot.quiet import child_environment, quiet_third_party_warnings
from bot.redis_client import answers as redis_answers
from bot.server.credentials import IncompleteChannelError, write_effective_credentials
from bot.server.rundir import RunFolder
from bot.settings import Settings, SettingsError, environment, get_settings

EMBEDDED_ENDPOINTS = Path("endpoints.yml")
REDIS_ENDPOINTS = Path("endpoints.redis.yml")
CREDENTIALS_TEMPLATE = Path("credentials.yml")
#: The usage counter of endpoints.yml, for an endpoints file written for a moved action server.
USAGE_BROKER = "event_broker:\n  type: bot.server.usage_broker.UsageBroker\n"
#: The port endpoints.yml names for the action server.
EMBEDDED_ACTIONS_PORT = 5055
# Sanic reads a whole body before any connector sees it, up to 100 MB by default.
# The connectors refuse bodies over 256 kB (channels.common.limits) with a 413 and
# the reason; past 4 MiB Sanic itself refuses (413, or a closed connection when
# the client is still sending), so no request holds more than that in memory.
# The margin keeps a megabyte of text in the connectors' hands, where the reason
# is given, even JSON-escaped (a Korean character is six bytes as \uXXXX).
# Operators may set SANIC_REQUEST_MAX_SIZE themselves.
REQUEST_MAX_BYTES = 4 * 1024 * 1024
# One question per kind of work a first answer would otherwise pay for: loading the
# content and formatting dates (schedule), building the FAQ index (tickets).
#: Seconds a stopping process gets beyond the Rasa server's drain (KW_DRAIN_SECONDS).
STOP_SECONDS = 5.0
#: Seconds between restarts of an action server that keeps dying.
RESTART_PAUSE = 1.0


class RefuseToStart(Exception):
    """Something is wrong that starting would hide; the message says what to do."""


def choose_endpoints(settings: Settings, folder: RunFolder) -> tuple[Path, dict[str, str]]:
    """Picks the endpoints file and the variables it needs.

    Args:
        settings: The settings.
        folder: This run's folder, for an endpoints file pointing at a moved action server.

    Returns:
        The endpoints file, and the variables to add to the servers' environment:
        in Redis mode ``KW_ACTION_URL`` (the local action server) and
        ``KW_REDIS_PREFIX`` (always set, as endpoints.redis.yml names it).
    """
    if settings.endpoints:
        return settings.endpoints, {}
    action_url = f"http://127.0.0.1:{settings.actions_port}/webhook"
    if not settings.redis_url:
        if settings.actions_port == EMBEDDED_ACTIONS_PORT:
            return EMBEDDED_ENDPOINTS, {}
        text = f'action_endpoint:\n  url: "{action_url}"\n{USAGE_BROKER}'
        return folder.write("endpoints.yml", text), {}
    return REDIS_ENDPOINTS, {
        "KW_ACTION_URL": settings.action_url or action_url,
        "KW_REDIS_PREFIX": settings.redis_prefix,
    }


def redis_location(url: str) -> str:
    """The Redis URL without its password, for printing."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}:{parts.port or 6379}{parts.path or '/0'}"


@dataclass(frozen=True)
class Plan:
    """What to start: files, environment and the channels that will be served."""

    endpoints: Path
    credentials: Path
    env: dict[str, str]
    channels: list[str]


def plan_run(settings: Settings, environ: Mapping[str, str], folder: RunFolder) -> Plan:
    """Checks everything that can be checked before starting, and prepares the files.

    Raises:
        RefuseToStart: When the content, the model, a channel or the endpoints are wrong.
    """
    problems = check_content(settings.content_dir)
    if problems:
        listed = "\n".join(f"  {problem}" for problem in problems)
        raise RefuseToStart(f"the content has problems (run `bot content check`):\n{listed}")
    if not settings.model.exists():
        raise RefuseToStart(f"no trained model at {settings.model} (run `make model`).")
    try:
        credentials, channels = write_effective_credentials(CREDENTIALS_TEMPLATE, environ, folder)
    except IncompleteChannelError as error:
        raise RefuseToStart(str(error)) from None
    endpoints, extra = choose_endpoints(settings, folder)
    if not endpoints.is_file():
        # Rasa would start without it and keep every store in memory, silently.
        raise RefuseToStart(
            f"endpoints file {endpoints} not found (run from the repository"
            " root, or point KW_ENDPOINTS at the file)."
        )
    env = {
        "SANIC_REQUEST_MAX_SIZE": str(REQUEST_MAX_BYTES),
        **environ,
        **extra,
        "LOG_LEVEL": settings.log_level,
    }  # Rasa's own variable follows ours
    return Plan(endpoints, credentials, child_environment(env), channels)


def _wait_for(url: str, process: subprocess.Popen, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=1):
                return True
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.2)
    return False


def _wait_until_warm(port: int, process: subprocess.Popen, timeout: float = 120.0) -> None:
    """Waits for the Rasa server's in-process warm-up (``bot.server.warmup``).

    Reads the ``warm`` check of ``/ready`` (other checks may fail for reasons of
    their own, e.g. Redis still starting), so the server is announced when its
    first visitor will not wait for jieba, Kiwi or the action server's connection.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=2) as reply:
                body = reply.read()
        except urllib.error.HTTPError as error:  # 503 while a check fails: read the checks
            body = error.read()
        except (urllib.error.URLError, ConnectionError, OSError):
            body = b"{}"
        try:
            if json.loads(body).get("checks", {}).get("warm"):
                return
        except ValueError:
            pass
        time.sleep(0.2)
    print("The Rasa server is not warm yet; its first answers may be slow.", file=sys.stderr)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _stop_on_signals() -> None:
    """Turns SIGINT and SIGTERM into KeyboardInterrupt.

    Set explicitly: a process started in the background by a non-interactive shell
    inherits SIGINT as ignored, and then only its children would stop on Ctrl-C.
    """
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)


def _stop(processes: Sequence[subprocess.Popen], drain_seconds: float = 0.0) -> None:
    """Stops the processes last to first: the Rasa server drains while actions still answer."""
    for process in reversed(processes):
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=drain_seconds + STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _start_action_server(settings: Settings, plan: Plan) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot.server.action_server",
            "--actions",
            "actions",
            "--port",
            str(settings.actions_port),
            "--quiet",
        ],
        env=plan.env,
    )


def _rasa_command(settings: Settings, plan: Plan, *mode: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "bot.server.rasa_server",
        *mode,
        "--model",
        str(settings.model),
        "--credentials",
        str(plan.credentials),
        "--endpoints",
        str(plan.endpoints),
    ]


def _start_console(settings: Settings, plan: Plan) -> subprocess.Popen | None:
    if not settings.console_port:
        return None
    return subprocess.Popen([sys.executable, "-m", "console"], env=plan.env)


def _console_url(settings: Settings) -> str:
    host = "127.0.0.1" if settings.console_host in ("0.0.0.0", "") else settings.console_host
    return f"http://{host}:{settings.console_port}/"


def _announce(settings: Settings, plan: Plan, console: subprocess.Popen | None) -> None:
    host, port = settings.host, settings.port
    print(f"Korea Week Assistant is listening on http://{host}:{port}", flush=True)
    print(f"  actions:  http://127.0.0.1:{settings.actions_port}/webhook", flush=True)
    if console is not None:
        print(
            f"  console:  {_console_url(settings)}  (staff; `bot staff add` creates accounts)",
            flush=True,
        )
    stores = {
        REDIS_ENDPOINTS: f"Redis at {redis_location(settings.redis_url or '')}",
        EMBEDDED_ENDPOINTS: "in memory",
    }.get(plan.endpoints, "as configured")
    print(f"  stores:   {stores} ({plan.endpoints})", flush=True)
    for channel in plan.channels:
        print(
            f"  channel:  {channel:<9} http://{host}:{port}/webhooks/{channel}/webhook", flush=True
        )
    print("Press Ctrl-C to stop.", flush=True)


def _restart_action_server(
    settings: Settings, plan: Plan, processes: list[subprocess.Popen]
) -> None:
    """Replaces a dead action server while the Rasa server keeps running (but not ready)."""
    server = processes[1]
    print(
        f"The action server stopped (exit {processes[0].returncode}); restarting it.",
        file=sys.stderr,
    )
    server.send_signal(signal.SIGUSR1)  # not ready, webhooks refused: bot.server.drain
    time.sleep(RESTART_PAUSE)  # no busy loop when it dies at start
    processes[0] = _start_action_server(settings, plan)
    health = f"http://127.0.0.1:{settings.actions_port}/health"
    if _wait_for(health, processes[0], 60) and server.poll() is None:
        server.send_signal(signal.SIGUSR2)
        print("The action server answers again.", file=sys.stderr)


def _watch(
    settings: Settings,
    plan: Plan,
    processes: list[subprocess.Popen],
    console: subprocess.Popen | None,
) -> int:
    """Restarts a dead action server; returns 1 when the Rasa server stops.

    The console may stop without stopping the others.
    """
    while processes[1].poll() is None:
        if processes[0].poll() is not None:
            _restart_action_server(settings, plan, processes)
            continue
        if console is not None and console.poll() is not None:
            print("The staff console stopped; the assistant keeps answering.", file=sys.stderr)
            console = None
        time.sleep(0.2)
    print("The Rasa server stopped unexpectedly; stopping the others.", file=sys.stderr)
    return 1


def serve(settings: Settings, plan: Plan, shell: bool) -> int:
    """Starts the servers (or the shell) and watches them until interrupted."""
    _stop_on_signals()
    processes = [_start_action_server(settings, plan)]
    consoles: list[subprocess.Popen] = []  # stopped with the others, never stopping them
    health = f"http://127.0.0.1:{settings.actions_port}/health"
    try:
        if shell:
            if not _wait_for(health, processes[0], 60):
                print("The action server did not start.", file=sys.stderr)
                return 1
            shell_command = [*_rasa_command(settings, plan, "shell"), "--port", str(settings.port)]
            return subprocess.call(shell_command, env=plan.env)
        # Both start at once: the Rasa server only calls the action server when a
        # message comes, and each takes seconds to import (cold start, docs/benchmarks.md).
        server = subprocess.Popen(
            [
                *_rasa_command(settings, plan, "run"),
                "--interface",
                settings.host,
                "--port",
                str(settings.port),
            ],
            env=plan.env,
        )
        processes.append(server)
        console = _start_console(settings, plan)
        consoles += [console] if console is not None else []
        if not _wait_for(health, processes[0], 60):
            print("The action server did not start.", file=sys.stderr)
            return 1
        if not _wait_for(f"http://127.0.0.1:{settings.port}/", server, 180):
            print("The Rasa server did not start.", file=sys.stderr)
            return 1
        _wait_until_warm(settings.port, server)
        if console is not None and not _wait_for(_console_url(settings) + "healthz", console, 60):
            print(
                "The staff console did not start; the assistant runs without it.", file=sys.stderr
            )
            console = None
        _announce(settings, plan, console)
        return _watch(settings, plan, processes, console)
    except KeyboardInterrupt:
        print("\nStopping…", flush=True)
        return 0
    finally:
        _stop(consoles + processes, settings.drain_seconds)


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the assistant until interrupted; returns the exit status."""
    quiet_third_party_warnings()
    parser = argparse.ArgumentParser(prog="python -m bot.server")
    parser.add_argument(
        "--shell", action="store_true", help="chat in this terminal instead of serving"
    )
    args = parser.parse_args(argv)
    try:
        settings = get_settings()
    except SettingsError as error:
        print(f"Refusing to start: {error}", file=sys.stderr)
        return 1
    if not CREDENTIALS_TEMPLATE.is_file():
        print(
            f"Refusing to start: no {CREDENTIALS_TEMPLATE} here; run from the repository root"
            " (`make run` does).",
            file=sys.stderr,
        )
        return 1
    with RunFolder.create(settings.run_dir) as folder:
        try:
            plan = plan_run(settings, environment(), folder)
        except RefuseToStart as error:
            print(f"Refusing to start: {error}", file=sys.stderr)
            return 1
        if settings.redis_url and not redis_answers(settings.redis_url):
            print(
                f"Warning: Redis at {redis_location(settings.redis_url)} does not answer yet;"
                " visitors get a 'busy, please try again' reply until it does.",
                file=sys.stderr,
            )
        return serve(settings, plan, args.shell)


if __name__ == "__main__":
    sys.exit(main())
