"""The names the content files may use: languages, categories, activity tags, venues, topics.

Defined once here; they match ``docs/design.md`` and the NLU's entity values.
"""

from __future__ import annotations

LANGUAGES: tuple[str, ...] = ("zh", "ko")
DEFAULT_LANGUAGE = "zh"
TIMEZONE_NAME = "Asia/Shanghai"

CATEGORIES: tuple[str, ...] = (
    "food_festival",
    "taekwondo",
    "go",
    "forum",
    "exhibition",
    "concert",
    "ceremony",
    "tourism",
    "media",
)
ACTIVITIES: tuple[str, ...] = (
    "food_festival",
    "bibimbap",
    "gimbap",
    "kimchi",
    "rice_cake",
    "night_market",
    "taekwondo",
    "go_invitational",
    "go_forum",
    "go",
    "forum_auto",
    "forum_ecommerce",
    "forum_innovation",
    "forum_trade",
    "forum_beauty",
    "forum",
    "exhibition",
    "concert",
    "kpop",
    "opening_ceremony",
    "tourism_promo",
    "media_tour",
)
#: The venue ids the NLU entity ``venue`` knows; content may add venues with other ids.
VENUE_IDS: tuple[str, ...] = (
    "expo_center",
    "xita",
    "gymnasium",
    "grand_theatre",
    "museum",
    "go_hall",
    "forum_hotel",
)
ORIGINS: tuple[str, ...] = (
    "airport",
    "north_station",
    "south_station",
    "shenyang_station",
    "hotel",
)
FAQ_TOPICS: tuple[str, ...] = (
    "tickets",
    "facilities",
    "contact",
    "media",
    "exhibitor",
    "tourism",
    "overview",
    "transport",
    "general",
)
