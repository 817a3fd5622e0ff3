"""Playing conversations through the real model and actions, in this process.

Each conversation gets its own sender id, its channel's metadata, and its own
clock (``bot.settings.overridden(now=...)``, seen by the in-process actions). A
turn sends the typed text, a shared location (``/share_location`` with the
location in the metadata, as the connectors send it) or the payload of a button
of the previous reply; the replies are read back from the tracker with the
response each came from.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.evaluation.conversations.judge import Reply, Verdict, fold, judge
from bot.evaluation.conversations.model import CHANNELS, Conversation, Turn
from bot.nlu.dates import TZ
from bot.nlu.language import detect_language
from bot.settings import overridden

LOCATION_PAYLOAD = "/share_location"


@dataclass(frozen=True)
class TurnResult:
    """What the visitor sent, what came back, in which language it had to be, the verdict."""

    turn: Turn
    sent: str
    replies: tuple[Reply, ...]
    lang: str
    verdict: Verdict
    understood: str = ""


@dataclass(frozen=True)
class ConversationResult:
    """A played conversation; right when every turn is."""

    conversation: Conversation
    turns: tuple[TurnResult, ...]

    @property
    def ok(self) -> bool:
        """Whether every turn was answered fully right."""
        return all(t.verdict.ok for t in self.turns)

    @property
    def wrong_topic(self) -> int:
        """Turns answered with facts where the bot should have said it does not know."""
        return sum(t.verdict.wrong_topic for t in self.turns)


def replies_since_last_user_message(tracker: Any) -> tuple[Reply, ...]:
    """The bot's messages after the visitor's latest one, with their response names."""
    events = list(tracker.events)
    start = max((i for i, e in enumerate(events) if type(e).__name__ == "UserUttered"), default=-1)
    replies = []
    for event in events[start + 1 :]:
        if type(event).__name__ != "BotUttered":
            continue
        buttons = tuple(
            (b.get("title", ""), b.get("payload", ""))
            for b in (event.data or {}).get("buttons") or []
        )
        response = (event.metadata or {}).get("utter_action")
        if not event.text and (event.data or {}).get("custom"):
            response = response or "map_pin"  # a venue pin: shown by name in the report
        replies.append(Reply(event.text or "", buttons, response))
    return tuple(replies)


def understood(message: Any) -> str:
    """How the model read a message, in one line: intent, confidence, entities."""
    intent = message.intent or {}
    entities = ", ".join(
        f"{e.get('entity')}={e.get('value')}"
        for e in message.entities
        if e.get("entity") != "language"
    )
    return f"{intent.get('name')} ({intent.get('confidence') or 0:.2f}) {entities}".rstrip()


def _message(turn: Turn, previous: Sequence[Reply]) -> tuple[str, dict[str, Any]] | None:
    """The text to send for a turn and its extra metadata; None when a tapped button is missing."""
    if turn.say is not None:
        return turn.say, {}
    if turn.location is not None:
        location = {
            "lat": float(turn.location["lat"]),
            "lon": float(turn.location["lon"]),
            "label": str(turn.location.get("label", "")),
        }
        return LOCATION_PAYLOAD, {"location": location}
    wanted = fold(turn.tap or "")
    for reply in previous:
        for title, payload in reply.buttons:
            if wanted and wanted in fold(title):
                return payload, {}
    return None


async def play(agent: Any, conversation: Conversation) -> ConversationResult:
    """Plays one conversation and judges every turn.

    Args:
        agent: A loaded agent with in-process actions (``bot.server.inprocess.load_agent``).
        conversation: The conversation.
    """
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    platform, default = CHANNELS[conversation.channel]
    sender = f"set-{conversation.id}-{uuid.uuid4().hex[:6]}"
    base = {"platform": platform, "user_id": sender}
    if default:
        base["default_language"] = default
    current = conversation.language
    previous: tuple[Reply, ...] = ()
    results = []
    now = (
        conversation.now.replace(tzinfo=TZ) if conversation.now.tzinfo is None else conversation.now
    )
    with overridden(now=now):
        for turn in conversation.turns:
            lang = turn.expect.lang or (turn.say and detect_language(turn.say)) or current
            message = _message(turn, previous)
            if message is None:
                verdict = Verdict((f"no button {turn.tap!r} in the previous reply",))
                results.append(TurnResult(turn, "", (), lang, verdict))
                previous = ()
                continue
            text, extra = message
            await agent.handle_message(
                UserMessage(
                    text,
                    CollectingOutputChannel(),
                    sender,
                    input_channel=platform,
                    metadata={**base, **extra},
                )
            )
            tracker = await agent.tracker_store.retrieve(sender)
            previous = replies_since_last_user_message(tracker)
            verdict = judge(turn.expect, previous, lang)
            results.append(
                TurnResult(turn, text, previous, lang, verdict, understood(tracker.latest_message))
            )
            current = lang
    return ConversationResult(conversation, tuple(results))


async def play_all(agent: Any, conversations: Sequence[Conversation]) -> list[ConversationResult]:
    """Plays conversations one after another."""
    return [await play(agent, conversation) for conversation in conversations]
