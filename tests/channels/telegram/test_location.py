"""Locations and venues shared on Telegram reach Rasa as the ``share_location`` intent.

A venue's title and address become the location's label; a bare location has
none. Neither changes the language remembered for the visitor.
"""

from __future__ import annotations

import pytest
from rasa.core.channels.channel import UserMessage

from channels.telegram import updates
from harness.echobot import EchoBot
from tests.channels.telegram.client import send, telegram
from tests.support.channels import fixture_json, language_of

LOCATION = {"lat": 41.796767, "lon": 123.429096, "label": ""}
VENUE = {"lat": 41.815812, "lon": 123.437514, "label": "沈阳北站, 辽宁省沈阳市沈河区北站路102号"}


class NeutralBot(EchoBot):
    """Answers with a sign only, so the bot's reply teaches the connector no language."""

    async def __call__(self, message: UserMessage) -> None:
        self.received.append(message)
        await message.output_channel.send_response(message.sender_id, {"text": "🚏 ✓"})


@pytest.mark.parametrize("name, shared", [("location.json", LOCATION), ("venue.json", VENUE)])
def test_locations_and_venues_are_read_with_their_label(name: str, shared: dict) -> None:
    inbound = updates.parse_update(fixture_json("telegram", name))
    assert inbound.kind == "location"
    assert {"lat": inbound.lat, "lon": inbound.lon, "label": inbound.label} == shared


@pytest.mark.parametrize("name, shared", [("location.json", LOCATION), ("venue.json", VENUE)])
async def test_a_shared_location_reaches_rasa_as_share_location_with_the_point(
    name: str, shared: dict
) -> None:
    async with telegram() as (url, bot, _, _):
        assert await send(url, fixture_json("telegram", name)) == 200
    message = bot.received[0]
    assert message.text == "/share_location"
    assert message.metadata == {
        "platform": "telegram",
        "user_id": "5123456789",
        "default_language": "ko",
        "location": shared,
    }


async def test_a_chinese_venue_does_not_change_the_language_remembered() -> None:
    korean, venue, photo = (
        fixture_json("telegram", name)
        for name in ("message_text_ko.json", "venue.json", "photo.json")
    )
    sender = {**korean["message"]["from"], "language_code": ""}  # only the memory decides
    for update in (korean, venue, photo):
        update["message"].update({"from": sender, "chat": korean["message"]["chat"]})
    async with telegram(NeutralBot()) as (url, bot, fake, channel):
        await send(url, korean)
        await send(url, venue)
        assert await channel.memory.recall("5123456789", None) == "ko"
        await send(url, photo)
    assert [m.text for m in bot.received] == [korean["message"]["text"], "/share_location"]
    notice = fake.sent("sendMessage")[-1]["text"]
    assert language_of(notice) == "ko" and "텍스트" in notice
