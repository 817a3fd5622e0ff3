"""WeChat requests, read by the pure functions: signatures, timestamps, XML, AES, message types."""

from __future__ import annotations

import base64
import os
from typing import Any

import pytest
import xmltodict
from hypothesis import given, settings
from hypothesis import strategies as st
from wechatpy.crypto import WeChatCrypto

from channels.common.errors import BadRequest, Forbidden, RequestRefused
from channels.wechat import parse, render
from tests.channels.wechat.client import AES_KEY, APPID, OTHER_AES_KEY, TOKEN, USER
from tests.support.channels import fixture_text


def test_signature_matches_wechats_algorithm_and_rejects_others() -> None:
    ts, nonce = "1750140000", "a1b2c3"
    good = parse.signature(TOKEN, ts, nonce)
    parse.verify_signature(TOKEN, good, ts, nonce)
    for bad in (None, "", good[:-1] + ("0" if good[-1] != "0" else "1"), good.upper() + "x"):
        with pytest.raises(Forbidden):
            parse.verify_signature(TOKEN, bad, ts, nonce)


@pytest.mark.parametrize(
    "offset, ok", [(0, True), (299, True), (-299, True), (301, False), (-301, False)]
)
def test_timestamp_window(offset: int, ok: bool) -> None:
    now = 1_750_000_000.0
    if ok:
        parse.verify_timestamp(str(int(now) + offset), now, 300)
    else:
        with pytest.raises(Forbidden):
            parse.verify_timestamp(str(int(now) + offset), now, 300)


@pytest.mark.parametrize(
    "body",
    [
        fixture_text("wechat", "billion_laughs.xml"),
        '<!DOCTYPE x SYSTEM "file:///etc/passwd"><xml><a>1</a></xml>',
        "<xml><a>1</a>",
        "not xml at all",
        b"\xff\xfe<xml></xml>",
        "<other><a>1</a></other>",
        "",
    ],
)
def test_parse_xml_refuses_malformed_documents_dtds_and_entities(body: Any) -> None:
    with pytest.raises(BadRequest):
        parse.parse_xml(body)


@pytest.mark.parametrize(
    "encrypted",
    [
        "%%%not base64%%%",
        base64.b64encode(b"short").decode(),
        base64.b64encode(os.urandom(64)).decode(),
        base64.b64encode(os.urandom(47)).decode(),
        "",
    ],
)
def test_decrypt_turns_every_failure_into_bad_request(encrypted: str) -> None:
    with pytest.raises(BadRequest):
        parse.decrypt(encrypted, parse.decode_aes_key(AES_KEY), APPID)


def test_decrypt_refuses_wrong_key_and_other_appid() -> None:
    xml = fixture_text("wechat", "text.xml")
    sealed = xmltodict.parse(WeChatCrypto(TOKEN, OTHER_AES_KEY, APPID).encrypt_message(xml, "n"))
    with pytest.raises(BadRequest):
        parse.decrypt(sealed["xml"]["Encrypt"], parse.decode_aes_key(AES_KEY), APPID)
    sealed = xmltodict.parse(WeChatCrypto(TOKEN, AES_KEY, "wxOTHER").encrypt_message(xml, "n"))
    with pytest.raises(BadRequest):
        parse.decrypt(sealed["xml"]["Encrypt"], parse.decode_aes_key(AES_KEY), APPID)
    sealed = xmltodict.parse(WeChatCrypto(TOKEN, AES_KEY, APPID).encrypt_message(xml, "n"))
    assert "美食节" in parse.decrypt(sealed["xml"]["Encrypt"], parse.decode_aes_key(AES_KEY), APPID)


@settings(max_examples=150, deadline=None)
@given(st.binary(min_size=0, max_size=200))
def test_decrypt_never_raises_anything_but_bad_request(noise: bytes) -> None:
    try:
        parse.decrypt(base64.b64encode(noise).decode(), parse.decode_aes_key(AES_KEY), APPID)
    except BadRequest:
        pass


@pytest.mark.parametrize(
    "name, action, text",
    [
        ("text.xml", "rasa", "美食节在哪里？"),
        ("voice.xml", "rasa", "跆拳道表演几点开始"),
        ("voice_unrecognised.xml", "text_only", ""),
        ("location.xml", "location", ""),
        ("image.xml", "text_only", ""),
        ("video.xml", "text_only", ""),
        ("event_subscribe.xml", "welcome", ""),
        ("event_subscribe_scan.xml", "welcome", ""),
        ("event_unsubscribe.xml", "ignore", ""),
        ("event_click.xml", "rasa", "/ask_schedule"),
        ("event_scan.xml", "rasa", "/ask_venue"),
        ("event_view.xml", "ignore", ""),
    ],
)
def test_parse_inbound_maps_each_message_type(name: str, action: str, text: str) -> None:
    inbound = parse.parse_inbound(parse.parse_xml(fixture_text("wechat", name)))
    assert (inbound.action, inbound.text) == (action, text)
    assert inbound.user == USER


def test_dedup_key_uses_msgid_for_messages_and_sender_time_for_events() -> None:
    text = parse.parse_inbound(parse.parse_xml(fixture_text("wechat", "text.xml")))
    event = parse.parse_inbound(parse.parse_xml(fixture_text("wechat", "event_click.xml")))
    assert text.dedup_key == "id:24712345678901234"
    assert event.dedup_key == f"ev:{USER}:1750140090"


FIELDS = st.sampled_from(
    [
        "ToUserName",
        "FromUserName",
        "MsgType",
        "Content",
        "Event",
        "EventKey",
        "MsgId",
        "Location_X",
        "Location_Y",
        "Label",
        "Recognition",
        "x",
    ]
)


VALUES = st.one_of(
    st.sampled_from(
        [
            "text",
            "event",
            "location",
            "voice",
            "CLICK",
            "subscribe",
            "SCAN",
            "image",
            "ask_venue",
            "1",
            "41.8",
        ]
    ),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=20),
)


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.text(max_size=300),
        st.lists(st.tuples(FIELDS, VALUES), max_size=8).map(
            lambda pairs: (
                "<xml>" + "".join(f"<{k}>{render.cdata(v)}</{k}>" for k, v in pairs) + "</xml>"
            )
        ),
    )
)
def test_any_request_body_either_parses_or_is_a_bad_request(body: str) -> None:
    try:
        parse.parse_inbound(parse.parse_xml(body))
    except RequestRefused:
        pass
