"""The damage every JSON webhook (Kakao, Telegram, REST) gets, and its bodies. Pure.

Not JSON at all, non-UTF-8 bytes, nesting thousands deep, 1 MB bodies, a wrong
JSON type in a slot the connector reads, and a missing required field. Each
channel names its slots (path → what a right value is) and required paths.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from reliability.payloads.cases import (
    BAD_REQUEST,
    DEPTH,
    HUGE_SIZE,
    NON_UTF8,
    TOO_LARGE,
    WORDS,
    Case,
    case_of,
    wrong,
)

JSON_KINDS = ("not_json", "non_utf8", "deep_nesting", "huge", "wrong_types", "missing_fields")
Slots = dict[tuple[str, ...], Callable[[Any], bool]]


def apply(body: Any, path: tuple[str, ...], value: Any, delete: bool) -> Any:
    """``body`` with the value at ``path`` replaced (or deleted); an empty path is the body."""
    if not path:
        return value
    result = copy.deepcopy(body)
    node = result
    for key in path[:-1]:
        node = node[key]
    if delete:
        node.pop(path[-1], None)
    else:
        node[path[-1]] = value
    return result


def _parses_to_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except (ValueError, RecursionError):
        return False


def json_cases(
    channel: str, slots: Slots, required: list[tuple[str, ...]]
) -> dict[str, st.SearchStrategy[Case]]:
    """Kinds every JSON webhook gets: not JSON, non-UTF-8, deep nesting, 1 MB, types, fields."""
    wrong_type = st.sampled_from(sorted(slots)).flatmap(
        lambda path: wrong(slots[path]).map(lambda value: (path, value))
    )
    not_json = st.one_of(
        st.text(max_size=300).filter(lambda t: not _parses_to_object(t)),
        st.just(""),
        st.sampled_from(['{"update_id": 1', "{'a': 1}", "[1, 2", '{"a": NaN}', "{}}"]),
    )
    shapes = st.sampled_from(["junk", "padded", "long_text"])
    return {
        "not_json": case_of(channel, "not_json", BAD_REQUEST, text=not_json, text_seed=WORDS),
        "non_utf8": case_of(channel, "non_utf8", BAD_REQUEST, raw=NON_UTF8),
        "deep_nesting": case_of(
            channel, "deep_nesting", BAD_REQUEST, depth=DEPTH, opener=st.sampled_from("[{")
        ),
        "huge": case_of(channel, "huge", TOO_LARGE, size=HUGE_SIZE, shape=shapes, text=WORDS),
        "wrong_types": case_of(channel, "wrong_types", BAD_REQUEST, slot=wrong_type, text=WORDS),
        "missing_fields": case_of(
            channel, "missing_fields", BAD_REQUEST, path=st.sampled_from(required), text=WORDS
        ),
    }


def _deep(depth: int, opener: str) -> str:
    return ("[" * depth + "]" * depth) if opener == "[" else ('{"a":' * depth + "1" + "}" * depth)


def json_body(case: Case, valid: dict[str, Any], long_text: Callable[[dict, str], dict]) -> bytes:
    """The body of a JSON channel's case, from a valid body of that channel.

    Args:
        case: One of the ``JSON_KINDS``.
        valid: A well-formed body of the channel.
        long_text: Puts a text into a body where the channel reads the message.
    """
    data = case.data
    if case.kind == "not_json":
        return str(data["text"]).encode("utf-8")
    if case.kind == "non_utf8":
        return bytes(data["raw"])
    if case.kind == "deep_nesting":
        return _deep(data["depth"], data["opener"]).encode()
    if case.kind == "huge":
        size = data["size"]
        if data["shape"] == "junk":
            return (b'{"x": "' + b"A" * size)[:size]
        if data["shape"] == "padded":
            return json.dumps({**valid, "padding": "A" * size}).encode()
        return json.dumps(long_text(valid, "가" * (size // 3 + 1))).encode()
    if case.kind == "wrong_types":
        path, value = data["slot"]
        return json.dumps(apply(valid, path, value, False)).encode()
    if case.kind == "missing_fields":
        return json.dumps(apply(valid, data["path"], None, True)).encode()
    raise KeyError(case.kind)
