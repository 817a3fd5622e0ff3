"""Embedded mode (no Redis): a resent REST message id is answered from memory, not processed again.

One action server and one Rasa server on the committed ``endpoints.yml`` (its
action URL pointed at the test's action server), whose
``MemoryTrackerStore`` records each turn as it saves the conversation.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from harness.ports import free_port
from harness.project import ROOT
from tests.support.cluster import (
    Server,
    base_env,
    post_json,
    start_action_server,
    start_rasa,
    wait_until_up,
    write_credentials,
)
from tests.support.redis import REDIS_URL

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def rasa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("embedded-turns")
    actions_port = free_port()
    env = base_env(REDIS_URL, "kw:unused:", actions_port)
    del env["REDIS_URL"]
    endpoints = folder / "endpoints.yml"
    committed = (ROOT / "endpoints.yml").read_text(encoding="utf-8")
    assert "MemoryTrackerStore" in committed
    endpoints.write_text(
        committed.replace("127.0.0.1:5055", f"127.0.0.1:{actions_port}"), encoding="utf-8"
    )
    servers = [start_action_server(folder, env, actions_port)]
    servers.append(start_rasa(folder, env, write_credentials(folder), endpoints))
    try:
        wait_until_up(servers[:1], "/health", 60)
        wait_until_up(servers[1:], "/", 150)
        yield servers[1]
    finally:
        for server in servers:
            server.stop()


def send(rasa: Server, body: dict[str, Any]) -> list[str]:
    status, reply, _ = post_json(f"{rasa.url}/webhooks/rest/webhook", body)
    assert status == 200, reply
    return [message["text"] for message in reply if message.get("text")]


def test_a_resent_id_gets_the_stored_reply_not_a_new_turn(rasa: Server) -> None:
    sender = f"v-{uuid.uuid4().hex[:8]}"
    chinese = send(rasa, {"sender": sender, "message": "你好", "message_id": "e-1"})
    # The same id with other text: had it been processed, the answer would be Korean.
    again = send(rasa, {"sender": sender, "message": "안녕하세요", "message_id": "e-1"})
    korean = send(rasa, {"sender": sender, "message": "안녕하세요", "message_id": "e-2"})
    assert chinese and again == chinese and korean != chinese
