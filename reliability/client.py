"""Sending prepared requests to 127.0.0.1 and reading what came back.

``send_all`` posts many requests with bounded concurrency and a timeout each;
``reason`` finds the explanation a 4xx carries; ``read_reply`` decides whether a
reply is a valid platform reply and whether it is a real answer or one of the
connectors' own polite texts (busy, unavailable, error, slow down, too long).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlparse

import aiohttp

from harness import wechat
from harness.ports import check_local
from harness.requests import Request
from harness.secrets import Secrets

#: Catalog ids of the texts a connector says instead of an answer.
GRACEFUL_IDS = ("busy", "unavailable", "error", "rate_limited", "too_long", "waiting", "no_answer")


@dataclass(frozen=True)
class Outcome:
    """What one request got."""

    channel: str
    kind: str
    status: int
    seconds: float
    body: bytes
    error: str = ""
    sent_at: float = 0.0

    @property
    def ok(self) -> bool:
        """2xx."""
        return 200 <= self.status < 300


async def send(
    session: aiohttp.ClientSession, base_url: str, request: Request, timeout: float = 30.0
) -> Outcome:
    """Posts one request; a timeout or a dropped connection becomes status 0 with the error."""
    started = time.monotonic()
    try:
        async with session.post(
            base_url + request.url_path,
            data=request.body,
            params=request.params,
            headers=request.headers,
            timeout=aiohttp.ClientTimeout(total=timeout),
        ) as reply:
            body = await reply.read()
            seconds = time.monotonic() - started
            return Outcome(request.channel, request.kind, reply.status, seconds, body)
    except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
        error = f"{type(exc).__name__}: {exc}"
        return Outcome(request.channel, request.kind, 0, time.monotonic() - started, b"", error)


async def send_all(
    base_url: str, requests: Iterable[Request], concurrency: int = 8, timeout: float = 30.0
) -> list[Outcome]:
    """Posts every request, ``concurrency`` at a time; outcomes in request order."""
    check_local(base_url)
    pending = list(requests)
    results: list[Outcome | None] = [None] * len(pending)
    gate = asyncio.Semaphore(concurrency)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one(index: int) -> None:
            async with gate:
                results[index] = await send(session, base_url, pending[index], timeout)

        await asyncio.gather(*(one(index) for index in range(len(pending))))
    return [outcome for outcome in results if outcome is not None]


def _http_request(base_url: str, request: Request) -> bytes:
    """The bytes of an HTTP/1.1 POST carrying ``request`` (the connection closes after it)."""
    parsed = urlparse(base_url)
    target = request.url_path + ("?" + urlencode(request.params) if request.params else "")
    headers = {
        "Host": f"{parsed.hostname}:{parsed.port}",
        "Content-Length": str(len(request.body)),
        "Connection": "close",
        **request.headers,
    }
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    return f"POST {target} HTTP/1.1\r\n{head}\r\n".encode("latin-1") + request.body


def _http_response(raw: bytes) -> tuple[int, bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/") else 0
    if b"transfer-encoding: chunked" in head.lower():
        chunks, rest = [], body
        while rest:
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line.split(b";")[0] or b"0", 16)
            if size == 0:
                break
            chunks.append(rest[:size])
            rest = rest[size + 2 :]
        body = b"".join(chunks)
    return status, body


async def send_in_order(
    base_url: str, requests: Sequence[Request], spacing: float, timeout: float = 60.0
) -> list[Outcome]:
    """Posts requests in a known order, without waiting for answers.

    Every connection is opened first, then each request is written ``spacing``
    seconds after the previous one.

    With aiohttp, a request that needs a new connection can overtake an earlier one
    while connections are being opened; here the order the server receives is the
    order of ``requests``.
    """
    check_local(base_url)
    parsed = urlparse(base_url)
    streams = [await asyncio.open_connection(parsed.hostname, parsed.port) for _ in requests]
    started: list[float] = []
    for index, (request, (_, writer)) in enumerate(zip(requests, streams, strict=True)):
        if index:
            await asyncio.sleep(spacing)
        writer.write(_http_request(base_url, request))
        await writer.drain()
        started.append(time.monotonic())

    async def answer(index: int) -> Outcome:
        reader, writer = streams[index]
        try:
            raw = await asyncio.wait_for(reader.read(), timeout)
            status, body = _http_response(raw)
            error = ""
        except (asyncio.TimeoutError, OSError) as exc:
            status, body, error = 0, b"", f"{type(exc).__name__}: {exc}"
        finally:
            writer.close()
        request = requests[index]
        seconds = time.monotonic() - started[index]
        return Outcome(request.channel, request.kind, status, seconds, body, error, started[index])

    return list(await asyncio.gather(*(answer(index) for index in range(len(requests)))))


def reason(outcome: Outcome) -> str:
    """The explanation a refusal carries: ``reason``/``description`` in JSON, else the text."""
    text = outcome.body.decode("utf-8", "replace").strip()
    try:
        data = json.loads(text)
    except ValueError:
        return text[:200]
    if isinstance(data, dict):
        for key in ("reason", "description", "message"):
            if isinstance(data.get(key), str) and data[key].strip():
                return data[key][:200]
    return ""


def catalog_texts() -> dict[str, str]:
    """Every language variant of the connectors' own polite texts -> its catalog id."""
    from channels.common.catalog import load_catalog

    catalog = load_catalog()
    texts: dict[str, str] = {}
    for message_id in GRACEFUL_IDS:
        for text in (catalog.get(message_id) or {}).values():
            texts[text.strip()] = message_id
    return texts


