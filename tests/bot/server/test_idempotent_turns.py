"""Resent messages on a real Rasa server in Redis mode: one stored turn, the same reply.

One action server and one Rasa server (``python -m bot.server.rasa_server run``:
Rasa with our fixes, on the committed ``endpoints.redis.yml``, our REST and
WeChat channels) on the Redis at 127.0.0.1:6379 under a random key prefix. A REST
message sent twice with the same ``message_id`` (or ``Idempotency-Key``) is
stored once and answered twice with the same reply; so is a WeChat message
retried with the same MsgId. A turn whose server died mid-turn (a running record
that is never renewed) is processed once by the retry; a turn still running
elsewhere answers 202; a message without an id is processed every time, as
before. A turn whose action server is down is not stored and answers 503; its
resend, once the action server is back, is processed once.
"""

from __future__ import annotations

import json
import re
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import xmltodict

from bot.nlu.language import detect_language
from bot.redis_client import connect
from channels.common.catalog import say
from harness.ports import free_port
from tests.channels.wechat.client import APPID, TOKEN, query
from tests.support.channels import fixture_text
from tests.support.cluster import (
    Server,
    base_env,
    post_json,
    start_action_server,
    start_rasa,
    stored_turns,
    wait_until_up,
)
from tests.support.redis import REDIS_URL

pytestmark = pytest.mark.slow

#: REST waits half of this for a running turn before answering 202.
REPLY_TIMEOUT = 8


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder: Path = tmp_path_factory.mktemp("idempotent")
    prefix = f"kw:test:{uuid.uuid4().hex[:12]}:"
    actions_port = free_port()
    env = base_env(REDIS_URL, prefix, actions_port)
    credentials = folder / "credentials.yml"
    credentials.write_text(
        f"channels.rest.RestInput:\n  reply_timeout: {REPLY_TIMEOUT}\n"
        f"channels.wechat.WeChatInput:\n  token: {TOKEN}\n  appid: {APPID}\n"
        f"  appsecret: test-secret\n  api_base_url: http://127.0.0.1:{free_port()}\n",
        encoding="utf-8",
    )
    servers: list[Server] = [start_action_server(folder, env, actions_port)]
    servers.append(start_rasa(folder, env, credentials, module="bot.server.rasa_server"))
    client = connect(REDIS_URL, timeout=2.0)
    try:
        wait_until_up(servers[:1], "/health", 60)
        wait_until_up(servers[1:], "/", 150)
        post_json(f"{servers[1].url}/webhooks/rest/webhook", {"sender": "warm", "message": "你好"})
        yield {
            "rasa": servers[1],
            "prefix": prefix,
            "redis": client,
            "servers": servers,
            "start_actions": lambda: start_action_server(folder, env, actions_port),
        }
    finally:
        for one in servers:
            one.stop()
        keys = list(client.scan_iter(match=prefix + "*", count=1000))
        if keys:
            client.delete(*keys)


def send(server: dict[str, Any], body: dict[str, Any], **headers: str) -> tuple[int, Any, float]:
    return post_json(f"{server['rasa'].url}/webhooks/rest/webhook", body, headers)


def texts(body: Any) -> list[str]:
    return [message["text"] for message in body if message.get("text")]


def user_turns(server: dict[str, Any], sender: str) -> list[str]:
    turns, _ = stored_turns(server["redis"], server["prefix"], sender)
    return [turn.text for turn in turns]


def test_the_same_message_id_twice_is_stored_once_with_the_same_reply(server: dict) -> None:
    sender = f"v-{uuid.uuid4().hex[:8]}"
    body = {"sender": sender, "message": "西塔美食节几点开始", "message_id": "m-1"}
    first = send(server, body)
    second = send(server, body)
    assert first[0] == second[0] == 200
    assert texts(first[1]) and first[1] == second[1]
    assert user_turns(server, sender) == ["西塔美食节几点开始"]
    key = f"{server['prefix']}turn:rest:{sender}:m-1"
    record = json.loads(server["redis"].get(key))
    assert record["state"] == "done" and texts(record["replies"]) == texts(first[1])
    assert 0 < server["redis"].ttl(key) <= 24 * 3600


def test_the_idempotency_key_header_works_the_same(server: dict) -> None:
    sender = f"v-{uuid.uuid4().hex[:8]}"
    body = {"sender": sender, "message": "跆拳道在哪里"}
    first = send(server, body, **{"Idempotency-Key": "k-1"})
    second = send(server, body, **{"Idempotency-Key": "k-1"})
    third = send(server, dict(body, message="谢谢"), **{"Idempotency-Key": "k-2"})
    assert first[1] == second[1] and first[0] == second[0] == third[0] == 200
    assert user_turns(server, sender) == ["跆拳道在哪里", "谢谢"]


