"""Publishing the draft, the history of versions, diffs against the live version, rollback.

Editors see all of it; publishing and rolling back need the publisher role. A
publish goes through the same store as ``bot content publish`` (checks, version,
history, the bot switching within two seconds); the draft is discarded after it,
since it is then the live content.
"""

from __future__ import annotations

from sanic import Sanic
from sanic.exceptions import NotFound
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.content.diff import diff_content, render_diff
from bot.content.errors import ContentError, ContentInvalid
from bot.content.fields import SECTIONS, Section
from bot.content.history import SHORT, NothingToDo, PublishError
from bot.content.loader import check_content_texts, load_content_texts
from console import drafting
from console.web import account, audit, flash, need, redirect, render, services


def _section_of(problem: ContentError) -> Section | None:
    """The section a problem is in: by file, and by list for venues.yml (venues, hotels)."""
    found = [section for section in SECTIONS.values() if section.file == problem.file]
    top = problem.field.split("[", 1)[0].split(".", 1)[0]
    return next((section for section in found if section.key == top), found[0] if found else None)


def _problem_links(problems: list[ContentError]) -> list[tuple[str, str]]:
    """Each problem with a link to the record it is in, when one can be told."""
    links = []
    for problem in problems:
        section = _section_of(problem)
        href = f"/content/{section.name}" if section else "/content"
        links.append((href, str(problem)))
    return links


async def publish_page(request: Request) -> HTTPResponse:
    """The draft against the live content: its changes, its problems, the publish form."""
    stores = services(request)
    draft = drafting.current(stores)
    problems = check_content_texts(draft.texts)
    lines: list[str] = []
    if not problems:
        try:
            live = load_content_texts(stores.live_texts())
        except ContentInvalid:
            live = None
        diff = diff_content(live, load_content_texts(draft.texts))
        lines = render_diff(diff, "live", "draft")[1:] if diff else []
    return render(
        request,
        "publish.html",
        draft=draft,
        changed=drafting.is_changed(stores, draft),
        problems=_problem_links(problems),
        lines=lines,
        live=(stores.content.live_version() or "")[:SHORT],
    )


async def publish(request: Request) -> HTTPResponse:
    """Publishes the draft with the staff member's message."""
    need(request, "publisher")
    stores = services(request)
    message = (request.form.get("message") or "").strip()[:300]
    if not message:
        flash(request, "notice.need_message")
        return redirect("/publish")
    draft = drafting.current(stores)
    try:
        entry = stores.content.publish(draft.texts, account(request).name, message)
    except ContentInvalid:
        flash(request, "notice.not_published")
        return redirect("/publish")
    except NothingToDo:
        flash(request, "notice.nothing")
        return redirect("/publish")
    stores.drafts.discard()
    audit(request, "publish", entry.short, message)
    flash(request, "notice.published", version=entry.short)
    return redirect("/history")


async def history_page(request: Request) -> HTTPResponse:
    """Every publish and rollback, newest first, with diff and rollback links."""
    stores = services(request)
    entries = list(reversed(stores.content.history()))
    return render(
        request, "history.html", entries=entries, live=stores.content.live_version() or ""
    )


async def diff_page(request: Request, version: str) -> HTTPResponse:
    """What the live version changes compared to ``version``."""
    stores = services(request)
    try:
        full = stores.content.resolve(version)
        live = stores.content.live_version()
        if live is None:
            raise NotFound("nothing is live")
        lines = render_diff(
            diff_content(stores.content.content(full), stores.content.content(live)),
            full[:SHORT],
            f"live ({live[:SHORT]})",
        )
    except (PublishError, ContentInvalid):
        raise NotFound("no such version") from None
    return render(request, "diff.html", version=full, lines=lines)


async def rollback_page(request: Request, version: str) -> HTTPResponse:
    """Asks to confirm a rollback to ``version``."""
    need(request, "publisher")
    try:
        full = services(request).content.resolve(version)
    except PublishError:
        raise NotFound("no such version") from None
    return render(request, "rollback.html", version=full)


async def rollback(request: Request, version: str) -> HTTPResponse:
    """Makes ``version`` live again."""
    need(request, "publisher")
    stores = services(request)
    message = (request.form.get("message") or "").strip()[:300] or None
    try:
        entry = stores.content.rollback(account(request).name, version, message)
    except NothingToDo:
        flash(request, "notice.nothing")
        return redirect("/history")
    except (PublishError, ContentInvalid):
        raise NotFound("no such version") from None
    audit(request, "rollback", entry.short, entry.message)
    flash(request, "notice.rolled_back", version=entry.short)
    return redirect("/history")


async def discard(request: Request) -> HTTPResponse:
    """Throws the draft away (it starts again from the live content)."""
    need(request, "editor")
    services(request).drafts.discard()
    audit(request, "draft.discard")
    flash(request, "notice.discarded")
    return redirect("/publish")


def register(app: Sanic) -> None:
    """Adds the publish, history, diff and rollback pages."""
    app.add_route(publish_page, "/publish", methods=["GET"], name="publish_page")
    app.add_route(publish, "/publish", methods=["POST"], name="publish")
    app.add_route(discard, "/draft/discard", methods=["POST"], name="discard")
    app.add_route(history_page, "/history", name="history")
    app.add_route(diff_page, "/history/<version>/diff", name="diff")
    app.add_route(
        rollback_page, "/history/<version>/rollback", methods=["GET"], name="rollback_page"
    )
    app.add_route(rollback, "/history/<version>/rollback", methods=["POST"], name="rollback")
