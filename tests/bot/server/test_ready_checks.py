"""The readiness registry: checks of every kind, a slow or broken one fails, answers are cached."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from bot.server import operations
from bot.server.operations import READY_CHECKS, ReadyCache, add_ready_check, ready_body, run_checks


@pytest.fixture(autouse=True)
def empty_registry() -> Iterator[None]:
    saved = dict(READY_CHECKS)
    READY_CHECKS.clear()
    yield
    READY_CHECKS.clear()
    READY_CHECKS.update(saved)


async def test_sync_async_slow_and_broken_checks() -> None:
    async def slow() -> bool:
        await asyncio.sleep(5)
        return True

    def broken() -> bool:
        raise RuntimeError("boom")

    async def fine() -> bool:
        return True

    add_ready_check("sync", lambda: True)
    add_ready_check("async", fine)
    add_ready_check("slow", slow)
    add_ready_check("broken", broken)
    results = await run_checks(timeout=0.05)
    assert results == {"sync": True, "async": True, "slow": False, "broken": False}
    body, status = ready_body(results)
    assert status == 503 and body["failing"] == ["broken", "slow"]
    expected = {"ready": True, "failing": [], "checks": {"sync": True}}
    assert ready_body({"sync": True}) == (expected, 200)


async def test_answers_are_cached_for_a_second() -> None:
    calls: list[int] = []
    add_ready_check("counted", lambda: calls.append(1) is None)
    cache = ReadyCache(seconds=60)
    for _ in range(5):
        assert await cache.answer() == {"counted": True}
    assert len(calls) == 1
    assert operations.health_url("http://actions:5055/webhook") == "http://actions:5055/health"
