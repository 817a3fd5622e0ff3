"""The asyncio Redis clients against a real redis-server that stops answering (SIGSTOP)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bot import redis_client
from harness.redis_server import RedisServer


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RedisServer]:
    one = RedisServer(tmp_path)
    one.start()
    try:
        yield one
    finally:
        one.resume()
        one.stop()


async def _timed(client, *args: str) -> tuple[float, BaseException | None]:
    started = time.monotonic()
    try:
        await client.execute_command(*args)
    except (RedisConnectionError, RedisTimeoutError) as error:
        return time.monotonic() - started, error
    return time.monotonic() - started, None


def test_after_a_failed_command_the_next_ones_fail_at_once_then_redis_is_asked_again(
    server: RedisServer,
) -> None:
    async def scenario() -> list[tuple[float, BaseException | None]]:
        client = redis_client.connect_async(server.url, timeout=0.3, retries=1)
        other = redis_client.connect_async(server.url, timeout=0.3, retries=1)
        await client.ping()
        await other.ping()
        server.pause()
        results = [await _timed(client, "SET", "k", "1")]  # waits out its timeouts
        results.append(await _timed(other, "GET", "k"))  # another client: fails at once
        server.resume()
        await asyncio.sleep(redis_client.BREAKER_SECONDS + 0.1)
        results.append(await _timed(client, "GET", "k"))  # asked again: answers
        await client.close()
        await other.close()
        return results

    (slow, first), (fast, second), (_, third) = asyncio.run(scenario())
    assert first is not None and slow >= 0.6
    assert isinstance(second, RedisConnectionError) and fast < 0.1
    assert third is None
