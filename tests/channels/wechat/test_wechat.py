"""WeChat connector: pure parsing/rendering, and the webhook over real HTTP.

Requests are the fixtures in tests/fixtures/wechat, signed (and, in safe mode,
encrypted with wechatpy's WeChatCrypto) the way WeChat does. The customer-service
API is a local fake server.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import os
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest
import xmltodict
from hypothesis import given, settings
from hypothesis import strategies as st
from wechatpy.crypto import WeChatCrypto

from channels.common.replies import BotMessage, Button, Venue, utf8_len
from channels.common.store import MemoryStore, RedisStore
from channels.wechat import WeChatInput, WeChatSettings, parse, render
from harness.echobot import EchoBot
from harness.inprocess import serve_channel
from harness.platforms import FakeWeChatApi, serve_aiohttp
from tests.support.channels import fixture_text, language_of

TOKEN = "kwTestToken2025"
APPID = "wx5c7a9b1d3e5f7a9b"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
OTHER_AES_KEY = "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut"
USER = "oWx7t5Y2mKq9LzP0aB3cD4eF6gH8"


def query(nonce: str | None = None, timestamp: int | None = None, **extra: str) -> dict:
    """Signed query parameters as WeChat sends them."""
    ts = str(timestamp if timestamp is not None else int(time.time()))
    nonce = nonce or uuid.uuid4().hex[:10]
    return {
        "signature": parse.signature(TOKEN, ts, nonce),
        "timestamp": ts,
        "nonce": nonce,
        "openid": USER,
        **extra,
    }


def encrypted_request(xml: str, key: str = AES_KEY, compatible: bool = False) -> tuple[str, dict]:
    """Body and query of a safe-mode (or compatible-mode) request, built with WeChatCrypto."""
    nonce = uuid.uuid4().hex[:10]
    ts = str(int(time.time()))
    envelope = xmltodict.parse(WeChatCrypto(TOKEN, key, APPID).encrypt_message(xml, nonce, ts))
    encrypt = envelope["xml"]["Encrypt"]
    fields = (
        xml.strip()[len("<xml>") : -len("</xml>")]
        if compatible
        else "<ToUserName><![CDATA[gh_3a8f5c1d2e4b]]></ToUserName>"
    )
    body = f"<xml>{fields}<Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
    params = query(
        nonce, int(ts), encrypt_type="aes", msg_signature=parse.signature(TOKEN, ts, nonce, encrypt)
    )
    return body, params


def reply_content(xml: str) -> str:
    """The Content of a passive reply (asserting it is well-formed XML)."""
    return xmltodict.parse(xml)["xml"]["Content"]


@asynccontextmanager
async def wechat(
    bot: EchoBot | None = None,
    api: FakeWeChatApi | None = None,
    store: Any = None,
    **overrides: Any,
) -> AsyncIterator[tuple[str, EchoBot, FakeWeChatApi, WeChatInput]]:
    """A served WeChat channel with a fake customer-service API."""
    bot = bot or EchoBot()
    api = api or FakeWeChatApi()
    async with serve_aiohttp(api.app()) as api_url:
        config = {
            "token": TOKEN,
            "appid": APPID,
            "appsecret": "secret",
            "api_base_url": f"{api_url}/cgi-bin/",
            **overrides,
        }
        channel = WeChatInput(WeChatSettings.from_credentials(config), store or MemoryStore())
        async with serve_channel(channel, bot) as base:
            yield f"{base}/webhooks/wechat/webhook", bot, api, channel


async def post(url: str, body: str | bytes, params: dict) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session:
        async with session.post(url, data=body, params=params) as reply:
            return reply.status, await reply.text()


# --- pure functions -------------------------------------------------------------------------


def test_signature_matches_wechats_algorithm_and_rejects_others() -> None:
    ts, nonce = "1750140000", "a1b2c3"
    good = parse.signature(TOKEN, ts, nonce)
    parse.verify_signature(TOKEN, good, ts, nonce)
    for bad in (None, "", good[:-1] + ("0" if good[-1] != "0" else "1"), good.upper() + "x"):
        with pytest.raises(parse.Forbidden):
            parse.verify_signature(TOKEN, bad, ts, nonce)


@pytest.mark.parametrize(
    "offset, ok", [(0, True), (299, True), (-299, True), (301, False), (-301, False)]
)
def test_timestamp_window(offset: int, ok: bool) -> None:
    now = 1_750_000_000.0
    if ok:
        parse.verify_timestamp(str(int(now) + offset), now, 300)
    else:
        with pytest.raises(parse.Forbidden):
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
    with pytest.raises(parse.BadRequest):
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
    with pytest.raises(parse.BadRequest):
        parse.decrypt(encrypted, parse.decode_aes_key(AES_KEY), APPID)


def test_decrypt_refuses_wrong_key_and_other_appid() -> None:
    xml = fixture_text("wechat", "text.xml")
    sealed = xmltodict.parse(WeChatCrypto(TOKEN, OTHER_AES_KEY, APPID).encrypt_message(xml, "n"))
    with pytest.raises(parse.BadRequest):
        parse.decrypt(sealed["xml"]["Encrypt"], parse.decode_aes_key(AES_KEY), APPID)
    sealed = xmltodict.parse(WeChatCrypto(TOKEN, AES_KEY, "wxOTHER").encrypt_message(xml, "n"))
    with pytest.raises(parse.BadRequest):
        parse.decrypt(sealed["xml"]["Encrypt"], parse.decode_aes_key(AES_KEY), APPID)
    sealed = xmltodict.parse(WeChatCrypto(TOKEN, AES_KEY, APPID).encrypt_message(xml, "n"))
    assert "美食节" in parse.decrypt(sealed["xml"]["Encrypt"], parse.decode_aes_key(AES_KEY), APPID)


@settings(max_examples=150, deadline=None)
@given(st.binary(min_size=0, max_size=200))
def test_decrypt_never_raises_anything_but_bad_request(noise: bytes) -> None:
    try:
        parse.decrypt(base64.b64encode(noise).decode(), parse.decode_aes_key(AES_KEY), APPID)
    except parse.BadRequest:
        pass


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_reply_xml_is_well_formed_for_any_content(content: str) -> None:
    xml = render.text_reply_xml(USER, "gh_3a8f5c1d2e4b", content, now=1)
    parsed = xmltodict.parse(xml, strip_whitespace=False)["xml"]
    expected = render.clean_text(content)
    assert (parsed.get("Content") or "") == expected.replace("\r\n", "\n").replace("\r", "\n")


def test_reply_xml_escapes_cdata_terminator_that_wechatpy_does_not() -> None:
    xml = render.text_reply_xml(USER, "gh", "a]]>b<c>&\x00\x1b end", now=1)
    assert reply_content(xml) == "a]]>b<c>& end"


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


def test_render_buttons_as_bizmsgmenu_links_or_numbers_and_maps_as_links() -> None:
    message = BotMessage(
        text="请选择",
        buttons=(Button("日程 & 时间", "/ask_schedule"), Button("官网", url="https://e.org")),
        venue=Venue(41.8, 123.4, "会展中心", "会展路9号"),
    )
    links = render.render_messages([message], "zh", "links", menu_base=42)
    assert 'href="weixin://bizmsgmenu?msgmenucontent=日程 ＆ 时间&msgmenuid=4201"' in links.text
    assert '<a href="https://e.org">官网</a>' in links.text
    assert "https://uri.amap.com/marker?position=123.400000,41.800000" in links.text
    assert "查看地图" in links.text
    assert links.options == {"1": "/ask_schedule", "4201": "/ask_schedule"}
    numbered = render.render_messages([message], "ko", "numbered", menu_base=42)
    assert "1. 日程 & 时间" in numbered.text and "bizmsgmenu" not in numbered.text
    assert "지도 보기" in numbered.text


def test_long_text_splits_into_customer_service_parts_within_2048_bytes() -> None:
    text = "\n".join(f"第{i}行：韩国周活动介绍，欢迎参加。" * 3 for i in range(200))
    parts = render.split_for_customer_service(text)
    assert len(parts) > 1 and all(utf8_len(p) <= 2048 for p in parts)
    assert "".join(parts).replace("\n", "") == text.replace("\n", "")


# --- the webhook ------------------------------------------------------------------------------


async def test_get_verification_echoes_echostr_and_refuses_bad_signature() -> None:
    async with wechat() as (url, _, _, _):
        async with aiohttp.ClientSession() as session:
            params = {**query(), "echostr": "4710953216591473529"}
            async with session.get(url, params=params) as reply:
                assert (reply.status, await reply.text()) == (200, "4710953216591473529")
            params["signature"] = "0" * 40
            async with session.get(url, params=params) as reply:
                assert reply.status == 403
            stale = {**query(timestamp=int(time.time()) - 3600), "echostr": "1"}
            async with session.get(url, params=stale) as reply:
                assert reply.status == 403


async def test_plain_text_gets_passive_chinese_reply_with_menu_links_and_metadata() -> None:
    async with wechat() as (url, bot, _, _):
        status, body = await post(url, fixture_text("wechat", "text.xml"), query())
    assert status == 200
    reply = xmltodict.parse(body)["xml"]
    assert reply["ToUserName"] == USER and reply["FromUserName"] == "gh_3a8f5c1d2e4b"
    assert reply["MsgType"] == "text"
    assert language_of(reply["Content"]) == "zh"
    assert "weixin://bizmsgmenu?msgmenucontent=日程" in reply["Content"]
    message = bot.received[0]
    assert message.text == "美食节在哪里？" and message.sender_id == USER
    assert message.input_channel == "wechat"
    assert message.metadata == {"platform": "wechat", "user_id": USER, "default_language": "zh"}


async def test_korean_text_gets_korean_reply() -> None:
    async with wechat() as (url, _, _, _):
        status, body = await post(url, fixture_text("wechat", "text_korean.xml"), query())
    assert status == 200 and language_of(reply_content(body)) == "ko"


async def test_refuses_bad_signature_stale_timestamp_and_replayed_nonce(caplog: Any) -> None:
    xml = fixture_text("wechat", "text.xml")
    async with wechat() as (url, bot, _, _):
        assert (await post(url, xml, {**query(), "signature": "f" * 40}))[0] == 403
        assert (await post(url, xml, query(timestamp=int(time.time()) - 301)))[0] == 403
        assert (await post(url, xml, query(timestamp=int(time.time()) + 400)))[0] == 403
        params = query()
        assert (await post(url, xml, params))[0] == 200
        other = fixture_text("wechat", "text_korean.xml")
        assert (await post(url, other, params))[0] == 403
        assert await post(url, xml, params) == (200, "success")
    assert len(bot.received) == 1
    assert "nonce seen before" in caplog.text


@pytest.mark.parametrize(
    "body",
    [
        fixture_text("wechat", "billion_laughs.xml"),
        "<xml><ToUserName>broken",
        "<xml><MsgType>text</MsgType></xml>",
        b"\xc3\x28 invalid utf-8",
        "<xml><FromUserName>u</FromUserName><ToUserName>a</ToUserName><MsgType>location</MsgType>"
        "<Location_X>north</Location_X></xml>",
    ],
)
async def test_malformed_requests_get_400_and_a_log_line(body: Any, caplog: Any) -> None:
    caplog.set_level(logging.WARNING, logger="channels.wechat.handler")
    async with wechat() as (url, bot, _, _):
        status, _ = await post(url, body, query())
    assert status == 400 and not bot.received
    assert "Refused WeChat request" in caplog.text


async def test_safe_mode_decrypts_and_encrypts_the_reply() -> None:
    body, params = encrypted_request(fixture_text("wechat", "text.xml"))
    async with wechat(aes_key=AES_KEY) as (url, bot, _, _):
        status, reply = await post(url, body, params)
    assert status == 200 and bot.received[0].text == "美食节在哪里？"
    sealed = xmltodict.parse(reply)["xml"]
    opened = WeChatCrypto(TOKEN, AES_KEY, APPID).decrypt_message(
        reply, sealed["MsgSignature"], sealed["TimeStamp"], sealed["Nonce"]
    )
    assert language_of(reply_content(opened)) == "zh"


async def test_compatible_mode_uses_the_encrypted_copy_and_answers_encrypted() -> None:
    body, params = encrypted_request(fixture_text("wechat", "text_korean.xml"), compatible=True)
    async with wechat(aes_key=AES_KEY) as (url, bot, _, _):
        status, reply = await post(url, body, params)
    assert status == 200 and "<Encrypt>" in reply
    assert language_of(bot.received[0].text) == "ko"


async def test_plain_mode_accepts_compatible_requests_using_the_plain_copy() -> None:
    body, params = encrypted_request(fixture_text("wechat", "text.xml"), compatible=True)
    async with wechat() as (url, bot, _, _):
        status, reply = await post(url, body, params)
    assert status == 200 and language_of(reply_content(reply)) == "zh"


async def test_safe_mode_refusals(caplog: Any) -> None:
    xml = fixture_text("wechat", "text.xml")
    async with wechat(aes_key=AES_KEY) as (url, bot, _, _):
        body, params = encrypted_request(xml)
        assert (await post(url, body, {**params, "msg_signature": "0" * 40}))[0] == 403
        body, params = encrypted_request(xml, key=OTHER_AES_KEY)
        assert (await post(url, body, params))[0] == 400
        for garbage in ("@@not-base64@@", base64.b64encode(os.urandom(48)).decode()):
            ts, nonce = str(int(time.time())), uuid.uuid4().hex[:8]
            params = query(
                nonce,
                int(ts),
                encrypt_type="aes",
                msg_signature=parse.signature(TOKEN, ts, nonce, garbage),
            )
            assert (await post(url, f"<xml><Encrypt>{garbage}</Encrypt></xml>", params))[0] == 400
        assert (await post(url, xml, query()))[0] == 400
    assert not bot.received
    assert "cannot decrypt" in caplog.text


async def test_retries_with_the_same_msgid_are_answered_once() -> None:
    xml = fixture_text("wechat", "text.xml")
    async with wechat() as (url, bot, _, _):
        first = await post(url, xml, query())
        second = await post(url, xml, query())
    assert first[0] == 200 and "<Content>" in first[1]
    assert second == (200, "success")
    assert len(bot.received) == 1


async def test_retry_during_slow_processing_is_marked_before_processing() -> None:
    xml = fixture_text("wechat", "text.xml").replace("美食节在哪里？", "slow 美食节")
    async with wechat(EchoBot(slow_seconds=0.5), reply_budget="2") as (url, bot, _, _):
        first = asyncio.ensure_future(post(url, xml, query()))
        await asyncio.sleep(0.1)
        retry = await post(url, xml, query())
        assert retry == (200, "success")
        status, body = await first
    assert status == 200 and language_of(reply_content(body)) == "zh"
    assert len(bot.received) == 1


async def test_answer_after_the_budget_goes_through_customer_service_api() -> None:
    xml = fixture_text("wechat", "text.xml").replace("美食节在哪里？", "slow 美食节")
    async with wechat(EchoBot(slow_seconds=0.6), reply_budget="0.2") as (url, bot, api, _):
        started = time.monotonic()
        assert await post(url, xml, query()) == (200, "success")
        assert time.monotonic() - started < 0.6
        await asyncio.wait_for(api.arrived.wait(), 5)
    assert len(api.messages) == 1 and api.messages[0]["touser"] == USER
    assert api.messages[0]["msgtype"] == "text" and api.messages[0]["_token"] == "TOKEN1"
    assert language_of(api.messages[0]["text"]["content"]) == "zh"


async def test_long_answer_goes_out_in_parts_within_2048_bytes() -> None:
    xml = fixture_text("wechat", "text.xml").replace("美食节在哪里？", "long 介绍")
    async with wechat() as (url, _, api, channel):
        assert await post(url, xml, query()) == (200, "success")
        await channel.keeper.wait_idle(5)
    contents = [m["text"]["content"] for m in api.messages]
    assert len(contents) >= 7 and all(utf8_len(c) <= 2048 for c in contents)
    assert api.tokens_issued == 1


async def test_rejected_token_is_refreshed_once() -> None:
    api = FakeWeChatApi(reject_tokens={"TOKEN1"})
    xml = fixture_text("wechat", "text.xml").replace("美食节在哪里？", "slow 美食节")
    async with wechat(EchoBot(slow_seconds=0.3), api, reply_budget="0.1") as (url, _, _, channel):
        await post(url, xml, query())
        await asyncio.sleep(0.35)
        await channel.keeper.wait_idle(5)
    assert [m["_token"] for m in api.messages] == ["TOKEN2"]


async def test_access_token_is_shared_between_workers_through_redis() -> None:
    prefix = f"kw:test:{uuid.uuid4().hex}:"
    store_a, store_b = (
        RedisStore.from_url("redis://127.0.0.1:6379/0", prefix),
        RedisStore.from_url("redis://127.0.0.1:6379/0", prefix),
    )
    api = FakeWeChatApi()
    try:
        async with serve_aiohttp(api.app()) as api_url:
            config = {
                "token": TOKEN,
                "appid": APPID,
                "appsecret": "s",
                "api_base_url": f"{api_url}/cgi-bin/",
            }
            first = WeChatInput(WeChatSettings.from_credentials(config), store_a)
            second = WeChatInput(WeChatSettings.from_credentials(config), store_b)
            await first.sender.send_text(USER, "一")
            await second.sender.send_text(USER, "二")
        assert api.tokens_issued == 1
        assert [m["_token"] for m in api.messages] == ["TOKEN1", "TOKEN1"]
    finally:
        keys = await store_a._client.keys(f"{prefix}*")
        if keys:
            await store_a._client.delete(*keys)
        await store_a.close()
        await store_b.close()


async def test_image_and_video_ask_for_text_in_the_users_language() -> None:
    async with wechat() as (url, bot, _, _):
        _, zh = await post(url, fixture_text("wechat", "image.xml"), query())
        await post(url, fixture_text("wechat", "text_korean.xml"), query())
        _, ko = await post(url, fixture_text("wechat", "video.xml"), query())
    assert language_of(reply_content(zh)) == "zh" and "文字" in reply_content(zh)
    assert language_of(reply_content(ko)) == "ko" and "텍스트" in reply_content(ko)
    assert len(bot.received) == 1


async def test_voice_recognition_goes_to_rasa_and_unrecognised_voice_asks_for_text() -> None:
    async with wechat() as (url, bot, _, _):
        await post(url, fixture_text("wechat", "voice.xml"), query())
        _, body = await post(url, fixture_text("wechat", "voice_unrecognised.xml"), query())
    assert [m.text for m in bot.received] == ["跆拳道表演几点开始"]
    assert "文字" in reply_content(body)


async def test_location_sends_directions_request_with_coordinates() -> None:
    async with wechat() as (url, bot, _, _):
        status, _ = await post(url, fixture_text("wechat", "location.xml"), query())
    assert status == 200
    message = bot.received[0]
    assert message.text == "导航 辽宁省沈阳市沈河区青年大街"
    assert message.metadata["location"] == {"lat": 41.796767, "lon": 123.429096}


async def test_events_welcome_ignore_and_map_menu_keys_to_intents() -> None:
    async with wechat() as (url, bot, _, _):
        _, welcome = await post(url, fixture_text("wechat", "event_subscribe.xml"), query())
        unsubscribe = await post(url, fixture_text("wechat", "event_unsubscribe.xml"), query())
        view = await post(url, fixture_text("wechat", "event_view.xml"), query())
        await post(url, fixture_text("wechat", "event_click.xml"), query())
        await post(url, fixture_text("wechat", "event_scan.xml"), query())
    content = reply_content(welcome)
    assert "欢迎" in content and "환영" in content
    assert content.count("weixin://bizmsgmenu") == 5 and "日程安排 / 일정" in content
    assert unsubscribe == (200, "success") and view == (200, "success")
    assert [m.text for m in bot.received] == ["/ask_schedule", "/ask_venue"]


async def test_tapping_a_menu_link_or_typing_its_number_sends_the_payload() -> None:
    async with wechat() as (url, bot, _, _):
        _, body = await post(url, fixture_text("wechat", "text.xml"), query())
        content = reply_content(body)
        menu_id = content.split("msgmenuid=")[2].split('"')[0]
        tap = fixture_text("wechat", "text_menu_reply.xml").replace("{menu_id}", menu_id)
        await post(url, tap, query())
        typed = (
            fixture_text("wechat", "text.xml")
            .replace("美食节在哪里？", "1")
            .replace("24712345678901234", "24712345678901277")
        )
        await post(url, typed, query())
    assert [m.text for m in bot.received][1:] == [
        '/ask_transport{"origin":"airport"}',
        "/ask_schedule",
    ]


async def test_processing_error_gets_a_polite_passive_answer() -> None:
    xml = fixture_text("wechat", "text.xml").replace("美食节在哪里？", "boom 美食节")
    async with wechat() as (url, _, _, _):
        status, body = await post(url, xml, query())
    assert status == 200 and "稍后再试" in reply_content(body)


async def test_reply_with_cdata_terminator_stays_well_formed() -> None:
    xml = fixture_text("wechat", "text.xml").replace(
        "<Content><![CDATA[美食节在哪里？]]></Content>",
        "<Content>美食]]&gt;节 &amp; &lt;b&gt;</Content>",
    )
    async with wechat() as (url, bot, _, _):
        status, body = await post(url, xml, query())
    assert bot.received[0].text == "美食]]>节 & <b>"
    assert status == 200 and "美食]]>节 & <b>" in reply_content(body)


def test_from_credentials_fails_loudly_without_secrets_or_with_a_bad_aes_key() -> None:
    with pytest.raises(ValueError, match="WECHAT_TOKEN"):
        WeChatInput.from_credentials({"token": "", "appid": APPID, "appsecret": "s"})
    with pytest.raises(ValueError, match="WECHAT_AES_KEY"):
        WeChatInput.from_credentials(
            {"token": TOKEN, "appid": APPID, "appsecret": "s", "aes_key": "short"}
        )
    channel = WeChatInput.from_credentials(
        {
            "token": TOKEN,
            "appid": APPID,
            "appsecret": "s",
            "aes_key": AES_KEY,
            "reply_budget": "3.5",
        }
    )
    assert channel.settings.reply_budget == 3.5 and channel.name() == "wechat"


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
    except parse.WeChatRequestError:
        pass
