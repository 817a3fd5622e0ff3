"""The skill server over real HTTP, with a local fake callback endpoint.

Every skill response it returns or posts is checked against the schema.
"""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from channels.common.catalog import say
from channels.kakao import KakaoInput
from harness.echobot import EchoBot
from harness.platforms import FakeKakaoCallback, serve_aiohttp
from tests.channels.kakao.client import SECRET, call, kakao, reply_texts
from tests.support.channels import fixture_json, language_of
from tests.support.kakao_schema import assert_valid_skill_response as assert_valid


async def test_skill_request_with_header_secret_gets_korean_reply_and_metadata() -> None:
    async with kakao() as (url, bot):
        status, response = await call(
            url, fixture_json("kakao", "skill_request.json"), {"X-Skill-Secret": SECRET}
        )
    assert status == 200
    assert_valid(response)
    assert language_of(reply_texts(response)[0]) == "ko"
    assert response["template"]["quickReplies"][0]["extra"] == {"payload": "/ask_schedule"}
    message = bot.received[0]
    assert message.text == "푸드 페스티벌은 어디서 해요?" and message.input_channel == "kakao"
    assert message.metadata == {
        "platform": "kakao",
        "default_language": "ko",
        "user_id": message.sender_id,
    }


async def test_chinese_text_decides_the_reply_language() -> None:
    async with kakao() as (url, _):
        _, response = await call(
            f"{url}/{SECRET}", fixture_json("kakao", "skill_request_chinese.json")
        )
    assert_valid(response)
    assert language_of(reply_texts(response)[0]) == "zh"


async def test_quick_reply_sends_payload_to_rasa() -> None:
    async with kakao() as (url, bot):
        _, response = await call(
            url, fixture_json("kakao", "quick_reply_request.json"), {"X-Skill-Secret": SECRET}
        )
    assert_valid(response)
    assert bot.received[0].text == '/ask_transport{"origin":"airport"}'


@pytest.mark.parametrize(
    "where, path, headers, status",
    [
        ("any", "", {}, 403),
        ("any", "", {"X-Skill-Secret": "wrong"}, 403),
        ("any", "/wrong", {}, 403),
        ("any", f"/{SECRET}", {}, 200),
        ("header", f"/{SECRET}", {}, 403),
        ("path", "", {"X-Skill-Secret": SECRET}, 403),
        ("path", f"/{SECRET}", {}, 200),
        ("header", "", {"X-Kw-Secret": SECRET}, 200),
    ],
)
async def test_secret_is_required_where_configured(
    where: str, path: str, headers: dict, status: int
) -> None:
    header = "X-Kw-Secret" if "X-Kw-Secret" in headers else "X-Skill-Secret"
    async with kakao(secret_in=where, secret_header=header) as (url, bot):
        got, body = await call(url + path, fixture_json("kakao", "skill_request.json"), headers)
    assert got == status
    if status == 200:
        assert_valid(body)
    else:
        assert body == {"error": "forbidden", "reason": "bad secret"}
    assert len(bot.received) == (1 if status == 200 else 0)


@pytest.mark.parametrize("body", ["{not json", "[]", json.dumps({"userRequest": {}})])
async def test_unparsable_requests_get_400(body: str) -> None:
    async with kakao() as (url, bot):
        status, refusal = await call(url, body, {"X-Skill-Secret": SECRET})
    assert status == 400 and not bot.received
    assert refusal["error"] == "bad request" and refusal["reason"]


async def test_slow_answer_with_callback_url_uses_callback_once() -> None:
    fake = FakeKakaoCallback()
    body = fixture_json("kakao", "skill_request_callback.json")
    body["userRequest"]["utterance"] = "slow 행사 일정 알려줘"
    async with serve_aiohttp(fake.app()) as callback_base:
        body["userRequest"]["callbackUrl"] = f"{callback_base}/callback/AbCdEf0123456789"
        async with kakao(EchoBot(slow_seconds=0.6), reply_budget="0.2") as (url, _):
            started = time.monotonic()
            status, response = await call(url, body, {"X-Skill-Secret": SECRET})
            assert time.monotonic() - started < 0.6
            assert status == 200 and response["useCallback"] is True
            assert_valid(response)
            assert language_of(response["data"]["text"]) == "ko"
            await asyncio.wait_for(fake.arrived.wait(), 5)
        await asyncio.sleep(0.1)
    assert len(fake.posts) == 1
    assert_valid(fake.posts[0])
    assert language_of(reply_texts(fake.posts[0])[0]) == "ko"


async def test_slow_answer_without_callback_returns_busy_fallback_in_time() -> None:
    body = fixture_json("kakao", "skill_request.json")
    body["userRequest"]["utterance"] = "slow 일정"
    async with kakao(EchoBot(slow_seconds=0.6), reply_budget="0.2") as (url, _):
        started = time.monotonic()
        status, response = await call(url, body, {"X-Skill-Secret": SECRET})
        assert time.monotonic() - started < 0.6
    assert status == 200
    assert_valid(response)
    text = reply_texts(response)[0]
    # The message is still being processed: the fallback asks for no resend.
    assert language_of(text) == "ko" and text == say("busy", "ko") and "다시 보내" not in text


async def test_processing_error_returns_valid_error_text() -> None:
    body = fixture_json("kakao", "skill_request.json")
    body["userRequest"]["utterance"] = "boom 일정"
    async with kakao() as (url, _):
        status, response = await call(url, body, {"X-Skill-Secret": SECRET})
    assert status == 200
    assert_valid(response)
    assert "오류" in reply_texts(response)[0]


async def test_cards_and_venues_from_the_bot_are_valid_over_http() -> None:
    body = fixture_json("kakao", "skill_request.json")
    body["userRequest"]["utterance"] = "cards venue 행사"
    async with kakao() as (url, _):
        _, response = await call(url, body, {"X-Skill-Secret": SECRET})
    assert_valid(response)
    kinds = [next(iter(o)) for o in response["template"]["outputs"]]
    assert kinds == ["simpleText", "textCard", "carousel"]


def test_from_credentials_fails_loudly_without_secret() -> None:
    with pytest.raises(ValueError, match="KAKAO_SKILL_SECRET"):
        KakaoInput.from_credentials({"skill_secret": ""})
    with pytest.raises(ValueError, match="secret_in"):
        KakaoInput.from_credentials({"skill_secret": "s", "secret_in": "cookie"})
