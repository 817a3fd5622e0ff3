"""Through the whole assistant: Chinese questions get Chinese replies, Korean ones Korean."""

import pytest

from tests.support.agent import ask, assert_language, reply_texts

ZH = [
    "你好",
    "西塔美食节几点开始",
    "明天下午有什么活动",
    "跆拳道在哪里",
    "怎么去沈阳棋院",
    "要门票吗",
    "wifi密码多少",
    "你是机器人吗",
    "帮我写首诗",
    "韩国总领事馆电话",
    "音乐会几点",
    "展览中心地址",
    "转人工",
    "谢谢",
    "博览会是什么",
]
KO = [
    "안녕하세요",
    "음식축제 몇 시에 시작해요",
    "오늘 저녁 뭐 해요",
    "태권도 어디서 해요",
    "공항에서 전시센터 가는 법",
    "입장료 있어요?",
    "와이파이 비번",
    "너 봇이야?",
    "시 하나 써줘",
    "총영사관 연락처",
    "바둑 대회 언제예요",
    "행사장 주소 알려줘",
    "상담원 연결",
    "감사합니다",
    "코리아위크가 뭐예요",
]


@pytest.mark.parametrize("text", ZH)
def test_chinese_question_chinese_reply(agent, text: str) -> None:
    result = ask(agent, text, sender=f"zh-{text}")
    assert result["language"] == "zh" and result["replies"]
    for reply in reply_texts(result):
        assert_language(reply, "zh")


@pytest.mark.parametrize("text", KO)
def test_korean_question_korean_reply(agent, text: str) -> None:
    result = ask(agent, text, sender=f"ko-{text}")
    assert result["language"] == "ko" and result["replies"]
    for reply in reply_texts(result):
        assert_language(reply, "ko")


def test_no_signal_keeps_the_conversation_language(agent) -> None:
    ask(agent, "태권도 언제 해요", sender="keep")
    result = ask(agent, "ok", sender="keep")
    assert result["language"] == "ko"
    for reply in reply_texts(result):
        assert_language(reply, "ko")


def test_channel_default_language_when_the_first_message_has_no_signal(agent) -> None:
    result = ask(agent, "👍", sender="kakao-user", metadata={"default_language": "ko"})
    assert result["language"] == "ko"
    for reply in reply_texts(result):
        assert_language(reply, "ko")


def test_change_language_switches_the_reply(agent) -> None:
    result = ask(agent, "请用韩语回答", sender="switch")
    assert result["intent"] == "change_language" and result["language"] == "ko"
    assert len(result["replies"]) == 1, "one confirmation, then the bot listens"
    assert_language(reply_texts(result)[0], "ko")
    following = ask(agent, "北陵公园晚上开吗", sender="switch")
    assert following["replies"], "the conversation goes on after a switch"
