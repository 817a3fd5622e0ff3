"""Signing in and out, and choosing the console's language.

``/login`` is a form with ``username`` and ``password``. Failed attempts are
slowed, then locked (``console.guard``), whichever account name is tried; the
password check runs off the event loop (scrypt takes tens of milliseconds). A
successful sign-in starts a new session; signing out ends it.
"""

from __future__ import annotations

import asyncio

from sanic import Sanic
from sanic.request import Request
from sanic.response import BaseHTTPResponse, HTTPResponse

from bot.staff.accounts import Account
from bot.staff.audit import AuditEntry
from bot.staff.passwords import DUMMY_HASH, verify_password
from console.messages import LANGUAGES
from console.services import Services
from console.sessions import COOKIE, Session
from console.web import account, address, flash, redirect, render, services, session


def set_cookie(request: Request, reply: BaseHTTPResponse, token: str) -> None:
    """Sets the session cookie: HttpOnly, SameSite=Strict, Secure when served over HTTPS."""
    reply.cookies[COOKIE] = token
    cookie = reply.cookies[COOKIE]
    cookie["httponly"] = True
    cookie["samesite"] = "Strict"
    cookie["path"] = "/"
    if request.scheme == "https":
        cookie["secure"] = True


async def login_page(request: Request) -> HTTPResponse:
    """The sign-in form (or the dashboard when already signed in)."""
    if session(request).user:
        return redirect("/")
    return render(request, "login.html", error_key="", username="")


def _check(stores: Services, name: str, password: str) -> Account | None:
    found = stores.accounts.get(name) if name else None
    ok = verify_password(password, found.password_hash if found else DUMMY_HASH)
    return found if ok and found is not None and not found.disabled else None


async def login(request: Request) -> HTTPResponse:
    """Checks the name and password; slows down and locks repeated failures."""
    stores = services(request)
    name = (request.form.get("username") or "").strip().lower()[:64]
    password = request.form.get("password") or ""
    where = address(request)
    verdict = stores.guard.check(name, where)
    if verdict.locked:
        stores.audit.add(AuditEntry.now(name or "?", "login.locked", "", "", where))
        minutes = max(1, round(verdict.retry_after / 60))
        return render(
            request, "login.html", 429, error_key="login.locked", minutes=minutes, username=name
        )
    await asyncio.sleep(verdict.delay)
    found = await asyncio.get_running_loop().run_in_executor(None, _check, stores, name, password)
    if found is None:
        stores.guard.failed(name, where)
        stores.audit.add(AuditEntry.now(name or "?", "login.failed", "", "", where))
        return render(request, "login.html", 401, error_key="login.wrong", username=name)
    stores.guard.succeeded(name)
    stores.sessions.delete(session(request).token)
    fresh = Session.new(found.language, found.name)
    stores.sessions.put(fresh)
    request.ctx.session, request.ctx.account = fresh, found
    stores.audit.add(AuditEntry.now(found.name, "login", "", "", where))
    reply = redirect("/")
    set_cookie(request, reply, fresh.token)
    return reply


async def logout(request: Request) -> HTTPResponse:
    """Ends the session."""
    if session(request).user:
        stores = services(request)
        stores.audit.add(AuditEntry.now(account(request).name, "logout", "", "", address(request)))
        stores.sessions.delete(session(request).token)
    reply = redirect("/login")
    reply.cookies[COOKIE] = ""
    reply.cookies[COOKIE]["max-age"] = 0
    reply.cookies[COOKIE]["path"] = "/"
    return reply


async def language(request: Request) -> HTTPResponse:
    """Switches the console's language (remembered for the account)."""
    chosen = request.form.get("lang", "")
    back = request.form.get("next", "/") or "/"
    if not back.startswith("/") or back.startswith("//"):
        back = "/"
    if chosen in LANGUAGES:
        current = session(request).with_changes(lang=chosen)
        services(request).sessions.put(current)
        request.ctx.session = current
        if current.user:
            services(request).accounts.put(account(request).with_changes(language=chosen))
            flash(request, "notice.language")
    return redirect(back)


def register(app: Sanic) -> None:
    """Adds /login, /logout and /language."""
    app.add_route(login_page, "/login", methods=["GET"], name="login_page")
    app.add_route(login, "/login", methods=["POST"], name="login")
    app.add_route(logout, "/logout", methods=["POST"], name="logout")
    app.add_route(language, "/language", methods=["POST"], name="language")
