"""Answer from a draft instead of the live content, for the staff console's preview.

The console runs the real assistant (``bot.server.inprocess``) and, around each
preview message, sets the draft's content here; ``actions.content.get_content``
returns it to every action run for that message. A ``ContextVar`` keeps it to the
asyncio task that set it, so visitors' conversations handled in the same
process, if any, keep answering from the live content.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from bot.content.model import Content

_DRAFT: ContextVar[Content | None] = ContextVar("kw_preview_content", default=None)


def current() -> Content | None:
    """The draft content of the preview running in this task, or None (live content)."""
    return _DRAFT.get()


@contextmanager
def answering_from(content: Content) -> Iterator[None]:
    """Within the block, actions answer from ``content`` (in this task only)."""
    token = _DRAFT.set(content)
    try:
        yield
    finally:
        _DRAFT.reset(token)
