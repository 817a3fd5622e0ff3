"""Markdown tables for the generated reports. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any


def table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A Markdown table; cells are written with ``str``, a ``|`` in them escaped.

    Args:
        header: The column titles.
        rows: The cells of each row, as many as the header has.

    Returns:
        The table's lines, without a trailing newline.
    """
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(_cell(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _cell(value: Any) -> str:
    # A bare "|" would end the cell early; a line break would end the table.
    return str(value).replace("|", "\\|").replace("\n", " ")
