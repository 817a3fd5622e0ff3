"""Language detection for visitor messages.

Visitors write Chinese (Simplified or Traditional) or Korean, sometimes mixed with a
venue name in the other script, English words, digits or emoji. A statistical
language identifier is overkill and unreliable on two-word messages, while the
script itself is a near-perfect signal here: Hangul means Korean, Han characters
mean Chinese. Messages with neither ("ok", "👍", "1") carry no signal and the
conversation keeps its last language.
"""

from __future__ import annotations

import unicodedata

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

    The script with more characters wins. On a tie the script of the last such
    character decides, because both languages end a sentence with their own
    grammar ("태권도在哪里" is Chinese, "西塔어디" is Korean).

    Args:
        text: The message as typed.

    Returns:
        "zh", "ko", or None when the text carries no language signal.
    """
    hangul = han = 0
    last: str | None = None
    for char in unicodedata.normalize("NFC", text or ""):
        if is_hangul(char):
            hangul += 1
            last = KO
        elif is_han(char):
            han += 1
            last = ZH
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
