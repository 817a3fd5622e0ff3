"""Test helpers for the connector tests.

A real HTTP server for a channel, a small bot that answers like Rasa would, and
local fake platform servers (Telegram Bot API, WeChat API, Kakao callback) on
127.0.0.1. Nothing here reaches the internet.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from rasa.core.channels.channel import InputChannel, UserMessage

from bot.nlu.language import detect_language
from reliability.inprocess import serve
from tests.support import FIXTURES


def fixture_text(platform: str, name: str) -> str:
    """Reads a platform fixture as text."""
    return (FIXTURES / platform / name).read_text(encoding="utf-8")


def fixture_json(platform: str, name: str) -> Any:
    """Reads a JSON platform fixture."""
    return json.loads(fixture_text(platform, name))


def language_of(text: str) -> str | None:
    """zh/ko by script, as the assertions on reply language use it."""
    return detect_language(text)


@dataclass
class EchoBot:
    """Stands in for Rasa: answers in the language of the message, like the bot would.

    Behaviour by text: "slow" sleeps ``slow_seconds`` first; "boom" raises; "venue"
    adds a venue custom payload; "cards" adds two cards; "long" answers 5000
    characters; "many" sends five messages; otherwise one text with two buttons.
    """

    slow_seconds: float = 0.0
    received: list[UserMessage] = field(default_factory=list)

    async def __call__(self, message: UserMessage) -> None:
        """Handles one message like ``agent.handle_message``."""
        self.received.append(message)
        text = message.text or ""
        korean = language_of(text) == "ko" or text.endswith('"ko"}')
        out = message.output_channel
        sender = message.sender_id
        if "slow" in text:
            await asyncio.sleep(self.slow_seconds)
        if "boom" in text:
            raise RuntimeError("the bot failed")
        if "long" in text:
            word = "안녕하세요 " if korean else "您好，欢迎光临 "
            await out.send_response(sender, {"text": (word * 1000)[:5000]})
            return
        if "many" in text:
            for index in range(5):
                reply = f"{index + 1}번째 답변입니다" if korean else f"第{index + 1}条回答"
                await out.send_response(sender, {"text": reply})
            return
        reply = f"말씀하신 내용: {text}" if korean else f"您说的是：{text}"
        buttons = [
            {"title": "일정" if korean else "日程", "payload": "/ask_schedule"},
            {
                "title": "교통 안내" if korean else "交通",
                "payload": '/ask_transport{"origin":"airport"}',
            },
        ]
        await out.send_response(sender, {"text": reply, "buttons": buttons})
        if "venue" in text:
            venue = {
                "lat": 41.8057,
                "lon": 123.4315,
                "title": "沈阳国际展览中心",
                "address": "沈阳市苏家屯区会展路9号",
            }
            await out.send_response(sender, {"custom": {"venue": venue}})
        if "cards" in text:
            cards = [
                {
                    "title": "韩国美食节",
                    "description": "2025-06-20 10:00",
                    "image": "https://example.org/a.jpg",
                    "url": "https://example.org/food",
                    "buttons": [{"title": "详情", "payload": "/ask_food_festival"}],
                },
                {
                    "title": "跆拳道表演",
                    "description": "2025-06-21 14:00",
                    "image": "https://example.org/b.jpg",
                    "venue": venue
                    if "venue" in text
                    else {"lat": 41.78, "lon": 123.40, "title": "体育馆"},
                },
            ]
            await out.send_response(sender, {"custom": {"cards": cards}})


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@asynccontextmanager
async def serve_channel(channel: InputChannel, bot: Any) -> AsyncIterator[str]:
    """Serves a channel the way ``rasa run`` does (``/webhooks/<name>/...``) on a real port.

    Yields:
        The server's base URL.
    """
    async with serve([channel], bot) as url:
        yield url


@asynccontextmanager
async def serve_aiohttp(app: web.Application) -> AsyncIterator[str]:
    """Serves an aiohttp app on a free 127.0.0.1 port; yields its base URL."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


