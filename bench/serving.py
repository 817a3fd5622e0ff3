"""Latency, throughput, start-up and memory of running servers, ours and stock.

Each load is a ``bench.loadgen`` process. Latency: every channel at each
concurrency of the settings, against one worker. Throughput: the saturation load
against 1 and 2 workers (a second stack, senders split between them). Memory is
read after the latency runs and again at the end.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.cpu import busy_seconds, cores_used
from bench.payloads import SECRETS
from bench.procs import PYTHON, base_env
from bench.settings import BenchSettings, LoadShape
from bench.stacks import Stack, start_ours, start_stock
from bench.stats import latency_summary
from harness.procs import cpu_seconds

OUR_CHANNELS = ("wechat", "kakao", "telegram", "rest")
THROUGHPUT_CHANNELS = {"ours": ("rest", "wechat"), "stock": ("rest",)}


def _servers_cpu(stacks: Sequence[Stack]) -> list[tuple[float, float]]:
    """CPU seconds so far of each stack's Rasa server and action server (with children)."""
    return [(cpu_seconds(s.rasa_pid), cpu_seconds(s.actions_pid)) for s in stacks]


def run_load(
    settings: BenchSettings,
    label: str,
    channel: str,
    targets: Sequence[str],
    shape: LoadShape,
    messages: list[tuple[str, str]],
    keep_latencies: bool = True,
    stacks: Sequence[Stack] = (),
) -> dict[str, Any]:
    """Runs one load in a separate process; returns its figures with a latency summary.

    With ``stacks``, also the CPU milliseconds their Rasa and action servers spent per
    answered message.
    """
    folder = settings.work_dir / "load"
    folder.mkdir(parents=True, exist_ok=True)
    spec_path, result_path = folder / f"{label}.spec.json", folder / f"{label}.json"
    spec = {
        "channel": channel,
        "targets": list(targets),
        "concurrency": shape.concurrency,
        "count": shape.count,
        "seconds": shape.seconds,
        "warmup": settings.warmup,
        "messages": messages,
        "prefix": label,
        # A Telegram chat gets one message: the connector spaces a chat's messages 1 s apart.
        "conversation_length": 1 if channel == "telegram" else settings.conversation_length,
        "secrets": SECRETS.as_json(),
        "timeout": 30,
    }
    spec_path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    result_path.unlink(missing_ok=True)
    before = _servers_cpu(stacks)
    machine_before, wall_before = busy_seconds(), time.monotonic()
    command = [PYTHON, "-m", "bench.loadgen", str(spec_path), str(result_path)]
    env, timeout = base_env(settings), shape.seconds + 300
    subprocess.run(command, check=True, env=env, cwd=settings.root, timeout=timeout)
    machine_after, wall = busy_seconds(), time.monotonic() - wall_before
    result = json.loads(result_path.read_text(encoding="utf-8"))
    result["summary"] = latency_summary(result["latencies_ms"])
    after = _servers_cpu(stacks)
    rasa = sum(a[0] - b[0] for a, b in zip(after, before, strict=True))
    actions = sum(a[1] - b[1] for a, b in zip(after, before, strict=True))
    client = result.get("client_cpu_s", 0.0)
    if stacks:
        # Server CPU is read around the whole load process, warm-up included.
        handled = len(result["latencies_ms"]) + settings.warmup
        result["cpu_ms"] = {
            name: 1000.0 * seconds / handled
            for name, seconds in (("rasa", rasa), ("actions", actions), ("client", client))
        }
    result["cores"] = cores_used(machine_before, machine_after, rasa + actions + client, wall)
    result["latencies_ms"] = [round(v, 2) for v in result["latencies_ms"]] if keep_latencies else []
    return result


def _latency(
    settings: BenchSettings,
    stack: Stack,
    channels: Sequence[str],
    messages: dict[str, list[tuple[str, str]]],
) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for channel in channels:
        for shape in settings.latency:
            label = f"{stack.name}-{channel}-c{shape.concurrency}"
            print(f"  latency {label}", flush=True)
            figures.setdefault(channel, {})[str(shape.concurrency)] = run_load(
                settings, label, channel, [stack.url], shape, messages[channel], stacks=[stack]
            )
    return figures


def _throughput(
    settings: BenchSettings,
    stacks: Sequence[Stack],
    channels: Sequence[str],
    messages: dict[str, list[tuple[str, str]]],
    into: dict[str, Any],
) -> None:
    for channel in channels:
        label = f"{stacks[0].name}-{channel}-w{len(stacks)}"
        print(f"  throughput {label}", flush=True)
        shape = LoadShape(
            settings.saturation.concurrency * len(stacks),
            settings.saturation.count * len(stacks),
            settings.saturation.seconds,
        )
        into.setdefault(channel, {})[str(len(stacks))] = run_load(
            settings,
            label,
            channel,
            [s.url for s in stacks],
            shape,
            messages[channel],
            keep_latencies=False,
            stacks=stacks,
        )


def start_stack(
    settings: BenchSettings,
    kind: str,
    label: str,
    model: Path,
    fakes: dict[str, str] | None,
    redis: dict[str, Any] | None,
) -> Stack:
    """Starts ours (every channel, Redis stores if ``redis``) or stock Rasa, as ``label``."""
    print(f"  starting {label}", flush=True)
    if kind == "stock":
        return start_stock(settings, label, model)
    return start_ours(
        settings,
        label,
        model,
        fakes or {},
        extra_env=(redis or {}).get("env"),
        endpoints=(redis or {}).get("endpoints"),
    )


def measure(
    settings: BenchSettings,
    kind: str,
    model: Path,
    messages: dict[str, list[tuple[str, str]]],
    fakes: dict[str, str] | None = None,
    redis: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Starts ``kind`` ("ours" or "stock"), measures it, stops it.

    Args:
        settings: The run's settings.
        kind: "ours" (bot.server.supervisor, every channel) or "stock" (rasa run, REST).
        model: The trained model.
        messages: Messages per channel.
        fakes: Base URLs of the fake platform APIs (ours only).
        redis: ``{"env": {...}, "endpoints": Path}`` for the Redis-mode run, or None.

    Returns:
        ``{"startup", "startup_second", "latency", "throughput", "memory", ...}``.
    """
    name = kind if redis is None else f"{kind}-redis"

    def start(index: int) -> Stack:
        return start_stack(settings, kind, f"{name}-{index}", model, fakes, redis)

    channels = OUR_CHANNELS if kind == "ours" else ("rest",)
    if redis is not None:
        channels = ("wechat", "rest")
    first = start(1)
    figures: dict[str, Any] = {"startup": first.startup, "throughput": {}}
    try:
        figures["latency"] = _latency(settings, first, channels, messages)
        figures["memory_after_latency"] = first.memory()
        throughput_channels = THROUGHPUT_CHANNELS[kind] if redis is None else ("wechat",)
        if 1 in settings.workers:
            _throughput(settings, [first], throughput_channels, messages, figures["throughput"])
        if 2 in settings.workers:
            second = start(2)
            figures["startup_second"] = second.startup
            try:
                _throughput(
                    settings, [first, second], throughput_channels, messages, figures["throughput"]
                )
                figures["memory_second"] = second.memory()
            finally:
                second.stop()
        figures["memory"] = first.memory()
    finally:
        first.stop()
    return figures
