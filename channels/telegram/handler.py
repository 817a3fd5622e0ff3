"""The Telegram webhook: ``/webhooks/telegram/webhook``.

Requires ``X-Telegram-Bot-Api-Secret-Token`` (403 otherwise), a body of at most
256 kB (413) and a JSON update (400 otherwise, with the reason). Each
``update_id`` is processed once (a TTL'd mark in the channel store). Messages go
through the shared ``MessageGuard`` (per-user rate limit, a polite reply when
Rasa's stores are away); a message over 1000 characters gets the ``too_long``
text instead. Replies are sent as Rasa produces them; a turn that produced none
(Rasa logs and swallows a failed custom action) gets the ``error`` text. If
processing fails, the mark is removed and the webhook answers 500 so Telegram
delivers the update again.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from telegram import Bot
from telegram.error import TelegramError

from bot.nlu.language import detect_language
from channels.common.catalog import (
    WELCOME_TOPICS,
    LanguageMemory,
    platform_language,
    primary_subtag,
    say,
)
from channels.common.config import optional_choice, optional_float, optional_str, required_str
from channels.common.limits import MAX_BODY_BYTES, body_too_large, too_long
from channels.common.replies import BotMessage, Button, parse_bot_message
from channels.common.runner import MessageGuard, build_metadata, secrets_equal
from channels.common.store import KeyValueStore, create_store, mark_once
from channels.common.turns import Turns
from channels.telegram import render
from channels.telegram.sender import RateLimiter, Sender, keep_token_out_of_logs
from channels.telegram.updates import SHORT_KEY_PREFIX, Inbound, UpdateError, parse_update

logger = logging.getLogger(__name__)

PLATFORM = "telegram"
FALLBACK_LANGUAGE = "zh"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
DEDUP_TTL = 24 * 3600.0
SHORT_KEY_TTL = 30 * 24 * 3600.0
DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"


@dataclass(frozen=True)
class TelegramSettings:
    """Configuration from the ``channels.telegram.TelegramInput`` section of credentials.yml."""

    token: str
    secret_token: str
    api_base_url: str = DEFAULT_API_BASE_URL
    per_chat_interval: float = 1.0
    per_second: float = 30.0
    per_chat_burst: int = 3
    map_provider: str = "google"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TelegramSettings:
        """Reads and checks the section.

        Raises:
            ChannelConfigError: When the token or secret is missing or a value is invalid.
        """
        return cls(
            token=required_str(credentials, "token", "TELEGRAM_TOKEN"),
            secret_token=required_str(credentials, "secret_token", "TELEGRAM_SECRET_TOKEN"),
            api_base_url=optional_str(credentials, "api_base_url", DEFAULT_API_BASE_URL),
            per_chat_interval=optional_float(credentials, "per_chat_interval", 1.0, 0.0, 10.0),
            per_second=optional_float(credentials, "per_second", 30.0, 1.0, 30.0),
            per_chat_burst=int(optional_float(credentials, "per_chat_burst", 3, 1, 20)),
            map_provider=optional_choice(credentials, "map_provider", "google", ("amap", "google")),
        )


class TelegramOutput(OutputChannel):
    """Sends each bot message to a chat as Rasa produces it."""

    def __init__(
        self, sender: Sender, store: KeyValueStore, language: str | None, maps: str = "google"
    ) -> None:
        self._sender = sender
        self._store = store
        self._language = language
        self._maps = maps
        self.sent = 0
        self.sent_texts: list[str] = []

    @classmethod
    def name(cls) -> str:
        """The platform name, so domain responses with ``channel: telegram`` apply."""
        return PLATFORM

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """Plans and sends one bot message."""
        await self.send(int(recipient_id), parse_bot_message(message))

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Sends a plain text message."""
        await self.send(int(recipient_id), BotMessage(text=text))

    async def send(self, chat_id: int, message: BotMessage) -> None:
        """Stores the short keys the message needs, then makes its calls in order."""
        plan = render.plan_message(message, self._language, self._maps)
        for key, payload in plan.short_keys.items():
            await self._store.set(f"telegram:cb:{key}", payload, SHORT_KEY_TTL)
        for call in plan.calls:
            await self._sender.send(chat_id, call)
        self.sent += len(plan.calls)
        if message.text:
            self.sent_texts.append(message.text)


