"""Shared base of our rule-based entity extractors (no training, no state)."""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES
from rasa.shared.nlu.training_data.message import Message


class RuleEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Base for extractors that add entities found by rules, with full confidence."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RuleEntityExtractor:
        """Creates the component (it has no state)."""
        return cls()

    def add_entity(self, message: Message, entity: str, value: str, start: int, end: int) -> None:
        """Appends one entity to the message's entities, named after this extractor."""
        found = {
            "entity": entity,
            "value": value,
            "start": start,
            "end": end,
            "confidence": 1.0,
            "extractor": self.__class__.__name__,
        }
        message.set(ENTITIES, message.get(ENTITIES, []) + [found], add_to_output=True)
