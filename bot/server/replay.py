"""Idempotent turns: a message processed once per message id, its reply kept for retries.

A platform or client that resends a message (its reply was lost with a replica,
or it timed out) must not have it stored twice. Connectors give each inbound
message a *turn id* as the ``UserMessage``'s ``message_id`` (Rasa keeps it in the
``UserUttered`` event): ``<channel>:<platform id>``, e.g. ``wechat:id:2471…``,
``telegram:<bot>:<update_id>``, ``rest:<sender>:<client id>``. Rasa's own ids are
hex without a colon, so they are never taken for turn ids.

A turn's record, ``<prefix>turn:<turn id>``, is JSON:

- ``{"state": "running", "owner": <token>}`` while a server processes it, with a
  short lease (``RUNNING_LEASE``) that the owner renews: a server that dies
  mid-turn leaves no record after the lease, and a retry is processed once;
- ``{"state": "done", "replies": [...]}`` for a day (``DEFAULT_TURN_EXP``), written
  by the tracker store in the same Redis write as the conversation (see
  ``bot.server.tracker_store``), so a stored turn always has its record and a
  retry gets the stored reply instead of a second turn. ``replies`` are the
  ``BotUttered`` events after the user's message, as ``send_response`` takes them;
  None when the turn was finished without a tracker store (connector tests).

Without Redis (embedded mode) ``MEMORY_LEDGER`` holds the same records in the
process, written by ``bot.server.memory_store.MemoryTrackerStore`` when it saves.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from rasa.shared.core.events import BotUttered, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.redis_client import DEFAULT_TIMEOUT, connect_async
from bot.server.sessions import latest_session_length
from bot.settings import KEY_NAMESPACE, Settings, get_settings, namespaced

logger = logging.getLogger(__name__)

#: Seconds a running turn's record lives unless its owner renews it: a dead
#: server's turn is free for a retry this soon.
RUNNING_LEASE = 2.0
#: A day: how long a finished turn answers its retries.
DEFAULT_TURN_EXP = 24 * 3600
#: How often a waiting retry looks at the record.
POLL_SECONDS = 0.05

_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
_FINISH = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
  return 1
end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def is_turn_id(message_id: str | None) -> bool:
    """Tells whether a message id names a turn (``<channel>:<id>``) rather than Rasa's hex."""
    return bool(message_id) and ":" in str(message_id)


def make_turn_id(channel: str, *parts: object) -> str:
    """Builds a turn id: ``<channel>:<part>:<part>…``."""
    return ":".join([channel, *(str(part) for part in parts)])


def bot_message(event: BotUttered) -> dict[str, Any]:
    """A ``BotUttered`` event as an output channel's ``send_response`` takes it."""
    message: dict[str, Any] = {"text": event.text} if event.text else {}
    for key, value in (event.data or {}).items():
        if value is not None:
            message[key] = value
    return message


def turn_records(events: Sequence[Event]) -> dict[str, str]:
    """The finished turns among ``events``: turn id -> the JSON of its done record. Pure."""
    records: dict[str, str] = {}
    current: str | None = None
    replies: list[dict[str, Any]] = []
    for event in [*events, None]:
        if event is None or isinstance(event, UserUttered):
            if current is not None:
                records[current] = done_record(replies)
            message_id = event.message_id if event is not None else None
            current = message_id if is_turn_id(message_id) else None
            replies = []
        elif isinstance(event, BotUttered) and current is not None:
            replies.append(bot_message(event))
    return records


def done_record(replies: list[dict[str, Any]] | None) -> str:
    """The JSON of a finished turn's record."""
    return json.dumps({"state": "done", "replies": replies}, ensure_ascii=False)


def new_events(tracker: DialogueStateTracker, prior: DialogueStateTracker | None) -> list[Event]:
    """The events of ``tracker`` that the stored ``prior`` does not have yet."""
    offset = latest_session_length(prior) if prior is not None else 0
    return list(tracker.events)[offset:]


@dataclass(frozen=True)
class Stored:
    """A finished turn: its replies (None when unknown)."""

    replies: list[dict[str, Any]] | None


