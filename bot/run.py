"""Start the assistant: the action server and the Rasa server, supervised together.

    python -m bot.run            # what `make run` does
    python -m bot.run --shell    # what `make chat` does: a conversation in this terminal

Refuses to start on invalid content. Prints where it listens and which channels
are on. Ctrl-C (or SIGTERM) stops both processes; if either dies, the other is
stopped too and the exit code says so.

Endpoints: ``KW_ENDPOINTS`` if set; else ``endpoints.redis.yml`` when ``REDIS_URL``
is set (conversations, locks and rate limits in Redis; docs/deploy.md); else
``endpoints.yml`` (the embedded in-memory defaults).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence, Tuple
from urllib.parse import urlsplit

from bot.content import check_content

MODEL = Path(os.environ.get("KW_MODEL", "models/korea-week.tar.gz"))
EFFECTIVE_CREDENTIALS = Path("credentials.effective.yml")
# Written when KW_ACTIONS_PORT moves the action server off endpoints.yml's 5055.
EFFECTIVE_ENDPOINTS = Path("endpoints.effective.yml")
EMBEDDED_ENDPOINTS = "endpoints.yml"
REDIS_ENDPOINTS = "endpoints.redis.yml"
# Sanic reads a whole body before any connector sees it, up to 100 MB by default.
# The connectors refuse bodies over 256 kB (channels.common.limits) with a 413 and
# the reason; past 4 MiB Sanic itself refuses (413, or a closed connection when
# the client is still sending), so no request holds more than that in memory.
# The margin keeps a megabyte of text in the connectors' hands, where the reason
# is given, even JSON-escaped (a Korean character is six bytes as \uXXXX).
# Operators may set SANIC_REQUEST_MAX_SIZE themselves.
REQUEST_MAX_BYTES = 4 * 1024 * 1024


def choose_endpoints(environ: Mapping[str, str], actions_port: str) -> Tuple[str, Dict[str, str]]:
    """Picks the endpoints file and the variables it needs.

    Args:
        environ: The environment.
        actions_port: Where the supervised action server listens.

    Returns:
        The endpoints file, and the variables to add to the servers' environment:
        in Redis mode ``KW_ACTION_URL`` (the local action server) and
        ``KW_REDIS_PREFIX`` (``kw:``) unless they are set already.
    """
    if environ.get("KW_ENDPOINTS"):
        return environ["KW_ENDPOINTS"], {}
    if not environ.get("REDIS_URL", "").strip():
        if actions_port == "5055":  # the port endpoints.yml names
            return EMBEDDED_ENDPOINTS, {}
        EFFECTIVE_ENDPOINTS.write_text(
            f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n', encoding="utf-8"
        )
        return str(EFFECTIVE_ENDPOINTS), {}
    defaults = {
        "KW_ACTION_URL": f"http://127.0.0.1:{actions_port}/webhook",
        "KW_REDIS_PREFIX": "kw:",
    }
    return REDIS_ENDPOINTS, {k: v for k, v in defaults.items() if not environ.get(k, "").strip()}


def redis_location(url: str) -> str:
    """The Redis URL without its password, for printing."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}:{parts.port or 6379}{parts.path or '/0'}"


