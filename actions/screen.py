"""Answers that fit a phone screen: at most about 350 characters or 8 lines at first. Pure."""

from __future__ import annotations

from collections.abc import Sequence

#: A first message longer than this does not fit a phone screen without scrolling.
PHONE_LINES, PHONE_CHARS = 8, 350


def _size(lines: Sequence[str]) -> tuple[int, int]:
    text = "\n".join(lines)
    return text.count("\n") + 1, len(text)


def fit(
    lines: Sequence[str],
    keep: int = 0,
    max_lines: int = PHONE_LINES,
    max_chars: int = PHONE_CHARS,
) -> list[str]:
    """The lines that fit, in order: the first ``keep`` always, then each one that still fits.

    Empty lines are dropped. A later, shorter line may fit where a longer one did not.
    """
    kept = [line for line in lines[:keep] if line]
    for line in lines[keep:]:
        if not line:
            continue
        rows, chars = _size([*kept, line])
        if rows <= max_lines and chars <= max_chars:
            kept.append(line)
    return kept