def graceful_id(text: str) -> str:
    """The catalog id when ``text`` is one of the polite texts (in one or both languages)."""
    known = catalog_texts()
    parts = [part.strip() for part in text.strip().split("\n") if part.strip()]
    ids = {known.get(part, "") for part in parts}
    return ids.pop() if len(ids) == 1 and "" not in ids else ""


@dataclass(frozen=True)
class Reply:
    """A reply as the visitor would see it."""

    valid: bool
    texts: tuple[str, ...] = ()
    late: bool = False
    problem: str = ""

    @property
    def graceful(self) -> str:
        """The catalog id of the polite text this reply is, or ""."""
        return graceful_id("\n".join(self.texts)) if self.texts else ""


def open_wechat(body: bytes, secrets: Secrets) -> Reply:
    """Reads a WeChat passive reply (sealed, its signature checked) or ``success``."""
    text = body.decode("utf-8", "replace").strip()
    if text == "success":
        return Reply(True, late=True)
    try:
        fields = wechat.open_reply(
            body, secrets.wechat_token, secrets.wechat_aes_key, secrets.wechat_appid
        )
    except ValueError as exc:
        return Reply(False, problem=f"unreadable WeChat reply: {exc}")
    content = str(fields.get("Content") or "")
    return Reply(bool(content), (content,), problem="" if content else "empty Content")


def open_kakao(body: bytes) -> Reply:
    """Reads a skill response (version 2.0, 1-3 outputs) or a useCallback acknowledgement."""
    try:
        data = json.loads(body)
    except ValueError:
        return Reply(False, problem="not JSON")
    if not isinstance(data, dict) or data.get("version") != "2.0":
        return Reply(False, problem="not a version 2.0 skill response")
    if data.get("useCallback"):
        return Reply(True, late=True)
    outputs = (data.get("template") or {}).get("outputs") or []
    if not 1 <= len(outputs) <= 3:
        return Reply(False, problem=f"{len(outputs)} outputs")
    texts = tuple(output["simpleText"]["text"] for output in outputs if "simpleText" in output) or (
        "(card)",
    )
    return Reply(True, texts)


def open_rest(body: bytes) -> Reply:
    """Reads Rasa's REST answer: a non-empty list of messages."""
    try:
        data = json.loads(body)
    except ValueError:
        return Reply(False, problem="not JSON")
    if not isinstance(data, list) or not data:
        return Reply(False, problem="no messages")
    return Reply(True, tuple(str(m.get("text") or "(rich)") for m in data if isinstance(m, dict)))


#: What the REST channel answers, with a polite text, for a message that was not processed.
REST_TRY_AGAIN = 503


def read_reply(outcome: Outcome, secrets: Secrets, sent_texts: Sequence[str] = ()) -> Reply:
    """Decides whether a webhook reply is valid for its platform, and what it says.

    Args:
        outcome: The webhook's answer.
        secrets: To open WeChat's encrypted replies.
        sent_texts: For Telegram: the texts the bot sent to the chat for this update
            (the webhook itself only answers ``{"ok": true}``).
    """
    if outcome.channel == "rest" and outcome.status == REST_TRY_AGAIN:
        # A turn not stored (Redis away, the action server down): a polite text in
        # the visitor's language, and a status a load balancer passes on.
        reply = open_rest(outcome.body)
        if reply.valid and reply.graceful:
            return reply
    if not outcome.ok:
        return Reply(False, problem=f"status {outcome.status} {outcome.error}".strip())
    if outcome.channel == "wechat":
        return open_wechat(outcome.body, secrets)
    if outcome.channel == "kakao":
        return open_kakao(outcome.body)
    if outcome.channel == "rest":
        return open_rest(outcome.body)
    if not sent_texts:
        return Reply(False, problem="no message sent to the chat")
    return Reply(True, tuple(sent_texts))


def as_json(value: Any) -> str:
    """Compact JSON for logs and results."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
