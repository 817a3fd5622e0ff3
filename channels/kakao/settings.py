"""Settings of the Kakao connector, read from its credentials.yml section."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from channels.common.config import optional_choice, optional_float, optional_str, required_str


@dataclass(frozen=True)
class KakaoSettings:
    """Configuration from the ``channels.kakao.KakaoInput`` section of credentials.yml."""

    skill_secret: str
    secret_header: str = "X-Skill-Secret"
    secret_in: str = "any"
    reply_budget: float = 3.5
    callback_timeout: float = 10.0
    map_provider: str = "google"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> KakaoSettings:
        """Reads and checks the section.

        Raises:
            ChannelConfigError: When the secret is missing or a value is invalid.
        """
        return cls(
            skill_secret=required_str(credentials, "skill_secret", "KAKAO_SKILL_SECRET"),
            secret_header=optional_str(credentials, "secret_header", "X-Skill-Secret"),
            secret_in=optional_choice(credentials, "secret_in", "any", ("header", "path", "any")),
            reply_budget=optional_float(credentials, "reply_budget", 3.5, 0.1, 4.8),
            map_provider=optional_choice(credentials, "map_provider", "google", ("amap", "google")),
        )
