"""A round-robin HTTP proxy on 127.0.0.1 that passes a failed request to the next replica.

It stands in for the load balancer of the documented scale-out (nginx in front
of several Rasa servers on one Redis): each request goes to the next replica in
turn; when the connection is refused or reset, the reply is cut short, or the
replica answers 502 or 503, the same request is passed to the next replica, as
nginx does with ``proxy_next_upstream error http_502 http_503 non_idempotent``
(``non_idempotent`` lets it pass a POST on even after sending it, which is what
exposes a turn stored twice). When every replica failed, the client gets 502.

Like a load balancer with health checks (the compose file's, a Kubernetes
readiness probe), it asks every replica ``/ready`` twice a second (``/`` when a
replica has no ``/ready``, as before the lean-server work) and sends new
requests to the replicas that answered 200 first: a replica that is still
loading its model accepts connections long before it can answer them. Pass
``health=False`` for a proxy without checks (plain nginx).

One request per client connection (the reply says ``Connection: close``), the
replica that answered named in an ``X-Upstream`` header, every attempt recorded
in ``attempts`` for the report.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import Counter
from dataclasses import dataclass, field

#: Replica answers that send the request on to the next replica, as nginx's http_502/http_503.
PASS_ON_STATUSES = (502, 503)
#: Paths of the health check: the first that exists (is not 404) must answer 200.
HEALTH_PATHS = ("/ready", "/")
#: Seconds between health checks, and the most one may take.
HEALTH_EVERY = 0.5
HEALTH_TIMEOUT = 1.0
#: Header of the reply naming the replica that answered.
UPSTREAM_HEADER = "X-Upstream"
_HOP_HEADERS = (b"connection", b"keep-alive", b"proxy-connection")


@dataclass(frozen=True)
class Attempt:
    """One try of one request on one replica."""

    at: float
    upstream: str
    status: int
    error: str = ""


def parse_head(head: bytes) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    """The first line and the headers of an HTTP message head (without the blank line). Pure."""
    lines = head.split(b"\r\n")
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name:
            headers.append((name.strip(), value.strip()))
    return lines[0], headers


def content_length(headers: list[tuple[bytes, bytes]]) -> int:
    """The Content-Length of a message (0 when absent). Pure."""
    for name, value in headers:
        if name.lower() == b"content-length":
            return int(value)
    return 0


def rebuild(first: bytes, headers: list[tuple[bytes, bytes]], extra: dict[str, str]) -> bytes:
    """A message head with the hop-by-hop headers replaced by ``Connection: close``. Pure."""
    kept = [(n, v) for n, v in headers if n.lower() not in _HOP_HEADERS]
    kept += [(n.encode("latin-1"), v.encode("latin-1")) for n, v in extra.items()]
    kept.append((b"Connection", b"close"))
    return first + b"\r\n" + b"".join(n + b": " + v + b"\r\n" for n, v in kept) + b"\r\n"


def status_of(raw: bytes) -> int:
    """The status code of a raw HTTP response; 0 when it is not one. Pure."""
    if not raw.startswith(b"HTTP/"):
        return 0
    parts = raw.split(b" ", 2)
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


@dataclass
class FailoverProxy:
    """The proxy; ``async with`` it to listen, ``url`` is where.

    Args:
        upstreams: Name -> base port of each replica on 127.0.0.1, tried in this order.
        read_timeout: Seconds a replica may take to answer (nginx's ``proxy_read_timeout``).
        connect_timeout: Seconds to connect to a replica.
        health: Whether to check the replicas' health and prefer the healthy ones.
    """

    upstreams: dict[str, int]
    read_timeout: float = 30.0
    connect_timeout: float = 2.0
    health: bool = True
    healthy: dict[str, bool] = field(default_factory=dict)
    attempts: list[Attempt] = field(default_factory=list)
    port: int = 0
    #: Per replica: when each request it has in hand was sent to it.
    in_hand: dict[str, dict[int, float]] = field(default_factory=dict)

    async def __aenter__(self) -> FailoverProxy:
        self._turn, self._tokens = itertools.count(), itertools.count()
        self._handlers: set[asyncio.Task[None]] = set()
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = int(self._server.sockets[0].getsockname()[1])
        self.healthy = dict.fromkeys(self.upstreams, True)
        self._checks = asyncio.ensure_future(self._check_health()) if self.health else None
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._checks is not None:
            self._checks.cancel()
        self._server.close()
        for task in list(self._handlers):  # requests still waiting for a replica
            task.cancel()
        await self._server.wait_closed()

    @property
    def url(self) -> str:
        """The proxy's base URL."""
        return f"http://127.0.0.1:{self.port}"

    def passed_on(self, since: int = 0) -> dict[str, int]:
        """Attempts from number ``since`` on that sent the request on, by why."""
        why = Counter(
            "refused"
            if a.error.startswith("connect")
            else "cut in flight"
            if a.error
            else f"{a.status}"
            for a in self.attempts[since:]
            if a.error or a.status in PASS_ON_STATUSES
        )
        return dict(why)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._handlers.add(task)
            task.add_done_callback(self._handlers.discard)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            first, headers = parse_head(head[:-4])
            body = await reader.readexactly(content_length(headers))
            writer.write(await self.forward(first, headers, body))
            await writer.drain()
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass  # the client went away (e.g. its own timeout); nothing to answer
        except asyncio.CancelledError:
            pass  # the proxy is closing
        finally:
            writer.close()

    async def forward(self, first: bytes, headers: list[tuple[bytes, bytes]], body: bytes) -> bytes:
        """Sends the request to each replica in turn until one answers; returns the raw reply."""
        names = list(self.upstreams)
        start = next(self._turn) % len(names)
        turn = names[start:] + names[:start]
        # The healthy first; the others still get the request when no replica is healthy.
        for name in sorted(turn, key=lambda n: not self.healthy[n]):
            request = rebuild(first, headers, {}) + body
            raw, error = await self._try(name, request)
            status = status_of(raw)
            self.attempts.append(Attempt(time.monotonic(), name, status, error))
            if not error and status not in PASS_ON_STATUSES:
                reply_head, _, reply_body = raw.partition(b"\r\n\r\n")
                reply_first, reply_headers = parse_head(reply_head)
                return rebuild(reply_first, reply_headers, {UPSTREAM_HEADER: name}) + reply_body
        text = b"every replica failed"
        return (
            b"HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\n"
            + b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(text)
            + text
        )

    async def _try(self, name: str, request: bytes) -> tuple[bytes, str]:
        """The whole reply of one replica, or the error that cut it short."""
        token = next(self._tokens)
        self.in_hand.setdefault(name, {})[token] = time.monotonic()
        try:
            return await self._exchange(self.upstreams[name], request)
        finally:
            del self.in_hand[name][token]

    async def _check_health(self) -> None:
        while True:
            names = list(self.upstreams)
            found = await asyncio.gather(*(self._ready(self.upstreams[n]) for n in names))
            self.healthy.update(zip(names, found, strict=True))
            await asyncio.sleep(HEALTH_EVERY)

    async def _ready(self, port: int) -> bool:
        for path in HEALTH_PATHS:
            request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
            try:
                raw, error = await asyncio.wait_for(
                    self._exchange(port, request.encode("ascii")), HEALTH_TIMEOUT
                )
            except asyncio.TimeoutError:
                return False
            if error or status_of(raw) != 404:
                return not error and status_of(raw) == 200
        return False

    def held(self, name: str) -> float:
        """Seconds the oldest request replica ``name`` has in hand has been there (0 for none)."""
        started = self.in_hand.get(name) or {0: time.monotonic()}
        return time.monotonic() - min(started.values())

    async def busy(self, name: str, timeout: float, held: float = 0.0) -> bool:
        """Waits up to ``timeout`` s for replica ``name`` to hold a request ``held`` s or more.

        Returns:
            Whether it did.
        """
        deadline = time.monotonic() + timeout
        while self.held(name) < held or not self.in_hand.get(name):
            if time.monotonic() >= deadline:
                return False
            await asyncio.sleep(0.002)
        return True

    async def _exchange(self, port: int, request: bytes) -> tuple[bytes, str]:
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection("127.0.0.1", port), self.connect_timeout
            )
        except (OSError, asyncio.TimeoutError) as exc:
            return b"", f"connect: {type(exc).__name__}"
        try:
            writer.write(request)
            await writer.drain()
            raw = await asyncio.wait_for(reader.read(), self.read_timeout)
        except (OSError, asyncio.TimeoutError) as exc:
            return b"", f"read: {type(exc).__name__}"
        finally:
            writer.close()
        head, sep, body = raw.partition(b"\r\n\r\n")
        if not sep:
            return b"", "read: no complete reply"
        expected = content_length(parse_head(head)[1])
        if len(body) < expected:  # the replica died mid-reply
            return b"", "read: reply cut short"
        return raw, ""
