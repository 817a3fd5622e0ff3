"""Keep third-party deprecation noise out of the terminal of people using the commands.

Rasa 3.6's dependencies (sanic_cors, pkg_resources via jieba, matplotlib,
TensorFlow) warn about their own deprecations on every start, and Rasa warns
that slot auto-fill was removed (our domain has no auto-filled slots). Staff and
operators can do nothing about either, and a screen of them hides the answer.
The user-facing commands (``bot``, ``python -m bot.server``) call
``quiet_third_party_warnings`` and pass ``child_environment`` to the servers they
start; the test suite does not, so developers still see every warning.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

#: Categories nobody but a developer can act on.
_QUIET_CATEGORIES = (DeprecationWarning, PendingDeprecationWarning, FutureWarning)
#: Rasa's own notices at start, by the start of their text.
_QUIET_MESSAGES = ("Slot auto-fill has been removed", "pkg_resources is deprecated")
#: The same filters for a child Python process (PYTHONWARNINGS syntax).
_PYTHONWARNINGS = ",".join(
    [f"ignore::{category.__name__}" for category in _QUIET_CATEGORIES]
    + [f"ignore:{message}" for message in _QUIET_MESSAGES]
)


def quiet_third_party_warnings() -> None:
    """Hides deprecation warnings and Rasa's start-up notices in this process."""
    for category in _QUIET_CATEGORIES:
        warnings.filterwarnings("ignore", category=category)
    for message in _QUIET_MESSAGES:
        warnings.filterwarnings("ignore", message=message)


def child_environment(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` plus the same filters for a child process (its own PYTHONWARNINGS first)."""
    own = env.get("PYTHONWARNINGS", "")
    return {**env, "PYTHONWARNINGS": f"{_PYTHONWARNINGS},{own}" if own else _PYTHONWARNINGS}
