"""Check the content files from the command line: ``python -m bot.content [folder]``.

Prints every problem as ``file:line: field: message`` and exits with 1, or prints
a short summary and exits with 0 when the content is fine.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from bot.content.errors import ContentInvalid
from bot.content.loader import load_content

DEFAULT_DIRECTORY = Path("content")


def main(argv: Sequence[str] | None = None) -> int:
    """Checks a content folder and reports the result.

    Args:
        argv: The arguments after the program name: an optional folder.

    Returns:
        0 when the content is fine, 1 when it has problems, 2 on bad usage.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) > 1 or any(arg.startswith("-") for arg in args):
        print("usage: python -m bot.content [content-folder]", file=sys.stderr)
        return 2
    directory = Path(args[0]) if args else DEFAULT_DIRECTORY
    try:
        content = load_content(directory)
    except ContentInvalid as exc:
        print(exc)
        return 1
    sample = " (SAMPLE data)" if content.overview.sample_data else ""
    print(
        f"OK{sample}: {len(content.venues)} venues, {len(content.hotels)} hotels, "
        f"{len(content.events)} events, "
        f"{len(content.faq)} FAQ entries; version {content.version[:12]}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
