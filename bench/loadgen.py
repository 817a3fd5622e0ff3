"""The load generator: a separate process posting prepared requests to 127.0.0.1.

    python -m bench.loadgen SPEC.json RESULT.json

SPEC: ``channel``, ``targets`` (base URLs on 127.0.0.1; virtual user v talks to
target v mod n, so with in-memory stores a sender stays on one worker),
``concurrency``, ``count`` and ``seconds`` (both bounds apply), ``warmup``,
``messages`` ([language, text] pairs), ``conversation_length``, ``prefix``,
``secrets``, ``timeout``. Every request is built (and, for WeChat, encrypted)
before the clock starts. RESULT: latencies of the answered requests, counts by
outcome, elapsed time and the achieved rate.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bench.payloads import build, classify, open_wechat_reply
from harness.ports import check_local
from harness.requests import Request
from harness.secrets import Secrets


def plan(spec: dict[str, Any]) -> list[list[Request]]:
    """The requests of each virtual user, in order."""
    messages, channel = spec["messages"], spec["channel"]
    secrets = Secrets(**spec["secrets"])
    per_user = -(-spec["count"] // spec["concurrency"])
    length = max(1, spec.get("conversation_length", 5))
    now = time.time()
    queues = []
    for vu in range(spec["concurrency"]):
        queue = []
        for serial in range(per_user):
            language, text = messages[(vu * 37 + serial) % len(messages)]
            queue.append(
                build(
                    channel,
                    secrets,
                    vu,
                    serial,
                    serial // length,
                    text,
                    language,
                    spec["prefix"],
                    now,
                )
            )
        queues.append(queue)
    return queues


async def _post(session: aiohttp.ClientSession, base: str, request: Request) -> tuple:
    async with session.post(
        base + request.url_path, data=request.body, params=request.params, headers=request.headers
    ) as reply:
        return reply.status, await reply.read()


@dataclass
class Tally:
    """What the virtual users got: outcome counts, latencies, a few answers, the last reply."""

    outcomes: dict[str, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    samples: list[bytes] = field(default_factory=list)
    last: float = 0.0

    def add(self, kind: str, body: bytes, sent: float, done: float) -> None:
        """Counts one request sent at ``sent`` and answered at ``done`` (perf_counter)."""
        self.last = max(self.last, done)
        self.outcomes[kind] = self.outcomes.get(kind, 0) + 1
        if kind in ("answer", "success", "empty"):
            self.latencies.append(1000.0 * (done - sent))
        if kind == "answer" and len(self.samples) < 20:
            self.samples.append(body)


def warmup_plan(spec: dict[str, Any]) -> list[list[Request]]:
    """The warm-up requests: ``warmup`` per target, from senders of their own."""
    if not spec.get("warmup"):
        return []
    targets = len(spec["targets"])
    return plan(
        {
            **spec,
            "prefix": spec["prefix"] + "-warm",
            "concurrency": targets,
            "count": spec["warmup"],
        }
    )


async def _warm_up(
    session: aiohttp.ClientSession, targets: list[str], warm: list[list[Request]]
) -> None:
    for index, queue in enumerate(warm):
        for request in queue:
            try:
                await _post(session, targets[index % len(targets)], request)
            except (aiohttp.ClientError, asyncio.TimeoutError):
                pass


async def _user(
    session: aiohttp.ClientSession,
    base: str,
    channel: str,
    queue: list[Request],
    deadline: float,
    tally: Tally,
) -> None:
    """One closed-loop client: sends its next request when the previous answer arrived."""
    for request in queue:
        if time.perf_counter() >= deadline:
            return
        sent = time.perf_counter()
        try:
            status, body = await _post(session, base, request)
            kind = classify(channel, status, body)
        except (aiohttp.ClientError, asyncio.TimeoutError):
            kind, body = "error", b""
        tally.add(kind, body, sent, time.perf_counter())


async def run(spec: dict[str, Any]) -> dict[str, Any]:
    """Warms up, then runs the closed-loop load; returns the raw figures."""
    targets, channel = spec["targets"], spec["channel"]
    for target in targets:
        check_local(target)
    timeout = aiohttp.ClientTimeout(total=spec.get("timeout", 30))
    connector = aiohttp.TCPConnector(limit=0, force_close=False)
    warm, queues = warmup_plan(spec), plan(spec)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await _warm_up(session, targets, warm)
        started = time.perf_counter()
        cpu_started = time.process_time()
        tally = Tally(last=started)
        deadline = started + spec["seconds"]
        await asyncio.gather(
            *(
                _user(session, targets[vu % len(targets)], channel, queues[vu], deadline, tally)
                for vu in range(spec["concurrency"])
            )
        )
        client_cpu = time.process_time() - cpu_started
    return figures(spec, tally, tally.last - started, client_cpu)


def figures(
    spec: dict[str, Any], tally: Tally, elapsed: float, client_cpu: float
) -> dict[str, Any]:
    """The raw figures of a load: counts, rates, latencies, checked sample replies."""
    channel, secrets = spec["channel"], Secrets(**spec["secrets"])
    completed = sum(tally.outcomes.values())
    return {
        "channel": channel,
        "targets": len(spec["targets"]),
        "concurrency": spec["concurrency"],
        "completed": completed,
        "outcomes": tally.outcomes,
        "elapsed_s": elapsed,
        "rate_per_s": completed / elapsed if elapsed > 0 else None,
        "answered_per_s": len(tally.latencies) / elapsed if elapsed > 0 else None,
        "latencies_ms": tally.latencies,
        "client_cpu_s": client_cpu,
        "samples_checked": _check_samples(channel, secrets, tally.samples),
        "sample_reply": _sample_text(channel, secrets, tally.samples),
    }


def _check_samples(channel: str, secrets: Secrets, samples: list[bytes]) -> dict[str, int]:
    """How many sampled WeChat replies decrypt with a valid signature (others: parse as JSON)."""
    good = 0
    for body in samples:
        if channel == "wechat":
            good += open_wechat_reply(secrets, body)[0]
        else:
            try:
                json.loads(body)
                good += 1
            except ValueError:
                pass
    return {"sampled": len(samples), "valid": good}


def _sample_text(channel: str, secrets: Secrets, samples: list[bytes]) -> str:
    if not samples:
        return ""
    if channel == "wechat":
        return open_wechat_reply(secrets, samples[0])[1][:300]
    return samples[0].decode("utf-8", "replace")[:300]


def main(argv: list[str]) -> int:
    """Reads the spec, runs it, writes the result."""
    spec_path, result_path = argv
    with open(spec_path, encoding="utf-8") as handle:
        spec = json.load(handle)
    result = asyncio.run(run(spec))
    with open(result_path, "w", encoding="utf-8") as handle:
        json.dump(result, handle, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
