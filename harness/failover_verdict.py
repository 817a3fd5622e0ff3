"""The replica fault test's verdict: each conversation read back from Redis, the issue's table.

``judge`` takes what the visitors of ``harness.failover`` sent and got, and the
conversations as stored (``stored_texts``: the user messages of
``<prefix>tracker:<sender>``), and counts messages missing, stored twice,
stored out of order, never answered after the resend, waits over
``WAIT_BOUND``, replies in the wrong language (by their script), and how soon
the restarted replica answered again. ``passed`` applies the issue's criteria;
``figures_table`` is its table, one column per fault.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from harness.failover import Message, reply_script
from harness.markdown import table
from harness.stats import percentile

#: No visitor may wait longer than this for an answer (the issue's bound).
WAIT_BOUND = 3.0


def stored_texts(redis_url: str, prefix: str, senders: Sequence[str]) -> dict[str, list[str]]:
    """The user messages stored for each sender, in stored order (``<prefix>tracker:<sender>``)."""
    from bot.redis_client import connect

    client = connect(redis_url, timeout=5.0)
    stored = {}
    for sender in senders:
        raw = client.get(f"{prefix}tracker:{sender}")
        events = json.loads(raw).get("events", []) if raw else []
        stored[sender] = [e.get("text") or "" for e in events if e.get("event") == "user"]
    return stored


def _storage(messages: Sequence[Message], stored: dict[str, list[str]]) -> dict[str, Any]:
    """Missing, stored twice and out of order, per message, against the stored conversations."""
    by_sender: dict[str, list[Message]] = {}
    for message in messages:
        by_sender.setdefault(message.sender, []).append(message)
    missing, twice, disordered = [], [], []
    for sender, sent in by_sender.items():
        texts = stored.get(sender, [])
        counts = Counter(texts)
        latest = -1
        for message in sorted(sent, key=lambda m: m.serial):
            copies = counts[message.step.text]
            if copies == 0:
                missing.append(message)
                continue
            twice += [message] if copies > 1 else []
            position = texts.index(message.step.text)
            if position < latest:  # stored before a message the visitor sent earlier
                disordered.append(message)
            latest = max(latest, position)
    return {
        "stored": sum(len(stored.get(sender, [])) for sender in by_sender),
        "missing": len(missing),
        "missing_answered": sum(1 for m in missing if m.answer),
        "stored_twice": len(twice),
        "out_of_order": len(disordered),
        "examples": [
            f"{label}: {m.sender} #{m.serial} {m.step.text!r} ({_tries(m)})"
            for label, group in (("missing", missing), ("twice", twice), ("order", disordered))
            for m in group[:5]
        ],
    }


def _tries(message: Message) -> str:
    return ", ".join(f"{t.kind}@{t.upstream or '-'} {t.seconds:.1f}s" for t in message.tries)


def _first_answer(messages: Sequence[Message], upstream: str, since: float | None) -> float | None:
    if since is None:
        return None
    ends = [
        t.at + t.seconds
        for m in messages
        for t in m.tries
        if t.kind == "answer" and t.upstream == upstream and t.at >= since
    ]
    return round(min(ends) - since, 1) if ends else None


def judge(
    messages: Sequence[Message],
    stored: dict[str, list[str]],
    passed_on: dict[str, int] | None = None,
    events: dict[str, float | None] | None = None,
    upstream: str = "A",
) -> dict[str, Any]:
    """The figures of one fault run.

    Args:
        messages: What the visitors sent and got.
        stored: The stored user messages per sender (``stored_texts``).
        passed_on: Requests the proxy passed on to the other replica, by why.
        events: Seconds since the load began of ``fault`` and ``restart`` (None if not done).
        upstream: The faulty replica's name in the proxy.
    """
    events = events or {}
    answered = [m for m in messages if m.answer]
    waits = [m.wait for m in messages]
    latencies = [t.seconds for m in answered for t in m.tries if t.kind == "answer"]
    languages = [(m, reply_script(m.answer.text)) for m in answered if m.answer]
    wrong = [m for m, found in languages if found is not None and found != m.step.language]
    return {
        "messages": len(messages),
        "answered": len(answered),
        "failed_sends": dict(
            Counter(t.kind for m in messages for t in m.tries if t.kind != "answer")
        ),
        "resent": sum(1 for m in messages if len(m.tries) > 1),
        "passed_on": passed_on or {},
        "never_answered": len(messages) - len(answered),
        "max_wait": round(max(waits, default=0.0), 2),
        "p99_wait": _round(percentile(waits, 99)),
        "p99_latency": _round(percentile(latencies, 99)),
        "waits_over_bound": sum(1 for w in waits if w > WAIT_BOUND),
        "wrong_language": len(wrong),
        "no_script_reply": sum(1 for _, found in languages if found is None),
        "wrong_language_examples": [
            f"{m.sender} #{m.serial} {m.step.text!r}: {m.answer.text[:40]!r}"
            for m in wrong[:5]
            if m.answer
        ],
        "slowest": [
            f"{m.sender} #{m.serial} at {m.tries[0].at:.1f} s waited {m.wait:.1f} s ({_tries(m)})"
            for m in sorted(messages, key=lambda m: -m.wait)[:8]
            if m.wait > WAIT_BOUND
        ],
        "restart_first_answer": _first_answer(messages, upstream, events.get("restart")),
        "fault_first_answer": _first_answer(messages, upstream, events.get("fault")),
        "events": events,
        **_storage(messages, stored),
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def passed(figures: dict[str, Any]) -> bool:
    """The issue's criteria: nothing missing, twice, out of order or unanswered; waits, language."""
    return (
        figures["messages"] > 0
        and figures["missing"] == 0
        and figures["stored_twice"] == 0
        and figures["out_of_order"] == 0
        and figures["never_answered"] == 0
        and figures["waits_over_bound"] == 0
        and figures["wrong_language"] == 0
    )


def _seconds(value: float | None) -> str:
    return "–" if value is None else f"{value} s"


def figures_table(faults: dict[str, dict[str, Any]]) -> str:
    """The issue's table: one column per fault."""
    rows: list[tuple[str, Any]] = [
        ("messages sent (answered)", lambda f: f"{f['messages']} ({f['answered']})"),
        ("failed sends", lambda f: _counts(f["failed_sends"])),
        ("passed on to the other replica by the proxy", lambda f: _counts(f["passed_on"])),
        ("max wait / p99 wait (p99 of one request)", _waits),
        (f"waits over {WAIT_BOUND:.0f} s", lambda f: f["waits_over_bound"]),
        ("stored in Redis", _stored),
        ("never answered after one resend", lambda f: f["never_answered"]),
        ("wrong reply language", lambda f: f["wrong_language"]),
        ("restarted replica: first answer", lambda f: _seconds(f["restart_first_answer"])),
        ("verdict", lambda f: "pass" if passed(f) else "**FAIL**"),
    ]
    return table(
        ["", *faults], [[name, *(cell(f) for f in faults.values())] for name, cell in rows]
    )


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} × {kind}" for kind, n in sorted(counts.items())) or "0"


def _waits(figures: dict[str, Any]) -> str:
    return (
        f"{figures['max_wait']} s / {_seconds(figures['p99_wait'])}"
        f" ({_seconds(figures['p99_latency'])})"
    )


def _stored(figures: dict[str, Any]) -> str:
    return (
        f"{figures['stored']}: {figures['missing']} missing"
        f" ({figures['missing_answered']} of them answered), "
        f"{figures['stored_twice']} stored twice, {figures['out_of_order']} out of order"
    )
