"""Read typed values out of composed YAML nodes, noting every problem with its line.

The loader composes each file into PyYAML nodes (``yaml.compose``), which keep
the line of every value, and never constructs Python objects from YAML tags.
Each ``read_*`` function here checks one value; on a problem it records a
``ContentError`` in ``Issues`` and returns None, so checking goes on and every
problem in a file is reported at once.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.content.errors import ContentError
from bot.content.model import Text, TextList, local_timezone

_TAG = "tag:yaml.org,2002:"
_PLAIN_TAGS = frozenset(
    _TAG + name for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
)
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DATETIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})")
_INT = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")
_TRUE = frozenset({"true", "yes", "on"})
_FALSE = frozenset({"false", "no", "off"})
_LANGUAGE_NAMES = {"zh": "Chinese", "ko": "Korean"}
DATETIME_HINT = "a date and time like 2026-11-27T17:00 (year-month-day, T, hour:minute)"


class Issues:
    """Collects the problems found in one file."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.errors: list[ContentError] = []

    def add(self, node: Node | None, field: str, message: str) -> None:
        """Records a problem at the line where ``node`` starts (no line if None)."""
        self.add_at(node.start_mark.line + 1 if node is not None else None, field, message)

    def add_at(self, line: int | None, field: str, message: str) -> None:
        """Records a problem at a line number counted from 1."""
        self.errors.append(ContentError(self.file, line, field, message))


