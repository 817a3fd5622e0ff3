"""The connectors' own words, and which language to say them in.

Strings a connector says by itself (text-only notice, busy fallback, welcome) live
in ``channels/messages.yml`` keyed by message id then language, and are read on
first use. Which language: the one remembered for the user (from their last
message or the bot's last answer), else the platform's default. A language other
than Chinese or Korean gets both.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import Any

import yaml

from bot.nlu.language import KO, ZH, detect_language, normalize_language_code
from channels.common.errors import ChannelConfigError
from channels.common.store import KeyValueStore

logger = logging.getLogger(__name__)

MESSAGES_PATH = Path(__file__).resolve().parent.parent / "messages.yml"
LANGUAGES = (ZH, KO)
LANGUAGE_TTL = 30 * 24 * 3600.0

# Topics offered on welcome and help: (catalog id of the label, payload sent to Rasa).
WELCOME_TOPICS: tuple[tuple[str, str], ...] = (
    ("topic_overview", "/ask_event_overview"),
    ("topic_schedule", "/ask_schedule"),
    ("topic_food", "/ask_food_festival"),
    ("topic_transport", "/ask_transport"),
    ("topic_tickets", "/ask_tickets"),
)


class CatalogError(ChannelConfigError):
    """The message catalog (channels/messages.yml) is missing an id or a language."""


@functools.lru_cache(maxsize=4)
def load_catalog(path: Path = MESSAGES_PATH) -> dict[str, dict[str, str]]:
    """Reads and checks the catalog once per path.

    Args:
        path: The YAML file.

    Returns:
        Message id -> language -> text.

    Raises:
        CatalogError: When an entry lacks Chinese or Korean.
    """
    with open(path, encoding="utf-8") as handle:
        data: Any = yaml.safe_load(handle) or {}
    for message_id, entry in data.items():
        if not isinstance(entry, dict) or any(
            not isinstance(entry.get(lang), str) or not entry[lang].strip() for lang in LANGUAGES
        ):
            raise CatalogError(f"{path}: '{message_id}' needs non-empty zh and ko texts")
    return data


def say(message_id: str, language: str | None, **values: str) -> str:
    """Returns a catalog text in one language, or in both when the language is neither.

    Args:
        message_id: Key in ``messages.yml``.
        language: "zh", "ko", anything else (both, Chinese first) or None (both).
        **values: Placeholder values, e.g. ``label``.

    Returns:
        The text, placeholders filled and surrounding blanks stripped.

    Raises:
        CatalogError: When the id is unknown.
    """
    entry = load_catalog().get(message_id)
    if entry is None:
        raise CatalogError(f"unknown connector message '{message_id}'")
    languages = [language] if language in LANGUAGES else list(LANGUAGES)
    return "\n".join(entry[lang].format(**values).strip() for lang in languages)


def platform_language(code: str | None, default: str | None = None) -> str | None:
    """Maps a platform language code ("ko-KR", Kakao's "kr", "zh-hans") to zh/ko.

    Args:
        code: The platform's code, or None.
        default: Returned when the code names neither language.

    Returns:
        "zh", "ko" or ``default``.
    """
    if code and code.strip().lower() == "kr":
        return KO
    return normalize_language_code(code) or default


def primary_subtag(code: str | None) -> str | None:
    """Returns the primary language subtag of an IETF code ("en-GB" -> "en")."""
    if not code or not code.strip():
        return None
    return code.strip().lower().replace("_", "-").split("-")[0]


class LanguageMemory:
    """Remembers the language a user was last seen or answered in.

    Args:
        store: Where to keep it (30-day TTL).
        platform: Namespaces the keys.
    """

    def __init__(self, store: KeyValueStore, platform: str) -> None:
        self._store = store
        self._platform = platform

    def _key(self, user_id: str) -> str:
        return f"lang:{self._platform}:{user_id}"

    async def recall(self, user_id: str, default: str | None) -> str | None:
        """Returns the remembered language, or ``default``; never raises."""
        try:
            value = await self._store.get(self._key(user_id))
        except Exception:  # noqa: BLE001 - a store failure only costs the preference
            logger.warning("Could not read the language of %s", user_id, exc_info=True)
            return default
        return value if value in LANGUAGES else default

    async def learn(self, user_id: str, *texts: str) -> str | None:
        """Remembers the language of the last text that shows one; never raises.

        Args:
            user_id: The platform user.
            *texts: Texts in the order they were said (user's, then the bot's).

        Returns:
            The language learned, or None when no text carried one.
        """
        learned = None
        for text in texts:
            learned = detect_language(text) or learned
        if learned:
            try:
                await self._store.set(self._key(user_id), learned, LANGUAGE_TTL)
            except Exception:  # noqa: BLE001
                logger.warning("Could not store the language of %s", user_id, exc_info=True)
        return learned
