"""Reading skill requests (pure)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from channels.common.errors import BadRequest
from channels.kakao import skill
from tests.support.channels import fixture_json


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
    with pytest.raises(BadRequest):
        skill.parse_skill_request(body)
