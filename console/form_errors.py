"""The validator's problems at the form fields they concern, and what only a form can get wrong.

The validator names a place in the file (``events[3].notes[1].answer.ko``,
``hotels[0].routes.xita.zh``); the form names its fields by dotted path
(``notes.1.answer.ko``, ``routes.2.directions.zh``, see ``console.forms``).
``field_errors`` turns one into the other: list positions become row numbers,
and the key of a ``keyed`` field (a venue id) becomes the row that chose it.
``duplicate_keys`` finds two rows of a ``keyed`` field that chose the same key,
which the YAML cannot hold (the second would silently replace the first).
Pure functions, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from bot.content.errors import ContentError
from bot.content.fields import Field, Section
from console.forms import LANGS, ROWS, dropped, row_numbers

_INDEX = re.compile(r"\[(\d+)\]")
#: The validator's word for a key that is not set (``routes.?``).
_NO_KEY = "?"


def record_prefix(section: Section, index: int) -> str:
    """The validator's path of a record: ``events[3]``, or ``overview``."""
    return section.key if section.single else f"{section.key}[{index}]"


def field_errors(
    section: Section,
    index: int,
    problems: Sequence[ContentError],
    values: Mapping[str, Any] | None = None,
) -> tuple[dict[str, list[str]], list[str]]:
    """The problems of one record, by form field name, and those no field shows.

    Args:
        section: The kind of record.
        index: Its position in the file (0 for the overview).
        problems: Every problem of the content.
        values: The form's values by field name (to find the row of a venue in
            ``routes``); without them such problems go to the whole field.

    Returns:
        Messages by field name (``start``, ``name.ko``, ``organisers.0.role``), and
        the record's other messages (an unknown key, a broken layout).
    """
    prefix = record_prefix(section, index)
    names = _all_names(section.fields, values or {}) | _all_names(section.root_fields, {})
    root_names = {item.name for item in section.root_fields}
    by_field: dict[str, list[str]] = {}
    loose: list[str] = []
    for problem in problems:
        if problem.file != section.file:
            continue
        if problem.field in root_names:
            by_field.setdefault(problem.field, []).append(problem.message)
            continue
        if problem.field != prefix and not problem.field.startswith((prefix + ".", prefix + "[")):
            if not problem.field:
                loose.append(problem.message)
            continue
        relative = _INDEX.sub(r".\1", problem.field[len(prefix) :]).lstrip(".")
        target = _best_name(_unkey(relative, section.fields, values or {}), names)
        if target:
            by_field.setdefault(target, []).append(problem.message)
        else:
            loose.append(problem.message)
    return by_field, loose


def _unkey(relative: str, fields: Sequence[Field], values: Mapping[str, Any], at: str = "") -> str:
    """``routes.xita.zh`` as its form field, ``routes.2.directions.zh``; other paths as they are.

    A problem at the key itself (no such venue, none chosen) belongs to the row's
    key field; one inside the value to the value field.
    """
    head, _, rest = relative.partition(".")
    item = next((f for f in fields if f.name == head), None)
    if item is None or not rest:
        return relative
    name = at + head
    if item.kind == "group":
        return f"{head}.{_unkey(rest, item.fields, values, name + '.')}"
    if item.kind == "list":
        position, _, tail = rest.partition(".")
        number = _row_at(values, name, int(position)) if position.isdigit() else position
        inner = _unkey(tail, item.fields, values, f"{name}.{number}.") if tail else ""
        return f"{head}.{number}" + (f".{inner}" if inner else "")
    if item.kind != "keyed":
        return relative
    key_field, value_field = item.fields
    key, _, tail = rest.partition(".")
    wanted = "" if key == _NO_KEY else key
    for number in row_numbers(values, name):
        if str(values.get(f"{name}.{number}.{key_field.name}", "")).strip() == wanted:
            if not tail:
                return f"{head}.{number}.{key_field.name}"
            return f"{head}.{number}.{value_field.name}.{tail}"
    return head


def _row_at(values: Mapping[str, Any], name: str, position: int) -> int:
    """The form row that became item ``position`` of a list (empty and removed rows are not)."""
    gone = dropped(values, name)
    filled = [
        number
        for number in row_numbers(values, name)
        if number not in gone
        and any(
            _filled(value) for key, value in values.items() if key.startswith(f"{name}.{number}.")
        )
    ]
    return filled[position] if position < len(filled) else position


def _filled(value: Any) -> bool:
    return bool(value.strip() if isinstance(value, str) else value)


def _all_names(fields: Sequence[Field], values: Mapping[str, Any], prefix: str = "") -> set[str]:
    names = set()
    for item in fields:
        name = prefix + item.name
        names.add(name)
        if item.kind in ("text", "text_list"):
            names |= {f"{name}.{lang}" for lang in LANGS}
        elif item.kind == "group":
            names |= _all_names(item.fields, values, name + ".")
        elif item.kind in ROWS:
            count = max([100, *(number + 1 for number in row_numbers(values, name))])
            for number in range(count):
                names |= _all_names(item.fields, values, f"{name}.{number}.")
    return names


def _best_name(relative: str, names: set[str]) -> str | None:
    parts = relative.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in names:
            return candidate
    return None


def duplicate_keys(section: Section, values: Mapping[str, Any]) -> dict[str, list[str]]:
    """Rows of a ``keyed`` field that chose a key an earlier row chose, by key field name.

    The message is the validator's own for a key written twice, so it is shown
    in the staff's language like the others.
    """
    errors: dict[str, list[str]] = {}
    for item in section.fields:
        if item.kind != "keyed":
            continue
        key_name = item.fields[0].name
        seen: set[str] = set()
        for number in row_numbers(values, item.name):
            name = f"{item.name}.{number}.{key_name}"
            key = str(values.get(name, "")).strip()
            if key and key in seen:
                errors[name] = [f"'{key}' is written twice; keep only one"]
            seen.add(key)
    return errors