@dataclass(frozen=True)
class Running:
    """A turn another task or server is processing right now."""


@dataclass(frozen=True)
class Claimed:
    """This caller processes the turn; ``owner`` fences its later writes."""

    turn_id: str
    owner: str


Claim = Stored | Running | Claimed


class TurnLedger(Protocol):
    """Where turn records live: Redis, or this process's memory."""

    lease: float  # seconds a running record lives without renewal

    async def claim(self, turn_id: str, wait: float) -> Claim:
        """Takes the turn, or tells it is stored or still running after ``wait`` seconds."""

    async def renew(self, claim: Claimed) -> None:
        """Extends a running turn's lease."""

    async def finish(self, claim: Claimed) -> None:
        """Marks a turn done without replies, unless its record was written meanwhile."""

    async def release(self, claim: Claimed) -> None:
        """Frees a turn that failed, so a retry processes it."""


def _running(owner: str) -> str:
    return json.dumps({"state": "running", "owner": owner})


def _read(raw: Any) -> Claim | None:
    if raw is None:
        return None
    record = json.loads(raw)
    if record.get("state") == "done":
        return Stored(record.get("replies"))
    return Running()


async def _claim(ledger: Any, turn_id: str, wait: float) -> Claim:
    """The claim loop both ledgers share: take, else wait for done or for the lease to lapse."""
    owner = secrets.token_hex(8)
    deadline = time.monotonic() + wait
    while True:
        found = await ledger.take(turn_id, _running(owner))
        if found is None:
            return Claimed(turn_id, owner)
        if isinstance(found, Stored) or time.monotonic() >= deadline:
            return found
        await asyncio.sleep(POLL_SECONDS)


class RedisTurnLedger:
    """Turn records in Redis under ``<prefix>turn:``.

    Args:
        client: A ``redis.asyncio`` client.
        prefix: Key prefix (starts with ``kw:``).
        lease: Seconds a running record lives without renewal.
    """

    def __init__(self, client: Any, prefix: str = KEY_NAMESPACE, lease: float = RUNNING_LEASE):
        self.client = client
        self.prefix = namespaced(prefix, "turn ledger") + "turn:"
        self.lease = lease
        self.lease_ms = int(lease * 1000)
        self._renew = client.register_script(_RENEW)
        self._finish = client.register_script(_FINISH)
        self._release = client.register_script(_RELEASE)

    def key(self, turn_id: str) -> str:
        """The Redis key of a turn."""
        return self.prefix + turn_id

    async def take(self, turn_id: str, running: str) -> Claim | None:
        """SET NX the running record; None when taken, else what is there."""
        key = self.key(turn_id)
        if await self.client.set(key, running, nx=True, px=self.lease_ms):
            return None
        raw = await self.client.get(key)
        if raw is not None and (raw.decode("utf-8") if isinstance(raw, bytes) else raw) == running:
            # Our own SET: sent, timed out (Redis paused), retried by the client after
            # Redis ran the first one. The owner token is this claim's alone.
            return None
        return _read(raw) or Running()

    async def claim(self, turn_id: str, wait: float) -> Claim:
        """Takes the turn, or tells it is stored or still running after ``wait`` seconds."""
        return await _claim(self, turn_id, wait)

    async def renew(self, claim: Claimed) -> None:
        """Extends a running turn's lease while it is still ours."""
        await self._renew(
            keys=[self.key(claim.turn_id)], args=[_running(claim.owner), self.lease_ms]
        )

    async def finish(self, claim: Claimed) -> None:
        """Marks the turn done (replies unknown) if the tracker store did not record it."""
        args = [_running(claim.owner), done_record(None), DEFAULT_TURN_EXP]
        await self._finish(keys=[self.key(claim.turn_id)], args=args)

    async def release(self, claim: Claimed) -> None:
        """Deletes our running record so a retry processes the turn."""
        await self._release(keys=[self.key(claim.turn_id)], args=[_running(claim.owner)])


