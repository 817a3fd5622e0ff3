"""Local stand-ins for the platforms' own APIs, served by aiohttp on 127.0.0.1.

``FakeTelegram`` is the Bot API (records calls, can answer 429 once or fail a
method), ``FakeWeChatApi`` the access-token and customer-service endpoints,
``FakeKakaoCallback`` the callback URL of a Kakao skill. ``serve_aiohttp`` serves
any of their ``app()`` on a free port. Nothing here reaches the internet.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@asynccontextmanager
async def serve_aiohttp(app: web.Application) -> AsyncIterator[str]:
    """Serves an aiohttp app on a free 127.0.0.1 port; yields its base URL."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    # Port 0: the system picks a free port as it binds, so no other process can take it first.
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}"
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
