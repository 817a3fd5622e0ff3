"""Long polling for Telegram when the Rasa server has no public URL.

Run next to the Rasa server (``make run``) as ``python -m channels.telegram.polling``.
It removes the bot's webhook, fetches updates with ``getUpdates`` and posts each one,
with the secret token, to the local webhook (``KW_RASA_URL``, default
``http://127.0.0.1:5005``), so polled updates take exactly the webhook's path:
same deduplication, same replies. An update whose post fails is retried with
backoff; after ``max_attempts`` it is logged as lost and skipped, so one poisoned
update cannot stall the bot.

Environment: ``TELEGRAM_TOKEN``, ``TELEGRAM_SECRET_TOKEN``, optional
``TELEGRAM_API_BASE_URL`` (read through ``bot.settings.channel_secrets``) and the
``KW_RASA_URL`` setting.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
from telegram import Bot
from telegram.error import TelegramError

from bot.settings import Settings, SettingsError, channel_secrets, get_settings
from channels.common.errors import ChannelConfigError
from channels.telegram.sender import keep_token_out_of_logs
from channels.telegram.settings import DEFAULT_API_BASE_URL, SECRET_HEADER

logger = logging.getLogger(__name__)

ALLOWED_UPDATES = ("message", "callback_query")
SECRET_VARIABLES = ("TELEGRAM_TOKEN", "TELEGRAM_SECRET_TOKEN")


@dataclass(frozen=True)
class PollingSettings:
    """What the poller needs."""

    token: str
    secret_token: str
    webhook_url: str
    api_base_url: str = DEFAULT_API_BASE_URL
    poll_timeout: int = 30
    max_attempts: int = 5

    @classmethod
    def from_env(
        cls, secrets: Mapping[str, str] | None = None, settings: Settings | None = None
    ) -> PollingSettings:
        """Reads the Telegram secrets and the Rasa server's URL.

        Args:
            secrets: ``TELEGRAM_*`` values; read from the environment when omitted.
            settings: The settings (``KW_RASA_URL``); the process's own when omitted.

        Raises:
            ChannelConfigError: When TELEGRAM_TOKEN or TELEGRAM_SECRET_TOKEN is missing.
        """
        if secrets is None:
            secrets = channel_secrets(*SECRET_VARIABLES, "TELEGRAM_API_BASE_URL")
        missing = [name for name in SECRET_VARIABLES if not secrets.get(name)]
        if missing:
            raise ChannelConfigError(f"set {' and '.join(missing)} to poll Telegram")
        rasa_url = (settings or get_settings()).rasa_url.rstrip("/")
        return cls(
            token=secrets["TELEGRAM_TOKEN"],
            secret_token=secrets["TELEGRAM_SECRET_TOKEN"],
            webhook_url=f"{rasa_url}/webhooks/telegram/webhook",
            api_base_url=secrets.get("TELEGRAM_API_BASE_URL") or DEFAULT_API_BASE_URL,
        )


async def forward(
    session: aiohttp.ClientSession, settings: PollingSettings, update: Mapping[str, Any]
) -> int:
    """Posts one update to the webhook; returns the HTTP status (0 when unreachable)."""
    try:
        async with session.post(
            settings.webhook_url,
            json=dict(update),
            headers={SECRET_HEADER: settings.secret_token},
        ) as reply:
            return reply.status
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
        logger.warning("Webhook unreachable: %s", exc)
        return 0


async def deliver(
    session: aiohttp.ClientSession,
    settings: PollingSettings,
    update: Mapping[str, Any],
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
) -> bool:
    """Posts an update until the webhook takes it or attempts run out; logs a loss."""
    for attempt in range(1, settings.max_attempts + 1):
        status = await forward(session, settings, update)
        if 200 <= status < 300:
            return True
        logger.warning(
            "Webhook answered %s to update %s (attempt %d/%d)",
            status,
            update.get("update_id"),
            attempt,
            settings.max_attempts,
        )
        if attempt < settings.max_attempts:
            await sleep(min(30.0, 2.0 ** (attempt - 1)))
    logger.error(
        "Update %s was not processed after %d attempts and is skipped: %s",
        update.get("update_id"),
        settings.max_attempts,
        dict(update),
    )
    return False


async def poll(
    bot: Bot,
    settings: PollingSettings,
    stop: asyncio.Event,
    session: aiohttp.ClientSession,
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
) -> None:
    """Polls until ``stop`` is set, feeding every update to the webhook in order."""
    await bot.delete_webhook(drop_pending_updates=False)
    offset: int | None = None
    failures = 0
    while not stop.is_set():
        try:
            updates = await bot.get_updates(
                offset=offset, timeout=settings.poll_timeout, allowed_updates=ALLOWED_UPDATES
            )
            failures = 0
        except TelegramError as exc:
            failures += 1
            logger.warning("getUpdates failed (%s); retrying", exc)
            await sleep(min(30.0, 2.0**failures))
            continue
        for update in updates:
            await deliver(session, settings, update.to_dict(), sleep)
            offset = update.update_id + 1


async def main(settings: PollingSettings | None = None) -> None:
    """Runs the poller until SIGINT or SIGTERM."""
    settings = settings or PollingSettings.from_env()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    logger.info("Polling Telegram and posting updates to %s", settings.webhook_url)
    keep_token_out_of_logs(settings.token)  # getUpdates URLs carry the token, every 30 s
    timeout = aiohttp.ClientTimeout(total=120)
    async with (
        Bot(settings.token, base_url=settings.api_base_url) as bot,
        aiohttp.ClientSession(timeout=timeout) as session,
    ):
        await poll(bot, settings, stop, session)


def run() -> None:
    """Command line entry point: polls until stopped; exits with a message when misconfigured."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        settings = PollingSettings.from_env()
    except (ChannelConfigError, SettingsError) as exc:
        sys.exit(f"channels.telegram.polling: {exc}")
    asyncio.run(main(settings))


if __name__ == "__main__":
    run()
