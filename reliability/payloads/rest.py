"""Malformed REST requests: the JSON kinds (the channel has no credentials). Pure."""

from __future__ import annotations

from hypothesis import strategies as st

from harness.requests import JSON, Request
from harness.secrets import Secrets
from reliability.payloads.cases import Case, is_str, renders
from reliability.payloads.json_cases import JSON_KINDS, Slots, json_body, json_cases

REST_SLOTS: Slots = {
    (): lambda v: isinstance(v, dict),
    ("sender",): lambda v: is_str(v) and bool(v.strip()),
    ("message",): is_str,
    ("metadata",): lambda v: v is None or isinstance(v, dict),
}
REST_REQUIRED = [("sender",), ("message",)]


def rest_strategies() -> dict[str, st.SearchStrategy[Case]]:
    """REST's kinds: the JSON ones."""
    return json_cases("rest", REST_SLOTS, REST_REQUIRED)


@renders("rest", *JSON_KINDS)
def render_rest(case: Case, secrets: Secrets, nonce: str, now: int) -> Request:
    """A REST case as a request."""
    valid = {"sender": f"relbad-{nonce}", "message": case.data.get("text", "你好"), "metadata": {}}
    body = json_body(case, valid, lambda v, t: {**v, "message": t})
    return Request("rest", body, {}, dict(JSON), case.kind, case.expect)
