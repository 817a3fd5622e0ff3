"""``/health``, ``/ready`` and ``/metrics`` for operators and load balancers.

``/health`` answers 200 while the process serves HTTP. ``/ready`` answers 200
only when every readiness check passes, else 503 with a JSON body naming the
failing ones, so a load balancer stops sending visitors to a replica that cannot
answer. ``/metrics`` is prometheus-client's text format (``bot.server.metrics``).

Readiness checks live in one registry, ``READY_CHECKS``; ``add_ready_check``
adds one (other features register theirs: a draining server, a supervised action
server). A check takes no argument and returns a bool, or an awaitable of one.
Load balancers poll often, so the checks' answer is kept for ``CACHE_SECONDS``
and each check gets at most ``CHECK_TIMEOUT`` seconds (a slow one counts as failing).

``install`` adds the routes and the Rasa server's own checks (the model is
loaded, the action server answers, Redis answers in Redis mode) to the Sanic app
Rasa builds in ``rasa.core.run.configure_app``; ``add_metrics_route`` gives
rasa-sdk's action server its ``/metrics`` (it has its own ``/health``).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from bot.server import drain, metrics, warmup

logger = logging.getLogger(__name__)

ReadyCheck = Callable[[], "bool | Awaitable[bool]"]
#: name → check; all must pass for ``/ready`` to answer 200.
READY_CHECKS: dict[str, ReadyCheck] = {}
#: Seconds an answer of the checks is reused.
CACHE_SECONDS = 1.0
#: Seconds a single check may take before it counts as failing.
CHECK_TIMEOUT = 0.5


def add_ready_check(name: str, check: ReadyCheck) -> None:
    """Registers a readiness check (replacing one of the same name).

    Args:
        name: Shown in ``/ready``'s body when the check fails.
        check: Returns True when this part is ready; may be a coroutine function.
            It must be cheap: it runs at most once per ``CACHE_SECONDS``.
    """
    READY_CHECKS[name] = check


async def _run_check(check: ReadyCheck, timeout: float) -> bool:
    try:
        result = check()
        if inspect.isawaitable(result):
            result = await asyncio.wait_for(result, timeout)
        return bool(result)
    except Exception:  # noqa: BLE001 - a broken or slow check means "not ready"
        logger.debug("readiness check failed", exc_info=True)
        return False


async def run_checks(
    checks: Mapping[str, ReadyCheck] | None = None, timeout: float = CHECK_TIMEOUT
) -> dict[str, bool]:
    """Runs the checks side by side.

    Args:
        checks: The checks; ``READY_CHECKS`` when omitted.
        timeout: Seconds each may take.

    Returns:
        Each check's name and whether it passed.
    """
    chosen = READY_CHECKS if checks is None else checks
    names = list(chosen)
    results = await asyncio.gather(*(_run_check(chosen[n], timeout) for n in names))
    return dict(zip(names, results, strict=True))


class ReadyCache:
    """Remembers the checks' answer for a short while, so polling costs little."""

    def __init__(self, seconds: float = CACHE_SECONDS) -> None:
        self._seconds = seconds
        self._at = -1e9
        self._answer: dict[str, bool] = {}
        self._lock = asyncio.Lock()

    async def answer(self) -> dict[str, bool]:
        """The checks' results, at most ``seconds`` old."""
        async with self._lock:  # one run at a time, however many polls arrive
            if time.monotonic() - self._at >= self._seconds:
                self._answer = await run_checks()
                self._at = time.monotonic()
                for name, passed in self._answer.items():
                    metrics.READY_CHECKS.labels(name).set(1 if passed else 0)
            return self._answer


def ready_body(results: Mapping[str, bool]) -> tuple[dict[str, Any], int]:
    """The body and status of ``/ready`` for the checks' results. Pure."""
    failing = sorted(name for name, passed in results.items() if not passed)
    body = {"ready": not failing, "failing": failing, "checks": dict(results)}
    return body, 503 if failing else 200


def add_metrics_route(app: Any) -> None:
    """Adds ``GET /metrics`` (Prometheus text format) to a Sanic app."""
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
    from sanic import response

    async def prometheus_metrics(_: Any) -> Any:
        return response.raw(generate_latest(), content_type=CONTENT_TYPE_LATEST)

    app.add_route(prometheus_metrics, "/metrics", methods=["GET"], name="kw_metrics")


