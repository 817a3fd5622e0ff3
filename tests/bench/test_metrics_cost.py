"""The metrics stage's figures and how the report shows them."""

from __future__ import annotations

from bench.metrics_cost import measure
from bench.report import metrics_cost_section


def test_the_report_sets_the_cost_against_the_servers_cpu() -> None:
    figures = {
        "metrics_cost": {"with_us": 47.0, "without_us": 40.0, "metrics_us": 7.0},
        "serving": {"ours": {"latency": {"rest": {"1": {"cpu_ms": {"rasa": 7.0}}}}}},
    }
    text = "\n".join(metrics_cost_section(figures))
    assert "7.0 µs, 0.10 % of the Rasa server's 7.0 ms CPU per message" in text
    assert metrics_cost_section({}) == []


def test_counting_is_cheap() -> None:
    cost = measure()
    assert cost["with_us"] >= cost["without_us"] > 0
    assert cost["metrics_us"] < 100  # a 2-core machine shared with other work: a loose bound
