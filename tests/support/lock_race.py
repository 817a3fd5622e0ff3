"""Two processes fighting over one conversation's lock, as two Rasa servers would.

``run_contention`` starts two processes (``spawn``: nothing shared but Redis).
Each runs a few coroutines that, many times over, take the lock of the same
conversation and, inside it, read a counter in Redis, wait a millisecond and
write it back plus one. A correct lock never lets two critical sections overlap,
never loses an increment and never fails a waiter.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import time
from dataclasses import dataclass
from typing import Any

from tests.support.redis import REDIS_URL

#: A waiter that gets no lock within this long counts as stalled (a correct lock
#: serves the whole contest in a few seconds).
STALL_SECONDS = 3.0


@dataclass
class ContentionResult:
    """What the two processes saw."""

    sections: int
    counter: int
    overlaps: int
    errors: list[str]
    seconds: float

    @property
    def lost_updates(self) -> int:
        """Increments that another critical section overwrote."""
        return self.sections - self.counter

    @property
    def correct(self) -> bool:
        """No overlap, no lost update, no failed waiter."""
        return self.overlaps == 0 and self.lost_updates == 0 and not self.errors

    def summary(self) -> str:
        """One line for the test output."""
        return (
            f"{self.sections} critical sections in {self.seconds:.1f} s: "
            f"{self.overlaps} overlapping, {self.lost_updates} increments lost, "
            f"{len(self.errors)} lock errors"
        )


def _make_store(kind: str, prefix: str) -> Any:
    if kind == "stock":
        from rasa.core.lock_store import RedisLockStore

        return RedisLockStore(host="127.0.0.1", port=6379, db=0, key_prefix=prefix)
    from bot.server.lock_store import SafeRedisLockStore

    return SafeRedisLockStore(url=REDIS_URL, key_prefix=prefix, lease_seconds=5, wait_seconds=20)


async def _contend(
    kind: str, prefix: str, counter_key: str, rounds: int, workers: int
) -> dict[str, Any]:
    from bot.redis_client import connect_async

    client = connect_async(REDIS_URL, timeout=5.0)
    store = _make_store(kind, prefix)
    intervals: list[tuple[float, float]] = []
    errors: list[str] = []

    async def section() -> None:
        async with store.lock("visitor", wait_time_in_seconds=0.002):
            start = time.time()
            value = int(await client.get(counter_key) or 0)
            await asyncio.sleep(0.001)
            await client.set(counter_key, value + 1, ex=600)
            intervals.append((start, time.time()))

    async def worker() -> None:
        for _ in range(rounds):
            try:
                await asyncio.wait_for(section(), STALL_SECONDS)
            except asyncio.TimeoutError:
                errors.append(f"stalled: no lock within {STALL_SECONDS:.0f} s")
            except Exception as error:  # noqa: BLE001 - counted, not raised
                errors.append(f"{type(error).__name__}: {str(error)[:120]}")

    await asyncio.gather(*(worker() for _ in range(workers)))
    await client.close()
    return {"intervals": intervals, "errors": errors}


def _child(
    kind: str,
    prefix: str,
    counter_key: str,
    rounds: int,
    workers: int,
    ready: Any,
    go: Any,
    out: Any,
) -> None:
    _make_store(kind, prefix)  # import Rasa before the start signal
    ready.set()
    go.wait(60)
    out.put(asyncio.run(_contend(kind, prefix, counter_key, rounds, workers)))


def run_contention(kind: str, prefix: str, rounds: int = 40, workers: int = 3) -> ContentionResult:
    """Runs the contest in two processes and checks the result.

    Args:
        kind: "stock" (Rasa's RedisLockStore) or "safe" (SafeRedisLockStore).
        prefix: Key prefix (alphanumeric for the stock store, "kw:…" for ours).
        rounds: Critical sections per coroutine.
        workers: Coroutines per process.

    Returns:
        The counts.
    """
    from bot.redis_client import connect

    context = multiprocessing.get_context("spawn")
    counter_key = f"{prefix}race-counter" if kind == "safe" else f"{prefix}:race-counter"
    out = context.Queue()
    go = context.Event()
    readies = [context.Event() for _ in range(2)]
    processes = [
        context.Process(
            target=_child, args=(kind, prefix, counter_key, rounds, workers, ready, go, out)
        )
        for ready in readies
    ]
    for process in processes:
        process.start()
    try:
        for ready in readies:
            if not ready.wait(60):
                raise RuntimeError("a contender did not start")
        started = time.monotonic()
        go.set()
        results = [out.get(timeout=90) for _ in processes]
        seconds = time.monotonic() - started
    finally:
        for process in processes:
            process.join(10)
            if process.is_alive():
                process.kill()
    intervals = sorted(i for result in results for i in result["intervals"])
    overlaps, latest_end = 0, float("-inf")
    for start, end in intervals:
        overlaps += start < latest_end
        latest_end = max(latest_end, end)
    client = connect(REDIS_URL, timeout=5.0)
    counter = int(client.get(counter_key) or 0)
    client.close()
    return ContentionResult(
        sections=len(intervals),
        counter=counter,
        overlaps=overlaps,
        errors=[error for result in results for error in result["errors"]],
        seconds=seconds,
    )