def join(path: str, key: str | int) -> str:
    """Extends a field path: ``join("events", 3)`` is ``events[3]``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _name(path: str) -> str:
    return path.rsplit(".", 1)[-1] or "the file"


def describe(node: Node) -> str:
    """Names what a node holds, for messages: 'a list', 'empty', or its value in quotes."""
    if isinstance(node, MappingNode):
        return "a group of fields"
    if isinstance(node, SequenceNode):
        return "a list"
    if node.tag == _TAG + "null":
        return "empty"
    return f"'{node.value}'"


def check_tag(node: Node, path: str, issues: Issues) -> bool:
    """Tells whether ``node`` has a plain YAML type; reports a special tag such as !!python."""
    if node.tag in _PLAIN_TAGS:
        return True
    shown = "!!" + node.tag[len(_TAG) :] if node.tag.startswith(_TAG) else node.tag
    issues.add(node, path, f"the special YAML tag '{shown}' is not allowed; remove it")
    return False


def read_mapping(
    node: Node,
    path: str,
    issues: Issues,
    required: Sequence[str],
    optional: Sequence[str] = (),
    missing: Mapping[str, str] | None = None,
) -> dict[str, Node] | None:
    """Reads a group of ``key: value`` fields, reporting unknown, repeated and missing keys.

    Args:
        node: The node to read.
        path: Its field path, for messages.
        issues: Where problems are recorded.
        required: Keys that must be present.
        optional: Keys that may be present.
        missing: Plainer messages for missing keys, by key.

    Returns:
        The value node of each known key that is present, or None if ``node`` is
        not a group of fields at all.
    """
    if not check_tag(node, path, issues):
        return None
    if not isinstance(node, MappingNode):
        issues.add(
            node,
            path,
            f"{_name(path)} must be a group of fields "
            f"({', '.join(required)}), not {describe(node)}",
        )
        return None
    allowed = [*required, *optional]
    found: dict[str, Node] = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, ScalarNode) else None
        if not isinstance(key, str) or key not in allowed:
            hint = difflib.get_close_matches(str(key), allowed, n=1)
            maybe = f" Did you mean '{hint[0]}'?" if hint else ""
            issues.add(
                key_node,
                join(path, str(key)),
                f"unknown field '{key}'; allowed here: {', '.join(allowed)}.{maybe}",
            )
        elif key in found:
            issues.add(key_node, join(path, key), f"'{key}' is written twice; keep only one")
        else:
            found[key] = value_node
    for key in required:
        if key not in found:
            message = (missing or {}).get(key, f"'{key}' is missing")
            issues.add(node, join(path, key), message)
    return found


def read_sequence(node: Node, path: str, issues: Issues, min_items: int = 1) -> list[Node] | None:
    """Reads a list (lines starting with ``- ``) of at least ``min_items`` items."""
    if not check_tag(node, path, issues):
        return None
    if not isinstance(node, SequenceNode):
        issues.add(
            node,
            path,
            f"{_name(path)} must be a list (one '- ' line per item), not {describe(node)}",
        )
        return None
    if len(node.value) < min_items:
        issues.add(
            node,
            path,
            f"{_name(path)} has {len(node.value)} item(s) but needs at least {min_items}",
        )
        return None
    return list(node.value)


def read_string(node: Node, path: str, issues: Issues, what: str = "a text") -> str | None:
    """Reads a non-empty text; numbers and yes/no are taken as written."""
    if not check_tag(node, path, issues):
        return None
    if not isinstance(node, ScalarNode):
        issues.add(node, path, f"{_name(path)} must be {what}, not {describe(node)}")
        return None
    value = str(node.value).strip()
    if node.tag == _TAG + "null" or not value:
        issues.add(node, path, f"{_name(path)} is empty; write {what}")
        return None
    return value


def read_text(node: Node, path: str, issues: Issues) -> Text | None:
    """Reads a ``{zh: ..., ko: ...}`` text; both languages are required and non-empty."""
    parts = _read_languages(node, path, issues)
    if parts is None:
        return None
    values = {
        lang: read_string(part, join(path, lang), issues, f"the {_LANGUAGE_NAMES[lang]} text")
        for lang, part in parts.items()
    }
    if len(values) != 2 or None in values.values():
        return None
    return Text(zh=str(values["zh"]), ko=str(values["ko"]))


def read_text_list(node: Node, path: str, issues: Issues) -> TextList | None:
    """Reads ``{zh: [...], ko: [...]}`` lists of texts, at least one per language."""
    parts = _read_languages(node, path, issues)
    if parts is None:
        return None
    lists: dict[str, tuple[str, ...] | None] = {}
    for lang, part in parts.items():
        items = read_sequence(part, join(path, lang), issues)
        texts = [
            read_string(item, join(join(path, lang), i), issues)
            for i, item in enumerate(items or [])
        ]
        lists[lang] = None if items is None or None in texts else tuple(str(t) for t in texts)
    if len(lists) != 2 or None in lists.values():
        return None
    return TextList(zh=lists["zh"] or (), ko=lists["ko"] or ())


def _read_languages(node: Node, path: str, issues: Issues) -> dict[str, Node] | None:
    if not check_tag(node, path, issues):
        return None
    if isinstance(node, ScalarNode):
        issues.add(
            node,
            path,
            f"{_name(path)} needs a Chinese and a Korean text: write 'zh:' "
            "and 'ko:' on two lines below it",
        )
        return None
    missing = {
        lang: f"the {name} text ({lang}) is missing; every text needs both zh and ko"
        for lang, name in _LANGUAGE_NAMES.items()
    }
    return read_mapping(node, path, issues, required=("zh", "ko"), missing=missing)


def read_choice(
    node: Node, path: str, issues: Issues, allowed: Collection[str], kind: str
) -> str | None:
    """Reads one name from ``allowed``; ``kind`` names it in messages ("category")."""
    value = read_string(node, path, issues, "a name")
    if value is None:
        return None
    if value not in allowed:
        hint = difflib.get_close_matches(value, list(allowed), n=1)
        maybe = f" Did you mean '{hint[0]}'?" if hint else ""
        issues.add(
            node, path, f"'{value}' is not a known {kind}; use one of: {', '.join(allowed)}.{maybe}"
        )
        return None
    return value


def read_id(node: Node, path: str, issues: Issues) -> str | None:
    """Reads an id made of small letters, digits and single dashes, e.g. ``day-1-gala``."""
    value = read_string(node, path, issues, "an id")
    if value is not None and not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", value):
        issues.add(
            node,
            path,
            f"'{value}' is not a valid id; use only small letters a-z, "
            "digits and single dashes, like 'food-festival-day-1'",
        )
        return None
    return value


def read_snake_id(node: Node, path: str, issues: Issues) -> str | None:
    """Reads an id of small letters, digits and single underscores, e.g. ``expo_center``."""
    value = read_string(node, path, issues, "an id")
    if value is not None and not re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", value):
        issues.add(
            node,
            path,
            f"'{value}' is not a valid id; start with a small letter a-z and use only "
            "small letters, digits and single underscores, like 'city_hall'",
        )
        return None
    return value


def read_url(node: Node, path: str, issues: Issues) -> str | None:
    """Reads a web address starting with http:// or https:// and without spaces."""
    value = read_string(node, path, issues, "a web address")
    if value is not None and (not re.match(r"https?://\S+$", value)):
        issues.add(
            node,
            path,
            f"'{value}' is not a web address; it must start with https:// and contain no spaces",
        )
        return None
    return value


