"""What a question asks, and whether a text mentions it (actions.coverage)."""

from __future__ import annotations

from actions.coverage import asked_words, mentions, unknown_words, venue_source
from tests.support.agent import entity


def _message(text: str, keywords: list[str], *entities: dict) -> dict:
    return {"text": text, "keywords": keywords, "entities": list(entities)}


def test_names_entities_and_generic_words_are_not_asked() -> None:
    message = _message(
        "西塔美食节几点开始有素的吗",
        ["西塔", "美食节", "时间", "素"],
        entity("aspect", "when", 5, 9),
    )
    assert asked_words(message, ["西塔美食节"]) == ("素",)


def test_a_word_holding_an_aspect_stays_asked_when_the_rest_means_something() -> None:
    seat_map = _message(
        "音乐会有座位图吗", ["音乐会", "座位图"], entity("aspect", "capacity", 4, 6)
    )
    timetable = _message("有时间表吗", ["时间表"], entity("aspect", "when", 1, 3))
    assert asked_words(seat_map, ["音乐会"]) == ("座位图",)
    assert asked_words(timetable) == ()


def test_function_characters_at_the_ends_of_a_chinese_word_are_not_asked() -> None:
    assert asked_words(_message("在几楼", ["几楼"])) == ("楼",)


def test_korean_stems_typos_and_related_words_count_as_mentioned() -> None:
    source = "김치 담그기 체험은 17:30부터. 채식 비빔밥. 큰 짐은 맡겨 주세요. 도로 통제"
    assert mentions(source, "채식주의자")  # the compound's first noun
    assert mentions(source, "체헙")  # one letter off
    assert mentions(source, "캐리어")  # a related word of the lexicon
    assert not mentions(source, "도록")  # a dropped final is another word
    assert not mentions("座位有1500个", "座位图")  # Chinese compounds are taken whole


def test_unknown_words_leave_out_the_subjects_names() -> None:
    assert unknown_words(["축제", "도록"], "사진전 안내", ["시타 음식축제"]) == ["도록"]


def test_a_venues_texts_include_its_directions_and_parking(content) -> None:
    source = venue_source(content.venue("forum_hotel"))
    assert mentions(source, "픽업") and mentions(source, "停车")
    assert not mentions(source, "餐厅")
