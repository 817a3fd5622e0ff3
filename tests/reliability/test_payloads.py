"""Malformed and hostile input against the four connectors, served in-process.

The short version of ``make reliability``'s first part: hypothesis generates 500
requests per channel (``reliability/payloads/``: broken XML, entity
expansion, bad base64 and ciphertext, a wrong AES key, non-UTF-8, 1 MB bodies,
deep nesting, wrong JSON types, missing fields, bad credentials), each is posted
over real HTTP, and each must get the 4xx its damage calls for with the reason
in the body, without reaching the bot. A failure shrinks to the smallest
request that shows it.
"""

from __future__ import annotations

import itertools
import time
from collections import Counter

import pytest
import requests
from hypothesis import HealthCheck, given, settings

from harness import inprocess, procs
from harness.background import Background
from harness.echobot import EchoBot
from harness.platforms import FakeTelegram, FakeWeChatApi, serve_aiohttp
from harness.requests import CHANNELS
from harness.secrets import Secrets
from reliability import client, payloads
from reliability.client import Outcome
from reliability.load import Sample
from reliability.outages import judge
from reliability.settings import SHORT

SECRETS = Secrets()
#: Resident memory the test process may gain over one channel's payloads.
RSS_BOUND_KB = 150 * 1024


@pytest.fixture(scope="module")
def served():
    """The connectors on a free port with a stand-in bot; yields (base URL, bot)."""
    background = Background()
    bot = EchoBot()
    try:
        telegram = background.enter(serve_aiohttp(FakeTelegram(token=SECRETS.telegram_token).app()))
        wechat = background.enter(serve_aiohttp(FakeWeChatApi().app()))
        channels = inprocess.connectors(SECRETS, telegram + "/bot", wechat + "/cgi-bin/")
        base = background.enter(inprocess.serve(channels, bot))
        yield base, bot
    finally:
        background.close()


@pytest.mark.parametrize("channel", CHANNELS)
def test_malformed_requests_get_a_4xx_with_a_reason_and_do_not_reach_the_bot(
    served, channel
) -> None:
    base, bot = served
    serial = itertools.count()
    statuses: Counter[int] = Counter()
    session = requests.Session()
    rss_before = procs.own_rss_kb()

    @settings(
        max_examples=SHORT.payloads,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(payloads.malformed(channel))
    def check(case: payloads.Case) -> None:
        now = int(time.time())
        request = payloads.render(case, SECRETS, f"t{channel[:2]}{next(serial)}x{now}", now)
        reply = session.post(
            base + request.url_path,
            data=request.body,
            params=request.params,
            headers=request.headers,
            timeout=30,
        )
        statuses[reply.status_code] += 1
        outcome = Outcome(channel, case.kind, reply.status_code, 0.0, reply.content)
        status = reply.status_code
        assert status in case.expect, f"{case.kind}: {status} {reply.text[:200]}"
        assert client.reason(outcome), f"{case.kind}: {reply.status_code} without a reason"

    received_before = len(bot.received)
    check()
    assert sum(statuses.values()) >= SHORT.payloads
    assert all(400 <= status < 500 for status in statuses)
    assert len(bot.received) == received_before, "a malformed request reached the bot"
    assert procs.own_rss_kb() - rss_before < RSS_BOUND_KB


@pytest.mark.parametrize("channel", CHANNELS)
def test_draw_is_repeatable_and_covers_every_kind(channel) -> None:
    first, second = payloads.draw(channel, 60), payloads.draw(channel, 60)
    assert first == second
    assert len(first) == 60
    assert {case.kind for case in first} == set(payloads.STRATEGIES[channel]())


def test_recovery_is_measured_from_the_fault_end_to_lasting_normal_answers() -> None:
    def sample(started: float, graceful: str = "") -> Sample:
        return Sample("wechat", "zh", started, 0.2, 0.2, 200, True, graceful)

    samples = [
        sample(1),
        sample(6, "unavailable"),
        sample(9, "unavailable"),
        sample(11, "busy"),
        sample(13),
        sample(14, "busy"),
        sample(16),
        sample(20),
    ]
    figures = judge(samples, fault_at=5.0, back_at=10.0)
    assert figures["during"] == 2 and figures["during_valid_within_window"] == 2
    assert figures["recovery_seconds"] == 6.0
    assert judge([sample(1), sample(12, "busy")], 5.0, 10.0)["recovery_seconds"] is None
