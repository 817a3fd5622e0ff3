"""The Prometheus metrics operators scrape from ``/metrics`` (docs/deploy.md lists them).

Defined once here, in prometheus-client's default registry, which also carries
its ``process_*`` collectors (memory, CPU, open files). The Rasa server counts
messages, outcomes, latency, intents and errors; the action server counts
unanswered questions and shows the live content version. Recording is a few
in-memory increments (``python -m bench --stages metrics`` measures it), never I/O.

Label values are kept to short fixed sets (``channel_label``, ``language_label``),
so a visitor cannot grow the number of series by what they send.
"""

from __future__ import annotations

from typing import Any

from prometheus_client import Counter, Gauge, Histogram

#: Channels that get a label of their own; any other is "other".
CHANNELS = frozenset({"rest", "wechat", "kakao", "telegram", "cmdline", "socketio"})
LANGUAGES = frozenset({"zh", "ko"})
#: Every outcome a visitor's message can have.
OUTCOMES = ("answered", "fallback", "out_of_scope", "rate_limited", "too_long", "error")
#: Reply latency buckets, seconds: dense around the platforms' 5 s window.
REPLY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 7.5, 10.0, 30.0)
CONFIDENCE_BUCKETS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0)

MESSAGES = Counter(
    "kw_messages",
    "Visitors' messages by channel, language and outcome",
    ("channel", "language", "outcome"),
)
REPLY_SECONDS = Histogram(
    "kw_reply_seconds",
    "Time from a message reaching the server to its replies being ready",
    ("channel",),
    buckets=REPLY_BUCKETS,
)
NLU_CONFIDENCE = Histogram(
    "kw_nlu_confidence", "Confidence of the predicted intent", buckets=CONFIDENCE_BUCKETS
)
INTENTS = Counter("kw_intents", "Predicted intents of visitors' messages", ("intent",))
UNANSWERED = Counter(
    "kw_unanswered_questions", "Questions logged as unanswered, by reason", ("reason",)
)
REDIS_ERRORS = Counter(
    "kw_redis_errors", "Messages answered 'busy' because Redis or the conversation lock failed"
)
ACTION_SERVER_ERRORS = Counter(
    "kw_action_server_errors", "Custom-action calls that got no valid answer from the action server"
)
CIRCUIT_BREAKER_TRIPS = Counter(
    "kw_circuit_breaker_trips", "Turns stopped by Rasa's limit of predictions per message"
)
LATE_REPLIES = Counter(
    "kw_late_replies",
    "Replies that missed the platform's reply window and went out later (WeChat, Kakao)",
    ("channel",),
)
CONTENT_INFO = Gauge(
    "kw_content_info", "The content version answering (value 1 on the live one)", ("version",)
)
READY_CHECKS = Gauge(
    "kw_ready_checks", "Each readiness check at the last /ready (1 passed, 0 failed)", ("check",)
)

#: All metric names as Prometheus exposes them (tests check dashboards and alerts against it).
EXPOSED_NAMES = frozenset(
    {
        *(f"kw_messages{s}" for s in ("_total", "_created")),
        *(f"kw_reply_seconds{s}" for s in ("_bucket", "_count", "_sum", "_created")),
        *(f"kw_nlu_confidence{s}" for s in ("_bucket", "_count", "_sum", "_created")),
        "kw_intents_total",
        "kw_unanswered_questions_total",
        "kw_redis_errors_total",
        "kw_action_server_errors_total",
        "kw_circuit_breaker_trips_total",
        "kw_late_replies_total",
        "kw_content_info",
        "kw_ready_checks",
    }
)

_content_version: list[str] = []
#: (metric name, label values) → the labelled child: ``labels()`` validates and locks
#: on every call (about 2 µs), a dict lookup does not.
_children: dict[tuple[str, ...], Any] = {}


def _child(metric: Any, *values: str) -> Any:
    key = (metric._name, *values)
    child = _children.get(key)
    if child is None:
        child = _children[key] = metric.labels(*values)
    return child


def channel_label(channel: str | None) -> str:
    """The channel label of a message: a known channel, else "other"."""
    return channel if channel in CHANNELS else "other"


def language_label(language: str | None) -> str:
    """The language label: "zh", "ko", else "other"."""
    return language if language in LANGUAGES else "other"


def count_message(channel: str | None, language: str | None, outcome: str) -> None:
    """Counts one visitor's message with its outcome (one of ``OUTCOMES``)."""
    _child(MESSAGES, channel_label(channel), language_label(language), outcome).inc()


def observe_reply(channel: str | None, seconds: float) -> None:
    """Records how long a message took to be answered."""
    _child(REPLY_SECONDS, channel_label(channel)).observe(seconds)


def observe_parse(intent: str | None, confidence: float | None) -> None:
    """Records the predicted intent of a message and its confidence."""
    _child(INTENTS, intent or "none").inc()
    if confidence is not None:
        NLU_CONFIDENCE.observe(confidence)


def count_late_reply(channel: str | None) -> None:
    """Counts replies delivered after the platform's reply window."""
    _child(LATE_REPLIES, channel_label(channel)).inc()


def show_content_version(version: str) -> None:
    """Makes ``version`` the one ``kw_content_info`` shows (the previous one is removed).

    Args:
        version: The content's full id; the label holds its first 12 characters, as
            the console and ``bot content`` show it.
    """
    version = version[:12]
    if _content_version and _content_version[0] == version:
        return
    for old in _content_version:
        CONTENT_INFO.remove(old)
    _content_version[:] = [version]
    CONTENT_INFO.labels(version).set(1)
