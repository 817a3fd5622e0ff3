"""Things to break on purpose: a Redis of our own, and the link to the action server.

``RedisServer`` runs a throw-away ``redis-server`` on a free 127.0.0.1 port (never
the shared one on 6379) that can be killed (SIGKILL) and started again on the
same port, or paused (SIGSTOP) and resumed. ``Link`` is a TCP relay in front of
the action server: ``cut`` makes every connection to it fail at once, like an
action server that is down; ``restore`` brings it back.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

from reliability.procs import free_port


class RedisServer:
    """A private Redis for fault injection.

    Args:
        workdir: Where its log goes.
        port: The port; a free one when omitted.
    """

    def __init__(self, workdir: Path, port: int | None = None) -> None:
        self.port = port or free_port()
        self.log = workdir / "redis.log"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The Redis URL."""
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def pid(self) -> int:
        """The server's process id (0 when not running)."""
        return self._process.pid if self._process is not None else 0

    def start(self, timeout: float = 10.0) -> None:
        """Starts the server (no persistence) and waits until it answers PING.

        Raises:
            RuntimeError: When redis-server is missing or does not answer in time.
        """
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed")
        command = [
            binary,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--protected-mode",
            "yes",
        ]
        with open(self.log, "ab") as log:
            self._process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.ping():
                return
            time.sleep(0.05)
        raise RuntimeError(f"redis-server on port {self.port} did not answer within {timeout} s")

    def ping(self, timeout: float = 0.5) -> bool:
        """Tells whether the server answers PING."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as conn:
                conn.settimeout(timeout)
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self) -> None:
        """Kills the server with SIGKILL (everything in it is lost) and reaps it."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait(10)

    def pause(self) -> None:
        """Stops the server with SIGSTOP: connections stay open, nothing answers."""
        if self._process is not None:
            os.kill(self._process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        """Continues a paused server."""
        if self._process is not None:
            os.kill(self._process.pid, signal.SIGCONT)

    def stop(self) -> None:
        """Resumes (if paused) and terminates the server."""
        if self._process is None or self._process.poll() is not None:
            return
        self.resume()
        self._process.terminate()
        try:
            self._process.wait(10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(10)


def pipe(source: socket.socket, sink: socket.socket) -> None:
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


class Link:
    """A TCP relay on 127.0.0.1 that can be cut and restored on the same port.

    Args:
        target_port: Where connections go (the action server).
    """

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = free_port()
        self._server: socket.socket | None = None
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        """The action server's webhook through the relay."""
        return f"http://127.0.0.1:{self.port}/webhook"

    def restore(self) -> None:
        """Listens again (or for the first time) and relays new connections."""
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen(128)
        self._server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def cut(self) -> None:
        """Stops listening and drops every relayed connection: the target looks down."""
        server, self._server = self._server, None
        if server is not None:
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
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        pipe(source, sink)
        with self._lock:
            self._open = [s for s in self._open if s not in (source, sink)]
