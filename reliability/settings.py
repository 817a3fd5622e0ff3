"""What a reliability run uses: the channel secrets it sets and how big each part is.

The secrets are test values, distinctive enough that a search of the captured
logs for each one finds nothing but a real leak. ``FULL`` is ``make reliability``;
``SHORT`` is what ``make test`` runs. Sizes can be overridden from the
environment (``KW_REL_PAYLOADS``, ``KW_REL_LOAD_SECONDS``, ``KW_REL_VISITORS``),
read here and nowhere else.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHANNELS = ("wechat", "kakao", "telegram", "rest")
PATHS = {name: f"/webhooks/{name}/webhook" for name in CHANNELS}


@dataclass(frozen=True)
class Secrets:
    """The channel credentials of a run; every value is searched for in the logs."""

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
        """The variables that switch every channel on (make run reads these)."""
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
        """Secret values to look for in logs: each variable, and the token's secret half."""
        values = dict(self.environment())
        values["TELEGRAM_TOKEN (secret part)"] = self.telegram_token.split(":", 1)[1]
        values["RASA_API_TOKEN"] = self.rasa_api_token
        return values


@dataclass(frozen=True)
class Profile:
    """Sizes of a run.

    Attributes:
        payloads: Malformed requests per channel.
        visitors: Concurrent virtual visitors of the load.
        load_seconds: How long the load runs.
        think: Seconds a visitor waits between messages (min, max).
        fault_visitors: Visitors kept busy while a fault is injected.
        pause_seconds: How long Redis is stopped with SIGSTOP.
    """

    payloads: int
    visitors: int
    load_seconds: float
    think: tuple[float, float] = (2.0, 6.0)
    fault_visitors: int = 12
    pause_seconds: float = 30.0

    def overridden(self, env: Mapping[str, str]) -> Profile:
        """This profile with sizes taken from ``KW_REL_*`` variables where set."""
        changes: dict[str, object] = {}
        if env.get("KW_REL_PAYLOADS"):
            changes["payloads"] = int(env["KW_REL_PAYLOADS"])
        if env.get("KW_REL_LOAD_SECONDS"):
            changes["load_seconds"] = float(env["KW_REL_LOAD_SECONDS"])
        if env.get("KW_REL_VISITORS"):
            changes["visitors"] = int(env["KW_REL_VISITORS"])
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


FULL = Profile(payloads=5000, visitors=50, load_seconds=300.0)
SHORT = Profile(payloads=500, visitors=10, load_seconds=20.0, fault_visitors=8, pause_seconds=12.0)

#: A reply slower than this misses WeChat's and Kakao's window.
PLATFORM_WINDOW = 5.0
#: The service must answer normally again within this many seconds of Redis coming back.
RECOVERY_BOUND = 10.0
#: Longest user text the connectors hand to Rasa (channels.common.limits).
MAX_MESSAGE_CHARS = 1000
