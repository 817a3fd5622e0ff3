"""Fixtures for tests that use the real Redis on 127.0.0.1:6379.

Every test gets its own random key prefix ("kw:test:<hex>:") and its keys are
deleted afterwards. A test module uses them with
``from tests.redis_support import redis_client, redis_prefix, redis_env``.
"""

from __future__ import annotations

import socket
import threading
import uuid
from typing import Iterator, List

import pytest

from reliability.faults import pipe

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_client():
    """A client of the local Redis; the test fails (not skips) when Redis is not running."""
    from redis.exceptions import RedisError

    from bot.redis_client import connect

    client = connect(REDIS_URL, timeout=2.0)
    try:
        client.ping()
    except RedisError as error:
        pytest.fail(f"these tests need Redis on 127.0.0.1:6379 ({error})")
    yield client
    client.close()


@pytest.fixture
def redis_prefix(redis_client) -> Iterator[str]:
    """A random key prefix for one test; its keys are deleted afterwards."""
    prefix = f"kw:test:{uuid.uuid4().hex[:12]}:"
    yield prefix
    keys = list(redis_client.scan_iter(match=prefix + "*", count=1000))
    if keys:
        redis_client.delete(*keys)


@pytest.fixture
def redis_env(monkeypatch: pytest.MonkeyPatch, redis_prefix: str) -> Iterator[str]:
    """Redis mode for the actions: REDIS_URL and a random KW_REDIS_PREFIX; providers reset."""
    from bot.settings import get_settings
    from actions.content import reset_providers

    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    monkeypatch.setenv("KW_REDIS_PREFIX", redis_prefix)
    get_settings.cache_clear()
    reset_providers()
    yield redis_prefix
    reset_providers()
    get_settings.cache_clear()


class TcpProxy:
    """Forwards local connections to Redis until ``close()`` cuts them all (Redis "goes away")."""

    def __init__(self, target_port: int = 6379) -> None:
        self._target = ("127.0.0.1", target_port)
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self._sockets: List[socket.socket] = []
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        """The Redis URL through the proxy."""
        return f"redis://127.0.0.1:{self.port}/0"

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            upstream = socket.create_connection(self._target)
            self._sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=pipe, args=(source, sink), daemon=True).start()

    def close(self) -> None:
        """Stops accepting and drops every open connection."""
        self._closed = True
        self._server.close()
        for sock in self._sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            except OSError:
                pass


class SilentServer:
    """Accepts connections and never answers: a Redis that hangs."""

    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self._held: List[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        """A Redis URL pointing at the silent server."""
        return f"redis://127.0.0.1:{self.port}/0"

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            self._held.append(client)

    def close(self) -> None:
        """Closes the server and the held connections."""
        self._server.close()
        for sock in self._held:
            sock.close()
