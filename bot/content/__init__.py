"""The staff-edited content: the expo overview, venues and hotels, events and FAQ.

Usage::

    from bot.content import load_content
    content = load_content(Path("content"))
    content.next_event(now, category="food_festival")

``python -m bot.content [folder]`` checks the files and lists every problem.
"""

from bot.content.errors import ContentError, ContentInvalid
from bot.content.loader import (
    check_content,
    check_content_texts,
    load_content,
    load_content_texts,
    read_content_texts,
)
from bot.content.model import (
    ACTIVITIES,
    CATEGORIES,
    FAQ_TOPICS,
    LANGUAGES,
    ORIGINS,
    VENUE_IDS,
    Content,
    Event,
    FaqEntry,
    Hotel,
    Location,
    Note,
    Organiser,
    Overview,
    Route,
    Text,
    TextList,
    Transport,
    Venue,
    local_timezone,
)

__all__ = [
    "ACTIVITIES",
    "CATEGORIES",
    "FAQ_TOPICS",
    "LANGUAGES",
    "ORIGINS",
    "VENUE_IDS",
    "Content",
    "ContentError",
    "ContentInvalid",
    "Event",
    "FaqEntry",
    "Hotel",
    "Location",
    "Note",
    "Organiser",
    "Overview",
    "Route",
    "Text",
    "TextList",
    "Transport",
    "Venue",
    "check_content",
    "check_content_texts",
    "load_content",
    "load_content_texts",
    "local_timezone",
    "read_content_texts",
]
