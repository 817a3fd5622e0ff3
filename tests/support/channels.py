"""What only the connector tests need: the platforms' recorded payloads, and reply language.

The servers they run against (the fake platform APIs, the connectors served on a
real port, the stand-in bot) are shared with ``make bench`` and ``make
reliability``: ``harness.platforms``, ``harness.inprocess``, ``harness.echobot``.
"""

from __future__ import annotations

import json
from typing import Any

from bot.nlu.language import detect_language
from tests.support import FIXTURES


def fixture_text(platform: str, name: str) -> str:
    """Reads a platform fixture as text."""
    return (FIXTURES / platform / name).read_text(encoding="utf-8")


def fixture_json(platform: str, name: str) -> Any:
    """Reads a JSON platform fixture."""
    return json.loads(fixture_text(platform, name))


def language_of(text: str) -> str | None:
    """zh/ko by script, as the assertions on reply language use it."""
    return detect_language(text)
