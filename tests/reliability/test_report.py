"""docs/reliability.md from a run's results: every section, the verdicts, no slot left unfilled."""

from __future__ import annotations

import copy
from typing import Any

from harness.failover import Message, Step, Try
from harness.failover_verdict import judge
from harness.project import ROOT
from harness.requests import CHANNELS
from reliability.report import render
from reliability.verdicts import verdicts


def _summary(p99: float | None = 0.95) -> dict[str, Any]:
    return {
        "requests": 120,
        "errors": 0,
        "server_errors": 0,
        "graceful": 1,
        "late": 2,
        "p50": 0.4,
        "p95": 0.8,
        "p99": p99,
        "max": 1.2,
        "max_webhook": 1.0,
    }


def _fault(recovery: float | None) -> dict[str, Any]:
    return {
        "fault_seconds": 15.0,
        "during": 30,
        "during_outcomes": {"answer": 10, "graceful:unavailable": 20},
        "during_valid_within_window": 30,
        "during_max_seconds": 1.4,
        "invalid_count": 0,
        "server_errors": 0,
        "recovery_seconds": recovery,
        "not_normal": [
            "3.0s rest visitor 300002 '你好': graceful:busy in 0.10s",
            "21.0s wechat visitor 300001 '你好': graceful:busy in 0.40s",
        ],
    }


def _load() -> dict[str, Any]:
    return {
        "all": _summary(),
        "by_channel": {c: _summary() for c in CHANNELS},
        "by_language": {"zh": _summary(), "ko": _summary()},
        "rasa_memory": {"start_mb": 870.0, "end_mb": 872.5, "peak_mb": 880.0, "growth_mb": 2.5},
        "actions_memory": {"start_mb": 200.0, "end_mb": 201.0},
        "not_answered": [],
        "loadavg_after": [1.5, 1.2],
    }


def results() -> dict[str, Any]:
    """The results of a passing short run, as ``reliability.run`` writes them."""
    api = {"PUT /model": 401, "GET /status": 401}
    return {
        "profile": {"payloads": 500, "visitors": 10, "load_seconds": 20.0, "think": [2.0, 6.0]}
        | {"fault_visitors": 8, "pause_seconds": 12.0},
        "machine": {"cpus": 2, "loadavg_1m_5m_at_start": [0.18, 0.2]},
        "startup": {"seconds": 6.5, "rss_mb": {"rasa": 869.8}},
        "malformed": [
            {
                "channel": channel,
                "sent": 500,
                "seconds": 12.3,
                "statuses": {"400": 450, "403": 50},
                "by_kind": {"broken_xml": {"400": 450}, "bad_secret": {"403": 50}},
                "unexpected_count": 0,
                "without_reason": 0,
                "server_errors": 0,
                "rss_before_mb": 800.0,
                "rss_after_mb": 810.0,
                "alive": True,
            }
            for channel in CHANNELS
        ],
        "duplicates": {
            "wechat": {"deliveries": 3, "statuses": [200] * 3, "answers": 1, "processed_turns": 1}
            | {"retries_while_processing": True, "distinct_answers": 1, "late_repeated": 0},
            "telegram": {
                "deliveries": 5,
                "statuses": [200] * 5,
                "answers": 1,
                "processed_turns": 1,
            },
        },
        "order": [
            {"channel": c, "sent": 10, "valid_replies": 10, "processed": 10, "in_order": True}
            | {"lost": []}
            for c in CHANNELS
        ],
        "rate_limit": [
            {"channel": c, "sent": 25, "replies": {"answer": 20, "rate_limited": 5}}
            for c in CHANNELS
        ],
        "overlong": [
            {"channel": c, "status": 200, "seconds": 0.05, "reply": "too_long", "processed": False}
            for c in CHANNELS
        ],
        "api_off": {"PUT /model": 404, "GET /status": 404},
        "api_token": {"anonymous": api, "wrong_token": api, "token_in_log": 0},
        "secrets_in_logs": {"WECHAT_TOKEN": 0, "KAKAO_SKILL_SECRET": 0},
        "log_lines": 1234,
        "refusals_logged": 987,
        "load": _load(),
        "faults": {
            name: _fault(0.6) for name in ("action_server_down", "redis_killed", "redis_paused")
        },
        "exit_code": 0,
        "total_seconds": 650,
    }


