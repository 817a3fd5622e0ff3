"""The skill response schema (tests/support) refuses what Kakao refuses.

Each case breaks one documented limit of a valid response; the schema must
name a violation for it, and accept the valid responses the connector builds.
"""

from __future__ import annotations

from typing import Any

import pytest

from channels.kakao import skill
from tests.support.kakao_schema import violations

TEXT = {"simpleText": {"text": "a"}}
BUTTON = {"label": "지도", "action": "webLink", "webLinkUrl": "https://e.org"}
THUMBNAIL = {"imageUrl": "https://e.org/a.jpg"}


def response(*outputs: Any, **template: Any) -> dict[str, Any]:
    return {"version": "2.0", "template": {"outputs": list(outputs), **template}}


def test_validator_catches_violations() -> None:
    assert violations({"version": "2.0", "template": {"outputs": []}})
    assert violations(
        {"version": "2.0", "template": {"outputs": [{"simpleText": {"text": "x" * 1001}}]}}
    )
    bad_quick = {
        "label": "열다섯 글자를 넘는 아주 긴 라벨입니다",
        "action": "message",
        "messageText": "x",
    }
    assert violations(
        {
            "version": "2.0",
            "template": {"outputs": [{"simpleText": {"text": "a"}}], "quickReplies": [bad_quick]},
        }
    )
    assert violations({"version": "2.0", "template": {"outputs": [{"basicCard": {"title": "t"}}]}})
    assert not violations(skill.text_response("안녕하세요"))


QUICK = {"label": "일정", "action": "message", "messageText": "일정"}

BROKEN = {
    "version other than 2.0": {"version": "1.0", "template": {"outputs": [TEXT]}},
    "neither template nor useCallback": {"version": "2.0"},
    "unknown top-level key": {**response(TEXT), "extra": 1},
    "four outputs": response(TEXT, TEXT, TEXT, TEXT),
    "empty text": response({"simpleText": {"text": ""}}),
    "two components in one output": response({**TEXT, "simpleImage": {}}),
    "unknown component": response({"itemCard": {"title": "t"}}),
    "image without altText": response({"simpleImage": {"imageUrl": "https://e.org/a.png"}}),
    "image URL not http": response({"simpleImage": {"imageUrl": "ftp://e", "altText": "a"}}),
    "basicCard description over 230": response(
        {"basicCard": {"thumbnail": THUMBNAIL, "description": "x" * 231}}
    ),
    "basicCard with four buttons": response(
        {"basicCard": {"thumbnail": THUMBNAIL, "buttons": [BUTTON] * 4}}
    ),
    "textCard without title or description": response({"textCard": {"buttons": [BUTTON]}}),
    "textCard title over 50": response({"textCard": {"title": "x" * 51}}),
    "button without its target": response(
        {"textCard": {"title": "t", "buttons": [{"label": "a", "action": "webLink"}]}}
    ),
    "button with an unknown action": response(
        {"textCard": {"title": "t", "buttons": [{**BUTTON, "action": "open"}]}}
    ),
    "listCard with six items": response(
        {"listCard": {"header": {"title": "h"}, "items": [{"title": "i"}] * 6}}
    ),
    "listCard with three buttons": response(
        {
            "listCard": {
                "header": {"title": "h"},
                "items": [{"title": "i"}],
                "buttons": [BUTTON] * 3,
            }
        }
    ),
    "carousel of eleven cards": response(
        {"carousel": {"type": "textCard", "items": [{"title": "t"}] * 11}}
    ),
    "carousel mixing card types": response(
        {"carousel": {"type": "basicCard", "items": [{"title": "t"}]}}
    ),
    "eleven quick replies": response(TEXT, quickReplies=[QUICK] * 11),
    "quick reply without messageText": response(
        TEXT, quickReplies=[{"label": "일정", "action": "message"}]
    ),
    "quick reply linking a web page": response(
        TEXT, quickReplies=[{"label": "웹", "action": "webLink", "webLinkUrl": "https://e.org"}]
    ),
    "quick reply with an unknown key": response(TEXT, quickReplies=[{**QUICK, "x": 1}]),
    "empty payload in extra": response(TEXT, quickReplies=[{**QUICK, "extra": {"payload": ""}}]),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_each_broken_limit_is_a_violation(case: str) -> None:
    assert violations(BROKEN[case]), case


def test_the_limits_themselves_are_allowed() -> None:
    full = response(
        {"simpleText": {"text": "가" * 1000}},
        {"basicCard": {"thumbnail": THUMBNAIL, "description": "x" * 230, "buttons": [BUTTON] * 3}},
        {"carousel": {"type": "textCard", "items": [{"title": "t" * 50}] * 10}},
        quickReplies=[{**QUICK, "label": "가" * 14, "extra": {"payload": "/ask_schedule"}}] * 10,
    )
    assert not violations(full)
    assert not violations(skill.callback_ack("잠시만요"))
