"""Sending bot messages to a Telegram chat: ``TelegramOutput``."""

from __future__ import annotations

from typing import Any

from rasa.core.channels.channel import OutputChannel

from channels.common.replies import BotMessage, parse_bot_message
from channels.common.store import KeyValueStore
from channels.telegram import render
from channels.telegram.sender import Sender

PLATFORM = "telegram"
SHORT_KEY_TTL = 30 * 24 * 3600.0


class TelegramOutput(OutputChannel):
    """Sends each bot message to a chat as Rasa produces it.

    Args:
        sender: Makes the Bot API calls within the flood limits.
        store: Keeps the payloads behind shortened button data.
        language: Language of the connector's own labels (map, links).
        maps: Map provider for venue links.
    """

    def __init__(
        self, sender: Sender, store: KeyValueStore, language: str | None, maps: str = "google"
    ) -> None:
        self._sender = sender
        self._store = store
        self._language = language
        self._maps = maps
        self.sent = 0
        self.sent_texts: list[str] = []

    @classmethod
    def name(cls) -> str:
        """The platform name, so domain responses with ``channel: telegram`` apply."""
        return PLATFORM

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """Plans and sends one bot message."""
        await self.send(int(recipient_id), parse_bot_message(message))

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Sends a plain text message."""
        await self.send(int(recipient_id), BotMessage(text=text))

    async def send(self, chat_id: int, message: BotMessage) -> None:
        """Stores the short keys the message needs, then makes its calls in order."""
        plan = render.plan_message(message, self._language, self._maps)
        for key, payload in plan.short_keys.items():
            await self._store.set(f"telegram:cb:{key}", payload, SHORT_KEY_TTL)
        for call in plan.calls:
            await self._sender.send(chat_id, call)
        self.sent += len(plan.calls)
        if message.text:
            self.sent_texts.append(message.text)
