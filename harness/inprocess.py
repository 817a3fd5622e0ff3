"""The connectors in this process, served the way ``rasa run`` serves them, on a real port.

``connectors`` builds WeChat (safe mode), Kakao, Telegram and REST from a run's
secrets with in-memory stores, talking to the (fake) platform APIs it is given.
``serve`` puts channels on one Sanic app under ``/webhooks/<name>/webhook`` on a
free 127.0.0.1 port with a stand-in for Rasa (``harness.echobot.EchoBot`` or any
``handle_message`` coroutine); ``serve_channel`` does it for one channel.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from types import SimpleNamespace
from typing import Any

from rasa.core.channels.channel import InputChannel, register
from sanic import Sanic

from channels.common.store import KeyValueStore, MemoryStore
from harness.secrets import Secrets


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


@asynccontextmanager
async def serve_channel(channel: InputChannel, bot: Any) -> AsyncIterator[str]:
    """Serves one channel the way ``rasa run`` does (``/webhooks/<name>/...``) on a real port.

    Yields:
        The server's base URL.
    """
    async with serve([channel], bot) as url:
        yield url
