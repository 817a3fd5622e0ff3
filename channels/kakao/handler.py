"""The Kakao i Open Builder skill server: ``/webhooks/kakao/webhook``.

Skill requests are not signed, so the shared ``KAKAO_SKILL_SECRET`` must come in a
header (default ``X-Skill-Secret``) or as the last path segment
(``/webhooks/kakao/webhook/<secret>``); 403 otherwise. Kakao waits five seconds:
an answer ready within the budget is returned directly; otherwise, with a
``callbackUrl``, the connector answers ``useCallback`` and posts the real answer
there once; without one it returns a polite "busy" text in time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.common.catalog import LanguageMemory, platform_language, say
from channels.common.config import optional_choice, optional_float, optional_str, required_str
from channels.common.limits import MAX_BODY_BYTES, body_too_large, too_long
from channels.common.replies import BotMessage
from channels.common.runner import (
    CollectingOutput,
    TaskKeeper,
    build_metadata,
    run_within_budget,
    secrets_equal,
)
from channels.common.store import KeyValueStore, create_store
from channels.common.turns import Turns
from channels.kakao import skill

logger = logging.getLogger(__name__)

PLATFORM = "kakao"
DEFAULT_LANGUAGE = "ko"


@dataclass(frozen=True)
class KakaoSettings:
    """Configuration from the ``channels.kakao.KakaoInput`` section of credentials.yml."""

    skill_secret: str
    secret_header: str = "X-Skill-Secret"
    secret_in: str = "any"
    reply_budget: float = 3.5
    callback_timeout: float = 10.0
    map_provider: str = "google"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> KakaoSettings:
        """Reads and checks the section.

        Raises:
            ChannelConfigError: When the secret is missing or a value is invalid.
        """
        return cls(
            skill_secret=required_str(credentials, "skill_secret", "KAKAO_SKILL_SECRET"),
            secret_header=optional_str(credentials, "secret_header", "X-Skill-Secret"),
            secret_in=optional_choice(credentials, "secret_in", "any", ("header", "path", "any")),
            reply_budget=optional_float(credentials, "reply_budget", 3.5, 0.1, 4.8),
            map_provider=optional_choice(credentials, "map_provider", "google", ("amap", "google")),
        )


class KakaoInput(InputChannel):
    """Rasa input channel acting as a Kakao i Open Builder skill server.

    Args:
        settings: The configuration.
        store: Language memory storage; from ``REDIS_URL`` when omitted.
    """

    @classmethod
    def name(cls) -> str:
        """URL segment and channel name: ``/webhooks/kakao/webhook``."""
        return PLATFORM

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> KakaoInput:
        """Builds the channel from its credentials.yml section (fails loudly when incomplete)."""
        return cls(KakaoSettings.from_credentials(credentials))

    def __init__(self, settings: KakaoSettings, store: KeyValueStore | None = None) -> None:
        self.settings = settings
        self._store = store
        self.keeper = TaskKeeper()
        self.turns = Turns()

    @property
    def store(self) -> KeyValueStore:
        """The channel store, created on first use."""
        if self._store is None:
            self._store = create_store()
        return self._store

    def authorized(self, request: Request, path_secret: str | None) -> bool:
        """Checks the secret in the header and/or path, as configured, in constant time."""
        expected = self.settings.skill_secret
        header_ok = secrets_equal(request.headers.get(self.settings.secret_header), expected)
        path_ok = secrets_equal(path_secret, expected)
        if self.settings.secret_in == "header":
            return header_ok
        if self.settings.secret_in == "path":
            return path_ok
        return header_ok or path_ok

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Routes: ``GET /`` health, ``POST /webhook`` and ``POST /webhook/<secret>``."""
        hook = Blueprint("kakao_webhook", __name__)

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        async def receive(request: Request, secret: str | None = None) -> HTTPResponse:
            if not self.authorized(request, secret):
                logger.warning("Refused Kakao skill request from %s: bad secret", request.ip)
                return response.json({"error": "forbidden", "reason": "bad secret"}, status=403)
            if body_too_large(request.body):
                logger.warning("Refused Kakao skill request from %s: body too large", request.ip)
                reason = f"body over {MAX_BODY_BYTES} bytes"
                return response.json({"error": "too large", "reason": reason}, status=413)
            try:
                request_data = skill.parse_skill_request(request.json)
            except Exception as exc:  # noqa: BLE001 - invalid JSON raises sanic's own errors
                logger.warning("Refused Kakao skill request from %s: %s", request.ip, exc)
                reason = str(exc) or type(exc).__name__
                return response.json({"error": "bad request", "reason": reason}, status=400)
            async with self.turns.turn(request_data.user_id):  # in arrival order
                answer = await self._answer(request_data, on_new_message)
            return response.json(answer)

        hook.add_route(receive, "/webhook", methods=["POST"], name="receive")
        hook.add_route(receive, "/webhook/<secret:str>", methods=["POST"], name="receive_path")

        @hook.listener("before_server_stop")
        async def drain(*_: Any) -> None:
            if not await self.keeper.wait_idle(timeout=10.0):
                logger.warning("Stopping with %d Kakao callbacks pending", self.keeper.pending)

        return hook

    async def _answer(
        self, request: skill.SkillRequest, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> dict[str, Any]:
        memory = LanguageMemory(self.store, PLATFORM)
        hint = platform_language(request.lang, DEFAULT_LANGUAGE)
        await memory.learn(request.user_id, request.utterance)
        language = await memory.recall(request.user_id, hint)
        if too_long(request.text):
            return skill.text_response(say("too_long", language))
        collector = CollectingOutput(PLATFORM)
        message = UserMessage(
            request.text,
            collector,
            request.user_id,
            input_channel=PLATFORM,
            metadata=build_metadata(PLATFORM, request.user_id, DEFAULT_LANGUAGE),
        )

        async def deliver_late(replies: list[BotMessage], error: BaseException | None) -> None:
            body = await self._render(request.user_id, replies, error, language)
            await self._post_callback(request.callback_url, body)

        if request.callback_url:
            late = deliver_late
        else:

            async def late(replies: list[BotMessage], error: BaseException | None) -> None:
                logger.warning(
                    "Kakao answer for %s was ready too late and had no callbackUrl", request.user_id
                )

        try:
            outcome = await run_within_budget(
                on_new_message, message, collector, self.settings.reply_budget, late, self.keeper
            )
        except Exception:  # noqa: BLE001 - answer Kakao whatever happens
            logger.exception("Handling a Kakao skill request failed")
            return skill.text_response(say("error", language))
        if outcome.finished:
            return await self._render(request.user_id, outcome.messages, outcome.error, language)
        if request.callback_url:
            return skill.callback_ack(say("waiting", language))
        return skill.text_response(say("busy", language))

    async def _render(
        self,
        user_id: str,
        replies: list[BotMessage],
        error: BaseException | None,
        language: str | None,
    ) -> dict[str, Any]:
        if error is not None or not replies:  # no replies: Rasa swallowed a failure
            return skill.text_response(say("error", language))
        memory = LanguageMemory(self.store, PLATFORM)
        await memory.learn(user_id, *(m.text for m in replies))
        language = await memory.recall(user_id, language)
        return skill.render_response(replies, language, self.settings.map_provider)

    async def _post_callback(self, url: str, body: dict[str, Any]) -> None:
        """Posts the answer to the one-use callbackUrl (once: a retry could answer twice)."""
        timeout = aiohttp.ClientTimeout(total=self.settings.callback_timeout)
        try:
            async with aiohttp.ClientSession(timeout=timeout) as session:
                async with session.post(url, json=body) as reply:
                    if reply.status >= 300:
                        logger.error(
                            "Kakao callback answered %s: %s",
                            reply.status,
                            (await reply.text())[:300],
                        )
        except (aiohttp.ClientError, asyncio.TimeoutError):
            logger.exception("Posting the Kakao callback failed")
