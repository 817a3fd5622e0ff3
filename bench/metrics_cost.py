"""What counting costs on the message path: microseconds per message, in-process.

Runs exactly what one answered message records, many times over: the usage
recorder's user and bot events (which also feed ``kw_messages_total``,
``kw_intents_total`` and ``kw_nlu_confidence``) and the guard's reply-latency
observation (``kw_reply_seconds``), against the same usage recording with the
Prometheus calls replaced by no-ops. The difference is the metrics' cost; the
report sets it against the Rasa server's CPU per message of the serving stage.
"""

from __future__ import annotations

import time
from typing import Any
from unittest import mock

from bot.server import metrics
from bot.usage.counters import UsageRecorder

#: Messages per timing; the best of ``ROUNDS`` timings is kept (least disturbed).
MESSAGES, ROUNDS = 20_000, 5


def _events(number: int) -> tuple[dict[str, Any], dict[str, Any]]:
    sender = f"bench-{number % 500}"
    user = {
        "event": "user",
        "sender_id": sender,
        "timestamp": 1_764_000_000.0 + number,
        "text": "푸드 페스티벌은 어디서 해요?",
        "input_channel": "rest",
        "parse_data": {"intent": {"name": "ask_food_festival", "confidence": 0.93}},
    }
    bot = {"event": "bot", "sender_id": sender, "metadata": {"utter_action": "utter_x"}}
    return user, bot


def _time_messages(record_latency: Any) -> float:
    """Seconds per message of the usage recording plus ``record_latency``, best round."""
    events = [_events(n) for n in range(MESSAGES)]
    best = float("inf")
    for _ in range(ROUNDS):
        recorder = UsageRecorder()
        started = time.perf_counter()
        for user, bot in events:
            recorder.observe(user)
            recorder.observe(bot)
            record_latency("rest", 0.2)
        best = min(best, time.perf_counter() - started)
    return best / MESSAGES


def measure() -> dict[str, float]:
    """The cost of the metrics per message.

    Returns:
        ``with_us`` and ``without_us`` (µs per message of the usage recording with
        and without the Prometheus calls) and ``metrics_us``, their difference.
    """
    with_metrics = _time_messages(metrics.observe_reply)
    noop = mock.patch.multiple(
        metrics,
        count_message=lambda *a: None,
        observe_parse=lambda *a: None,
        observe_reply=lambda *a: None,
    )
    with noop:
        without = _time_messages(lambda *a: None)
    return {
        "with_us": with_metrics * 1e6,
        "without_us": without * 1e6,
        "metrics_us": max(0.0, with_metrics - without) * 1e6,
    }
