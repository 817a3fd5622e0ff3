"""Running actions and the whole assistant in tests, and checking the language of replies."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from harness.project import ROOT


def make_tracker(
    text: str,
    intent: str,
    entities: Iterable[dict[str, Any]] = (),
    language: str | None = None,
    metadata: dict[str, Any] | None = None,
    slots: dict[str, Any] | None = None,
    keywords: Iterable[str] = (),
) -> Tracker:
    """Builds a tracker whose latest message is ``text`` with the given parse and slots.

    ``keywords`` are the content words the tokenizer would give (actions.coverage).
    """
    return Tracker(
        sender_id="test",
        slots={"language": language, **(slots or {})},
        latest_message={
            "text": text,
            "intent": {"name": intent, "confidence": 0.9},
            "entities": list(entities),
            "metadata": metadata or {},
            "keywords": list(keywords),
        },
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def entity(name: str, value: str, start: int = 0, end: int = 1) -> dict[str, Any]:
    """An entity as the NLU pipeline outputs it."""
    return {"entity": name, "value": value, "start": start, "end": end}


@lru_cache(maxsize=1)
def domain_dict() -> dict[str, Any]:
    """domain.yml as Rasa sends it to actions (responses included)."""
    from rasa.shared.core.domain import Domain

    return dict(Domain.load(str(ROOT / "domain.yml")).as_dict())


def run_action(action: Any, tracker: Tracker) -> tuple:
    """Runs an action with the real domain; returns (messages, events)."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain_dict()))
    return dispatcher.messages, events


def message_texts(messages: list[dict[str, Any]]) -> str:
    """The texts of the messages an action sent, and their template values, joined."""
    parts = []
    for message in messages:
        parts += [str(v) for k, v in message.items() if k not in ("buttons", "response") and v]
        parts += [b["title"] for b in message.get("buttons") or []]
    return "\n".join(parts)


def ask(
    agent_and_loop, text: str, sender: str = "t", metadata: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Sends one message through the whole assistant; returns bot.server.inprocess.ask's result."""
    from bot.server.inprocess import ask as ask_async

    loaded, loop = agent_and_loop
    return loop.run_until_complete(ask_async(loaded, text, sender=sender, metadata=metadata))


def reply_texts(result: dict[str, Any]) -> list[str]:
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
    ("연행로(燕行路)"). Links are not words: a map link may carry a Chinese place name.
    """
    from bot.nlu.language import is_han, is_hangul

    text = re.sub(r"https?://\S+", "", text)
    hangul = sum(map(is_hangul, text))
    han = sum(map(is_han, text))
    if lang == "zh":
        assert hangul == 0 and han > 0, f"not a Chinese-only reply: {text!r}"
    else:
        assert hangul > 0 and han <= max(2, hangul // 10), f"not a Korean reply: {text!r}"