def add_operations_routes(app: Any) -> None:
    """Adds ``/health``, ``/ready`` and ``/metrics`` to a Sanic app."""
    from sanic import response

    cache = ReadyCache()

    async def health(_: Any) -> Any:
        return response.json({"status": "ok"})

    async def ready(_: Any) -> Any:
        body, status = ready_body(await cache.answer())
        return response.json(body, status=status)

    app.add_route(health, "/health", methods=["GET"], name="kw_health")
    app.add_route(ready, "/ready", methods=["GET"], name="kw_ready")
    add_metrics_route(app)


def health_url(action_url: str) -> str:
    """The action server's ``/health`` for its webhook URL. Pure."""
    base = action_url.rstrip("/")
    if base.endswith("/webhook"):
        base = base[: -len("/webhook")]
    return f"{base}/health"


def model_check(app: Any) -> ReadyCheck:
    """A check that the Rasa app's agent has loaded its model."""

    def model_loaded() -> bool:
        agent = getattr(app.ctx, "agent", None)
        return agent is not None and bool(agent.is_ready())

    return model_loaded


class HttpCheck:
    """A check that ``GET url`` answers 200 within ``timeout`` seconds.

    One HTTP session for the life of the server (created on first use, inside its
    event loop); ``close`` ends it when the server stops.
    """

    def __init__(self, url: str, timeout: float = CHECK_TIMEOUT) -> None:
        self.url = url
        self.timeout = timeout
        self._session: Any = None

    async def __call__(self) -> bool:
        """Tells whether the URL answers 200 now."""
        import aiohttp

        if self._session is None or self._session.closed:
            timeout = aiohttp.ClientTimeout(total=self.timeout)
            self._session = aiohttp.ClientSession(timeout=timeout)
        try:
            async with self._session.get(self.url) as reply:
                return bool(reply.status == 200)
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError):
            return False

    async def close(self, *_: Any) -> None:
        """Closes the session (a Sanic ``after_server_stop`` listener)."""
        if self._session is not None:
            await self._session.close()


def redis_check(url: str, timeout: float = CHECK_TIMEOUT) -> ReadyCheck:
    """A check that Redis at ``url`` answers a PING (no retries: polled anyway)."""
    from bot.redis_client import connect_async

    client = connect_async(url, timeout=timeout, retries=0)

    async def answers() -> bool:
        return bool(await client.ping())

    return answers


def count_action_server_errors() -> None:
    """Counts failed calls to the action server in ``kw_action_server_errors_total``."""
    from rasa.core.actions.action import ActionExecutionRejection, RemoteAction

    if getattr(RemoteAction.run, "_kw_counts", False):
        return
    original = RemoteAction.run

    async def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return await original(self, *args, **kwargs)
        except ActionExecutionRejection:
            raise  # an action declining to run (forms) is an answer, not a failure
        except Exception:
            metrics.ACTION_SERVER_ERRORS.inc()
            raise

    run._kw_counts = True  # type: ignore[attr-defined]
    RemoteAction.run = run


def install() -> None:
    """Makes every app Rasa configures serve the operations routes, with Rasa's checks.

    Called before Rasa's command line runs (``bot.server.rasa_server``). The action
    server is checked at its ``/health`` when the endpoints name one; Redis when
    ``REDIS_URL`` is set.
    """
    import rasa.core.run

    from bot.settings import get_settings

    count_action_server_errors()
    configure = rasa.core.run.configure_app
    if getattr(configure, "_kw_operations", False):
        return

    def configure_app(*args: Any, **kwargs: Any) -> Any:
        app = configure(*args, **kwargs)
        add_operations_routes(app)
        add_ready_check("model", model_check(app))
        add_ready_check("warm", warmup.warm_check(app))
        app.add_task(warmup.warm_up(app))
        # Issue 14: a draining replica, or one whose action server the supervisor is
        # restarting, must stop getting visitors at once (no I/O: flags set by signals).
        add_ready_check("not_draining", lambda: not drain.draining())
        add_ready_check("action_server_running", lambda: not drain.action_server_down())
        endpoints = kwargs.get("endpoints")
        action = getattr(endpoints, "action", None)
        if action is not None and getattr(action, "url", None):
            check = HttpCheck(health_url(action.url))
            add_ready_check("action_server", check)
            app.register_listener(check.close, "after_server_stop")
        redis_url = get_settings().redis_url
        if redis_url:
            add_ready_check("redis", redis_check(redis_url))
        return app

    configure_app._kw_operations = True  # type: ignore[attr-defined]
    rasa.core.run.configure_app = configure_app
