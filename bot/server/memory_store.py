"""Conversations in this process (embedded mode): compressed, sessions capped, forgotten when idle.

Rasa's ``InMemoryTrackerStore`` keeps every conversation's JSON for as long as the
process lives: about 4 KB per turn (each message carries its parse with the
intent ranking, and its slot events), so an event week of visitors grows the
server without bound. ``MemoryTrackerStore`` keeps the same JSON zlib-compressed
(measured: a five-message conversation, 20 KB as JSON, is 3.9 KB), keeps a
conversation's last ``max_sessions`` sessions and forgets it ``record_exp``
seconds after its last message, as ``SafeRedisTrackerStore`` does in Redis mode.

Each save also records the turns it finishes in ``MEMORY_LEDGER``
(``bot.server.replay``), so a resent message id gets its stored reply.

Configured in ``endpoints.yml``.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable, Iterable
from typing import Any

from rasa.core.tracker_store import SerializedTrackerAsText, TrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

from bot.server.replay import MEMORY_LEDGER, new_events, turn_records
from bot.server.sessions import (
    DEFAULT_MAX_SESSIONS,
    DEFAULT_RECORD_EXP,
    last_session,
    latest_sessions,
    merged,
    store_options,
)

#: zlib's level. Measured on 30 five-message conversations (20 KB of JSON each):
#: level 3 compresses 5.2 times in 0.14 ms, level 6 5.7 times in 0.28 ms;
#: decompressing takes 0.05 ms, a tenth of turning the JSON back into a tracker.
COMPRESS_LEVEL = 3


class MemoryTrackerStore(TrackerStore, SerializedTrackerAsText):
    """Trackers in this process, compressed, each kept ``record_exp`` s after its last save.

    Rasa builds it from ``endpoints.yml`` as
    ``MemoryTrackerStore(domain=..., event_broker=..., **options)``.

    Args:
        domain: The domain (Rasa sets it after loading the model).
        event_broker: Optional event broker (the usage counts).
        record_exp: Seconds a conversation is kept after its last save.
        max_sessions: Conversation sessions kept per conversation (the latest ones).
        clock: Seconds, monotonic (tests pass their own).
        **kwargs: Passed to Rasa's ``TrackerStore``.

    Raises:
        ValueError: When an option is invalid.
    """

    def __init__(
        self,
        domain: Any = None,
        event_broker: Any = None,
        record_exp: float | str = DEFAULT_RECORD_EXP,
        max_sessions: int | str = DEFAULT_MAX_SESSIONS,
        clock: Callable[[], float] = time.monotonic,
        **kwargs: Any,
    ) -> None:
        self.record_exp, self.max_sessions = store_options(record_exp, max_sessions)
        self._clock = clock
        # Conversation id -> (forget after, compressed JSON), oldest save first: a
        # save moves its conversation to the end, so the expired ones lead.
        self._conversations: dict[str, tuple[float, bytes]] = {}
        super().__init__(domain, event_broker, **kwargs)

    def _stored(self, sender_id: str) -> DialogueStateTracker | None:
        item = self._conversations.get(sender_id)
        if item is None:
            return None
        if item[0] <= self._clock():
            del self._conversations[sender_id]
            return None
        return self.deserialise_tracker(sender_id, zlib.decompress(item[1]))

    def _forget_expired(self) -> None:
        now = self._clock()
        while self._conversations:
            sender_id, (expires, _) = next(iter(self._conversations.items()))
            if expires > now:
                return
            del self._conversations[sender_id]

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Saves the conversation, merged with what is stored, and renews its expiry.

        The turns it finishes (user messages with a turn id, see
        ``bot.server.replay``) are recorded with their replies in the same step.
        """
        prior = self._stored(tracker.sender_id)
        added = new_events(tracker, prior)
        if self.event_broker is not None:
            await self._stream_new_events(self.event_broker, added, tracker.sender_id)
        kept = latest_sessions(merged(prior, tracker), self.max_sessions)
        blob = zlib.compress(self.serialise_tracker(kept).encode("utf-8"), COMPRESS_LEVEL)
        self._forget_expired()
        self._conversations.pop(tracker.sender_id, None)
        self._conversations[tracker.sender_id] = (self._clock() + self.record_exp, blob)
        MEMORY_LEDGER.record(turn_records(added))

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """Returns the latest conversation session, or None when there is none."""
        tracker = self._stored(sender_id)
        return last_session(tracker) if tracker is not None else None

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        """Returns every kept session of the conversation."""
        return self._stored(conversation_id)

    async def keys(self) -> Iterable[str]:
        """Returns the ids of the conversations still kept."""
        self._forget_expired()
        return list(self._conversations)

    def stored_bytes(self) -> int:
        """The compressed size of every kept conversation, in bytes."""
        return sum(len(blob) for _, blob in self._conversations.values())
