"""Malformed and hostile webhook requests, generated with hypothesis. Pure.

A strategy draws a ``Case``: the channel, the kind of damage, the statuses that
are right for it, and the ingredients hypothesis chose (random text, a nesting
depth, which field gets which wrong value). ``render`` turns a case into a
``Request`` with a fresh nonce and timestamp, signed with the run's secrets
wherever the damage is not the signature itself, so each request reaches the
check it is aimed at. Renderers register per (channel, kind) with ``@renders``.

Kinds: broken XML, DTDs and entity expansion (billion laughs, external and
parameter entities), bad base64, bad ciphertext, a wrong AES key or AppID,
non-UTF-8 bodies, 1 MB bodies, JSON nested a hundred thousand deep, wrong JSON
types and missing fields, and wrong, missing or stale credentials.
"""

from __future__ import annotations

import base64
import copy
import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from harness.requests import Request, kakao_skill, telegram_update, wechat_envelope
from harness.secrets import Secrets
from harness.wechat import aes_key, envelope_xml, message_xml, seal, sign, text_fields

BAD_REQUEST, FORBIDDEN, TOO_LARGE = (400,), (403,), (413,)
MEGABYTE = 1_048_576


@dataclass(frozen=True)
class Case:
    """One malformed request before signing: channel, kind, right statuses, ingredients."""

    channel: str
    kind: str
    expect: tuple[int, ...]
    data: dict[str, Any] = field(default_factory=dict, hash=False)


Renderer = Callable[[Case, Secrets, str, int], Request]
_RENDERERS: dict[tuple[str, str], Renderer] = {}


def renders(channel: str, *kinds: str) -> Callable[[Renderer], Renderer]:
    """Registers the renderer of some kinds of a channel's cases."""

    def register(function: Renderer) -> Renderer:
        for kind in kinds:
            _RENDERERS[(channel, kind)] = function
        return function

    return register


def render(case: Case, secrets: Secrets, nonce: str, now: int) -> Request:
    """The request of a case, signed with ``secrets`` where the damage is elsewhere.

    Args:
        case: What to send.
        secrets: The run's credentials.
        nonce: Never used before (WeChat refuses a reused nonce with 403).
        now: Unix seconds (WeChat refuses a timestamp five minutes off).
    """
    return _RENDERERS[(case.channel, case.kind)](case, secrets, nonce, now)


# --- ingredients ---------------------------------------------------------------------------

JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
JSON_VALUES = st.one_of(
    JSON_SCALARS,
    st.lists(JSON_SCALARS, max_size=3),
    st.dictionaries(st.text(max_size=8), JSON_SCALARS, max_size=3),
)
#: Byte sequences UTF-8 never produces: 0xFF, a bad continuation, a surrogate, a 5-byte form.
INVALID_UTF8 = [b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80"]
NON_UTF8 = st.tuples(
    st.binary(max_size=200), st.sampled_from(INVALID_UTF8), st.binary(max_size=200)
).map(lambda parts: parts[0] + parts[1] + parts[2])
HUGE_SIZE = st.integers(min_value=MEGABYTE, max_value=MEGABYTE + 4096)
DEPTH = st.integers(min_value=2_000, max_value=40_000)
#: Visitor-like text: no control characters or lone surrogates, which XML cannot carry.
WORDS = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=40)


def _is_str(value: Any) -> bool:
    return isinstance(value, str)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def wrong(accept: Callable[[Any], bool]) -> st.SearchStrategy[Any]:
    """JSON values that ``accept`` refuses (a wrong type for that slot)."""
    return JSON_VALUES.filter(lambda value: not accept(value))


def _deep(depth: int, opener: str) -> str:
    return ("[" * depth + "]" * depth) if opener == "[" else ('{"a":' * depth + "1" + "}" * depth)


# --- shared by the JSON channels --------------------------------------------------------------

JsonBody = Callable[[dict[str, Any]], dict[str, Any]]


def _apply(body: Any, path: tuple[str, ...], value: Any, delete: bool) -> Any:
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


