"""What every record of a content file shares: its fields, its id, its top-level list.

``Fields`` reads the fields of one record and remembers whether all were valid;
``top_lists`` reads the lists at the top of a file (``venues:``, ``hotels:``);
``is_duplicate`` reports an id used twice; ``read_aliases`` reads the other names
that events, venues and hotels may have. Like ``bot.content.nodes``,
every problem goes to an ``Issues`` collector and checking goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.content import nodes as n
from bot.content.model import LANGUAGES, TextList


class Fields:
    """Reads the fields of one record, remembering whether all of them were valid."""

    def __init__(
        self, found: dict[str, Node], path: str, issues: n.Issues, required: Collection[str]
    ) -> None:
        self.found, self.path, self.issues = found, path, issues
        self.ok = all(key in found for key in required)

    def get(self, key: str, reader: Callable[..., Any], *args: Any) -> Any:
        """Reads field ``key`` with ``reader``; None (and not ok) if it is invalid or absent.

        Args:
            key: The field name.
            reader: A ``read_*`` function taking (node, path, issues, *args).
            *args: More arguments for ``reader``.
        """
        node = self.found.get(key)
        if node is None:
            return None
        value = reader(node, n.join(self.path, key), self.issues, *args)
        self.ok = self.ok and value is not None
        return value

    def node(self, key: str) -> Node | None:
        """Returns the value node of field ``key``, or None if it is absent."""
        return self.found.get(key)


def top_lists(
    root: Node, issues: n.Issues, required: str, optional: Sequence[str] = ()
) -> dict[str, list[Node]]:
    """Reads the lists at the top of a file, e.g. ``venues:`` and the optional ``hotels:``.

    Args:
        root: The composed file.
        issues: Where problems are recorded.
        required: The list every such file has.
        optional: Lists the file may also have.

    Returns:
        The items of each list present and valid, by name.
    """
    top = n.read_mapping(root, "", issues, required=(required,), optional=optional)
    if not top:
        return {}
    lists = {key: n.read_sequence(node, key, issues) for key, node in top.items()}
    return {key: items for key, items in lists.items() if items is not None}


def is_duplicate(
    item_id: str, node: Node | None, seen: dict[str, int], path: str, issues: n.Issues
) -> bool:
    """Reports an id already in ``seen`` (id → line); otherwise records it there."""
    line = node.start_mark.line + 1 if node is not None else 0
    if item_id in seen:
        issues.add(
            node,
            n.join(path, "id"),
            f"the id '{item_id}' is already used on line "
            f"{seen[item_id]}; every id must be different",
        )
        return True
    seen[item_id] = line
    return False


def text_list_items(node: Node, path: str) -> Iterator[tuple[str, str, Node]]:
    """Yields (language, field path, node) for each text of a ``{zh: [...], ko: [...]}``.

    Whatever is not such a text (other keys, lists in lists, empty items) is
    skipped: ``read_text_list`` reports it.
    """
    if not isinstance(node, MappingNode):
        return
    for lang_key, lang_node in node.value:
        if lang_key.value not in LANGUAGES or not isinstance(lang_node, SequenceNode):
            continue
        for i, item in enumerate(lang_node.value):
            if isinstance(item, ScalarNode) and str(item.value).strip():
                yield lang_key.value, n.join(n.join(path, lang_key.value), i), item


def comparable(text: str) -> str:
    """The form in which two phrasings or names count as the same: case and spaces ignored."""
    return "".join(text.casefold().split())


def read_aliases(node: Node, path: str, issues: n.Issues) -> TextList | None:
    """Reads other names of an item, ``{zh: [...], ko: [...]}``, none listed twice."""
    aliases = n.read_text_list(node, path, issues)
    ok = aliases is not None
    seen: set[tuple[str, str]] = set()
    for lang, item_path, item in text_list_items(node, path):
        key = (lang, comparable(str(item.value)))
        if key in seen:
            issues.add(
                item, item_path, f"the name '{str(item.value).strip()}' is listed twice; keep one"
            )
            ok = False
        seen.add(key)
    return aliases if ok else None
