"""Sending late or long answers through WeChat's customer-service message API.

Uses wechatpy's client (synchronous, run in a worker thread) against a
configurable API base URL. The access token is shared: it is cached in the
channel store (Redis when ``REDIS_URL`` is set) until five minutes before it
expires, fetched by one caller at a time, and refreshed once when WeChat says it
is invalid. When the store fails (Redis away), the process uses a token of its
own instead, so a late answer is still delivered.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException

from channels.common.store import KeyValueStore

logger = logging.getLogger(__name__)

DEFAULT_API_BASE_URL = "https://api.weixin.qq.com/cgi-bin/"
INVALID_TOKEN_CODES = frozenset({40001, 40014, 42001})
TOKEN_MARGIN = 300.0
LOCK_TTL = 15.0


class _Client(WeChatClient):
    """wechatpy's client with the token endpoint under the same base URL and a timeout."""

    def __init__(self, appid: str, secret: str, api_base_url: str, timeout: float) -> None:
        super().__init__(appid, secret, timeout=timeout, auto_retry=False)
        self.API_BASE_URL = api_base_url

    def fetch_token(self) -> tuple[str, float]:
        """Asks WeChat for a new access token.

        Returns:
            The token and its lifetime in seconds.

        Raises:
            WeChatClientException: When WeChat refuses.
        """
        result: Any = self.get(
            "token",
            params={
                "grant_type": "client_credential",
                "appid": self.appid,
                "secret": self.secret,
                "access_token": None,  # requests drops it; stops wechatpy adding one
            },
        )
        if not isinstance(result, dict) or "access_token" not in result:
            raise WeChatClientException(None, "token response without access_token", client=self)
        return str(result["access_token"]), float(result.get("expires_in", 7200))


class CustomerService:
    """Sends text messages to a user; one shared, cached access token.

    Args:
        appid: The official account's AppID.
        secret: Its AppSecret.
        store: Where the token is cached.
        api_base_url: WeChat API root, ending with "/" (a fake server in tests).
        timeout: Seconds per HTTP call.
    """

    def __init__(
        self,
        appid: str,
        secret: str,
        store: KeyValueStore,
        api_base_url: str = DEFAULT_API_BASE_URL,
        timeout: float = 5.0,
    ) -> None:
        base = api_base_url if api_base_url.endswith("/") else api_base_url + "/"
        self._client = _Client(appid, secret, base, timeout)
        self._store = store
        self._key = f"wechat:token:{appid}"
        self._lock: asyncio.Lock | None = None
        self._own: tuple[str, float] | None = None

    async def access_token(self, stale: str | None = None) -> str:
        """Returns the cached token, fetching a new one when absent or ``stale``.

        Args:
            stale: A token WeChat just rejected; it is not returned again.

        Returns:
            A token.

        Raises:
            WeChatClientException: When WeChat refuses to issue one.
        """
        try:
            return await self._shared_token(stale)
        except WeChatClientException:
            raise
        except Exception:  # noqa: BLE001 - the store failed; the answer must still go out
            logger.warning("Token cache unavailable; using this process's own token", exc_info=True)
            return await self._own_token(stale)

    async def _own_token(self, stale: str | None) -> str:
        """A token kept in this process only, for while the store is away."""
        if self._own is not None and self._own[0] != stale and self._own[1] > time.monotonic():
            return self._own[0]
        token, lifetime = await asyncio.to_thread(self._client.fetch_token)
        self._own = (token, time.monotonic() + max(60.0, lifetime - TOKEN_MARGIN))
        return token

    async def _shared_token(self, stale: str | None) -> str:
        cached = await self._store.get(self._key)
        if cached and cached != stale:
            return str(cached)
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            cached = await self._store.get(self._key)
            if cached and cached != stale:
                return str(cached)
            lock_key = f"{self._key}:lock"
            if not await self._store.add(lock_key, 1, LOCK_TTL):
                waited = await self._wait_for_other_process(stale)
                if waited:
                    return waited
            try:
                token, lifetime = await asyncio.to_thread(self._client.fetch_token)
            except BaseException:
                await self._release(lock_key)
                raise
            logger.info("Fetched a WeChat access token valid for %.0f s", lifetime)
            self._own = (token, time.monotonic() + max(60.0, lifetime - TOKEN_MARGIN))
            try:
                await self._store.set(self._key, token, max(60.0, lifetime - TOKEN_MARGIN))
            except Exception:  # noqa: BLE001 - the token is good; only the sharing failed
                logger.warning("Could not cache the WeChat access token", exc_info=True)
            await self._release(lock_key)
            return token

    async def _release(self, lock_key: str) -> None:
        try:
            await self._store.delete(lock_key)
        except Exception:  # noqa: BLE001 - the lock expires by itself (LOCK_TTL)
            logger.warning("Could not release %s", lock_key, exc_info=True)

    async def _wait_for_other_process(self, stale: str | None) -> str | None:
        for _ in range(int(LOCK_TTL / 0.25)):
            await asyncio.sleep(0.25)
            cached = await self._store.get(self._key)
            if cached and cached != stale:
                return str(cached)
        return None

    def _post_text(self, token: str, openid: str, content: str) -> Any:
        data = {"touser": openid, "msgtype": "text", "text": {"content": content}}
        return self._client.post("message/custom/send", params={"access_token": token}, data=data)

    async def send_text(self, openid: str, content: str) -> None:
        """Sends one text message, refreshing the token once if WeChat rejects it.

        Raises:
            WeChatClientException: When WeChat refuses the message.
        """
        token = await self.access_token()
        try:
            await asyncio.to_thread(self._post_text, token, openid, content)
        except WeChatClientException as exc:
            if exc.errcode not in INVALID_TOKEN_CODES:
                raise
            logger.info("WeChat rejected the access token (%s); refreshing", exc.errcode)
            token = await self.access_token(stale=token)
            await asyncio.to_thread(self._post_text, token, openid, content)

    async def send_texts(self, openid: str, contents: list[str]) -> int:
        """Sends messages in order; a failure is logged and stops the rest.

        Returns:
            How many were sent.
        """
        for index, content in enumerate(contents):
            try:
                await self.send_text(openid, content)
            except Exception:  # noqa: BLE001 - logged; the user cannot be reached otherwise
                logger.exception(
                    "Customer-service message %d/%d to %s failed", index + 1, len(contents), openid
                )
                return index
        return len(contents)
