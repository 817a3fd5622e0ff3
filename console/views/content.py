"""Editing the draft: lists of records, one form per record, add, duplicate, delete.

Forms come from ``bot.content.fields``. Saving checks the whole draft with the
same validator as ``bot content check``; when the record has problems the form
comes back with each message beside its field and the draft is left as it was.
Section names are looked up in ``SECTIONS`` and record ids in the draft, so no
path a browser sends reaches the filesystem.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sanic import Sanic
from sanic.exceptions import NotFound
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.content.draft import DraftConflict
from bot.content.fields import SECTIONS, Section
from bot.content.loader import check_content_texts
from bot.content.yamledit import (
    RecordNotFound,
    YamlBroken,
    delete,
    duplicate,
    find,
    records,
    root_values,
    update,
)
from console import drafting, forms
from console.form_errors import duplicate_keys, field_errors
from console.web import account, audit, flash, lang, need, redirect, render, services


def _posted(request: Request) -> dict[str, list[str]]:
    """The posted form as lists of values by name (Sanic's ``get`` gives only the first)."""
    form = request.form
    if not form:
        return {}
    return {key: list(form.getlist(key)) for key in form if key != "csrf_token"}


def _section(name: str) -> Section:
    section = SECTIONS.get(name)
    if section is None:
        raise NotFound("no such section")
    return section


def _title(record: Any, ui_lang: str) -> str:
    if not isinstance(record, Mapping):
        return ""
    for key in ("name", "questions"):
        value = record.get(key)
        if isinstance(value, Mapping):
            text = value.get(ui_lang) or value.get("zh")
            return str(text[0] if isinstance(text, list) and text else text or "")
    return ""


def _venues(texts: Mapping[str, str], ui_lang: str) -> dict[str, str]:
    """The draft's venue ids and their names in the staff's language (for venue choices)."""
    try:
        found = records(texts, SECTIONS["venues"])
    except YamlBroken:
        return {}
    return {str(r.get("id")): _title(r, ui_lang) for r in found if isinstance(r, Mapping)}


async def sections(request: Request, section_name: str = "") -> HTTPResponse:
    """Every section with its records (or one section: ``/content/events``)."""
    draft = drafting.current(services(request))
    listing = []
    chosen = [_section(section_name)] if section_name else list(SECTIONS.values())
    for section in chosen:
        rows = (
            []
            if section.single
            else [
                (str(r.get("id", "")), _title(r, lang(request)))
                for r in _records(draft.texts, section)
            ]
        )
        listing.append((section, rows))
    return render(
        request,
        "sections.html",
        listing=listing,
        changed=drafting.is_changed(services(request), draft),
    )


def _records(texts: Mapping[str, str], section: Section) -> list[Any]:
    try:
        return [r for r in records(texts, section) if isinstance(r, Mapping)]
    except YamlBroken:
        return []


def _form(
    request: Request,
    section: Section,
    record_id: str | None,
    values: dict[str, Any],
    errors: Mapping[str, list[str]],
    loose: list[str],
    status: int = 200,
) -> HTTPResponse:
    venues = _venues(drafting.current(services(request)).texts, lang(request))
    return render(
        request,
        "record.html",
        status,
        section=section,
        record_id=record_id,
        widgets=forms.widgets(section, values, errors, venues),
        loose=loose,
    )


async def edit_page(request: Request, section_name: str, record_id: str) -> HTTPResponse:
    """The form of one record (the overview's is ``/content/overview/-``)."""
    section = _section(section_name)
    texts = drafting.current(services(request)).texts
    try:
        index, record = find(texts, section, None if section.single else record_id)
    except RecordNotFound:
        raise NotFound("no such record") from None
    values = forms.record_values(section, record, root_values(texts, section))
    problems = check_content_texts(texts)
    errors, loose = field_errors(section, index, problems, values)
    return _form(request, section, record_id, values, errors, loose)


async def new_page(request: Request, section_name: str) -> HTTPResponse:
    """An empty form; an FAQ entry may be prefilled with a question (``?question=…&lang=…``)."""
    section = _section(section_name)
    if section.single or section.fixed_ids:
        raise NotFound("records of this kind cannot be added")
    values: dict[str, Any] = {}
    question, question_lang = request.args.get("question", ""), request.args.get("lang", "")
    if section.name == "faq" and question and question_lang in forms.LANGS:
        values[f"questions.{question_lang}"] = question[:500]
    return _form(request, section, None, values, {}, [])


async def save(request: Request, section_name: str, record_id: str) -> HTTPResponse:
    """Checks the edited record in the whole draft; stores it only when it has no problems."""
    need(request, "editor")
    section = _section(section_name)
    is_new = record_id == "new"
    if is_new and (section.single or section.fixed_ids):
        raise NotFound("records of this kind cannot be added")
    posted = _posted(request)
    values, root = forms.parse_form(section, posted)
    shown = forms.form_values(posted, section)
    stores = services(request)
    draft = drafting.current(stores)
    try:
        index = (
            len(_records(draft.texts, section))
            if is_new
            else find(draft.texts, section, None if section.single else record_id)[0]
        )
        changed = update(
            draft.texts, section, None if is_new or section.single else record_id, values, root
        )
    except RecordNotFound:
        raise NotFound("no such record") from None
    except YamlBroken as error:
        return _form(request, section, record_id, shown, {}, [str(error)], 422)
    errors, loose = field_errors(section, index, check_content_texts(changed), shown)
    for name, messages in duplicate_keys(section, shown).items():
        errors.setdefault(name, []).extend(messages)
    if errors or loose:
        return _form(request, section, None if is_new else record_id, shown, errors, loose, 422)
    new_id = str(values.get("id") or record_id)

    def apply(texts: Mapping[str, str]) -> dict[str, str]:
        target = None if is_new or section.single else record_id
        return update(texts, section, target, values, root)

    try:
        drafting.change(stores, apply, account(request).name)
    except (DraftConflict, RecordNotFound):
        flash(request, "notice.conflict")
        return redirect(f"/content/{section.name}")
    audit(request, "draft.add" if is_new else "draft.save", f"{section.name}/{new_id}")
    flash(request, "notice.saved")
    return redirect(f"/content/{section.name}/{'-' if section.single else new_id}")


async def create(request: Request, section_name: str) -> HTTPResponse:
    """Adds a new record to the draft (the form of ``new_page``)."""
    return await save(request, section_name, "new")


async def duplicate_record(request: Request, section_name: str, record_id: str) -> HTTPResponse:
    """Copies a record under a new id (given in the form) into the draft."""
    need(request, "editor")
    section = _section(section_name)
    new_id = (request.form.get("new_id") or "").strip()
    if section.single or section.fixed_ids or not new_id:
        flash(request, "notice.need_id")
        return redirect(f"/content/{section.name}")
    if not re.fullmatch(section.id_pattern, new_id):
        flash(request, "notice.bad_id", id=new_id)
        return redirect(f"/content/{section.name}")
    try:
        drafting.change(
            services(request),
            lambda texts: duplicate(texts, section, record_id, new_id),
            account(request).name,
        )
    except (RecordNotFound, DraftConflict):
        raise NotFound("no such record") from None
    audit(request, "draft.duplicate", f"{section.name}/{record_id}", new_id)
    flash(request, "notice.duplicated")
    return redirect(f"/content/{section.name}/{new_id}")


async def delete_record(request: Request, section_name: str, record_id: str) -> HTTPResponse:
    """Removes a record from the draft."""
    need(request, "editor")
    section = _section(section_name)
    if section.single or section.fixed_ids:
        raise NotFound("records of this kind cannot be deleted")
    try:
        drafting.change(
            services(request),
            lambda texts: delete(texts, section, record_id),
            account(request).name,
        )
    except (RecordNotFound, DraftConflict):
        raise NotFound("no such record") from None
    audit(request, "draft.delete", f"{section.name}/{record_id}")
    flash(request, "notice.deleted")
    return redirect(f"/content/{section.name}")


async def home(request: Request) -> HTTPResponse:
    """The start page: the content."""
    return redirect("/content")


def register(app: Sanic) -> None:
    """Adds the content pages."""
    app.add_route(home, "/", name="home")
    app.add_route(sections, "/content", name="sections")
    app.add_route(sections, "/content/<section_name>", name="section")
    app.add_route(new_page, "/content/<section_name>/new", methods=["GET"], name="new_page")
    app.add_route(create, "/content/<section_name>/new", methods=["POST"], name="create")
    app.add_route(
        edit_page, "/content/<section_name>/<record_id>", methods=["GET"], name="edit_page"
    )
    app.add_route(save, "/content/<section_name>/<record_id>", methods=["POST"], name="save")
    app.add_route(
        duplicate_record,
        "/content/<section_name>/<record_id>/duplicate",
        methods=["POST"],
        name="duplicate",
    )
    app.add_route(
        delete_record, "/content/<section_name>/<record_id>/delete", methods=["POST"], name="delete"
    )