def _page(figures: dict[str, Any]) -> str:
    figures["verdicts"] = verdicts(figures)
    return render(figures, ROOT / "results" / "reliability" / "20261127-083238")


def test_a_passing_run_renders_every_section_and_every_verdict_passes() -> None:
    figures = results()
    page = _page(figures)
    assert all(figures["verdicts"].values()), figures["verdicts"]
    assert "$" not in page and "{" not in page.split("## How to reproduce")[0]
    assert page.endswith("\n") and not page.endswith("\n\n")
    for heading in ("Verdicts", "Malformed and hostile input", "Duplicates and order", "Abuse"):
        assert f"\n## {heading}\n" in page
    for heading in ("Load", "Faults", "How to reproduce", "Known limits, left as they are"):
        assert f"\n## {heading}\n" in page
    assert "| load: p99 under 1 s | pass |" in page
    assert "`results/reliability/20261127-083238/results.json`" in page
    assert "(1234 lines, 987 refusals logged)" in page and "change +2.5 MB" in page
    assert "| all | 120 | 0 | 0 | 1 | 0.400 s | 0.800 s | 0.950 s | 1.200 s |" in page
    assert "without a normal answer" not in page and "ended (at" not in page


def test_a_fault_without_recovery_fails_and_lists_what_followed_its_end() -> None:
    figures = results()
    figures["faults"]["redis_killed"] = _fault(None)
    page = _page(figures)
    assert figures["verdicts"]["Redis killed and restarted"] is False
    assert "| Redis killed and restarted | **FAIL** |" in page
    details = page.split("Replies after *redis killed* ended (at 20 s)")[1]
    assert "- 21.0s wechat visitor 300001" in details.split("## How to reproduce")[0]
    assert "3.0s rest" not in details, "replies during the fault are not listed"


def test_a_load_without_a_valid_reply_has_no_percentile_and_fails() -> None:
    figures = results()
    figures["load"]["all"] = _summary(p99=None) | {"errors": 120, "p50": None, "max": None}
    figures["load"]["not_answered"] = [{"channel": "rest", "text": "a | b", "reply": "status 0"}]
    page = _page(copy.deepcopy(figures))
    assert "| all | 120 | 120 | 0 | 1 | – | 0.800 s | – | – |" in page
    assert "| rest | a \\| b | status 0 |" in page
    assert "| load: p99 under 1 s | **FAIL** |" in page


def _failover() -> dict[str, Any]:
    answered = Message("fo-1", 0, Step("一", "zh"), "fo-1-0", [Try(1.0, 0.2, "answer", "A", "好")])
    lost = Message("fo-1", 1, Step("二", "zh"), "fo-1-1", [Try(2.0, 0.2, "answer", "A", "好")])
    clean = judge([answered], {"fo-1": ["一"]}, {"refused": 3}, {"fault": 0.5, "restart": 0.8})
    broken = judge([answered, lost], {"fo-1": ["一", "一"]}, {}, {"fault": 0.5, "restart": None})
    return {
        "profile": {"visitors": 30, "kill_at": 30.0, "restart_after": 20.0, "after": 40.0}
        | {"think": [0.5, 1.5]},
        "startup_seconds": 24.0,
        "faults": {"Rasa server of replica A killed": clean, "action server killed": broken},
        "passed": False,
    }


def test_the_replica_fault_test_has_its_table_and_a_verdict_per_fault() -> None:
    figures = results()
    figures["failover"] = _failover()
    page = _page(figures)
    section = page.split("## A replica killed under load")[1].split("## How to reproduce")[0]
    assert "30 visitors in closed loop" in section and "$" not in section
    assert "| verdict | pass | **FAIL** |" in section
    assert "| restarted replica: first answer | 0.4 s | – |" in section
    assert "- action server killed: missing: fo-1 #1 '二'" in section
    assert "| Rasa server of replica A killed: nothing lost" in page.split("## Malformed")[0]
    assert (
        figures["verdicts"][next(k for k in figures["verdicts"] if "action server killed" in k)]
        is False
    )


def test_a_run_without_the_replica_fault_test_says_so() -> None:
    page = _page(results())
    assert "## A replica killed under load\n\nNot measured in this run." in page
