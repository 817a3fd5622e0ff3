"""Forms drawn from the field descriptions (bot.content.fields): values in, values out, widgets.

Pure functions, no I/O. A form field's name is the dotted path of the value in
the record: ``name.zh``, ``location.lat``, ``organisers.0.role.ko``; the rows of a
``keyed`` field are numbered like a list's (``routes.2.venue``,
``routes.2.directions.zh``) and written back as one group keyed by venue. What
staff type is written as typed where it cannot be converted (``capacity: abc``),
so the validator reports it at its field like any other problem
(``console.form_errors`` maps its problems onto these names).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as _default
from typing import Any

from bot.content.fields import VENUES, Field, Section
from bot.content.yamledit import REMOVE, Keyed

LANGS = ("zh", "ko")
#: Kinds whose value is a list of rows of fields.
ROWS = ("list", "keyed")
#: The check box that removes a row: ``notes.2._drop``.
DROP = "_drop"
_INT = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")

Form = Mapping[str, Sequence[str]]


@dataclass
class Widget:
    """One field of a form as the template draws it.

    Attributes:
        name: The form field name (dotted path).
        field: Its description.
        value: ``str`` for most kinds, ``list[str]`` for ``choices``, ``{"zh", "ko"}`` for texts.
        errors: Messages for this field (its own and its languages').
        children: The fields of a ``group``.
        rows: The items of a ``list`` or ``keyed`` field (one blank row more, to add one).
        dropped: The rows marked to be removed (``<name>.<row>._drop``).
        open_rows: The rows shown unfolded: those with a problem or marked to be removed.
        choices: What a ``choice``/``choices`` field offers.
        labels: Names shown beside some choices (a venue's name beside its id).
    """

    name: str
    field: Field
    value: Any = ""
    errors: dict[str, list[str]] = _default(default_factory=dict)
    children: list[Widget] = _default(default_factory=list)
    rows: list[list[Widget]] = _default(default_factory=list)
    dropped: set[int] = _default(default_factory=set)
    open_rows: set[int] = _default(default_factory=set)
    choices: tuple[str, ...] = ()
    labels: Mapping[str, str] = _default(default_factory=dict)

    def has_errors(self) -> bool:
        """Whether this field, or any field inside it, has a message."""
        inner = [*self.children, *(widget for row in self.rows for widget in row)]
        return any(self.errors.values()) or any(child.has_errors() for child in inner)


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    return str(value)


def _flatten(fields: Sequence[Field], record: Any, prefix: str, out: dict[str, Any]) -> None:
    record = record if isinstance(record, Mapping) else {}
    for item in fields:
        name, value = f"{prefix}{item.name}", record.get(item.name)
        if item.kind in ("text", "text_list"):
            parts = value if isinstance(value, Mapping) else {}
            for lang in LANGS:
                part = parts.get(lang)
                if item.kind == "text_list" and isinstance(part, list):
                    out[f"{name}.{lang}"] = "\n".join(_scalar(line) for line in part)
                else:
                    out[f"{name}.{lang}"] = _scalar(part)
        elif item.kind == "choices":
            out[name] = [_scalar(v) for v in value] if isinstance(value, list) else []
        elif item.kind == "group":
            _flatten(item.fields, value, f"{name}.", out)
        elif item.kind == "list":
            for number, row in enumerate(value if isinstance(value, list) else []):
                _flatten(item.fields, row, f"{name}.{number}.", out)
        elif item.kind == "keyed":
            key, inner = item.fields
            pairs = value.items() if isinstance(value, Mapping) else []
            for number, (row_key, row_value) in enumerate(pairs):
                out[f"{name}.{number}.{key.name}"] = _scalar(row_key)
                _flatten((inner,), {inner.name: row_value}, f"{name}.{number}.", out)
        else:
            out[name] = _scalar(value)


def record_values(section: Section, record: Any, root: Mapping[str, Any]) -> dict[str, Any]:
    """A record (and the section's top-level fields) as form values by field name."""
    values: dict[str, Any] = {}
    _flatten(section.fields, record, "", values)
    _flatten(section.root_fields, root, "", values)
    return values


def form_values(form: Form, section: Section) -> dict[str, Any]:
    """What was posted, as form values by field name (to show the form again)."""
    values: dict[str, Any] = {}
    choices = _names_of_kind(section.fields, "choices")
    for name, posted in form.items():
        values[name] = list(posted) if name in choices else (posted[0] if posted else "")
    for name in choices:
        values.setdefault(name, [])
    return values


def _names_of_kind(fields: Sequence[Field], kind: str, prefix: str = "") -> set[str]:
    names = set()
    for item in fields:
        if item.kind == kind:
            names.add(prefix + item.name)
        elif item.kind == "group":
            names |= _names_of_kind(item.fields, kind, f"{prefix}{item.name}.")
    return names


def _get(form: Form, name: str) -> str:
    posted = form.get(name) or [""]
    return str(posted[0]).replace("\r\n", "\n").strip()


def _convert(item: Field, text: str) -> Any:
    if item.kind == "int" and _INT.fullmatch(text):
        return int(text)
    if item.kind == "number" and _NUMBER.fullmatch(text):
        return float(text)
    return text


def _parse_field(item: Field, form: Form, name: str) -> Any:
    """One field's value from the form; ``REMOVE`` for an optional field left empty."""
    if item.kind == "text":
        value: Any = {lang: _get(form, f"{name}.{lang}") for lang in LANGS}
        empty = not any(value.values())
    elif item.kind == "text_list":
        value = {
            lang: [
                line.strip() for line in _get(form, f"{name}.{lang}").split("\n") if line.strip()
            ]
            for lang in LANGS
        }
        empty = not any(value.values())
    elif item.kind == "choices":
        value, empty = [str(v) for v in form.get(name) or []], False
    elif item.kind == "bool":
        value, empty = _get(form, name) == "on", False
    elif item.kind == "group":
        value = _parse_fields(item.fields, form, f"{name}.")
        empty = all(v is REMOVE or v in ("", {}) for v in value.values())
    elif item.kind == "list":
        value = _parse_rows(item, form, name)
        empty = not value
    elif item.kind == "keyed":
        value = _parse_keyed(item, form, name)
        empty = not value
    else:
        text = _get(form, name)
        value, empty = _convert(item, text), not text
    return REMOVE if empty and not item.required else value


def _parse_keyed(item: Field, form: Form, name: str) -> Keyed:
    """The rows as one group by key; a key chosen twice keeps its first row (see duplicate_keys)."""
    key, inner = item.fields
    value = Keyed()
    for row in _parse_rows(item, form, name):
        value.setdefault(str(row.get(key.name, "")), row.get(inner.name, ""))
    return value


def _parse_fields(fields: Sequence[Field], form: Form, prefix: str) -> dict[str, Any]:
    return {item.name: _parse_field(item, form, f"{prefix}{item.name}") for item in fields}


def row_numbers(keys: Iterable[str], name: str) -> list[int]:
    """The row numbers of the list field ``name`` among form field names, in order."""
    depth = len(name.split("."))
    return sorted(
        {
            int(parts[depth])
            for parts in (key.split(".") for key in keys if key.startswith(name + "."))
            if len(parts) > depth and parts[depth].isdigit()
        }
    )


def dropped(values: Mapping[str, Any], name: str) -> set[int]:
    """The rows of the list field ``name`` that staff marked to be removed."""
    marks = {
        number: _first(values.get(f"{name}.{number}.{DROP}"))
        for number in row_numbers(values, name)
    }
    return {number for number, mark in marks.items() if mark == "on"}


def _first(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return str(value[0]) if value else ""
    return "" if value is None else str(value)


def _parse_rows(item: Field, form: Form, name: str) -> list[dict[str, Any]]:
    gone = dropped(form, name)
    rows = []
    for number in row_numbers(form, name):
        if number in gone:
            continue
        row = _parse_fields(item.fields, form, f"{name}.{number}.")
        if any(_filled(value) for value in row.values()):
            rows.append({key: value for key, value in row.items() if value is not REMOVE})
    return rows


def _filled(value: Any) -> bool:
    if isinstance(value, Mapping):
        return any(_filled(v) for v in value.values())
    if isinstance(value, list):
        return bool(value)
    return value is not REMOVE and value not in ("", None, False)


def parse_form(section: Section, form: Form) -> tuple[dict[str, Any], dict[str, Any]]:
    """The record's values and the section's top-level values from a posted form."""
    return _parse_fields(section.fields, form, ""), _parse_fields(section.root_fields, form, "")


def widgets(
    section: Section,
    values: Mapping[str, Any],
    errors: Mapping[str, list[str]],
    venue_ids: Sequence[str] | Mapping[str, str],
) -> list[Widget]:
    """The widgets of a record's form, filled with ``values`` and ``errors``.

    Args:
        section: The kind of record.
        values: Form values by field name.
        errors: Messages by field name.
        venue_ids: The venues a venue field offers: ids, or ids with their names.
    """
    return _widgets(section.root_fields, values, errors, venue_ids, "") + _widgets(
        section.fields, values, errors, venue_ids, ""
    )


def _widgets(
    fields: Sequence[Field],
    values: Mapping[str, Any],
    errors: Mapping[str, list[str]],
    venue_ids: Sequence[str] | Mapping[str, str],
    prefix: str,
) -> list[Widget]:
    result = []
    for item in fields:
        name = prefix + item.name
        widget = Widget(name, item, errors={"": list(errors.get(name, []))})
        if item.kind in ("text", "text_list"):
            widget.value = {lang: values.get(f"{name}.{lang}", "") for lang in LANGS}
            for lang in LANGS:
                widget.errors[lang] = list(errors.get(f"{name}.{lang}", []))
        elif item.kind == "group":
            widget.children = _widgets(item.fields, values, errors, venue_ids, name + ".")
        elif item.kind in ROWS:
            count = 1 + max(row_numbers(values, name), default=-1)
            widget.rows = [
                _widgets(item.fields, values, errors, venue_ids, f"{name}.{number}.")
                for number in range(count + 1)
            ]
            widget.dropped = dropped(values, name)
            widget.open_rows = widget.dropped | {
                number
                for number, row in enumerate(widget.rows)
                if any(child.has_errors() for child in row)
            }
        else:
            widget.value = values.get(name, [] if item.kind == "choices" else "")
        if item.kind in ("choice", "choices") and item.choices == VENUES:
            widget.choices = tuple(venue_ids)
            widget.labels = venue_ids if isinstance(venue_ids, Mapping) else {}
        elif item.kind in ("choice", "choices"):
            widget.choices = tuple(item.choices)
        result.append(widget)
    return result
