"""Handing a message to Rasa within a time budget, and what every connector passes with it."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa.core.channels.channel import UserMessage

from channels.common.location import SharedLocation
from channels.common.replies import BotMessage
from channels.common.runner import (
    CollectingOutput,
    TaskKeeper,
    build_metadata,
    run_within_budget,
    secrets_equal,
)


def test_secrets_equal_and_metadata() -> None:
    assert secrets_equal("abc", "abc") and not secrets_equal("abd", "abc")
    assert not secrets_equal(None, "abc") and not secrets_equal("", "")
    assert build_metadata("telegram", 5, "ko", SharedLocation(1.5, 2.5)) == {
        "platform": "telegram",
        "user_id": "5",
        "default_language": "ko",
        "location": {"lat": 1.5, "lon": 2.5, "label": ""},
    }
    located = build_metadata("wechat", "u", "zh", SharedLocation(1.5, 2.5, "青年大街"))
    assert located["location"]["label"] == "青年大街"
    assert "location" not in build_metadata("kakao", "u", "ko")


def make_bot(delay: float, fail: bool = False) -> Any:
    async def bot(message: UserMessage) -> None:
        await message.output_channel.send_response(message.sender_id, {"text": "第一"})
        await asyncio.sleep(delay)
        if fail:
            raise RuntimeError("rasa failed")
        await message.output_channel.send_response(message.sender_id, {"text": "第二"})

    return bot


async def run(delay: float, budget: float, fail: bool = False) -> tuple[Any, list, TaskKeeper]:
    late: list[tuple[list[BotMessage], BaseException | None]] = []

    async def deliver(messages: list[BotMessage], error: BaseException | None) -> None:
        late.append((messages, error))

    collector = CollectingOutput("wechat")
    keeper = TaskKeeper()
    message = UserMessage("hi", collector, "u", input_channel="wechat")
    outcome = await run_within_budget(
        make_bot(delay, fail), message, collector, budget, deliver, keeper
    )
    return outcome, late, keeper


async def test_runner_returns_replies_ready_within_the_budget() -> None:
    outcome, late, _ = await run(0.0, 1.0)
    assert outcome.finished and [m.text for m in outcome.messages] == ["第一", "第二"]
    assert outcome.error is None and not late


async def test_runner_hands_late_replies_to_the_callback_once_with_all_messages() -> None:
    outcome, late, keeper = await run(0.3, 0.05)
    assert not outcome.finished and not late
    assert await keeper.wait_idle(2)
    assert len(late) == 1 and [m.text for m in late[0][0]] == ["第一", "第二"]


async def test_runner_reports_errors_in_time_and_late() -> None:
    outcome, _, _ = await run(0.0, 1.0, fail=True)
    assert outcome.finished and isinstance(outcome.error, RuntimeError)
    outcome, late, keeper = await run(0.2, 0.05, fail=True)
    await keeper.wait_idle(2)
    assert isinstance(late[0][1], RuntimeError)


def test_collecting_output_is_named_after_the_platform() -> None:
    assert CollectingOutput("kakao").name() == "kakao"
