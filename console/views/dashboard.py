"""The dashboard: how visitors used the bot on a chosen day, as charts, and as CSV.

Reads the hourly counts the Rasa servers' usage broker saved (``bot.usage``) and
the unanswered questions of that day; draws messages per hour by channel and by
language, the share answered / fallback / out of scope, the top topics and the
top unanswered groups.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date, datetime, timedelta

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.content.model import local_timezone
from bot.unanswered.report import group_questions
from bot.usage.counters import OUTCOMES
from console import charts
from console.web import render, services, t


def _day(request: Request) -> date:
    try:
        return date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        return datetime.now(local_timezone()).date()


def _split(hours: dict[int, Counter[str]], part: int) -> tuple[dict[int, Counter[str]], list[str]]:
    """Message counts per hour by channel (part 1) or language (part 2)."""
    split: dict[int, Counter[str]] = {}
    for hour, fields in hours.items():
        for key, value in fields.items():
            pieces = key.split(":")
            if pieces[0] == "msg" and len(pieces) == 3:
                split.setdefault(hour, Counter())[pieces[part]] += value
    names = sorted({name for fields in split.values() for name in fields})
    return split, names


def _totals(hours: dict[int, Counter[str]], kind: str) -> Counter[str]:
    total: Counter[str] = Counter()
    for fields in hours.values():
        for key, value in fields.items():
            if key.startswith(kind + ":"):
                total[key[len(kind) + 1 :]] += value
    return total


def _unanswered(request: Request, day: date) -> Counter[str]:
    start = datetime(day.year, day.month, day.day, tzinfo=local_timezone()).timestamp()
    records = [r for r in services(request).unanswered.since(start) if r.at < start + 86400]
    return Counter({g.representative: g.count for g in group_questions(records)})


def _topic(request: Request, name: str) -> str:
    label = t(request, f"topic.{name}")
    return name if label == f"topic.{name}" else label


async def dashboard(request: Request) -> HTTPResponse:
    """The charts of one day."""
    day = _day(request)
    hours = services(request).usage.read_day(day)
    by_channel, channels = _split(hours, 1)
    by_language, languages = _split(hours, 2)
    outcomes = _totals(hours, "outcome")
    topics = Counter({_topic(request, k): v for k, v in _totals(hours, "topic").items()})
    return render(
        request,
        "dashboard.html",
        day=day,
        previous=day - timedelta(days=1),
        following=day + timedelta(days=1),
        total=sum(by_channel.get(h, Counter()).total() for h in range(24)),
        channels=charts.stacked_hours(by_channel, channels),
        languages=charts.stacked_hours(by_language, languages),
        outcomes=charts.shares(
            {t(request, f"outcome.{o}"): outcomes.get(o, 0) for o in OUTCOMES},
            [t(request, f"outcome.{o}") for o in OUTCOMES],
        ),
        topics=charts.ranking(topics),
        unanswered=charts.ranking(_unanswered(request, day)),
    )


async def dashboard_csv(request: Request) -> HTTPResponse:
    """The day's counts as CSV: date, hour, metric, name, count (UTF-8 with BOM for Excel)."""
    day = _day(request)
    hours = services(request).usage.read_day(day)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["date", "hour", "metric", "name", "count"])
    for hour in sorted(hours):
        for key, value in sorted(hours[hour].items()):
            metric, _, name = key.partition(":")
            writer.writerow([day.isoformat(), f"{hour:02d}", metric, name, value])
    for question, count in _unanswered(request, day).most_common():
        writer.writerow([day.isoformat(), "", "unanswered", question, count])
    return response.raw(
        ("\ufeff" + out.getvalue()).encode("utf-8"),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="usage-{day.isoformat()}.csv"'},
    )


def register(app: Sanic) -> None:
    """Adds the dashboard and its CSV."""
    app.add_route(dashboard, "/dashboard", name="dashboard")
    app.add_route(dashboard_csv, "/dashboard.csv", name="dashboard_csv")
