"""The whole reliability set against ``python -m bot.server``: ``make reliability``.

    python -m reliability                 # full: 5,000 payloads per channel, 5-minute load, faults
    python -m reliability --profile short # the same steps, small (a few minutes)

Starts a private Redis, the fake platforms, a relay in front of the action
server and the assistant in Redis mode with every channel on; then runs, in
order: malformed input, duplicates and order, abuse, the load, and the faults
(action server down, Redis killed and restarted, Redis paused). Stops the
assistant, searches its whole output for the secrets, measures a token-protected
Rasa API for comparison, runs the replica fault test (``reliability.failover``:
two replicas of its own behind a proxy, a process of one killed under load),
and writes ``results/reliability/<time>/results.json``
and ``docs/reliability.md``. Exits 1 when a figure misses its bound.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.background import Platforms
from harness.heldout import questions
from harness.ports import free_port
from harness.project import MODEL, ROOT
from harness.redis_server import RedisServer
from harness.relay import Relay
from harness.requests import CHANNELS
from harness.secrets import Secrets
from reliability import failover, report, scenarios, verdicts
from reliability.assistant import Assistant
from reliability.load import MemorySampler, Sample, Visitors, summarize
from reliability.outages import under_load
from reliability.settings import FAILOVER_FULL, FAILOVER_SHORT, FULL, SHORT, Profile

#: Bursts of ten messages per channel in the order check.
ORDER_BURSTS = 3


def log(message: str) -> None:
    """Progress on stderr, with the time."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    load1, load5, _ = os.getloadavg()
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "loadavg_1m_5m_at_start": [round(load1, 2), round(load5, 2)],
    }


@dataclass
class Rig:
    """Everything a step needs: the assistant, the fakes, Redis, the action-server link."""

    profile: Profile
    secrets: Secrets
    assistant: Assistant
    platforms: Platforms
    redis: RedisServer
    link: Relay
    conversations: scenarios.Conversations
    questions: dict[str, list[str]]

    def visitors(self, count: int, first_id: int) -> Visitors:
        """A load of ``count`` visitors with fresh ids."""
        return Visitors(
            self.assistant.base_url,
            self.platforms,
            self.secrets,
            self.questions,
            count,
            self.profile.think,
            first_id=first_id,
        )


async def malformed_step(rig: Rig) -> list[dict[str, Any]]:
    """The generated malformed requests, channel by channel."""
    results = []
    for channel in CHANNELS:
        log(f"malformed input: {rig.profile.payloads} payloads to {channel}")
        results.append(await scenarios.malformed(rig.assistant, channel, rig.profile.payloads))
    return results


async def duplicates_step(rig: Rig) -> dict[str, Any]:
    """WeChat retries, Telegram duplicates, and bursts of ten messages on every channel."""
    log("duplicates and order")
    a, p, c = rig.assistant, rig.platforms, rig.conversations
    texts = rig.questions["zh"][:10]
    bursts = [
        await scenarios.in_order(a, p, c, channel, texts, burst * 10 + n)
        for burst in range(ORDER_BURSTS)
        for n, channel in enumerate(CHANNELS)
    ]
    return {
        "duplicates": {
            "wechat": await scenarios.wechat_retries(a, p, c, 1),
            "telegram": await scenarios.telegram_duplicates(a, p, c, 1),
        },
        "order": bursts,
    }


async def abuse_step(rig: Rig) -> dict[str, Any]:
    """The rate limit on every channel at once, overlong messages, Rasa's HTTP API."""
    log("abuse: rate limit, overlong messages, Rasa API")
    a, p = rig.assistant, rig.platforms
    limits = [scenarios.rate_limit(a, p, channel, n) for n, channel in enumerate(CHANNELS)]
    return {
        "rate_limit": list(await asyncio.gather(*limits)),
        "overlong": await scenarios.overlong(a, p, rig.conversations, 1),
        "api_off": await scenarios.rasa_api(a.base_url),
    }


