"""/metrics, /health and /ready on real servers: counters move, readiness follows its parts.

Starts a private redis-server (free port), our action server and our Rasa server
(``bot.server.rasa_server``) in Redis mode with the REST channel. Messages of each
outcome go through; ``/metrics`` is scraped with prometheus-client's parser and
each counter must have moved. Then the action server is stopped and Redis is
stopped: ``/ready`` answers 503 naming the failing part, and 200 again once it
is back, while ``/health`` stays 200.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from channels.common.catalog import say
from harness.ports import free_port
from harness.redis_server import RedisServer
from tests.support.cluster import (
    Server,
    base_env,
    post_json,
    rest,
    start_action_server,
    start_rasa,
    wait_until_up,
    write_credentials,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder: Path = tmp_path_factory.mktemp("operations")
    store = RedisServer(folder)
    store.start()
    actions_port = free_port()
    env = {**base_env(store.url, f"kw:test:{uuid.uuid4().hex[:12]}:", actions_port)}
    env["KW_RATE_LIMIT"] = "3/60"
    action = "bot.server.action_server"
    servers = {"actions": start_action_server(folder, env, actions_port, module=action)}
    module = "bot.server.rasa_server"
    servers["rasa"] = start_rasa(folder, env, write_credentials(folder), module=module)
    try:
        wait_until_up([servers["actions"]], "/health", 60)
        wait_until_up([servers["rasa"]], "/health", 150)
        yield {"servers": servers, "redis": store, "folder": folder, "env": env}
    finally:
        for server in servers.values():
            server.stop()
        store.stop()


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def scrape(server: Server) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of ``/metrics``: (name, sorted labels) → value."""
    status, body = get(f"{server.url}/metrics")
    assert status == 200
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(body.decode("utf-8"))
        for sample in family.samples
    }


def total(samples: dict[Any, float], name: str, **labels: str) -> float:
    wanted = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and wanted <= set(ls))


def wait_ready(server: Server, status: int, timeout: float = 20) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    import json

    while True:
        code, body = get(f"{server.url}/ready")
        if code == status or time.monotonic() > deadline:
            assert code == status, body
            return dict(json.loads(body))
        time.sleep(0.3)


def test_counters_move_for_every_outcome(setup: dict[str, Any]) -> None:
    rasa: Server = setup["servers"]["rasa"]
    before = scrape(rasa)
    user = f"ops-{uuid.uuid4().hex[:8]}"
    rest(rasa, f"{user}-a", "푸드 페스티벌은 어디서 해요?")
    rest(rasa, f"{user}-f", "qwpoeiru zxmcnv")
    rest(rasa, f"{user}-o", "今天股票怎么样")
    rest(rasa, f"{user}-t", "가" * 1200)
    for _ in range(4):
        rest(rasa, f"{user}-r", "안녕하세요")
    time.sleep(0.5)
    after = scrape(rasa)
    name = "kw_messages_total"
    moved = {
        outcome: total(after, name, outcome=outcome) - total(before, name, outcome=outcome)
        for outcome in ("answered", "fallback", "out_of_scope", "too_long", "rate_limited")
    }
    assert all(count >= 1 for count in moved.values()), moved
    assert total(after, name, channel="rest", language="ko", outcome="too_long") >= 1
    assert total(after, "kw_reply_seconds_count", channel="rest") > total(
        before, "kw_reply_seconds_count", channel="rest"
    )
    assert total(after, "kw_nlu_confidence_count") > total(before, "kw_nlu_confidence_count")
    assert total(after, "kw_intents_total") > total(before, "kw_intents_total")
    assert total(after, "process_resident_memory_bytes") > 0
    actions = scrape(setup["servers"]["actions"])
    assert total(actions, "kw_unanswered_questions_total") >= 1
    assert total(actions, "kw_content_info") == 1


def test_ready_follows_the_action_server_and_redis(setup: dict[str, Any]) -> None:
    servers: dict[str, Server] = setup["servers"]
    rasa, store = servers["rasa"], setup["redis"]
    assert wait_ready(rasa, 200)["checks"] == {
        "model": True,
        "warm": True,
        "not_draining": True,
        "action_server_running": True,
        "action_server": True,
        "redis": True,
    }
    before = scrape(rasa)
    servers["actions"].stop()
    assert wait_ready(rasa, 503)["failing"] == ["action_server"]
    assert get(f"{rasa.url}/health")[0] == 200
    status, body, _ = post_json(
        f"{rasa.url}/webhooks/rest/webhook", {"sender": "ops-error", "message": "입장료 있어요?"}
    )
    # The turn was not stored (bot.server.abort): 503, so a load balancer passes it on.
    assert status == 503
    assert [reply["text"] for reply in body] == [say("unavailable", "ko")]
    after = scrape(rasa)
    assert total(after, "kw_messages_total", outcome="error") > total(
        before, "kw_messages_total", outcome="error"
    )
    assert total(after, "kw_action_server_errors_total") > total(
        before, "kw_action_server_errors_total"
    )
    port = servers["actions"].port
    servers["actions"] = start_action_server(
        setup["folder"], setup["env"], port, module="bot.server.action_server"
    )
    wait_ready(rasa, 200, timeout=60)
    store.stop()
    assert wait_ready(rasa, 503)["failing"] == ["redis"]
    assert get(f"{rasa.url}/health")[0] == 200
    store.start()
    wait_ready(rasa, 200)
