"""Shared fixtures: the sample content, a fixed clock, trackers for actions, the trained model."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "korea-week.tar.gz"
# Friday of the sample programme, mid-morning.
FIXED_NOW = "2026-11-27T10:00"


@pytest.fixture(scope="session", autouse=True)
def isolated_storage(tmp_path_factory: pytest.TempPathFactory):
    """Keeps the tests' unanswered-question records out of var/ and out of a shell's REDIS_URL.

    Tests that use Redis set REDIS_URL and a random KW_REDIS_PREFIX themselves.
    """
    import os

    from bot.settings import get_settings

    names = ("REDIS_URL", "KW_REDIS_PREFIX", "KW_UNANSWERED_FILE")
    saved = {name: os.environ.get(name) for name in names}
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("KW_REDIS_PREFIX", None)
    os.environ["KW_UNANSWERED_FILE"] = str(tmp_path_factory.mktemp("var") / "unanswered.jsonl")
    get_settings.cache_clear()
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    get_settings.cache_clear()


@pytest.fixture(autouse=True)
def fresh_settings():
    """Each test reads the settings from its own environment (monkeypatched or not)."""
    from bot.settings import get_settings

    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> str:
    """Pins the actions' clock (KW_NOW) and content folder for one test."""
    from bot.settings import get_settings

    monkeypatch.setenv("KW_NOW", FIXED_NOW)
    monkeypatch.setenv("KW_CONTENT_DIR", str(ROOT / "content"))
    get_settings.cache_clear()
    yield FIXED_NOW
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def content():
    """The shipped content, loaded once."""
    from bot.content import load_content

    return load_content(ROOT / "content")


def make_tracker(
    text: str,
    intent: str,
    entities: Iterable[Dict[str, Any]] = (),
    language: Optional[str] = None,
    metadata: Optional[Dict[str, Any]] = None,
) -> Tracker:
    """Builds a tracker whose latest message is ``text`` with the given parse."""
    return Tracker(
        sender_id="test",
        slots={"language": language},
        latest_message={
            "text": text,
            "intent": {"name": intent, "confidence": 0.9},
            "entities": list(entities),
            "metadata": metadata or {},
        },
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def entity(name: str, value: str) -> Dict[str, Any]:
    """An entity as the NLU pipeline outputs it."""
    return {"entity": name, "value": value, "start": 0, "end": 1}


def run_action(action: Any, tracker: Tracker) -> tuple:
    """Runs an action; returns (messages, events)."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages, events


@pytest.fixture(scope="session")
def agent():
    """The trained model with in-memory stores and in-process actions (see bot.server.inprocess)."""
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make model` (make test does it first)")
    import os

    os.environ.setdefault("KW_NOW", FIXED_NOW)
    from bot.settings import get_settings
    from bot.server.inprocess import load_agent

    get_settings.cache_clear()
    loop = asyncio.new_event_loop()
    loaded = loop.run_until_complete(load_agent(MODEL))
    yield loaded, loop
    loop.close()


def ask(agent_and_loop, text: str, sender: str = "t", metadata: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """Sends one message through the whole assistant and returns bot.server.inprocess.ask's result."""
    from bot.server.inprocess import ask as ask_async

    loaded, loop = agent_and_loop
    return loop.run_until_complete(ask_async(loaded, text, sender=sender, metadata=metadata))


def reply_texts(result: Dict[str, Any]) -> List[str]:
    """The texts of the bot's replies (button titles included)."""
    texts = []
    for reply in result["replies"]:
        if reply.get("text"):
            texts.append(reply["text"])
        texts.extend(button["title"] for button in reply.get("buttons") or [])
    return texts


def assert_language(text: str, lang: str) -> None:
    """Fails unless ``text`` is written in ``lang`` and does not mix in the other language.

    Chinese replies may contain no Hangul. Korean replies must be mostly Hangul; a
    few Han characters are allowed, as Korean writes names with Hanja in brackets
    ("연행로(燕行路)").
    """
    from bot.nlu.language import is_han, is_hangul

    hangul = sum(map(is_hangul, text))
    han = sum(map(is_han, text))
    if lang == "zh":
        assert hangul == 0 and han > 0, f"not a Chinese-only reply: {text!r}"
    else:
        assert hangul > 0 and han <= max(2, hangul // 10), f"not a Korean reply: {text!r}"
