"""The compiled action-response validator accepts and rejects exactly what Rasa's does."""

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from bot.rasa_server import validate_action_result

GOOD = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "language", "value": "ko"}], "responses": [{"response": "utter_greet"}]},
]
BAD = [
    {"events": "not a list"},
    {"events": [{"no_event_key": 1}]},
    {"responses": "x"},
]


@pytest.mark.parametrize("result", GOOD)
def test_accepts_what_rasa_accepts(result) -> None:
    jsonschema.validate(result, RemoteAction.action_response_format_spec())
    assert validate_action_result(None, result) is True


@pytest.mark.parametrize("result", BAD)
def test_rejects_what_rasa_rejects(result) -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(result, RemoteAction.action_response_format_spec())
    with pytest.raises(jsonschema.ValidationError) as raised:
        validate_action_result(None, result)
    assert "Failed to validate Action server response" in raised.value.message
