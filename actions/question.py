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
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from actions.common import origin_entity
from actions.coverage import asked_words
from bot.content.gazetteer import Named, gazetteer
from bot.content.model import CATEGORIES, Content
from bot.nlu.dates import TimeWindow, find_time_expression
from bot.nlu.language import fold
from bot.nlu.lexicon import asks_who_may_come

_FROM_BEFORE = ("从", "自", "由")
_ON_THE_WAY = re.compile(
    r"까지|가[는면려요]|가요|출발|와요|오는|걸려|택시|지하철|버스|^\s*[은는]?요?\s*[?？]?\s*$"
)


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
        aspect_words: Each aspect with the words that asked it, folded
            (("people", "是谁"), ("when", "몇시")).
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
    aspect_words: tuple[tuple[str, str], ...] = ()

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


def _aspects(entities: Sequence[Mapping[str, Any]], text: str) -> tuple[str, ...]:
    """The aspects asked, as the NLU found them and as the message implies.

    A height or an age asks who may come ("我家小孩一米一，能进吗"); a price asked
    with parking or a way there is theirs ("주차 무료예요?", "打车多少钱").
    """
    aspects = _values(entities, "aspect")
    if "eligibility" not in aspects and asks_who_may_come(text):
        aspects = (*aspects, "eligibility")
    if "parking" in aspects or "transport" in aspects:
        return tuple(a for a in aspects if a != "price")
    return aspects


def _starts_from(text: str, start: int, end: int) -> bool:
    """Whether the words around ``text[start:end]`` make it a starting point.

    Korean 에서 is "from" only on the way somewhere ("시타에서 전시센터까지",
    "호텔에서 출발"); "시타에서 뭐 해요?" asks what is on at Xita.
    """
    before = text[:start].rstrip()[-1:]
    after = text[end:].lstrip()
    if before in _FROM_BEFORE or after.startswith(("出发", "出發", "부터")):
        return True
    return after.startswith("에서") and bool(_ON_THE_WAY.search(after[2:]))


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


#: Which entities a longer name of another kind swallows: "사진" (photos) inside
#: "사진전" (the photo exhibition), "전시" inside "전시센터" (the expo centre),
#: "西塔" inside "西塔韩国城酒店" (a hotel, so where the visitor starts).
_SWALLOWED_BY = {
    "aspect": ("event", "venue", "hotel", "activity"),
    "activity": ("venue", "hotel"),
    "venue": ("hotel",),
}


def _folded_span(text: str, entity: Mapping[str, Any]) -> tuple[int, int]:
    start, end = int(entity.get("start", 0)), int(entity.get("end", 0))
    return len(fold(text[:start])), len(fold(text[:end]))


def unnested(
    text: str, entities: Sequence[Mapping[str, Any]], named: Sequence[Named]
) -> list[Mapping[str, Any]]:
    """The entities that are not part of a longer name of another kind."""
    spans = [(n.kind, n.start, n.start + len(n.surface)) for n in named]
    placed = [e for e in entities if "start" in e and "end" in e]  # not a payload's
    spans += [
        (str(e.get("entity")), *_folded_span(text, e))
        for e in placed
        if e.get("entity") in ("activity", "venue")
    ]

    def swallowed(entity: Mapping[str, Any]) -> bool:
        if entity not in placed:
            return False
        kinds = _SWALLOWED_BY.get(str(entity.get("entity")), ())
        start, end = _folded_span(text, entity)
        return any(
            kind in kinds and s <= start and end <= e and (e - s) > (end - start)
            for kind, s, e in spans
        )

    return [e for e in entities if not swallowed(e)]


def _venues_and_origin(
    text: str, entities: Sequence[Mapping[str, Any]], named: Sequence[Named], content: Content
) -> tuple[list[str], str | None]:
    """Destination venues (named, then the NLU's), and where the visitor starts."""
    venues, origin = _named_places(named, fold(text))
    for item in entities:
        value, start, end = item.get("value"), item.get("start", 0), item.get("end", 0)
        if item.get("entity") != "venue" or not isinstance(value, str) or value in venues:
            continue
        if content.venue(value) is None:
            continue
        if _starts_from(text, start, end):
            origin = origin or f"venue:{value}"
        else:
            venues.insert(0, value)
    return venues, origin or _origin(text, entities)


def _shared_point(message: Mapping[str, Any]) -> tuple[float, float] | None:
    metadata = message.get("metadata") or {}
    location = metadata.get("location") if isinstance(metadata, Mapping) else None
    if not isinstance(location, Mapping):
        return None
    try:
        return float(location["lat"]), float(location["lon"])
    except (KeyError, TypeError, ValueError):
        return None


def read_question(message: Mapping[str, Any], content: Content, now: datetime) -> Question:
    """Understands a tracker's latest message.

    Args:
        message: ``tracker.latest_message``: text, intent, entities, metadata.
        content: The content the answer will come from.
        now: The current time, for relative dates.
    """
    text = message.get("text") or ""
    named = gazetteer(content).find(text) if not text.startswith("/") else []
    entities = unnested(text, message.get("entities") or [], named)
    when = None
    for candidate in [*_values(entities, "date"), text]:
        when = find_time_expression(candidate, now)
        if when is not None:
            break
    venues, origin = _venues_and_origin(text, entities, named, content)
    faq_ids = _values(entities, "faq_id")
    intent = (message.get("intent") or {}).get("name") or ""
    asked = asked_words({**message, "entities": entities}, [item.surface for item in named])
    events = [i for item in named if item.kind == "event" for i in item.ids]
    return Question(
        text=text,
        intent=intent,
        aspects=_aspects(entities, text),
        window=when.window if when else None,
        typed_when=when.text if when else None,
        activities=_values(entities, "activity"),
        events=tuple(dict.fromkeys(events)),
        venues=tuple(venues),
        origin=origin,
        location=_shared_point(message),
        faq_id=faq_ids[0] if faq_ids else None,
        asked=asked,
        aspect_words=tuple(
            (str(e.get("value")), fold(text[int(e.get("start", 0)) : int(e.get("end", 0))]))
            for e in entities
            if e.get("entity") == "aspect"
        ),
    )
