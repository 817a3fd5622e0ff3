"""Record what visitors asked that the bot could not answer well.

Every answering action calls ``note_unanswered(tracker)`` first: a message whose
intent confidence is below KW_LOW_CONFIDENCE is recorded as "low_confidence", even
though it is answered. ``action_fallback`` calls it with ``answered=False`` when no
FAQ entry fits ("fallback"). The write happens on a worker thread, so the answer
never waits for storage, and a failing store only logs one line. Messages answered
by fixed responses alone (greetings, thanks, out_of_scope) never reach the action
server and are not recorded.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from rasa_sdk import Tracker

from actions.common import latest_metadata, reply_language
from bot.content import preview
from bot.nlu.language import detect_language
from bot.server import metrics
from bot.settings import Settings, get_settings
from bot.unanswered.log import MAX_TEXT, UnansweredLog, UnansweredRecord, hash_user, open_log

logger = logging.getLogger(__name__)

FALLBACK_INTENT = "nlu_fallback"
_logs: dict[tuple[Any, ...], UnansweredLog] = {}


def get_log(settings: Settings) -> UnansweredLog:
    """The unanswered-questions log of these settings, opened once per process."""
    key = (
        settings.redis_url,
        settings.redis_prefix,
        settings.unanswered_file,
        settings.unanswered_days,
        settings.hash_salt,
    )
    log = _logs.get(key)
    if log is None:
        log = _logs.setdefault(
            key,
            open_log(
                settings.redis_url,
                settings.redis_prefix,
                settings.redis_timeout,
                settings.unanswered_days,
                settings.unanswered_file,
                settings.hash_salt,
            ),
        )
    return log


def nlu_intent(tracker: Tracker) -> tuple[str | None, float | None]:
    """The NLU's own best intent and its confidence for the latest message.

    For ``nlu_fallback`` (whose confidence is only the fallback threshold) this is
    the best real intent of the ranking.
    """
    message = tracker.latest_message or {}
    intent = message.get("intent") or {}
    if intent.get("name") == FALLBACK_INTENT:
        ranking = message.get("intent_ranking") or []
        ranked = [i for i in ranking if i.get("name") != FALLBACK_INTENT]
        intent = ranked[0] if ranked else {"name": None, "confidence": 0.0}
    confidence = intent.get("confidence")
    return intent.get("name"), float(confidence) if confidence is not None else None


def unanswered_reason(tracker: Tracker, answered: bool, threshold: float) -> str | None:
    """Why the latest message should be recorded: "fallback", "low_confidence" or None."""
    if not answered:
        return "fallback"
    _, confidence = nlu_intent(tracker)
    if confidence is not None and confidence < threshold:
        return "low_confidence"
    return None


def build_record(tracker: Tracker, reason: str, salt: str) -> UnansweredRecord:
    """The record of the latest message (the user id only as a salted hash)."""
    text = (tracker.latest_message.get("text") or "").strip()[:MAX_TEXT]
    channel = str(latest_metadata(tracker).get("platform") or "rest")
    intent, confidence = nlu_intent(tracker)
    return UnansweredRecord(
        text=text,
        language=detect_language(text) or reply_language(tracker),
        channel=channel,
        user=hash_user(channel, str(tracker.sender_id), salt),
        at=time.time(),
        reason=reason,
        intent=intent,
        confidence=round(confidence, 4) if confidence is not None else None,
    )


def _write(log: UnansweredLog, tracker: Tracker, reason: str) -> None:
    try:
        log.add(build_record(tracker, reason, log.salt()))
    except Exception as error:  # noqa: BLE001 - storage must never break an answer
        logger.warning(
            "could not record an unanswered question: %s: %s", type(error).__name__, error
        )


def note_unanswered(tracker: Tracker, answered: bool = True) -> asyncio.Future[None] | None:
    """Records the latest message if it was not answered or the NLU was unsure.

    Never raises. Inside a running event loop the write runs on the loop's default
    executor and the returned future tells when it is done (tests await it);
    without a loop it runs at once and None is returned.

    Args:
        tracker: The conversation; its latest message is the one judged.
        answered: False when the bot had no answer (the fallback's default reply).
    """
    if preview.current() is not None:  # staff trying a draft in the console, not a visitor
        return None
    try:
        settings = get_settings()
        reason = unanswered_reason(tracker, answered, settings.low_confidence)
        text = (tracker.latest_message.get("text") or "").strip()
        if reason is None or not text or text.startswith("/"):
            return None
        metrics.UNANSWERED.labels(reason).inc()
        log = get_log(settings)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            _write(log, tracker, reason)
            return None
        return loop.run_in_executor(None, _write, log, tracker, reason)
    except Exception as error:  # noqa: BLE001 - never break an answer
        logger.warning(
            "could not record an unanswered question: %s: %s", type(error).__name__, error
        )
        return None
