"""Malformed and hostile webhook requests, generated with hypothesis. Pure.

A strategy draws a ``Case``: the channel, the kind of damage, the statuses that
are right for it, and the ingredients hypothesis chose. ``render`` turns a case
into a ``harness.requests.Request`` with a fresh nonce and timestamp, signed with
the run's secrets wherever the damage is not the signature itself, so each
request reaches the check it is aimed at.

Kinds: broken XML, DTDs and entity expansion (billion laughs, external and
parameter entities), bad base64, bad ciphertext, a wrong AES key or AppID,
non-UTF-8 bodies, 1 MB bodies, JSON nested tens of thousands deep, wrong JSON
types and missing fields, and wrong, missing or stale credentials. One module
per channel (``wechat_cases`` and ``wechat_render``, ``kakao``, ``telegram``,
``rest``), the JSON kinds they share in ``json_cases``; importing them registers
their renderers.
"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from reliability.payloads import wechat_render
from reliability.payloads.cases import Case, render
from reliability.payloads.kakao import kakao_strategies
from reliability.payloads.rest import rest_strategies
from reliability.payloads.telegram import telegram_strategies
from reliability.payloads.wechat_cases import wechat_strategies

__all__ = ["STRATEGIES", "Case", "draw", "malformed", "quotas", "render", "weights"]
#: Every channel's renderers are registered once these modules are imported.
_REGISTERED = (wechat_render,)


STRATEGIES: dict[str, Callable[[], dict[str, st.SearchStrategy[Case]]]] = {
    "wechat": wechat_strategies,
    "kakao": kakao_strategies,
    "telegram": telegram_strategies,
    "rest": rest_strategies,
}


def weights(channel: str) -> dict[str, int]:
    """How many parts of a channel's cases each kind gets: 1 MB bodies one, the rest three."""
    return {kind: (1 if kind == "huge" else 3) for kind in sorted(STRATEGIES[channel]())}


def quotas(channel: str, count: int) -> dict[str, int]:
    """How many cases of each kind make up ``count`` (every kind at least one)."""
    shares = weights(channel)
    total = sum(shares.values())
    result = {kind: max(1, count * share // total) for kind, share in shares.items()}
    biggest = max(result, key=lambda kind: result[kind])
    result[biggest] += count - sum(result.values())
    return result


def malformed(channel: str) -> st.SearchStrategy[Case]:
    """Any kind of damage for a channel (for ``@given`` tests)."""
    kinds = STRATEGIES[channel]()
    return st.one_of(*(kinds[kind] for kind in sorted(kinds)))


def _collect(strategy: st.SearchStrategy[Case], count: int, random_seed: int) -> list[Case]:
    cases: list[Case] = []

    @seed(random_seed)
    @settings(
        max_examples=count,
        database=None,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(case: Case) -> None:
        cases.append(case)

    collect()
    if not cases:
        raise RuntimeError("hypothesis generated nothing")
    while len(cases) < count:  # a small space runs out: its cases come round again
        cases.extend(cases[: count - len(cases)])
    return cases[:count]


def draw(channel: str, count: int, random_seed: int = 20261127) -> list[Case]:
    """``count`` cases for a channel, kind by kind, the same ones for the same seed.

    Hypothesis generates them (its generation phase only, no database): each kind
    gets its quota (``quotas``) with varied ingredients.
    """
    kinds = STRATEGIES[channel]()
    cases: list[Case] = []
    for offset, (kind, quota) in enumerate(sorted(quotas(channel, count).items())):
        cases.extend(_collect(kinds[kind], quota, random_seed + offset))
    return cases
