"""The operators' files parse and name only metrics the servers expose.

No docker daemon runs here, so docker-compose.yml, deploy/prometheus.yml,
deploy/alerts.yml and the Grafana dashboard are checked as data: each parses,
compose's Rasa healthcheck asks /ready, Prometheus loads the alert rules, and
every metric an expression names is one ``bot.server.metrics`` defines (or a
``process_*`` collector's, or Prometheus's ``up``).
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from bot.server.metrics import EXPOSED_NAMES
from harness.project import ROOT

DEPLOY = ROOT / "deploy"
#: Names in a PromQL expression that are functions, keywords or label names, not metrics.
PROMQL_WORDS = {
    "sum", "by", "rate", "increase", "histogram_quantile", "topk", "min", "max",
    "and", "or", "le", "channel", "outcome", "intent", "reason", "instance", "job",
}  # fmt: skip


def load_yaml(name: str) -> Any:
    return yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))


def metric_names(expression: str) -> set[str]:
    """The metric names of a PromQL expression (label matchers and strings removed)."""
    bare = re.sub(r'\{[^}]*\}|"[^"]*"|\[[^\]]*\]', " ", expression)
    return {w for w in re.findall(r"[a-z_][a-z0-9_]*", bare) if w not in PROMQL_WORDS}


def known(name: str) -> bool:
    return name in EXPOSED_NAMES or name.startswith("process_") or name == "up"


def test_compose_parses_and_checks_readiness() -> None:
    compose = load_yaml("docker-compose.yml")
    services = compose["services"]
    assert {"prometheus", "grafana"} <= set(services)
    assert "/ready" in " ".join(services["rasa"]["healthcheck"]["test"])
    # Each replica is the supervisor: bot.server.rasa_server and bot.server.action_server.
    assert services["rasa"]["command"] == ["python", "-m", "bot.server"]
    assert "actions" not in services
    mounts = " ".join(services["prometheus"]["volumes"] + services["grafana"]["volumes"])
    for path in re.findall(r"\./(deploy/[^:]+):", mounts):
        assert (ROOT / path).exists(), path


def test_alert_rules_name_existing_metrics() -> None:
    prometheus = load_yaml("deploy/prometheus.yml")
    assert prometheus["rule_files"] == ["/etc/prometheus/alerts.yml"]
    rules = [rule for group in load_yaml("deploy/alerts.yml")["groups"] for rule in group["rules"]]
    assert {
        "KwAnswerRateDrop",
        "KwReplyP99OverWeChatWindow",
        "KwRedisDown",
        "KwReplicaNotReady",
    } <= {rule["alert"] for rule in rules}
    for rule in rules:
        names = metric_names(rule["expr"])
        assert names and all(known(n) for n in names), (rule["alert"], names)


def test_dashboard_parses_and_names_existing_metrics() -> None:
    dashboard = json.loads(
        (DEPLOY / "grafana" / "dashboards" / "korea-week.json").read_text(encoding="utf-8")
    )
    expressions = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    assert len(expressions) >= 8
    for expression in expressions:
        names = metric_names(expression)
        assert names and all(known(n) for n in names), (expression, names)
    titles = " ".join(panel["title"] for panel in dashboard["panels"])
    for topic in ("Traffic", "Answer rate", "latency", "Errors"):
        assert topic in titles
    datasource = load_yaml("deploy/grafana/provisioning/datasources/prometheus.yml")
    assert datasource["datasources"][0]["uid"] == "kw-prometheus"
