"""A per-process liveness key in Redis, so a dead server's conversation locks free in seconds.

Each process that takes conversation locks (``bot.server.lock_store``) has an
identity (host, pid and a random part) and keeps ``<prefix>live:<identity>`` in
Redis with a short TTL (``ttl`` seconds, 1.5 by default), renewed every third of
it. Lock tokens record their holder's identity; a waiter that finds the head
token's holder without its liveness key knows the holder's process is gone and
takes over, so a killed server blocks a conversation for about ``ttl`` seconds
instead of a whole lease.

The renewal runs in a daemon thread with its own synchronous client, not in the
event loop: a loop busy for a second with a long NLU call or a garbage
collection must not look dead (a live holder that lost its lock could no longer
save its turn, see ``fenced_set``). Only the process dying (or freezing as a
whole) lets the key lapse. A live server whose loop stops for good is still
bounded by the token's own lease.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from typing import Any

logger = logging.getLogger(__name__)

#: Seconds a liveness key outlives its last renewal (renewed every third of it).
DEFAULT_TTL = 1.5


def new_identity() -> str:
    """A name for this process, unique across hosts and restarts: ``host:pid:random``."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def sync_twin(client: Any) -> Any:
    """A synchronous client for the same Redis server and database as an asyncio one."""
    import redis

    from bot.redis_client import DEFAULT_TIMEOUT

    kwargs = client.connection_pool.connection_kwargs
    common = {
        "db": kwargs.get("db", 0),
        "password": kwargs.get("password"),
        "username": kwargs.get("username"),
        "socket_timeout": DEFAULT_TIMEOUT,
        "socket_connect_timeout": DEFAULT_TIMEOUT,
        "decode_responses": True,
    }
    if kwargs.get("path"):
        return redis.Redis(unix_socket_path=kwargs["path"], **common)
    return redis.Redis(host=kwargs.get("host"), port=kwargs.get("port", 6379), **common)


class Liveness:
    """Keeps ``<key_prefix>live:<identity>`` alive in Redis while this process runs.

    Args:
        client: A synchronous Redis client (used by the renewal thread only).
        key_prefix: The key namespace, e.g. ``kw:``.
        ttl: Seconds the key outlives its last renewal.
        identity: This process's name; a new one when omitted.
    """

    def __init__(
        self, client: Any, key_prefix: str, ttl: float = DEFAULT_TTL, identity: str = ""
    ) -> None:
        self.client = client
        self.identity = identity or new_identity()
        self.prefix = f"{key_prefix}live:"
        self.key = f"{self.prefix}{self.identity}"
        self.ttl = ttl
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def ttl_ms(self) -> int:
        """The TTL in milliseconds, as Redis's PX takes it."""
        return int(self.ttl * 1000)

    def start(self) -> None:
        """Starts the renewal thread (once; later calls do nothing)."""
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(
                target=self._run, name=f"kw-liveness-{self.identity}", daemon=True
            )
            self._thread.start()

    def _run(self) -> None:
        interval, failing = self.ttl / 3, False
        while not self._stopped.is_set():
            try:
                self.client.set(self.key, "1", px=self.ttl_ms)
            except Exception:  # noqa: BLE001 - try again; two misses still leave it alive
                if not failing:  # once per outage, not three times a second
                    logger.warning("Could not renew the liveness key %s", self.key, exc_info=True)
                failing = True
            else:
                if failing:
                    logger.warning("Liveness key %s renewed again", self.key)
                failing = False
            self._stopped.wait(interval)

    def stop(self) -> None:
        """Stops renewing and deletes the key (a clean stop frees waiters at once)."""
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        try:
            self.client.delete(self.key)
        except Exception:  # noqa: BLE001 - it expires by itself
            logger.warning("Could not delete the liveness key %s", self.key, exc_info=True)
        self.client.close()
