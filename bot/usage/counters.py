"""Count visitors' messages from Rasa's tracker events, in memory.

``UsageRecorder.observe`` gets every tracker event (``bot.server.usage_broker``
hands them over from Rasa's event broker call) and only increments counters:

- ``msg:<channel>:<lang>`` per user message;
- ``topic:<topic>`` per user message (``ask_food_festival`` → ``food_festival``);
- ``outcome:answered`` / ``outcome:fallback`` / ``outcome:out_of_scope`` when the
  first bot message after it is sent (``utter_default`` means no answer was found).

Counts are grouped by local hour (``2026112714``); ``drain`` hands them to the
writer and starts afresh. Nothing here does I/O.

The same observations feed the Prometheus metrics (``bot.server.metrics``:
``kw_messages_total`` with the outcome, ``kw_intents_total``,
``kw_nlu_confidence``), so a message is classified once for both.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bot.content.model import local_timezone
from bot.nlu.language import detect_language
from bot.server import metrics

OUTCOMES: tuple[str, ...] = ("answered", "fallback", "out_of_scope")
FALLBACK_RESPONSE = "utter_default"
FALLBACK_INTENT = "nlu_fallback"
#: Conversations whose outcome is awaited, at most (the oldest are forgotten).
MAX_PENDING = 10_000

Counts = dict[str, Counter[str]]


def hour_key(timestamp: float) -> str:
    """The local hour of a Unix time, as ``YYYYMMDDHH`` (Asia/Shanghai)."""
    return datetime.fromtimestamp(timestamp, local_timezone()).strftime("%Y%m%d%H")


def topic_of(intent: str | None) -> str:
    """The dashboard topic of an intent: ask_x → x, the fallback → unknown, others → chat."""
    if not intent or intent == FALLBACK_INTENT:
        return "unknown"
    if intent.startswith("ask_"):
        return intent[4:]
    return "out_of_scope" if intent == "out_of_scope" else "chat"


def _language(event: Mapping[str, Any]) -> str:
    parse = event.get("parse_data") or {}
    for entity in parse.get("entities") or ():
        if entity.get("entity") == "language" and entity.get("value") in ("zh", "ko"):
            return str(entity["value"])
    return detect_language(str(event.get("text") or "")) or "other"


def _channel(event: Mapping[str, Any]) -> str:
    metadata = event.get("metadata") or {}
    channel = metadata.get("platform") if isinstance(metadata, Mapping) else None
    value = str(channel or event.get("input_channel") or "other")
    return "".join(c for c in value.lower() if c.isalnum() or c in "_-")[:20] or "other"


class UsageRecorder:
    """Counts messages, topics and outcomes per hour from tracker events."""

    def __init__(self) -> None:
        self._counts: Counts = {}
        #: sender → (hour, intent, channel, language) of the message awaiting its answer.
        self._pending: OrderedDict[str, tuple[str, str | None, str, str]] = OrderedDict()
        self._lock = threading.Lock()

    def observe(self, event: Mapping[str, Any]) -> None:
        """Counts one tracker event (user and bot events matter; others are ignored)."""
        kind = event.get("event")
        if kind == "user":
            self._user(event)
        elif kind == "bot":
            self._bot(event)

    def _add(self, hour: str, key: str) -> None:
        with self._lock:
            self._counts.setdefault(hour, Counter())[key] += 1

    def _user(self, event: Mapping[str, Any]) -> None:
        text = str(event.get("text") or "")
        if not text or text.startswith("/"):  # button payloads are not questions
            return
        hour = hour_key(float(event.get("timestamp") or 0))
        predicted = (event.get("parse_data") or {}).get("intent") or {}
        intent = predicted.get("name")
        channel, language = _channel(event), _language(event)
        self._add(hour, f"msg:{channel}:{language}")
        self._add(hour, f"topic:{topic_of(intent)}")
        metrics.observe_parse(intent, predicted.get("confidence"))
        sender = str(event.get("sender_id") or "")
        with self._lock:
            self._pending[sender] = (hour, intent, channel, language)
            self._pending.move_to_end(sender)
            while len(self._pending) > MAX_PENDING:
                self._pending.popitem(last=False)

    def _bot(self, event: Mapping[str, Any]) -> None:
        with self._lock:
            pending = self._pending.pop(str(event.get("sender_id") or ""), None)
        if pending is None:
            return
        hour, intent, channel, language = pending
        metadata = event.get("metadata") or {}
        if metadata.get("utter_action") == FALLBACK_RESPONSE:
            outcome = "fallback"
        elif intent == "out_of_scope":
            outcome = "out_of_scope"
        else:
            outcome = "answered"
        self._add(hour, f"outcome:{outcome}")
        metrics.count_message(channel, language, outcome)

    def drain(self) -> Counts:
        """The counts since the last drain (by hour), and a fresh start."""
        with self._lock:
            counts, self._counts = self._counts, {}
        return counts
