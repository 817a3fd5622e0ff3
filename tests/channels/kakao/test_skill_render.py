"""Rendering bot messages as skill responses (pure), each checked against the schema."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from channels.common.replies import BotMessage, Button, Card, Venue
from channels.kakao import skill
from tests.channels.kakao.client import reply_texts
from tests.support.channels import language_of
from tests.support.kakao_schema import assert_valid_skill_response as assert_valid


def test_buttons_become_quick_replies_with_payload_in_extra() -> None:
    buttons = tuple(
        Button(f"아주 긴 버튼 제목 번호 {i}번입니다", f'/ask_schedule{{"n":{i}}}')
        for i in range(12)
    )
    response = skill.render_response([BotMessage(text="선택하세요", buttons=buttons)], "ko")
    assert_valid(response)
    quick = response["template"]["quickReplies"]
    assert len(quick) == 10 and all(len(q["label"]) <= 14 for q in quick)
    assert quick[0]["messageText"] == quick[0]["label"]
    assert quick[0]["extra"] == {"payload": '/ask_schedule{"n":0}'}


def test_long_and_many_texts_fit_three_outputs_of_1000_characters() -> None:
    long = skill.render_response([BotMessage(text="가나다라마바사 " * 300)], "ko")
    assert_valid(long)
    assert len(long["template"]["outputs"]) == 3
    many = skill.render_response([BotMessage(text=f"{i}번 답변") for i in range(6)], "ko")
    assert_valid(many)
    assert "5번 답변" in reply_texts(many)[-1]


def test_cards_venues_images_and_links_render_as_valid_components() -> None:
    venue = Venue(41.8057, 123.4315, "沈阳国际展览中心", "沈阳市苏家屯区会展路9号")
    with_images = tuple(
        Card(f"행사 {i}", "설명", image=f"https://e.org/{i}.jpg", url="https://e.org", venue=venue)
        for i in range(12)
    )
    messages = [
        BotMessage(text="행사 목록", cards=with_images),
        BotMessage(cards=(Card("태권도", "체육관", venue=venue), Card("바둑", "기원"))),
        BotMessage(
            venue=venue,
            image="https://e.org/map.png",
            buttons=(Button("홈페이지", url="https://e.org"),),
        ),
    ]
    for message in messages:
        response = skill.render_response([message], "ko")
        assert_valid(response)
    carousel = skill.render_response([messages[0]], "ko")["template"]["outputs"][1]["carousel"]
    assert carousel["type"] == "basicCard" and len(carousel["items"]) == 10
    assert carousel["items"][0]["buttons"][1]["webLinkUrl"].startswith(
        "https://www.google.com/maps"
    )
    text_cards = skill.render_response([messages[1]], "ko")["template"]["outputs"][0]["carousel"]
    assert text_cards["type"] == "textCard"
    venue_out = skill.render_response([BotMessage(venue=venue)], "zh")["template"]["outputs"][0]
    assert venue_out["textCard"]["buttons"][0]["label"] == "查看地图"


def test_empty_answer_still_has_an_output() -> None:
    response = skill.render_response([], "ko")
    assert_valid(response)
    assert language_of(reply_texts(response)[0]) == "ko"


def test_callback_ack_and_fallbacks_are_valid() -> None:
    assert_valid(skill.callback_ack("잠시만요"))
    assert_valid(skill.text_response("x" * 5000))


BUTTONS = st.builds(
    Button, title=st.text(min_size=1, max_size=30), payload=st.text(min_size=1, max_size=80)
)


URLS = st.sampled_from(["", "https://e.org/a.jpg", "http://e.org/b"])


CARDS = st.builds(
    Card,
    title=st.text(min_size=1, max_size=80),
    description=st.text(max_size=300),
    image=URLS,
    url=URLS,
    buttons=st.lists(BUTTONS, max_size=4).map(tuple),
)


MESSAGES = st.builds(
    BotMessage,
    text=st.text(max_size=2500),
    buttons=st.lists(BUTTONS, max_size=12).map(tuple),
    image=URLS,
    cards=st.lists(CARDS, max_size=12).map(tuple),
    venue=st.one_of(
        st.none(),
        st.builds(
            Venue,
            lat=st.floats(-90, 90),
            lon=st.floats(-180, 180),
            title=st.text(max_size=60),
            address=st.text(max_size=60),
        ),
    ),
)


@settings(max_examples=80, deadline=None)
@given(st.lists(MESSAGES, max_size=5), st.sampled_from(["ko", "zh", None]))
def test_every_rendered_response_is_valid(messages: list[BotMessage], language: str | None) -> None:
    assert_valid(skill.render_response(messages, language))
