"""Bot messages as the connectors read them, split them and link maps (pure)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from channels.common.replies import (
    Venue,
    map_url,
    parse_bot_message,
    split_text,
    utf8_len,
    utf16_len,
)


def test_parse_bot_message_reads_rasa_dicts() -> None:
    message = parse_bot_message(
        {
            "text": " 你好\x00\x1b ",
            "buttons": [
                {"title": "日程", "payload": "/ask_schedule"},
                {"title": "官网", "payload": "https://e.org", "type": "web_url"},
                {"title": ""},
                "junk",
            ],
            "custom": {
                "venue": {"lat": "41.8", "lon": 123.4, "title": "会展中心"},
                "cards": [
                    {"title": "美食节", "subtitle": "6月", "image_url": "https://e.org/a.jpg"},
                    {"no": "title"},
                ],
                "other": 1,
            },
            "image": "https://e.org/b.jpg",
            "timestamp": 1.0,
            "utter_action": "utter_x",
        }
    )
    assert message.text == "你好"
    assert [(b.title, b.payload, b.url) for b in message.buttons] == [
        ("日程", "/ask_schedule", ""),
        ("官网", "", "https://e.org"),
    ]
    assert message.venue == Venue(41.8, 123.4, "会展中心", "")
    assert [(c.title, c.description, c.image) for c in message.cards] == [
        ("美食节", "6月", "https://e.org/a.jpg")
    ]
    assert message.extra == {"other": 1} and not message.is_empty
    assert parse_bot_message({"custom": {"venue": {"lat": 200, "lon": 0}}}).is_empty
    assert (
        parse_bot_message({"text": None, "elements": [{"title": "卡片"}]}).cards[0].title == "卡片"
    )


@settings(max_examples=200, deadline=None)
@given(
    st.text(), st.integers(min_value=4, max_value=300), st.sampled_from([len, utf8_len, utf16_len])
)
def test_split_text_respects_the_limit_and_keeps_the_content(
    text: str, limit: int, measure: Any
) -> None:
    parts = split_text(text, limit, measure)
    assert all(0 < measure(part) <= limit for part in parts)
    squeeze = lambda s: "".join(s.split())  # noqa: E731
    assert squeeze("".join(parts)) == squeeze(text)


def test_map_urls() -> None:
    venue = Venue(41.8057, 123.4315, "沈阳 展览&中心")
    assert map_url(venue, "amap").startswith(
        "https://uri.amap.com/marker?position=123.431500,41.805700&name=%E6%B2%88"
    )
    assert "%26" in map_url(venue, "amap")
    assert map_url(venue) == "https://www.google.com/maps/search/?api=1&query=41.805700,123.431500"
