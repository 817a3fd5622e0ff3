"""Local stand-ins for the platforms' APIs, in a process of their own.

    python -m bench.fakes READY.json

Serves the harness's fake Telegram Bot API and fake WeChat API
(``harness.platforms``) on free 127.0.0.1 ports, writes their base URLs to
READY.json, and runs until SIGTERM. The Telegram connector sends every reply
through the Bot API, so its round trip includes these calls; the WeChat API only
sees replies that miss the passive-reply window.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from pathlib import Path

from bench.payloads import SECRETS
from harness.platforms import FakeTelegram, FakeWeChatApi, serve_aiohttp


async def serve(ready: Path) -> None:
    """Serves both fakes until SIGTERM, keeping only counts of what they received."""
    telegram = FakeTelegram(token=SECRETS.telegram_token)
    wechat = FakeWeChatApi()
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stopped.set)
    loop.add_signal_handler(signal.SIGINT, stopped.set)
    async with (
        serve_aiohttp(telegram.app()) as telegram_url,
        serve_aiohttp(wechat.app()) as wechat_url,
    ):
        ready.write_text(
            json.dumps({"telegram": f"{telegram_url}/bot", "wechat": f"{wechat_url}/cgi-bin/"}),
            encoding="utf-8",
        )
        while not stopped.is_set():
            try:
                await asyncio.wait_for(stopped.wait(), timeout=5)
            except asyncio.TimeoutError:
                pass
            # Keep memory bounded over a long run: only the counts matter here.
            telegram.calls.clear()
            telegram.times.clear()
            wechat.messages.clear()


def main(argv: list) -> int:
    """Runs the fakes until told to stop."""
    asyncio.run(serve(Path(argv[0])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
