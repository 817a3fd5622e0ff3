"""The WeChat webhook over real HTTP: verification, signatures, replays, plain/compatible/safe mode.

Every refused request gets its status with the reason and a log line, and
never reaches the bot.
"""

from __future__ import annotations

import base64
import logging
import os
import time
import uuid
from typing import Any

import aiohttp
import pytest
import xmltodict
from wechatpy.crypto import WeChatCrypto

from channels.wechat import WeChatInput, parse
from tests.channels.wechat.client import (
    AES_KEY,
    APPID,
    OTHER_AES_KEY,
    TOKEN,
    encrypted_request,
    post,
    query,
    reply_content,
    wechat,
)
from tests.support.channels import fixture_text, language_of


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
    caplog.set_level(logging.WARNING, logger="channels.common.errors")
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
