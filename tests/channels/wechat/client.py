"""Requests signed (and sealed) the way WeChat sends them, and a served WeChat channel.

Shared by the WeChat tests: fixtures in tests/fixtures/wechat are signed with
the test token and, in safe mode, encrypted with wechatpy's ``WeChatCrypto``; the
channel runs as a real HTTP server next to a local fake customer-service API.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import xmltodict
from wechatpy.crypto import WeChatCrypto

from channels.common.store import MemoryStore
from channels.wechat import WeChatInput, WeChatSettings, parse
from harness.echobot import EchoBot
from harness.inprocess import serve_channel
from harness.platforms import FakeWeChatApi, serve_aiohttp

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
