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
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.nlu.date_words import (
    CN_DIGITS,
    CONTEXT_DAYS,
    DAY_PARTS,
    EVENT_DAYS,
    LATIN_DATE,
    PART_RE,
    PATTERNS,
    REL_DAYS,
    RUNNING,
    WEEKDAYS_KO,
    WEEKDAYS_ZH,
)

TZ = ZoneInfo("Asia/Shanghai")

PART_HOURS: dict[str, tuple[int, int]] = {
    "morning": (6, 12),
    "noon": (11, 14),
    # Korean 오후 is all of p.m., and a visitor asking about "this afternoon" wants
    # what is left of the day: the evening's items are listed too.
    "afternoon": (12, 24),
    "evening": (17, 24),
}


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
            CN_DIGITS.get(text[-1], 0)
            if len(text) == 1
            else int("".join(str(CN_DIGITS[c]) for c in text))
        )
    tens, _, ones = text.partition("十")
    return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[ones] if ones else 0)


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
        offset, part = DAY_PARTS[match[0]]
        day = today + timedelta(days=offset)
    elif kind == "context_day":
        day = today + timedelta(days=CONTEXT_DAYS[match[0]])
    elif kind == "event_day":
        day = today
    elif kind in ("weekday_zh", "weekday_ko"):
        table = WEEKDAYS_ZH if kind == "weekday_zh" else WEEKDAYS_KO
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
        day = today + timedelta(days=REL_DAYS[match[0]])
    else:
        return None
    if day is None:
        return None
    start, end = _day_window(day)
    return start, end, part


def _latin_fallback(text: str, now: datetime) -> TimeExpression | None:
    match = LATIN_DATE.search(text)
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


@dataclass
class _Scan:
    """What the patterns found in a message: the day, "now/next", and where they stand."""

    day: tuple[datetime, datetime, str | None] | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)
    upcoming: bool = False
    from_context: int | None = None
    event_day: str | None = None


def _scan(text: str, now: datetime) -> _Scan:
    found = _Scan()
    blocked: list[tuple[int, int]] = []  # matched but not a real date ("2月30日")
    for kind, pattern in PATTERNS:
        match = pattern.search(text)
        if match is None or any(s <= match.start() < e for s, e in found.spans + blocked):
            continue
        if kind == "upcoming":
            found.upcoming = found.day is None
            found.spans.append(match.span())
            continue
        if found.day is not None:
            continue
        resolved = _match_day(kind, match, now)
        if resolved is None:
            blocked.append(match.span())
            continue
        found.day = resolved
        found.spans.append(match.span())
        if kind == "context_day":
            found.from_context = CONTEXT_DAYS[match[0]]
        elif kind == "event_day":
            found.event_day = EVENT_DAYS[match[0]]
    return found


def _part_of_day(text: str, spans: list[tuple[int, int]]) -> str | None:
    for name, pattern in PART_RE.items():
        match = pattern.search(text)
        if match and not any(s <= match.start() < e for s, e in spans):
            spans.append(match.span())
            return name
    return None


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
    found = _scan(text, now)
    part = found.day[2] if found.day else None
    if part is None:
        part = _part_of_day(text, found.spans)
    if found.day is None and part is None and not found.upcoming:
        return _latin_fallback(text, now)

    if found.day is None:
        start, end = _day_window(now.date())
        if found.upcoming and part is None:
            start = now
    else:
        start, end = found.day[0], found.day[1]
    if part is not None and (end - start) <= timedelta(days=1):
        first, last = PART_HOURS[part]
        day_start = datetime.combine(start.date(), time(0), TZ)
        start, end = day_start + timedelta(hours=first), day_start + timedelta(hours=last)
    lo = min(s for s, _ in found.spans)
    hi = max(e for _, e in found.spans)
    running = found.upcoming and part is None and bool(RUNNING.search(text))
    window = TimeWindow(
        start,
        end,
        part,
        found.upcoming,
        running,
        found.day is not None,
        found.from_context,
        found.event_day,
    )
    return TimeExpression(text[lo:hi], lo, hi, window)


def resolve_time_expression(text: str, now: datetime) -> TimeWindow | None:
    """Resolves the time expression in ``text`` to a window (see ``find_time_expression``)."""
    found = find_time_expression(text, now)
    return found.window if found else None
