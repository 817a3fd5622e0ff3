"""Accounts (admins only) and the audit log (everyone signed in).

Admins add accounts, change roles, disable and enable them and set passwords;
the same store as ``bot staff``. An admin cannot disable or demote themselves,
so a deployment always keeps one admin who can undo a mistake.
"""

from __future__ import annotations

from datetime import datetime

from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.content.model import local_timezone
from bot.staff.accounts import LANGUAGES, ROLES, Account, AccountError, check_name, check_role
from bot.staff.passwords import WeakPassword, hash_password
from console.web import account, audit, flash, need, redirect, render, services


async def accounts_page(request: Request) -> HTTPResponse:
    """Every account, and a form to add one."""
    need(request, "admin")
    return render(
        request,
        "accounts.html",
        accounts=services(request).accounts.all(),
        roles=ROLES,
        languages=LANGUAGES,
        error="",
    )


async def add_account(request: Request) -> HTTPResponse:
    """Creates an account."""
    need(request, "admin")
    stores = services(request)
    try:
        name = check_name(request.form.get("username") or "")
        role = check_role(request.form.get("role") or "")
        password_hash = hash_password(request.form.get("password") or "")
        chosen = request.form.get("language") or "zh"
        now = datetime.now(local_timezone()).isoformat(timespec="seconds")
        stores.accounts.create(
            Account(
                name, role, password_hash, chosen if chosen in LANGUAGES else "zh", False, now, now
            )
        )
    except (AccountError, WeakPassword) as error:
        return render(
            request,
            "accounts.html",
            422,
            accounts=stores.accounts.all(),
            roles=ROLES,
            languages=LANGUAGES,
            error=str(error),
        )
    audit(request, "account.add", name, role)
    flash(request, "notice.account_added")
    return redirect("/accounts")


async def change_account(request: Request, name: str, what: str) -> HTTPResponse:
    """Changes one account: ``role``, ``disable``, ``enable`` or ``password``."""
    need(request, "admin")
    stores = services(request)
    target = stores.accounts.get(name)
    if target is None or what not in ("role", "disable", "enable", "password"):
        flash(request, "notice.no_account")
        return redirect("/accounts")
    if target.name == account(request).name and what in ("role", "disable"):
        flash(request, "notice.not_yourself")
        return redirect("/accounts")
    try:
        if what == "role":
            changed = target.with_changes(role=check_role(request.form.get("role") or ""))
        elif what == "password":
            changed = target.with_changes(
                password_hash=hash_password(request.form.get("password") or "")
            )
        else:
            changed = target.with_changes(disabled=what == "disable")
    except (AccountError, WeakPassword) as error:
        return render(
            request,
            "accounts.html",
            422,
            accounts=stores.accounts.all(),
            roles=ROLES,
            languages=LANGUAGES,
            error=str(error),
        )
    stores.accounts.put(changed)
    audit(request, f"account.{what}", target.name, changed.role if what == "role" else "")
    flash(request, "notice.account_changed")
    return redirect("/accounts")


async def audit_page(request: Request) -> HTTPResponse:
    """The newest 300 audit entries."""
    return render(request, "audit.html", entries=services(request).audit.latest(300))


def register(app: Sanic) -> None:
    """Adds the account and audit pages."""
    app.add_route(accounts_page, "/accounts", methods=["GET"], name="accounts")
    app.add_route(add_account, "/accounts", methods=["POST"], name="add_account")
    app.add_route(
        change_account, "/accounts/<name>/<what>", methods=["POST"], name="change_account"
    )
    app.add_route(audit_page, "/audit", name="audit")
