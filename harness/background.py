"""An event loop in a daemon thread, and the fake platforms served from one.

Synchronous code (hypothesis ``@given`` tests, a test that starts ``make run``'s
server as a child process, the reliability run's checks) needs servers that keep
answering while it blocks: ``Background`` runs coroutines and async context
managers on its own loop; ``Platforms`` serves the fake Telegram Bot API, WeChat
API and Kakao callback endpoint (``harness.platforms``) there.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from harness.platforms import FakeKakaoCallback, FakeTelegram, FakeWeChatApi, serve_aiohttp

T = TypeVar("T")


class Background:
    """An event loop in a daemon thread: start async context managers there, run coroutines."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self._exits: list[Callable[[], Coroutine[Any, Any, Any]]] = []

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = 120.0) -> T:
        """Runs a coroutine on the loop and waits for its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def enter(self, manager: Any) -> Any:
        """Enters an async context manager on the loop; ``close`` exits it."""
        value = self.run(manager.__aenter__())
        self._exits.append(lambda: manager.__aexit__(None, None, None))
        return value

    def close(self) -> None:
        """Exits the managers (last first) and stops the loop."""
        while self._exits:
            self.run(self._exits.pop()())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)


class Platforms:
    """Fake Telegram, WeChat and Kakao-callback servers on 127.0.0.1, served in the background.

    ``urls`` holds what the connectors are configured with: ``telegram`` (the Bot
    API base, ending in ``/bot``), ``wechat`` (ending in ``/cgi-bin/``) and
    ``kakao`` (the callback server's base URL).

    Args:
        telegram_token: The bot token the fake Bot API accepts.
    """

    def __init__(self, telegram_token: str) -> None:
        self.telegram = FakeTelegram(token=telegram_token)
        self.wechat = FakeWeChatApi()
        self.kakao = FakeKakaoCallback()
        self.urls: dict[str, str] = {}
        self._background: Background | None = None

    def __enter__(self) -> Platforms:
        background = self._background = Background()
        telegram = background.enter(serve_aiohttp(self.telegram.app()))
        wechat = background.enter(serve_aiohttp(self.wechat.app()))
        kakao = background.enter(serve_aiohttp(self.kakao.app()))
        self.urls = {"telegram": f"{telegram}/bot", "wechat": f"{wechat}/cgi-bin/", "kakao": kakao}
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._background is not None:
            self._background.close()
            self._background = None

    def telegram_texts(self, chat_id: int) -> list[str]:
        """Texts the bot sent to a Telegram chat so far, in order."""
        return [
            str(params.get("text", ""))
            for params in self.telegram.sent("sendMessage")
            if int(params.get("chat_id", 0)) == chat_id
        ]

    def wechat_texts(self, openid: str) -> list[str]:
        """Texts sent to a WeChat user through the customer-service API so far."""
        return [
            str((message.get("text") or {}).get("content", ""))
            for message in list(self.wechat.messages)
            if message.get("touser") == openid
        ]
