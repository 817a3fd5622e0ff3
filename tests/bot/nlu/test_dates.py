"""Date and time expressions resolve to the right windows (a table of real inputs)."""

from datetime import datetime

import pytest

from bot.nlu.dates import TZ, find_time_expression, resolve_time_expression

# Friday 27 November 2026, 10:00 in Shenyang.
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=TZ)


def _fmt(text: str):
    window = resolve_time_expression(text, NOW)
    return window and (
        window.start.strftime("%m-%d %H"),
        window.end.strftime("%m-%d %H"),
        window.part,
    )


@pytest.mark.parametrize(
    "text, start, end, part",
    [
        ("今天有什么活动", "11-27 00", "11-28 00", None),
        ("明天下午安排", "11-28 12", "11-29 00", "afternoon"),
        ("後天呢", "11-29 00", "11-30 00", None),
        ("周六有啥", "11-28 00", "11-29 00", None),
        ("星期天", "11-29 00", "11-30 00", None),
        ("礼拜五", "11-27 00", "11-28 00", None),
        ("下周一", "11-30 00", "12-01 00", None),
        ("11月26日", "11-26 00", "11-27 00", None),
        ("11月27日的日程", "11-27 00", "11-28 00", None),
        ("11.29", "11-29 00", "11-30 00", None),
        ("12/1 活动", "12-01 00", "12-02 00", None),
        ("28号", "11-28 00", "11-29 00", None),
        ("二十八号晚上", "11-28 17", "11-29 00", "evening"),
        ("今晚", "11-27 17", "11-28 00", "evening"),
        ("明早", "11-28 06", "11-28 12", "morning"),
        ("上午有什么", "11-27 06", "11-27 12", "morning"),
        ("这周末", "11-28 00", "11-30 00", None),
        ("2026年11月30日", "11-30 00", "12-01 00", None),
        ("오늘 저녁 뭐해요", "11-27 17", "11-28 00", "evening"),
        ("오늘저녁", "11-27 17", "11-28 00", "evening"),
        ("내일", "11-28 00", "11-29 00", None),
        ("낼 오후", "11-28 12", "11-29 00", "afternoon"),
        ("모레", "11-29 00", "11-30 00", None),
        ("토요일 행사", "11-28 00", "11-29 00", None),
        ("일요일", "11-29 00", "11-30 00", None),
        ("다음 주 월요일", "11-30 00", "12-01 00", None),
        ("이번 주말", "11-28 00", "11-30 00", None),
        ("11월 28일 일정", "11-28 00", "11-29 00", None),
        ("28일", "11-28 00", "11-29 00", None),
        ("오전", "11-27 06", "11-27 12", "morning"),
        ("Nov 28", "11-28 00", "11-29 00", None),
        # Counted from the day talked about (actions.followup); from today here.
        ("第二天呢", "11-28 00", "11-29 00", None),
        ("그날 오후", "11-27 12", "11-28 00", "afternoon"),
        ("다음 날은?", "11-28 00", "11-29 00", None),
        # The programme's last day (actions.followup); today here.
        ("마지막 날도요?", "11-27 00", "11-28 00", None),
    ],
)
def test_expression_table(text: str, start: str, end: str, part) -> None:
    assert _fmt(text) == (start, end, part)


@pytest.mark.parametrize("text", ["接下来是什么", "现在有什么", "다음 행사 뭐예요", "지금 뭐 해요"])
def test_now_and_next_are_upcoming_from_now(text: str) -> None:
    window = resolve_time_expression(text, NOW)
    assert window is not None and window.upcoming and window.start == NOW


@pytest.mark.parametrize(
    "text", ["태권도 언제 해요", "跆拳道在哪", "1일권 있어요?", "wifi", "", "3층"]
)
def test_no_expression(text: str) -> None:
    assert find_time_expression(text, NOW) is None


def test_span_points_into_the_text() -> None:
    text = "请问明天下午有什么活动"
    found = find_time_expression(text, NOW)
    assert found is not None
    assert text[found.start : found.end] == found.text == "明天下午"


def test_a_date_long_past_means_next_year() -> None:
    window = resolve_time_expression("1月5日", NOW)
    assert window is not None and window.start.year == 2027


def test_invalid_date_is_no_expression() -> None:
    assert resolve_time_expression("2月30日", NOW) is None


def test_naive_now_is_taken_as_shanghai_time() -> None:
    window = resolve_time_expression("今天", datetime(2026, 11, 27, 23, 30))
    assert window is not None and window.start.tzinfo is not None and window.start.day == 27


def test_days_counted_from_the_conversation_or_the_event_are_marked() -> None:
    from bot.nlu.dates import find_time_expression

    next_day = find_time_expression("그 다음 날은요?", datetime(2026, 11, 27, 10))
    last = find_time_expression("最后一天晚上呢", datetime(2026, 11, 27, 10))
    upcoming = find_time_expression("다음 회차는요?", datetime(2026, 11, 27, 10))
    assert next_day is not None and next_day.window.from_context == 1
    assert last is not None and (last.window.event_day, last.window.part) == ("last", "evening")
    assert upcoming is not None and upcoming.window.upcoming
    assert upcoming.window.from_context is None