async def load_step(rig: Rig) -> dict[str, Any]:
    """The visitors for the profile's time, with the server's memory sampled."""
    profile = rig.profile
    log(f"load: {profile.visitors} visitors for {profile.load_seconds:.0f} s")
    with MemorySampler(rig.assistant.rss_kb, every=5.0) as sampler:
        samples = await rig.visitors(profile.visitors, 100_000).run(profile.load_seconds)

    def part(keep: Callable[[Sample], bool]) -> dict[str, Any]:
        return summarize([s for s in samples if keep(s)])

    return {
        "all": summarize(samples),
        "by_channel": {c: part(lambda s, c=c: s.channel == c) for c in CHANNELS},
        "by_language": {
            lang: part(lambda s, lang=lang: s.language == lang) for lang in ("zh", "ko")
        },
        "rasa_memory": sampler.summary("rasa", warmup=30.0),
        "actions_memory": sampler.summary("actions", warmup=30.0),
        "memory_series_mb": [
            [round(t), round(v.get("rasa", 0) / 1024, 1)] for t, v in sampler.series
        ],
        "not_answered": [
            {"channel": s.channel, "text": s.text, "reply": s.graceful or s.problem}
            for s in samples
            if not s.valid or s.graceful
        ][:40],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()[:2]],
    }


async def faults_step(rig: Rig) -> dict[str, Any]:
    """The action server unreachable, Redis killed and restarted, Redis paused; each under load."""
    count, pause = rig.profile.fault_visitors, rig.profile.pause_seconds
    log("fault: action server unreachable")
    action = await under_load(
        rig.visitors(count, 300_000), rig.link.cut, rig.link.restore, before=5, during=15, after=25
    )
    log("fault: Redis killed and restarted")
    killed = await under_load(
        rig.visitors(count, 400_000), rig.redis.kill, rig.redis.start, before=5, during=10, after=25
    )
    log(f"fault: Redis paused (SIGSTOP) for {pause:.0f} s")
    paused = await under_load(
        rig.visitors(count, 500_000),
        rig.redis.pause,
        rig.redis.resume,
        before=5,
        during=pause,
        after=25,
    )
    return {"action_server_down": action, "redis_killed": killed, "redis_paused": paused}


async def suite(profile: Profile, workdir: Path, secrets: Secrets) -> dict[str, Any]:
    """Runs every step against one assistant; returns the figures."""
    results: dict[str, Any] = {"profile": dataclasses.asdict(profile), "machine": machine()}
    redis = RedisServer(workdir)
    redis.start()
    actions_port = free_port()
    link = Relay(actions_port)
    action_url = f"http://127.0.0.1:{link.port}/webhook"
    with Platforms(secrets.telegram_token) as platforms:
        assistant = Assistant(secrets, platforms, workdir, redis.url, action_url, actions_port)
        try:
            log("starting python -m bot.server (Redis mode, every channel on)")
            assistant.start()
            results["startup"] = {
                "seconds": round(assistant.started_seconds, 1),
                "rss_mb": _mb(assistant.rss_kb()),
            }
            rig = Rig(
                profile,
                secrets,
                assistant,
                platforms,
                redis,
                link,
                scenarios.Conversations(redis.url, assistant.redis_prefix),
                questions(),
            )
            results["malformed"] = await malformed_step(rig)
            assistant.check_running("the malformed input")
            results.update(await duplicates_step(rig))
            assistant.check_running("the duplicates and order checks")
            results.update(await abuse_step(rig))
            assistant.check_running("the abuse checks")
            results["load"] = await load_step(rig)
            assistant.check_running("the load")
            results["faults"] = await faults_step(rig)
            assistant.check_running("the faults")
            results["after_faults_rss_mb"] = _mb(assistant.rss_kb())
        finally:
            code = assistant.stop()
            redis.stop()
            link.cut()
    results["exit_code"] = code
    log_text = assistant.log_text()
    results["secrets_in_logs"] = scenarios.secrets_in(log_text, secrets)
    results["log_lines"] = log_text.count("\n")
    results["refusals_logged"] = log_text.count("Refused ")
    log("Rasa API with --enable-api --auth-token, for comparison")
    results["api_token"] = await token_protected_api(workdir, secrets)
    return results


