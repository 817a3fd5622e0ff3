"""Conversations in Redis, each expiring a while after its last message.

Rasa's own ``RedisTrackerStore`` uses a synchronous client without a socket
timeout, inside the event loop: a Redis that hangs stops the whole server.
``SafeRedisTrackerStore`` stores the same JSON (one key per conversation, the
tracker as Rasa serialises it) with ``redis.asyncio``, short timeouts and a few
retries, and keeps Redis memory flat: every save renews the key's expiry
(``record_exp``), so a conversation silent that long is forgotten, and keeps only
the last ``max_sessions`` conversation sessions (Rasa reads only the last one;
slots carry over into a new session), so a visitor who keeps coming back does not
grow one key without bound.

While the task holds the conversation's lock from ``SafeRedisLockStore`` (as
``Agent.handle_message`` does), the write is fenced: it happens only if that lock
is still ours, so a server that lost its lock cannot overwrite newer state.

Each save also records the turns it finishes (``<prefix>turn:<turn id>``, see
``bot.server.replay``) in the same MULTI/EXEC or fenced script, so a stored turn
always has the record that answers a retry of its message.

Key: ``<prefix>tracker:<conversation id>`` with a prefix starting ``kw:``.
Configured in ``endpoints.redis.yml``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from rasa.core.lock_store import LockError
from rasa.core.tracker_store import SerializedTrackerAsText, TrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

from bot.redis_client import DEFAULT_RETRIES, DEFAULT_TIMEOUT, connect_async
from bot.server.lock_store import CURRENT_HOLD, fenced_set, server_identity
from bot.server.replay import DEFAULT_TURN_EXP, new_events, turn_keys, turn_records
from bot.server.sessions import (
    DEFAULT_MAX_SESSIONS,
    DEFAULT_RECORD_EXP,
    last_session,
    latest_sessions,
    merged,
    store_options,
)
from bot.settings import KEY_NAMESPACE, namespaced

logger = logging.getLogger(__name__)


class StaleTrackerWrite(LockError):
    """A tracker was not saved because this server no longer holds the conversation's lock."""


class SafeRedisTrackerStore(TrackerStore, SerializedTrackerAsText):
    """Trackers in Redis with an expiry, an async client and fenced writes.

    Rasa builds it from ``endpoints.yml`` as
    ``SafeRedisTrackerStore(host=<url>, domain=..., event_broker=..., **options)``.

    Args:
        domain: The domain (Rasa sets it after loading the model).
        host: The endpoint's ``url``: a Redis URL.
        event_broker: Optional event broker.
        client: A ``redis.asyncio`` client; overrides ``host``.
        key_prefix: Start of every key; must start with ``kw:``.
        record_exp: Seconds a conversation is kept after its last save.
        max_sessions: Conversation sessions kept per conversation (the latest ones).
        socket_timeout: Seconds to wait for Redis per command.
        retries: Retries after a connection error or timeout.
        turn_exp: Seconds a finished turn's record answers retries.
        **kwargs: Passed to Rasa's ``TrackerStore``.

    Raises:
        ValueError: When neither a URL nor a client is given, or an option is invalid.
    """

    def __init__(
        self,
        domain: Any = None,
        host: str | None = None,
        event_broker: Any = None,
        client: Any = None,
        key_prefix: str = KEY_NAMESPACE,
        record_exp: float | str = DEFAULT_RECORD_EXP,
        max_sessions: int | str = DEFAULT_MAX_SESSIONS,
        socket_timeout: float | str = DEFAULT_TIMEOUT,
        retries: int | str = DEFAULT_RETRIES,
        turn_exp: float | str = DEFAULT_TURN_EXP,
        **kwargs: Any,
    ) -> None:
        key_prefix = namespaced(key_prefix, "tracker store")
        self.record_exp, self.max_sessions = store_options(record_exp, max_sessions)
        if client is None:
            if not host:
                raise ValueError("tracker store: set 'url' to a Redis URL (e.g. ${REDIS_URL})")
            client = connect_async(str(host), float(socket_timeout), int(retries))
        self.client = client
        self.server = server_identity(client)
        self.prefix = key_prefix
        self.key_prefix = f"{key_prefix}tracker:"
        self.turn_exp = int(float(turn_exp))
        super().__init__(domain, event_broker, **kwargs)

    def _key(self, sender_id: str) -> str:
        return self.key_prefix + sender_id

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Saves the conversation, merged with what is stored, and renews its expiry.

        The turns it finishes (user messages with a turn id, see
        ``bot.server.replay``) are recorded with their replies in the same write.

        Raises:
            StaleTrackerWrite: When the conversation's lock was lost meanwhile.
            redis.exceptions.RedisError: When Redis does not answer.
        """
        key = self._key(tracker.sender_id)
        stored = await self.client.get(key)
        prior = self.deserialise_tracker(tracker.sender_id, stored) if stored is not None else None
        added = new_events(tracker, prior)
        await self._stream(tracker.sender_id, added)
        serialised = self.serialise_tracker(
            latest_sessions(merged(prior, tracker), self.max_sessions)
        )
        turns = [(k, v, self.turn_exp) for k, v in turn_keys(self.prefix, turn_records(added))]
        hold = CURRENT_HOLD.get()
        if hold is None or hold.conversation_id != tracker.sender_id or hold.server != self.server:
            async with self.client.pipeline(transaction=True) as write:  # MULTI/EXEC
                write.set(key, serialised, ex=self.record_exp)
                for turn_key, record, ttl in turns:
                    write.set(turn_key, record, ex=ttl)
                await write.execute()
            return
        if not await fenced_set(self.client, hold, key, serialised, self.record_exp, turns):
            raise StaleTrackerWrite(
                f"not saving '{tracker.sender_id}': lock ticket {hold.ticket} is no longer held"
            )

    async def _stream(self, sender_id: str, added: list[Any]) -> None:
        """Hands the new events to the event broker (the usage counts).

        Rasa's ``stream_events`` reads the conversation from Redis a second time to
        find them; the stored copy ``save`` has just read tells the same.
        """
        if self.event_broker is None:
            return
        await self._stream_new_events(self.event_broker, added, sender_id)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """Returns the latest conversation session, or None when there is none."""
        return await self._retrieve(sender_id, fetch_all_sessions=False)

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        """Returns every stored session of the conversation."""
        return await self._retrieve(conversation_id, fetch_all_sessions=True)

    async def _retrieve(
        self, sender_id: str, fetch_all_sessions: bool
    ) -> DialogueStateTracker | None:
        stored = await self.client.get(self._key(sender_id))
        if stored is None:
            return None
        tracker = self.deserialise_tracker(sender_id, stored)
        if tracker is None or fetch_all_sessions:
            return tracker
        return last_session(tracker)

    async def keys(self) -> Iterable[str]:
        """Returns the stored conversation ids (SCAN, not KEYS)."""
        start = len(self.key_prefix)
        return [key[start:] async for key in self.client.scan_iter(match=self.key_prefix + "*")]

    async def close(self) -> None:
        """Closes the connection pool."""
        await self.client.close()
