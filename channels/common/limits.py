"""How much a visitor may send: the size of a webhook body and the length of a message. Pure.

No platform sends bodies anywhere near ``MAX_BODY_BYTES`` (a Telegram update or a
Kakao skill request is a few kB), so a bigger body is refused with 413 before it
is parsed. A message longer than ``MAX_MESSAGE_CHARS`` is not handed to Rasa: the
connector answers the catalog's ``too_long`` text instead, so one visitor cannot
tie up the language pipeline (or, on Telegram, a chat's send queue) with a
megabyte of text.
"""

from __future__ import annotations

MAX_BODY_BYTES = 256 * 1024
MAX_MESSAGE_CHARS = 1000


def body_too_large(body: bytes | None, limit: int = MAX_BODY_BYTES) -> bool:
    """Tells whether a request body is over the limit."""
    return len(body or b"") > limit


def too_long(text: str | None, limit: int = MAX_MESSAGE_CHARS) -> bool:
    """Tells whether a visitor's message is over the length handed to Rasa."""
    return len(text or "") > limit