def read_bool(node: Node, path: str, issues: Issues) -> bool | None:
    """Reads ``true`` or ``false``."""
    if not check_tag(node, path, issues):
        return None
    value = str(node.value).strip().lower() if isinstance(node, ScalarNode) else ""
    if value in _TRUE or value in _FALSE:
        return value in _TRUE
    issues.add(node, path, f"{_name(path)} must be true or false, not {describe(node)}")
    return None


def read_int(node: Node, path: str, issues: Issues, minimum: int = 0) -> int | None:
    """Reads a whole number of at least ``minimum``."""
    if not check_tag(node, path, issues):
        return None
    if isinstance(node, ScalarNode) and _INT.fullmatch(node.value.strip()):
        value = int(node.value)
        if value >= minimum:
            return value
    issues.add(
        node,
        path,
        f"{_name(path)} must be a whole number of at least {minimum}, "
        f"like 200; not {describe(node)}",
    )
    return None


def read_number(
    node: Node, path: str, issues: Issues, low: float, high: float, example: str
) -> float | None:
    """Reads a decimal number between ``low`` and ``high``."""
    if not check_tag(node, path, issues):
        return None
    if isinstance(node, ScalarNode) and _NUMBER.fullmatch(node.value.strip()):
        value = float(node.value)
        if low <= value <= high:
            return value
        issues.add(
            node,
            path,
            f"{value} is outside the Shenyang area; {_name(path)} must be between {low} and {high}",
        )
        return None
    issues.add(node, path, f"{_name(path)} must be a number like {example}, not {describe(node)}")
    return None


def read_date(node: Node, path: str, issues: Issues) -> date | None:
    """Reads a calendar date written ``2026-11-26``."""
    if not check_tag(node, path, issues):
        return None
    value = node.value if isinstance(node, ScalarNode) else ""
    match = _DATE.fullmatch(value.strip())
    if match:
        try:
            return date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    issues.add(
        node,
        path,
        f"{_name(path)} must be a date like 2026-11-26 (year-month-day), not {describe(node)}",
    )
    return None


def read_datetime(node: Node, path: str, issues: Issues) -> datetime | None:
    """Reads a local Asia/Shanghai time written ``2026-11-27T17:00``."""
    if not check_tag(node, path, issues):
        return None
    value = node.value if isinstance(node, ScalarNode) else ""
    match = _DATETIME.fullmatch(value.strip())
    if match:
        try:
            year, month, day, hour, minute = (int(part) for part in match.groups())
            return datetime(year, month, day, hour, minute, tzinfo=local_timezone())
        except ValueError:
            issues.add(
                node,
                path,
                f"{value} is not a real date and time; {_name(path)} must be {DATETIME_HINT}",
            )
            return None
    issues.add(node, path, f"{_name(path)} must be {DATETIME_HINT}, not {describe(node)}")
    return None
