"""The console's Sanic app: sessions, sign-in, CSRF, security headers, and the pages' routes.

Every request passes ``_before``: static files and the sign-in page are public;
anything else without a signed-in session is sent to ``/login`` (pages) or gets
401 (``/api/…`` and requests asking for JSON). Every POST must carry the
session's CSRF token (form field ``csrf_token`` or header ``X-CSRF-Token``), else
403. ``_after`` adds a strict Content-Security-Policy (no inline script or style,
nothing from elsewhere) and the other security headers to every response.
"""

from __future__ import annotations

import hmac
import itertools
import logging
from importlib import resources

from sanic import Sanic, response
from sanic.exceptions import NotFound, SanicException
from sanic.request import Request
from sanic.response import BaseHTTPResponse, HTTPResponse

from console import auth
from console.services import Services
from console.sessions import COOKIE, Session
from console.views import accounts, content, dashboard, history, preview, unanswered
from console.web import Refused, environment, render

logger = logging.getLogger(__name__)

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
PUBLIC = ("/login", "/healthz")
_names = itertools.count()


def _wants_json(request: Request) -> bool:
    return request.path.startswith("/api/") or "application/json" in (
        request.headers.get("accept", "") + request.headers.get("content-type", "")
    )


def _csrf_ok(request: Request, current: Session) -> bool:
    sent = request.headers.get("x-csrf-token", "")
    if not sent and request.form:
        sent = request.form.get("csrf_token", "") or ""
    return bool(sent) and hmac.compare_digest(str(sent), current.csrf)


def _refuse(request: Request, status: int) -> HTTPResponse:
    if status == 401 and not _wants_json(request):
        return response.redirect("/login", status=303)
    return response.json({"error": "sign in first" if status == 401 else "forbidden"}, status)


async def _before(request: Request) -> HTTPResponse | None:
    if request.path.startswith("/static/"):
        return None
    services: Services = request.app.ctx.services
    token = request.cookies.get(COOKIE, "")
    current = services.sessions.get(token) if token else None
    public = request.path in PUBLIC
    if current is None:
        if not public:
            return _refuse(request, 401)
        current = Session.new()
        services.sessions.put(current)
        request.ctx.set_cookie = current.token
    request.ctx.session = current
    if request.method not in ("GET", "HEAD") and not _csrf_ok(request, current):
        logger.warning(
            "refused a %s to %s without a valid CSRF token", request.method, request.path
        )
        return response.text("403: the form has expired; reload the page and try again", 403)
    if current.user:
        found = services.accounts.get(current.user)
        if found is None or found.disabled:
            services.sessions.delete(current.token)
            return _refuse(request, 401)
        request.ctx.account = found
    elif not public:
        return _refuse(request, 401)
    if current.flash:
        request.ctx.notice = current.flash
        request.ctx.session = current.with_changes(flash="")
        services.sessions.put(request.ctx.session)
    return None


async def _after(request: Request, reply: BaseHTTPResponse) -> None:
    for name, value in HEADERS.items():
        reply.headers.setdefault(name, value)
    if reply.content_type and reply.content_type.startswith("text/html"):
        reply.headers["Cache-Control"] = "no-store"
    token = getattr(request.ctx, "set_cookie", None)
    if token is not None:
        auth.set_cookie(request, reply, token)


async def _not_found(request: Request, error: Exception) -> HTTPResponse:
    if not hasattr(request.ctx, "session"):
        return response.text("404", 404)
    return render(request, "error.html", 404, message_key="error.not_found", detail="")


async def _refused(request: Request, error: Exception) -> HTTPResponse:
    return render(request, "error.html", 403, message_key="error.forbidden", detail=str(error))


async def _failed(request: Request, error: Exception) -> HTTPResponse:
    if isinstance(error, SanicException) and not isinstance(error, (NotFound, Refused)):
        return response.text(f"{error.status_code}: {error}", error.status_code)
    logger.exception("console page %s failed", request.path)
    if not hasattr(request.ctx, "session"):
        return response.text("500", 500)
    return render(request, "error.html", 500, message_key="error.failed", detail="")


async def _health(request: Request) -> HTTPResponse:
    return response.text("ok")


def create_app(services: Services) -> Sanic:
    """The console app for these services."""
    app = Sanic(f"kw_console_{next(_names)}", configure_logging=False)
    app.config.PROXIES_COUNT = services.settings.console_proxies
    app.config.REQUEST_MAX_SIZE = 2 * 1024 * 1024
    app.ctx.services = services
    app.ctx.templates = environment()
    app.register_middleware(_before, "request")
    app.register_middleware(_after, "response")
    app.error_handler.add(NotFound, _not_found)
    app.error_handler.add(Refused, _refused)
    app.error_handler.add(Exception, _failed)
    app.static("/static", str(resources.files("console").joinpath("static")))
    app.add_route(_health, "/healthz", name="healthz")
    for module in (auth, content, history, preview, unanswered, dashboard, accounts):
        module.register(app)
    return app
