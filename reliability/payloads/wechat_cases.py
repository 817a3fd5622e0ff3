"""The kinds of damage a WeChat safe-mode request gets, as hypothesis strategies. Pure.

The XML document (broken, with DTDs and entities, oversized, missing or
ill-typed fields, unsealed), the AES envelope (bad base64, bad ciphertext, a
wrong key or AppID, non-UTF-8 inside) and the credentials (a bad signature, a
stale timestamp). ``reliability.payloads.wechat_render`` turns a case into a request.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from reliability.payloads import cases
from reliability.payloads.cases import BAD_REQUEST, FORBIDDEN, TOO_LARGE, WORDS, Case

BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
ENTITY_ATTACKS = [
    "billion_laughs",
    "external_file",
    "external_http",
    "parameter",
    "doctype_only",
    "spaced",
]
XML_FIELDS = ["ToUserName", "FromUserName", "MsgType", "Content", "MsgId", "CreateTime"]
Kinds = dict[str, st.SearchStrategy[Case]]


def _case(kind: str, expect: tuple[int, ...], **data: Any) -> st.SearchStrategy[Case]:
    return cases.case_of("wechat", kind, expect, **data)


def document_kinds() -> Kinds:
    """Damage to the message document, sealed or not."""
    required = st.sampled_from(["ToUserName", "FromUserName", "MsgType"])
    return {
        "broken_xml": _case(
            "broken_xml",
            BAD_REQUEST,
            shape=st.sampled_from(["junk", "truncated", "mismatched", "no_root", "empty"]),
            text=st.text(max_size=300),
            cut=st.floats(min_value=0.0, max_value=0.99),
        ),
        "entity_expansion": _case(
            "entity_expansion",
            BAD_REQUEST,
            attack=st.sampled_from(ENTITY_ATTACKS),
            depth=st.integers(2, 12),
            width=st.integers(2, 12),
            sealed=st.booleans(),
        ),
        "non_utf8": _case("non_utf8", BAD_REQUEST, raw=cases.NON_UTF8, sealed=st.booleans()),
        "huge": _case(
            "huge",
            TOO_LARGE,
            size=cases.HUGE_SIZE,
            shape=st.sampled_from(["junk", "sealed_padding", "long_text"]),
        ),
        "missing_fields": _case(
            "missing_fields",
            BAD_REQUEST,
            drop=st.sets(required, min_size=1),
            blank=st.booleans(),
            text=WORDS,
        ),
        "wrong_types": _case(
            "wrong_types",
            BAD_REQUEST,
            field=st.sampled_from(XML_FIELDS + ["Location_X"]),
            shape=st.sampled_from(["nested", "repeated", "attribute"]),
            text=WORDS,
        ),
        "plain_in_safe_mode": _case("plain_in_safe_mode", BAD_REQUEST, text=WORDS),
    }


def envelope_kinds() -> Kinds:
    """Damage to the AES envelope: its base64, its ciphertext, the key or AppID sealed in it."""
    not_base64 = st.text(alphabet=BASE64 + "!#$%*()-_~.,;:?@^", min_size=1, max_size=400).filter(
        lambda t: not set(t) <= set(BASE64) or len(t.rstrip("=")) % 4 == 1
    )
    return {
        "bad_base64": _case("bad_base64", BAD_REQUEST, encrypt=not_base64),
        "bad_ciphertext": _case(
            "bad_ciphertext", BAD_REQUEST, raw=st.binary(min_size=1, max_size=600)
        ),
        "wrong_key": _case(
            "wrong_key", BAD_REQUEST, key=st.binary(min_size=32, max_size=32), text=WORDS
        ),
        "wrong_appid": _case("wrong_appid", BAD_REQUEST, appid=st.text(max_size=30), text=WORDS),
    }


def credential_kinds() -> Kinds:
    """Damage to the credentials: a wrong or missing signature, a stale or garbled timestamp."""
    signatures = st.one_of(
        st.none(),
        st.text(max_size=50),
        st.text(alphabet="0123456789abcdef", min_size=40, max_size=40),
    )
    garbage = st.text(max_size=12).filter(lambda t: not t.strip().lstrip("-").isdigit())
    return {
        "bad_signature": _case(
            "bad_signature",
            FORBIDDEN,
            which=st.sampled_from(["signature", "msg_signature"]),
            given=signatures,
        ),
        "stale_timestamp": _case(
            "stale_timestamp",
            FORBIDDEN,
            offset=st.one_of(st.integers(330, 10**9), st.integers(-(10**9), -330)),
            garbage=st.one_of(st.none(), garbage),
        ),
    }


def wechat_strategies() -> Kinds:
    """WeChat's kinds (safe mode, so every message must be sealed)."""
    return {**document_kinds(), **envelope_kinds(), **credential_kinds()}
