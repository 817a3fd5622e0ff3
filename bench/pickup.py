"""Publish to changed answer: how soon a running assistant answers from newly published content.

The issue's target: the running bot picks up a publish within 2 seconds, in
embedded mode (the store rewrites the content folder atomically) and in Redis
mode (the store publishes a version in Redis). For each mode this stage starts
our stack the way `make run` does (``bench.stacks.start_ours``) on a copy of the
content folder, then, for each repetition, publishes the content with one new
FAQ entry through the same store the CLI and the console use, and asks the REST
channel a question only that entry answers until the answer changes; then it
publishes the original content again and waits for the old answer (the restore
is timed too). Times are taken from the publish call's return ("switch") and
from its start (the publish's own checks and writes included), to the receipt
of the first changed answer. Each question uses a new sender, so no conversation
context carries over from one probe to the next.

The Redis-mode run uses a random key prefix under ``kw:bench:pickup:`` and
deletes only its own keys afterwards.
"""

from __future__ import annotations

import json
import operator
import os
import shutil
import time
import urllib.request
import uuid
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from bench.settings import BenchSettings
from bench.stacks import Stack, start_ours
from bot.content.filestore import FileContentStore
from bot.content.loader import read_content_texts
from bot.content.store import ContentStore, RedisContentStore
from harness.lost_child import lost_child_entry
from harness.ports import free_port

#: The target: a publish is answered from within this many seconds.
TARGET_S = 2.0
#: Give up on one repetition after this long (recorded as a miss, not a crash).
GIVE_UP_S = 30.0
#: The new FAQ entry's entry is named, and its Korean answer ends, with this and a mark.
MARK = "벤치"
#: Asked through the REST channel; only the new entry answers it (with ``new_answer``).
QUESTION = "미아 보호소는 어디예요?"


def new_answer(mark: str) -> str:
    """The Korean answer of the benchmark's entry marked ``mark``: no shipped content says it."""
    return f"가까운 직원에게 알리거나 1번 출입구 안내데스크의 미아 보호소로 오세요({MARK} {mark})."


def with_new_entry(texts: dict[str, str], mark: str) -> dict[str, str]:
    """The content texts with the benchmark's FAQ entry marked ``mark`` appended to faq.yml.

    Each repetition publishes a different mark, so every publish is a version the
    running bot has never loaded (no cache of parsed versions can answer it).
    """
    zh = f"请马上告诉最近的工作人员，或到展览中心1号门服务台的走失儿童集合点（基准 {mark}）。"
    entry = lost_child_entry(f"bench-lost-child-{mark}", zh, new_answer(mark))
    changed = dict(texts)
    changed["faq.yml"] = texts["faq.yml"].rstrip("\n") + "\n" + entry
    return changed


def ask(url: str, text: str, sender: str) -> str:
    """The bot's REST answer to ``text`` from a new ``sender``, its texts joined by newlines."""
    request = urllib.request.Request(
        f"{url}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": text}).encode("utf-8"),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as reply:
        messages = json.loads(reply.read() or b"[]")
    return "\n".join(str(m.get("text", "")) for m in messages)


def wait_for(url: str, changed: Callable[[str], bool], tag: str) -> dict[str, Any] | None:
    """Asks QUESTION again and again until ``changed(answer)``; None after GIVE_UP_S.

    Returns:
        ``{"sent", "received", "probes"}``: monotonic times of the first changed
        answer's request and reply, and how many questions it took.
    """
    deadline = time.monotonic() + GIVE_UP_S
    probes = 0
    while time.monotonic() < deadline:
        probes += 1
        sent = time.monotonic()
        answer = ask(url, QUESTION, f"pickup-{tag}-{probes}-{uuid.uuid4().hex[:8]}")
        if changed(answer):
            return {"sent": sent, "received": time.monotonic(), "probes": probes}
    return None


def timed_publish(
    store: ContentStore, url: str, texts: dict[str, str], changed: Callable[[str], bool], tag: str
) -> dict[str, Any]:
    """Publishes ``texts`` and times the first answer for which ``changed`` holds.

    Returns:
        Seconds from the publish call's return ("after_switch_s") and start
        ("after_call_s") to the changed answer's receipt, the publish call's own
        time, the last probe's round trip and the number of probes; the times are
        None when no changed answer came within GIVE_UP_S.
    """
    started = time.monotonic()
    store.publish(texts, "bench", f"pickup {tag}")
    returned = time.monotonic()
    seen = wait_for(url, changed, tag)
    if seen is None:
        return {"after_switch_s": None, "after_call_s": None, "publish_s": returned - started}
    return {
        "after_switch_s": seen["received"] - returned,
        "after_call_s": seen["received"] - started,
        "publish_s": returned - started,
        "probe_s": seen["received"] - seen["sent"],
        "probes": seen["probes"],
    }


