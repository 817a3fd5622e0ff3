"""What the latest message asks: intent, aspects, time, and the items, venues and origin it names.

Entities come from the NLU (activities, venues, origins, aspects, dates); items
and places staff added after training are found by name in the content
(``bot.content.gazetteer``). A place after 从/自 or before 에서/부터 is where the
visitor starts from, not where they are going. Pure, given the tracker's
latest message, the content and the time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from typing import Any

from actions.common import origin_entity
from actions.context import Context
from actions.coverage import asked_words
from bot.content.gazetteer import Named, gazetteer
from bot.content.model import CATEGORIES, Content
from bot.nlu.dates import PART_HOURS, TZ, TimeWindow, find_time_expression
from bot.nlu.language import fold

_FROM_BEFORE = ("从", "自", "由")
_FROM_AFTER = ("에서", "부터")


@dataclass(frozen=True)
class Question:
    """The latest message, understood.

    Attributes:
        text: As typed.
        intent: The intent's name ("" when none).
        aspects: What is asked about a subject: when, where, transport, duration,
            price, register, eligibility, photos, bring, parking, hours.
        window: The time asked about, if any; ``typed_when`` its words.
        activities: Activity values named (tags such as "gimbap", or category words).
        events: Ids of programme items named by name or alias.
        venues: Ids of venues named as a destination.
        origin: Where the visitor starts: an origin value ("airport") or a hotel id.
        location: (lat, lon) of a shared location.
        faq_id: The FAQ entry a tapped suggestion asks for.
        asked: Its content words other than names, entities and generic words
            (actions.coverage): what an answer must know about.
    """

    text: str
    intent: str = ""
    aspects: tuple[str, ...] = ()
    window: TimeWindow | None = None
    typed_when: str | None = None
    activities: tuple[str, ...] = ()
    events: tuple[str, ...] = ()
    venues: tuple[str, ...] = ()
    origin: str | None = None
    location: tuple[float, float] | None = None
    faq_id: str | None = None
    asked: tuple[str, ...] = ()

    @property
    def categories(self) -> tuple[str, ...]:
        """The activity values that name a whole category ("taekwondo", "go", ...)."""
        return tuple(a for a in self.activities if a in CATEGORIES)

    @property
    def tags(self) -> tuple[str, ...]:
        """The activity values that name a part of a category ("gimbap", "forum_auto", ...)."""
        return tuple(a for a in self.activities if a not in CATEGORIES)

    @property
    def names_subject(self) -> bool:
        """Whether the message names a programme item, an activity or a venue."""
        return bool(self.events or self.activities or self.venues)


def _values(entities: Sequence[Mapping[str, Any]], name: str) -> tuple[str, ...]:
    found: list[str] = []
    for item in entities:
        value = item.get("value")
        if item.get("entity") == name and isinstance(value, str) and value not in found:
            found.append(value)
    return tuple(found)


def _starts_from(text: str, start: int, end: int) -> bool:
    """Whether the words around ``text[start:end]`` make it a starting point."""
    before = text[:start].rstrip()[-1:]
    after = text[end:].lstrip()
    return before in _FROM_BEFORE or after.startswith((*_FROM_AFTER, "出发", "出發"))


def _is_origin(folded_text: str, surface: str) -> bool:
    at = folded_text.find(surface)
    return at >= 0 and _starts_from(folded_text, at, at + len(surface))


def _named_places(named: Sequence[Named], folded: str) -> tuple[list[str], str | None]:
    """Destination venues, and the origin (a hotel or a venue used as a starting point)."""
    venues: list[str] = []
    origin: str | None = None
    for item in named:
        if item.kind == "hotel":
            origin = origin or item.ids[0]
        elif item.kind == "venue":
            if _is_origin(folded, item.surface) and origin is None:
                origin = f"venue:{item.ids[0]}"
            else:
                venues += [i for i in item.ids if i not in venues]
    return venues, origin


#: "And at Xita?" / "西塔呢?" / "시타는요?": the same question about another subject.
ALSO = re.compile(r"[也呢还還]|도요|도\s*[?？]|도$|[은는]요")


def _origin(text: str, entities: Sequence[Mapping[str, Any]]) -> str | None:
    """The origin entity; a bare "hotel" only after 从/before 에서 ("在哪个酒店" asks where)."""
    origin = origin_entity(entities)
    if origin != "hotel":
        return origin
    spans = [
        (int(e.get("start", 0)), int(e.get("end", 0)))
        for e in entities
        if e.get("entity") == "origin" and e.get("value") == "hotel"
    ]
    return origin if any(_starts_from(text, s, e) for s, e in spans) else None


def continue_question(question: Question, context: Context) -> Question:
    """The same details asked again of a new subject ("西塔呢" after "香格里拉怎么停车")."""
    if question.aspects or not context.aspects or not ALSO.search(question.text):
        return question
    if not (question.names_subject or question.venues):
        return question
    return replace(question, aspects=context.aspects)


def continue_day(question: Question, context: Context) -> Question:
    """The morning of the day the conversation is about ("上午呢" after "后天有什么").

    A part of the day named without a day means today, unless the conversation
    is about another day: then it is that day's part.
    """
    window, remembered = question.window, context.window
    if window is None or window.day_given or window.part is None or remembered is None:
        return question
    first, last = PART_HOURS[window.part]
    day = datetime.combine(remembered.start.date(), time(0), TZ)
    moved = TimeWindow(day + timedelta(hours=first), day + timedelta(hours=last), window.part)
    return replace(question, window=moved)


def read_question(message: Mapping[str, Any], content: Content, now: datetime) -> Question:
    """Understands a tracker's latest message.

    Args:
        message: ``tracker.latest_message``: text, intent, entities, metadata.
        content: The content the answer will come from.
        now: The current time, for relative dates.
    """
    text = message.get("text") or ""
    entities: Sequence[Mapping[str, Any]] = message.get("entities") or []
    intent = (message.get("intent") or {}).get("name") or ""
    when = None
    for candidate in [*_values(entities, "date"), text]:
        when = find_time_expression(candidate, now)
        if when is not None:
            break
    named = gazetteer(content).find(text) if not text.startswith("/") else []
    folded = fold(text)
    venues, named_origin = _named_places(named, folded)
    for item in entities:
        value, start, end = item.get("value"), item.get("start", 0), item.get("end", 0)
        if item.get("entity") != "venue" or not isinstance(value, str):
            continue
        if content.venue(value) is None or value in venues:
            continue
        if _starts_from(text, start, end):
            named_origin = named_origin or f"venue:{value}"
        else:
            venues.insert(0, value)
    events = [i for item in named if item.kind == "event" for i in item.ids]
    metadata = message.get("metadata") or {}
    location = metadata.get("location") if isinstance(metadata, Mapping) else None
    point = None
    if isinstance(location, Mapping):
        try:
            point = (float(location["lat"]), float(location["lon"]))
        except (KeyError, TypeError, ValueError):
            point = None
    faq_ids = _values(entities, "faq_id")
    return Question(
        text=text,
        intent=intent,
        aspects=_values(entities, "aspect"),
        window=when.window if when else None,
        typed_when=when.text if when else None,
        activities=_values(entities, "activity"),
        events=tuple(dict.fromkeys(events)),
        venues=tuple(venues),
        origin=named_origin or _origin(text, entities),
        location=point,
        faq_id=faq_ids[0] if faq_ids else None,
        asked=asked_words(message, [item.surface for item in named]),
    )
