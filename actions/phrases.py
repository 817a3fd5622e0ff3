"""The words around content facts, read from domain.yml's responses.

An answer is composed from several lines (the asked detail first, then the
essentials), so it cannot be one fixed response. The words of each line live in
domain.yml as ``utter_piece_*`` responses with a Korean variation (condition
``language: ko``) and a Chinese default, like every other response; ``Phrases``
picks the variation for a language and fills its placeholders. Rasa sends the
domain, responses included, with every action call.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class PhraseMissing(KeyError):
    """domain.yml has no such response, or no variation without a condition."""


class Phrases:
    """The response texts of a domain, by name and language."""

    def __init__(self, domain: Mapping[str, Any]) -> None:
        """Reads the responses of the domain dict Rasa sends to actions."""
        self._responses: Mapping[str, Any] = domain.get("responses") or {}

    def text(self, response: str, lang: str, **values: Any) -> str:
        """The response in ``lang`` with its placeholders filled.

        Raises:
            PhraseMissing: When domain.yml has no usable variation of the response.
        """
        variations = self._responses.get(response) or []
        chosen = default = None
        for variation in variations:
            conditions = variation.get("condition") or []
            if not conditions:
                default = variation
            elif any(c.get("name") == "language" and c.get("value") == lang for c in conditions):
                chosen = variation
        picked = chosen or default
        if picked is None or not isinstance(picked.get("text"), str):
            raise PhraseMissing(f"domain.yml has no text for {response}")
        return str(picked["text"]).format(**values)

    def has(self, name: str) -> bool:
        """Whether the domain defines the response."""
        return bool(self._responses.get(name))
