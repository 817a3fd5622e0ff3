"""A Rasa component that marks date and time expressions as `date` entities.

The entity's value is the expression as typed ("明天下午", "오늘 저녁"): it is
resolved to concrete times by the actions, against the clock at answer time, so a
conversation that spans midnight still reads "tomorrow" correctly.
"""

from __future__ import annotations

from datetime import datetime

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.dates import TZ, find_time_expression
from bot.nlu.extractor import RuleEntityExtractor

DATE_ENTITY = "date"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class DateExtractor(RuleEntityExtractor):
    """Adds a `date` entity spanning the first date/time expression of a message."""

    def process(self, messages: list[Message]) -> list[Message]:
        """Adds the date entity to each message that names a date or time."""
        now = datetime.now(TZ)
        for message in messages:
            found = find_time_expression(message.get(TEXT) or "", now)
            if found is not None:
                self.add_entity(message, DATE_ENTITY, found.text, found.start, found.end)
        return messages
