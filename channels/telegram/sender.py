"""Sending to Telegram within its flood limits.

``RateLimiter`` spaces messages to one per second per chat, after a short burst
(a turn's two or three messages go out together), and 30 per second overall;
``Sender`` makes the Bot API call through python-telegram-bot, waits out a 429
(``RetryAfter``) and tries again. A message Telegram refuses for good
(``Forbidden``: the user blocked the bot; ``BadRequest``) is logged and skipped;
network failures propagate, so the webhook answers 500 and Telegram retries.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
import warnings
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, RetryAfter

from channels.telegram.render import Call

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 4
MAX_CHATS_TRACKED = 10_000


class RateLimiter:
    """One message per ``per_chat`` seconds in a chat after a burst, ``per_second`` overall.

    Telegram asks bots to "avoid sending more than one message per second in a
    particular chat" and allows "short bursts that go over this limit" (Bot API
    FAQ); a 429 that comes anyway is waited out by ``Sender``. Spacing every
    message by a full second made a three-message answer take two seconds to
    arrive (``make bench``: Telegram p95 8 s), so each chat may send ``burst``
    messages at once and then one per ``per_chat`` seconds (a generic cell rate
    algorithm: a per-chat token bucket kept as one timestamp).

    Args:
        per_chat: Seconds between two messages to the same chat, past the burst.
        per_second: Messages allowed in any one-second window.
        burst: Messages a chat may receive back to back (1: strict spacing).
        clock: Monotonic clock (tests pass a fake one).
        sleep: Coroutine function that waits (tests pass a fake one).
    """

    def __init__(
        self,
        per_chat: float = 1.0,
        per_second: int = 30,
        burst: int = 3,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.per_chat = per_chat
        self.per_second = per_second
        self.burst = max(1, burst)
        self._clock = clock
        self._sleep = sleep
        self._recent: deque[float] = deque()
        self._next: dict[int, float] = {}
        self._locks: dict[int, asyncio.Lock] = {}
        self._global: asyncio.Lock | None = None

    async def acquire(self, chat_id: int) -> None:
        """Waits until a message to ``chat_id`` may go out, and books the slot."""
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        async with lock:
            # _next[chat] is when the chat's bucket is empty again; a message may go
            # while that is at most burst - 1 intervals ahead.
            allowance = (self.burst - 1) * self.per_chat
            wait = self._next.get(chat_id, 0.0) - allowance - self._clock()
            if wait > 0:
                await self._sleep(wait)
            await self._acquire_global()
            now = self._clock()
            self._next[chat_id] = max(self._next.get(chat_id, 0.0), now) + self.per_chat
        self._forget_idle_chats()

    async def _acquire_global(self) -> None:
        if self._global is None:
            self._global = asyncio.Lock()
        async with self._global:
            while True:
                now = self._clock()
                while self._recent and self._recent[0] <= now - 1.0:
                    self._recent.popleft()
                if len(self._recent) < self.per_second:
                    self._recent.append(now)
                    return
                await self._sleep(self._recent[0] + 1.0 - now)

    def _forget_idle_chats(self) -> None:
        if len(self._next) <= MAX_CHATS_TRACKED:
            return
        now = self._clock()
        for chat_id in [c for c, t in self._next.items() if t < now]:
            lock = self._locks.get(chat_id)
            if lock is None or not lock.locked():
                self._next.pop(chat_id, None)
                self._locks.pop(chat_id, None)


class TokenRedactor(logging.Filter):
    """Replaces the bot token's secret half with ``<token>`` in a log record.

    The Bot API puts the token in every URL (``/bot<id>:<secret>/sendMessage``),
    and httpx logs each request's URL at INFO: ``make reliability`` found the
    token 1,224 times in one run's log.
    """

    def __init__(self, token: str) -> None:
        super().__init__()
        self.secret = token.split(":", 1)[-1]

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrites the record's message when it contains the secret; never drops it."""
        if not self.secret:
            return True
        message = record.getMessage()
        if self.secret in message:
            record.msg, record.args = message.replace(self.secret, "<token>"), ()
        return True


def keep_token_out_of_logs(token: str) -> None:
    """Stops the HTTP libraries' request lines and redacts the token wherever it is logged.

    httpx's per-request INFO line goes (one line per message sent is noise anyway,
    and it carries the token); the redactor is added to httpx's own logger and to
    the handlers of the root logger, so a record from any library passes it.
    """
    redactor = TokenRedactor(token)
    httpx_logger = logging.getLogger("httpx")
    if httpx_logger.getEffectiveLevel() < logging.WARNING:
        httpx_logger.setLevel(logging.WARNING)
    targets: list[Any] = [httpx_logger, *logging.getLogger().handlers]
    for target in targets:
        known = [f for f in target.filters if isinstance(f, TokenRedactor)]
        if all(f.secret != redactor.secret for f in known):
            target.addFilter(redactor)


def retry_seconds(error: RetryAfter) -> float:
    """Seconds to wait from a RetryAfter, whether PTB gives an int or a timedelta."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


def _button(spec: dict[str, str]) -> InlineKeyboardButton:
    if "url" in spec:
        return InlineKeyboardButton(spec["text"], url=spec["url"])
    return InlineKeyboardButton(spec["text"], callback_data=spec["callback_data"])


def markup(call: Call) -> InlineKeyboardMarkup | None:
    """The inline keyboard of a planned call, as PTB objects."""
    if not call.keyboard:
        return None
    return InlineKeyboardMarkup([[_button(button) for button in row] for row in call.keyboard])


class Sender:
    """Makes planned calls for a chat, respecting the limits.

    Args:
        bot: The PTB bot (already initialised or not; calls do not need getMe).
        limiter: The shared rate limiter.
        sleep: Waits after a 429 (tests may pass a fake one).
    """

    def __init__(
        self,
        bot: Bot,
        limiter: RateLimiter,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.bot = bot
        self.limiter = limiter
        self._sleep = sleep

    async def send(self, chat_id: int, call: Call) -> bool:
        """Makes one call; tells whether Telegram took it.

        Raises:
            RetryAfter: When Telegram still says "too many requests" after retries.
            telegram.error.NetworkError: On network failures (the update is retried).
        """
        kwargs = dict(call.kwargs)
        keyboard = markup(call)
        if keyboard is not None:
            kwargs["reply_markup"] = keyboard
        method = getattr(self.bot, call.method)
        for attempt in range(1, MAX_ATTEMPTS + 1):
            await self.limiter.acquire(chat_id)
            try:
                await method(chat_id=chat_id, **kwargs)
                return True
            except RetryAfter as exc:
                delay = retry_seconds(exc)
                logger.warning("Telegram asked to wait %.1f s (attempt %d)", delay, attempt)
                if attempt == MAX_ATTEMPTS:
                    raise
                await self._sleep(delay)
            except (Forbidden, BadRequest) as exc:
                logger.error("Telegram refused %s to chat %s: %s", call.method, chat_id, exc)
                return False
        return False
