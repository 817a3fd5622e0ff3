"""Keep third-party deprecation noise out of the terminal of people using the commands.

Rasa 3.6's dependencies (sanic_cors, pkg_resources via jieba, matplotlib,
pyparsing, SQLAlchemy) warn about their own deprecations on every start, and
Rasa warns that slot auto-fill was removed (our domain has no auto-filled
slots). Staff and operators can do nothing about either, and a screen of them
hides the answer. The user-facing commands (``bot``, ``python -m bot.server``
and the servers it starts) call ``quiet_third_party_warnings``; the test suite
does not, so developers still see every warning.

Filters alone do not do it: Sanic puts a "once" filter for DeprecationWarning in
front of all others when imported, and Rasa one for UserWarning (pyparsing's
deprecations are both), so the warnings are dropped where they are shown.
"""

from __future__ import annotations

import os
import warnings
from typing import Any, TextIO

#: Categories nobody but a developer can act on.
_QUIET_CATEGORIES = (DeprecationWarning, PendingDeprecationWarning, FutureWarning)
#: Rasa's own notices at start, by the start of their text.
_QUIET_MESSAGES = ("Slot auto-fill has been removed", "pkg_resources is deprecated")


def is_noise(message: Warning | str, category: type[Warning]) -> bool:
    """Tells whether a warning is third-party noise for the people using the commands."""
    return issubclass(category, _QUIET_CATEGORIES) or str(message).startswith(_QUIET_MESSAGES)


def quiet_third_party_warnings() -> None:
    """Drops deprecation warnings and Rasa's start-up notices in this process."""
    # TensorFlow's C++ start-up lines (CUDA, oneDNN, TensorRT) are read at its import.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    shown = warnings.showwarning
    if getattr(shown, "kw_quiet", False):
        return

    def show(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: TextIO | None = None,
        line: str | None = None,
    ) -> None:
        if not is_noise(message, category):
            shown(message, category, filename, lineno, file, line)

    show.kw_quiet = True  # type: ignore[attr-defined]
    warnings.showwarning = show


def child_environment(env: Any) -> dict[str, str]:
    """``env`` for a server child: TensorFlow's C++ start-up log lines off unless set."""
    return {"TF_CPP_MIN_LOG_LEVEL": "3", **env}
