"""Reading Bot API updates (pure)."""

from __future__ import annotations

from typing import Any

import pytest

from channels.common.errors import BadRequest
from channels.telegram import updates
from tests.support.channels import fixture_json


@pytest.mark.parametrize(
    "name, kind, text, command, argument",
    [
        ("message_text_ko.json", "text", "푸드 페스티벌은 어디서 해요?", "", ""),
        ("command_start.json", "command", "", "start", ""),
        ("command_help.json", "command", "", "help", ""),
        ("command_lang_zh.json", "command", "", "lang", "zh"),
        ("location.json", "location", "", "", ""),
        ("photo.json", "unsupported", "", "", ""),
        ("sticker.json", "unsupported", "", "", ""),
        ("edited_message.json", "ignore", "", "", ""),
        ("callback_query.json", "callback", "/ask_schedule", "", ""),
    ],
)
def test_parse_update(name: str, kind: str, text: str, command: str, argument: str) -> None:
    inbound = updates.parse_update(fixture_json("telegram", name))
    assert (inbound.kind, inbound.text, inbound.command, inbound.argument) == (
        kind,
        text,
        command,
        argument,
    )
    if kind != "ignore":
        assert inbound.chat_id > 0 and inbound.user_id == str(inbound.chat_id)


def test_unknown_commands_lose_their_slash_so_they_cannot_name_intents() -> None:
    update = fixture_json("telegram", "message_text_ko.json")
    update["message"]["text"] = '/ask_tickets{"x":1}'
    assert updates.parse_update(update).text == 'ask_tickets{"x":1}'


@pytest.mark.parametrize(
    "body", [None, [], {}, {"update_id": "1"}, {"update_id": 1, "message": {}}]
)
def test_parse_update_refuses_non_updates(body: Any) -> None:
    with pytest.raises(BadRequest):
        updates.parse_update(body)
