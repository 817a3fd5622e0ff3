"""Finding the programme items, venues and hotels a message names, straight from the content.

The NLU knows the activity and venue names it was trained on; staff add events,
venues, hotels and aliases during the event, and those must be askable at once,
without retraining. ``Gazetteer`` folds every name and alias in both languages
(width, case, Traditional to Simplified, no spaces or punctuation) and finds them
in a folded message, longest first, without overlaps. A name shared by several
records (the photo exhibition has one record per day) names all of them. Pure.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

from bot.content.model import Content
from bot.nlu.language import fold

#: Names shorter than this (after folding) are not matched: too many false hits.
MIN_NAME_LENGTH = 2
KINDS = ("event", "venue", "hotel")


@dataclass(frozen=True)
class Named:
    """Records a message names: their kind ("event", "venue" or "hotel"), ids, and where.

    ``start`` is the name's offset in the folded message (``bot.nlu.language.fold``).
    """

    kind: str
    ids: tuple[str, ...]
    surface: str
    start: int = 0


class Gazetteer:
    """Every name and alias of the content's events, venues and hotels."""

    def __init__(self, content: Content) -> None:
        """Indexes the names of one content version."""
        names: dict[tuple[str, str], list[str]] = {}

        def add(kind: str, record_id: str, surfaces: Iterable[str]) -> None:
            for surface in surfaces:
                folded = fold(surface)
                if len(folded) >= MIN_NAME_LENGTH:
                    ids = names.setdefault((kind, folded), [])
                    if record_id not in ids:
                        ids.append(record_id)

        for event in content.events:
            add("event", event.id, event.names())
        for venue in content.venues.values():
            add("venue", venue.id, venue.names())
        for hotel in content.hotels:
            add("hotel", hotel.id, hotel.names())
        self._event_names = {
            event.id: [fold(name) for name in event.names()] for event in content.events
        }
        self._series = {event.id: fold(event.name.zh) for event in content.events}
        # Longest first: "西塔美食节" wins over "西塔" inside it.
        self._names = sorted(
            ((folded, kind, tuple(ids)) for (kind, folded), ids in names.items()),
            key=lambda item: -len(item[0]),
        )

    def find(self, text: str) -> list[Named]:
        """The records a message names, longest name first, names not overlapping.

        Args:
            text: The message as typed.
        """
        folded = fold(text)
        taken = [False] * len(folded)
        found: list[Named] = []
        for name, kind, ids in self._names:
            start = folded.find(name)
            while start >= 0:
                span = range(start, start + len(name))
                if not any(taken[i] for i in span):
                    for i in span:
                        taken[i] = True
                    found.append(Named(kind, ids, name, start))
                    break
                start = folded.find(name, start + 1)
        return found

    def events_by_part(self, word: str) -> tuple[str, ...]:
        """The one programme item a word of its names points to ("决赛", "汽车"), if only one.

        A word found in the names of several items ("论坛", "西塔") names none; the
        days of one daily item (the exhibition) count as one.
        """
        folded = fold(word)
        if len(folded) < MIN_NAME_LENGTH:
            return ()
        found = [i for i, names in self._event_names.items() if any(folded in n for n in names)]
        return tuple(found) if len({self._series[i] for i in found}) == 1 else ()

    def ids(self, text: str, kind: str) -> list[str]:
        """The ids of one kind a message names, in the order of ``find``, without repeats."""
        result: list[str] = []
        for named in self.find(text):
            if named.kind == kind:
                result += [i for i in named.ids if i not in result]
        return result


#: Live content and a staff preview of a draft may alternate; keep a few versions.
_KEEP = 4
_cache: OrderedDict[str, Gazetteer] = OrderedDict()


def gazetteer(content: Content) -> Gazetteer:
    """The gazetteer of a content version, built once per version."""
    found = _cache.get(content.version)
    if found is None:
        found = _cache[content.version] = Gazetteer(content)
        while len(_cache) > _KEEP:
            _cache.popitem(last=False)
    else:
        _cache.move_to_end(content.version)
    return found
