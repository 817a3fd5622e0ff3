"""What the conversation is about: the subject slots, read and written by the answering actions.

Every answering action sets ``topic`` to the kind of question it takes
(schedule, event, venue, transport, faq, overview) and remembers the subject of
its answer in slots: the programme items (``subject_event``), the venue, the time
window, the origin and the FAQ entry. A follow-up that
names only a date, an aspect, an origin or "there" is answered about them;
a new subject replaces them. The slots live in the tracker like any other and
start empty with each conversation session (``action_session_start`` keeps only
the language). The rules in nlu_data/rules.yml route follow-ups by ``topic``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from rasa_sdk.events import SlotSet

from bot.content.model import Content, Event
from bot.nlu.dates import TimeWindow

TOPIC, EVENT, VENUE, WINDOW, ORIGIN, FAQ, ASPECTS, MORE = (
    "topic",
    "subject_event",
    "subject_venue",
    "subject_window",
    "subject_origin",
    "subject_faq",
    "subject_aspects",
    "more",
)
SUBJECT_SLOTS = (TOPIC, EVENT, VENUE, WINDOW, ORIGIN, FAQ, ASPECTS)
TOPICS = ("schedule", "event", "venue", "transport", "faq", "overview")


@dataclass(frozen=True)
class EventSelector:
    """Which programme items a conversation is about.

    Attributes:
        kind: "events" (these records), "tag" (an activity tag) or "category".
        values: The event ids, or the one tag or category.
    """

    kind: str
    values: tuple[str, ...]

    def resolve(self, content: Content) -> tuple[Event, ...]:
        """The sessions this selector stands for, by start time."""
        if self.kind == "events":
            found = [content.event(i) for i in self.values]
            return tuple(e for e in found if e is not None)
        if self.kind == "tag":
            return content.events_in(tags=self.values)
        return content.events_in(category=self.values[0])

    def encode(self) -> str:
        """The slot value: ``events:a,b`` / ``tag:gimbap`` / ``category:go``."""
        return f"{self.kind}:{','.join(self.values)}"

    @classmethod
    def decode(cls, value: Any) -> EventSelector | None:
        """Reads a slot value; None when it is empty or not a selector."""
        if not isinstance(value, str) or ":" not in value:
            return None
        kind, _, rest = value.partition(":")
        values = tuple(v for v in rest.split(",") if v)
        if kind not in ("events", "tag", "category") or not values:
            return None
        return cls(kind, values)


def encode_window(window: TimeWindow) -> str:
    """The slot value of a time window: ``start|end|part|upcoming``."""
    flag = "1" if window.upcoming else ""
    return f"{window.start.isoformat()}|{window.end.isoformat()}|{window.part or ''}|{flag}"


def decode_window(value: Any) -> TimeWindow | None:
    """Reads a window slot; None when it is empty or unreadable."""
    if not isinstance(value, str) or value.count("|") != 3:
        return None
    start, end, part, upcoming = value.split("|")
    try:
        return TimeWindow(
            datetime.fromisoformat(start),
            datetime.fromisoformat(end),
            part or None,
            upcoming == "1",
        )
    except ValueError:
        return None


@dataclass(frozen=True)
class Context:
    """The remembered subject of the conversation (all empty at the start)."""

    topic: str | None = None
    event: EventSelector | None = None
    venue: str | None = None
    window: TimeWindow | None = None
    origin: str | None = None
    faq: str | None = None
    aspects: tuple[str, ...] = ()

    @classmethod
    def from_slots(cls, slots: Mapping[str, Any]) -> Context:
        """Reads the subject slots of a tracker."""
        topic = slots.get(TOPIC)
        return cls(
            topic=topic if topic in TOPICS else None,
            event=EventSelector.decode(slots.get(EVENT)),
            venue=slots.get(VENUE) if isinstance(slots.get(VENUE), str) else None,
            window=decode_window(slots.get(WINDOW)),
            origin=slots.get(ORIGIN) if isinstance(slots.get(ORIGIN), str) else None,
            faq=slots.get(FAQ) if isinstance(slots.get(FAQ), str) else None,
            aspects=tuple(a for a in slots.get(ASPECTS) or [] if isinstance(a, str)),
        )

    def moved_to(self, **changes: Any) -> Context:
        """The context after an answer about something else (unnamed fields kept)."""
        return replace(self, **changes)

    def slot_events(self, before: Context) -> list[dict[str, Any]]:
        """SlotSet events for the fields that changed since ``before``."""
        values = {
            TOPIC: (self.topic, before.topic),
            EVENT: (
                self.event.encode() if self.event else None,
                before.event.encode() if before.event else None,
            ),
            VENUE: (self.venue, before.venue),
            WINDOW: (
                encode_window(self.window) if self.window else None,
                encode_window(before.window) if before.window else None,
            ),
            ORIGIN: (self.origin, before.origin),
            FAQ: (self.faq, before.faq),
            ASPECTS: (list(self.aspects) or None, list(before.aspects) or None),
        }
        return [SlotSet(name, new) for name, (new, old) in values.items() if new != old]


def pending_lines(slots: Mapping[str, Any]) -> Sequence[str]:
    """The lines of a long answer not shown yet (the ``more`` slot)."""
    value = slots.get(MORE)
    return [line for line in value if isinstance(line, str)] if isinstance(value, list) else []
