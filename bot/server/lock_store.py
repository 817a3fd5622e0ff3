"""A Redis lock store that keeps each conversation's messages in order across Rasa servers.

Rasa takes a per-conversation lock around every message (``Agent.handle_message``).
The stock ``RedisLockStore`` keeps each lock as one JSON value and changes it with
GET, modify, SET: two servers that issue or return tickets at the same time
overwrite each other's change, so both can hold the lock at once, or a waiter
finds its lock deleted and fails (RasaHQ/rasa#9213; ``tests/test_redis_lock_store.py``
shows it). ``SafeRedisLockStore`` does every step in one Lua script, so Redis
runs it atomically:

- a message queues for the lock with a random token, scored in the conversation's
  queue (a sorted set) by a ticket number ``INCR``'d from the conversation's
  counter, so the queue is first come, first served; a retried request finds its
  token and does not queue twice;
- each token has a lease key holding its server's identity: ``CLAIM_SECONDS`` at
  first, so a request whose reply was lost expires soon, then the lease, renewed
  by the owner's heartbeat while it waits and while it holds the lock;
- every server keeps a liveness key (``bot.server.liveness``, TTL
  ``liveness_seconds``, 1.5 s, renewed from a thread);
- the lock belongs to the token at the head of the queue; a token whose lease
  has expired, or whose server's liveness key is gone (the process died), is
  dropped by the next waiter, so a killed server blocks the conversation for
  about ``liveness_seconds`` and a live server whose event loop stopped for good
  for one lease at most;
- the holding token fences writes: ``fenced_set`` writes a key only while that
  token still holds the lock, and the tracker store uses it, so a server that
  lost the lock (stalled past its lease) cannot overwrite newer state.

Keys, under a prefix starting ``kw:``: ``lock:<conversation>:counter``,
``lock:<conversation>:queue`` (both expire ``keep_seconds`` after the last use)
``lock:<conversation>:alive:<token>`` (the lease) and ``live:<server identity>``.

The lease is ``lease_seconds`` when the endpoint sets it, else Rasa's own lock
lifetime (``TICKET_LOCK_LIFETIME``, 60 s by default), which Rasa passes to
``lock()``: it only bounds a holder that is alive but no longer renews (its
event loop hangs), since the liveness key already frees a dead holder's lock. Needs one Redis server
(or a primary), not Redis Cluster. Configured in ``endpoints.redis.yml``.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import secrets
from collections import deque
from collections.abc import AsyncGenerator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any

from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore

from bot.redis_client import DEFAULT_RETRIES, DEFAULT_TIMEOUT, connect_async
from bot.server.liveness import DEFAULT_TTL, Liveness, sync_twin
from bot.settings import namespaced

logger = logging.getLogger(__name__)

# Queue members are random tokens scored by an INCR'd ticket number, so a retried
# ISSUE (the reply was lost, the command was not) finds its token and queues once.
_ISSUE = """
local queued = redis.call('ZSCORE', KEYS[2], ARGV[2])
if queued then return tonumber(queued) end
local ticket = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('ZADD', KEYS[2], ticket, ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('SET', ARGV[1] .. ARGV[2], ARGV[5], 'PX', ARGV[3])
redis.call('SET', ARGV[6], '1', 'PX', ARGV[7])
return ticket
"""
# 0: the lock is ours; -1: our token is gone (its lease expired); n: ticket n is ahead.
# A head whose lease key is gone, or names a server without a liveness key, is dead.
# Taking the lock extends our lease at once: the heartbeat task may not have run yet
# when the body blocks the event loop, and the claim is short.
_TRY = """
local function alive(token)
  local holder = redis.call('GET', ARGV[1] .. token)
  if not holder then return false end
  return redis.call('EXISTS', ARGV[3] .. holder) == 1
end
if redis.call('EXISTS', ARGV[1] .. ARGV[2]) == 0 then
  redis.call('ZREM', KEYS[1], ARGV[2])
  return -1
end
if not redis.call('ZSCORE', KEYS[1], ARGV[2]) then return -1 end
while true do
  local head = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
  if head == ARGV[2] then
    redis.call('PEXPIRE', ARGV[1] .. ARGV[2], ARGV[4])
    return 0
  end
  if alive(head) then
    return tonumber(redis.call('ZSCORE', KEYS[1], head))
  end
  redis.call('ZREM', KEYS[1], head)
end
"""
_HEARTBEAT = """
if not redis.call('ZSCORE', KEYS[1], ARGV[2]) then return 0 end
if redis.call('PEXPIRE', ARGV[1], ARGV[3]) == 0 then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return 1
"""
_RELEASE = """
redis.call('DEL', ARGV[1])
redis.call('ZREM', KEYS[1], ARGV[2])
if redis.call('ZCARD', KEYS[1]) == 0 then redis.call('DEL', KEYS[1]) end
return 1
"""
_FENCED_SET = """
local head = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
if head ~= ARGV[1] or redis.call('EXISTS', ARGV[2]) == 0 then return 0 end
redis.call('SET', KEYS[1], ARGV[3], 'EX', ARGV[4])
for i = 3, #KEYS do redis.call('SET', KEYS[i], ARGV[2 * i - 1], 'EX', ARGV[2 * i]) end
return 1
"""


class LockUnavailable(LockError):
    """The lock could not be taken within the wait, or Redis did not answer."""


class LockLost(LockError):
    """This server's ticket left the queue: its lease expired before the lock was released."""


#: Lease of a ticket until its owner's first renewal: a ticket whose owner never
#: got Redis's reply (a timeout, then a retry or a give-up) expires this soon.
CLAIM_SECONDS = 2.0


@dataclass(frozen=True)
class Hold:
    """The lock on one conversation, as held (or waited for) by this task.

    ``token`` is the fencing token: writes are accepted while it heads the queue.
    """

    conversation_id: str
    ticket: int
    token: str
    queue_key: str
    alive_key: str
    server: str
    lease: float = LOCK_LIFETIME


#: The lock the current task holds, for fenced writes (set inside ``lock()``).
CURRENT_HOLD: contextvars.ContextVar[Hold | None] = contextvars.ContextVar(
    "kw_conversation_lock", default=None
)


def server_identity(client: Any) -> str:
    """Names the Redis server and database a client talks to ("host:port/db")."""
    kwargs = client.connection_pool.connection_kwargs
    where = kwargs.get("path") or f"{kwargs.get('host')}:{kwargs.get('port')}"
    return f"{where}/{kwargs.get('db', 0)}"


async def fenced_set(
    client: Any,
    hold: Hold,
    key: str,
    value: str,
    ttl_seconds: int,
    extra: Sequence[tuple[str, str, int]] = (),
) -> bool:
    """Sets ``key`` (with a TTL) only while ``hold`` still holds its conversation's lock.

    Args:
        client: The Redis client.
        hold: The lock that must still be held.
        key: The key to set.
        value: Its value.
        ttl_seconds: Its expiry.
        extra: More ``(key, value, ttl_seconds)`` written in the same script, all
            or none (the turn records of ``bot.server.replay``).

    Returns:
        Whether the values were written.
    """
    script = client.register_script(_FENCED_SET)
    keys, args = [key, hold.queue_key], [hold.token, hold.alive_key, value, ttl_seconds]
    for extra_key, extra_value, extra_ttl in extra:
        keys.append(extra_key)
        args += [extra_value, extra_ttl]
    written = await script(keys=keys, args=args)
    return bool(written)


def _number(options: Mapping[str, Any], key: str, default: float, minimum: float) -> float:
    raw = options.get(key)
    if raw is None or raw == "":
        return default
    value = float(raw)
    if value < minimum:
        raise ValueError(f"lock store: '{key}' must be at least {minimum}, got {raw!r}")
    return value


class SafeRedisLockStore(LockStore):
    """Conversation locks in Redis with atomic tickets, FIFO order, leases and fencing.

    Rasa builds it from ``endpoints.yml``
    (``lock_store: {type: bot.server.lock_store.SafeRedisLockStore, url: ...}``) as
    ``SafeRedisLockStore(endpoint_config=...)``; tests pass ``client`` directly.

    Args:
        endpoint_config: Rasa's endpoint: ``url`` (a Redis URL) and optional
            ``key_prefix`` (default ``kw:``), ``lease_seconds`` (Rasa's lock
            lifetime when unset), ``liveness_seconds`` (1.5), ``wait_seconds``
            (30), ``keep_seconds`` (3600), ``socket_timeout`` (0.5), ``retries`` (2).
        client: A ``redis.asyncio`` client; overrides the URL.
        **options: The same options as keywords (they override the endpoint's).

    Raises:
        ValueError: When neither a URL nor a client is given, or an option is invalid.
    """

    def __init__(self, endpoint_config: Any = None, client: Any = None, **options: Any) -> None:
        merged: dict[str, Any] = dict(getattr(endpoint_config, "kwargs", None) or {})
        merged.update(options)
        url = merged.pop("url", None) or getattr(endpoint_config, "url", None)
        self.key_prefix = namespaced(merged.get("key_prefix"), "lock store")
        lease = _number(merged, "lease_seconds", 0.0, 1.0)  # 0: unset
        self.lease: float | None = lease or None  # None: the lifetime Rasa passes to lock()
        self.wait = _number(merged, "wait_seconds", 30.0, 0.1)
        self.keep = max(_number(merged, "keep_seconds", 3600.0, 60.0), 3 * (lease or LOCK_LIFETIME))
        liveness_ttl = _number(merged, "liveness_seconds", DEFAULT_TTL, 0.3)
        if client is None:
            if not url:
                raise ValueError("lock store: set 'url' to a Redis URL (e.g. ${REDIS_URL})")
            client = connect_async(
                str(url),
                _number(merged, "socket_timeout", DEFAULT_TIMEOUT, 0.05),
                int(_number(merged, "retries", DEFAULT_RETRIES, 0)),
            )
        self.client = client
        self.server = server_identity(client)
        self.liveness = Liveness(sync_twin(client), self.key_prefix, liveness_ttl)
        self._issue = client.register_script(_ISSUE)
        self._try = client.register_script(_TRY)
        self._renew = client.register_script(_HEARTBEAT)
        self._free = client.register_script(_RELEASE)
        super().__init__()

    def _key(self, conversation_id: str, part: str) -> str:
        return f"{self.key_prefix}lock:{conversation_id}:{part}"

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncGenerator[TicketLock, None]:
        """Holds the conversation's lock for the body of an ``async with``.

        ``lock_lifetime`` (Rasa's ``TICKET_LOCK_LIFETIME``) is the lease when the
        endpoint sets no ``lease_seconds``; the lease is renewed while the body
        runs. ``wait_time_in_seconds`` is ignored: waiting polls every few
        milliseconds, for ``wait_seconds`` at most.

        Raises:
            LockUnavailable: When the lock is not ours within ``wait_seconds`` or
                Redis fails.
            LockLost: When our ticket expired while waiting.
        """
        hold, heartbeat = await self._acquire(conversation_id, self.lease or float(lock_lifetime))
        token = CURRENT_HOLD.set(hold)
        try:
            expires = asyncio.get_running_loop().time() + hold.lease
            yield TicketLock(conversation_id, deque([Ticket(hold.ticket, expires)]))
        finally:
            try:
                CURRENT_HOLD.reset(token)
            except ValueError:  # finalised in another context; nothing to restore
                pass
            heartbeat.cancel()
            await self._release(hold)

    async def _acquire(
        self, conversation_id: str, lease: float | None = None
    ) -> tuple[Hold, asyncio.Task[None]]:
        counter, queue = self._key(conversation_id, "counter"), self._key(conversation_id, "queue")
        alive_prefix = self._key(conversation_id, "alive:")
        token, lease = secrets.token_hex(8), lease or self.lease or LOCK_LIFETIME
        claim_ms, keep_ms = int(min(CLAIM_SECONDS, lease) * 1000), int(self.keep * 1000)
        hold = Hold(conversation_id, 0, token, queue, f"{alive_prefix}{token}", self.server, lease)
        live = self.liveness
        live.start()
        try:
            ticket = int(
                await self._issue(
                    keys=[counter, queue],
                    args=[alive_prefix, token, claim_ms, keep_ms, live.identity, live.key]
                    + [live.ttl_ms],
                )
            )
        except Exception as error:  # noqa: BLE001 - any Redis failure means "busy"
            # If the command ran but its reply was lost, the token's claim expires soon.
            raise LockUnavailable(
                f"Redis failed while queueing for '{conversation_id}': {error}"
            ) from error
        hold = replace(hold, ticket=ticket)
        heartbeat = asyncio.ensure_future(self._heartbeat(hold, counter))
        loop = asyncio.get_running_loop()
        deadline, delay = loop.time() + self.wait, 0.005
        try:
            while True:
                ahead = int(
                    await self._try(
                        keys=[queue], args=[alive_prefix, token, live.prefix, int(lease * 1000)]
                    )
                )
                if ahead == 0:
                    return hold, heartbeat
                if ahead < 0:
                    raise LockLost(f"ticket {ticket} for '{conversation_id}' expired while waiting")
                if loop.time() >= deadline:
                    raise LockUnavailable(
                        f"'{conversation_id}' still locked by ticket {ahead}"
                        f" after {self.wait:.1f} s"
                    )
                await asyncio.sleep(delay)
                delay = min(delay * 2, 0.025)
        except BaseException as error:
            heartbeat.cancel()
            await self._release(hold)
            if isinstance(error, LockError) or not isinstance(error, Exception):
                raise
            raise LockUnavailable(
                f"Redis failed while waiting for '{conversation_id}': {error}"
            ) from error

    async def _heartbeat(self, hold: Hold, counter: str) -> None:
        """Renews the lease at once (ending the claim period), then every third of it."""
        lease_ms, keep_ms = int(hold.lease * 1000), int(self.keep * 1000)
        while True:
            try:
                kept = await self._renew(
                    keys=[hold.queue_key, counter],
                    args=[hold.alive_key, hold.token, lease_ms, keep_ms],
                )
            except Exception:  # noqa: BLE001 - try again; the lease covers a short outage
                logger.warning(
                    "Could not renew the lock of '%s'", hold.conversation_id, exc_info=True
                )
                kept = True
            if not kept:
                logger.warning(
                    "Lock of '%s' (ticket %d) expired while in use; its writes will be refused",
                    hold.conversation_id,
                    hold.ticket,
                )
                return
            await asyncio.sleep(hold.lease / 3)

    async def _release(self, hold: Hold) -> None:
        """Gives the lock to the next ticket; on failure the lease expires by itself."""
        try:
            await self._free(keys=[hold.queue_key], args=[hold.alive_key, hold.token])
        except Exception:  # noqa: BLE001 - never mask the body's outcome
            logger.warning(
                "Could not release the lock of '%s'; it frees itself in %.0f s",
                hold.conversation_id,
                hold.lease,
                exc_info=True,
            )

    def is_someone_waiting(self, conversation_id: str) -> bool:
        """Not answerable without blocking the event loop; Rasa does not call it."""
        raise NotImplementedError("SafeRedisLockStore is async-only; use lock()")

    async def close(self) -> None:
        """Stops the liveness key (waiters may take this server's locks) and closes the pool."""
        await asyncio.get_running_loop().run_in_executor(None, self.liveness.stop)
        await self.client.close()
