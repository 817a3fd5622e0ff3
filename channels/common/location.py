"""A location a visitor shared, and how it reaches Rasa.

A shared location is not a sentence to understand. WeChat's ``Label`` is often a
street address, which the NLU read as a question (a tourism answer came back)
and whose language switched a Korean visitor's replies to Chinese. So every
connector sends Rasa the intent payload ``/share_location``, which Rasa parses
without the NLU, with the point in the message metadata
(``location: {"lat", "lon", "label"}``); ``action_answer_transport`` gives
directions to the nearest venue. The label goes to Rasa as data only, and never
into the language the connector remembers for the visitor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: The intent (in domain.yml) a shared location is sent as.
SHARE_LOCATION_INTENT = "share_location"
SHARE_LOCATION = f"/{SHARE_LOCATION_INTENT}"


@dataclass(frozen=True)
class SharedLocation:
    """A point a visitor shared, with the platform's name or address for it ("" if none)."""

    lat: float
    lon: float
    label: str = ""

    def as_metadata(self) -> dict[str, Any]:
        """The ``location`` entry of the message metadata."""
        return {"lat": self.lat, "lon": self.lon, "label": self.label}
