"""Handing a message to Rasa and collecting the answer within a time budget.

WeChat and Kakao give a webhook five seconds. ``run_within_budget`` starts Rasa on
the message, waits up to the budget, and either returns the collected replies or
lets processing go on in the background and hands the replies to a late-delivery
callback (WeChat's customer-service API, Kakao's callbackUrl) when they are ready.

Every message goes through a ``MessageGuard`` first: past the per-user rate limit
(``bot.server.ratelimit``) the user gets a polite "slow down" instead of an answer, and
when Rasa's stores fail (Redis away, conversation lock not obtainable) the user
gets a short "busy, please try again" in their language instead of an error: the
message was not processed, so a resend is right. A message still being processed
is never answered with a request to resend it (the resend would be a second copy
of the turn): it is answered when it finishes, through a late-delivery path, or,
where there is none, with the ``busy`` text, which asks for no resend.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage

from bot.nlu.language import detect_language, normalize_language_code
from bot.server import metrics
from bot.server.ratelimit import RateLimiter, create_rate_limiter
from bot.settings import Settings, get_settings
from channels.common.catalog import say
from channels.common.location import SharedLocation
from channels.common.replies import BotMessage, parse_bot_message

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
LateDelivery = Callable[[list[BotMessage], BaseException | None], Awaitable[None]]


def secrets_equal(given: str | None, expected: str) -> bool:
    """Compares a received secret with the configured one in constant time."""
    if given is None or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def build_metadata(
    platform: str,
    user_id: str,
    default_language: str,
    location: SharedLocation | None = None,
) -> dict[str, Any]:
    """Builds the metadata every connector passes with a user message.

    Args:
        platform: "wechat", "kakao" or "telegram".
        user_id: The platform's user id.
        default_language: The platform's language hint; the text still decides.
        location: The location the visitor shared, if the message is one.

    Returns:
        ``{"platform", "user_id", "default_language"}`` plus, for a shared location,
        ``"location": {"lat", "lon", "label"}``.
    """
    metadata: dict[str, Any] = {
        "platform": platform,
        "user_id": str(user_id),
        "default_language": default_language,
    }
    if location is not None:
        metadata["location"] = location.as_metadata()
    return metadata


class CollectingOutput(OutputChannel):
    """Collects normalised bot messages; ``name()`` is the platform, for channel responses."""

    def __init__(self, channel_name: str) -> None:
        self._channel_name = channel_name
        self.messages: list[BotMessage] = []

    def name(self) -> str:
        """The platform name, so domain responses with ``channel: <name>`` apply."""
        return self._channel_name

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """Keeps the message if it has anything to show."""
        parsed = parse_bot_message(message)
        if not parsed.is_empty:
            self.messages.append(parsed)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Keeps a plain text message."""
        await self.send_response(recipient_id, {"text": text})


@dataclass
class Outcome:
    """What happened within the budget."""

    finished: bool
    messages: list[BotMessage] = field(default_factory=list)
    error: BaseException | None = None


def is_unavailable(error: BaseException) -> bool:
    """Tells whether an error means "the stores are away" (Redis, the lock) rather than a bug.

    Looks along the chain of causes, as Rasa wraps some errors in its own.
    """
    from rasa.core.lock_store import LockError
    from rasa.shared.exceptions import ConnectionException
    from redis.exceptions import RedisError

    kinds = (RedisError, LockError, ConnectionException, ConnectionError, asyncio.TimeoutError)
    seen: BaseException | None = error
    for _ in range(6):
        if seen is None:
            return False
        if isinstance(seen, kinds):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def reply_language(message: UserMessage) -> str | None:
    """The language for a reply the guard makes: the text's, else the platform's hint.

    Returns:
        "zh", "ko", or None (the reply is then given in both).
    """
    metadata = message.metadata if isinstance(message.metadata, dict) else {}
    hint = metadata.get("default_language")
    return detect_language(message.text or "") or normalize_language_code(
        hint if isinstance(hint, str) else None
    )