def json_cases(
    channel: str,
    slots: dict[tuple[str, ...], Callable[[Any], bool]],
    required: list[tuple[str, ...]],
) -> dict[str, st.SearchStrategy[Case]]:
    """Kinds every JSON webhook gets: not JSON, non-UTF-8, deep nesting, 1 MB, types, fields."""

    def case(kind: str, expect: tuple[int, ...], **data: Any) -> st.SearchStrategy[Case]:
        return st.fixed_dictionaries(data).map(lambda d: Case(channel, kind, expect, d))

    wrong_type = st.sampled_from(sorted(slots)).flatmap(
        lambda path: wrong(slots[path]).map(lambda value: (path, value))
    )
    return {
        "not_json": case(
            "not_json",
            BAD_REQUEST,
            text=st.one_of(
                st.text(max_size=300).filter(lambda t: not _parses_to_object(t)),
                st.just(""),
                st.sampled_from(['{"update_id": 1', "{'a': 1}", "[1, 2", '{"a": NaN}', "{}}"]),
            ),
            text_seed=WORDS,
        ),
        "non_utf8": case("non_utf8", BAD_REQUEST, raw=NON_UTF8),
        "deep_nesting": case(
            "deep_nesting", BAD_REQUEST, depth=DEPTH, opener=st.sampled_from("[{")
        ),
        "huge": case(
            "huge",
            TOO_LARGE,
            size=HUGE_SIZE,
            shape=st.sampled_from(["junk", "padded", "long_text"]),
            text=WORDS,
        ),
        "wrong_types": case("wrong_types", BAD_REQUEST, slot=wrong_type, text=WORDS),
        "missing_fields": case(
            "missing_fields", BAD_REQUEST, path=st.sampled_from(required), text=WORDS
        ),
    }


def _parses_to_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except (ValueError, RecursionError):
        return False


def json_body(case: Case, valid: dict[str, Any], long_text: Callable[[dict, str], dict]) -> bytes:
    """The body of a JSON channel's case, from a valid body of that channel."""
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
        return json.dumps(_apply(valid, path, value, False)).encode()
    if case.kind == "missing_fields":
        return json.dumps(_apply(valid, data["path"], None, True)).encode()
    raise KeyError(case.kind)


# --- Kakao ---------------------------------------------------------------------------------

KAKAO_SLOTS: dict[tuple[str, ...], Callable[[Any], bool]] = {
    (): lambda v: isinstance(v, dict),
    ("userRequest",): lambda v: isinstance(v, dict),
    ("userRequest", "user"): lambda v: isinstance(v, dict),
    ("userRequest", "user", "id"): lambda v: _is_str(v) and bool(v),
    ("userRequest", "utterance"): _is_str,
}
KAKAO_REQUIRED = [
    ("userRequest",),
    ("userRequest", "user"),
    ("userRequest", "user", "id"),
    ("userRequest", "utterance"),
]
JSON_KINDS = ("not_json", "non_utf8", "deep_nesting", "huge", "wrong_types", "missing_fields")


def kakao_strategies() -> dict[str, st.SearchStrategy[Case]]:
    """Kakao's kinds: the JSON ones and a missing, wrong or misplaced secret."""
    kinds = json_cases("kakao", KAKAO_SLOTS, KAKAO_REQUIRED)
    kinds["bad_secret"] = st.fixed_dictionaries(
        {
            "where": st.sampled_from(["missing", "header", "path", "empty", "case", "prefix"]),
            "given": st.text(max_size=40),
            "text": WORDS,
        }
    ).map(lambda d: Case("kakao", "bad_secret", FORBIDDEN, d))
    return kinds


