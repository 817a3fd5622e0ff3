"""What a reliability run does: how big each part is, and the bounds its figures must meet.

``FULL`` is ``make reliability``; ``SHORT`` is what ``make test`` runs. Sizes can
be overridden from the environment (``KW_REL_PAYLOADS``, ``KW_REL_LOAD_SECONDS``,
``KW_REL_VISITORS``), read here and nowhere else. The channel secrets a run sets
are ``harness.secrets.Secrets``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    """Sizes of a run.

    Attributes:
        payloads: Malformed requests per channel.
        visitors: Concurrent virtual visitors of the load.
        load_seconds: How long the load runs.
        think: Seconds a visitor waits between messages (min, max).
        fault_visitors: Visitors kept busy while a fault is injected.
        pause_seconds: How long Redis is stopped with SIGSTOP.
    """

    payloads: int
    visitors: int
    load_seconds: float
    think: tuple[float, float] = (2.0, 6.0)
    fault_visitors: int = 12
    pause_seconds: float = 30.0

    def overridden(self, env: Mapping[str, str]) -> Profile:
        """This profile with sizes taken from ``KW_REL_*`` variables where set."""
        changes: dict[str, object] = {}
        if env.get("KW_REL_PAYLOADS"):
            changes["payloads"] = int(env["KW_REL_PAYLOADS"])
        if env.get("KW_REL_LOAD_SECONDS"):
            changes["load_seconds"] = float(env["KW_REL_LOAD_SECONDS"])
        if env.get("KW_REL_VISITORS"):
            changes["visitors"] = int(env["KW_REL_VISITORS"])
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


FULL = Profile(payloads=5000, visitors=50, load_seconds=300.0)
SHORT = Profile(payloads=500, visitors=10, load_seconds=20.0, fault_visitors=8, pause_seconds=12.0)

#: A reply slower than this misses WeChat's and Kakao's window.
PLATFORM_WINDOW = 5.0
#: The service must answer normally again within this many seconds of Redis coming back.
RECOVERY_BOUND = 10.0
#: Longest user text the connectors hand to Rasa (channels.common.limits).
MAX_MESSAGE_CHARS = 1000
