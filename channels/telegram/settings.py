"""Settings of the Telegram connector, read from its credentials.yml section."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from channels.common.config import optional_choice, optional_float, optional_str, required_str

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
#: The header in which Telegram sends the webhook's secret token.
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass(frozen=True)
class TelegramSettings:
    """Configuration from the ``channels.telegram.TelegramInput`` section of credentials.yml."""

    token: str
    secret_token: str
    api_base_url: str = DEFAULT_API_BASE_URL
    per_chat_interval: float = 1.0
    per_second: float = 30.0
    per_chat_burst: int = 3
    map_provider: str = "google"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TelegramSettings:
        """Reads and checks the section.

        Raises:
            ChannelConfigError: When the token or secret is missing or a value is invalid.
        """
        return cls(
            token=required_str(credentials, "token", "TELEGRAM_TOKEN"),
            secret_token=required_str(credentials, "secret_token", "TELEGRAM_SECRET_TOKEN"),
            api_base_url=optional_str(credentials, "api_base_url", DEFAULT_API_BASE_URL),
            per_chat_interval=optional_float(credentials, "per_chat_interval", 1.0, 0.0, 10.0),
            per_second=optional_float(credentials, "per_second", 30.0, 1.0, 30.0),
            per_chat_burst=int(optional_float(credentials, "per_chat_burst", 3, 1, 20)),
            map_provider=optional_choice(credentials, "map_provider", "google", ("amap", "google")),
        )