@renders("kakao", *JSON_KINDS, "bad_secret")
def _kakao(case: Case, secrets: Secrets, nonce: str, now: int) -> Request:
    valid = kakao_skill(f"relbad{nonce}", case.data.get("text", "안녕"))
    headers = {"X-Skill-Secret": secrets.kakao_secret, "Content-Type": "application/json"}
    path = ""
    if case.kind == "bad_secret":
        where, given = case.data["where"], case.data["given"]
        headers.pop("X-Skill-Secret")
        if where == "header" and given != secrets.kakao_secret:
            headers["X-Skill-Secret"] = _header_safe(given) or "x"
        elif where == "path":
            path = "/webhooks/kakao/webhook/" + (_path_safe(given) or "wrong")
        elif where == "empty":
            headers["X-Skill-Secret"] = ""
        elif where == "case":
            headers["X-Skill-Secret"] = secrets.kakao_secret.swapcase()
        elif where == "prefix":
            headers["X-Skill-Secret"] = secrets.kakao_secret[:-1]
        body = json.dumps(valid).encode()
    else:
        utterance = ("userRequest", "utterance")
        body = json_body(case, valid, lambda v, t: _apply(v, utterance, t, False))
    return Request("kakao", body, {}, headers, case.kind, case.expect, path)


def _header_safe(text: str) -> str:
    return "".join(ch for ch in text if 0x21 <= ord(ch) < 0x7F)


def _path_safe(text: str) -> str:
    return "".join(ch for ch in text if ch.isascii() and (ch.isalnum() or ch in "-_."))


# --- Telegram ------------------------------------------------------------------------------


def _tg_valid(nonce: str, text: str) -> dict[str, Any]:
    number = zlib.crc32(nonce.encode())
    return telegram_update(10**9 + number, 5_000_000_000 + number % 10**6, text, "ko")


TELEGRAM_SLOTS: dict[tuple[str, ...], Callable[[Any], bool]] = {
    (): lambda v: isinstance(v, dict),
    ("update_id",): _is_int,
    ("message",): lambda v: isinstance(v, dict),
    ("message", "chat"): lambda v: isinstance(v, dict),
    ("message", "chat", "id"): _is_int,
    ("message", "text"): _is_str,
    ("message", "from"): lambda v: isinstance(v, dict),
}
TELEGRAM_REQUIRED = [("update_id",), ("message", "chat"), ("message", "chat", "id")]


def telegram_strategies() -> dict[str, st.SearchStrategy[Case]]:
    """Telegram's kinds: the JSON ones, bad callback queries, a missing or wrong secret token."""
    kinds = json_cases("telegram", TELEGRAM_SLOTS, TELEGRAM_REQUIRED)
    kinds["bad_callback"] = (
        st.fixed_dictionaries(
            {
                "id": st.one_of(st.just(None), wrong(_is_str)),
                "data": st.one_of(st.just("/ask_schedule"), wrong(_is_str)),
                "chat": st.booleans(),
            }
        )
        .filter(lambda d: d["id"] is None or not _is_str(d["id"]) or not _is_str(d["data"]))
        .map(lambda d: Case("telegram", "bad_callback", BAD_REQUEST, d))
    )
    kinds["bad_secret"] = st.fixed_dictionaries(
        {"given": st.one_of(st.none(), st.text(max_size=60)), "text": WORDS}
    ).map(lambda d: Case("telegram", "bad_secret", FORBIDDEN, d))
    return kinds


@renders("telegram", *JSON_KINDS, "bad_callback", "bad_secret")
def _telegram(case: Case, secrets: Secrets, nonce: str, now: int) -> Request:
    valid = _tg_valid(nonce, case.data.get("text", "안녕"))
    headers = {
        "X-Telegram-Bot-Api-Secret-Token": secrets.telegram_secret,
        "Content-Type": "application/json",
    }
    if case.kind == "bad_secret":
        given = case.data["given"]
        headers.pop("X-Telegram-Bot-Api-Secret-Token")
        if given is not None and _header_safe(given) != secrets.telegram_secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = _header_safe(given)
        body = json.dumps(valid).encode()
    elif case.kind == "bad_callback":
        query: dict[str, Any] = {
            "from": {"id": 42, "language_code": "zh"},
            "data": case.data["data"],
        }
        if case.data["id"] is not None:
            query["id"] = case.data["id"]
        if case.data["chat"]:
            query["message"] = {"message_id": 1, "chat": {"id": 42, "type": "private"}}
        body = json.dumps({"update_id": valid["update_id"], "callback_query": query}).encode()
    else:
        body = json_body(case, valid, lambda v, t: _apply(v, ("message", "text"), t, False))
    return Request("telegram", body, {}, headers, case.kind, case.expect)


