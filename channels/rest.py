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

A client may give each message an id, the body's ``message_id`` (a string) or an
``Idempotency-Key`` header: the message is then processed once
(``channels.common.once``). A resend of a processed id answers 200 with the
stored reply; of an id still being processed (after waiting half of
``reply_timeout``, or 5 s without one) 202 ``{"status": "processing", "message_id": ...}``; when it
cannot be told (Redis away) 503 with the polite text. Without an id, nothing changes.
A turn stopped before it was stored (its custom action could not be run, e.g. the
action server died: ``bot.server.abort``) answers 503 with the polite
``unavailable`` text and ``Retry-After``, with or without an id: nginx passes it to
another replica (``proxy_next_upstream http_503``), and a client may resend it.

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

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import QueueOutputChannel
from rasa.core.channels.rest import RestInput as RasaRestInput
from rasa.utils.endpoints import bool_arg
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse, ResponseStream

from bot.server import metrics
from bot.server.abort import TurnNotProcessed
from bot.server.replay import TurnLedger, create_ledger, make_turn_id
from channels.common.bodies import check_size, read_json
from channels.common.catalog import say
from channels.common.config import optional_float
from channels.common.errors import BadRequest, RequestRefused, refusal_response
from channels.common.limits import too_long
from channels.common.once import TurnDone, TurnInProgress, TurnUnknown, once
from channels.common.runner import MessageGuard, OnNewMessage, reply_language
from channels.common.turns import Turns

logger = logging.getLogger(__name__)

#: No timeout: a slow turn is answered when it finishes.
DEFAULT_REPLY_TIMEOUT: float | None = None
#: Without a reply_timeout, how long a resend waits for its first copy before 202.
PROCESSING_WAIT = 5.0
#: The header that may carry the client's message id instead of the body's ``message_id``.
IDEMPOTENCY_HEADER = "Idempotency-Key"
#: The longest client message id taken.
MAX_MESSAGE_ID_CHARS = 128


def message_id_of(data: dict[str, Any], header: str | None) -> str | None:
    """The client's id for a message: the body's ``message_id``, else the header. Pure.

    Returns:
        The id, or None when the client gave none.

    Raises:
        BadRequest: When the id is not a non-empty string of at most 128 characters.
    """
    given = data.get("message_id", header)
    if given is None:
        return None
    if not isinstance(given, str) or not given.strip() or len(given) > MAX_MESSAGE_ID_CHARS:
        raise BadRequest(
            f"message_id must be a non-empty string of at most {MAX_MESSAGE_ID_CHARS} characters"
        )
    return given.strip()


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
        self._ledger: TurnLedger | None = None

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> RestInput:
        """Reads the optional ``reply_timeout`` (seconds, 1–120; unset: wait for the answer).

        Raises:
            ChannelConfigError: When the value is not a number in range.
        """
        timeout = optional_float(credentials, "reply_timeout", 0.0, 1.0, 120.0)
        return cls(MessageGuard(timeout=timeout or DEFAULT_REPLY_TIMEOUT))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's REST routes, with every message going through the guard, once per id."""
        # A retry waits for a running turn within half the reply budget, then answers 202.
        wait = self.guard.timeout / 2 if self.guard.timeout else PROCESSING_WAIT
        handle = once(on_new_message, self.ledger, wait, strict=True)

        async def guarded(message: UserMessage) -> None:
            async with self.turns.turn(str(message.sender_id)):  # in arrival order
                await self._answer(handle, message)

        hook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse | ResponseStream:
            return await self._receive(request, guarded)

        @hook.middleware("request")
        async def refuse_malformed(request: Request) -> HTTPResponse | None:
            if request.method != "POST" or not request.path.endswith("/webhook"):
                return None
            try:
                data = read_request(request.body)
                message_id_of(data, request.headers.get(IDEMPOTENCY_HEADER))
            except RequestRefused as refused:
                return refusal_response("REST", request.ip, refused, "json")
            if too_long(data["message"]):
                language = reply_language(UserMessage(data["message"][:200]))
                metrics.count_message(data.get("input_channel") or "rest", language, "too_long")
                text = say("too_long", language)
                return response.json([{"recipient_id": data["sender"], "text": text}])
            return None

        return hook

    async def _answer(self, handle: OnNewMessage, message: UserMessage) -> None:
        """Runs a message through the guard; an error text when it fails or gets no reply."""
        try:
            await self.guard.handle(handle, message)
        except (TurnInProgress, TurnUnknown):
            raise
        except TurnNotProcessed:
            if not isinstance(message.output_channel, QueueOutputChannel):
                raise  # answered 503, so a load balancer passes it to another replica
            text = say("unavailable", reply_language(message))  # a stream has begun: 200
            await message.output_channel.send_text_message(message.sender_id, text)
            return
        except TurnDone:  # recorded without its replies (no tracker store)
            return
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

    async def _receive(
        self, request: Request, guarded: OnNewMessage
    ) -> HTTPResponse | ResponseStream:
        """Answers a POST: Rasa's JSON list (or stream), 202 while its id is processed, or 503."""
        data = request.json
        sender, text = data["sender"], data["message"]
        channel, metadata = data.get("input_channel") or self.name(), data.get("metadata")
        if bool_arg(request, "stream", default=False):  # as Rasa streams, without ids
            stream = self.stream_response(guarded, text, sender, channel, metadata)
            return response.stream(stream, content_type="text/event-stream")
        client_id = message_id_of(data, request.headers.get(IDEMPOTENCY_HEADER))
        turn = make_turn_id(self.name(), sender, client_id) if client_id else None
        collector = CollectingOutputChannel()
        message = UserMessage(
            text, collector, sender, input_channel=channel, message_id=turn, metadata=metadata
        )
        try:
            await guarded(message)
        except TurnInProgress:
            body = {"status": "processing", "message_id": client_id}
            return response.json(body, status=202, headers={"Retry-After": "1"})
        except (TurnUnknown, TurnNotProcessed):
            # Nothing was stored: the same message may be sent again, here or elsewhere.
            reply = {
                "recipient_id": sender,
                "text": say("unavailable", reply_language(message)),
            }
            return response.json([reply], status=503, headers={"Retry-After": "1"})
        return response.json(collector.messages)

    def ledger(self) -> TurnLedger:
        """The turn ledger, created on first use (inside the server's event loop)."""
        if self._ledger is None:
            self._ledger = create_ledger()
        return self._ledger
