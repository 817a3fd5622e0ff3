"""Language detection from script."""

import pytest

from bot.nlu.language import detect_language, normalize_language_code


@pytest.mark.parametrize(
    "text, expected",
    [
        ("西塔美食节几点开始", "zh"),
        ("請問門票多少錢", "zh"),  # Traditional Chinese
        ("태권도 체험 언제해요?", "ko"),
        ("태권도체험언제해요", "ko"),
        ("ㅇㅇ", "ko"),
        ("ㄱㅅㄱㅅ", "ko"),
        ("西塔 어디예요", "ko"),
        ("태권도在哪里", "zh"),
        ("西塔어디", "ko"),
        ("wifi密码多少", "zh"),
        ("K-pop 공연 있어요?", "ko"),
        ("떡메치기 是哪天", "zh"),  # the name first, the question's grammar last
        ("시타 코리아타운 美食节几点开始", "zh"),
    ],
)
def test_detects_chinese_and_korean(text: str, expected: str) -> None:
    assert detect_language(text) == expected


@pytest.mark.parametrize("text", ["ok", "👍", "1", "", "   ", "?!", "thanks"])
def test_no_signal_without_han_or_hangul(text: str) -> None:
    assert detect_language(text) is None


@pytest.mark.parametrize(
    "code, expected",
    [
        ("ko", "ko"),
        ("ko-KR", "ko"),
        ("zh-hans", "zh"),
        ("zh_CN", "zh"),
        ("en", None),
        (None, None),
        ("", None),
    ],
)
def test_normalizes_platform_codes(code, expected) -> None:
    assert normalize_language_code(code) == expected
