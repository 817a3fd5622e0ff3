"""A TCP relay on 127.0.0.1 that can be cut and restored: a link to break on purpose.

Put in front of a server (Redis, the action server), ``Relay`` forwards every
connection byte for byte; ``cut`` stops listening and drops every open
connection at once, as when the server goes away, and ``restore`` listens again
on the same port, as when it comes back.
"""

from __future__ import annotations

import socket
import threading


def _copy(source: socket.socket, sink: socket.socket) -> None:
    """Copies bytes from ``source`` to ``sink`` until either side ends; then closes both."""
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            sink.sendall(data)
    except OSError:
        pass
    for sock in (source, sink):
        try:
            sock.close()
        except OSError:
            pass


class Relay:
    """Relays connections from a port of its own to ``target_port``, from the start.

    Args:
        target_port: Where connections go, on 127.0.0.1.
    """

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = 0
        self._server: socket.socket | None = None
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()
        self.restore()

    def restore(self) -> None:
        """Listens again on the same port and relays new connections (no-op when listening)."""
        if self._server is not None:
            return
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))  # port 0 the first time: the system picks one
        server.listen(128)
        self.port = server.getsockname()[1]
        self._server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def cut(self) -> None:
        """Stops listening and drops every relayed connection: the target looks down."""
        server, self._server = self._server, None
        if server is not None:
            # close() alone leaves the socket listening while a thread blocks in
            # accept(): the next connection would still be relayed. shutdown() wakes it.
            try:
                server.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            server.close()
        with self._lock:
            sockets, self._open = self._open, []
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._relay, args=(source, sink), daemon=True).start()

    def _relay(self, source: socket.socket, sink: socket.socket) -> None:
        _copy(source, sink)
        with self._lock:
            self._open = [s for s in self._open if s not in (source, sink)]
