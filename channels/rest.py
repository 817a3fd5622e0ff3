"""Rasa's REST channel (``/webhooks/rest/webhook``) behind the same guard as the platforms.

Rasa's ``RestInput`` answers ``[]`` when processing fails and waits for as long as
processing takes. This subclass keeps its URL, request and response format
(streaming included) and sends every message through a ``MessageGuard``: past
the per-user rate limit, or while Redis or the conversation lock is away, the
response is one polite text in the user's language (from the text, else
``metadata.default_language``, else both)
instead of an empty list. Any other failure answers the catalog's ``error`` text.

A slow turn is waited for: the answer comes when it is ready, never a "send
again" while the first copy is still being processed (a resend would be stored
twice). Rasa's own bounds end every turn: the lock wait (``wait_seconds`` in
endpoints.redis.yml, 8 s) and the action server's timeout. An optional
``reply_timeout`` (seconds) answers the catalog's ``busy`` text after that long,
which asks for no resend, and lets processing finish in the background.

Registered in credentials.yml as ``channels.rest.RestInput:`` (instead of ``rest:``),
with an optional ``reply_timeout``.

Before any of that, a POST must be a JSON object with a non-empty string
``sender`` and a string ``message`` (``metadata`` an object, ``input_channel`` a
string, when present): anything else gets 400 with the reason, a body over
``MAX_BODY_BYTES`` 413, and a message over ``MAX_MESSAGE_CHARS`` the polite
``too_long`` text instead of an answer.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.server import metrics
from channels.common.bodies import check_size, read_json
from channels.common.catalog import say
from channels.common.config import optional_float
from channels.common.errors import BadRequest, RequestRefused, refusal_response
from channels.common.limits import too_long
from channels.common.runner import MessageGuard, reply_language
from channels.common.turns import Turns

logger = logging.getLogger(__name__)

#: No timeout: a slow turn is answered when it finishes.
DEFAULT_REPLY_TIMEOUT: float | None = None


def read_request(body: bytes | None) -> dict[str, Any]:
    """Reads a REST request body, before Rasa's handler does. Pure.

    Returns:
        The request object.

    Raises:
        RequestRefused: TooLarge over ``MAX_BODY_BYTES``, BadRequest when it is not
            an object with the fields' types.
    """
    check_size(body)
    data = read_json(body)
    if not isinstance(data, dict):
        raise BadRequest("body must be a JSON object")
    sender, message = data.get("sender"), data.get("message")
    if not isinstance(sender, str) or not sender.strip():
        raise BadRequest("sender must be a non-empty string")
    if not isinstance(message, str):
        raise BadRequest("message must be a string")
    if data.get("metadata") is not None and not isinstance(data["metadata"], dict):
        raise BadRequest("metadata must be an object")
    if data.get("input_channel") is not None and not isinstance(data["input_channel"], str):
        raise BadRequest("input_channel must be a string")
    return data


class RestInput(RasaRestInput):
    """The REST channel, with the rate limit and polite replies on outages and timeouts.

    Args:
        guard: The message guard; one with ``reply_timeout`` from the environment
            when omitted.
    """

    def __init__(self, guard: MessageGuard | None = None) -> None:
        self.guard = guard or MessageGuard(timeout=DEFAULT_REPLY_TIMEOUT)
        self.turns = Turns()

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> RestInput:
        """Reads the optional ``reply_timeout`` (seconds, 1–120; unset: wait for the answer).

        Raises:
            ChannelConfigError: When the value is not a number in range.
        """
        timeout = optional_float(credentials, "reply_timeout", 0.0, 1.0, 120.0)
        return cls(MessageGuard(timeout=timeout or DEFAULT_REPLY_TIMEOUT))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's REST routes, with every message going through the guard."""

        async def guarded(message: UserMessage) -> None:
            async with self.turns.turn(str(message.sender_id)):  # in arrival order
                await answer(message)

        async def answer(message: UserMessage) -> None:
            try:
                await self.guard.handle(on_new_message, message)
            except Exception:  # noqa: BLE001 - the caller gets a text, not an empty list
                logger.exception("REST message of %s failed", message.sender_id)
                text = say("error", reply_language(message))
                await message.output_channel.send_text_message(message.sender_id, text)
                return
            if not getattr(message.output_channel, "messages", True):
                # No reply at all: Rasa swallowed a failure (e.g. the action server is down).
                metrics.count_message(message.input_channel, reply_language(message), "error")
                text = say("error", reply_language(message))
                await message.output_channel.send_text_message(message.sender_id, text)

        hook = super().blueprint(guarded)

        @hook.middleware("request")
        async def refuse_malformed(request: Request) -> HTTPResponse | None:
            if request.method != "POST" or not request.path.endswith("/webhook"):
                return None
            try:
                data = read_request(request.body)
            except RequestRefused as refused:
                return refusal_response("REST", request.ip, refused, "json")
            if too_long(data["message"]):
                language = reply_language(UserMessage(data["message"][:200]))
                metrics.count_message(data.get("input_channel") or "rest", language, "too_long")
                text = say("too_long", language)
                return response.json([{"recipient_id": data["sender"], "text": text}])
            return None

        return hook
