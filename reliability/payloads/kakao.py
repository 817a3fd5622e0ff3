"""Malformed Kakao skill requests: the JSON kinds, and a missing, wrong or misplaced secret."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

from harness.requests import JSON, Request, kakao_skill
from harness.secrets import Secrets
from reliability.payloads.cases import (
    FORBIDDEN,
    WORDS,
    Case,
    case_of,
    header_safe,
    is_str,
    path_safe,
    renders,
)
from reliability.payloads.json_cases import JSON_KINDS, Slots, apply, json_body, json_cases

KAKAO_SLOTS: Slots = {
    (): lambda v: isinstance(v, dict),
    ("userRequest",): lambda v: isinstance(v, dict),
    ("userRequest", "user"): lambda v: isinstance(v, dict),
    ("userRequest", "user", "id"): lambda v: is_str(v) and bool(v),
    ("userRequest", "utterance"): is_str,
}
KAKAO_REQUIRED = [
    ("userRequest",),
    ("userRequest", "user"),
    ("userRequest", "user", "id"),
    ("userRequest", "utterance"),
]
SECRET_PLACES = ["missing", "header", "path", "empty", "case", "prefix"]


def kakao_strategies() -> dict[str, st.SearchStrategy[Case]]:
    """Kakao's kinds: the JSON ones and a missing, wrong or misplaced secret."""
    kinds = json_cases("kakao", KAKAO_SLOTS, KAKAO_REQUIRED)
    kinds["bad_secret"] = case_of(
        "kakao",
        "bad_secret",
        FORBIDDEN,
        where=st.sampled_from(SECRET_PLACES),
        given=st.text(max_size=40),
        text=WORDS,
    )
    return kinds


def _bad_secret(data: dict[str, Any], secret: str, headers: dict[str, str]) -> str:
    """Damages the secret in ``headers`` as ``data`` says; returns the path to post to."""
    where, given = data["where"], data["given"]
    headers.pop("X-Skill-Secret")
    if where == "header" and given != secret:
        headers["X-Skill-Secret"] = header_safe(given) or "x"
    elif where == "path":
        return "/webhooks/kakao/webhook/" + (path_safe(given) or "wrong")
    elif where == "empty":
        headers["X-Skill-Secret"] = ""
    elif where == "case":
        headers["X-Skill-Secret"] = secret.swapcase()
    elif where == "prefix":
        headers["X-Skill-Secret"] = secret[:-1]
    return ""


@renders("kakao", *JSON_KINDS, "bad_secret")
def render_kakao(case: Case, secrets: Secrets, nonce: str, now: int) -> Request:
    """A Kakao case as a request."""
    valid = kakao_skill(f"relbad{nonce}", case.data.get("text", "안녕"))
    headers = {"X-Skill-Secret": secrets.kakao_secret, **JSON}
    path = ""
    if case.kind == "bad_secret":
        path = _bad_secret(case.data, secrets.kakao_secret, headers)
        body = json.dumps(valid).encode()
    else:
        utterance = ("userRequest", "utterance")
        body = json_body(case, valid, lambda v, t: apply(v, utterance, t, False))
    return Request("kakao", body, {}, headers, case.kind, case.expect, path)
