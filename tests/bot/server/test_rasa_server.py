"""The compiled action-response validator accepts and rejects exactly what Rasa's does."""

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from bot.server.rasa_server import validate_action_result

GOOD = [
    {"events": [], "responses": []},
    {
        "events": [{"event": "slot", "name": "language", "value": "ko"}],
        "responses": [{"response": "utter_greet"}],
    },
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


def test_a_conversation_that_trips_the_circuit_breaker_answers_once_actions_are_back(agent) -> None:
    """Action server unreachable at a visitor's first message, then back: the next is answered."""
    from rasa.shared.core.constants import ACTION_LISTEN_NAME
    from rasa.utils.endpoints import EndpointConfig

    from harness.ports import free_port
    from tests.support.agent import ask, assert_language, reply_texts

    loaded, loop = agent
    processor = loaded.processor
    working = processor.action_endpoint
    processor.action_endpoint = EndpointConfig(url=f"http://127.0.0.1:{free_port()}/webhook")
    try:
        during = ask(agent, "你好", sender="circuit-break-1")
    finally:
        processor.action_endpoint = working
    assert during["replies"] == []
    tracker = loop.run_until_complete(loaded.tracker_store.retrieve("circuit-break-1"))
    assert tracker.latest_action_name == ACTION_LISTEN_NAME

    after = ask(agent, "音乐会几点开始", sender="circuit-break-1")
    texts = reply_texts(after)
    assert texts, after
    assert_language(" ".join(texts), "zh")


def test_remembered_event_lookup_gives_what_rasa_gives() -> None:
    from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
    from rasa.shared.utils.common import all_subclasses

    from bot.server.rasa_server import remembering_resolver

    resolve = remembering_resolver(Event.resolve_by_type)
    for name in ("action", "user", "slot"):
        assert (
            resolve(name)
            is resolve(name)
            is {"action": ActionExecuted, "user": UserUttered, "slot": SlotSet}[name]
        )
    for cls in all_subclasses(Event):
        assert resolve(cls.type_name).type_name == cls.type_name
    with pytest.raises(ValueError):
        resolve("no_such_event")
    assert resolve("no_such_event", SlotSet) is SlotSet
    assert resolve("topic") is None
