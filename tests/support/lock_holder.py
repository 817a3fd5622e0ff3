"""A process that takes one conversation's lock and holds it, for tests to kill or outwait.

    python -m tests.support.lock_holder PREFIX CONVERSATION SECONDS [--block]

Prints ``held`` once the lock is taken, holds it ``SECONDS`` (with ``--block``
the event loop itself is blocked, as a long synchronous call would), then
releases it and prints ``released <time.time()>``. ``SECONDS`` 0 holds until killed.
"""

from __future__ import annotations

import argparse
import asyncio
import time

from bot.server.lock_store import SafeRedisLockStore
from tests.support.redis import REDIS_URL


async def hold(prefix: str, conversation: str, seconds: float, block: bool) -> None:
    """Takes the lock, holds it, releases it."""
    store = SafeRedisLockStore(url=REDIS_URL, key_prefix=prefix, lease_seconds=30)
    async with store.lock(conversation):
        print("held", flush=True)
        if seconds <= 0:
            await asyncio.Event().wait()
        elif block:
            time.sleep(seconds)
        else:
            await asyncio.sleep(seconds)
    print(f"released {time.time()}", flush=True)
    await store.close()


def main() -> None:
    """Reads the arguments and holds the lock."""
    parser = argparse.ArgumentParser()
    parser.add_argument("prefix")
    parser.add_argument("conversation")
    parser.add_argument("seconds", type=float)
    parser.add_argument("--block", action="store_true")
    args = parser.parse_args()
    asyncio.run(hold(args.prefix, args.conversation, args.seconds, args.block))


if __name__ == "__main__":
    main()
