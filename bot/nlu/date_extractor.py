"""A Rasa component that marks date and time expressions as `date` entities.

The entity's value is the expression as typed ("明天下午", "오늘 저녁"): it is
resolved to concrete times by the actions, against the clock at answer time, so a
conversation that spans midnight still reads "tomorrow" correctly.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.dates import TZ, find_time_expression

DATE_ENTITY = "date"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class DateExtractor(GraphComponent, EntityExtractorMixin):
    """Adds a `date` entity spanning the first date/time expression of a message."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> DateExtractor:
        """Creates the component (it has no state)."""
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds the date entity to each message that names a date or time."""
        now = datetime.now(TZ)
        for message in messages:
            text = message.get(TEXT) or ""
            found = find_time_expression(text, now)
            if found is None:
                continue
            entity = {
                "entity": DATE_ENTITY,
                "value": found.text,
                "start": found.start,
                "end": found.end,
                "confidence": 1.0,
                "extractor": self.__class__.__name__,
            }
            message.set(ENTITIES, message.get(ENTITIES, []) + [entity], add_to_output=True)
        return messages
