"""A folder of its own for each run's generated files, under ``KW_RUN_DIR`` (``var/run``).

Two assistants started from one checkout (two replicas, a test beside a
developer's ``make run``) must not overwrite each other's generated credentials
or endpoints. Each run writes into ``<KW_RUN_DIR>/<pid>/``, removes it when it
stops, and on start removes the folders of runs whose process is gone.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from types import TracebackType


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


class RunFolder:
    """This run's folder; use as a context manager so it is removed at the end."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def create(cls, base: Path, pid: int | None = None) -> RunFolder:
        """Makes ``<base>/<pid>`` (empty) after removing the folders of dead runs."""
        pid = os.getpid() if pid is None else pid
        base.mkdir(parents=True, exist_ok=True)
        for entry in base.iterdir():
            if entry.is_dir() and entry.name.isdigit() and not _alive(int(entry.name)):
                shutil.rmtree(entry, ignore_errors=True)
        path = base / str(pid)
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir()
        return cls(path)

    def write(self, name: str, text: str) -> Path:
        """Writes a generated file (UTF-8) and returns its path."""
        target = self.path / name
        target.write_text(text, encoding="utf-8")
        return target

    def remove(self) -> None:
        """Deletes the folder and what is in it."""
        shutil.rmtree(self.path, ignore_errors=True)

    def __enter__(self) -> RunFolder:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.remove()
