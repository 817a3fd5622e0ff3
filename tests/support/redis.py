"""Redis for the tests: its URL on 127.0.0.1:6379, and a server that hangs.

The fixtures ``redis_client``, ``redis_prefix`` (a random "kw:test:<hex>:" per
test, its keys deleted afterwards) and ``redis_env`` are in tests/conftest.py. A
link to Redis that a test can cut is ``harness.relay.Relay``; a private Redis to
kill or pause is ``harness.redis_server.RedisServer``.
"""

from __future__ import annotations

import socket
import threading

REDIS_URL = "redis://127.0.0.1:6379/0"


class SilentServer:
    """Accepts connections and never answers: a Redis that hangs."""

    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self._held: list[socket.socket] = []
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
