"""The WeChat Official Account webhook: ``/webhooks/wechat/webhook``.

GET answers WeChat's URL verification. POST takes messages in plain, compatible
or safe (AES) mode: it authenticates (signature, msg_signature, timestamp,
nonce), decrypts, deduplicates WeChat's retries, and answers within the 5-second
window either with a passive XML reply or with ``success`` followed by
customer-service messages once Rasa is done.
"""

from __future__ import annotations

import functools
import logging
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from wechatpy.crypto import WeChatCrypto

from bot.nlu.language import detect_language
from bot.server import metrics
from bot.server.replay import make_turn_id
from channels.common.base import PlatformInput
from channels.common.bodies import check_size
from channels.common.catalog import WELCOME_TOPICS, say
from channels.common.errors import BadRequest, Forbidden, RequestRefused
from channels.common.limits import too_long
from channels.common.location import SHARE_LOCATION, SharedLocation
from channels.common.once import TurnDone, TurnInProgress, once
from channels.common.replies import BotMessage
from channels.common.runner import (
    CollectingOutput,
    OnNewMessage,
    Outcome,
    build_metadata,
    run_within_budget,
)
from channels.common.store import KeyValueStore, mark_once
from channels.wechat import parse, render
from channels.wechat.sender import CustomerService
from channels.wechat.settings import WeChatSettings

logger = logging.getLogger(__name__)

PLATFORM = "wechat"
DEFAULT_LANGUAGE = "zh"
DEDUP_TTL = 900.0
MENU_TTL = 24 * 3600.0
SUCCESS = "success"


@dataclass(frozen=True)
class Passive:
    """Builds the passive replies to one message, encrypted when the message was.

    Args:
        inbound: The message answered.
        crypto: The account's crypto for a safe or compatible mode request, else None.
        nonce: The request's nonce, reused by the encrypted reply.
    """

    inbound: parse.Inbound
    crypto: WeChatCrypto | None
    nonce: str

    def __call__(self, text: str) -> HTTPResponse:
        """The XML reply carrying ``text``."""
        xml = render.text_reply_xml(self.inbound.user, self.inbound.account, text)
        if self.crypto is not None:
            xml = self.crypto.encrypt_message(xml, self.nonce)
        return response.text(xml, content_type="application/xml")


