"""FAQ answers per topic, the overview, the human handoff, the fallback and language switches."""

import pytest
from rasa_sdk.events import SlotSet

from actions.fallback import ActionFallback
from actions.faq import ActionAnswerFaq
from actions.language import ActionChangeLanguage, ActionSessionStart
from actions.overview import ActionAnswerOverview, ActionHumanHandoff
from tests.support.agent import assert_language, entity, make_tracker, run_action


@pytest.mark.parametrize(
    "text, intent, lang, entry_id",
    [
        ("wifi密码是多少", "ask_facilities", "zh", "wifi"),
        ("와이파이 비번 뭐예요", "ask_facilities", "ko", "wifi"),
        ("要带护照吗", "ask_tickets", "zh", "id-documents"),
        ("총영사관 전화번호", "ask_contact", "ko", "korean-consulate"),
        ("展位怎么订", "ask_exhibitor", "zh", "booth-booking"),
    ],
)
def test_best_entry_of_the_topic_answers(
    fixed_clock, content, text, intent, lang, entry_id
) -> None:
    messages, _ = run_action(ActionAnswerFaq(), make_tracker(text, intent, language=lang))
    assert messages[0]["text"] == content.faq_entry(entry_id).answer.get(lang)
    assert_language(messages[0]["text"], lang)


def test_vague_question_gets_the_topics_first_entry(fixed_clock, content) -> None:
    messages, _ = run_action(ActionAnswerFaq(), make_tracker("嗯？", "ask_tickets", language="zh"))
    assert messages[0]["text"] == content.faq_about("tickets")[0].answer.zh


@pytest.mark.parametrize("lang", ["zh", "ko"])
def test_overview_and_sample_notice(fixed_clock, content, lang) -> None:
    messages, _ = run_action(
        ActionAnswerOverview(), make_tracker("?", "ask_event_overview", language=lang)
    )
    assert messages[0]["name"] == content.overview.name.get(lang)
    assert_language(messages[0]["organisers"], lang)
    assert messages[-1]["response"] == "utter_sample_notice"


def test_handoff_gives_the_staff_contact(fixed_clock, content) -> None:
    messages, _ = run_action(
        ActionHumanHandoff(), make_tracker("转人工", "human_handoff", language="zh")
    )
    assert messages[0]["phone"] == content.overview.contact.phone
    assert messages[0]["email"] == content.overview.contact.email


def test_fallback_answers_from_the_faq_when_close(fixed_clock, content) -> None:
    question = content.faq_entry("lost-and-found").questions.zh[0]
    messages, _ = run_action(
        ActionFallback(), make_tracker(question, "nlu_fallback", language="zh")
    )
    assert messages[0]["text"] == content.faq_entry("lost-and-found").answer.zh


def test_fallback_offers_topics_otherwise(fixed_clock) -> None:
    messages, _ = run_action(
        ActionFallback(), make_tracker("帮我写一首诗", "nlu_fallback", language="zh")
    )
    assert messages[0]["response"] == "utter_default"


@pytest.mark.parametrize("target", ["ko", "zh"])
def test_change_language_sets_the_slot_and_confirms_in_the_new_language(target) -> None:
    tracker = make_tracker(
        "请用韩语", "change_language", [entity("target_language", target)], language="zh"
    )
    messages, events = run_action(ActionChangeLanguage(), tracker)
    assert events == [SlotSet("language", target)]
    assert messages[0]["response"] == f"utter_language_changed_{target}"


def test_english_is_declined_politely() -> None:
    tracker = make_tracker(
        "English please", "change_language", [entity("target_language", "en")], language="ko"
    )
    messages, events = run_action(ActionChangeLanguage(), tracker)
    assert events == [] and messages[0]["response"] == "utter_language_unsupported"


def test_session_start_takes_the_channels_default_language() -> None:
    tracker = make_tracker("", "session_start", language=None)
    tracker.slots["session_started_metadata"] = {"default_language": "ko-KR"}
    _, events = run_action(ActionSessionStart(), tracker)
    assert SlotSet("language", "ko") in events
    assert events[0]["event"] == "session_started" and events[-1]["event"] == "action"


def test_session_start_keeps_an_existing_language() -> None:
    tracker = make_tracker("", "session_start", language="zh")
    tracker.slots["session_started_metadata"] = {"default_language": "ko"}
    _, events = run_action(ActionSessionStart(), tracker)
    assert SlotSet("language", "ko") not in events and SlotSet("language", "zh") in events
