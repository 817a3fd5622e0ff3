"""Planning Bot API calls for bot messages (pure)."""

from __future__ import annotations

from channels.common.replies import BotMessage, Button, Venue, utf16_len
from channels.telegram import render


def test_callback_data_maps_long_payloads_through_a_short_key() -> None:
    assert render.callback_data("/ask_schedule") == ("/ask_schedule", None)
    long = '/ask_transport{"origin":"shenyang_station","venue":"expo_center","extra":"한국어"}'
    data, key = render.callback_data(long)
    assert key == data and data.startswith("#k:") and len(data.encode()) <= 64
    assert render.callback_data(long) == (data, key)
    assert render.callback_data("#k:sneaky")[1] is not None


def test_plan_splits_at_4096_units_and_keeps_the_keyboard_on_the_last_part() -> None:
    text = ("한국 주간 행사 안내입니다. 😀\n" * 600).strip()
    plan = render.plan_message(
        BotMessage(text=text, buttons=(Button("일정", "/ask_schedule"),)), "ko"
    )
    parts = [c for c in plan.calls if c.method == "send_message"]
    assert len(parts) >= 3 and all(utf16_len(c.kwargs["text"]) <= 4096 for c in parts)
    assert [bool(c.keyboard) for c in parts] == [False] * (len(parts) - 1) + [True]


def test_plan_venue_photo_and_url_buttons() -> None:
    venue = Venue(41.8057, 123.4315, "沈阳国际展览中心", "会展路9号")
    plan = render.plan_message(
        BotMessage(
            text="地址",
            venue=venue,
            image="https://e.org/a.jpg",
            buttons=(Button("官网", url="https://e.org"),),
        ),
        "zh",
    )
    assert [c.method for c in plan.calls] == ["send_message", "send_photo", "send_venue"]
    assert plan.calls[0].keyboard == (({"text": "官网", "url": "https://e.org"},),)
    assert plan.calls[2].kwargs == {
        "latitude": 41.8057,
        "longitude": 123.4315,
        "title": "沈阳国际展览中心",
        "address": "会展路9号",
    }