def test_a_turn_whose_server_died_is_processed_once_by_the_retry(server: dict) -> None:
    sender = f"v-{uuid.uuid4().hex[:8]}"
    key = f"{server['prefix']}turn:rest:{sender}:m-dead"
    # What a server killed mid-turn leaves: a running record nobody renews.
    server["redis"].set(key, json.dumps({"state": "running", "owner": "dead"}), px=1500)
    body = {"sender": sender, "message": "안녕하세요", "message_id": "m-dead"}
    status, reply, seconds = send(server, body)
    assert status == 200 and texts(reply) and seconds >= 1.0
    again = send(server, body)
    assert again[0] == 200 and again[1] == reply
    assert user_turns(server, sender) == ["안녕하세요"]


def test_a_turn_still_running_elsewhere_answers_202(server: dict) -> None:
    sender = f"v-{uuid.uuid4().hex[:8]}"
    key = f"{server['prefix']}turn:rest:{sender}:m-busy"
    server["redis"].set(key, json.dumps({"state": "running", "owner": "alive"}), px=30_000)
    status, reply, seconds = send(
        server, {"sender": sender, "message": "你好", "message_id": "m-busy"}
    )
    assert status == 202 and reply == {"status": "processing", "message_id": "m-busy"}
    assert REPLY_TIMEOUT / 2 - 0.5 <= seconds < REPLY_TIMEOUT
    assert server["redis"].get(f"{server['prefix']}tracker:{sender}") is None


def test_without_an_id_every_message_is_processed(server: dict) -> None:
    sender = f"v-{uuid.uuid4().hex[:8]}"
    for _ in range(2):
        assert send(server, {"sender": sender, "message": "你好"})[0] == 200
    assert user_turns(server, sender) == ["你好", "你好"]


def test_a_turn_whose_action_server_is_down_is_not_stored_and_its_resend_is(
    server: dict,
) -> None:
    sender = f"v-{uuid.uuid4().hex[:8]}"
    body = {"sender": sender, "message": "태권도 어디서 해요?", "message_id": "m-down"}
    servers: list[Server] = server["servers"]
    servers[0].stop()
    try:
        status, reply, _ = send(server, body)
        assert status == 503 and texts(reply) == [say("unavailable", "ko")]
        assert user_turns(server, sender) == []
        assert server["redis"].get(f"{server['prefix']}turn:rest:{sender}:m-down") is None
    finally:
        servers[0] = server["start_actions"]()
        wait_until_up(servers[:1], "/health", 60)
    status, reply, _ = send(server, body)
    assert status == 200 and texts(reply)
    assert {detect_language(text) for text in texts(reply)} == {"ko"}
    assert send(server, body)[1] == reply
    assert user_turns(server, sender) == ["태권도 어디서 해요?"]


def test_a_bad_message_id_is_refused(server: dict) -> None:
    status, body, _ = send(server, {"sender": "x", "message": "你好", "message_id": 7})
    assert status == 400 and "message_id" in json.dumps(body)


def wechat_post(server: dict[str, Any], xml: str) -> tuple[int, str]:
    url = f"{server['rasa'].url}/webhooks/wechat/webhook?{urllib.parse.urlencode(query())}"
    request = urllib.request.Request(url, data=xml.encode("utf-8"), method="POST")
    with urllib.request.urlopen(request, timeout=30) as reply:
        return reply.status, reply.read().decode("utf-8")


def test_a_wechat_retry_of_the_same_msgid_is_stored_once(server: dict) -> None:
    user = f"oWx{uuid.uuid4().hex[:20]}"
    msg_id = str(int(time.time() * 1000))
    xml = (
        fixture_text("wechat", "text.xml")
        .replace("oWx7t5Y2mKq9LzP0aB3cD4eF6gH8", user)
        .replace("24712345678901234", msg_id)
    )
    first = wechat_post(server, xml)
    retry = wechat_post(server, xml)
    assert first[0] == retry[0] == 200
    # The same replies, rendered again: only the random menu ids differ.
    content, again = (
        re.sub(r"msgmenuid=\d+", "", xmltodict.parse(body)["xml"]["Content"])
        for _, body in (first, retry)
    )
    assert content and again == content
    assert user_turns(server, user) == ["美食节在哪里？"]


def test_a_wechat_retry_after_its_server_died_is_processed(server: dict) -> None:
    user = f"oWx{uuid.uuid4().hex[:20]}"
    msg_id = str(int(time.time() * 1000) + 1)
    key = f"{server['prefix']}turn:wechat:id:{msg_id}"
    server["redis"].set(key, json.dumps({"state": "running", "owner": "dead"}), px=1000)
    xml = (
        fixture_text("wechat", "text.xml")
        .replace("oWx7t5Y2mKq9LzP0aB3cD4eF6gH8", user)
        .replace("24712345678901234", msg_id)
    )
    assert wechat_post(server, xml) == (200, "success")  # the first copy is still "running"
    time.sleep(1.2)
    status, body = wechat_post(server, xml)  # WeChat's next retry
    assert status == 200 and xmltodict.parse(body)["xml"]["Content"]
    assert user_turns(server, user) == ["美食节在哪里？"]
