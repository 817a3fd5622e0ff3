"""Redis dies and comes back: visitors hear "busy" in time, then the conversation resumes.

Starts its own redis-server (AOF on, in a temp folder, on a free port), an action
server and a Rasa server on the committed ``endpoints.redis.yml`` with our REST
channel and the Kakao connector. A Korean conversation sets the ``language``
slot. Redis is then frozen (SIGSTOP: it hangs) and, after it thaws, killed with
SIGKILL. Meanwhile REST and Kakao messages must get the short "busy, please try
again" text in Korean (within the platforms' 5-second window on REST, and on
Kakao while Redis is dead), and the Rasa server must stay up. Redis is restarted
from the same folder (replaying the AOF); the conversation then continues with
its earlier state: the stored tracker still holds the earlier turns, and "ok"
is answered in Korean because the slot was kept.
"""

from __future__ import annotations

import copy
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.nlu.language import detect_language
from bot.redis_client import connect
from channels.common.catalog import say
from harness.ports import free_port
from harness.redis_server import RedisServer
from tests.support.channels import fixture_json
from tests.support.cluster import (
    Server,
    base_env,
    post_json,
    rest,
    start_action_server,
    start_rasa,
    stored_turns,
    wait_until_up,
    write_credentials,
)

pytestmark = pytest.mark.slow

KAKAO_SECRET = "outage-test-secret"
WINDOW = 5.0  # WeChat and Kakao wait five seconds for a webhook


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder: Path = tmp_path_factory.mktemp("outage")
    data = folder / "redis"
    data.mkdir()
    store = RedisServer(data, persistent=True)
    store.start()
    prefix = f"kw:test:{uuid.uuid4().hex[:12]}:"
    actions_port = free_port()
    env = {**base_env(store.url, prefix, actions_port), "KAKAO_SKILL_SECRET": KAKAO_SECRET}
    extra = "channels.kakao.KakaoInput:\n  skill_secret: ${KAKAO_SKILL_SECRET}\n"
    credentials = write_credentials(folder, extra)
    servers: list[Server] = [start_action_server(folder, env, actions_port)]
    servers.append(start_rasa(folder, env, credentials))
    try:
        wait_until_up(servers[:1], "/health", 60)
        wait_until_up(servers[1:], "/", 150)
        yield {"rasa": servers[1], "redis": store, "prefix": prefix}
    finally:
        for server in servers:
            server.stop()
        store.stop()


def kakao(server: Server, utterance: str, user: str) -> tuple[list[str], float]:
    body = copy.deepcopy(fixture_json("kakao", "skill_request.json"))
    body["userRequest"]["utterance"] = utterance
    body["userRequest"]["user"]["id"] = user
    body["userRequest"]["user"]["properties"]["botUserKey"] = user
    status, reply, seconds = post_json(
        f"{server.url}/webhooks/kakao/webhook", body, {"X-Skill-Secret": KAKAO_SECRET}
    )
    assert status == 200, reply
    outputs = reply["template"]["outputs"]
    return [o["simpleText"]["text"] for o in outputs if "simpleText" in o], seconds


def restart_and_wait(
    server: Server, store: RedisServer, visitor: str, busy: str
) -> tuple[float, float | None, list[str]]:
    """Restarts Redis; returns its replay time, when the visitor got an answer again, the answer."""
    down_since = time.monotonic()
    replay = store.start()
    texts: list[str] = []
    # "ok" shows no language: while Redis cannot tell the remembered one (the
    # clients' breaker fails them for a second after Redis is back), both.
    waiting = ([busy], [say("unavailable", None)])
    while time.monotonic() - down_since < 30:
        texts, _ = rest(server, visitor, "ok")
        if texts not in waiting:
            return replay, time.monotonic() - down_since, texts
        time.sleep(0.2)
    return replay, None, texts


def test_redis_killed_and_restarted(setup: dict[str, Any]) -> None:
    server: Server = setup["rasa"]
    store: RedisServer = setup["redis"]
    visitor = f"outage-{uuid.uuid4().hex[:8]}"
    before = ["안녕하세요", "푸드 페스티벌은 어디서 해요?"]
    for text in before:
        texts, _ = rest(server, visitor, text)
        assert texts and detect_language(" ".join(texts)) == "ko"
    client = connect(store.url, timeout=2.0)
    turns, slots = stored_turns(client, setup["prefix"], visitor)
    client.close()
    assert [t.text for t in turns] == before and slots.get("language") == "ko"
    time.sleep(1.5)  # appendfsync everysec: let the last writes reach the AOF

    busy = say("unavailable", "ko")
    store.pause()  # a hung Redis: connections stay open, nothing answers
    try:
        texts, hung_rest = rest(server, visitor, "입장권은 얼마예요?")
        assert texts == [busy], texts
        assert hung_rest < WINDOW
        # Kakao also waits for the connector's own store (channels/common/store.py,
        # 2 s per command) before and after Rasa: measured, not held to the window.
        texts, hung_kakao = kakao(server, "입장권은 얼마예요?", f"kakao-{visitor}")
        assert texts == [busy], texts
    finally:
        store.resume()

    store.kill()
    waits: list[float] = []
    for text in ("전시장까지 어떻게 가요?", "입장권은 얼마예요?"):
        texts, seconds = rest(server, visitor, text)
        assert texts == [busy], texts
        waits.append(seconds)
        texts, seconds = kakao(server, text, f"kakao-{visitor}")
        assert texts == [busy], texts
        waits.append(seconds)
    assert max(waits) < WINDOW, waits
    assert server.alive(), "the Rasa server survives the outage"

    replay, recovered, texts = restart_and_wait(server, store, visitor, busy)
    assert recovered is not None, "the conversation did not resume within 30 s"
    assert detect_language(" ".join(texts)) == "ko", f"language slot lost: {texts}"
    client = connect(store.url, timeout=2.0)
    turns, slots = stored_turns(client, setup["prefix"], visitor)
    client.close()
    assert [t.text for t in turns] == [*before, "ok"], "earlier turns kept; refused ones not stored"
    assert slots.get("language") == "ko"
    print(
        f"\nRedis hung (SIGSTOP): busy reply in Korean after {hung_rest:.2f} s on REST,"
        f" {hung_kakao:.2f} s on Kakao."
        f"\nRedis SIGKILLed: busy reply in Korean in {min(waits):.2f}-{max(waits):.2f} s"
        f" (REST and Kakao, {len(waits)} messages, window {WINDOW:.0f} s); Rasa server stayed up."
        f"\nRestarted from AOF in {replay:.2f} s; first normal answer {recovered:.2f} s after the"
        f" restart began; {len(turns)} turns and language=ko kept."
    )
