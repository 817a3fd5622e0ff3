"""The preview chat: ask the real assistant a question, answered from the draft.

``/preview`` shows the chat panel; the page's script posts each question to
``/api/preview`` (JSON, with the CSRF token in a header) and shows the replies as
plain text, the way a visitor's app would. Without the script the form posts to
``/preview`` and the page comes back with the answer. "Start again" begins a new
preview conversation.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.content.errors import ContentInvalid
from bot.content.loader import load_content_texts
from console import drafting
from console.messages import LANGUAGES
from console.preview import PreviewUnavailable
from console.web import lang, need, redirect, render, services, session, t

MAX_QUESTION = 500


def _replies(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The replies as a visitor sees them: texts, button titles, a place or cards by name."""
    shown = []
    for reply in result.get("replies") or []:
        custom = reply.get("custom") or {}
        venue = custom.get("venue") if isinstance(custom, dict) else None
        cards = custom.get("cards") if isinstance(custom, dict) else None
        text = reply.get("text") or ""
        if venue:
            text = f"📍 {venue.get('title', '')} {venue.get('address', '')}".strip()
        elif cards:
            text = "\n".join(
                f"▸ {card.get('title', '')} {card.get('description', '')}" for card in cards
            )
        buttons = [str(b.get("title", "")) for b in reply.get("buttons") or []]
        if text or buttons:
            shown.append({"text": str(text), "buttons": buttons})
    return shown


async def _ask(request: Request, text: str, ask_lang: str) -> tuple[int, dict[str, Any]]:
    stores = services(request)
    if not text.strip():
        return 400, {"error": t(request, "preview.empty")}
    try:
        content = load_content_texts(drafting.current(stores).texts)
    except ContentInvalid as error:
        return 409, {"error": t(request, "preview.invalid", count=len(error.errors))}
    current = session(request)
    sender = (
        "preview-" + hashlib.sha256(f"{current.token}:{current.preview}".encode()).hexdigest()[:16]
    )
    try:
        result = await stores.preview.ask(content, text[:MAX_QUESTION], sender, ask_lang)
    except PreviewUnavailable:
        return 503, {"error": t(request, "preview.unavailable")}
    return 200, {"replies": _replies(result), "language": result.get("language")}


async def preview_page(request: Request) -> HTTPResponse:
    """The chat panel."""
    need(request, "editor")
    return render(request, "preview.html", question="", answer=None, ask_lang=lang(request))


async def preview_form(request: Request) -> HTTPResponse:
    """The chat panel after a question sent without the script."""
    need(request, "editor")
    text = request.form.get("text", "")
    ask_lang = request.form.get("lang", lang(request))
    status, answer = await _ask(request, text, ask_lang if ask_lang in LANGUAGES else "zh")
    return render(request, "preview.html", status, question=text, answer=answer, ask_lang=ask_lang)


async def preview_api(request: Request) -> HTTPResponse:
    """One question as JSON: {"text", "lang"} → {"replies": [{"text", "buttons"}]}."""
    need(request, "editor")
    body = request.json if isinstance(request.json, dict) else {}
    ask_lang = str(body["lang"]) if body.get("lang") in LANGUAGES else lang(request)
    status, answer = await _ask(request, str(body.get("text") or ""), ask_lang)
    return response.json(answer, status=status, ensure_ascii=False)


async def restart(request: Request) -> HTTPResponse:
    """Starts a new preview conversation."""
    current = session(request).with_changes(preview=session(request).preview + 1)
    services(request).sessions.put(current)
    request.ctx.session = current
    return redirect("/preview")


def register(app: Sanic) -> None:
    """Adds the preview pages."""
    app.add_route(preview_page, "/preview", methods=["GET"], name="preview_page")
    app.add_route(preview_form, "/preview", methods=["POST"], name="preview_form")
    app.add_route(preview_api, "/api/preview", methods=["POST"], name="preview_api")
    app.add_route(restart, "/preview/restart", methods=["POST"], name="preview_restart")
