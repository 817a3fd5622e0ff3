"""What every page handler shares: rendering, the signed-in account, roles, redirects, audit.

Templates are Jinja2 with autoescape on, so every value shown is escaped
(content may contain ``<script>``). ``need`` refuses a role that may not do
something with 403 and a page saying so; ``flash`` carries one notice to the
next page through the session.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sanic import response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.staff.accounts import Account, allows
from bot.staff.audit import AuditEntry
from console.messages import LANGUAGES, messages
from console.services import Services
from console.sessions import Session


class Refused(SanicException):
    """The signed-in account's role may not do this (403)."""

    status_code = 403


def environment() -> Environment:
    """The Jinja2 environment of the console's templates (autoescaped)."""
    folder = str(resources.files("console").joinpath("templates"))
    env = Environment(
        loader=FileSystemLoader(folder),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["allows"] = allows
    return env


def services(request: Request) -> Services:
    """The console's services."""
    return request.app.ctx.services


def session(request: Request) -> Session:
    """This request's session (set by the session middleware)."""
    return request.ctx.session


def account(request: Request) -> Account:
    """The signed-in account (the auth middleware lets no other request reach a page)."""
    return request.ctx.account


def lang(request: Request) -> str:
    """The console language of this request."""
    value = session(request).lang
    return value if value in LANGUAGES else "zh"


def t(request: Request, key: str, **params: Any) -> str:
    """A label in this request's language."""
    return messages().text(lang(request), key, **params)


def need(request: Request, role: str) -> None:
    """Refuses the request unless the account's role allows ``role``.

    Raises:
        Refused: With the reason in the staff's language.
    """
    if not allows(account(request).role, role):
        raise Refused(t(request, "error.role", role=t(request, f"role.{role}")))


def address(request: Request) -> str:
    """The client's address (X-Forwarded-For only behind KW_CONSOLE_PROXIES proxies)."""
    return str(request.remote_addr or request.ip or "")


def audit(request: Request, action: str, target: str = "", message: str = "") -> None:
    """Records what the signed-in account did."""
    entry = AuditEntry.now(account(request).name, action, target, message, address(request))
    services(request).audit.add(entry)


def flash(request: Request, key: str, **params: Any) -> None:
    """A notice shown once, on the next page this browser opens."""
    current = session(request).with_changes(flash=t(request, key, **params))
    services(request).sessions.put(current)
    request.ctx.session = current


def redirect(to: str) -> HTTPResponse:
    """303 See Other to ``to``, a path of this console."""
    return response.redirect(to, status=303)


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTTPResponse:
    """An HTML page from a template, with the labels, account, CSRF token and notice."""
    current = session(request)
    env: Environment = request.app.ctx.templates
    page = env.get_template(template).render(
        t=lambda key, **params: messages().text(lang(request), key, **params),
        explain=lambda message: messages().explain(lang(request), message),
        lang=lang(request),
        csrf=current.csrf,
        user=getattr(request.ctx, "account", None),
        notice=getattr(request.ctx, "notice", ""),
        path=request.path,
        **context,
    )
    return response.html(page, status=status)
