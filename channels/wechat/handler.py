"""The WeChat Official Account webhook: ``/webhooks/wechat/webhook``.

GET answers WeChat's URL verification. POST takes messages in plain, compatible
or safe (AES) mode: it authenticates (signature, msg_signature, timestamp,
nonce), decrypts, deduplicates WeChat's retries, and answers within the 5-second
window either with a passive XML reply or with ``success`` followed by
customer-service messages once Rasa is done.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from wechatpy.crypto import WeChatCrypto

from bot.nlu.language import detect_language
from channels.common.catalog import WELCOME_TOPICS, LanguageMemory, say
from channels.common.limits import body_too_large, too_long
from channels.common.replies import BotMessage
from channels.common.runner import (
    CollectingOutput,
    TaskKeeper,
    build_metadata,
    run_within_budget,
)
from channels.common.store import KeyValueStore, create_store, mark_once
from channels.common.turns import Turns
from channels.wechat import parse, render
from channels.wechat.sender import CustomerService
from channels.wechat.settings import WeChatSettings

logger = logging.getLogger(__name__)

PLATFORM = "wechat"
DEFAULT_LANGUAGE = "zh"
DEDUP_TTL = 900.0
MENU_TTL = 24 * 3600.0
SUCCESS = "success"


class WeChatInput(InputChannel):
    """Rasa input channel for a WeChat Official Account.

    Args:
        settings: The configuration.
        store: Dedup, nonce, token and menu storage; from ``REDIS_URL`` when omitted.
    """

    @classmethod
    def name(cls) -> str:
        """URL segment and channel name: ``/webhooks/wechat/webhook``."""
        return PLATFORM

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WeChatInput:
        """Builds the channel from its credentials.yml section (fails loudly when incomplete)."""
        return cls(WeChatSettings.from_credentials(credentials))

    def __init__(self, settings: WeChatSettings, store: KeyValueStore | None = None) -> None:
        self.settings = settings
        self._store = store
        self._sender: CustomerService | None = None
        self._crypto = (
            WeChatCrypto(settings.token, settings.aes_key, settings.appid)
            if settings.aes_key
            else None
        )
        self._aes = parse.decode_aes_key(settings.aes_key) if settings.aes_key else b""
        self.keeper = TaskKeeper()
        self.turns = Turns()

    @property
    def store(self) -> KeyValueStore:
        """The channel store, created on first use (inside the server's event loop)."""
        if self._store is None:
            self._store = create_store()
        return self._store

    @property
    def sender(self) -> CustomerService:
        """The customer-service API client, created on first use."""
        if self._sender is None:
            self._sender = CustomerService(
                self.settings.appid,
                self.settings.appsecret,
                self.store,
                self.settings.api_base_url,
            )
        return self._sender

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Routes: ``GET /`` health, ``GET /webhook`` verification, ``POST /webhook`` messages."""
        hook = Blueprint("wechat_webhook", __name__)

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            args = request.args
            try:
                parse.verify_signature(
                    self.settings.token,
                    args.get("signature"),
                    args.get("timestamp", ""),
                    args.get("nonce", ""),
                )
                parse.verify_timestamp(
                    args.get("timestamp", ""), time.time(), self.settings.timestamp_window
                )
            except parse.WeChatRequestError as exc:
                logger.warning("Refused WeChat verification from %s: %s", request.ip, exc.reason)
                return response.text("forbidden", status=exc.status)
            return response.text(args.get("echostr", ""))

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                return await self._receive(request, on_new_message)
            except parse.WeChatRequestError as exc:
                logger.warning("Refused WeChat request from %s: %s", request.ip, exc.reason)
                label = {403: "forbidden", 413: "too large"}.get(exc.status, "bad request")
                return response.text(f"{label}: {exc.reason}", status=exc.status)
            except Exception:  # noqa: BLE001 - no input may produce a 5xx
                logger.exception("Refused WeChat request from %s: unreadable", request.ip)
                return response.text("bad request: unreadable message", status=400)

        @hook.listener("before_server_stop")
        async def drain(*_: Any) -> None:
            if not await self.keeper.wait_idle(timeout=10.0):
                logger.warning("Stopping with %d WeChat deliveries pending", self.keeper.pending)

        return hook

    def _authenticate(self, request: Request) -> dict[str, Any]:
        """Checks the request's signatures and timestamp; returns the (decrypted) message fields.

        Nothing here awaits, so the message's turn (``_receive``) is taken in arrival
        order; the nonce is checked for reuse once the turn is ours.
        """
        args = request.args
        timestamp, nonce = args.get("timestamp", ""), args.get("nonce", "")
        if body_too_large(request.body, self.settings.max_body_bytes):
            raise parse.TooLarge(f"body over {self.settings.max_body_bytes} bytes")
        parse.verify_signature(self.settings.token, args.get("signature"), timestamp, nonce)
        parse.verify_timestamp(timestamp, time.time(), self.settings.timestamp_window)
        outer = parse.parse_xml(request.body or b"")
        encrypted = args.get("encrypt_type", "").lower() == "aes"
        if not self._aes:
            if "MsgType" not in outer:
                raise parse.BadRequest("encrypted message but WECHAT_AES_KEY is not set")
            return outer
        if not encrypted:
            raise parse.BadRequest("plain message while in safe mode")
        envelope = outer.get("Encrypt")
        if not isinstance(envelope, str) or not envelope:
            raise parse.BadRequest("Encrypt element missing")
        parse.verify_signature(
            self.settings.token, args.get("msg_signature"), timestamp, nonce, envelope
        )
        return parse.parse_xml(parse.decrypt(envelope, self._aes, self.settings.appid))

    async def _receive(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        inbound = parse.parse_inbound(self._authenticate(request))
        async with self.turns.turn(inbound.user):  # the user's messages in arrival order
            return await self._answer(request, inbound, on_new_message)

    async def _answer(
        self,
        request: Request,
        inbound: parse.Inbound,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> HTTPResponse:
        timestamp, nonce = request.args.get("timestamp", ""), request.args.get("nonce", "")
        window = 2 * self.settings.timestamp_window
        fresh_nonce = await mark_once(self.store, f"wechat:nonce:{timestamp}:{nonce}", window)
        dedup_key = f"wechat:msg:{inbound.dedup_key}"
        if not fresh_nonce:
            # A reused nonce is a replay unless it repeats a message already taken
            # (WeChat's retry of the very same request), which just gets "success".
            if await self._taken(dedup_key):
                logger.info("WeChat retry of %s with a reused nonce ignored", inbound.dedup_key)
                return response.text(SUCCESS)
            raise parse.Forbidden("nonce seen before")
        encrypt = bool(self._crypto) and request.args.get("encrypt_type", "").lower() == "aes"

        def passive(text: str) -> HTTPResponse:
            xml = render.text_reply_xml(inbound.user, inbound.account, text)
            if encrypt and self._crypto is not None:
                xml = self._crypto.encrypt_message(xml, nonce)
            return response.text(xml, content_type="application/xml")

        if not await mark_once(self.store, dedup_key, DEDUP_TTL):
            logger.info("WeChat retry of %s ignored", inbound.dedup_key)
            return response.text(SUCCESS)
        memory = LanguageMemory(self.store, PLATFORM)
        language = await memory.recall(inbound.user, DEFAULT_LANGUAGE)
        if inbound.action == "ignore":
            return response.text(SUCCESS)
        if inbound.action == "text_only":
            return passive(say("text_only", language))
        if inbound.action == "rasa" and too_long(inbound.text):
            return passive(say("too_long", detect_language(inbound.text[:200]) or language))
        if inbound.action == "welcome":
            welcome = BotMessage(
                text=say("welcome", None),
                buttons=tuple(render.welcome_buttons(None, WELCOME_TOPICS)),
            )
            return passive(await self._render(inbound.user, [welcome], None))

        try:
            text, location = await self._user_text(inbound, language)
            await memory.learn(inbound.user, text)
            collector = CollectingOutput(PLATFORM)
            message = UserMessage(
                text,
                collector,
                inbound.user,
                input_channel=PLATFORM,
                message_id=inbound.msg_id or None,
                metadata=build_metadata(PLATFORM, inbound.user, DEFAULT_LANGUAGE, location),
            )

            async def deliver_late(replies: list[BotMessage], error: BaseException | None) -> None:
                await self._deliver(inbound.user, replies, error)

            outcome = await run_within_budget(
                on_new_message,
                message,
                collector,
                self.settings.reply_budget,
                deliver_late,
                self.keeper,
            )
            if not outcome.finished:
                return response.text(SUCCESS)
            if outcome.error is not None:
                return passive(say("error", await memory.recall(inbound.user, language)))
            if not outcome.messages:  # Rasa swallowed a failure (e.g. action server down)
                return passive(say("error", language))
            await memory.learn(inbound.user, *(m.text for m in outcome.messages))
            language = await memory.recall(inbound.user, language)
            reply = await self._render(inbound.user, outcome.messages, language)
            if render.fits_passive(reply):
                return passive(reply)
            self.keeper.spawn(
                self.sender.send_texts(inbound.user, render.split_for_customer_service(reply))
            )
            return response.text(SUCCESS)
        except Exception:  # noqa: BLE001 - authenticated message: answer, never 5xx
            logger.exception("Handling WeChat message %s failed", inbound.dedup_key)
            return passive(say("error", language))

    async def _taken(self, dedup_key: str) -> bool:
        """Tells whether a message was already taken (False if the store fails)."""
        try:
            return await self.store.get(dedup_key) is not None
        except Exception:  # noqa: BLE001 - treat as a replay
            logger.warning("Could not read %s", dedup_key, exc_info=True)
            return False

    async def _user_text(
        self, inbound: parse.Inbound, language: str | None
    ) -> tuple[str, tuple[float, float] | None]:
        """The text for Rasa: a tapped option's payload, a directions request, or as typed."""
        if inbound.action == "location":
            label = inbound.label or ""
            text = say("location_request", language, label=label).strip()
            return text, (inbound.lat, inbound.lon)
        key = inbound.menu_id or inbound.text.strip()
        if key.isdigit() and len(key) <= 12:
            try:
                options = await self.store.get(f"wechat:menu:{inbound.user}") or {}
            except Exception:  # noqa: BLE001 - fall back to the text as typed
                logger.warning("Could not read the menu of %s", inbound.user, exc_info=True)
                options = {}
            if key in options:
                return str(options[key]), None
        return inbound.text, None

    async def _render(self, user: str, messages: list[BotMessage], language: str | None) -> str:
        """Renders replies and remembers the options they offer."""
        rendered = render.render_messages(
            messages,
            language,
            self.settings.button_style,
            menu_base=secrets.randbelow(9_000_000) + 1_000_000,
            maps=self.settings.map_provider,
        )
        if rendered.options:
            try:
                await self.store.set(f"wechat:menu:{user}", rendered.options, MENU_TTL)
            except Exception:  # noqa: BLE001 - options then arrive as typed text
                logger.warning("Could not store the menu of %s", user, exc_info=True)
        return rendered.text

    async def _deliver(
        self, user: str, replies: list[BotMessage], error: BaseException | None
    ) -> None:
        """Sends replies that missed the passive window through the customer-service API."""
        language = await LanguageMemory(self.store, PLATFORM).recall(user, DEFAULT_LANGUAGE)
        if error is not None or not replies:
            text = say("error", language)
        else:
            await LanguageMemory(self.store, PLATFORM).learn(user, *(m.text for m in replies))
            language = await LanguageMemory(self.store, PLATFORM).recall(user, language)
            text = await self._render(user, replies, language)
        await self.sender.send_texts(user, render.split_for_customer_service(text))
