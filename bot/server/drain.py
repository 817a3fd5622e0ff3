"""Draining the Rasa server on SIGTERM, and refusing traffic while its action server is down.

Installed on Rasa's Sanic app by ``bot.server.rasa_server``. On SIGTERM:

1. ``draining()`` turns true at once (the readiness check reports it);
2. every response carries ``Connection: close``, so no keep-alive connection
   brings more work, and new requests other than GETs (health checks) answer
   503 with ``Connection: close``: a proxy with ``proxy_next_upstream http_503``
   passes them to another replica, and no turn starts here;
3. turns in flight finish (their conversation locks are released by Rasa as
   they end), for ``KW_DRAIN_SECONDS`` at most;
4. then the server stops as Sanic does (connectors wait for late deliveries,
   the stores close, the lock store's liveness key goes).

The supervisor (``bot.server.supervisor``) sends SIGUSR1 when the action server
died and SIGUSR2 when it answers again. In between, ``action_server_down()`` is
true and webhook requests answer 503 (every custom action would fail, each
failed turn stored without its answer), so the proxy uses another replica.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Any

logger = logging.getLogger(__name__)

#: Seconds Sanic waits for open connections after stopping (every turn has ended by then).
GRACEFUL_SHUTDOWN_SECONDS = 1.0


class _State:
    draining = False
    action_server_down = False
    in_flight = 0


def draining() -> bool:
    """Whether this server got SIGTERM and is finishing its turns: it is not ready."""
    return _State.draining


def action_server_down() -> bool:
    """Whether the supervisor reported the action server down (SIGUSR1; SIGUSR2 ends it)."""
    return _State.action_server_down


def in_flight() -> int:
    """Requests being handled now."""
    return _State.in_flight


def reset() -> None:
    """Back to serving (for tests that install the drain on several apps in one process)."""
    _State.draining = _State.action_server_down = False
    _State.in_flight = 0


def refuses(method: str, path: str) -> bool:
    """Whether a request gets 503: any non-GET while draining, webhooks while actions are down."""
    if _State.draining and method != "GET":
        return True
    return _State.action_server_down and path.startswith("/webhooks/") and method == "POST"


def _close_after(request: Any) -> None:
    stream = getattr(request, "stream", None)
    if stream is not None and hasattr(stream, "keep_alive"):
        stream.keep_alive = False  # Sanic writes "Connection: close" and closes after


async def _drain_then_stop(app: Any, seconds: float) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while _State.in_flight > 0 and loop.time() < deadline:
        await asyncio.sleep(0.05)
    if _State.in_flight:
        logger.warning("Stopping with %d requests still in flight", _State.in_flight)
    app.stop()


def _set_action_server_down(down: bool) -> None:
    _State.action_server_down = down
    logger.warning("Action server %s", "down: refusing webhooks" if down else "back")


def listen_for_supervisor() -> None:
    """Takes SIGUSR1/SIGUSR2 from process start, before the event loop takes them over.

    Their default action would kill the process while the model still loads.
    """
    signal.signal(signal.SIGUSR1, lambda *_: _set_action_server_down(True))
    signal.signal(signal.SIGUSR2, lambda *_: _set_action_server_down(False))


def install(app: Any, seconds: float) -> None:
    """Adds the drain to a Sanic app: counting, refusing, closing, and the signal handlers.

    Args:
        app: Rasa's Sanic app, before it starts.
        seconds: How long turns in flight may take to finish after SIGTERM.
    """
    from sanic import response

    app.config.GRACEFUL_SHUTDOWN_TIMEOUT = GRACEFUL_SHUTDOWN_SECONDS

    async def count_or_refuse(request: Any) -> Any:
        if refuses(request.method, request.path):
            _close_after(request)
            why = "draining" if _State.draining else "action server down"
            return response.json(
                {"status": why}, status=503, headers={"Retry-After": "1", "Connection": "close"}
            )
        request.ctx.kw_counted = True
        _State.in_flight += 1
        return None

    async def uncount(request: Any, _response: Any) -> None:
        if getattr(request.ctx, "kw_counted", False):
            request.ctx.kw_counted = False
            _State.in_flight -= 1
        if _State.draining:
            _close_after(request)

    def begin_drain() -> None:
        if _State.draining:
            return
        _State.draining = True
        logger.warning("SIGTERM: draining %d requests (%.0f s at most)", _State.in_flight, seconds)
        asyncio.ensure_future(_drain_then_stop(app, seconds))

    async def take_signals(_app: Any, loop: asyncio.AbstractEventLoop) -> None:
        # Replaces Sanic's own SIGTERM handler (stop at once), set just before this runs.
        loop.add_signal_handler(signal.SIGTERM, begin_drain)
        loop.add_signal_handler(signal.SIGUSR1, _set_action_server_down, True)
        loop.add_signal_handler(signal.SIGUSR2, _set_action_server_down, False)

    app.register_middleware(count_or_refuse, "request")
    app.register_middleware(uncount, "response")
    app.register_listener(take_signals, "after_server_start")
