"""A Rasa event broker that counts usage for the staff dashboard, off the message path.

Configured in endpoints.yml and endpoints.redis.yml::

    event_broker:
      type: bot.server.usage_broker.UsageBroker

Rasa calls ``publish`` with every new tracker event while it saves a
conversation; this only increments in-memory counters (``bot.usage.counters``).
A daemon thread adds them to the usage store (Redis hashes, or files without
Redis) every ``KW_USAGE_FLUSH`` seconds, and once more on ``close``. A failing
store logs one line and the counts are kept for the next try, up to a bound.
"""

from __future__ import annotations

import logging
import threading
from asyncio import AbstractEventLoop
from collections import Counter
from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.utils.endpoints import EndpointConfig

from bot.settings import get_settings
from bot.usage.counters import Counts, UsageRecorder
from bot.usage.store import UsageStore, open_usage

logger = logging.getLogger(__name__)

#: Hours of counts kept in memory while the store is unreachable.
MAX_UNSAVED_HOURS = 72


class UsageBroker(EventBroker):
    """Counts tracker events in memory and saves the counts in the background.

    Args:
        store: Where counts are added up.
        interval: Seconds between two saves.
    """

    def __init__(self, store: UsageStore, interval: float = 2.0) -> None:
        self.recorder = UsageRecorder()
        self._store = store
        self._interval = interval
        self._unsaved: Counts = {}
        self._stop = threading.Event()
        self._failing = False
        self._thread = threading.Thread(target=self._run, name="kw-usage", daemon=True)
        self._thread.start()

    @classmethod
    async def from_endpoint_config(
        cls, broker_config: EndpointConfig, event_loop: AbstractEventLoop | None = None
    ) -> UsageBroker:
        """Builds the broker from the settings (``KW_USAGE_FLUSH``, REDIS_URL, KW_STATE_DIR)."""
        settings = get_settings()
        return cls(open_usage(settings), settings.usage_flush)

    def publish(self, event: dict[str, Any]) -> None:
        """Counts one event; never raises (counting must not break an answer)."""
        try:
            self.recorder.observe(event)
        except Exception:  # noqa: BLE001 - a counting bug must never cost a visitor's answer
            logger.exception("could not count a tracker event")

    def flush(self) -> None:
        """Adds the counts gathered so far to the store (keeps them if that fails)."""
        for hour, fields in self.recorder.drain().items():
            self._unsaved.setdefault(hour, Counter()).update(fields)
        if not self._unsaved:
            return
        try:
            self._store.add(self._unsaved)
        except Exception as error:  # noqa: BLE001 - Redis or disk away: try again later
            if not self._failing:
                logger.warning("could not save usage counts (%s); will retry", error)
            self._failing = True
            while len(self._unsaved) > MAX_UNSAVED_HOURS:
                self._unsaved.pop(min(self._unsaved))
            return
        self._unsaved, self._failing = {}, False

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self.flush()

    async def close(self) -> None:
        """Stops the background thread and saves what is left."""
        self._stop.set()
        self._thread.join(timeout=5)
        self.flush()
