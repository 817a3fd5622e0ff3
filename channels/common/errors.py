"""The connectors' errors, and how a refused request is answered.

One tree for every channel::

    ChannelError
    ├── RequestRefused (status, reason)   a webhook request the connector will not take
    │   ├── BadRequest   400              malformed body, missing or mistyped fields
    │   ├── Forbidden    403              bad signature or secret, stale timestamp, replay
    │   └── TooLarge     413              a body over the size limit
    └── ChannelConfigError                credentials.yml or messages.yml cannot be used

Parsers raise ``RequestRefused`` subclasses; ``refusal_response`` turns one into
the HTTP answer and the one log line ``Refused <platform> request from <ip>:
<reason>``. The body keeps the shape each platform's side expects: WeChat a text
``<error>: <reason>``, Kakao and REST ``{"error", "reason"}``, Telegram
``{"ok": false, "description"}``.
"""

from __future__ import annotations

import logging
from typing import ClassVar, Literal

from sanic import response
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

#: How a refusal's body is written: "text" (WeChat), "json" (Kakao, REST), "telegram".
BodyStyle = Literal["text", "json", "telegram"]


class ChannelError(Exception):
    """Anything a connector refuses or cannot work with."""


class RequestRefused(ChannelError):
    """A webhook request the connector refuses; ``status`` is the HTTP answer.

    Args:
        reason: What is wrong, for the log line and the response body.
    """

    status: ClassVar[int] = 400
    error: ClassVar[str] = "bad request"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class BadRequest(RequestRefused):
    """Malformed XML or JSON, bad base64 or ciphertext, missing or mistyped fields (400)."""


class Forbidden(RequestRefused):
    """Bad signature or secret, stale timestamp or replayed nonce (403)."""

    status = 403
    error = "forbidden"


class TooLarge(RequestRefused):
    """A body over the size limit (413)."""

    status = 413
    error = "too large"


class ChannelConfigError(ChannelError, ValueError):
    """A connector's configuration is missing or invalid (a ValueError, as Rasa expects)."""


def refusal_response(
    platform: str, ip: str, refused: RequestRefused, style: BodyStyle
) -> HTTPResponse:
    """Logs a refused request and builds its answer.

    Args:
        platform: The channel's name for people ("WeChat", "Kakao", "Telegram", "REST").
        ip: Where the request came from.
        refused: Why it is refused.
        style: The body shape the platform expects.

    Returns:
        The response, with ``refused.status`` and the reason in the body.
    """
    logger.warning("Refused %s request from %s: %s", platform, ip, refused.reason)
    if style == "text":
        return response.text(f"{refused.error}: {refused.reason}", status=refused.status)
    if style == "telegram":
        body: dict[str, object] = {"ok": False, "description": refused.reason}
    else:
        body = {"error": refused.error, "reason": refused.reason}
    return response.json(body, status=refused.status)
