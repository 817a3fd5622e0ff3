"""The language detector and date extractor as Rasa components."""

from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.date_extractor import DateExtractor
from bot.nlu.language_detector import LanguageDetector


def _entities(component, text: str):
    message = Message(data={TEXT: text})
    component.process([message])
    return [(e["entity"], e["value"], e["start"], e["end"]) for e in message.get(ENTITIES, [])]


def test_language_entity_only_with_a_signal() -> None:
    detector = LanguageDetector.create({}, None, None, None)
    assert _entities(detector, "태권도 언제") == [("language", "ko", 0, 6)]
    assert _entities(detector, "跆拳道几点") == [("language", "zh", 0, 5)]
    assert _entities(detector, "ok") == []


def test_date_entity_spans_the_expression() -> None:
    extractor = DateExtractor.create({}, None, None, None)
    assert _entities(extractor, "明天下午有什么") == [("date", "明天下午", 0, 4)]
    assert _entities(extractor, "跆拳道在哪") == []
