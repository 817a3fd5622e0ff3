"""Reading a webhook body before anything else looks at it: its size, then its JSON. Pure.

Both refuse with the shared errors (``TooLarge``, ``BadRequest``), so every
connector answers an oversized or unreadable body the same way.
"""

from __future__ import annotations

import json
from typing import Any

from channels.common.errors import BadRequest, TooLarge
from channels.common.limits import MAX_BODY_BYTES, body_too_large


def check_size(body: bytes | None, limit: int = MAX_BODY_BYTES) -> None:
    """Refuses a body over ``limit`` bytes.

    Raises:
        TooLarge: Naming the limit.
    """
    if body_too_large(body, limit):
        raise TooLarge(f"body over {limit} bytes")


def read_json(body: bytes | None) -> Any:
    """Decodes a JSON body.

    Raises:
        BadRequest: When it is not JSON (or nests deeper than the decoder allows).
    """
    try:
        return json.loads(body or b"")
    except (ValueError, RecursionError) as exc:
        raise BadRequest(f"body is not JSON: {type(exc).__name__}") from exc
