"""The message guard: rate limit and polite replies on store outages, for every channel.

Unit tests of ``MessageGuard`` with a stand-in for Rasa, then the guard in place:
the budgeted runner (WeChat, Kakao), the Kakao skill server and our REST channel
over real HTTP.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp
import pytest
from rasa.core.channels.channel import UserMessage
from rasa.core.lock_store import LockError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bot.server.ratelimit import MemoryRateLimiter, NoRateLimit, RateLimit
from channels.common.catalog import say
from channels.common.runner import (
    CollectingOutput,
    MessageGuard,
    TaskKeeper,
    is_unavailable,
    reply_language,
    run_within_budget,
)
from channels.common.store import MemoryStore
from channels.kakao import KakaoInput, KakaoSettings
from channels.rest import RestInput
from harness.inprocess import serve_channel
from tests.support.channels import fixture_json
from tests.support.kakao_schema import assert_valid_skill_response


class FakeRasa:
    """Answers "ok", or raises what it is given, or takes its time."""

    def __init__(self, error: BaseException | None = None, delay: float = 0.0) -> None:
        self.error = error
        self.delay = delay
        self.texts: list[str] = []
        self.finished = 0

    async def __call__(self, message: UserMessage) -> None:
        self.texts.append(message.text or "")
        await asyncio.sleep(self.delay)
        if self.error is not None:
            raise self.error
        await message.output_channel.send_text_message(message.sender_id, "ok")
        self.finished += 1


def user_message(text: str, output: Any, channel: str = "wechat", hint: str = "zh") -> UserMessage:
    metadata = {"platform": channel, "user_id": "u1", "default_language": hint}
    return UserMessage(text, output, "u1", input_channel=channel, metadata=metadata)


def wrapped(outer: Exception, inner: Exception) -> Exception:
    try:
        try:
            raise inner
        except Exception as error:
            raise outer from error
    except Exception as error:  # noqa: BLE001
        return error


def test_what_counts_as_an_outage() -> None:
    assert is_unavailable(RedisConnectionError("refused"))
    assert is_unavailable(LockError("no lock"))
    assert is_unavailable(wrapped(RuntimeError("processor"), RedisTimeoutError("slow")))
    assert not is_unavailable(RuntimeError("a bug"))
    assert not is_unavailable(KeyError("slot"))


def test_reply_language_follows_the_text_then_the_platform_hint() -> None:
    output = CollectingOutput("kakao")
    assert reply_language(user_message("일정 알려줘", output, hint="zh")) == "ko"
    assert reply_language(user_message("/ask_schedule", output, hint="ko")) == "ko"
    bare = UserMessage("ok", output, "u1", input_channel="rest")
    assert reply_language(bare) is None


async def test_past_the_limit_the_user_is_asked_to_slow_down_in_their_language() -> None:
    rasa = FakeRasa()
    guard = MessageGuard(MemoryRateLimiter(RateLimit(2, 60.0)))
    output = CollectingOutput("kakao")
    for text in ("안녕하세요", "일정", "교통은요"):
        await guard.handle(rasa, user_message(text, output, "kakao", "ko"))
    assert rasa.texts == ["안녕하세요", "일정"]
    assert [m.text for m in output.messages] == ["ok", "ok", say("rate_limited", "ko")]


@pytest.mark.parametrize(
    "error",
    [RedisConnectionError("Connection refused"), LockError("could not lock"), RedisTimeoutError()],
)
async def test_store_outages_become_a_short_busy_reply(error: Exception) -> None:
    guard = MessageGuard(NoRateLimit())
    output = CollectingOutput("wechat")
    await guard.handle(FakeRasa(error), user_message("美食节在哪里", output))
    assert [m.text for m in output.messages] == [say("unavailable", "zh")]


async def test_other_errors_are_left_to_the_connector() -> None:
    guard = MessageGuard(NoRateLimit())
    with pytest.raises(RuntimeError):
        await guard.handle(
            FakeRasa(RuntimeError("bug")), user_message("你好", CollectingOutput("x"))
        )


async def test_past_the_timeout_the_user_hears_busy_and_processing_goes_on() -> None:
    rasa = FakeRasa(delay=0.3)
    guard = MessageGuard(NoRateLimit(), timeout=0.05)
    output = CollectingOutput("rest")
    await guard.handle(rasa, user_message("你好", output, "rest"))
    assert [m.text for m in output.messages] == [say("busy", "zh")]
    await asyncio.sleep(0.4)
    assert rasa.finished == 1  # the tracker is not left half-updated


async def test_the_budgeted_runner_answers_in_time_when_the_stores_fail() -> None:
    keeper = TaskKeeper(MessageGuard(NoRateLimit()))
    collector = CollectingOutput("wechat")
    message = user_message("怎么去会展中心", collector)

    async def late(*_: Any) -> None:
        raise AssertionError("no late delivery expected")

    rasa = FakeRasa(RedisConnectionError("Connection refused"))
    outcome = await run_within_budget(rasa, message, collector, 4.0, late, keeper)
    assert outcome.finished and outcome.error is None
    assert [m.text for m in outcome.messages] == [say("unavailable", "zh")]


async def test_kakao_answers_busy_in_korean_within_its_window_when_redis_is_away() -> None:
    channel = KakaoInput(KakaoSettings(skill_secret="s3cret"), MemoryStore())
    channel.keeper.guard = MessageGuard(NoRateLimit())
    rasa = FakeRasa(RedisConnectionError("Connection refused"))
    body = fixture_json("kakao", "skill_request.json")
    async with serve_channel(channel, rasa) as base, aiohttp.ClientSession() as session:
        started = time.monotonic()
        async with session.post(
            f"{base}/webhooks/kakao/webhook", json=body, headers={"X-Skill-Secret": "s3cret"}
        ) as reply:
            assert reply.status == 200
            data = await reply.json()
        elapsed = time.monotonic() - started
    assert_valid_skill_response(data)
    texts = [o["simpleText"]["text"] for o in data["template"]["outputs"]]
    assert texts == [say("unavailable", "ko")]
    assert elapsed < 1.0


async def post_rest(base: str, text: str, sender: str = "v1") -> list[dict[str, Any]]:
    async with aiohttp.ClientSession() as session:
        async with session.post(
            f"{base}/webhooks/rest/webhook", json={"sender": sender, "message": text}
        ) as reply:
            assert reply.status == 200
            return await reply.json()


async def test_rest_channel_keeps_rasas_format_and_adds_the_polite_replies() -> None:
    rasa = FakeRasa()
    channel = RestInput(MessageGuard(MemoryRateLimiter(RateLimit(2, 60.0)), timeout=5.0))
    async with serve_channel(channel, rasa) as base:
        assert await post_rest(base, "你好") == [{"recipient_id": "v1", "text": "ok"}]
        await post_rest(base, "你好")
        assert await post_rest(base, "일정") == [
            {"recipient_id": "v1", "text": say("rate_limited", "ko")}
        ]
        rasa.error = RedisConnectionError("Connection refused")
        assert await post_rest(base, "美食节", sender="v2") == [
            {"recipient_id": "v2", "text": say("unavailable", "zh")}
        ]
        rasa.error = RuntimeError("a bug")
        assert await post_rest(base, "美食节", sender="v3") == [
            {"recipient_id": "v3", "text": say("error", "zh")}
        ]


async def test_rest_channel_answers_busy_after_its_timeout() -> None:
    channel = RestInput(MessageGuard(NoRateLimit(), timeout=0.2))
    async with serve_channel(channel, FakeRasa(delay=1.0)) as base:
        started = time.monotonic()
        replies = await post_rest(base, "跆拳道在哪里")
        assert time.monotonic() - started < 0.8
    assert replies == [{"recipient_id": "v1", "text": say("busy", "zh")}]


async def test_rest_channel_waits_for_a_slow_turn_by_default() -> None:
    channel = RestInput.from_credentials({})
    channel.guard._limiter = NoRateLimit()
    rasa = FakeRasa(delay=1.5)
    async with serve_channel(channel, rasa) as base:
        replies = await post_rest(base, "跆拳道在哪里")
    assert replies == [{"recipient_id": "v1", "text": "ok"}] and rasa.finished == 1


@pytest.mark.parametrize("language", ["zh", "ko"])
def test_the_busy_text_asks_for_no_resend(language: str) -> None:
    # Said while the message is still being processed: a resend would be a second copy.
    text = say("busy", language)
    for resend in ("再发", "重新发送", "再试", "다시 보내", "다시 시도"):
        assert resend not in text


def test_a_bad_rate_limit_setting_fails_when_the_connector_is_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot.settings import SettingsError

    monkeypatch.setenv("KW_RATE_LIMIT", "lots")
    with pytest.raises(SettingsError, match="KW_RATE_LIMIT"):
        RestInput.from_credentials(None)
    with pytest.raises(SettingsError):
        TaskKeeper()


def test_rest_channel_reads_its_timeout_from_credentials() -> None:
    assert RestInput.from_credentials(None).guard.timeout is None  # waits for the answer
    assert RestInput.from_credentials({"reply_timeout": "4"}).guard.timeout == 4.0
    assert RestInput.name() == "rest"


async def test_late_replies_and_store_failures_are_counted() -> None:
    from prometheus_client import REGISTRY

    def sample(name: str, **labels: str) -> float:
        return REGISTRY.get_sample_value(name, labels) or 0.0

    late_before = sample("kw_late_replies_total", channel="wechat")
    redis_before = sample("kw_redis_errors_total")
    keeper = TaskKeeper(MessageGuard(NoRateLimit()))
    collector = CollectingOutput("wechat")
    delivered: list[int] = []

    async def late(messages: list[Any], error: BaseException | None) -> None:
        delivered.append(len(messages))

    slow = FakeRasa(delay=0.3)
    message = user_message("你好", collector)
    outcome = await run_within_budget(slow, message, collector, 0.05, late, keeper)
    assert not outcome.finished
    assert await keeper.wait_idle(5) and delivered == [1]
    assert sample("kw_late_replies_total", channel="wechat") == late_before + 1
    failing = FakeRasa(RedisConnectionError("Connection refused"))
    rest_message = user_message("你好", CollectingOutput("rest"), "rest")
    await MessageGuard(NoRateLimit()).handle(failing, rest_message)
    assert sample("kw_redis_errors_total") == redis_before + 1
