"""What a malformed request is before it is signed, and the ingredients hypothesis draws. Pure.

A ``Case`` names the channel, the kind of damage, the statuses that are right for
it, and the ingredients hypothesis chose (random text, a nesting depth, which
field gets which wrong value). Renderers register per (channel, kind) with
``@renders``; ``render`` finds the one a case needs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from harness.requests import Request
from harness.secrets import Secrets

BAD_REQUEST, FORBIDDEN, TOO_LARGE = (400,), (403,), (413,)
MEGABYTE = 1_048_576


@dataclass(frozen=True)
class Case:
    """One malformed request before signing: channel, kind, right statuses, ingredients."""

    channel: str
    kind: str
    expect: tuple[int, ...]
    data: dict[str, Any] = field(default_factory=dict, hash=False)


Renderer = Callable[[Case, Secrets, str, int], Request]
_RENDERERS: dict[tuple[str, str], Renderer] = {}


def renders(channel: str, *kinds: str) -> Callable[[Renderer], Renderer]:
    """Registers the renderer of some kinds of a channel's cases."""

    def register(function: Renderer) -> Renderer:
        for kind in kinds:
            _RENDERERS[(channel, kind)] = function
        return function

    return register


def render(case: Case, secrets: Secrets, nonce: str, now: int) -> Request:
    """The request of a case, signed with ``secrets`` where the damage is elsewhere.

    Args:
        case: What to send.
        secrets: The run's credentials.
        nonce: Never used before (WeChat refuses a reused nonce with 403).
        now: Unix seconds (WeChat refuses a timestamp five minutes off).
    """
    return _RENDERERS[(case.channel, case.kind)](case, secrets, nonce, now)


def case_of(
    channel: str, kind: str, expect: tuple[int, ...], **data: Any
) -> st.SearchStrategy[Case]:
    """Cases of one kind whose ingredients are drawn from the strategies in ``data``."""
    return st.fixed_dictionaries(data).map(lambda drawn: Case(channel, kind, expect, drawn))


# --- ingredients ---------------------------------------------------------------------------

JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
JSON_VALUES = st.one_of(
    JSON_SCALARS,
    st.lists(JSON_SCALARS, max_size=3),
    st.dictionaries(st.text(max_size=8), JSON_SCALARS, max_size=3),
)
#: Byte sequences UTF-8 never produces: 0xFF, a bad continuation, a surrogate, a 5-byte form.
INVALID_UTF8 = [b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80"]
NON_UTF8 = st.tuples(
    st.binary(max_size=200), st.sampled_from(INVALID_UTF8), st.binary(max_size=200)
).map(lambda parts: parts[0] + parts[1] + parts[2])
HUGE_SIZE = st.integers(min_value=MEGABYTE, max_value=MEGABYTE + 4096)
DEPTH = st.integers(min_value=2_000, max_value=40_000)
#: Visitor-like text: no control characters or lone surrogates, which XML cannot carry.
WORDS = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=40)


def is_str(value: Any) -> bool:
    """Tells whether a JSON value is a string."""
    return isinstance(value, str)


def is_int(value: Any) -> bool:
    """Tells whether a JSON value is an integer (not a boolean)."""
    return isinstance(value, int) and not isinstance(value, bool)


def wrong(accept: Callable[[Any], bool]) -> st.SearchStrategy[Any]:
    """JSON values that ``accept`` refuses (a wrong type for that slot)."""
    return JSON_VALUES.filter(lambda value: not accept(value))


def header_safe(text: str) -> str:
    """``text`` reduced to what an HTTP header value can carry (visible ASCII)."""
    return "".join(ch for ch in text if 0x21 <= ord(ch) < 0x7F)


def path_safe(text: str) -> str:
    """``text`` reduced to what a URL path segment carries as it is."""
    return "".join(ch for ch in text if ch.isascii() and (ch.isalnum() or ch in "-_."))
