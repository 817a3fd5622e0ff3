"""The replica fault test (issue 14): two replicas on one Redis, a proxy, a process killed.

    python -m reliability.failover                  # the full run: 30 visitors, ~3.5 minutes
    python -m reliability.failover --profile short  # what make test runs

Two replicas, each ``python -m bot.server`` in Redis mode (the supervisor: Rasa
server and action server; no staff console) on its own ports, share a private
``redis-server`` and one key prefix, behind ``harness.proxy.FailoverProxy``.
Under a closed-loop load (``harness.failover``), replica A loses a process to
SIGKILL: first its Rasa server, then, in a second load with fresh visitors,
its action server. ``restart_after`` seconds later replica A is started again
unless its supervisor kept it whole. The proxy checks the replicas' health
(``HEALTH``), as the deployment's load balancer is to. Afterwards every conversation is read back
from Redis and judged (``harness.failover_verdict``). ``python -m reliability``
runs the full one after its other steps and puts the table in
docs/reliability.md; this module's ``main`` runs it alone and prints the table.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from harness import procs
from harness.failover import Visitors
from harness.failover_verdict import figures_table, judge, passed, stored_texts
from harness.ports import free_port
from harness.project import CONTENT, FIXED_NOW, MODEL, ROOT
from harness.proxy import FailoverProxy
from harness.redis_server import RedisServer
from reliability.settings import FAILOVER_FULL, FAILOVER_SHORT, FailoverProfile

#: The two faults: the name in the report -> the process of replica A that is killed.
FAULTS = {
    "Rasa server of replica A killed": "rasa",
    "action server of replica A killed": "actions",
}
#: Whether the proxy checks the replicas' health (off: plain nginx, which sends requests to a
#: replica still loading its model as soon as it accepts connections).
HEALTH = True
#: Seconds the kill waits at most for replica A to have a request in hand.
IN_HAND_WAIT = 5.0
#: Seconds a request has been in replica A's hands when it is killed: past reading it,
#: inside the turn (the conversation locked, NLU or the actions running; a turn takes ~40 ms).
MID_TURN = 0.015
#: Seconds to let turns still running on a replica finish before Redis is read.
SETTLE = 2.0


class Replica:
    """One ``python -m bot.server`` in Redis mode, its output in ``workdir/server.log``.

    Args:
        name: Its name in the proxy ("A", "B").
        workdir: A scratch folder of its own (its run folder and log).
        redis_url: The shared Redis.
        prefix: The shared key prefix.
    """

    def __init__(self, name: str, workdir: Path, redis_url: str, prefix: str) -> None:
        self.name = name
        self.workdir = workdir
        self.redis_url = redis_url
        self.prefix = prefix
        self.port = free_port()
        self.actions_port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.started_seconds = 0.0

    def environment(self) -> dict[str, str]:
        """The caller's environment without other runs' settings, plus this replica's."""
        drop = ("REDIS_URL", "KW_", "WECHAT_", "KAKAO_", "TELEGRAM_", "RASA_API")
        env = {key: value for key, value in os.environ.items() if not key.startswith(drop)}
        env.update(
            PYTHONHASHSEED="0",
            TF_CPP_MIN_LOG_LEVEL="3",
            SQLALCHEMY_SILENCE_UBER_WARNING="1",
            KW_PORT=str(self.port),
            KW_ACTIONS_PORT=str(self.actions_port),
            KW_CONSOLE_PORT="0",
            KW_MODEL=str(MODEL),
            KW_CONTENT_DIR=str(CONTENT),
            KW_NOW=FIXED_NOW,
            KW_UNANSWERED_FILE=str(self.workdir / "unanswered.jsonl"),
            KW_RUN_DIR=str(self.workdir / "run"),
            REDIS_URL=self.redis_url,
            KW_REDIS_PREFIX=self.prefix,
        )
        return env

    def log_text(self) -> str:
        """Everything it printed so far."""
        try:
            return (self.workdir / "server.log").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def start(self, timeout: float = 240.0) -> float:
        """Starts it and waits for its "Press Ctrl-C" banner (after the warm-up answers).

        Returns:
            Seconds until the banner.

        Raises:
            RuntimeError: When it stops or does not come up in time (with the log's end).
        """
        self.workdir.mkdir(parents=True, exist_ok=True)
        for name in ("credentials.yml", "endpoints.redis.yml"):  # read from its cwd
            if not (self.workdir / name).exists():
                (self.workdir / name).symlink_to(ROOT / name)
        banners = self.log_text().count("Press Ctrl-C")
        started = time.monotonic()
        with open(self.workdir / "server.log", "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.server"],
                cwd=self.workdir,
                env=self.environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        while time.monotonic() - started < timeout:
            if self.process.poll() is not None:
                break
            if self.log_text().count("Press Ctrl-C") > banners:
                self.started_seconds = time.monotonic() - started
                return self.started_seconds
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"replica {self.name} did not start:\n{self.log_text()[-2000:]}")

    def pids(self) -> dict[str, int]:
        """Process ids of its supervisor, Rasa server and action server (those running)."""
        if self.process is None or self.process.poll() is not None:
            return {}
        found = {"supervisor": self.process.pid}
        for pid in procs.children(self.process.pid):
            command = procs.command_line(pid)
            if "bot.server.action_server" in command or "rasa_sdk" in command:
                found.setdefault("actions", pid)
            elif " run " in command and "--model" in command:  # bot.server.rasa_server run
                found.setdefault("rasa", pid)
        return found

    def pid_of(self, role: str) -> int:
        """The pid of its ``role`` process ("rasa" or "actions").

        Raises:
            RuntimeError: When that process is not running.
        """
        pid = self.pids().get(role)
        if not pid:
            raise RuntimeError(f"replica {self.name} has no running {role} process")
        return pid

    def whole(self) -> bool:
        """Whether its supervisor, Rasa server and action server all run."""
        return set(self.pids()) == {"supervisor", "rasa", "actions"}

    def recover(self) -> bool:
        """Starts it again unless it is whole; returns whether it was restarted."""
        if self.whole():
            return False
        self.stop()
        self.start()
        return True

    def stop(self, timeout: float = 30.0) -> None:
        """Ctrl-C to its process group; SIGKILL when it lingers."""
        if self.process is None:
            return
        if self.process.poll() is not None:  # its supervisor is gone: no straggler stays
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            return
        procs.stop_group(self.process, timeout)