class MemoryTurnLedger:
    """Turn records in this process (embedded mode), with the same states and expiries."""

    def __init__(self, lease: float = RUNNING_LEASE) -> None:
        self.lease = lease
        self._records: dict[str, tuple[float, str]] = {}

    def clear(self) -> None:
        """Forgets every record (tests start from none)."""
        self._records.clear()

    def _get(self, turn_id: str) -> str | None:
        item = self._records.get(turn_id)
        if item is None or item[0] <= time.monotonic():
            self._records.pop(turn_id, None)
            return None
        return item[1]

    def record(self, records: dict[str, str], ttl: float = DEFAULT_TURN_EXP) -> None:
        """Stores finished turns (called by the tracker store as it saves)."""
        now = time.monotonic()
        if len(self._records) > 50_000:  # bounded: drop what expired
            self._records = {k: v for k, v in self._records.items() if v[0] > now}
        for turn_id, raw in records.items():
            self._records[turn_id] = (now + ttl, raw)

    async def take(self, turn_id: str, running: str) -> Claim | None:
        """Takes the turn when it has no live record; else what is there."""
        raw = self._get(turn_id)
        if raw is None:
            self._records[turn_id] = (time.monotonic() + self.lease, running)
            return None
        return _read(raw)

    async def claim(self, turn_id: str, wait: float) -> Claim:
        """Takes the turn, or tells it is stored or still running after ``wait`` seconds."""
        return await _claim(self, turn_id, wait)

    async def renew(self, claim: Claimed) -> None:
        """Extends a running turn's lease while it is still ours."""
        if self._get(claim.turn_id) == _running(claim.owner):
            self._records[claim.turn_id] = (time.monotonic() + self.lease, _running(claim.owner))

    async def finish(self, claim: Claimed) -> None:
        """Marks the turn done (replies unknown) if the tracker store did not record it."""
        if self._get(claim.turn_id) == _running(claim.owner):
            self.record({claim.turn_id: done_record(None)})

    async def release(self, claim: Claimed) -> None:
        """Forgets our running record so a retry processes the turn."""
        if self._get(claim.turn_id) == _running(claim.owner):
            self._records.pop(claim.turn_id, None)


#: The embedded mode's ledger, shared by the tracker store and the connectors.
MEMORY_LEDGER = MemoryTurnLedger()


def create_ledger(settings: Settings | None = None) -> TurnLedger:
    """The ledger for this deployment: Redis with ``REDIS_URL``, else ``MEMORY_LEDGER``."""
    settings = settings or get_settings()
    if settings.redis_url:
        client = connect_async(settings.redis_url, settings.redis_timeout or DEFAULT_TIMEOUT)
        return RedisTurnLedger(client, settings.redis_prefix)
    return MEMORY_LEDGER


@asynccontextmanager
async def processing(ledger: TurnLedger, claim: Claimed) -> AsyncIterator[None]:
    """Keeps a claimed turn's lease alive while the body runs; frees it if the body fails.

    On success the turn is marked done unless the tracker store recorded it with
    its replies; on failure the running record is removed, so a retry is processed.
    """

    async def heartbeat() -> None:
        while True:
            await asyncio.sleep(ledger.lease / 4)
            try:
                await ledger.renew(claim)
            except Exception:  # noqa: BLE001 - the lease covers a short outage
                logger.warning("Could not renew turn %s", claim.turn_id, exc_info=True)

    beat = asyncio.ensure_future(heartbeat())
    try:
        yield
    except BaseException:
        beat.cancel()
        await _quietly(ledger.release(claim), claim)
        raise
    beat.cancel()
    await _quietly(ledger.finish(claim), claim)


async def _quietly(step: Any, claim: Claimed) -> None:
    try:
        await step
    except Exception:  # noqa: BLE001 - the running record then lapses by itself
        logger.warning("Could not update turn %s", claim.turn_id, exc_info=True)


def turn_keys(prefix: str, records: dict[str, str]) -> Iterable[tuple[str, str]]:
    """The Redis keys and values of finished turns, under a store's ``prefix``."""
    return ((f"{prefix}turn:{turn_id}", raw) for turn_id, raw in records.items())
