"""A shared location through the connectors, the trained model and the real actions.

WeChat and Telegram send ``/share_location`` with the point in the metadata;
Rasa parses the payload without the NLU and ``action_answer_transport`` answers
with directions to the nearest venue, in the visitor's language whatever the
language of the location's label. The connectors are served on 127.0.0.1 in the
event loop of the ``agent`` fixture (the trained model, in-process actions),
next to local fake platform APIs.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
import yaml

from actions.place_answers import nearest_venue
from channels.common.intents import domain_intents
from channels.common.location import SHARE_LOCATION, SHARE_LOCATION_INTENT
from channels.common.store import MemoryStore
from channels.telegram import TelegramInput, TelegramSettings
from channels.wechat import WeChatInput, WeChatSettings
from harness.inprocess import serve_channel
from harness.platforms import FakeTelegram, FakeWeChatApi, serve_aiohttp
from harness.project import ROOT
from tests.channels.telegram.client import HEADERS, SECRET, send
from tests.channels.wechat.client import APPID, TOKEN, USER, post, query, reply_content
from tests.support.agent import assert_language
from tests.support.channels import fixture_json, fixture_text


def test_share_location_is_a_domain_intent_a_rule_answers_with_directions() -> None:
    assert SHARE_LOCATION == f"/{SHARE_LOCATION_INTENT}"
    assert SHARE_LOCATION_INTENT in domain_intents()
    with open(ROOT / "nlu_data" / "rules.yml", encoding="utf-8") as handle:
        rules = yaml.safe_load(handle)["rules"]
    steps = [
        {"intent": SHARE_LOCATION_INTENT},
        {"action": "action_answer_location"},
        {"slot_was_set": [{"topic": "transport"}]},
    ]
    assert [rule["rule"] for rule in rules if rule["steps"] == steps] == ["a shared location"]


async def wechat_turns(agent: Any, user: str, *names: str) -> tuple[list[str], FakeWeChatApi]:
    """Posts WeChat fixtures as ``user``; returns each answer (passive, or sent later)."""
    api = FakeWeChatApi()
    answers = []
    async with serve_aiohttp(api.app()) as api_url:
        config = {
            "token": TOKEN,
            "appid": APPID,
            "appsecret": "s",
            "api_base_url": f"{api_url}/cgi-bin/",
        }
        channel = WeChatInput(WeChatSettings.from_credentials(config), MemoryStore())
        async with serve_channel(channel, agent.handle_message) as base:
            url = f"{base}/webhooks/wechat/webhook"
            for name in names:
                api.arrived.clear()
                _, body = await post(url, fixture_text("wechat", name).replace(USER, user), query())
                if body == "success":  # over the reply budget: sent through the API
                    await asyncio.wait_for(api.arrived.wait(), 30)
                    await channel.keeper.wait_idle(30)
                    answers.append("\n".join(m["text"]["content"] for m in api.messages))
                    api.messages.clear()
                else:
                    answers.append(reply_content(body))
    return answers, api


@pytest.mark.slow
def test_a_korean_visitor_sharing_a_chinese_labelled_wechat_location_gets_korean_directions(
    agent: Any, content: Any
) -> None:
    loaded, loop = agent
    user = f"oKo{uuid.uuid4().hex[:20]}"
    (question, directions), _ = loop.run_until_complete(
        wechat_turns(loaded, user, "text_korean.xml", "location.xml")
    )
    assert_language(question, "ko")
    assert_language(directions, "ko")
    # The visitor had just asked where the food festival is: the location is where
    # they start from, so the directions lead there rather than to the nearest venue.
    festival = content.venue("xita")
    assert festival.name.ko in question and festival.name.ko in directions
    assert "km" in directions.split("\n")[0]
    tracker = loop.run_until_complete(loaded.tracker_store.retrieve(user))
    latest = tracker.latest_message
    assert latest.intent["name"] == "share_location" and latest.text == "/share_location"
    assert latest.metadata["location"]["label"] == "辽宁省沈阳市沈河区青年大街"
    assert tracker.get_slot("language") == "ko"


async def telegram_turn(agent: Any, update: dict[str, Any]) -> list[str]:
    """Posts one update to a Telegram webhook; returns the texts the bot sent."""
    fake = FakeTelegram()
    async with serve_aiohttp(fake.app()) as api:
        config = {"token": fake.token, "secret_token": SECRET, "api_base_url": f"{api}/bot"}
        channel = TelegramInput(TelegramSettings.from_credentials(config), MemoryStore())
        async with serve_channel(channel, agent.handle_message) as base:
            status = await send(f"{base}/webhooks/telegram/webhook", update, HEADERS)
    assert status == 200
    return [params["text"] for params in fake.sent("sendMessage")]


@pytest.mark.slow
def test_a_korean_telegram_user_sharing_a_chinese_venue_gets_korean_directions(
    agent: Any, content: Any
) -> None:
    loaded, loop = agent
    update = fixture_json("telegram", "venue.json")
    chat = 7_000_000_000 + uuid.uuid4().int % 1_000_000
    update["message"]["chat"]["id"] = update["message"]["from"]["id"] = chat
    texts = loop.run_until_complete(telegram_turn(loaded, update))
    assert texts, "the bot answered"
    for text in texts:
        assert_language(text, "ko")
    venue = nearest_venue(content, 41.815812, 123.437514)
    assert venue is not None and any(venue.name.ko in text for text in texts)
    tracker = loop.run_until_complete(loaded.tracker_store.retrieve(str(chat)))
    assert tracker.latest_message.intent["name"] == "share_location"