# --- REST ----------------------------------------------------------------------------------

REST_SLOTS: dict[tuple[str, ...], Callable[[Any], bool]] = {
    (): lambda v: isinstance(v, dict),
    ("sender",): lambda v: _is_str(v) and bool(v.strip()),
    ("message",): _is_str,
    ("metadata",): lambda v: v is None or isinstance(v, dict),
}
REST_REQUIRED = [("sender",), ("message",)]


def rest_strategies() -> dict[str, st.SearchStrategy[Case]]:
    """REST's kinds: the JSON ones (the channel has no credentials)."""
    return json_cases("rest", REST_SLOTS, REST_REQUIRED)


@renders("rest", *JSON_KINDS)
def _rest(case: Case, secrets: Secrets, nonce: str, now: int) -> Request:
    valid = {"sender": f"relbad-{nonce}", "message": case.data.get("text", "你好"), "metadata": {}}
    body = json_body(case, valid, lambda v, t: {**v, "message": t})
    return Request("rest", body, {}, {"Content-Type": "application/json"}, case.kind, case.expect)


# --- WeChat --------------------------------------------------------------------------------

_BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
ENTITY_ATTACKS = [
    "billion_laughs",
    "external_file",
    "external_http",
    "parameter",
    "doctype_only",
    "spaced",
]
XML_FIELDS = ["ToUserName", "FromUserName", "MsgType", "Content", "MsgId", "CreateTime"]


def wechat_strategies() -> dict[str, st.SearchStrategy[Case]]:
    """WeChat's kinds (safe mode, so every message must be sealed)."""

    def case(kind: str, expect: tuple[int, ...], **data: Any) -> st.SearchStrategy[Case]:
        return st.fixed_dictionaries(data).map(lambda d: Case("wechat", kind, expect, d))

    return {
        "broken_xml": case(
            "broken_xml",
            BAD_REQUEST,
            shape=st.sampled_from(["junk", "truncated", "mismatched", "no_root", "empty"]),
            text=st.text(max_size=300),
            cut=st.floats(min_value=0.0, max_value=0.99),
        ),
        "entity_expansion": case(
            "entity_expansion",
            BAD_REQUEST,
            attack=st.sampled_from(ENTITY_ATTACKS),
            depth=st.integers(2, 12),
            width=st.integers(2, 12),
            sealed=st.booleans(),
        ),
        "bad_base64": case(
            "bad_base64",
            BAD_REQUEST,
            encrypt=st.text(
                alphabet=_BASE64 + "!#$%*()-_~.,;:?@^", min_size=1, max_size=400
            ).filter(lambda t: not set(t) <= set(_BASE64) or len(t.rstrip("=")) % 4 == 1),
        ),
        "bad_ciphertext": case(
            "bad_ciphertext", BAD_REQUEST, raw=st.binary(min_size=1, max_size=600)
        ),
        "wrong_key": case(
            "wrong_key", BAD_REQUEST, key=st.binary(min_size=32, max_size=32), text=WORDS
        ),
        "wrong_appid": case("wrong_appid", BAD_REQUEST, appid=st.text(max_size=30), text=WORDS),
        "non_utf8": case("non_utf8", BAD_REQUEST, raw=NON_UTF8, sealed=st.booleans()),
        "huge": case(
            "huge",
            TOO_LARGE,
            size=HUGE_SIZE,
            shape=st.sampled_from(["junk", "sealed_padding", "long_text"]),
        ),
        "missing_fields": case(
            "missing_fields",
            BAD_REQUEST,
            drop=st.sets(st.sampled_from(["ToUserName", "FromUserName", "MsgType"]), min_size=1),
            blank=st.booleans(),
            text=WORDS,
        ),
        "wrong_types": case(
            "wrong_types",
            BAD_REQUEST,
            field=st.sampled_from(XML_FIELDS + ["Location_X"]),
            shape=st.sampled_from(["nested", "repeated", "attribute"]),
            text=WORDS,
        ),
        "plain_in_safe_mode": case("plain_in_safe_mode", BAD_REQUEST, text=WORDS),
        "bad_signature": case(
            "bad_signature",
            FORBIDDEN,
            which=st.sampled_from(["signature", "msg_signature"]),
            given=st.one_of(
                st.none(),
                st.text(max_size=50),
                st.text(alphabet="0123456789abcdef", min_size=40, max_size=40),
            ),
        ),
        "stale_timestamp": case(
            "stale_timestamp",
            FORBIDDEN,
            offset=st.one_of(st.integers(330, 10**9), st.integers(-(10**9), -330)),
            garbage=st.one_of(
                st.none(),
                st.text(max_size=12).filter(lambda t: not t.strip().lstrip("-").isdigit()),
            ),
        ),
    }


