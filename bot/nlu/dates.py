"""Resolve the date and time expressions visitors type into concrete time windows.

"今天", "明天下午", "周六", "11月28日", "오늘 저녁", "내일", "토요일", "모레" … become
a ``TimeWindow`` in Asia/Shanghai. dateparser is the well-kept library for this, but
measured on these inputs (dateparser 1.2.0, the newest that fits Rasa 3.6's pins) it
returns nothing for "11月27日", "모레", "后天", "下周一" and "오늘 저녁", and it ignores
the part of day in "明天下午". So the expressions visitors actually use are matched by
the rules below, and dateparser only handles what is left (English month names and
numeric forms such as "Nov 28" or "28 November").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")

PART_HOURS: dict[str, tuple[int, int]] = {
    "morning": (6, 12),
    "noon": (11, 14),
    # Korean 오후 is all of p.m., and a visitor asking about "this afternoon" wants
    # what is left of the day: the evening's items are listed too.
    "afternoon": (12, 24),
    "evening": (17, 24),
}

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}
_WEEKDAYS_ZH = {
    "一": 0,
    "二": 1,
    "三": 2,
    "四": 3,
    "五": 4,
    "六": 5,
    "日": 6,
    "天": 6,
    "1": 0,
    "2": 1,
    "3": 2,
    "4": 3,
    "5": 4,
    "6": 5,
    "7": 6,
}
_WEEKDAYS_KO = {"월": 0, "화": 1, "수": 2, "목": 3, "금": 4, "토": 5, "일": 6}

_REL_DAYS = {
    "大后天": 3,
    "大後天": 3,
    "今天": 0,
    "今日": 0,
    "今儿": 0,
    "今兒": 0,
    "明天": 1,
    "明日": 1,
    "明儿": 1,
    "明兒": 1,
    "后天": 2,
    "後天": 2,
    "昨天": -1,
    "오늘": 0,
    "금일": 0,
    "내일": 1,
    "낼": 1,
    "모레": 2,
    "글피": 3,
    "어제": -1,
}
# Days counted from the day the conversation is about ("第二天" after "周六有什么"):
# from today when it is about no day. 当天/당일 are left out: "当天能报名吗" asks
# about registering on the day, not about a date.
_CONTEXT_DAYS = {
    "그 다음 날": 1,
    "그다음 날": 1,
    "그 다음날": 1,
    "그다음날": 1,
    "다음 날": 1,
    "다음날": 1,
    "이튿날": 1,
    "익일": 1,
    "第二天": 1,
    "次日": 1,
    "隔天": 1,
    "翌日": 1,
    "转天": 1,
    "轉天": 1,
    "그날": 0,
    "그 날": 0,
    "那天": 0,
    "那一天": 0,
    "전날": -1,
    "前一天": -1,
    "头一天": -1,
    "頭一天": -1,
}
# The event's first and last day ("마지막 날도요?"): read here as today, placed
# on the programme's dates by the actions, which know them.
_EVENT_DAYS = {
    "마지막 날": "last",
    "마지막날": "last",
    "폐막 날": "last",
    "폐막날": "last",
    "폐막일": "last",
    "最后一天": "last",
    "最後一天": "last",
    "闭幕那天": "last",
    "閉幕那天": "last",
    "첫 날": "first",
    "첫날": "first",
    "개막 날": "first",
    "개막날": "first",
    "개막일": "first",
    "第一天": "first",
    "开幕那天": "first",
    "開幕那天": "first",
}
# Words that name a day and a part of it at once.
_DAY_PARTS = {
    "今晚": (0, "evening"),
    "今早": (0, "morning"),
    "明晚": (1, "evening"),
    "明早": (1, "morning"),
    "오늘밤": (0, "evening"),
    "내일밤": (1, "evening"),
}
_PARTS = {
    "morning": "上午|早上|早晨|清晨|上半天|오전|아침",
    "noon": "中午|午间|午間|점심",
    "afternoon": "下午|午后|午後|下半天|오후",
    "evening": "晚上|晚间|晚間|傍晚|夜里|夜裡|夜间|夜間|夜晚|저녁|밤|야간",
}
_CN_NUM = "[一二三四五六七八九十两〇零]{1,3}"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("ymd", re.compile(r"(20\d\d)\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})(?:\s*[日号號])?")),
    (
        "md",
        re.compile(
            r"(?<!\d)(\d{1,2})\s*(?:月|월|[./\-])\s*(\d{1,2})(?:\s*(?:日|号|號|일))?(?![\d:])"
        ),
    ),
    ("md_cn", re.compile(rf"({_CN_NUM})月({_CN_NUM})[日号號]")),
    ("d", re.compile(r"(?<![\d.:/\-])(\d{1,2})\s*(?:日|号|號|일)(?!\s*(?:권|간|정|차))")),
    ("d_cn", re.compile(rf"(?<![月\d])({_CN_NUM})[号號]")),
    ("dayparts", re.compile("|".join(_DAY_PARTS))),
    ("context_day", re.compile("|".join(sorted(_CONTEXT_DAYS, key=len, reverse=True)))),
    ("event_day", re.compile("|".join(sorted(_EVENT_DAYS, key=len, reverse=True)))),
    (
        "weekday_zh",
        re.compile(
            r"(下个?|下個|这个?|這個?|本|上个?|上個)?\s*(?:周|週|星期|礼拜|禮拜)([一二三四五六日天1-7])"
        ),
    ),
    (
        "weekday_ko",
        re.compile(r"(다음\s*주|담주|이번\s*주|저번\s*주)?\s*([월화수목금토일])(?:요일|욜)"),
    ),
    ("weekend", re.compile(r"(下个?|下個|这个?|這個?|本|다음|이번)?\s*(?:周末|週末|주말)")),
    (
        "week",
        re.compile(
            r"(下个?|下個|这个?|這個?|本|다음|이번)\s*(?:周|週|星期|礼拜|禮拜|주)(?![一二三四五六日天1-7말]|\s*[월화수목금토일](?:요일|욜))"
        ),
    ),
    ("rel", re.compile("|".join(sorted(_REL_DAYS, key=len, reverse=True)))),
    (
        "upcoming",
        re.compile(
            r"现在|現在|正在|马上|馬上|接下来|接下來|下一个|下一個|下一场|下一場|等会|待会|一会儿|지금|곧|이따|다음(?!\s*주|\s*달|\s*날)"
        ),
    ),
]
#: "What is on right now": the words of ``upcoming`` that mean now, not next.
_RUNNING = re.compile(r"现在|現在|正在|进行|進行|지금|진행\s*중|하고\s*있")
_PART_RE = {part: re.compile(words) for part, words in _PARTS.items()}
_LATIN_DATE = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s*\d{1,2}\b|"
    r"\b\d{1,2}\s*(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TimeWindow:
    """A span of local time a visitor asked about.

    Attributes:
        start: Inclusive start, timezone-aware (Asia/Shanghai).
        end: Exclusive end.
        part: "morning", "noon", "afternoon" or "evening" when a part of day was named.
        upcoming: True for "now / next" questions: show what comes next from ``start``.
        running: True for "now" questions: what is going on at ``start``.
        day_given: False when only a part of the day was named ("上午呢"): the day is
            today by default, and a follow-up keeps the day it continues.
        from_context: Days after the day the conversation is about ("第二天": 1,
            "那天": 0), counted from today here; None for any other expression.
        event_day: "first" or "last" for the event's first or last day ("마지막 날"),
            today here; None for any other expression.
    """

    start: datetime
    end: datetime
    part: str | None = None
    upcoming: bool = False
    running: bool = False
    day_given: bool = True
    from_context: int | None = None
    event_day: str | None = None

    @property
    def days(self) -> int:
        """Number of calendar days the window touches."""
        return max(1, ((self.end - timedelta(microseconds=1)).date() - self.start.date()).days + 1)


@dataclass(frozen=True)
class TimeExpression:
    """Where in a message a time expression stands, and what it resolves to."""

    text: str
    start: int
    end: int
    window: TimeWindow


def _cn_number(text: str) -> int:
    """Converts a Chinese numeral up to 99 ("二十八", "十五", "三") to an int."""
    if "十" not in text:
        return (
            _CN_DIGITS.get(text[-1], 0)
            if len(text) == 1
            else int("".join(str(_CN_DIGITS[c]) for c in text))
        )
    tens, _, ones = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def _day_window(day: date, days: int = 1) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), TZ)
    return start, start + timedelta(days=days)


def _nearest_date(month: int, day: int, today: date, year: int | None = None) -> date | None:
    """Builds a date; without a year, picks the one within half a year of today."""
    try:
        if year:
            return date(year, month, day)
        candidate = date(today.year, month, day)
    except ValueError:
        return None
    if (candidate - today).days < -183:
        candidate = candidate.replace(year=candidate.year + 1)
    elif (candidate - today).days > 183:
        candidate = candidate.replace(year=candidate.year - 1)
    return candidate


def _week_offset(modifier: str | None) -> int:
    if not modifier:
        return 0
    if modifier.startswith(("下", "다음", "담")):
        return 1
    if modifier.startswith(("上", "저번")):
        return -1
    return 0


def _weekday_date(today: date, weekday: int, modifier: str | None) -> date:
    """Resolves "周六" (the coming Saturday, today included) or "下周一"."""
    offset = _week_offset(modifier)
    if offset == 0 and not modifier:
        return today + timedelta(days=(weekday - today.weekday()) % 7)
    monday = today - timedelta(days=today.weekday()) + timedelta(weeks=offset)
    return monday + timedelta(days=weekday)


def _match_day(
    kind: str, match: re.Match[str], now: datetime
) -> tuple[datetime, datetime, str | None] | None:
    today = now.date()
    part: str | None = None
    if kind == "ymd":
        day = _nearest_date(int(match[2]), int(match[3]), today, int(match[1]))
    elif kind == "md":
        day = _nearest_date(int(match[1]), int(match[2]), today)
    elif kind == "md_cn":
        day = _nearest_date(_cn_number(match[1]), _cn_number(match[2]), today)
    elif kind in ("d", "d_cn"):
        number = int(match[1]) if kind == "d" else _cn_number(match[1])
        day = _nearest_date(today.month, number, today)
        if day and (day - today).days < -15:  # "3号" late in the month means next month's 3rd
            next_month = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
            day = _nearest_date(next_month.month, number, today)
    elif kind == "dayparts":
        offset, part = _DAY_PARTS[match[0]]
        day = today + timedelta(days=offset)
    elif kind == "context_day":
        day = today + timedelta(days=_CONTEXT_DAYS[match[0]])
    elif kind == "event_day":
        day = today
    elif kind in ("weekday_zh", "weekday_ko"):
        table = _WEEKDAYS_ZH if kind == "weekday_zh" else _WEEKDAYS_KO
        day = _weekday_date(today, table[match[2]], match[1])
    elif kind == "weekend":
        saturday = (
            _weekday_date(today, 5, match[1])
            if today.weekday() != 6 or match[1]
            else today - timedelta(days=1)
        )
        start, end = _day_window(saturday, 2)
        return max(start, _day_window(today)[0]), end, None
    elif kind == "week":
        # The whole week: its past days are shown as over, not left out.
        offset = _week_offset(match[1])
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=offset)
        start, end = _day_window(monday, 7)
        return start, end, None
    elif kind == "rel":
        day = today + timedelta(days=_REL_DAYS[match[0]])
    else:
        return None
    if day is None:
        return None
    start, end = _day_window(day)
    return start, end, part


def _latin_fallback(text: str, now: datetime) -> TimeExpression | None:
    match = _LATIN_DATE.search(text)
    if not match:
        return None
    import dateparser  # heavy import, needed only for this rare path

    parsed = dateparser.parse(
        match[0],
        languages=["en"],
        settings={"RELATIVE_BASE": now.replace(tzinfo=None), "PREFER_DATES_FROM": "future"},
    )
    if parsed is None:
        return None
    day = _nearest_date(parsed.month, parsed.day, now.date())
    if day is None:
        return None
    start, end = _day_window(day)
    return TimeExpression(match[0], match.start(), match.end(), TimeWindow(start, end))


def find_time_expression(text: str, now: datetime) -> TimeExpression | None:
    """Finds and resolves the time expression in a message.

    Args:
        text: The message as typed, in Chinese, Korean or with English month names.
        now: The current time; naive values are taken as Asia/Shanghai.

    Returns:
        The expression with its span and time window, or None when the message
        names no date or time.
    """
    now = now.replace(tzinfo=TZ) if now.tzinfo is None else now.astimezone(TZ)
    day_hit: tuple[datetime, datetime, str | None] | None = None
    spans: list[tuple[int, int]] = []
    upcoming = False
    from_context: int | None = None
    event_day: str | None = None
    blocked: list[tuple[int, int]] = []  # matched but not a real date ("2月30日")
    for kind, pattern in _PATTERNS:
        match = pattern.search(text)
        if match is None or any(s <= match.start() < e for s, e in spans + blocked):
            continue
        if kind == "upcoming":
            upcoming = day_hit is None
            spans.append(match.span())
            continue
        if day_hit is None:
            resolved = _match_day(kind, match, now)
            if resolved is not None:
                day_hit = resolved
                spans.append(match.span())
                if kind == "context_day":
                    from_context = _CONTEXT_DAYS[match[0]]
                event_day = _EVENT_DAYS.get(match[0]) if kind == "event_day" else event_day
            else:
                blocked.append(match.span())
    part = day_hit[2] if day_hit else None
    if part is None:
        for name, pattern in _PART_RE.items():
            match = pattern.search(text)
            if match and not any(s <= match.start() < e for s, e in spans):
                part = name
                spans.append(match.span())
                break
    if day_hit is None and part is None and not upcoming:
        return _latin_fallback(text, now)

    if day_hit is None:
        start, end = _day_window(now.date())
        if upcoming and part is None:
            start = now
    else:
        start, end = day_hit[0], day_hit[1]
    if part is not None and (end - start) <= timedelta(days=1):
        first, last = PART_HOURS[part]
        day_start = datetime.combine(start.date(), time(0), TZ)
        start, end = day_start + timedelta(hours=first), day_start + timedelta(hours=last)
    lo = min(s for s, _ in spans)
    hi = max(e for _, e in spans)
    running = upcoming and part is None and bool(_RUNNING.search(text))
    window = TimeWindow(
        start, end, part, upcoming, running, day_hit is not None, from_context, event_day
    )
    return TimeExpression(text[lo:hi], lo, hi, window)


def resolve_time_expression(text: str, now: datetime) -> TimeWindow | None:
    """Resolves the time expression in ``text`` to a window (see ``find_time_expression``)."""
    found = find_time_expression(text, now)
    return found.window if found else None
