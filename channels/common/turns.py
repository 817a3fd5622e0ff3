"""One message at a time per conversation, in the order the messages arrived.

A visitor's messages can arrive a few milliseconds apart. Before Rasa takes its
conversation lock, a connector awaits its store (with Redis: the dedup mark, the
language memory, the rate limit), and Rasa's lock store awaits Redis for a
ticket; those replies come back on different connections in any order, so a
later message could overtake an earlier one (``make reliability`` saw it in
nine of twelve bursts of ten). ``Turns`` hands out each conversation's turn in
arrival order: a connector asks for it before its first ``await`` (asking does
not suspend when nobody else holds it, and joins the queue at once when someone
does) and keeps it until the message is answered or handed to the background.
Other conversations never wait. An entry exists only while its conversation has
a message in flight, so memory stays bounded.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class Turns:
    """FIFO turns per conversation key, within one process."""

    def __init__(self) -> None:
        self._queues: dict[str, tuple[asyncio.Lock, list[int]]] = {}

    def __len__(self) -> int:
        return len(self._queues)

    @asynccontextmanager
    async def turn(self, key: str) -> AsyncIterator[None]:
        """Waits for the conversation's turn (first come, first served) and holds it."""
        lock, users = self._queues.setdefault(key, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock:
                yield
        finally:
            users[0] -= 1
            if users[0] == 0:
                self._queues.pop(key, None)
