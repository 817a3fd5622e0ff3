"""Start the assistant: the action server and the Rasa server, supervised together.

    python -m bot.run            # what `make run` does
    python -m bot.run --shell    # what `make chat` does: a conversation in this terminal

Refuses to start on invalid content. Prints where it listens and which channels
are on. Ctrl-C (or SIGTERM) stops both processes; if either dies, the other is
stopped too and the exit code says so.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import List, Optional, Sequence

from bot.content import check_content

MODEL = Path(os.environ.get("KW_MODEL", "models/korea-week.tar.gz"))
EFFECTIVE_CREDENTIALS = Path("credentials.effective.yml")


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
    action_server = subprocess.Popen(
        [python, "-m", "rasa_sdk", "--actions", "actions", "--port", actions_port, "--quiet"]
    )
    processes = [action_server]
    try:
        if not _wait_for(f"http://127.0.0.1:{actions_port}/health", action_server, 60):
            print("The action server did not start.", file=sys.stderr)
            return 1
        if args.shell:
            return subprocess.call([python, "-m", "rasa", "shell", "--model", str(MODEL),
                                    "--endpoints", "endpoints.yml"])
        server = subprocess.Popen([
            python, "-m", "rasa", "run", "--model", str(MODEL), "--interface", host, "--port", port,
            "--credentials", str(EFFECTIVE_CREDENTIALS), "--endpoints", os.environ.get("KW_ENDPOINTS", "endpoints.yml"),
        ])
        processes.append(server)
        if not _wait_for(f"http://127.0.0.1:{port}/", server, 180):
            print("The Rasa server did not start.", file=sys.stderr)
            return 1
        print(f"Korea Week Assistant is listening on http://{host}:{port}", flush=True)
        print(f"  actions:  http://127.0.0.1:{actions_port}/webhook", flush=True)
        for channel in channels:
            print(f"  channel:  {channel:<9} http://{host}:{port}/webhooks/{channel}/webhook", flush=True)
        print("Press Ctrl-C to stop.", flush=True)
        signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
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
