"""A Rasa component that tags each message with the language it is written in.

The detected language is added as a `language` entity, so the `language` slot
fills itself through an ordinary from_entity mapping, and messages with no
language signal ("ok", "1") add nothing and leave the slot as it was.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.extractor import RuleEntityExtractor
from bot.nlu.language import detect_language

LANGUAGE_ENTITY = "language"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class LanguageDetector(RuleEntityExtractor):
    """Adds a `language` entity ("zh" or "ko") when the text shows its language."""

    def process(self, messages: list[Message]) -> list[Message]:
        """Adds the language entity to each message that carries a language signal."""
        for message in messages:
            text = message.get(TEXT) or ""
            language = detect_language(text)
            if language is not None:
                self.add_entity(message, LANGUAGE_ENTITY, language, 0, len(text))
        return messages