class TelegramInput(InputChannel):
    """Rasa input channel for a Telegram bot (webhook; see ``polling`` for long polling).

    Args:
        settings: The configuration.
        store: Dedup and short-key storage; from ``REDIS_URL`` when omitted.
    """

    @classmethod
    def name(cls) -> str:
        """URL segment and channel name: ``/webhooks/telegram/webhook``."""
        return PLATFORM

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TelegramInput:
        """Builds the channel from its credentials.yml section (fails loudly when incomplete)."""
        return cls(TelegramSettings.from_credentials(credentials))

    def __init__(self, settings: TelegramSettings, store: KeyValueStore | None = None) -> None:
        self.settings = settings
        self._store = store
        self._sender: Sender | None = None
        self._bot_id = settings.token.split(":", 1)[0]
        self.guard = MessageGuard()
        self.turns = Turns()

    @property
    def store(self) -> KeyValueStore:
        """The channel store, created on first use."""
        if self._store is None:
            self._store = create_store()
        return self._store

    @property
    def sender(self) -> Sender:
        """The rate-limited sender, created on first use (no network until a call)."""
        if self._sender is None:
            keep_token_out_of_logs(self.settings.token)
            bot = Bot(self.settings.token, base_url=self.settings.api_base_url)
            limiter = RateLimiter(
                self.settings.per_chat_interval,
                int(self.settings.per_second),
                self.settings.per_chat_burst,
            )
            self._sender = Sender(bot, limiter)
        return self._sender

    def get_output_channel(self) -> OutputChannel | None:
        """An output channel for messages Rasa sends on its own (reminders, external events)."""
        return TelegramOutput(self.sender, self.store, None, self.settings.map_provider)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Routes: ``GET /`` health and ``POST /webhook``."""
        hook = Blueprint("telegram_webhook", __name__)

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not secrets_equal(request.headers.get(SECRET_HEADER), self.settings.secret_token):
                logger.warning("Refused Telegram update from %s: bad secret token", request.ip)
                return response.json({"ok": False, "description": "bad secret token"}, status=403)
            if body_too_large(request.body):
                logger.warning("Refused Telegram update from %s: body too large", request.ip)
                reason = f"body over {MAX_BODY_BYTES} bytes"
                return response.json({"ok": False, "description": reason}, status=413)
            try:
                inbound = parse_update(json.loads(request.body or b""))
            except (ValueError, RecursionError, UpdateError) as exc:
                logger.warning("Refused unparsable Telegram update from %s: %s", request.ip, exc)
                reason = str(exc) or type(exc).__name__
                return response.json({"ok": False, "description": reason}, status=400)
            async with self.turns.turn(str(inbound.chat_id)):  # the chat's updates in order
                return await self._take(inbound, on_new_message)

        @hook.listener("before_server_stop")
        async def close(*_: Any) -> None:
            if self._sender is not None:
                await self._sender.bot.shutdown()

        return hook

    async def _take(
        self, inbound: Inbound, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        """Processes an update once; on failure unmarks it and answers 500 so Telegram retries."""
        key = f"telegram:update:{self._bot_id}:{inbound.update_id}"
        if not await mark_once(self.store, key, DEDUP_TTL):
            logger.info("Telegram update %s already processed", inbound.update_id)
            return response.json({"ok": True})
        try:
            await self.process(inbound, on_new_message)
        except Exception:  # noqa: BLE001 - unmark and let Telegram deliver it again
            logger.exception(
                "Telegram update %s failed; answering 500 so Telegram retries", inbound.update_id
            )
            try:
                await self.store.delete(key)
            except Exception:  # noqa: BLE001
                logger.exception("Could not unmark update %s", inbound.update_id)
            return response.json({"ok": False}, status=500)
        return response.json({"ok": True})

    async def process(
        self, inbound: Inbound, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> None:
        """Acts on one update: answers commands itself, hands everything else to Rasa.

        Raises:
            Exception: Whatever processing or sending raised; the caller answers 500.
        """
        if inbound.kind == "ignore":
            return
        memory = LanguageMemory(self.store, PLATFORM)
        hint = platform_language(inbound.language_code)
        language = await memory.recall(inbound.user_id, hint)
        output = TelegramOutput(self.sender, self.store, language, self.settings.map_provider)
        text, location = inbound.text, None
        if inbound.kind == "callback":
            try:
                await self.sender.bot.answer_callback_query(inbound.callback_id)
            except TelegramError as exc:  # cosmetic (stops the spinner); a retry finds it stale
                logger.warning("Could not answer callback query %s: %s", inbound.callback_id, exc)
            if text.startswith(SHORT_KEY_PREFIX):
                text = await self.store.get(f"telegram:cb:{text}") or ""
            if not text:
                await output.send(inbound.chat_id, BotMessage(text=say("button_expired", language)))
                return
        elif inbound.kind == "text" and too_long(text):
            language = detect_language(text[:200]) or language
            await output.send(inbound.chat_id, BotMessage(text=say("too_long", language)))
            return
        elif inbound.kind == "unsupported":
            await output.send(inbound.chat_id, BotMessage(text=say("text_only", language)))
            return
        elif inbound.kind == "command":
            command_text = await self._command(inbound, output, language)
            if command_text is None:
                return
            text = command_text
        elif inbound.kind == "location":
            text = say("location_request", language if language else FALLBACK_LANGUAGE, label="")
            location = (inbound.lat, inbound.lon)
        await memory.learn(inbound.user_id, text)
        default_language = primary_subtag(inbound.language_code) or FALLBACK_LANGUAGE
        message = UserMessage(
            text,
            output,
            str(inbound.chat_id),
            input_channel=PLATFORM,
            message_id=str(inbound.update_id),
            metadata=build_metadata(PLATFORM, inbound.user_id, default_language, location),
        )
        await self.guard.handle(on_new_message, message)
        if not output.sent:  # Rasa swallowed a failure (e.g. the action server is down)
            await output.send(inbound.chat_id, BotMessage(text=say("error", language)))
        await memory.learn(inbound.user_id, *output.sent_texts)

    async def _command(
        self, inbound: Inbound, output: TelegramOutput, language: str | None
    ) -> str | None:
        """Answers /start, /help and /lang; returns text for Rasa when there is some."""
        if inbound.command == "lang":
            code = platform_language(inbound.argument) or primary_subtag(inbound.argument)
            if code in ("zh", "ko", "en"):
                return f'/change_language{{"target_language":"{code}"}}'
            choice = BotMessage(
                text=say("choose_language", language), buttons=tuple(render.language_buttons())
            )
            await output.send(inbound.chat_id, choice)
            return None
        intro = "welcome" if inbound.command == "start" else "help"
        topics = tuple(
            Button(title=say(label, language).replace("\n", " / "), payload=payload)
            for label, payload in WELCOME_TOPICS
        )
        await output.send(inbound.chat_id, BotMessage(text=say(intro, language), buttons=topics))
        return None
