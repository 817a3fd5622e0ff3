"""Each figure of a reliability run against its bound: the pass/fail verdicts. Pure.

``verdicts`` takes a run's results (``reliability.run``) and returns one line per
check of the issue with whether it passed; ``make reliability`` exits 1 when any
did not, and the report lists them first.
"""

from __future__ import annotations

from typing import Any

from harness.failover_verdict import passed
from reliability.settings import RECOVERY_BOUND

#: Resident memory the Rasa server may gain over one channel's malformed payloads.
PAYLOAD_RSS_BOUND_MB = 100.0
#: Resident memory the Rasa server may gain during the load, after its warm-up.
LOAD_RSS_BOUND_MB = 60.0
#: Seconds within which 99 % of the load's messages must be answered.
P99_BOUND = 1.0
#: ``KW_RATE_LIMIT``'s default: 20 messages a minute.
RATE_LIMIT = 20


def _malformed_ok(results: dict[str, Any]) -> bool:
    expected = results["profile"]["payloads"]
    return all(
        m["sent"] == expected
        and m["unexpected_count"] == 0
        and m["server_errors"] == 0
        and m["without_reason"] == 0
        and m["alive"]
        and m["rss_after_mb"] - m["rss_before_mb"] <= PAYLOAD_RSS_BOUND_MB
        for m in results["malformed"]
    )


def _fault_ok(fault: dict[str, Any]) -> bool:
    return (
        fault["server_errors"] == 0
        and fault["invalid_count"] == 0
        and fault["during_valid_within_window"] == fault["during"]
        and fault["recovery_seconds"] is not None
        and fault["recovery_seconds"] <= RECOVERY_BOUND
    )


def verdicts(results: dict[str, Any]) -> dict[str, bool]:
    """Each figure against its bound."""
    wechat, telegram = results["duplicates"]["wechat"], results["duplicates"]["telegram"]
    load, faults = results["load"]["all"], results["faults"]
    api_token = results["api_token"]["anonymous"].get("PUT /model")
    failover = {
        f"{name}: nothing lost, twice, out of order or unanswered; no wait over 3 s": passed(fault)
        for name, fault in (results.get("failover") or {}).get("faults", {}).items()
    }
    return {
        "malformed input: only 4xx with a reason, no 5xx, memory bounded": _malformed_ok(results),
        "WeChat retries: one turn, one answer": wechat["answers"] >= 1
        and wechat["distinct_answers"] == 1
        and wechat["late_repeated"] == 0
        and wechat["processed_turns"] in (1, None)
        and wechat["retries_while_processing"],
        "Telegram duplicates: one turn, one answer": telegram["answers"] == 1
        and telegram["processed_turns"] in (1, None),
        "ten rapid messages processed in order, none lost": all(
            burst["in_order"] in (True, None) and not burst["lost"] for burst in results["order"]
        ),
        "rate limit holds on every channel": all(
            r["replies"].get("answer", 0) == RATE_LIMIT
            and r["replies"].get("rate_limited", 0) == r["sent"] - RATE_LIMIT
            for r in results["rate_limit"]
        ),
        "overlong messages refused politely": all(
            o["status"] == 200 and o["reply"] == "too_long" and o["processed"] in (False, None)
            for o in results["overlong"]
        ),
        "Rasa API off (anonymous model upload refused)": results["api_off"]["PUT /model"] == 404,
        "token-protected Rasa API: anonymous upload gets 401": api_token == 401,
        "no secret in the logs": not any(results["secrets_in_logs"].values())
        and results["api_token"]["token_in_log"] == 0,
        "load: 0 errors, no 5xx": load["errors"] == 0 and load["server_errors"] == 0,
        "load: p99 under 1 s": load["p99"] is not None and load["p99"] < P99_BOUND,
        "load: memory flat": results["load"]["rasa_memory"]["growth_mb"] <= LOAD_RSS_BOUND_MB,
        "action server down: graceful replies, recovery": _fault_ok(faults["action_server_down"]),
        "Redis killed and restarted": _fault_ok(faults["redis_killed"]),
        "Redis paused": _fault_ok(faults["redis_paused"]),
        "clean shutdown": results["exit_code"] == 0,
        **failover,
    }
