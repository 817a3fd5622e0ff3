"""The record of publishes and rollbacks, and the errors of changing the live version.

Shared by both content stores (``bot.content.store``: Redis; ``bot.content.filestore``:
the content folder plus ``var/``). Nothing here does I/O.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

#: Characters of a version id shown to staff and accepted as the shortest form.
SHORT = 12
MIN_PREFIX = 4
MAX_HISTORY = 1000
_HEX = re.compile(r"[0-9a-f]+")


class PublishError(Exception):
    """Publishing, rolling back or looking up a version did not happen; the message says why."""


class VersionNotFound(PublishError):
    """No stored version has this id (or the version has expired)."""


class AmbiguousVersion(PublishError):
    """Several versions start with the given prefix."""


class NothingToDo(PublishError):
    """The requested version is live already."""


@dataclass(frozen=True)
class HistoryEntry:
    """One change of the live version.

    Attributes:
        action: "publish" or "rollback".
        version: The version that became live (full sha256).
        parent: The version live before, or None for the first publish.
        author: Who did it.
        at: When, ISO 8601 in Asia/Shanghai time.
        message: Why, in the author's words.
        changes: What changed compared to the parent (``ContentDiff.summary``).
    """

    action: str
    version: str
    parent: str | None
    author: str
    at: str
    message: str
    changes: Mapping[str, Any] = field(default_factory=dict)

    @property
    def short(self) -> str:
        """The version id as shown to staff."""
        return self.version[:SHORT]

    def to_json(self) -> str:
        """The entry as stored."""
        return json.dumps(
            {
                "action": self.action,
                "version": self.version,
                "parent": self.parent,
                "author": self.author,
                "at": self.at,
                "message": self.message,
                "changes": dict(self.changes),
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, raw: str) -> HistoryEntry:
        """Reads an entry stored by ``to_json``."""
        data = json.loads(raw)
        return cls(
            action=data["action"],
            version=data["version"],
            parent=data.get("parent"),
            author=data.get("author", ""),
            at=data.get("at", ""),
            message=data.get("message", ""),
            changes=data.get("changes") or {},
        )


def resolve_version(ref: str, entries: Iterable[HistoryEntry]) -> str:
    """The full id of the version named by ``ref`` (a full id or a unique prefix).

    Args:
        ref: What staff typed.
        entries: The history; every version and parent in it can be named.

    Raises:
        VersionNotFound: If no version in the history starts with ``ref``.
        AmbiguousVersion: If several do.
    """
    ref = ref.strip().lower()
    if len(ref) < MIN_PREFIX or not _HEX.fullmatch(ref):
        raise VersionNotFound(
            f"{ref!r} is not a version id: give at least {MIN_PREFIX} of "
            "the letters and digits shown by `bot content history`"
        )
    known = {version for entry in entries for version in (entry.version, entry.parent) if version}
    matches = sorted(version for version in known if version.startswith(ref))
    if not matches:
        raise VersionNotFound(f"no published version starts with {ref}")
    if len(matches) > 1:
        shown = ", ".join(version[:SHORT] for version in matches)
        raise AmbiguousVersion(f"{ref} could be any of {shown}; give more characters")
    return matches[0]
