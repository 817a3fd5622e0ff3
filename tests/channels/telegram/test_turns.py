"""Telegram updates are marked done after processing: a retry after a dead server is processed."""

from __future__ import annotations

import asyncio

from bot.server.replay import MEMORY_LEDGER
from tests.channels.telegram.client import send, telegram
from tests.support.channels import fixture_json


async def test_an_update_whose_server_died_mid_turn_is_processed_by_telegrams_retry() -> None:
    update = fixture_json("telegram", "message_text_ko.json")
    async with telegram() as (url, bot, fake, _):
        bot_id = fake.token.split(":", 1)[0]
        # What a server that died mid-turn leaves: a claim that is never renewed.
        await MEMORY_LEDGER.claim(f"telegram:{bot_id}:{update['update_id']}", 0)
        assert await send(url, update) == 500  # still "running": Telegram comes back later
        await asyncio.sleep(MEMORY_LEDGER.lease + 0.2)
        assert await send(url, update) == 200
        assert await send(url, update) == 200
    assert len(bot.received) == 1 and len(fake.sent("sendMessage")) == 1


async def test_a_failed_update_is_processed_again_on_retry() -> None:
    update = fixture_json("telegram", "message_text_ko.json")
    update["message"]["text"] = "boom 안녕하세요"
    async with telegram() as (url, bot, _, _):
        assert await send(url, update) == 500
        assert await send(url, update) == 500
    assert len(bot.received) == 2
