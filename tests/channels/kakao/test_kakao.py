"""Kakao skill connector.

Request parsing, response rendering (validated against the documented skill
response format), and the skill server over real HTTP with a local fake callback
endpoint.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from channels.common.replies import BotMessage, Button, Card, Venue
from channels.common.store import MemoryStore
from channels.kakao import KakaoInput, KakaoSettings, skill
from harness.echobot import EchoBot
from harness.inprocess import serve_channel
from harness.platforms import FakeKakaoCallback, serve_aiohttp
from tests.support.channels import fixture_json, language_of

SECRET = "kakao-skill-secret-7f3a"

# --- a small validator for the skill response format (Kakao i Open Builder, version 2.0) ------
# From the documented format: version "2.0"; template.outputs holds 1-3 components; simpleText
# text up to 1000 characters; simpleImage needs imageUrl and altText; basicCard needs a
# thumbnail, has up to 3 buttons and a description up to 230 characters; textCard needs a
# title or a description; carousel holds 1-10 items of one card type; quickReplies up to 10
# with action "message" (messageText) or "block" (blockId); labels up to 14 characters.

URL = {"type": "string", "pattern": r"^https?://\S+$"}


def text(maximum: int, minimum: int = 1) -> dict:
    return {"type": "string", "min": minimum, "max": maximum}


def obj(properties: dict, required: tuple = (), any_of: tuple = ()) -> dict:
    return {"type": "object", "properties": properties, "required": required, "any_of": any_of}


def array(items: dict, minimum: int, maximum: int) -> dict:
    return {"type": "array", "items": items, "min": minimum, "max": maximum}


BUTTON = {"type": "button"}
THUMBNAIL = obj(
    {"imageUrl": URL, "link": {"type": "any"}, "fixedRatio": {"type": "bool"}},
    required=("imageUrl",),
)
BASIC_CARD = obj(
    {
        "title": text(50),
        "description": text(230),
        "thumbnail": THUMBNAIL,
        "buttons": array(BUTTON, 1, 3),
    },
    required=("thumbnail",),
)
TEXT_CARD = obj(
    {"title": text(50), "description": text(400), "buttons": array(BUTTON, 1, 3)},
    any_of=("title", "description"),
)
CARD_TYPES = {"basicCard": BASIC_CARD, "textCard": TEXT_CARD}
COMPONENT = {"type": "component"}
QUICK_REPLY = {"type": "quickReply"}
SKILL_RESPONSE = obj(
    {
        "version": {"type": "const", "value": "2.0"},
        "template": obj(
            {"outputs": array(COMPONENT, 1, 3), "quickReplies": array(QUICK_REPLY, 1, 10)},
            required=("outputs",),
        ),
        "context": {"type": "any"},
        "data": {"type": "any"},
        "useCallback": {"type": "bool"},
    },
    required=("version",),
    any_of=("template", "useCallback"),
)


def validate(value: Any, schema: dict, path: str = "$") -> list[str]:
    """Returns the violations of ``value`` against ``schema`` (empty when valid)."""
    kind = schema["type"]
    errors: list[str] = []
    if kind == "any":
        return errors
    if kind == "const":
        return [] if value == schema["value"] else [f"{path}: must be {schema['value']!r}"]
    if kind == "bool":
        return [] if isinstance(value, bool) else [f"{path}: must be a boolean"]
    if kind == "string":
        if not isinstance(value, str):
            return [f"{path}: must be a string"]
        if len(value) < schema.get("min", 0) or len(value) > schema.get("max", 10**9):
            errors.append(
                f"{path}: length {len(value)} outside {schema.get('min')}..{schema.get('max')}"
            )
        if "pattern" in schema and not re.match(schema["pattern"], value):
            errors.append(f"{path}: {value!r} does not match {schema['pattern']}")
        return errors
    if kind == "array":
        if not isinstance(value, list):
            return [f"{path}: must be an array"]
        if not schema["min"] <= len(value) <= schema["max"]:
            errors.append(f"{path}: {len(value)} items outside {schema['min']}..{schema['max']}")
        for index, item in enumerate(value):
            errors += validate(item, schema["items"], f"{path}[{index}]")
        return errors
    if kind == "object":
        if not isinstance(value, dict):
            return [f"{path}: must be an object"]
        for key in value:
            if key not in schema["properties"]:
                errors.append(f"{path}: unknown key {key!r}")
        for key in schema["required"]:
            if key not in value:
                errors.append(f"{path}: {key!r} is required")
        if schema["any_of"] and not any(k in value for k in schema["any_of"]):
            errors.append(f"{path}: one of {schema['any_of']} is required")
        for key, item in value.items():
            if key in schema["properties"]:
                errors += validate(item, schema["properties"][key], f"{path}.{key}")
        return errors
    if kind == "component":
        if not isinstance(value, dict) or len(value) != 1:
            return [f"{path}: a component is an object with exactly one key"]
        ((name, body),) = value.items()
        if name == "simpleText":
            return validate(body, obj({"text": text(1000)}, required=("text",)), f"{path}.{name}")
        if name == "simpleImage":
            return validate(
                body,
                obj({"imageUrl": URL, "altText": text(1000)}, required=("imageUrl", "altText")),
                f"{path}.{name}",
            )
        if name in CARD_TYPES:
            return validate(body, CARD_TYPES[name], f"{path}.{name}")
        if name == "carousel":
            if not isinstance(body, dict) or body.get("type") not in CARD_TYPES:
                return [f"{path}.carousel: type must be one of {sorted(CARD_TYPES)}"]
            schema_ = obj(
                {
                    "type": {"type": "any"},
                    "items": array(CARD_TYPES[body["type"]], 1, 10),
                    "header": {"type": "any"},
                },
                required=("type", "items"),
            )
            return validate(body, schema_, f"{path}.carousel")
        return [f"{path}: unknown component {name!r}"]
    if kind in ("button", "quickReply"):
        actions = {
            "quickReply": {"message": "messageText", "block": "blockId"},
            "button": {
                "webLink": "webLinkUrl",
                "message": "messageText",
                "phone": "phoneNumber",
                "block": "blockId",
                "share": None,
                "operator": None,
            },
        }[kind]
        if not isinstance(value, dict):
            return [f"{path}: must be an object"]
        action = value.get("action")
        if action not in actions:
            return [f"{path}: action {action!r} not allowed"]
        props = {
            "label": text(14),
            "action": {"type": "any"},
            "extra": {
                "type": "object",
                "properties": {"payload": text(10**6)},
                "required": (),
                "any_of": (),
            },
        }
        needed = actions[action]
        if needed:
            props[needed] = URL if needed == "webLinkUrl" else text(1000)
        return validate(
            value, obj(props, required=("label", "action") + ((needed,) if needed else ())), path
        )
    raise AssertionError(f"unknown schema type {kind}")


def assert_valid(response: dict) -> None:
    errors = validate(response, SKILL_RESPONSE)
    assert not errors, errors


def reply_texts(response: dict) -> list[str]:
    texts = []
    for output in response["template"]["outputs"]:
        if "simpleText" in output:
            texts.append(output["simpleText"]["text"])
    return texts


def test_validator_catches_violations() -> None:
    assert validate({"version": "2.0", "template": {"outputs": []}}, SKILL_RESPONSE)
    assert validate(
        {"version": "2.0", "template": {"outputs": [{"simpleText": {"text": "x" * 1001}}]}},
        SKILL_RESPONSE,
    )
    bad_quick = {
        "label": "열다섯 글자를 넘는 아주 긴 라벨입니다",
        "action": "message",
        "messageText": "x",
    }
    assert validate(
        {
            "version": "2.0",
            "template": {"outputs": [{"simpleText": {"text": "a"}}], "quickReplies": [bad_quick]},
        },
        SKILL_RESPONSE,
    )
    assert validate(
        {"version": "2.0", "template": {"outputs": [{"basicCard": {"title": "t"}}]}}, SKILL_RESPONSE
    )
    assert not validate(skill.text_response("안녕하세요"), SKILL_RESPONSE)


# --- pure functions ---------------------------------------------------------------------------


def test_parse_skill_request_reads_utterance_user_lang_and_callback() -> None:
    request = skill.parse_skill_request(fixture_json("kakao", "skill_request_callback.json"))
    assert request.text == request.utterance == "행사 일정 알려줘"
    assert request.user_id.startswith("8f1c2e3d") and request.lang == "ko"
    assert request.callback_url.startswith("https://bot-api.kakao.com/")


def test_quick_reply_payload_replaces_the_label() -> None:
    request = skill.parse_skill_request(fixture_json("kakao", "quick_reply_request.json"))
    assert request.utterance == "교통 안내"
    assert request.text == '/ask_transport{"origin":"airport"}'
    body = fixture_json("kakao", "quick_reply_request.json")
    body["action"]["clientExtra"] = json.dumps({"payload": "/ask_venue"})
    assert skill.parse_skill_request(body).text == "/ask_venue"


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        {},
        {"userRequest": {"utterance": "x"}},
        {"userRequest": {"user": {"id": "u"}}},
        {"userRequest": {"user": {"id": 5}, "utterance": "x"}},
    ],
)
def test_parse_skill_request_refuses_what_is_not_a_skill_request(body: Any) -> None:
    with pytest.raises(skill.SkillRequestError):
        skill.parse_skill_request(body)


def test_buttons_become_quick_replies_with_payload_in_extra() -> None:
    buttons = tuple(
        Button(f"아주 긴 버튼 제목 번호 {i}번입니다", f'/ask_schedule{{"n":{i}}}')
        for i in range(12)
    )
    response = skill.render_response([BotMessage(text="선택하세요", buttons=buttons)], "ko")
    assert_valid(response)
    quick = response["template"]["quickReplies"]
    assert len(quick) == 10 and all(len(q["label"]) <= 14 for q in quick)
    assert quick[0]["messageText"] == quick[0]["label"]
    assert quick[0]["extra"] == {"payload": '/ask_schedule{"n":0}'}


def test_long_and_many_texts_fit_three_outputs_of_1000_characters() -> None:
    long = skill.render_response([BotMessage(text="가나다라마바사 " * 300)], "ko")
    assert_valid(long)
    assert len(long["template"]["outputs"]) == 3
    many = skill.render_response([BotMessage(text=f"{i}번 답변") for i in range(6)], "ko")
    assert_valid(many)
    assert "5번 답변" in reply_texts(many)[-1]


def test_cards_venues_images_and_links_render_as_valid_components() -> None:
    venue = Venue(41.8057, 123.4315, "沈阳国际展览中心", "沈阳市苏家屯区会展路9号")
    with_images = tuple(
        Card(f"행사 {i}", "설명", image=f"https://e.org/{i}.jpg", url="https://e.org", venue=venue)
        for i in range(12)
    )
    messages = [
        BotMessage(text="행사 목록", cards=with_images),
        BotMessage(cards=(Card("태권도", "체육관", venue=venue), Card("바둑", "기원"))),
        BotMessage(
            venue=venue,
            image="https://e.org/map.png",
            buttons=(Button("홈페이지", url="https://e.org"),),
        ),
    ]
    for message in messages:
        response = skill.render_response([message], "ko")
        assert_valid(response)
    carousel = skill.render_response([messages[0]], "ko")["template"]["outputs"][1]["carousel"]
    assert carousel["type"] == "basicCard" and len(carousel["items"]) == 10
    assert carousel["items"][0]["buttons"][1]["webLinkUrl"].startswith(
        "https://www.google.com/maps"
    )
    text_cards = skill.render_response([messages[1]], "ko")["template"]["outputs"][0]["carousel"]
    assert text_cards["type"] == "textCard"
    venue_out = skill.render_response([BotMessage(venue=venue)], "zh")["template"]["outputs"][0]
    assert venue_out["textCard"]["buttons"][0]["label"] == "查看地图"


def test_empty_answer_still_has_an_output() -> None:
    response = skill.render_response([], "ko")
    assert_valid(response)
    assert language_of(reply_texts(response)[0]) == "ko"


def test_callback_ack_and_fallbacks_are_valid() -> None:
    assert_valid(skill.callback_ack("잠시만요"))
    assert_valid(skill.text_response("x" * 5000))


BUTTONS = st.builds(
    Button, title=st.text(min_size=1, max_size=30), payload=st.text(min_size=1, max_size=80)
)
URLS = st.sampled_from(["", "https://e.org/a.jpg", "http://e.org/b"])
CARDS = st.builds(
    Card,
    title=st.text(min_size=1, max_size=80),
    description=st.text(max_size=300),
    image=URLS,
    url=URLS,
    buttons=st.lists(BUTTONS, max_size=4).map(tuple),
)
MESSAGES = st.builds(
    BotMessage,
    text=st.text(max_size=2500),
    buttons=st.lists(BUTTONS, max_size=12).map(tuple),
    image=URLS,
    cards=st.lists(CARDS, max_size=12).map(tuple),
    venue=st.one_of(
        st.none(),
        st.builds(
            Venue,
            lat=st.floats(-90, 90),
            lon=st.floats(-180, 180),
            title=st.text(max_size=60),
            address=st.text(max_size=60),
        ),
    ),
)


@settings(max_examples=80, deadline=None)
@given(st.lists(MESSAGES, max_size=5), st.sampled_from(["ko", "zh", None]))
def test_every_rendered_response_is_valid(messages: list[BotMessage], language: str | None) -> None:
    assert_valid(skill.render_response(messages, language))


# --- the skill server -------------------------------------------------------------------------


@asynccontextmanager
async def kakao(bot: EchoBot | None = None, **overrides: Any) -> AsyncIterator[tuple[str, EchoBot]]:
    bot = bot or EchoBot()
    config = {"skill_secret": SECRET, **overrides}
    channel = KakaoInput(KakaoSettings.from_credentials(config), MemoryStore())
    async with serve_channel(channel, bot) as base:
        yield f"{base}/webhooks/kakao/webhook", bot
        await channel.keeper.wait_idle(5)


async def call(url: str, body: Any, headers: dict | None = None) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as session:
        data = body if isinstance(body, (str, bytes)) else json.dumps(body)
        async with session.post(
            url, data=data, headers={"Content-Type": "application/json", **(headers or {})}
        ) as reply:
            raw = await reply.text()
            try:
                return reply.status, json.loads(raw)
            except ValueError:
                return reply.status, raw


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
        await call(
            url, fixture_json("kakao", "quick_reply_request.json"), {"X-Skill-Secret": SECRET}
        )
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
        got, _ = await call(url + path, fixture_json("kakao", "skill_request.json"), headers)
    assert got == status
    assert len(bot.received) == (1 if status == 200 else 0)


@pytest.mark.parametrize("body", ["{not json", "[]", json.dumps({"userRequest": {}})])
async def test_unparsable_requests_get_400(body: str) -> None:
    async with kakao() as (url, bot):
        status, _ = await call(url, body, {"X-Skill-Secret": SECRET})
    assert status == 400 and not bot.received


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
    assert language_of(reply_texts(response)[0]) == "ko" and "다시" in reply_texts(response)[0]


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
