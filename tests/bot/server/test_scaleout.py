"""Two Rasa servers, one Redis: every visitor's turns answered, in order, none lost.

Starts one action server and two Rasa servers (``python -m rasa run`` on the
committed ``endpoints.redis.yml``, our REST channel) that share the Redis on
127.0.0.1:6379 under a random key prefix, then:

1. several visitors talk at once, each sending their messages alternately to the
   two servers (the next one as soon as the previous answer is in): every turn
   is answered, and the tracker read from Redis afterwards holds every user
   message in send order, each followed by the bot texts its HTTP reply carried;
2. six messages of one visitor are fired at the two servers at the same instant,
   several times: the lock serves them one after the other, so in the stored
   tracker each message is followed by its own answer (the one its HTTP reply
   carried, in its language: Chinese and Korean alternate) and nothing is lost.
   With Rasa's own RedisLockStore this loses user turns (measured in
   docs/deploy.md).
"""

from __future__ import annotations

import statistics
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.nlu.language import detect_language
from bot.redis_client import connect
from harness.ports import free_port
from tests.support.cluster import (
    Server,
    base_env,
    rest,
    start_action_server,
    start_rasa,
    stored_turns,
    wait_until_up,
    write_credentials,
)
from tests.support.redis import REDIS_URL

pytestmark = pytest.mark.slow

CONVERSATION = [
    "你好",
    "西塔美食节几点开始",
    "안녕하세요",
    "내일 오후 일정",
    "跆拳道在哪里",
    "전시장까지 어떻게 가요?",
    "谢谢",
    "감사합니다",
]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder: Path = tmp_path_factory.mktemp("scaleout")
    prefix = f"kw:test:{uuid.uuid4().hex[:12]}:"
    actions_port = free_port()
    env = base_env(REDIS_URL, prefix, actions_port)
    credentials = write_credentials(folder)
    started = time.monotonic()
    servers: list[Server] = [start_action_server(folder, env, actions_port)]
    servers += [start_rasa(folder, env, credentials) for _ in range(2)]
    client = connect(REDIS_URL, timeout=2.0)
    try:
        wait_until_up(servers[:1], "/health", 60)
        wait_until_up(servers[1:], "/", 150)
        # Each server's first Chinese and Korean turns load jieba and Kiwi (seconds
        # on a busy machine): past the lock wait (8 s), a queued visitor gives up.
        for server in servers[1:]:
            for text in ("你好", "안녕하세요"):
                rest(server, f"warm-{uuid.uuid4().hex[:8]}", text)
        print(f"\ncluster up in {time.monotonic() - started:.0f} s")
        yield {"rasa": servers[1:], "prefix": prefix, "redis": client}
    finally:
        for server in servers:
            server.stop()
        keys = list(client.scan_iter(match=prefix + "*", count=1000))
        if keys:
            client.delete(*keys)
        client.close()


def language(texts: list[str]) -> str | None:
    return detect_language(" ".join(texts))


def test_visitors_alternating_between_servers_get_every_turn_in_order(
    cluster: dict[str, Any],
) -> None:
    servers: list[Server] = cluster["rasa"]
    visitors = [f"alt-{uuid.uuid4().hex[:8]}" for _ in range(3)]
    replies: dict[str, list[list[str]]] = {v: [] for v in visitors}
    latencies: list[float] = []
    failures: list[str] = []

    def talk(visitor: str, offset: int) -> None:
        try:
            for index, text in enumerate(CONVERSATION):
                texts, seconds = rest(servers[(index + offset) % 2], visitor, text)
                replies[visitor].append(texts)
                latencies.append(seconds)
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(f"{visitor}: {error!r}")

    threads = [threading.Thread(target=talk, args=(v, i)) for i, v in enumerate(visitors)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    elapsed = time.monotonic() - started
    assert not failures, failures
    for visitor in visitors:
        turns, _ = stored_turns(cluster["redis"], cluster["prefix"], visitor)
        assert [t.text for t in turns] == CONVERSATION, "user messages stored in send order"
        for turn, texts in zip(turns, replies[visitor], strict=True):
            assert texts, f"{turn.text!r} got no answer"
            assert turn.bot == texts, f"{turn.text!r}: stored answer differs from the reply"
            assert language(texts) == detect_language(turn.text), (turn.text, texts)
    print(
        f"\nalternating: {len(visitors)} visitors x {len(CONVERSATION)} turns over 2 servers in"
        f" {elapsed:.1f} s; all {len(latencies)} turns answered and stored in order;"
        f" latency median {statistics.median(latencies):.2f} s, max {max(latencies):.2f} s"
    )


SIMULTANEOUS = [
    "跆拳道在哪里",
    "푸드 페스티벌은 어디서 해요?",
    "怎么去会展中心",
    "내일 오후 일정",
    "西塔美食节几点开始",
    "전시장까지 어떻게 가요?",
]


def test_simultaneous_messages_of_one_visitor_are_served_one_after_the_other(
    cluster: dict[str, Any],
) -> None:
    servers: list[Server] = cluster["rasa"]
    rounds = 4
    for round_ in range(rounds):
        visitor = f"sim-{uuid.uuid4().hex[:8]}"
        results: dict[int, list[str]] = {}
        barrier = threading.Barrier(len(SIMULTANEOUS))

        def fire(
            index: int,
            visitor: str = visitor,
            barrier: Any = barrier,
            results: dict[int, list[str]] = results,
        ) -> None:
            barrier.wait()
            results[index], _ = rest(servers[index % 2], visitor, SIMULTANEOUS[index])

        threads = [threading.Thread(target=fire, args=(i,)) for i in range(len(SIMULTANEOUS))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert set(results) == set(range(len(SIMULTANEOUS))), "every message answered"
        turns, _ = stored_turns(cluster["redis"], cluster["prefix"], visitor)
        assert sorted(t.text for t in turns) == sorted(SIMULTANEOUS), "no user message lost"
        for turn in turns:
            assert turn.bot, f"{turn.text!r} has no answer in the tracker"
            assert language(turn.bot) == detect_language(turn.text), "answers not interleaved"
            assert turn.bot == results[SIMULTANEOUS.index(turn.text)], "each reply is its own"
        order = " ".join(str(SIMULTANEOUS.index(t.text)) for t in turns)
        print(
            f"\nsimultaneous round {round_ + 1}: {len(SIMULTANEOUS)} messages of one visitor at"
            f" once on 2 servers, served one at a time in the order {order}; none lost"
        )