def _entity_attack(attack: str, depth: int, width: int) -> str:
    if attack == "billion_laughs":
        lines = ['<!ENTITY lol0 "lol">']
        for level in range(1, depth + 1):
            lines.append(f'<!ENTITY lol{level} "' + f"&lol{level - 1};" * width + '">')
        doctype = f"<!DOCTYPE xml [{''.join(lines)}]>"
        return f'<?xml version="1.0"?>{doctype}<xml><Content>&lol{depth};</Content></xml>'
    if attack == "external_file":
        doctype = '<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        return doctype + "<xml><Content>&xxe;</Content></xml>"
    if attack == "external_http":
        return '<!DOCTYPE xml SYSTEM "http://127.0.0.1:9/evil.dtd"><xml><Content>x</Content></xml>'
    if attack == "parameter":
        doctype = '<!DOCTYPE xml [<!ENTITY % p SYSTEM "file:///etc/hostname"> %p;]>'
        return doctype + "<xml><Content>x</Content></xml>"
    if attack == "spaced":
        doctype = '<!  doctype xml [<!entity a "' + "A" * width * 100 + '">]>'
        return doctype + "<xml><Content>&a;</Content></xml>"
    return "<!DOCTYPE xml><xml><ToUserName>a</ToUserName></xml>"


def _nested(name: str, shape: str, text: str) -> str:
    value = json.dumps(text)[1:-1].replace("<", "").replace("&", "").replace("]]>", "") or "x"
    if shape == "nested":
        return f"<{name}><inner>{value}</inner></{name}>"
    if shape == "repeated":
        return f"<{name}>{value}</{name}><{name}>{value}</{name}>"
    return f'<{name} kind="x">{value}</{name}>'


@dataclass(frozen=True)
class _Plan:
    """How a WeChat case becomes a request: a body sent as it is, or an envelope.

    Attributes:
        body: Sent as it is (with a correct ``signature``).
        plain: The document to seal (bytes for content that is not UTF-8).
        key: Seal with this AES key instead of the configured one.
        appid: Seal with this AppID instead of the configured one.
        encrypt: An Encrypt text to send as it is (still signed correctly).
        timestamp: Sign with this timestamp instead of the current time.
        plain_mode: Send the document unsealed, without ``encrypt_type``.
    """

    body: bytes | None = None
    plain: str | bytes | None = None
    key: bytes | None = None
    appid: str | None = None
    encrypt: str | None = None
    timestamp: str | None = None
    plain_mode: bool = False


Planner = Callable[[dict[str, Any], bytes, dict[str, Any]], _Plan]


def _plan_broken_xml(data: dict[str, Any], valid: bytes, fields: dict[str, Any]) -> _Plan:
    shape = data["shape"]
    if shape == "junk":
        return _Plan(body=data["text"].encode("utf-8", "surrogatepass"))
    if shape == "truncated":
        return _Plan(body=valid[: int(len(valid) * data["cut"])])
    if shape == "mismatched":
        return _Plan(body=valid.replace(b"</Encrypt>", b"</Encrypted>"))
    if shape == "no_root":
        return _Plan(body=b"<ToUserName>a</ToUserName><Encrypt>b</Encrypt>")
    return _Plan(body=b"")


