"""The content store of embedded mode: the content folder is live, versions kept under ``var/``.

Without Redis the bot answers from the content folder itself (``KW_CONTENT_DIR``),
so publishing writes that folder; the versions, the history and the live pointer
are kept in a folder of their own (``<KW_STATE_DIR>/content``):

- ``versions/<sha256>.json``: one file per version, as in Redis (files, author, time);
- ``history.jsonl``: one ``HistoryEntry`` per line, oldest first (newest 1000 kept);
- ``live.json``: the version last published or rolled back to;
- ``lock``: taken exclusively while a publish replaces the files, and shared by
  readers (``read_folder_texts``), so a reader never sees old and new files mixed.

What visitors see is what the folder holds: when staff edit it by hand, the live
version is the folder's (the pointer only says what was published last), and a
publish first keeps the folder's texts as a version, named as the parent in the
history, so a rollback can return to them.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.content.errors import FILE_ORDER, ContentInvalid
from bot.content.history import MAX_HISTORY, SHORT, HistoryEntry, NothingToDo, VersionNotFound
from bot.content.loader import load_content_texts, read_content_texts
from bot.content.model import Content, local_timezone
from bot.content.store import ContentStore

LOCK_NAME = "lock"


def lock_path(state: Path) -> Path:
    """The lock file of the content state folder ``state`` (``<KW_STATE_DIR>/content``)."""
    return Path(state) / LOCK_NAME


@contextmanager
def _flock(path: Path, mode: int) -> Iterator[None]:
    with open(path, "a+", encoding="utf-8") as handle:
        fcntl.flock(handle.fileno(), mode)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def read_folder_texts(directory: Path, lock: Path | None) -> dict[str, str]:
    """Reads the content files of a folder while no publish is replacing them.

    Args:
        directory: The content folder.
        lock: The publish lock file; None, or a file that does not exist yet,
            reads without waiting (nothing was ever published there).
    """
    if lock is None or not lock.exists():
        return read_content_texts(directory)
    with _flock(lock, fcntl.LOCK_SH):
        return read_content_texts(directory)


def _write_atomically(path: Path, text: str) -> None:
    """Writes a whole file or nothing: a temporary file beside it, synced, then renamed."""
    temporary = path.with_name(f".{path.name}.tmp")
    with open(temporary, "w", encoding="utf-8", errors="surrogateescape") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


class FileContentStore(ContentStore):
    """Publishes by rewriting the content folder; keeps versions and history in ``state``.

    Args:
        directory: The content folder the bot answers from.
        state: Where versions, history, pointer and lock are kept (created on first write).
        clock: Returns the current time (aware); tests pass a fixed one.
    """

    def __init__(
        self,
        directory: Path,
        state: Path,
        clock: Callable[[], datetime] = lambda: datetime.now(local_timezone()),
    ) -> None:
        super().__init__(clock)
        self.directory = Path(directory)
        self.state = Path(state)
        self.where = str(self.directory)
        self._folder: tuple[tuple[tuple[str, float, int], ...], str | None] = ((), None)

    @property
    def lock(self) -> Path:
        """The publish lock file."""
        return lock_path(self.state)

    def _version_file(self, version: str) -> Path:
        if not all(c in "0123456789abcdef" for c in version) or not version:
            raise VersionNotFound(f"{version[:SHORT]!r} is not a version id")
        return self.state / "versions" / f"{version}.json"

    def _stamp(self) -> tuple[tuple[str, float, int], ...]:
        stamp = []
        for name in FILE_ORDER:
            try:
                info = (self.directory / name).stat()
            except OSError:
                continue
            stamp.append((name, info.st_mtime, info.st_size))
        return tuple(stamp)

    def folder_version(self) -> str | None:
        """The version the folder holds now, or None while its files have problems."""
        stamp = self._stamp()
        if stamp != self._folder[0]:
            try:
                version: str | None = load_content_texts(self.folder_texts()).version
            except ContentInvalid:
                version = None
            self._folder = (stamp, version)
        return self._folder[1]

    def folder_texts(self) -> dict[str, str]:
        """The texts of the content folder, read while no publish writes them."""
        return read_folder_texts(self.directory, self.lock)

    def live_version(self, reader: Any = None) -> str | None:
        """The folder's version; while the folder has problems, the one published last."""
        return self.folder_version() or self.published_version()

    def published_version(self) -> str | None:
        """The version last published or rolled back to (None before the first publish)."""
        try:
            with open(self.state / "live.json", encoding="utf-8") as handle:
                return str(json.load(handle)["version"])
        except (OSError, ValueError, KeyError):
            return None

    def texts(self, version: str, reader: Any = None) -> dict[str, str]:
        """The file texts of a stored version (the folder's own version included).

        Raises:
            VersionNotFound: If the version is not stored.
        """
        path = self._version_file(version)
        try:
            with open(path, encoding="utf-8", errors="surrogateescape") as handle:
                return dict(json.load(handle)["files"])
        except FileNotFoundError:
            if version == self.folder_version():
                return self.folder_texts()
            raise VersionNotFound(f"version {version[:SHORT]} is not stored") from None

    def history(self) -> list[HistoryEntry]:
        """Every kept history entry, oldest first."""
        try:
            with open(self.state / "history.jsonl", encoding="utf-8") as handle:
                return [HistoryEntry.from_json(line) for line in handle if line.strip()]
        except FileNotFoundError:
            return []

    def _keep(self, content: Content, texts: Mapping[str, str], author: str) -> None:
        path = self._version_file(content.version)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_atomically(path, self._payload(content, texts, author))

    def _append_history(self, entry: HistoryEntry) -> None:
        entries = [*self.history(), entry][-MAX_HISTORY:]
        lines = "".join(item.to_json() + "\n" for item in entries)
        _write_atomically(self.state / "history.jsonl", lines)

    def _switch(
        self,
        action: str,
        content: Content,
        texts: Mapping[str, str] | None,
        author: str,
        message: str,
    ) -> HistoryEntry:
        """Under the publish lock: keeps both versions, rewrites the folder, records it."""
        self.state.mkdir(parents=True, exist_ok=True)
        with _flock(self.lock, fcntl.LOCK_EX):
            current = read_content_texts(self.directory)
            try:
                before: Content | None = load_content_texts(current)
            except ContentInvalid:
                before = None
            parent = before.version if before is not None else self.published_version()
            if parent == content.version:
                raise NothingToDo(f"version {content.version[:SHORT]} is live already")
            if before is not None:
                self._keep(before, current, "content folder")
            new_texts = dict(texts) if texts is not None else self.texts(content.version)
            self._keep(content, new_texts, author)
            entry = self._entry(action, content, parent, author, message)
            self.directory.mkdir(parents=True, exist_ok=True)
            for name in FILE_ORDER:
                if name in new_texts:
                    _write_atomically(self.directory / name, new_texts[name])
            _write_atomically(self.state / "live.json", json.dumps({"version": content.version}))
            self._append_history(entry)
            self._folder = ((), None)
            return entry
