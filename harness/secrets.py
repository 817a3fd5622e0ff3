"""The channel credentials a run gives the assistant: test values, never real ones.

Each value is distinctive, so a search of a run's logs for it finds nothing but a
real leak. ``environment`` gives the variables ``make run`` reads to switch every
channel on; the request builders (``harness.requests``) sign with the same values.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Secrets:
    """The credentials of every channel, plus a Rasa API token for the API checks."""

    wechat_token: str = "relWxTok7Q2m9Vb"
    wechat_appid: str = "wxrel0000000000001"
    wechat_appsecret: str = "relWxAppSecret5K8vZ"
    wechat_aes_key: str = "RelAesKey0123456789abcdefghijKLMNOPqrstuvwx"
    wechat_account: str = "gh_rel000000001"
    kakao_secret: str = "relKakaoSkill3N7xQ"
    telegram_token: str = "654321:relTgTokenAAH9fqWx"
    telegram_secret: str = "relTgHook-4Z1pLm"
    rasa_api_token: str = "relRasaApi8W3cTy"

    def environment(self) -> dict[str, str]:
        """The variables that switch every channel on (``make run`` reads these)."""
        return {
            "WECHAT_TOKEN": self.wechat_token,
            "WECHAT_APPID": self.wechat_appid,
            "WECHAT_APPSECRET": self.wechat_appsecret,
            "WECHAT_AES_KEY": self.wechat_aes_key,
            "KAKAO_SKILL_SECRET": self.kakao_secret,
            "TELEGRAM_TOKEN": self.telegram_token,
            "TELEGRAM_SECRET_TOKEN": self.telegram_secret,
        }

    def searched(self) -> dict[str, str]:
        """Secret values to look for in logs: each variable, and the bot token's secret half."""
        values = dict(self.environment())
        values["TELEGRAM_TOKEN (secret part)"] = self.telegram_token.split(":", 1)[1]
        values["RASA_API_TOKEN"] = self.rasa_api_token
        return values

    def as_json(self) -> dict[str, Any]:
        """The values as a JSON object (for a process started with a spec file)."""
        return dataclasses.asdict(self)
