"""Kakao skill requests carry no id: a callbackUrl makes one; a copy is not processed again."""

from __future__ import annotations

import asyncio

from channels.kakao import skill
from channels.kakao.handler import turn_id
from harness.echobot import EchoBot
from harness.platforms import FakeKakaoCallback, serve_aiohttp
from tests.channels.kakao.client import SECRET, call, kakao
from tests.support.channels import fixture_json


def test_turn_id_is_a_digest_of_user_utterance_and_callback_url_when_there_is_one() -> None:
    body = fixture_json("kakao", "skill_request_callback.json")
    request = skill.parse_skill_request(body)
    assert request.callback_url and turn_id(request) == turn_id(request)
    assert str(turn_id(request)).startswith("kakao:")
    body["userRequest"]["callbackUrl"] = request.callback_url + "x"
    assert turn_id(skill.parse_skill_request(body)) != turn_id(request)
    assert turn_id(skill.parse_skill_request(fixture_json("kakao", "skill_request.json"))) is None


async def test_a_copy_of_a_request_with_a_callback_url_is_processed_once() -> None:
    fake = FakeKakaoCallback()
    body = fixture_json("kakao", "skill_request_callback.json")
    body["userRequest"]["utterance"] = "slow 행사 일정 알려줘"
    async with serve_aiohttp(fake.app()) as callback_base:
        body["userRequest"]["callbackUrl"] = f"{callback_base}/callback/Once0123456789"
        async with kakao(EchoBot(slow_seconds=0.6), reply_budget="0.2") as (url, bot):
            first = await call(url, body, {"X-Skill-Secret": SECRET})
            copy = await call(url, body, {"X-Skill-Secret": SECRET})
            await asyncio.wait_for(fake.arrived.wait(), 5)
            await asyncio.sleep(0.3)
    assert first[1]["useCallback"] is True and copy[1]["useCallback"] is True
    assert len(bot.received) == 1 and len(fake.posts) == 1


async def test_requests_without_a_callback_url_are_each_processed() -> None:
    body = fixture_json("kakao", "skill_request.json")
    async with kakao() as (url, bot):
        for _ in range(2):
            assert (await call(url, body, {"X-Skill-Secret": SECRET}))[0] == 200
    assert len(bot.received) == 2
