"""What changed between two content versions, per id and field, in words staff can read.

``diff_content`` compares two ``Content`` values: the overview field by field, and
venues, hotels, events and FAQ entries by id (added, removed, changed with the fields that
changed). ``ContentDiff.summary`` is the short JSON form kept in the publishing
history; ``render_diff`` and ``render_summary`` turn them into lines of text.
Nothing here reads files or talks to Redis.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from bot.content.model import Content

#: The kinds of items compared by id, in the order they are shown.
SECTIONS: tuple[str, ...] = ("venues", "hotels", "events", "faq")
#: Where each kind of item is written, as shown to staff.
_FILES = {"hotels": "venues.yml (hotels)"}
#: A one-line summary names at most this many ids per kind of change, else counts them.
MAX_IDS_SHOWN = 6


@dataclass(frozen=True)
class FieldChange:
    """One field whose value differs, e.g. ``answer.zh`` or ``start``."""

    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class SectionDiff:
    """Changes to the items of one file, by id."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: Mapping[str, tuple[FieldChange, ...]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def summary(self) -> dict[str, list[str]]:
        """The ids added, removed and changed (JSON-ready)."""
        return {
            "added": list(self.added),
            "removed": list(self.removed),
            "changed": sorted(self.changed),
        }


@dataclass(frozen=True)
class ContentDiff:
    """All differences between an old and a new content version."""

    overview: tuple[FieldChange, ...]
    sections: Mapping[str, SectionDiff]

    def __bool__(self) -> bool:
        return bool(self.overview) or any(self.sections.values())

    def summary(self) -> dict[str, Any]:
        """The short form kept in the history: changed overview fields, ids per section."""
        result: dict[str, Any] = {"overview": [change.field for change in self.overview]}
        for name in SECTIONS:
            result[name] = self.sections[name].summary()
        return result


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):  # content times are local, written without a zone
        return value.strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def _flatten(value: Any, path: str = "") -> dict[str, Any]:
    """Turns nested mappings into {"a.b.c": value}; lists of mappings get [i] positions."""
    if isinstance(value, Mapping):
        flat: dict[str, Any] = {}
        for key, item in value.items():
            flat.update(_flatten(item, f"{path}.{key}" if path else str(key)))
        return flat
    if isinstance(value, (list, tuple)) and any(isinstance(item, Mapping) for item in value):
        flat = {}
        for number, item in enumerate(value):
            flat.update(_flatten(item, f"{path}[{number}]"))
        return flat
    return {path: _plain(value)}


def _field_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[FieldChange, ...]:
    flat_old, flat_new = _flatten(old), _flatten(new)
    names = sorted(set(flat_old) | set(flat_new))
    return tuple(
        FieldChange(name, flat_old.get(name), flat_new.get(name))
        for name in names
        if flat_old.get(name) != flat_new.get(name)
    )


def _section(old: Iterable[Any], new: Iterable[Any]) -> SectionDiff:
    before = {item.id: asdict(item) for item in old}
    after = {item.id: asdict(item) for item in new}
    changed = {}
    for item_id in sorted(set(before) & set(after)):
        changes = _field_changes(before[item_id], after[item_id])
        if changes:
            changed[item_id] = changes
    return SectionDiff(
        added=tuple(sorted(set(after) - set(before))),
        removed=tuple(sorted(set(before) - set(after))),
        changed=changed,
    )


def diff_content(old: Content | None, new: Content) -> ContentDiff:
    """Compares two content versions.

    Args:
        old: The earlier version, or None when there was none (all is added).
        new: The later version.

    Returns:
        The differences; falsy when the versions are equal.
    """
    if old is None:
        return ContentDiff(
            overview=(),
            sections={
                "venues": SectionDiff(added=tuple(sorted(new.venues))),
                "hotels": SectionDiff(added=tuple(sorted(h.id for h in new.hotels))),
                "events": SectionDiff(added=tuple(sorted(e.id for e in new.events))),
                "faq": SectionDiff(added=tuple(sorted(e.id for e in new.faq))),
            },
        )
    return ContentDiff(
        overview=_field_changes(asdict(old.overview), asdict(new.overview)),
        sections={
            "venues": _section(old.venues.values(), new.venues.values()),
            "hotels": _section(old.hotels, new.hotels),
            "events": _section(old.events, new.events),
            "faq": _section(old.faq, new.faq),
        },
    )


def render_summary(summary: Mapping[str, Any]) -> str:
    """One line from a stored summary, e.g. ``faq: +lost-child ~wifi; events: -concert-1128``."""
    parts = []
    if summary.get("overview"):
        parts.append("overview: " + ", ".join(summary["overview"]))
    for name in SECTIONS:
        section = summary.get(name) or {}
        marks = []
        for sign, key in (("+", "added"), ("-", "removed"), ("~", "changed")):
            ids = section.get(key) or []
            if len(ids) > MAX_IDS_SHOWN:
                marks.append(f"{sign}{len(ids)} {key}")
            else:
                marks += [f"{sign}{item_id}" for item_id in ids]
        if marks:
            parts.append(f"{name}: " + " ".join(marks))
    return "; ".join(parts) or "no changes"


def _show(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, bool):  # as written in the files
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(str(item) for item in value) + "]"
    return str(value)


def _render_change(change: FieldChange, indent: str) -> list[str]:
    if isinstance(change.old, list) and isinstance(change.new, list):
        lines = [f"{indent}{change.field}:"]
        lines += [f"{indent}  + {item}" for item in change.new if item not in change.old]
        lines += [f"{indent}  - {item}" for item in change.old if item not in change.new]
        return lines if len(lines) > 1 else [f"{indent}{change.field}: order changed"]
    return [
        f"{indent}{change.field}:",
        f"{indent}  was: {_show(change.old)}",
        f"{indent}  now: {_show(change.new)}",
    ]


def render_diff(diff: ContentDiff, old_label: str, new_label: str) -> list[str]:
    """The differences as lines of text for staff, by file, id and field.

    Args:
        diff: The differences.
        old_label: How to call the earlier version, e.g. ``3fa2c1d09b7e``.
        new_label: How to call the later version, e.g. ``live (8c1e0a77d2f4)``.
    """
    lines = [f"Changes from {old_label} to {new_label}:"]
    if not diff:
        return lines + ["  no differences"]
    if diff.overview:
        lines.append("overview.yml")
        for change in diff.overview:
            lines += _render_change(change, "    ")
    for name in SECTIONS:
        section = diff.sections[name]
        if not section:
            continue
        lines.append(_FILES.get(name, f"{name}.yml"))
        lines += [f"  + {item_id}  (added)" for item_id in section.added]
        lines += [f"  - {item_id}  (removed)" for item_id in section.removed]
        for item_id, changes in section.changed.items():
            lines.append(f"  ~ {item_id}  (changed)")
            for change in changes:
                lines += _render_change(change, "      ")
    return lines
