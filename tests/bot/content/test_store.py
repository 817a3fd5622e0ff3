"""Publishing content to Redis (bot.content.store): versions, history, rollback, concurrency."""

from __future__ import annotations

import json
import subprocess
import sys
import threading

import pytest

from bot.content import ContentInvalid, load_content, load_content_texts
from bot.content import store as store_module
from bot.content.diff import diff_content, render_diff
from bot.content.store import (
    AmbiguousVersion,
    NothingToDo,
    RedisContentStore,
    VersionNotFound,
)
from harness.project import CONTENT, ROOT
from tests.support.content import (
    shipped_texts,
    with_lost_child,
    with_replaced,
    write_content,
)
from tests.support.redis import REDIS_URL

EVENT_EDIT = ("events.yml", "start: 2026-11-28T19:30", "start: 2026-11-28T19:00")


@pytest.fixture
def store(redis_client, redis_prefix) -> RedisContentStore:
    return RedisContentStore(redis_client, redis_prefix)


def test_texts_load_exactly_like_the_folder() -> None:
    assert load_content_texts(shipped_texts()).version == load_content(CONTENT).version


def test_publish_history_diff_rollback_round_trip(store: RedisContentStore) -> None:
    base = shipped_texts()
    first = store.publish(base, "Li", "sample programme")
    assert store.live_version() == first.version
    assert first.parent is None and first.changes["faq"]["added"]

    second = store.publish(with_lost_child(base), "Kim", "lost child meeting point")
    assert (second.parent, second.author, second.message) == (
        first.version,
        "Kim",
        "lost child meeting point",
    )
    assert second.changes["faq"] == {"added": ["lost-child"], "removed": [], "changed": []}
    assert store.texts(second.version) == with_lost_child(base)

    lines = render_diff(
        diff_content(store.content(first.version), store.content(second.version)),
        first.short,
        second.short,
    )
    assert "  + lost-child  (added)" in lines

    back = store.rollback("Park")
    assert (back.action, back.version, back.parent) == ("rollback", first.version, second.version)
    assert back.changes["faq"]["removed"] == ["lost-child"]
    assert store.live_version() == first.version
    assert [e.action for e in store.history()] == ["publish", "publish", "rollback"]

    # Rolling back to a named version (by prefix), recorded like any other change.
    again = store.rollback("Park", second.version[:6], "lost child again")
    assert store.live_version() == second.version and again.message == "lost child again"
    assert len(store.history()) == 4


def test_versions_are_immutable_and_expire_only_when_not_live(store, redis_client) -> None:
    first = store.publish(shipped_texts(), "Li", "one")
    assert redis_client.ttl(store.keys.version(first.version)) == -1
    second = store.publish(with_lost_child(shipped_texts()), "Li", "two")
    assert redis_client.ttl(store.keys.version(first.version)) > 0
    assert redis_client.ttl(store.keys.version(second.version)) == -1
    assert redis_client.ttl(store.keys.live) == -1
    store.rollback("Li")
    assert redis_client.ttl(store.keys.version(first.version)) == -1
    stored = json.loads(redis_client.get(store.keys.version(first.version)))
    assert stored["files"] == shipped_texts() and stored["author"] == "Li"


def test_publishing_the_live_content_again_does_nothing(store: RedisContentStore) -> None:
    store.publish(shipped_texts(), "Li", "one")
    with pytest.raises(NothingToDo):
        store.publish(shipped_texts(), "Kim", "same again")
    assert len(store.history()) == 1


def test_invalid_content_is_refused_with_every_problem(store: RedisContentStore) -> None:
    first = store.publish(shipped_texts(), "Li", "good")
    broken = with_replaced(shipped_texts(), *EVENT_EDIT[:2], "start: 2026-11-31T19:00")
    broken = with_replaced(broken, "venues.yml", "    name:\n", "    nmae:\n")
    broken = with_replaced(broken, "faq.yml", "    topic: tickets\n", "    topic: [tickets\n")
    with pytest.raises(ContentInvalid) as raised:
        store.publish(broken, "Kim", "broken")
    problems = {(e.file, e.field) for e in raised.value.errors}
    assert {"events.yml", "venues.yml", "faq.yml"} <= {file for file, _ in problems}
    assert all(e.line for e in raised.value.errors)
    assert store.live_version() == first.version
    assert len(store.history()) == 1


def test_missing_file_is_refused(store: RedisContentStore) -> None:
    texts = shipped_texts()
    del texts["venues.yml"]
    with pytest.raises(ContentInvalid, match="venues.yml is missing"):
        store.publish(texts, "Li", "no venues")
    assert store.live_version() is None


