"""The short version of ``make reliability`` against ``make run``'s server (python -m bot.server).

Every channel on, the fake platforms on 127.0.0.1, default (in-memory) stores:
hostile input through the real server, WeChat retries and Telegram duplicates,
overlong messages, the Rasa HTTP API, a 20-second light load of mixed languages
and channels, and finally a search of everything the server printed for each
secret it was given.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from harness.background import Platforms
from harness.heldout import questions
from harness.project import MODEL
from harness.requests import CHANNELS
from harness.secrets import Secrets
from reliability import scenarios
from reliability.assistant import Assistant
from reliability.load import Visitors, summarize
from reliability.settings import SHORT

SECRETS = Secrets()
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    """The assistant with every channel on; yields (assistant, platforms, conversations)."""
    assert MODEL.exists(), "make test trains the model before running pytest"
    with Platforms(SECRETS.telegram_token) as platforms:
        assistant = Assistant(SECRETS, platforms, tmp_path_factory.mktemp("reliability"))
        assistant.start()
        try:
            yield assistant, platforms, scenarios.Conversations(None, "")
        finally:
            assert assistant.stop() == 0, assistant.log_tail()


@pytest.mark.parametrize("channel", CHANNELS)
def test_hostile_input_through_the_real_server_gets_only_4xx(running, channel) -> None:
    assistant, _, _ = running
    figures = asyncio.run(scenarios.malformed(assistant, channel, 60))
    assert figures["server_errors"] == 0 and figures["unexpected"] == [], figures
    assert figures["without_reason"] == 0 and figures["alive"]


def test_retries_and_duplicates_are_answered_once(running) -> None:
    assistant, platforms, conversations = running
    wechat = asyncio.run(scenarios.wechat_retries(assistant, platforms, conversations, 11))
    telegram = asyncio.run(scenarios.telegram_duplicates(assistant, platforms, conversations, 11))
    assert wechat["statuses"] == [200, 200, 200] and wechat["answers"] >= 1, wechat
    # A copy that comes after the turn is stored gets the same reply again, nothing more.
    assert wechat["distinct_answers"] == 1 and wechat["late_repeated"] == 0, wechat
    assert wechat["processed_turns"] in (1, None), wechat
    assert telegram["statuses"] == [200] * 5 and telegram["answers"] == 1, telegram
    assert telegram["distinct_texts"] == telegram["messages_sent"], "one turn's replies, once"


def test_overlong_messages_are_refused_politely(running) -> None:
    assistant, platforms, conversations = running
    for result in asyncio.run(scenarios.overlong(assistant, platforms, conversations, 11)):
        assert result["status"] == 200 and result["reply"] == "too_long", result


def test_the_rasa_http_api_is_off(running) -> None:
    assistant, _, _ = running
    statuses = asyncio.run(scenarios.rasa_api(assistant.base_url))
    assert statuses["PUT /model"] == 404, statuses  # an anonymous model upload finds nothing
    assert set(statuses.values()) == {404}


def test_a_body_past_the_server_limit_is_refused_before_it_is_read(running) -> None:
    """The supervisor caps Sanic's body size (4 MiB): a larger Content-Length gets 413 at once.

    Without the cap Sanic would wait for 5 MiB of body (its default allows 100 MB).
    """
    import socket
    from urllib.parse import urlsplit

    assistant, _, _ = running
    where = urlsplit(assistant.base_url)
    head = (
        "POST /webhooks/rest/webhook HTTP/1.1\r\n"
        f"Host: {where.hostname}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {5 * 1024 * 1024}\r\n\r\n"
    )
    with socket.create_connection((where.hostname, where.port), timeout=10) as conn:
        conn.sendall(head.encode("ascii") + b"{")
        received = b""
        while b"exceeds" not in received and len(received) < 65536:
            chunk = conn.recv(4096)  # Sanic closes the connection after its answer
            if not chunk:
                break
            received += chunk
    answer = received.decode("utf-8", "replace")
    assert answer.startswith("HTTP/1.1 413"), answer[:200]
    assert "exceeds the size limit" in answer


def test_a_light_load_in_both_languages_on_every_channel_gets_valid_replies(running) -> None:
    assistant, platforms, _ = running
    visitors = Visitors(
        assistant.base_url,
        platforms,
        SECRETS,
        questions(),
        SHORT.visitors,
        SHORT.think,
        first_id=900_000,
    )
    started = time.monotonic()
    samples = asyncio.run(visitors.run(SHORT.load_seconds))
    figures = summarize(samples)
    assert time.monotonic() - started < SHORT.load_seconds + 40
    assert figures["requests"] >= SHORT.visitors * 2, figures
    assert figures["errors"] == 0 and figures["server_errors"] == 0, [
        (s.channel, s.text, s.problem) for s in samples if not s.valid
    ]
    # p99 is recorded by make reliability; on a shared test machine only a loose bound.
    assert figures["p99"] < 5.0, figures


def test_no_secret_appears_in_anything_the_server_printed(running) -> None:
    assistant, _, _ = running
    text = assistant.log_text()
    assert "Refused " in text, "the refusals above were logged"
    assert scenarios.secrets_in(text, SECRETS) == {name: 0 for name in SECRETS.searched()}