def redis_answers(url: str) -> bool:
    """Tells whether Redis answers a PING within half a second."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
    except ValueError:
        return False
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def enabled_channels() -> List[str]:
    """Writes the credentials file for the channels whose variables are set; returns their names.

    Raises:
        IncompleteChannelError: If a channel has only some of its required variables.
    """
    import yaml

    from channels.credentials import effective_credentials, render

    with open("credentials.yml", encoding="utf-8") as handle:
        template = yaml.safe_load(handle) or {}
    credentials, _ = effective_credentials(template, os.environ)
    EFFECTIVE_CREDENTIALS.write_text(render(credentials, "credentials.yml"), encoding="utf-8")
    return [channel.split(".")[1] if channel.startswith("channels.") else channel for channel in credentials]


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


# One question per kind of work a first answer would otherwise pay for: loading the
# content and formatting dates (schedule), building the FAQ index (tickets).
WARM_UP_QUESTIONS = ("今天有什么活动", "입장료 있어요?")


def _warm_up(port: str) -> None:
    """Asks a few questions through the REST channel so the first visitor is not slow."""
    for number, text in enumerate(WARM_UP_QUESTIONS):
        body = json.dumps({"sender": f"kw-warm-up-{number}", "message": text}).encode("utf-8")
        request = urllib.request.Request(f"http://127.0.0.1:{port}/webhooks/rest/webhook", data=body,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30):
                pass
        except (urllib.error.URLError, ConnectionError, OSError) as error:
            print(f"Warm-up question failed ({error}); continuing.", file=sys.stderr)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _stop_on_signals() -> None:
    """Turns SIGINT and SIGTERM into KeyboardInterrupt.

    Set explicitly: a process started in the background by a non-interactive shell
    inherits SIGINT as ignored, and then only its children would stop on Ctrl-C.
    """
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)


def _stop(processes: Sequence[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 10
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Runs the assistant until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m bot.run")
    parser.add_argument("--shell", action="store_true", help="chat in this terminal instead of serving")
    args = parser.parse_args(argv)

    if not Path("credentials.yml").is_file():
        print("Refusing to start: no credentials.yml here; run from the repository root"
              " (`make run` does).", file=sys.stderr)
        return 1

    content_dir = Path(os.environ.get("KW_CONTENT_DIR", "content"))
    problems = check_content(content_dir)
    if problems:
        print("Refusing to start: the content has problems (run `bot content check`):", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    if not MODEL.exists():
        print(f"Refusing to start: no trained model at {MODEL} (run `make model`).", file=sys.stderr)
        return 1

    channels: List[str] = []
    if not args.shell:
        try:
            channels = enabled_channels()
        except ValueError as error:  # IncompleteChannelError: say so before starting anything
            print(f"Refusing to start: {error}", file=sys.stderr)
            return 1

    host = os.environ.get("KW_HOST", "127.0.0.1")
    port = os.environ.get("KW_PORT", "5005")
    actions_port = os.environ.get("KW_ACTIONS_PORT", "5055")
    python = sys.executable
    endpoints, extra_env = choose_endpoints(os.environ, actions_port)
    if not Path(endpoints).is_file():
        # Rasa would start without it and keep every store in memory, silently.
        print(f"Refusing to start: endpoints file {endpoints} not found (run from the"
              " repository root, or point KW_ENDPOINTS at the file).", file=sys.stderr)
        return 1
    env = {"SANIC_REQUEST_MAX_SIZE": str(REQUEST_MAX_BYTES), **os.environ, **extra_env}
    redis_url = os.environ.get("REDIS_URL", "").strip()
    if redis_url and not redis_answers(redis_url):
        print(f"Warning: Redis at {redis_location(redis_url)} does not answer yet; visitors get"
              " a 'busy, please try again' reply until it does.", file=sys.stderr)
    _stop_on_signals()
    action_server = subprocess.Popen(
        [python, "-m", "rasa_sdk", "--actions", "actions", "--port", actions_port, "--quiet"],
        env=env,
    )
    processes = [action_server]
    try:
        if args.shell:
            if not _wait_for(f"http://127.0.0.1:{actions_port}/health", action_server, 60):
                print("The action server did not start.", file=sys.stderr)
                return 1
            return subprocess.call([python, "-m", "bot.rasa_server", "shell", "--model", str(MODEL),
                                    "--endpoints", endpoints], env=env)
        # Both start at once: the Rasa server only calls the action server when a
        # message comes, and each takes seconds to import (cold start, docs/benchmarks.md).
        server = subprocess.Popen([
            python, "-m", "bot.rasa_server", "run", "--model", str(MODEL), "--interface", host, "--port", port,
            "--credentials", str(EFFECTIVE_CREDENTIALS), "--endpoints", endpoints,
        ], env=env)
        processes.append(server)
        if not _wait_for(f"http://127.0.0.1:{actions_port}/health", action_server, 60):
            print("The action server did not start.", file=sys.stderr)
            return 1
        if not _wait_for(f"http://127.0.0.1:{port}/", server, 180):
            print("The Rasa server did not start.", file=sys.stderr)
            return 1
        _warm_up(port)
        print(f"Korea Week Assistant is listening on http://{host}:{port}", flush=True)
        print(f"  actions:  http://127.0.0.1:{actions_port}/webhook", flush=True)
        stores = {REDIS_ENDPOINTS: f"Redis at {redis_location(redis_url)}",
                  EMBEDDED_ENDPOINTS: "in memory"}.get(endpoints, "as configured")
        print(f"  stores:   {stores} ({endpoints})", flush=True)
        for channel in channels:
            print(f"  channel:  {channel:<9} http://{host}:{port}/webhooks/{channel}/webhook", flush=True)
        print("Press Ctrl-C to stop.", flush=True)
        while all(process.poll() is None for process in processes):
            time.sleep(0.5)
        print("A server process stopped unexpectedly; stopping the other.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopping…", flush=True)
        return 0
    finally:
        _stop(processes)


if __name__ == "__main__":
    sys.exit(main())