def repeat(store: ContentStore, url: str, original: dict[str, str], count: int) -> dict[str, Any]:
    """``count`` times: publish a new entry, time it; publish the original again, time it.

    The original is a version the bot has loaded before, as a rollback's usually is.

    Raises:
        RuntimeError: If the bot answers QUESTION with the benchmark's entry before
            any publish (the question would measure nothing).
    """
    if MARK in ask(url, QUESTION, f"pickup-before-{uuid.uuid4().hex[:8]}"):
        raise RuntimeError("the bot already gives the new answer before anything was published")
    run = uuid.uuid4().hex[:6]
    runs: dict[str, list[dict[str, Any]]] = {"publish": [], "restore": []}
    for index in range(count):
        mark = f"{run}-{index + 1}"
        is_new = partial(operator.eq, new_answer(mark))
        runs["publish"].append(
            timed_publish(store, url, with_new_entry(original, mark), is_new, f"new-{mark}")
        )
        runs["restore"].append(
            timed_publish(store, url, original, lambda a: MARK not in a, f"old-{mark}")
        )
    return runs


def summarize(runs: list[dict[str, Any]], key: str = "after_switch_s") -> dict[str, Any]:
    """Median, max and count of ``key`` over runs; a run without a changed answer is a miss.

    The median and max are None when no run got a changed answer; ``within_target``
    is whether every run did, within TARGET_S.
    """
    times = sorted(r[key] for r in runs if r.get(key) is not None)
    misses = len(runs) - len(times)
    middle = len(times) // 2
    median = None
    if times:
        median = times[middle] if len(times) % 2 else (times[middle - 1] + times[middle]) / 2
    return {
        "n": len(runs),
        "misses": misses,
        "median": median,
        "max": times[-1] if times else None,
        "within_target": bool(times) and misses == 0 and times[-1] <= TARGET_S,
    }


def _redis_store(settings: BenchSettings) -> tuple[RedisContentStore, dict[str, str]] | None:
    """A content store under a new random prefix, and the bot's environment for it.

    Returns:
        None when Redis does not answer.
    """
    from redis.exceptions import RedisError

    from bot.redis_client import connect

    url = f"redis://127.0.0.1:6379/{settings.redis_db}"
    prefix = f"kw:bench:pickup:{uuid.uuid4().hex[:12]}:"
    client = connect(url, timeout=2.0)
    try:
        client.ping()
    except RedisError:
        client.close()
        return None
    return RedisContentStore(client, prefix), {"REDIS_URL": url, "KW_REDIS_PREFIX": prefix}


def _forget(store: ContentStore) -> None:
    """Deletes the Redis keys of this run's prefix (only those) and closes the client."""
    if isinstance(store, RedisContentStore):
        keys = list(store.client.scan_iter(match=store.keys.prefix + "*", count=1000))
        if keys:
            store.client.delete(*keys)
        store.client.close()


def run_mode(
    settings: BenchSettings, mode: str, model: Path, fakes: dict[str, str], count: int
) -> dict[str, Any] | None:
    """Starts ours in ``mode`` ("embedded" or "redis") on a copy of content/ and times publishes.

    Returns:
        ``{"runs": {"publish": [...], "restore": [...]}, "publish": summary,
        "publish_from_call": summary, "restore": summary}``, or None when mode
        is "redis" and Redis does not answer.
    """
    folder = settings.work_dir / "pickup" / mode
    shutil.rmtree(folder, ignore_errors=True)
    content = folder / "content"
    shutil.copytree(settings.root / "content", content)
    env = {
        "KW_CONTENT_DIR": str(content),
        "KW_STATE_DIR": str(folder / "var"),
        "KW_CONSOLE_PORT": str(free_port()),  # not 5080: `make run` may be using it
    }
    store: ContentStore = FileContentStore(content, folder / "var" / "content")
    endpoints = None
    if mode == "redis":
        found = _redis_store(settings)
        if found is None:
            return None
        store, redis_env = found
        env.update(redis_env)
        endpoints = settings.redis_endpoints
    original = read_content_texts(content)
    stack: Stack | None = None
    try:
        stack = start_ours(settings, f"pickup-{mode}", model, fakes, env, endpoints)
        if mode == "redis":
            # The same content as the folder, so the bot follows Redis from here on.
            store.publish(original, "bench", "pickup base")
            time.sleep(1.5)
        runs = repeat(store, stack.url, original, count)
    finally:
        if stack is not None:
            stack.stop()
        _forget(store)
    return {
        "runs": runs,
        "publish": summarize(runs["publish"]),
        "publish_from_call": summarize(runs["publish"], "after_call_s"),
        "restore": summarize(runs["restore"]),
    }


def measure(settings: BenchSettings, model: Path, fakes: dict[str, str]) -> dict[str, Any]:
    """Both modes, ``settings.pickup_repeats`` publishes each; a mode without Redis is noted."""
    figures: dict[str, Any] = {
        "repeats": settings.pickup_repeats,
        "target_s": TARGET_S,
        "load_before": os.getloadavg()[0],  # other work on the machine slows a reload
    }
    for mode in ("embedded", "redis"):
        print(f"Pickup: {mode} mode, {settings.pickup_repeats} publishes…", flush=True)
        result = run_mode(settings, mode, model, fakes, settings.pickup_repeats)
        if result is None:
            figures.setdefault("skipped", []).append(f"{mode}: Redis did not answer")
            continue
        figures[mode] = result
        summary = result["publish"]
        print(f"  median {summary['median']}, max {summary['max']} s", flush=True)
    return figures