def test_version_prefixes(store: RedisContentStore) -> None:
    first = store.publish(shipped_texts(), "Li", "one")
    assert store.resolve(first.version[:4].upper()) == first.version
    with pytest.raises(VersionNotFound):
        store.resolve("0000000")
    with pytest.raises(VersionNotFound):
        store.resolve("ab")
    second = store.publish(with_lost_child(shipped_texts()), "Li", "two")
    common = 0
    while first.version[common] == second.version[common]:
        common += 1
    if common >= 4:  # pragma: no cover - rare: the two hashes share 4+ leading digits
        with pytest.raises(AmbiguousVersion):
            store.resolve(first.version[:common])


def test_rollback_without_history_is_refused(store: RedisContentStore) -> None:
    with pytest.raises(NothingToDo):
        store.rollback("Li")
    store.publish(shipped_texts(), "Li", "one")
    with pytest.raises(NothingToDo):
        store.rollback("Li")


def test_concurrent_publishers_are_serialised(redis_client, redis_prefix, monkeypatch):
    """Publisher A reads the live pointer, B publishes meanwhile; A must retry on top of B."""
    from bot.redis_client import connect

    base = shipped_texts()
    RedisContentStore(redis_client, redis_prefix).publish(base, "Li", "base")
    texts_a = with_lost_child(base)
    texts_b = with_replaced(base, *EVENT_EDIT)
    inside_a, b_done = threading.Event(), threading.Event()
    original = store_module.diff_content

    def slow_diff(old, new):
        if threading.current_thread().name == "A" and not inside_a.is_set():
            inside_a.set()  # A is between WATCH and MULTI
            assert b_done.wait(20)
        return original(old, new)

    monkeypatch.setattr(store_module, "diff_content", slow_diff)
    results, errors = {}, []

    def publish(name, texts, wait=None):
        try:
            if wait is not None:
                assert wait.wait(20)
            store = RedisContentStore(connect(REDIS_URL, 2.0), redis_prefix)
            results[name] = store.publish(texts, name, f"by {name}")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            if name == "B":
                b_done.set()

    threads = [
        threading.Thread(target=publish, args=("A", texts_a), name="A"),
        threading.Thread(target=publish, args=("B", texts_b, inside_a), name="B"),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    store = RedisContentStore(redis_client, redis_prefix)
    history = store.history()
    assert [entry.author for entry in history] == ["Li", "B", "A"]
    assert results["A"].parent == results["B"].version  # A was re-done on top of B
    assert store.live_version() == results["A"].version
    assert store.texts(results["A"].version) == texts_a  # A's files only: B's edit is not in it
    assert store.texts(results["B"].version) == texts_b
    assert results["A"].changes["events"]["changed"] == ["friendship-concert"]  # undoes B's edit


def test_concurrent_publishing_processes_keep_one_consistent_history(
    redis_client, redis_prefix, tmp_path
) -> None:
    base = shipped_texts()
    variants = [
        base,
        with_lost_child(base),
        with_replaced(base, *EVENT_EDIT),
        with_replaced(base, "faq.yml", "有免费WiFi吗？", "现场有免费WiFi吗？"),
    ]
    env = {
        "REDIS_URL": REDIS_URL,
        "KW_REDIS_PREFIX": redis_prefix,
        "PATH": "/usr/bin:/bin",
        "PYTHONIOENCODING": "utf-8",
    }
    commands = []
    for number, texts in enumerate(variants):
        directory = write_content(tmp_path / f"c{number}", texts)
        for round_ in range(2):
            commands.append(
                [
                    sys.executable,
                    "-m",
                    "bot.cli",
                    "content",
                    "publish",
                    "--dir",
                    str(directory),
                    "-m",
                    f"variant {number} round {round_}",
                    "--author",
                    f"staff{number}",
                ]
            )
    processes = [
        subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            encoding="utf-8",
        )
        for command in commands
    ]
    outputs = [process.communicate(timeout=120) for process in processes]
    assert all(process.returncode == 0 for process in processes), outputs
    store = RedisContentStore(redis_client, redis_prefix)
    history = store.history()
    assert len(history) >= len(variants)  # a publish of the live content is "nothing to do"
    for before, after in zip(history, history[1:], strict=False):
        assert after.parent == before.version
    assert store.live_version() == history[-1].version
    known = {load_content_texts(texts).version: texts for texts in variants}
    for entry in history:
        assert store.texts(entry.version) == known[entry.version]  # never a mixed version
