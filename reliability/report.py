"""``docs/reliability.md`` from a run's results. Pure: results in, Markdown out.

The prose is in ``reliability/templates/`` (``page.md.tmpl`` and two optional
blocks), filled with ``string.Template``; this module turns the figures into
the tables and values it names. The verdicts come from ``reliability.verdicts``.
"""

from __future__ import annotations

from pathlib import Path
from string import Template
from typing import Any

from harness.failover_verdict import WAIT_BOUND, figures_table
from harness.markdown import table
from harness.project import ROOT
from reliability.failover import settings_line
from reliability.settings import PLATFORM_WINDOW, RECOVERY_BOUND
from reliability.verdicts import PAYLOAD_RSS_BOUND_MB

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: Seconds of load before each fault (``reliability.run.faults_step``).
FAULT_STARTS_AT = 5.0
LOAD_HEADER = ["", "requests", "errors", "5xx", "polite texts", "p50", "p95", "p99", "max"]
ORDER_HEADER = [
    "channel",
    "bursts",
    "messages",
    "valid replies",
    "processed",
    "bursts in order",
    "lost",
]
FAULT_HEADER = [
    "fault",
    "length",
    "requests during",
    "replies during",
    f"valid within {PLATFORM_WINDOW:.0f} s",
    "slowest",
    "5xx",
    "invalid (whole window)",
    "recovery",
]


def template(name: str) -> Template:
    """A template of ``reliability/templates/``."""
    return Template((TEMPLATES / f"{name}.md.tmpl").read_text(encoding="utf-8"))


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{key}: {value}" for key, value in counts.items()) or "–"


def _s(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f} s"


def verdicts_table(results: dict[str, Any]) -> str:
    """Each check and whether it passed."""
    rows = [[name, "pass" if ok else "**FAIL**"] for name, ok in results["verdicts"].items()]
    return table(["check", "result"], rows)


def malformed_tables(results: dict[str, Any]) -> dict[str, str]:
    """Statuses per channel, and per kind of damage."""
    rows = [
        [
            m["channel"],
            m["sent"],
            _counts(m["statuses"]),
            m["unexpected_count"],
            m["without_reason"],
            f"{m['rss_before_mb']} → {m['rss_after_mb']}",
            f"{m['seconds']} s",
        ]
        for m in results["malformed"]
    ]
    kinds = [
        [m["channel"], kind, _counts(statuses)]
        for m in results["malformed"]
        for kind, statuses in m["by_kind"].items()
    ]
    header = ["channel", "sent", "statuses", "unexpected", "4xx without reason"]
    header += ["Rasa RSS MB (before → after)", "time"]
    return {
        "malformed": table(header, rows),
        "malformed_kinds": table(["channel", "kind", "statuses"], kinds),
    }


def duplicates_tables(results: dict[str, Any]) -> dict[str, str]:
    """Retried and duplicated deliveries, and the bursts' order per channel."""
    wechat, telegram = results["duplicates"]["wechat"], results["duplicates"]["telegram"]
    cases = [
        ("WeChat message, retried twice while the first is processed", wechat),
        ("Telegram update, delivered five times", telegram),
    ]
    rows = [
        [
            case,
            d["deliveries"],
            d["statuses"],
            d["answers"],
            d.get("distinct_answers", d.get("distinct_texts", "")),
            d["processed_turns"],
        ]
        for case, d in cases
    ]
    bursts: dict[str, list[dict[str, Any]]] = {}
    for burst in results["order"]:
        bursts.setdefault(burst["channel"], []).append(burst)
    order = [
        [
            channel,
            len(items),
            sum(b["sent"] for b in items),
            sum(b["valid_replies"] for b in items),
            sum(b["processed"] or 0 for b in items),
            sum(1 for b in items if b["in_order"]),
            sum(len(b["lost"]) for b in items),
        ]
        for channel, items in bursts.items()
    ]
    header = ["case", "deliveries", "HTTP statuses", "answers", "distinct", "turns processed"]
    return {"duplicates": table(header, rows), "order": table(ORDER_HEADER, order)}


def abuse_tables(results: dict[str, Any]) -> dict[str, str]:
    """Rate limit, overlong messages, Rasa's HTTP API and the secrets in the logs."""
    limits = [[r["channel"], r["sent"], _counts(r["replies"])] for r in results["rate_limit"]]
    overlong = [
        [o["channel"], o["status"], o["reply"], f"{o['seconds']} s", o["processed"]]
        for o in results["overlong"]
    ]
    token = results["api_token"]
    api = [
        [route, status, token["anonymous"].get(route), token["wrong_token"].get(route)]
        for route, status in results["api_off"].items()
    ]
    secrets = [[name, count] for name, count in results["secrets_in_logs"].items()]
    secrets.append(["RASA_API_TOKEN in the `--enable-api` server's log", token["token_in_log"]])
    api_header = ["route", "make run (API off)", "--enable-api --auth-token, no token"]
    return {
        "rate_limit": table(["channel", "messages", "replies"], limits),
        "overlong": table(["channel", "status", "reply", "time", "handed to Rasa"], overlong),
        "api": table([*api_header, "… wrong token"], api),
        "secrets": table(["secret", "occurrences"], secrets),
    }