@dataclass
class FakeTelegram:
    """A fake Bot API: records calls, answers like Telegram, can answer 429 once."""

    token: str = "123456:TEST-token"
    base_url: str = ""
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    flood_once: set[str] = field(default_factory=set)
    fail_methods: set[str] = field(default_factory=set)
    times: list[tuple[str, float]] = field(default_factory=list)

    def app(self) -> web.Application:
        """The aiohttp application to serve."""
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self.handle)
        return app

    def sent(self, method: str) -> list[dict[str, Any]]:
        """Parameters of the successful calls to ``method``, in order."""
        return [params for name, params in self.calls if name == method]

    async def handle(self, request: web.Request) -> web.Response:
        """Answers one Bot API call."""
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        if request.content_type == "application/json":
            params = await request.json()
        else:
            params = dict(await request.post())
        if method in self.flood_once:
            self.flood_once.discard(method)
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": "Too Many Requests: retry after 1",
                    "parameters": {"retry_after": 1},
                },
                status=429,
            )
        if method in self.fail_methods:
            return web.json_response(
                {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"},
                status=400,
            )
        self.calls.append((method, params))
        self.times.append((method, asyncio.get_running_loop().time()))
        chat = {"id": int(params.get("chat_id", 1) or 1), "type": "private"}
        message = {"message_id": len(self.calls), "date": 1700000000, "chat": chat}
        results: dict[str, Any] = {
            "getMe": {"id": 123456, "is_bot": True, "first_name": "KW", "username": "kw_bot"},
            "deleteWebhook": True,
            "answerCallbackQuery": True,
            "sendMessage": {**message, "text": params.get("text", "")},
            "sendPhoto": message,
            "sendVenue": message,
        }
        if method == "getUpdates":
            offset = int(params.get("offset") or 0)
            pending = [u for u in self.updates if u["update_id"] >= offset]
            if not pending:
                await asyncio.sleep(0.05)
            return web.json_response({"ok": True, "result": pending})
        return web.json_response({"ok": True, "result": results.get(method, True)})


@dataclass
class FakeWeChatApi:
    """A fake WeChat API: issues tokens, records customer-service messages."""

    tokens_issued: int = 0
    reject_tokens: set[str] = field(default_factory=set)
    messages: list[dict[str, Any]] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def app(self) -> web.Application:
        """The aiohttp application to serve."""
        app = web.Application()
        app.router.add_get("/cgi-bin/token", self.token)
        app.router.add_post("/cgi-bin/message/custom/send", self.send)
        return app

    async def token(self, request: web.Request) -> web.Response:
        """Issues TOKEN1, TOKEN2, ... like cgi-bin/token."""
        if request.query.get("grant_type") != "client_credential" or not request.query.get(
            "secret"
        ):
            return web.json_response({"errcode": 40013, "errmsg": "invalid appid"})
        self.tokens_issued += 1
        return web.json_response({"access_token": f"TOKEN{self.tokens_issued}", "expires_in": 7200})

    async def send(self, request: web.Request) -> web.Response:
        """Records a customer-service message, refusing rejected tokens with 40001."""
        token = request.query.get("access_token", "")
        if token in self.reject_tokens or not token.startswith("TOKEN"):
            return web.json_response({"errcode": 40001, "errmsg": "invalid credential"})
        body = json.loads(await request.read())
        body["_token"] = token
        self.messages.append(body)
        self.arrived.set()
        return web.json_response({"errcode": 0, "errmsg": "ok"})


@dataclass
class FakeKakaoCallback:
    """A fake Kakao callback endpoint: records what the skill server posts."""

    posts: list[dict[str, Any]] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def app(self) -> web.Application:
        """The aiohttp application to serve."""
        app = web.Application()
        app.router.add_post("/callback/{task}", self.receive)
        return app

    async def receive(self, request: web.Request) -> web.Response:
        """Records a callback post."""
        self.posts.append(await request.json())
        self.arrived.set()
        return web.json_response(
            {
                "taskId": request.match_info["task"],
                "status": "SUCCESS",
                "message": "OK",
                "timestamp": 1700000000000,
            }
        )
