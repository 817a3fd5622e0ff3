"""The Telegram webhook: ``/webhooks/telegram/webhook``.

Requires ``X-Telegram-Bot-Api-Secret-Token`` (403 otherwise), a body of at most
256 kB (413) and a JSON update (400 otherwise, with the reason). Each
``update_id`` is processed once: its turn is recorded with the conversation
(``channels.common.once``) and the update marked in the channel store once done. Messages go
through the shared ``MessageGuard`` (per-user rate limit, a polite reply when
Rasa's stores are away); a message over 1000 characters gets the ``too_long``
text instead. Replies are sent as Rasa produces them; a turn that produced none
(Rasa logs and swallows a failed custom action) gets the ``error`` text. If
processing fails, or the update is still being processed, the webhook answers
500 so Telegram delivers the update again.
"""

from __future__ import annotations

import logging

from rasa.core.channels.channel import OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from telegram import Bot
from telegram.error import TelegramError

from bot.nlu.language import detect_language
from bot.server import metrics
from bot.server.abort import TurnNotProcessed
from bot.server.replay import make_turn_id
from channels.common.base import PlatformInput
from channels.common.bodies import check_size, read_json
from channels.common.catalog import WELCOME_TOPICS, platform_language, primary_subtag, say
from channels.common.errors import Forbidden, RequestRefused
from channels.common.limits import too_long
from channels.common.location import SHARE_LOCATION, SharedLocation
from channels.common.once import TurnDone, TurnInProgress, once
from channels.common.replies import BotMessage, Button
from channels.common.runner import OnNewMessage, build_metadata, secrets_equal
from channels.common.store import KeyValueStore, mark_once
from channels.telegram import render
from channels.telegram.output import TelegramOutput
from channels.telegram.sender import RateLimiter, Sender, keep_token_out_of_logs
from channels.telegram.settings import SECRET_HEADER, TelegramSettings
from channels.telegram.updates import SHORT_KEY_PREFIX, Inbound, parse_update

logger = logging.getLogger(__name__)

PLATFORM = "telegram"
FALLBACK_LANGUAGE = "zh"
DEDUP_TTL = 24 * 3600.0

#: What goes to Rasa for an update: the text, and the location it shares, if any.
ForRasa = tuple[str, SharedLocation | None]


