"""Problems found in the content files, worded for the staff who edit them.

``ContentError`` is one problem (file, line, field, message); it is a plain value,
collected rather than raised. ``ContentInvalid`` is the exception raised when the
content cannot be loaded, carrying every problem that was found.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

#: The order in which files are checked and their problems are listed.
FILE_ORDER: tuple[str, ...] = ("overview.yml", "venues.yml", "events.yml", "faq.yml")


@dataclass(frozen=True)
class ContentError:
    """One problem in one content file.

    Attributes:
        file: File name inside the content folder, e.g. ``events.yml``.
        line: Line number counted from 1, or None when the problem concerns the
            whole file (for example a missing file).
        field: Where in the file the problem is, e.g. ``events[3].start``
            (list positions count from 0); empty for the whole file.
        message: What is wrong and how to fix it, in plain words.
    """

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        location = self.file if self.line is None else f"{self.file}:{self.line}"
        if self.field:
            return f"{location}: {self.field}: {self.message}"
        return f"{location}: {self.message}"

    def sort_key(self) -> tuple[int, str, int, str, str]:
        """Orders problems by file (overview, venues, events, faq), then line."""
        rank = FILE_ORDER.index(self.file) if self.file in FILE_ORDER else len(FILE_ORDER)
        return (rank, self.file, self.line or 0, self.field, self.message)


class ContentInvalid(Exception):
    """The content files have problems, so the content cannot be used.

    Attributes:
        errors: Every problem found, ordered by file and line.
    """

    def __init__(self, errors: Iterable[ContentError]) -> None:
        self.errors: tuple[ContentError, ...] = tuple(sorted(errors, key=ContentError.sort_key))
        super().__init__(self.errors)

    def __str__(self) -> str:
        count = len(self.errors)
        heading = f"{count} problem{'s' if count != 1 else ''} in the content files:"
        return "\n".join([heading, *(f"  {error}" for error in self.errors)])
