"""Settings of the WeChat connector, read from its credentials.yml section."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from channels.common.config import (
    ChannelConfigError,
    optional_choice,
    optional_float,
    optional_str,
    required_str,
)
from channels.wechat import parse
from channels.wechat.sender import DEFAULT_API_BASE_URL


@dataclass(frozen=True)
class WeChatSettings:
    """Configuration from the ``channels.wechat.WeChatInput`` section of credentials.yml."""

    token: str
    appid: str
    appsecret: str
    aes_key: str = ""
    reply_budget: float = 4.0
    timestamp_window: float = 300.0
    api_base_url: str = DEFAULT_API_BASE_URL
    button_style: str = "links"
    map_provider: str = "amap"
    max_body_bytes: int = 64 * 1024

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WeChatSettings:
        """Reads and checks the section.

        Raises:
            ChannelConfigError: When a required value is missing or a value is invalid.
        """
        aes_key = optional_str(credentials, "aes_key")
        if aes_key:
            try:
                parse.decode_aes_key(aes_key)
            except ChannelConfigError as exc:
                raise ChannelConfigError(f"WECHAT_AES_KEY is invalid: {exc}") from exc
        return cls(
            token=required_str(credentials, "token", "WECHAT_TOKEN"),
            appid=required_str(credentials, "appid", "WECHAT_APPID"),
            appsecret=required_str(credentials, "appsecret", "WECHAT_APPSECRET"),
            aes_key=aes_key,
            reply_budget=optional_float(credentials, "reply_budget", 4.0, 0.1, 4.8),
            api_base_url=optional_str(credentials, "api_base_url", DEFAULT_API_BASE_URL),
            button_style=optional_choice(
                credentials, "button_style", "links", ("links", "numbered")
            ),
            map_provider=optional_choice(credentials, "map_provider", "amap", ("amap", "google")),
        )
