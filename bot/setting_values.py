"""Small value types of the settings: the Redis key namespace and the rate-limit spec.

Kept apart from ``bot.settings`` so that module holds only the variables themselves;
``bot.settings`` re-exports every name here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Every Redis key of the project starts with this; KW_REDIS_PREFIX extends it.
KEY_NAMESPACE = "kw:"
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d+(?:\.\d+)?)\s*s?\s*$")
_OFF = {"off", "0", "none", "no", "false"}


class SettingsError(ValueError):
    """An environment variable has a value the project cannot use."""


def namespaced(prefix: str | None, owner: str) -> str:
    """Returns a Redis key prefix (``kw:`` when empty) after checking it starts with ``kw:``.

    Args:
        prefix: The configured prefix.
        owner: Who uses it, for the error ("lock store").

    Raises:
        ValueError: When the prefix does not start with ``kw:``.
    """
    value = str(prefix or KEY_NAMESPACE)
    if not value.startswith(KEY_NAMESPACE):
        where = f"{owner}: " if owner else ""
        raise ValueError(f"{where}key prefixes must start with {KEY_NAMESPACE!r}, got {value!r}")
    return value


@dataclass(frozen=True)
class RateLimit:
    """At most ``messages`` per user in each window of ``seconds``."""

    messages: int
    seconds: float

    @classmethod
    def parse(cls, spec: str) -> RateLimit | None:
        """Reads ``"20/60"`` (or ``"20/60s"``); ``"off"`` or ``"0"`` mean no limit.

        Raises:
            SettingsError: When the text is neither.
        """
        if spec.strip().lower() in _OFF:
            return None
        match = _RATE.match(spec)
        if not match or int(match.group(1)) < 1 or float(match.group(2)) <= 0:
            raise SettingsError(
                f"KW_RATE_LIMIT must look like 20/60 (messages/seconds) or off, got {spec!r}"
            )
        return cls(int(match.group(1)), float(match.group(2)))
