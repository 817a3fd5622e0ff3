"""The Kakao i Open Builder skill server: ``/webhooks/kakao/webhook``.

Skill requests are not signed, so the shared ``KAKAO_SKILL_SECRET`` must come in a
header (default ``X-Skill-Secret``) or as the last path segment
(``/webhooks/kakao/webhook/<secret>``); 403 otherwise. Kakao waits five seconds:
an answer ready within the budget is returned directly; otherwise, with a
``callbackUrl``, the connector answers ``useCallback`` and posts the real answer
there once; without one it returns the polite "busy" text in time, which asks
for no resend (the message is still being processed; a resend would be stored twice).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from typing import Any

import aiohttp
from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.server import metrics
from bot.server.replay import make_turn_id
from channels.common.base import PlatformInput
from channels.common.bodies import check_size, read_json
from channels.common.catalog import platform_language, say
from channels.common.errors import Forbidden, RequestRefused
from channels.common.limits import too_long
from channels.common.once import TurnDone, TurnInProgress, once
from channels.common.replies import BotMessage
from channels.common.runner import (
    CollectingOutput,
    LateDelivery,
    OnNewMessage,
    build_metadata,
    run_within_budget,
    secrets_equal,
)
from channels.kakao import skill
from channels.kakao.settings import KakaoSettings

__all__ = ["KakaoInput", "KakaoSettings"]

logger = logging.getLogger(__name__)

PLATFORM = "kakao"
DEFAULT_LANGUAGE = "ko"


def turn_id(request: skill.SkillRequest) -> str | None:
    """The turn id of a skill request: a digest of user, utterance and callbackUrl. Pure.

    Kakao's skill payload has no request id; its one-use ``callbackUrl`` makes a
    request unique. Without one there is no id (a visitor may well say the same
    thing twice), and the request is processed as before.
    """
    if not request.callback_url:
        return None
    parts = (request.user_id, request.utterance, request.callback_url)
    digest = hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:32]
    return make_turn_id(PLATFORM, digest)


class KakaoInput(PlatformInput[KakaoSettings]):
    """Rasa input channel acting as a Kakao i Open Builder skill server.

    Args:
        settings: The configuration.
        store: Language memory storage; from ``REDIS_URL`` when omitted.
    """

    platform = PLATFORM
    display_name = "Kakao"
    refusal_style = "json"
    settings_type = KakaoSettings

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

    def add_routes(self, hook: Blueprint, on_new_message: OnNewMessage) -> None:
        """``POST /webhook`` and ``POST /webhook/<secret>`` take skill requests."""
        handle = once(on_new_message, self.ledger)

        async def receive(request: Request, secret: str | None = None) -> HTTPResponse:
            try:
                skill_request = self._read(request, secret)
            except RequestRefused as refused:
                return self.refuse(request, refused)
            async with self.turns.turn(skill_request.user_id):  # in arrival order
                answer = await self._answer(skill_request, handle)
            return response.json(answer)

        hook.add_route(receive, "/webhook", methods=["POST"], name="receive")
        hook.add_route(receive, "/webhook/<secret:str>", methods=["POST"], name="receive_path")

    def _read(self, request: Request, path_secret: str | None) -> skill.SkillRequest:
        """Checks the secret and the size, then reads the skill request.

        Raises:
            RequestRefused: Forbidden without the secret, TooLarge, BadRequest.
        """
        if not self.authorized(request, path_secret):
            raise Forbidden("bad secret")
        check_size(request.body)
        return skill.parse_skill_request(read_json(request.body))

    async def _answer(
        self, request: skill.SkillRequest, on_new_message: OnNewMessage
    ) -> dict[str, Any]:
        hint = platform_language(request.lang, DEFAULT_LANGUAGE)
        await self.memory.learn(request.user_id, request.utterance)
        language = await self.memory.recall(request.user_id, hint)
        if too_long(request.text):
            metrics.count_message(PLATFORM, language, "too_long")
            return skill.text_response(say("too_long", language))
        collector = CollectingOutput(PLATFORM)
        message = UserMessage(
            request.text,
            collector,
            request.user_id,
            input_channel=PLATFORM,
            message_id=turn_id(request),
            metadata=build_metadata(PLATFORM, request.user_id, DEFAULT_LANGUAGE),
        )
        late = self._late_delivery(request, language)
        try:
            outcome = await run_within_budget(
                on_new_message, message, collector, self.settings.reply_budget, late, self.keeper
            )
        except Exception:  # noqa: BLE001 - answer Kakao whatever happens
            logger.exception("Handling a Kakao skill request failed")
            return skill.text_response(say("error", language))
        if isinstance(outcome.error, (TurnDone, TurnInProgress)):
            return skill.callback_ack(say("waiting", language))  # the first copy answers
        if outcome.finished:
            return await self._render(request.user_id, outcome.messages, outcome.error, language)
        if request.callback_url:
            return skill.callback_ack(say("waiting", language))
        return skill.text_response(say("busy", language))

    def _late_delivery(self, request: skill.SkillRequest, language: str | None) -> LateDelivery:
        """Where an answer that missed the budget goes: the callbackUrl, or only the log."""

        async def to_callback(replies: list[BotMessage], error: BaseException | None) -> None:
            if isinstance(error, (TurnDone, TurnInProgress)):
                return  # a copy of a request whose first copy posts the answer
            body = await self._render(request.user_id, replies, error, language)
            await self._post_callback(request.callback_url, body)

        async def to_log(replies: list[BotMessage], error: BaseException | None) -> None:
            logger.warning(
                "Kakao answer for %s was ready too late and had no callbackUrl", request.user_id
            )

        return to_callback if request.callback_url else to_log

    async def _render(
        self,
        user_id: str,
        replies: list[BotMessage],
        error: BaseException | None,
        language: str | None,
    ) -> dict[str, Any]:
        if error is not None or not replies:  # no replies: Rasa swallowed a failure
            return skill.text_response(say("error", language))
        await self.memory.learn(user_id, *(m.text for m in replies))
        language = await self.memory.recall(user_id, language)
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
