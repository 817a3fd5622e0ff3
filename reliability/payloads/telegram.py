"""Malformed Telegram updates: the JSON kinds, bad callback queries, a bad secret token. Pure."""

from __future__ import annotations

import json
import zlib
from typing import Any

from hypothesis import strategies as st

from harness.requests import JSON, Request, telegram_update
from harness.secrets import Secrets
from reliability.payloads.cases import (
    BAD_REQUEST,
    FORBIDDEN,
    WORDS,
    Case,
    case_of,
    header_safe,
    is_int,
    is_str,
    renders,
    wrong,
)
from reliability.payloads.json_cases import JSON_KINDS, Slots, apply, json_body, json_cases

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
TELEGRAM_SLOTS: Slots = {
    (): lambda v: isinstance(v, dict),
    ("update_id",): is_int,
    ("message",): lambda v: isinstance(v, dict),
    ("message", "chat"): lambda v: isinstance(v, dict),
    ("message", "chat", "id"): is_int,
    ("message", "text"): is_str,
    ("message", "from"): lambda v: isinstance(v, dict),
}
TELEGRAM_REQUIRED = [("update_id",), ("message", "chat"), ("message", "chat", "id")]


def _valid(nonce: str, text: str) -> dict[str, Any]:
    number = zlib.crc32(nonce.encode())
    return telegram_update(10**9 + number, 5_000_000_000 + number % 10**6, text, "ko")


def telegram_strategies() -> dict[str, st.SearchStrategy[Case]]:
    """Telegram's kinds: the JSON ones, bad callback queries, a missing or wrong secret token."""
    kinds = json_cases("telegram", TELEGRAM_SLOTS, TELEGRAM_REQUIRED)
    kinds["bad_callback"] = (
        st.fixed_dictionaries(
            {
                "id": st.one_of(st.just(None), wrong(is_str)),
                "data": st.one_of(st.just("/ask_schedule"), wrong(is_str)),
                "chat": st.booleans(),
            }
        )
        .filter(lambda d: d["id"] is None or not is_str(d["id"]) or not is_str(d["data"]))
        .map(lambda d: Case("telegram", "bad_callback", BAD_REQUEST, d))
    )
    kinds["bad_secret"] = case_of(
        "telegram",
        "bad_secret",
        FORBIDDEN,
        given=st.one_of(st.none(), st.text(max_size=60)),
        text=WORDS,
    )
    return kinds


def _callback_update(update_id: int, data: dict[str, Any]) -> bytes:
    query: dict[str, Any] = {"from": {"id": 42, "language_code": "zh"}, "data": data["data"]}
    if data["id"] is not None:
        query["id"] = data["id"]
    if data["chat"]:
        query["message"] = {"message_id": 1, "chat": {"id": 42, "type": "private"}}
    return json.dumps({"update_id": update_id, "callback_query": query}).encode()


@renders("telegram", *JSON_KINDS, "bad_callback", "bad_secret")
def render_telegram(case: Case, secrets: Secrets, nonce: str, now: int) -> Request:
    """A Telegram case as a request."""
    valid = _valid(nonce, case.data.get("text", "안녕"))
    headers = {SECRET_HEADER: secrets.telegram_secret, **JSON}
    if case.kind == "bad_secret":
        given = case.data["given"]
        headers.pop(SECRET_HEADER)
        if given is not None and header_safe(given) != secrets.telegram_secret:
            headers[SECRET_HEADER] = header_safe(given)
        body = json.dumps(valid).encode()
    elif case.kind == "bad_callback":
        body = _callback_update(valid["update_id"], case.data)
    else:
        body = json_body(case, valid, lambda v, t: apply(v, ("message", "text"), t, False))
    return Request("telegram", body, {}, headers, case.kind, case.expect)
