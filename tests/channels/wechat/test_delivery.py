"""The WeChat webhook over real HTTP: retries, the 5-second window, late answers.

Retries are answered once; answers that miss the window go through the
customer-service API (a local fake), whose access token workers share.
"""

from __future__ import annotations

import asyncio
import time
import uuid

from channels.common.replies import utf8_len
from channels.common.store import RedisStore
from channels.wechat import WeChatInput, WeChatSettings
from harness.echobot import EchoBot
from harness.platforms import FakeWeChatApi, serve_aiohttp
from tests.channels.wechat.client import APPID, TOKEN, USER, post, query, reply_content, wechat
from tests.support.channels import fixture_text, language_of


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
