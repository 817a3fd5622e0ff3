"""Redis for the tests: its URL on 127.0.0.1:6379, a proxy that can cut it, a server that hangs.

The fixtures ``redis_client``, ``redis_prefix`` (a random "kw:test:<hex>:" per
test, its keys deleted afterwards) and ``redis_env`` are in tests/conftest.py.
"""

from __future__ import annotations

import socket
import threading

from reliability.faults import pipe

REDIS_URL = "redis://127.0.0.1:6379/0"


class TcpProxy:
    """Forwards local connections to Redis until ``close()`` cuts them all (Redis "goes away")."""

    def __init__(self, target_port: int = 6379) -> None:
        self._target = ("127.0.0.1", target_port)
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self._sockets: list[socket.socket] = []
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