def _load_row(name: str, summary: dict[str, Any]) -> list[Any]:
    figures = [summary[key] for key in ("requests", "errors", "server_errors", "graceful")]
    return [name, *figures, *(_s(summary[key]) for key in ("p50", "p95", "p99", "max"))]


def load_values(results: dict[str, Any]) -> dict[str, str]:
    """The load's table, its memory figures and the messages without a normal answer."""
    load, profile = results["load"], results["profile"]
    rows = [_load_row("all", load["all"])]
    rows += [_load_row(channel, summary) for channel, summary in load["by_channel"].items()]
    rows += [_load_row(language, summary) for language, summary in load["by_language"].items()]
    memory, actions = load["rasa_memory"], load["actions_memory"]
    not_answered = ""
    if load["not_answered"]:
        missed = [[n["channel"], n["text"], n["reply"]] for n in load["not_answered"]]
        missed_table = table(["channel", "message", "reply"], missed)
        not_answered = template("not_answered").substitute(table=missed_table)
    return {
        "visitors": str(profile["visitors"]),
        "load_seconds": f"{profile['load_seconds']:.0f}",
        "think": str(tuple(profile["think"])),
        "loadavg_after": str(load["loadavg_after"]),
        "load": table(LOAD_HEADER, rows),
        "rasa_start": str(memory["start_mb"]),
        "rasa_end": str(memory["end_mb"]),
        "rasa_peak": str(memory["peak_mb"]),
        "rasa_growth": f"{memory['growth_mb']:+}",
        "actions_start": str(actions["start_mb"]),
        "actions_end": str(actions["end_mb"]),
        "not_answered": not_answered,
    }


def _fault_row(name: str, fault: dict[str, Any]) -> list[Any]:
    recovery = fault["recovery_seconds"]
    return [
        name.replace("_", " "),
        f"{fault['fault_seconds']} s",
        fault["during"],
        _counts(fault["during_outcomes"]),
        fault["during_valid_within_window"],
        f"{fault['during_max_seconds']} s",
        fault["server_errors"],
        fault["invalid_count"],
        "never" if recovery is None else f"{recovery} s",
    ]


def fault_values(results: dict[str, Any]) -> dict[str, str]:
    """The faults' table and, for each fault that did not recover in time, what followed it."""
    faults = results["faults"]
    details = ""
    for name, fault in faults.items():
        if fault["recovery_seconds"] is not None and fault["recovery_seconds"] <= RECOVERY_BOUND:
            continue
        back = FAULT_STARTS_AT + fault["fault_seconds"]
        after = [line for line in fault["not_normal"] if float(line.split("s ", 1)[0]) >= back]
        details += template("fault_after").substitute(
            fault=name.replace("_", " "),
            back=f"{back:.0f}",
            lines="\n".join(f"- {line}" for line in after[:25]),
        )
    return {
        "fault_visitors": str(results["profile"]["fault_visitors"]),
        "window": f"{PLATFORM_WINDOW:.0f}",
        "recovery_bound": f"{RECOVERY_BOUND:.0f}",
        "faults": table(FAULT_HEADER, [_fault_row(n, f) for n, f in faults.items()]),
        "fault_details": details,
    }


def failover_section(results: dict[str, Any]) -> str:
    """The replica fault test's section; a line saying so when the run had none."""
    failover = results.get("failover")
    if not failover:
        return "## A replica killed under load\n\nNot measured in this run.\n"
    details = [
        f"- {name}: {line}"
        for name, fault in failover["faults"].items()
        for line in fault["examples"] + fault["slowest"] + fault["wrong_language_examples"]
    ]
    return template("failover").substitute(
        settings=settings_line(failover),
        bound=f"{WAIT_BOUND:.0f}",
        table=figures_table(failover["faults"]),
        details="\nWhat went wrong, first cases:\n\n" + "\n".join(details) + "\n"
        if details
        else "",
    )


def render(results: dict[str, Any], workdir: Path) -> str:
    """The whole page."""
    where = workdir.relative_to(ROOT) if workdir.is_relative_to(ROOT) else workdir
    values = {
        "total": results["total_seconds"],
        "cpus": results["machine"]["cpus"],
        "loadavg": results["machine"]["loadavg_1m_5m_at_start"],
        "results": where,
        "startup": results["startup"]["seconds"],
        "rss": results["startup"]["rss_mb"].get("rasa"),
        "verdicts": verdicts_table(results),
        "payloads": results["profile"]["payloads"],
        "payload_bound": f"{PAYLOAD_RSS_BOUND_MB:.0f}",
        "log_lines": results["log_lines"],
        "refusals": results["refusals_logged"],
        **malformed_tables(results),
        **duplicates_tables(results),
        **abuse_tables(results),
        **load_values(results),
        **fault_values(results),
        "failover": failover_section(results),
    }
    return template("page").substitute(values).rstrip() + "\n"