class MessageGuard:
    """Stands between a connector and Rasa: the rate limit and polite replies on outages.

    Args:
        limiter: Counts messages per user; when omitted, one is built on first use
            (inside the server's event loop) from the settings' ``KW_RATE_LIMIT`` and
            ``REDIS_URL``.
        timeout: Seconds to wait for Rasa before saying "busy" (a text that asks
            for no resend; processing goes on in the background); None, the
            default, waits as long as the turn takes.
        settings: The settings; the process's own when omitted, read here, when
            the connector is created, so a bad value stops the server at start.

    Raises:
        SettingsError: When ``KW_RATE_LIMIT`` or ``KW_REDIS_PREFIX`` is unusable.
    """

    def __init__(
        self,
        limiter: RateLimiter | None = None,
        timeout: float | None = None,
        settings: Settings | None = None,
    ) -> None:
        self._limiter = limiter
        self._settings = settings or get_settings()
        self.timeout = timeout
        self._background: set[asyncio.Future[Any]] = set()

    @property
    def limiter(self) -> RateLimiter:
        """The rate limiter, created on first use (no connection before the first message)."""
        if self._limiter is None:
            self._limiter = create_rate_limiter(self._settings)
        return self._limiter

    async def handle(self, on_new_message: OnNewMessage, message: UserMessage) -> None:
        """Runs the message through Rasa, or answers it politely when that is not possible.

        Counts what Rasa's events cannot show (``bot.server.metrics``): rate-limited
        messages, errors, Redis failures, and the time each message took.

        Raises:
            Exception: Whatever Rasa raised that is not an outage of its stores.
        """
        started = time.perf_counter()
        channel = message.input_channel
        try:
            await self._handle(on_new_message, message)
        except Exception:
            metrics.count_message(channel, reply_language(message), "error")
            raise
        finally:
            metrics.observe_reply(channel, time.perf_counter() - started)

    async def _handle(self, on_new_message: OnNewMessage, message: UserMessage) -> None:
        language = reply_language(message)
        metadata = message.metadata if isinstance(message.metadata, dict) else {}
        channel = message.input_channel or "unknown"
        user = f"{channel}:{metadata.get('user_id') or message.sender_id}"
        if not await self.limiter.allow(user):
            logger.info("Rate limit reached by %s; message not processed", user)
            metrics.count_message(channel, language, "rate_limited")
            await self._say(message, "rate_limited", language)
            return
        task = asyncio.ensure_future(on_new_message(message))
        try:
            await asyncio.wait_for(asyncio.shield(task), self.timeout)
        except asyncio.TimeoutError:
            if task.done():  # finished right at the deadline, or Rasa's own wait timed out
                error = None if task.cancelled() else task.exception()
                if error is None:
                    return
                if not is_unavailable(error):
                    raise error from None
                await self._unavailable(message, language)
                return
            logger.warning("Message of %s outlived %.1f s; answering busy", user, self.timeout)
            self._background.add(task)
            task.add_done_callback(self._forget)
            await self._say(message, "busy", language)
        except asyncio.CancelledError:
            task.cancel()
            raise
        except Exception as error:  # noqa: BLE001 - sorted below
            if not is_unavailable(error):
                raise
            logger.error("Rasa's stores failed for a message of %s: %s", user, error)
            await self._unavailable(message, language)

    def _forget(self, task: asyncio.Future[Any]) -> None:
        self._background.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("A message that outlived its wait failed", exc_info=task.exception())

    @classmethod
    async def _unavailable(cls, message: UserMessage, language: str | None) -> None:
        metrics.REDIS_ERRORS.inc()
        metrics.count_message(message.input_channel, language, "error")
        await cls._say(message, "unavailable", language)

    @staticmethod
    async def _say(message: UserMessage, message_id: str, language: str | None) -> None:
        await message.output_channel.send_text_message(message.sender_id, say(message_id, language))


class TaskKeeper:
    """Holds references to background tasks so they are not garbage-collected mid-flight.

    Args:
        guard: The guard a connector's messages go through (one per connector).
    """

    def __init__(self, guard: MessageGuard | None = None) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self.guard = guard or MessageGuard()

    def spawn(self, coroutine: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Runs a coroutine in the background."""
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    @property
    def pending(self) -> int:
        """How many background tasks are still running."""
        return len(self._tasks)

    async def wait_idle(self, timeout: float) -> bool:
        """Waits for the background tasks; tells whether all finished in time."""
        if not self._tasks:
            return True
        _, pending = await asyncio.wait(set(self._tasks), timeout=timeout)
        return not pending


async def _finish_late(
    task: asyncio.Future[Any], collector: CollectingOutput, deliver: LateDelivery
) -> None:
    """Waits for the message's processing and hands its replies to ``deliver``."""
    error: BaseException | None = None
    try:
        await task
    except Exception as exc:  # noqa: BLE001 - handed to the delivery callback
        logger.error("Processing a message failed after the reply window", exc_info=exc)
        error = exc
    try:
        await deliver(list(collector.messages), error)
        metrics.count_late_reply(collector.name())
    except Exception:  # noqa: BLE001 - nothing left to answer to
        logger.exception("Late delivery of %d replies failed", len(collector.messages))


async def run_within_budget(
    on_new_message: OnNewMessage,
    message: UserMessage,
    collector: CollectingOutput,
    budget: float,
    deliver_late: LateDelivery,
    keeper: TaskKeeper,
) -> Outcome:
    """Processes a message, waiting at most ``budget`` seconds for the replies.

    Args:
        on_new_message: Rasa's handler.
        message: The user message; its output channel must be ``collector``.
        collector: Gathers the replies.
        budget: Seconds to wait before answering the webhook without the replies.
        deliver_late: Called once with all replies (and the error, if any) when
            processing outlives the budget.
        keeper: Holds the background work; its guard sees the message first.

    Returns:
        ``finished`` with the replies (and any processing error), or not finished
        when the replies will go to ``deliver_late``.
    """
    task = asyncio.ensure_future(keeper.guard.handle(on_new_message, message))
    try:
        done, _ = await asyncio.wait({task}, timeout=budget)
    except asyncio.CancelledError:
        keeper.spawn(_finish_late(task, collector, deliver_late))
        raise
    if done:
        error = task.exception()
        if error is not None:
            logger.error("Processing message %s failed", message.message_id, exc_info=error)
        return Outcome(True, list(collector.messages), error)
    logger.info(
        "Message %s outlived the %.1f s budget; answering later", message.message_id, budget
    )
    keeper.spawn(_finish_late(task, collector, deliver_late))
    return Outcome(False)
