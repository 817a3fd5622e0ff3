"""Language detection for visitor messages.

Visitors write Chinese (Simplified or Traditional) or Korean, sometimes mixed with a
venue name in the other script, English words, digits or emoji. A statistical
language identifier is overkill and unreliable on two-word messages, while the
script itself is a near-perfect signal here: Hangul means Korean, Han characters
mean Chinese. Messages with neither ("ok", "👍", "1") carry no signal and the
conversation keeps its last language.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

ZH = "zh"
KO = "ko"
SUPPORTED = (ZH, KO)
DEFAULT_LANGUAGE = ZH


def is_hangul(char: str) -> bool:
    """Tells whether a character is a Hangul syllable or jamo (ㅋ, ㅠ count too)."""
    code = ord(char)
    return (
        0xAC00 <= code <= 0xD7A3  # syllables
        or 0x1100 <= code <= 0x11FF  # jamo
        or 0x3130 <= code <= 0x318F  # compatibility jamo: ㄱ ㅎ ㅠ
        or 0xA960 <= code <= 0xA97F
        or 0xD7B0 <= code <= 0xD7FF
    )


def is_han(char: str) -> bool:
    """Tells whether a character is a CJK ideograph (Chinese character)."""
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x2FA1F
    )


def detect_language(text: str) -> str | None:
    """Detects whether a message is Chinese or Korean from its script.

    A message in both scripts is in the language of its last run of two or more
    Han or Hangul characters: the question's grammar ends it, the names come
    before ("떡메치기 是哪天" is Chinese, "西塔 어디예요" is Korean). Otherwise the
    script with more characters wins, and on a tie the last such character.

    Args:
        text: The message as typed.

    Returns:
        "zh", "ko", or None when the text carries no language signal.
    """
    hangul = han = 0
    last: str | None = None
    runs: list[tuple[str, int]] = []  # (language, length) of each run of one script
    for char in unicodedata.normalize("NFC", text or ""):
        script = KO if is_hangul(char) else ZH if is_han(char) else None
        if script is None:
            continue
        hangul, han = hangul + (script == KO), han + (script == ZH)
        if runs and runs[-1][0] == script and last == script:
            runs[-1] = (script, runs[-1][1] + 1)
        else:
            runs.append((script, 1))
        last = script
    if hangul and han:
        final = next((lang for lang, size in reversed(runs) if size >= 2), None)
        if final is not None:
            return final
    if hangul == han:
        return last
    return KO if hangul > han else ZH


def normalize_language_code(code: str | None) -> str | None:
    """Maps a platform language code (Telegram's "ko-KR", Kakao's "ko") to zh/ko.

    Args:
        code: An IETF or ISO 639-1 code, or None.

    Returns:
        "zh" or "ko" when the code names one of them, else None.
    """
    if not code:
        return None
    primary = code.strip().lower().replace("_", "-").split("-")[0]
    return primary if primary in SUPPORTED else None


_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


@lru_cache(maxsize=1)
def _to_simplified() -> Callable[[str], str]:
    import opencc

    converter: Callable[[str], str] = opencc.OpenCC("t2s").convert
    return converter


def fold(text: str) -> str:
    """Folds a text for matching names: width, case, Traditional to Simplified, no spaces.

    "西塔 美食節!" and "西塔美食节" fold to the same string, so do "K-POP" and "kpop",
    and Korean with or without spaces ("시타 코리아타운", "시타코리아타운").
    """
    normalized = unicodedata.normalize("NFKC", text or "").casefold()
    if any(map(is_han, normalized)):
        normalized = _to_simplified()(normalized)
    return _NOISE.sub("", normalized)


# A language named right after one of these is the one the visitor wants to leave:
# "不要韩语", "看不懂中文", "I can't read Chinese", "not Korean".
_UNWANTED_BEFORE = re.compile(
    r"(不要|不用|不想|别|別|不会|不會|看不懂|听不懂|聽不懂|不懂|不是|can'?t\s+read|cannot\s+read"
    r"|don'?t\s+(speak|read|understand)|do\s+not\s+(speak|read|understand)|\bnot|\bno)"
    r"\s*(用|说|說|讲|講|要)?\s*$",
    re.IGNORECASE,
)
# ... and right before one of these: "중국어 말고", "한국어는 못 읽어요", "중국어 싫어요".
_UNWANTED_AFTER = re.compile(
    r"^\s*(은|는|를|을|로|으로)?\s*(말고|말구|싫어|싫|아니고|아니라|못|몰라|모르)", re.IGNORECASE
)


def requested_language(text: str, mentions: list[tuple[str, int, int]]) -> str | None:
    """The language a visitor asks for, minding negation ("不要韩语，用中文" asks for Chinese).

    Args:
        text: The message.
        mentions: The languages it names: (value, start, end) as the NLU found them.

    Returns:
        The last language named without a negation; else, when every named language
        is one the visitor wants to leave, the other supported one; else None.
    """
    wanted: list[str] = []
    unwanted: list[str] = []
    for value, start, end in mentions:
        negated = _UNWANTED_BEFORE.search(
            text[max(0, start - 14) : start]
        ) or _UNWANTED_AFTER.match(text[end : end + 8])
        (unwanted if negated else wanted).append(value)
    if wanted:
        return wanted[-1]
    others = [lang for lang in SUPPORTED if lang not in unwanted]
    return others[0] if unwanted and len(others) == 1 else None
