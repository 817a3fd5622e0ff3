"""FAQ answers per topic, the overview, the human handoff, the fallback and language switches."""

import pytest
from rasa_sdk.events import SlotSet

from actions.answers import ActionAnswerFaq, ActionAnswerOverview, ActionFallback
from actions.context import EVENT, TOPIC
from actions.language import ActionChangeLanguage, ActionSessionStart
from actions.overview import ActionHumanHandoff
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


def test_an_entry_of_another_topic_answers_when_it_fits(fixed_clock, content) -> None:
    messages, _ = run_action(
        ActionAnswerFaq(), make_tracker("有没有免费接驳车", "ask_tickets", language="zh")
    )
    assert messages[0]["text"] == content.faq_entry("shuttle-bus").answer.zh


@pytest.mark.parametrize("lang", ["zh", "ko"])
def test_no_fitting_entry_says_so_with_suggestions_and_the_contact(fixed_clock, content, lang):
    text = "展馆里能不能遛狗" if lang == "zh" else "전시장에 강아지 데려가도 돼요"
    messages, events = run_action(
        ActionAnswerFaq(), make_tracker(text, "ask_facilities", language=lang)
    )
    assert messages[0]["response"] == "utter_no_info"
    assert messages[0]["phone"] == content.overview.contact.phone
    buttons = messages[0].get("buttons") or []
    assert 1 <= len(buttons) <= 3
    assert all(b["payload"].startswith('/ask_faq{"faq_id": ') for b in buttons)
    assert all(len(b["title"]) <= 14 for b in buttons)


def test_a_tapped_suggestion_answers_its_entry(fixed_clock, content) -> None:
    tracker = make_tracker(
        '/ask_faq{"faq_id": "wifi"}', "ask_faq", [entity("faq_id", "wifi")], language="ko"
    )
    messages, _ = run_action(ActionAnswerFaq(), tracker)
    assert messages[0]["text"] == content.faq_entry("wifi").answer.ko


@pytest.mark.parametrize("lang", ["zh", "ko"])
def test_overview_and_sample_notice(fixed_clock, content, lang) -> None:
    messages, _ = run_action(
        ActionAnswerOverview(), make_tracker("?", "ask_event_overview", language=lang)
    )
    text = messages[0]["text"]
    assert content.overview.name.get(lang) in text
    assert all(o.name.get(lang) in text for o in content.overview.organisers)
    assert_language(text, lang)
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


def test_fallback_says_it_does_not_know_a_question_it_cannot_place(fixed_clock) -> None:
    messages, _ = run_action(
        ActionFallback(), make_tracker("帮我写一首诗", "nlu_fallback", language="zh")
    )
    assert messages[0]["response"] == "utter_no_info"


def test_fallback_did_not_understand_noise(fixed_clock) -> None:
    messages, _ = run_action(
        ActionFallback(), make_tracker("asdf ??", "nlu_fallback", language="zh")
    )
    assert messages[0]["response"] == "utter_default"


@pytest.mark.parametrize(
    ("text", "mentions", "expected"),
    [
        ("不要韩语，用中文", [("ko", 2, 4), ("zh", 6, 8)], "zh"),
        ("중국어 말고 한국어로 해주세요", [("zh", 0, 3), ("ko", 7, 10)], "ko"),
        ("I can't read Chinese, Korean please", [("zh", 13, 20), ("ko", 22, 28)], "ko"),
        ("不要韩语", [("ko", 2, 4)], "zh"),
    ],
)
def test_a_negated_language_is_not_the_one_switched_to(text, mentions, expected) -> None:
    entities = [
        {"entity": "target_language", "value": v, "start": s, "end": e} for v, s, e in mentions
    ]
    messages, events = run_action(
        ActionChangeLanguage(), make_tracker(text, "change_language", entities, language="zh")
    )
    assert events == [SlotSet("language", expected)]
    assert messages[0]["response"] == f"utter_language_changed_{expected}"


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


def test_session_start_keeps_the_language_and_forgets_the_subject() -> None:
    tracker = make_tracker(
        "", "session_start", language="zh", slots={TOPIC: "event", EVENT: "category:go"}
    )
    tracker.slots["session_started_metadata"] = {"default_language": "ko"}
    _, events = run_action(ActionSessionStart(), tracker)
    assert SlotSet("language", "ko") not in events and SlotSet("language", "zh") in events
    assert not [e for e in events if e.get("name") in (TOPIC, EVENT)]


def test_a_question_worded_unlike_any_entry_gets_the_entry_that_talks_about_it(
    fixed_clock, content
) -> None:
    tracker = make_tracker(
        "路演那个论坛有同传吗",
        "ask_forums",
        [entity("activity", "forum", 4, 6)],
        language="zh",
        keywords=["路演", "论坛", "同传"],
    )
    messages, _ = run_action(ActionAnswerFaq(), tracker)
    # "路演" names the innovation forum: the entry leads, the forum's card follows.
    lines = messages[0]["text"].splitlines()
    assert lines[0] == content.faq_entry("interpreters").answer.zh
    assert lines[1] == content.event("forum-innovation").name.zh