class TelegramInput(PlatformInput[TelegramSettings]):
    """Rasa input channel for a Telegram bot (webhook; see ``polling`` for long polling).

    Args:
        settings: The configuration.
        store: Dedup and short-key storage; from ``REDIS_URL`` when omitted.
    """

    platform = PLATFORM
    display_name = "Telegram"
    refusal_style = "telegram"
    settings_type = TelegramSettings

    def __init__(self, settings: TelegramSettings, store: KeyValueStore | None = None) -> None:
        super().__init__(settings, store)
        self._sender: Sender | None = None
        self._bot_id = settings.token.split(":", 1)[0]

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

    def add_routes(self, hook: Blueprint, on_new_message: OnNewMessage) -> None:
        """``POST /webhook`` takes updates."""

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                inbound = self._read(request)
            except RequestRefused as refused:
                return self.refuse(request, refused)
            async with self.turns.turn(str(inbound.chat_id)):  # the chat's updates in order
                return await self._take(inbound, on_new_message)

    async def close(self) -> None:
        """Closes the Bot API client, if one was opened."""
        if self._sender is not None:
            await self._sender.bot.shutdown()

    def _read(self, request: Request) -> Inbound:
        """Checks the secret token and the size, then reads the update.

        Raises:
            RequestRefused: Forbidden without the secret token, TooLarge, BadRequest.
        """
        if not secrets_equal(request.headers.get(SECRET_HEADER), self.settings.secret_token):
            raise Forbidden("bad secret token")
        check_size(request.body)
        return parse_update(read_json(request.body))

    async def _take(self, inbound: Inbound, on_new_message: OnNewMessage) -> HTTPResponse:
        """Processes an update once; on failure answers 500 so Telegram retries.

        The update is marked done after it was processed (an update for Rasa is
        recorded with its turn before that, ``channels.common.once``), so a retry
        after a server died mid-update is processed, and a retry while the update
        is still being processed gets 500 and comes back later.
        """
        key = f"telegram:update:{self._bot_id}:{inbound.update_id}"
        if await self._done(key):
            logger.info("Telegram update %s already processed", inbound.update_id)
            return response.json({"ok": True})
        try:
            await self.process(inbound, once(on_new_message, self.ledger, replay=False))
        except TurnDone:
            logger.info("Telegram update %s was answered before", inbound.update_id)
        except TurnInProgress:
            logger.info("Telegram update %s is still being processed", inbound.update_id)
            return response.json({"ok": False}, status=500)
        except Exception:  # noqa: BLE001 - let Telegram deliver it again
            logger.exception(
                "Telegram update %s failed; answering 500 so Telegram retries", inbound.update_id
            )
            return response.json({"ok": False}, status=500)
        if not await mark_once(self.store, key, DEDUP_TTL):
            logger.info("Telegram update %s was processed twice at once", inbound.update_id)
        return response.json({"ok": True})

    async def _done(self, key: str) -> bool:
        """Tells whether an update was processed (False when the store fails: process it)."""
        try:
            return await self.store.get(key) is not None
        except Exception:  # noqa: BLE001 - a rare duplicate beats silence
            logger.warning("Could not read %s; processing the update", key, exc_info=True)
            return False

    async def process(self, inbound: Inbound, on_new_message: OnNewMessage) -> None:
        """Acts on one update: answers commands itself, hands everything else to Rasa.

        Raises:
            Exception: Whatever processing or sending raised; the caller answers 500.
        """
        if inbound.kind == "ignore":
            return
        hint = platform_language(inbound.language_code)
        language = await self.memory.recall(inbound.user_id, hint)
        output = TelegramOutput(self.sender, self.store, language, self.settings.map_provider)
        for_rasa = await self._for_rasa(inbound, output, language)
        if for_rasa is None:
            return
        text, location = for_rasa
        await self.memory.learn(inbound.user_id, text)  # "/share_location" shows no language
        default_language = primary_subtag(inbound.language_code) or FALLBACK_LANGUAGE
        message = UserMessage(
            text,
            output,
            str(inbound.chat_id),
            input_channel=PLATFORM,
            message_id=make_turn_id(PLATFORM, self._bot_id, inbound.update_id),
            metadata=build_metadata(PLATFORM, inbound.user_id, default_language, location),
        )
        try:
            await self.guard.handle(on_new_message, message)
        except TurnNotProcessed:
            # Nothing was stored and the update's turn id is free: a resend is processed.
            await output.send(inbound.chat_id, BotMessage(text=say("error", language)))
            return
        if not output.sent:  # Rasa swallowed a failure (e.g. the action server is down)
            await output.send(inbound.chat_id, BotMessage(text=say("error", language)))
        await self.memory.learn(inbound.user_id, *output.sent_texts)

    async def _for_rasa(
        self, inbound: Inbound, output: TelegramOutput, language: str | None
    ) -> ForRasa | None:
        """What to send Rasa for an update; None when the connector answered by itself."""
        if inbound.kind == "callback":
            text = await self._callback_text(inbound)
            if not text:
                await output.send(inbound.chat_id, BotMessage(text=say("button_expired", language)))
                return None
            return text, None
        if inbound.kind == "text" and too_long(inbound.text):
            language = detect_language(inbound.text[:200]) or language
            metrics.count_message(PLATFORM, language, "too_long")
            await output.send(inbound.chat_id, BotMessage(text=say("too_long", language)))
            return None
        if inbound.kind == "unsupported":
            await output.send(inbound.chat_id, BotMessage(text=say("text_only", language)))
            return None
        if inbound.kind == "command":
            command_text = await self._command(inbound, output, language)
            return None if command_text is None else (command_text, None)
        if inbound.kind == "location":
            return SHARE_LOCATION, SharedLocation(inbound.lat, inbound.lon, inbound.label)
        return inbound.text, None

    async def _callback_text(self, inbound: Inbound) -> str:
        """Answers a button tap and returns its payload ("" when its short key expired)."""
        try:
            await self.sender.bot.answer_callback_query(inbound.callback_id)
        except TelegramError as exc:  # cosmetic (stops the spinner); a retry finds it stale
            logger.warning("Could not answer callback query %s: %s", inbound.callback_id, exc)
        if inbound.text.startswith(SHORT_KEY_PREFIX):
            return str(await self.store.get(f"telegram:cb:{inbound.text}") or "")
        return inbound.text

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
