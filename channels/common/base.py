"""What every platform connector is made of: ``PlatformInput``.

A connector is a Rasa ``InputChannel`` served at ``/webhooks/<name>/webhook``.
WeChat, Kakao and Telegram share this skeleton: the channel name, building from
a credentials.yml section through the connector's settings class, the channel
store (created on first use, inside the server's event loop), the
``TaskKeeper`` and its ``MessageGuard``, one ``Turns`` per connector, the
``GET /`` health route, answering a refused request (``refuse``) and draining
background work when the server stops. A connector adds its own routes in
``add_routes`` and releases what it opened in ``close``.
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar, Generic, TypeVar

from rasa.core.channels.channel import InputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.server.replay import TurnLedger, create_ledger
from channels.common.catalog import LanguageMemory
from channels.common.errors import BodyStyle, RequestRefused, refusal_response
from channels.common.runner import MessageGuard, OnNewMessage, TaskKeeper
from channels.common.store import KeyValueStore, create_store
from channels.common.turns import Turns

logger = logging.getLogger(__name__)

SettingsT = TypeVar("SettingsT")

#: Seconds a stopping server waits for late deliveries (WeChat, Kakao callbacks).
DRAIN_SECONDS = 10.0


class PlatformInput(InputChannel, Generic[SettingsT]):
    """The base of the platform connectors.

    Subclasses set ``platform`` (URL segment and channel name), ``display_name``
    (for log lines), ``refusal_style`` (the body of a refusal) and
    ``settings_type`` (a class with ``from_credentials``), and implement
    ``add_routes``.

    Args:
        settings: The connector's configuration.
        store: The channel store; from the settings (``REDIS_URL``) when omitted.
    """

    platform: ClassVar[str] = ""
    display_name: ClassVar[str] = ""
    refusal_style: ClassVar[BodyStyle] = "json"
    settings_type: ClassVar[type[Any]]

    def __init__(self, settings: SettingsT, store: KeyValueStore | None = None) -> None:
        self.settings = settings
        self._store = store
        self.keeper = TaskKeeper()
        self.turns = Turns()
        self._ledger: TurnLedger | None = None

    @classmethod
    def name(cls) -> str:
        """URL segment and channel name: ``/webhooks/<platform>/webhook``."""
        return cls.platform

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Builds the channel from its credentials.yml section.

        Raises:
            ChannelConfigError: When a required value is missing or a value is invalid.
        """
        return cls(cls.settings_type.from_credentials(credentials))

    @property
    def store(self) -> KeyValueStore:
        """The channel store, created on first use (inside the server's event loop)."""
        if self._store is None:
            self._store = create_store()
        return self._store

    def ledger(self) -> TurnLedger:
        """The turn ledger (``bot.server.replay``), created on first use, in the server's loop."""
        if self._ledger is None:
            self._ledger = create_ledger()
        return self._ledger

    @property
    def guard(self) -> MessageGuard:
        """The rate limit and polite replies every message goes through."""
        return self.keeper.guard

    @property
    def memory(self) -> LanguageMemory:
        """The language each user was last seen or answered in."""
        return LanguageMemory(self.store, self.platform)

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """Routes: ``GET /`` health, then the connector's own (``add_routes``)."""
        hook = Blueprint(f"{self.platform}_webhook", __name__)

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        self.add_routes(hook, on_new_message)

        @hook.listener("before_server_stop")
        async def drain(*_: Any) -> None:
            await self.stop()

        return hook

    def add_routes(self, hook: Blueprint, on_new_message: OnNewMessage) -> None:
        """Adds the connector's webhook routes to its blueprint."""
        raise NotImplementedError

    def refuse(self, request: Request, refused: RequestRefused) -> HTTPResponse:
        """The answer to a refused request, in the platform's body format, and its log line."""
        return refusal_response(self.display_name, request.ip, refused, self.refusal_style)

    async def stop(self) -> None:
        """Waits for background deliveries, then releases what the connector opened."""
        if not await self.keeper.wait_idle(timeout=DRAIN_SECONDS):
            logger.warning(
                "Stopping with %d %s deliveries pending", self.keeper.pending, self.display_name
            )
        await self.close()

    async def close(self) -> None:
        """Releases what the connector opened (nothing by default)."""
