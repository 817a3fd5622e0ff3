"""What visitors asked that the bot could not answer, grouped, with "answer this" and "handled".

Groups come from ``bot.unanswered`` exactly as ``bot report unanswered`` makes
them. "Answer this" opens a new FAQ entry in the draft with the question filled
in (the other language and the answer are for staff to write); "mark handled"
is remembered (``console.handled``) and hides the group unless staff ask to see all.
"""

from __future__ import annotations

import time
from datetime import datetime
from urllib.parse import urlencode

from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.content.model import local_timezone
from bot.unanswered.report import QuestionGroup, group_questions
from console.handled import group_key
from console.web import account, audit, flash, need, redirect, render, services

WINDOWS = {"24h": 86400.0, "7d": 7 * 86400.0, "14d": 14 * 86400.0}


def group_row(group: QuestionGroup, handled: set[str]) -> dict[str, object]:
    """What the page shows of a group."""
    key = group_key(group.representative)
    main_lang = group.languages.most_common(1)[0][0] if group.languages else "zh"
    similar = [text for text, _ in group.texts.most_common() if text != group.representative][:3]
    return {
        "key": key,
        "question": group.representative,
        "count": group.count,
        "languages": dict(group.languages.most_common()),
        "last": datetime.fromtimestamp(group.last_seen, local_timezone()).strftime("%m-%d %H:%M"),
        "similar": similar,
        "handled": key in handled,
        "answer_url": "/content/faq/new?"
        + urlencode(
            {
                "question": group.representative,
                "lang": main_lang if main_lang in ("zh", "ko") else "zh",
            }
        ),
    }


async def unanswered_page(request: Request) -> HTTPResponse:
    """The groups of the chosen period, most frequent first."""
    stores = services(request)
    since = request.args.get("since", "24h")
    window = WINDOWS.get(since, WINDOWS["24h"])
    show_all = request.args.get("show") == "all"
    handled = stores.handled.keys()
    groups = [
        group_row(g, handled)
        for g in group_questions(stores.unanswered.since(time.time() - window))
    ]
    shown = [g for g in groups if show_all or not g["handled"]]
    return render(
        request,
        "unanswered.html",
        groups=shown,
        hidden=len(groups) - len(shown),
        since=since if since in WINDOWS else "24h",
        windows=list(WINDOWS),
        show_all=show_all,
    )


async def mark_handled(request: Request, key: str) -> HTTPResponse:
    """Remembers that a group was dealt with."""
    need(request, "editor")
    safe = "".join(c for c in key if c in "0123456789abcdef")[:16]
    services(request).handled.mark(safe, account(request).name)
    audit(request, "unanswered.handled", safe, (request.form.get("question") or "")[:200])
    flash(request, "notice.handled")
    return redirect("/unanswered")


def register(app: Sanic) -> None:
    """Adds the unanswered-questions pages."""
    app.add_route(unanswered_page, "/unanswered", name="unanswered")
    app.add_route(mark_handled, "/unanswered/<key>/handled", methods=["POST"], name="handled")