class WeChatInput(PlatformInput[WeChatSettings]):
    """Rasa input channel for a WeChat Official Account.

    Args:
        settings: The configuration.
        store: Dedup, nonce, token and menu storage; from ``REDIS_URL`` when omitted.
    """

    platform = PLATFORM
    display_name = "WeChat"
    refusal_style = "text"
    settings_type = WeChatSettings

    def __init__(self, settings: WeChatSettings, store: KeyValueStore | None = None) -> None:
        super().__init__(settings, store)
        self._sender: CustomerService | None = None
        self._crypto = (
            WeChatCrypto(settings.token, settings.aes_key, settings.appid)
            if settings.aes_key
            else None
        )
        self._aes = parse.decode_aes_key(settings.aes_key) if settings.aes_key else b""

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

    def add_routes(self, hook: Blueprint, on_new_message: OnNewMessage) -> None:
        """``GET /webhook`` answers the URL verification, ``POST /webhook`` takes messages."""

        @hook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            try:
                self._verify_query(request.args)
            except RequestRefused as refused:
                return self.refuse(request, refused)
            return response.text(request.args.get("echostr", ""))

        # Each MsgId is processed once; a retry of a running turn gets "success" at once
        # (the first delivery answers, passively or through customer service).
        handle = once(on_new_message, self.ledger)

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                return await self._receive(request, handle)
            except RequestRefused as refused:
                return self.refuse(request, refused)
            except Exception:  # noqa: BLE001 - no input may produce a 5xx
                logger.exception("Reading a WeChat request from %s failed", request.ip)
                return self.refuse(request, BadRequest("unreadable message"))

    def _verify_query(self, args: Mapping[str, str]) -> None:
        """Checks the query's signature and timestamp.

        Raises:
            Forbidden: When either is wrong.
        """
        timestamp, nonce = args.get("timestamp", ""), args.get("nonce", "")
        parse.verify_signature(self.settings.token, args.get("signature"), timestamp, nonce)
        parse.verify_timestamp(timestamp, time.time(), self.settings.timestamp_window)

    def _authenticate(self, request: Request) -> dict[str, Any]:
        """Checks the request's signatures and timestamp; returns the (decrypted) message fields.

        Nothing here awaits, so the message's turn (``_receive``) is taken in arrival
        order; the nonce is checked for reuse once the turn is ours.

        Raises:
            RequestRefused: When the body is too large, unsigned, stale or unreadable.
        """
        args = request.args
        check_size(request.body, self.settings.max_body_bytes)
        self._verify_query(args)
        outer = parse.parse_xml(request.body or b"")
        if not self._aes:
            if "MsgType" not in outer:
                raise BadRequest("encrypted message but WECHAT_AES_KEY is not set")
            return outer
        if args.get("encrypt_type", "").lower() != "aes":
            raise BadRequest("plain message while in safe mode")
        envelope = outer.get("Encrypt")
        if not isinstance(envelope, str) or not envelope:
            raise BadRequest("Encrypt element missing")
        timestamp, nonce = args.get("timestamp", ""), args.get("nonce", "")
        parse.verify_signature(
            self.settings.token, args.get("msg_signature"), timestamp, nonce, envelope
        )
        return parse.parse_xml(parse.decrypt(envelope, self._aes, self.settings.appid))

    async def _receive(self, request: Request, on_new_message: OnNewMessage) -> HTTPResponse:
        inbound = parse.parse_inbound(self._authenticate(request))
        async with self.turns.turn(inbound.user):  # the user's messages in arrival order
            if not await self._first_delivery(request, inbound):
                return response.text(SUCCESS)
            passive = self._passive(request, inbound)
            language = await self.memory.recall(inbound.user, DEFAULT_LANGUAGE)
            direct = await self._answer_without_rasa(inbound, language, passive)
            if direct is not None:
                return direct
            return await self._turn(inbound, language, passive, on_new_message)

    async def _first_delivery(self, request: Request, inbound: parse.Inbound) -> bool:
        """Marks the nonce and the message as seen; tells whether to go on with this delivery.

        A retry of a message for Rasa goes on: its turn record (``channels.common.once``)
        answers it, or has it processed when the first delivery died before its turn
        was stored. A retry of anything else is ignored.

        Raises:
            Forbidden: When the nonce was used before by another message (a replay).
        """
        timestamp, nonce = request.args.get("timestamp", ""), request.args.get("nonce", "")
        window = 2 * self.settings.timestamp_window
        dedup_key = f"wechat:msg:{inbound.dedup_key}"
        if not await mark_once(self.store, f"wechat:nonce:{timestamp}:{nonce}", window):
            # A reused nonce is a replay unless it repeats a message already taken
            # (WeChat's retry of the very same request), which just gets "success".
            if await self._taken(dedup_key):
                return self._retry_goes_on(inbound)
            raise Forbidden("nonce seen before")
        if not await mark_once(self.store, dedup_key, DEDUP_TTL):
            return self._retry_goes_on(inbound)
        return True

    @staticmethod
    def _retry_goes_on(inbound: parse.Inbound) -> bool:
        """Whether a retry is handed on to its turn record (a message for Rasa) or ignored."""
        if inbound.msg_id and inbound.action in ("rasa", "location"):
            logger.info("WeChat retry of %s; its turn record answers it", inbound.dedup_key)
            return True
        logger.info("WeChat retry of %s ignored", inbound.dedup_key)
        return False

    def _passive(self, request: Request, inbound: parse.Inbound) -> Passive:
        encrypted = request.args.get("encrypt_type", "").lower() == "aes"
        crypto = self._crypto if encrypted else None
        return Passive(inbound, crypto, request.args.get("nonce", ""))

    async def _answer_without_rasa(
        self, inbound: parse.Inbound, language: str | None, passive: Passive
    ) -> HTTPResponse | None:
        """Answers what needs no Rasa turn (events, non-text, too long, welcome); else None."""
        if inbound.action == "ignore":
            return response.text(SUCCESS)
        if inbound.action == "text_only":
            return passive(say("text_only", language))
        if inbound.action == "rasa" and too_long(inbound.text):
            language = detect_language(inbound.text[:200]) or language
            metrics.count_message(PLATFORM, language, "too_long")
            return passive(say("too_long", language))
        if inbound.action == "welcome":
            welcome = BotMessage(
                text=say("welcome", None),
                buttons=tuple(render.welcome_buttons(None, WELCOME_TOPICS)),
            )
            return passive(await self._render(inbound.user, [welcome], None))
        return None

    async def _turn(
        self,
        inbound: parse.Inbound,
        language: str | None,
        passive: Passive,
        on_new_message: OnNewMessage,
    ) -> HTTPResponse:
        """Hands the message to Rasa and answers within the reply budget (or later)."""
        try:
            text, location = await self._user_text(inbound)
            await self.memory.learn(inbound.user, text)  # "/share_location" shows no language
            collector = CollectingOutput(PLATFORM)
            message = UserMessage(
                text,
                collector,
                inbound.user,
                input_channel=PLATFORM,
                message_id=make_turn_id(PLATFORM, inbound.dedup_key) if inbound.msg_id else None,
                metadata=build_metadata(PLATFORM, inbound.user, DEFAULT_LANGUAGE, location),
            )
            late = functools.partial(self._deliver, inbound.user)
            budget = self.settings.reply_budget
            outcome = await run_within_budget(
                on_new_message, message, collector, budget, late, self.keeper
            )
            return await self._reply(inbound, outcome, language, passive)
        except Exception:  # noqa: BLE001 - authenticated message: answer, never 5xx
            logger.exception("Handling WeChat message %s failed", inbound.dedup_key)
            return passive(say("error", language))

    async def _reply(
        self, inbound: parse.Inbound, outcome: Outcome, language: str | None, passive: Passive
    ) -> HTTPResponse:
        """A passive reply when the answer is ready and fits, else ``success`` (sent later)."""
        if not outcome.finished or isinstance(outcome.error, (TurnDone, TurnInProgress)):
            return response.text(SUCCESS)
        if outcome.error is not None:
            return passive(say("error", await self.memory.recall(inbound.user, language)))
        if not outcome.messages:  # Rasa swallowed a failure (e.g. action server down)
            return passive(say("error", language))
        await self.memory.learn(inbound.user, *(m.text for m in outcome.messages))
        language = await self.memory.recall(inbound.user, language)
        reply = await self._render(inbound.user, outcome.messages, language)
        if render.fits_passive(reply):
            return passive(reply)
        parts = render.split_for_customer_service(reply)
        self.keeper.spawn(self.sender.send_texts(inbound.user, parts))
        return response.text(SUCCESS)

    async def _taken(self, dedup_key: str) -> bool:
        """Tells whether a message was already taken (False if the store fails)."""
        try:
            return await self.store.get(dedup_key) is not None
        except Exception:  # noqa: BLE001 - treat as a replay
            logger.warning("Could not read %s", dedup_key, exc_info=True)
            return False

    async def _user_text(self, inbound: parse.Inbound) -> tuple[str, SharedLocation | None]:
        """The text for Rasa: a shared location, a tapped option's payload, or as typed."""
        if inbound.action == "location":
            return SHARE_LOCATION, SharedLocation(inbound.lat, inbound.lon, inbound.label)
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
        if isinstance(error, (TurnDone, TurnInProgress)):
            return  # a retry: the first delivery answers
        language = await self.memory.recall(user, DEFAULT_LANGUAGE)
        if error is not None or not replies:
            text = say("error", language)
        else:
            await self.memory.learn(user, *(m.text for m in replies))
            language = await self.memory.recall(user, language)
            text = await self._render(user, replies, language)
        await self.sender.send_texts(user, render.split_for_customer_service(text))
