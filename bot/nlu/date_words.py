"""The words and patterns of the date expressions visitors type (bot.nlu.dates). Data."""

from __future__ import annotations

import re

CN_DIGITS = {
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
WEEKDAYS_ZH = {
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
WEEKDAYS_KO = {"월": 0, "화": 1, "수": 2, "목": 3, "금": 4, "토": 5, "일": 6}

REL_DAYS = {
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
CONTEXT_DAYS = {
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
EVENT_DAYS = {
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
DAY_PARTS = {
    "今晚": (0, "evening"),
    "今早": (0, "morning"),
    "明晚": (1, "evening"),
    "明早": (1, "morning"),
    "오늘밤": (0, "evening"),
    "내일밤": (1, "evening"),
}
PARTS = {
    "morning": "上午|早上|早晨|清晨|上半天|오전|아침",
    "noon": "中午|午间|午間|점심",
    "afternoon": "下午|午后|午後|下半天|오후",
    "evening": "晚上|晚间|晚間|傍晚|夜里|夜裡|夜间|夜間|夜晚|저녁|밤|야간",
}
CN_NUM = "[一二三四五六七八九十两〇零]{1,3}"

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("ymd", re.compile(r"(20\d\d)\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})(?:\s*[日号號])?")),
    (
        "md",
        re.compile(
            r"(?<!\d)(\d{1,2})\s*(?:月|월|[./\-])\s*(\d{1,2})(?:\s*(?:日|号|號|일))?(?![\d:])"
        ),
    ),
    ("md_cn", re.compile(rf"({CN_NUM})月({CN_NUM})[日号號]")),
    ("d", re.compile(r"(?<![\d.:/\-])(\d{1,2})\s*(?:日|号|號|일)(?!\s*(?:권|간|정|차))")),
    ("d_cn", re.compile(rf"(?<![月\d])({CN_NUM})[号號]")),
    ("dayparts", re.compile("|".join(DAY_PARTS))),
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
    ("rel", re.compile("|".join(sorted(REL_DAYS, key=len, reverse=True)))),
    # Last: "周三那天" is Wednesday; "那天" alone is the day talked about.
    ("context_day", re.compile("|".join(sorted(CONTEXT_DAYS, key=len, reverse=True)))),
    ("event_day", re.compile("|".join(sorted(EVENT_DAYS, key=len, reverse=True)))),
    (
        "upcoming",
        re.compile(
            r"现在|現在|正在|马上|馬上|接下来|接下來|下一个|下一個|下一场|下一場|等会|待会|一会儿|지금|곧|이따|다음(?!\s*주|\s*달|\s*날)"
        ),
    ),
]
#: "What is on right now": the words of ``upcoming`` that mean now, not next.
RUNNING = re.compile(r"现在|現在|正在|进行|進行|지금|진행\s*중|하고\s*있")
PART_RE = {part: re.compile(words) for part, words in PARTS.items()}
LATIN_DATE = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s*\d{1,2}\b|"
    r"\b\d{1,2}\s*(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b",
    re.IGNORECASE,
)