def _mb(rss: dict[str, int]) -> dict[str, float]:
    return {name: round(value / 1024, 1) for name, value in rss.items()}


async def token_protected_api(workdir: Path, secrets: Secrets) -> dict[str, Any]:
    """Starts ``rasa run --enable-api --auth-token`` alone; probes it with no and a wrong token."""
    port = free_port()
    credentials = workdir / "api-credentials.yml"
    credentials.write_text("rest:\n", encoding="utf-8")
    command = [
        sys.executable,
        "-m",
        "rasa",
        "run",
        "--model",
        str(MODEL),
        "--interface",
        "127.0.0.1",
        "--port",
        str(port),
        "--credentials",
        str(credentials),
        "--enable-api",
        "--auth-token",
        secrets.rasa_api_token,
    ]
    logfile = workdir / "rasa-api.log"
    with open(logfile, "ab") as out:
        process = subprocess.Popen(
            command,
            cwd=workdir,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and process.poll() is None:
            try:
                await scenarios.rasa_api(base)
                break
            except Exception:  # noqa: BLE001 - not up yet
                await asyncio.sleep(1.0)
        if process.poll() is not None:
            return {
                "anonymous": {},
                "wrong_token": {},
                "token_in_log": 0,
                "error": f"rasa run --enable-api exited with {process.returncode}",
            }
        anonymous = await scenarios.rasa_api(base)
        wrong = await scenarios.rasa_api(base, token="wrong-token")
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
    text = logfile.read_text(encoding="utf-8", errors="replace")
    return {
        "anonymous": anonymous,
        "wrong_token": wrong,
        "token_in_log": text.count(secrets.rasa_api_token),
    }


def main(argv: list[str] | None = None) -> int:
    """Runs the set; writes the results and the report."""
    parser = argparse.ArgumentParser(prog="python -m reliability")
    parser.add_argument("--profile", choices=("full", "short"), default="full")
    parser.add_argument(
        "--report",
        default=str(ROOT / "docs" / "reliability.md"),
        help="where to write the Markdown report ('-' for none)",
    )
    parser.add_argument(
        "--render",
        metavar="RESULTS_JSON",
        help="only rewrite the report from an earlier run's results.json",
    )
    args = parser.parse_args(argv)
    if args.render:
        source = Path(args.render).resolve()
        results = json.loads(source.read_text(encoding="utf-8"))
        results["verdicts"] = verdicts.verdicts(results)
        Path(args.report).write_text(report.render(results, source.parent), encoding="utf-8")
        return 0
    profile = (FULL if args.profile == "full" else SHORT).overridden(os.environ)
    if not MODEL.exists():
        print(f"no trained model at {MODEL}: run `make model` first", file=sys.stderr)
        return 2
    workdir = ROOT / "results" / "reliability" / time.strftime("%Y%m%d-%H%M%S")
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    results = asyncio.run(suite(profile, workdir, Secrets()))
    sizes = FAILOVER_FULL if args.profile == "full" else FAILOVER_SHORT
    log(f"replica fault test: two replicas, {sizes.visitors} visitors, each process of A killed")
    results["failover"] = asyncio.run(failover.run(sizes, workdir / "failover"))
    results["total_seconds"] = round(time.monotonic() - started)
    results["verdicts"] = verdicts.verdicts(results)
    text = json.dumps(results, ensure_ascii=False, indent=2)
    (workdir / "results.json").write_text(text, encoding="utf-8")
    if args.report != "-":
        Path(args.report).write_text(report.render(results, workdir), encoding="utf-8")
    log(f"results: {workdir / 'results.json'}")
    failed = [name for name, ok in results["verdicts"].items() if not ok]
    for name, ok in results["verdicts"].items():
        log(f"{'PASS' if ok else 'FAIL'}  {name}")
    return 1 if failed else 0