async def one_fault(
    replicas: dict[str, Replica], proxy: FailoverProxy, role: str, profile: FailoverProfile
) -> dict[str, Any]:
    """One load around one fault of replica A; the verdict from Redis afterwards."""
    target = replicas["A"]
    visitors = Visitors(proxy.url, profile.visitors, profile.think)
    attempts_before = len(proxy.attempts)
    load = asyncio.ensure_future(visitors.run_for(profile.seconds))
    await asyncio.sleep(profile.kill_at)
    killed = target.pid_of(role)
    # A crash under load finds turns half done: kill while replica A is inside one.
    in_hand = await proxy.busy("A", IN_HAND_WAIT, held=MID_TURN)
    os.kill(killed, signal.SIGKILL)
    events: dict[str, float | None] = {"fault": visitors.now(), "restart": None}
    await asyncio.sleep(profile.restart_after)
    restart_at = visitors.now()
    recovery = asyncio.ensure_future(asyncio.to_thread(target.recover))
    messages = await load
    try:
        if await recovery:
            events["restart"] = restart_at
    except RuntimeError as error:  # figures still count; the next fault starts it again
        events["restart"] = restart_at
        print(f"replica A did not start again: {error}", file=sys.stderr)
    await asyncio.sleep(SETTLE)
    senders = sorted({m.sender for m in messages})
    stored = await asyncio.to_thread(stored_texts, target.redis_url, target.prefix, senders)
    figures = judge(messages, stored, proxy.passed_on(attempts_before), events)
    figures["killed_pid"] = killed
    figures["killed_with_a_request_in_hand"] = in_hand
    figures["replica_a_start_seconds"] = round(target.started_seconds, 1)
    return figures


async def run(profile: FailoverProfile, workdir: Path, health: bool = HEALTH) -> dict[str, Any]:
    """Both faults, each under its own load; the figures per fault and the run's settings."""
    redis = RedisServer(workdir / "redis")
    redis.start()
    prefix = f"kw:fo:{uuid.uuid4().hex[:8]}:"
    replicas = {name: Replica(name, workdir / name, redis.url, prefix) for name in ("A", "B")}
    results: dict[str, Any] = {"profile": dataclasses.asdict(profile), "faults": {}}
    results["health_checks"] = health
    try:
        started = time.monotonic()
        await asyncio.gather(*(asyncio.to_thread(r.start) for r in replicas.values()))
        results["startup_seconds"] = round(time.monotonic() - started, 1)
        upstreams = {name: replica.port for name, replica in replicas.items()}
        async with FailoverProxy(upstreams, health=health) as proxy:
            for name, role in FAULTS.items():
                await asyncio.to_thread(replicas["A"].recover)  # whole before each fault
                results["faults"][name] = await one_fault(replicas, proxy, role, profile)
    finally:
        for replica in replicas.values():
            replica.stop()
        redis.stop()
    results["passed"] = all(passed(f) for f in results["faults"].values())
    return results


def settings_line(results: dict[str, Any]) -> str:
    """The run's settings in one sentence, for the report."""
    p = results["profile"]
    return (
        f"{p['visitors']} visitors in closed loop ({p['think'][0]}–{p['think'][1]} s between an"
        f" answer and the next message), the kill {p['kill_at']:.0f} s in, replica A started"
        f" again {p['restart_after']:.0f} s later (unless its supervisor kept it whole), load"
        f" until {p['kill_at'] + p['restart_after'] + p['after']:.0f} s; the replicas started in"
        f" {results.get('startup_seconds', '?')} s; the proxy's health checks"
        f" {'on' if results.get('health_checks', True) else 'off'}"
    )


def main(argv: list[str] | None = None) -> int:
    """Runs the fault test alone; prints the table, writes the figures as JSON."""
    parser = argparse.ArgumentParser(prog="python -m reliability.failover")
    parser.add_argument("--profile", choices=("full", "short"), default="full")
    parser.add_argument(
        "--no-health", action="store_true", help="a proxy without health checks (plain nginx)"
    )
    args = parser.parse_args(argv)
    if not MODEL.exists():
        print(f"no trained model at {MODEL}: run `make model` first", file=sys.stderr)
        return 2
    profile = FAILOVER_FULL if args.profile == "full" else FAILOVER_SHORT
    workdir = ROOT / "results" / "reliability" / time.strftime("%Y%m%d-%H%M%S") / "failover"
    workdir.mkdir(parents=True, exist_ok=True)
    results = asyncio.run(run(profile, workdir, health=not args.no_health))
    text = json.dumps(results, ensure_ascii=False, indent=2)
    (workdir / "failover.json").write_text(text, encoding="utf-8")
    print(settings_line(results) + ".\n")
    print(figures_table(results["faults"]))
    print(f"\nfigures: {workdir / 'failover.json'}")
    return 0 if results["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