def _plan_entities(data: dict[str, Any], valid: bytes, fields: dict[str, Any]) -> _Plan:
    attack = _entity_attack(data["attack"], data["depth"], data["width"])
    return _Plan(plain=attack) if data["sealed"] else _Plan(body=attack.encode())


def _plan_huge(data: dict[str, Any], valid: bytes, fields: dict[str, Any]) -> _Plan:
    size = data["size"]
    if data["shape"] == "junk":
        return _Plan(body=(b"<xml><Encrypt><![CDATA[" + b"A" * size)[:size])
    if data["shape"] == "sealed_padding":
        return _Plan(body=valid.replace(b"</xml>", b"<Pad>" + b"A" * size + b"</Pad></xml>"))
    return _Plan(plain=message_xml({**fields, "Content": "가" * (size // 3 + 1)}))


def _plan_missing(data: dict[str, Any], valid: bytes, fields: dict[str, Any]) -> _Plan:
    if data["blank"]:
        blanked = {k: "" if k in data["drop"] else v for k, v in fields.items()}
        return _Plan(plain=message_xml(blanked))
    return _Plan(plain=message_xml({k: v for k, v in fields.items() if k not in data["drop"]}))


def _plan_wrong_types(data: dict[str, Any], valid: bytes, fields: dict[str, Any]) -> _Plan:
    name = data["field"]
    if name == "Location_X":
        located = {k: v for k, v in fields.items() if k != "Content"}
        located.update(MsgType="location", Location_X=data["text"], Location_Y="x", Label="l")
        plain = message_xml(located)
        if data["shape"] != "nested":  # a word where a number belongs
            plain = plain.replace("<Location_X>", "<Location_X>n")
        return _Plan(plain=plain)
    inner = "".join(
        _nested(k, data["shape"], data["text"]) if k == name else message_xml({k: v})[5:-6]
        for k, v in fields.items()
    )
    return _Plan(plain=f"<xml>{inner}</xml>")


def _plan_stale(data: dict[str, Any], valid: bytes, fields: dict[str, Any]) -> _Plan:
    if data["garbage"] is not None:
        return _Plan(timestamp=data["garbage"])
    return _Plan(timestamp=str(fields["CreateTime"] + data["offset"]))


def _plan_non_utf8(data: dict[str, Any], valid: bytes, fields: dict[str, Any]) -> _Plan:
    return _Plan(plain=data["raw"]) if data["sealed"] else _Plan(body=data["raw"])


def _plan_ciphertext(data: dict[str, Any], valid: bytes, fields: dict[str, Any]) -> _Plan:
    return _Plan(encrypt=base64.b64encode(data["raw"]).decode())


_WECHAT_PLANS: dict[str, Planner] = {
    "broken_xml": _plan_broken_xml,
    "entity_expansion": _plan_entities,
    "bad_base64": lambda data, valid, fields: _Plan(encrypt=data["encrypt"]),
    "bad_ciphertext": _plan_ciphertext,
    "wrong_key": lambda data, valid, fields: _Plan(key=data["key"]),
    "wrong_appid": lambda data, valid, fields: _Plan(appid=data["appid"]),
    "non_utf8": _plan_non_utf8,
    "huge": _plan_huge,
    "missing_fields": _plan_missing,
    "wrong_types": _plan_wrong_types,
    "plain_in_safe_mode": lambda data, valid, fields: _Plan(plain_mode=True),
    "bad_signature": lambda data, valid, fields: _Plan(),
    "stale_timestamp": _plan_stale,
}


def _seal_plan(plan: _Plan, secrets: Secrets, xml: str, nonce: str) -> str:
    """The Encrypt text of a plan: as given, or the plan's document sealed."""
    if plan.encrypt is not None:
        return plan.encrypt
    configured = aes_key(secrets.wechat_aes_key)
    key = configured if plan.key is None else (plan.key if plan.key != configured else bytes(32))
    appid = secrets.wechat_appid if plan.appid is None else plan.appid
    if plan.appid is not None and appid == secrets.wechat_appid:
        appid = "wxother"
    return seal(plan.plain if plan.plain is not None else xml, key, appid, nonce.encode())


@renders("wechat", *_WECHAT_PLANS)
def _wechat(case: Case, secrets: Secrets, nonce: str, now: int) -> Request:
    text = case.data.get("text") or "你好"
    fields = text_fields(secrets.wechat_account, f"oBad{nonce}", text, 1, now)
    valid_xml = message_xml(fields)
    valid_body, _ = wechat_envelope(secrets, valid_xml, nonce, now)
    plan = _WECHAT_PLANS[case.kind](case.data, valid_body, fields)
    ts = plan.timestamp if plan.timestamp is not None else str(now)
    params = {"signature": sign(secrets.wechat_token, ts, nonce)}
    params.update(timestamp=ts, nonce=nonce)
    if plan.plain_mode:
        return Request("wechat", valid_xml.encode(), params, {}, case.kind, case.expect)
    envelope = ""
    if plan.body is not None:
        body = plan.body
    else:
        envelope = _seal_plan(plan, secrets, valid_xml, nonce)
        body = envelope_xml(secrets.wechat_account, envelope).encode()
    params["encrypt_type"] = "aes"
    params["msg_signature"] = sign(secrets.wechat_token, ts, nonce, envelope)
    if case.kind == "bad_signature":
        which, given = case.data["which"], case.data["given"]
        if given is None:
            params.pop(which)
        else:
            params[which] = given if given != params[which] else given + "0"
    return Request("wechat", body, params, {}, case.kind, case.expect)


# --- drawing -------------------------------------------------------------------------------

STRATEGIES: dict[str, Callable[[], dict[str, st.SearchStrategy[Case]]]] = {
    "wechat": wechat_strategies,
    "kakao": kakao_strategies,
    "telegram": telegram_strategies,
    "rest": rest_strategies,
}


def weights(channel: str) -> dict[str, int]:
    """How many parts of a channel's cases each kind gets: 1 MB bodies one, the rest three."""
    return {kind: (1 if kind == "huge" else 3) for kind in sorted(STRATEGIES[channel]())}


def quotas(channel: str, count: int) -> dict[str, int]:
    """How many cases of each kind make up ``count`` (every kind at least one)."""
    shares = weights(channel)
    total = sum(shares.values())
    result = {kind: max(1, count * share // total) for kind, share in shares.items()}
    biggest = max(result, key=lambda kind: result[kind])
    result[biggest] += count - sum(result.values())
    return result


def malformed(channel: str) -> st.SearchStrategy[Case]:
    """Any kind of damage for a channel (for ``@given`` tests)."""
    kinds = STRATEGIES[channel]()
    return st.one_of(*(kinds[kind] for kind in sorted(kinds)))


def _collect(strategy: st.SearchStrategy[Case], count: int, random_seed: int) -> list[Case]:
    cases: list[Case] = []

    @seed(random_seed)
    @settings(
        max_examples=count,
        database=None,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(case: Case) -> None:
        cases.append(case)

    collect()
    if not cases:
        raise RuntimeError("hypothesis generated nothing")
    while len(cases) < count:  # a small space runs out: its cases come round again
        cases.extend(cases[: count - len(cases)])
    return cases[:count]


def draw(channel: str, count: int, random_seed: int = 20261127) -> list[Case]:
    """``count`` cases for a channel, kind by kind, the same ones for the same seed.

    Hypothesis generates them (its generation phase only, no database): each kind
    gets its quota (``quotas``) with varied ingredients.
    """
    kinds = STRATEGIES[channel]()
    cases: list[Case] = []
    for offset, (kind, quota) in enumerate(sorted(quotas(channel, count).items())):
        cases.extend(_collect(kinds[kind], quota, random_seed + offset))
    return cases
