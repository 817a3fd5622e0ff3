"""The four connectors in this process, the way ``rasa run`` serves them, for the short checks.

``connectors`` builds WeChat (safe mode), Kakao, Telegram and REST from the run's
secrets with in-memory stores; ``serve`` puts them on one Sanic app on a free
127.0.0.1 port with a stand-in bot (``tests/channels_support.EchoBot`` or any
``handle_message`` coroutine). ``Background`` runs such servers in a thread, so
synchronous code (hypothesis ``@given`` tests) can post to them.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from types import SimpleNamespace
from typing import Any, TypeVar

from rasa.core.channels.channel import InputChannel, register
from sanic import Sanic

from channels.common.store import KeyValueStore, MemoryStore
from reliability.settings import Secrets

T = TypeVar("T")


def connectors(
    secrets: Secrets,
    telegram_api: str,
    wechat_api: str,
    store: Callable[[], KeyValueStore] = MemoryStore,
) -> list[InputChannel]:
    """The platform connectors and REST, configured as ``make run`` configures them.

    Args:
        secrets: The credentials.
        telegram_api: The (fake) Bot API base URL, ending in ``/bot``.
        wechat_api: The (fake) WeChat API base URL, ending in ``/cgi-bin/``.
        store: Makes each connector's store (an in-memory one by default).
    """
    from channels.kakao import KakaoInput
    from channels.kakao.handler import KakaoSettings
    from channels.rest import RestInput
    from channels.telegram import TelegramInput, TelegramSettings
    from channels.wechat import WeChatInput, WeChatSettings

    wechat = WeChatInput(
        WeChatSettings.from_credentials(
            {
                "token": secrets.wechat_token,
                "appid": secrets.wechat_appid,
                "appsecret": secrets.wechat_appsecret,
                "aes_key": secrets.wechat_aes_key,
                "api_base_url": wechat_api,
            }
        ),
        store(),
    )
    kakao_settings = KakaoSettings.from_credentials({"skill_secret": secrets.kakao_secret})
    kakao = KakaoInput(kakao_settings, store())
    telegram = TelegramInput(
        TelegramSettings.from_credentials(
            {
                "token": secrets.telegram_token,
                "secret_token": secrets.telegram_secret,
                "api_base_url": telegram_api,
            }
        ),
        store(),
    )
    return [wechat, kakao, telegram, RestInput.from_credentials({})]


@asynccontextmanager
async def serve(
    channels: list[InputChannel], handle_message: Callable[[Any], Awaitable[Any]]
) -> AsyncIterator[str]:
    """Serves the channels under ``/webhooks/<name>/webhook`` on a free port; yields its URL."""
    Sanic.test_mode = True
    app = Sanic(f"kw_rel_{uuid.uuid4().hex[:12]}")
    app.ctx.agent = SimpleNamespace(handle_message=handle_message)
    register(channels, app, route="/webhooks/")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = await app.create_server(sock=sock, return_asyncio_server=True, access_log=False)
    assert server is not None
    await server.startup()
    await server.before_start()
    await server.after_start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        await server.before_stop()
        server.close()
        await server.wait_closed()
        await server.after_stop()
        sock.close()


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
