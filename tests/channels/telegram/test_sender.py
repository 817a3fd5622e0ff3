"""Sending within Telegram's flood limits, and keeping the bot token out of the logs."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from telegram.error import RetryAfter

from channels.telegram.sender import RateLimiter, TokenRedactor, retry_seconds


async def test_rate_limiter_spaces_one_chat_and_caps_the_total() -> None:
    now = [0.0]
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    limiter = RateLimiter(per_chat=1.0, per_second=30, burst=1, clock=lambda: now[0], sleep=sleep)
    times = []
    for _ in range(3):
        await limiter.acquire(42)
        times.append(now[0])
    assert times == [0.0, 1.0, 2.0]
    now[0], sleeps[:] = 100.0, []
    for chat in range(45):
        await limiter.acquire(1000 + chat)
    assert 100.99 < now[0] < 101.01 and len(sleeps) == 1


async def test_rate_limiter_lets_a_short_burst_through_then_spaces_and_refills() -> None:
    now = [10.0]

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    limiter = RateLimiter(per_chat=1.0, per_second=30, burst=3, clock=lambda: now[0], sleep=sleep)
    times = []
    for _ in range(5):
        await limiter.acquire(42)
        times.append(round(now[0], 6))
    assert times == [10.0, 10.0, 10.0, 11.0, 12.0]
    now[0] = 20.0  # idle long enough to refill the whole burst
    times = []
    for _ in range(4):
        await limiter.acquire(42)
        times.append(round(now[0], 6))
    assert times == [20.0, 20.0, 20.0, 21.0]


def test_token_redactor_rewrites_a_record_that_carries_the_secret(caplog: Any) -> None:
    logger = logging.getLogger("kw.test.redactor")
    logger.addFilter(TokenRedactor("123:ABCsecret"))
    with caplog.at_level(logging.INFO, logger="kw.test.redactor"):
        logger.info("HTTP Request: POST %s", "http://x/bot123:ABCsecret/sendMessage")
        logger.info("nothing secret here")
    assert "ABCsecret" not in caplog.text
    assert "bot123:<token>/sendMessage" in caplog.text and "nothing secret here" in caplog.text


def test_retry_seconds_reads_int_and_timedelta() -> None:
    assert retry_seconds(RetryAfter(3)) == 3.0
    assert retry_seconds(RetryAfter(dt.timedelta(seconds=2))) == 2.0
