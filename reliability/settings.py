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


# --- replica fault test (issue 14) -----------------------------------------------------------


@dataclass(frozen=True)
class FailoverProfile:
    """Sizes of the replica fault test (``reliability.failover``), one load per fault.

    Attributes:
        visitors: Visitors in closed loop through the proxy.
        kill_at: Seconds into the load at which replica A's process is killed.
        restart_after: Seconds after the kill at which replica A is started again.
        after: Seconds the load goes on after the restart.
        think: Seconds between an answer and the visitor's next message (min, max).
    """

    visitors: int
    kill_at: float
    restart_after: float
    after: float
    think: tuple[float, float] = (0.5, 1.5)

    @property
    def seconds(self) -> float:
        """How long each fault's load runs."""
        return self.kill_at + self.restart_after + self.after


#: The issue's run: 30 visitors, the kill 30 s in, the restart 20 s later.
FAILOVER_FULL = FailoverProfile(visitors=30, kill_at=30.0, restart_after=20.0, after=40.0)
#: What ``make test`` runs (tests/reliability/test_failover.py).
FAILOVER_SHORT = FailoverProfile(visitors=10, kill_at=6.0, restart_after=10.0, after=32.0)
