import socket
import threading
from pathlib import Path

import pytest

from bot.redis_client import answers, connect
from harness.ports import check_local, free_port
from harness.redis_server import RedisServer
from harness.relay import Relay


def _echo_server() -> socket.socket:
    server = socket.create_server(("127.0.0.1", 0))

    def echo(conn: socket.socket) -> None:
        with conn:
            try:
                while data := conn.recv(1024):
                    conn.sendall(data)
            except OSError:
                pass

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            threading.Thread(target=echo, args=(conn,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    return server


def _round_trip(port: int) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=2) as conn:
        conn.sendall(b"ping")
        return conn.recv(16)


def test_a_relay_forwards_until_cut_and_again_once_restored_on_the_same_port() -> None:
    target = _echo_server()
    relay = Relay(target.getsockname()[1])
    try:
        port = relay.port
        held = socket.create_connection(("127.0.0.1", port), timeout=2)
        held.sendall(b"held")
        assert held.recv(16) == b"held" and _round_trip(port) == b"ping"
        relay.cut()
        assert held.recv(16) == b"", "an open connection is dropped"
        with pytest.raises(OSError):
            _round_trip(port)
        relay.restore()
        assert relay.port == port and _round_trip(port) == b"ping"
    finally:
        relay.cut()
        target.close()


def test_only_local_targets() -> None:
    check_local("http://127.0.0.1:5005")
    check_local(f"http://localhost:{free_port()}/webhooks")
    with pytest.raises(ValueError):
        check_local("http://example.org:5005")


def test_a_private_redis_keeps_its_data_across_a_kill_when_persistent(tmp_path: Path) -> None:
    server = RedisServer(tmp_path / "redis", persistent=True)
    try:
        assert server.start() < 10 and server.pid
        client = connect(server.url, timeout=2.0)
        client.set("kw:test:key", "kept")
        client.execute_command("BGREWRITEAOF")  # the AOF on disk now, not after a second
        server.pause()
        assert not answers(server.url, timeout=0.3), "a paused Redis does not answer"
        server.resume()
        server.kill()
        assert not answers(server.url, timeout=0.3)
        server.start()
        assert connect(server.url, timeout=2.0).get("kw:test:key") == "kept"
    finally:
        server.stop()
    assert not answers(server.url, timeout=0.3)
