"""Finds the FAQ entry whose questions are closest to what a visitor asked.

Character n-gram TF-IDF (scikit-learn) over every phrasing of every FAQ question,
in both languages: it needs no word segmentation, tolerates typos and spacing
differences in Korean, and builds in milliseconds, so a newly published FAQ entry
is answerable at once, without retraining the NLU model.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from bot.content.model import FaqEntry

_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def normalize_question(text: str) -> str:
    """Folds width and case and drops spaces and punctuation: "Wi-Fi 密码？" → "wifi密码"."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text).lower())


@dataclass(frozen=True)
class FaqMatch:
    """An FAQ entry and how similar its closest phrasing is to the question (0..1)."""

    entry: FaqEntry
    score: float


class FaqIndex:
    """A similarity index over the phrasings of FAQ questions."""

    def __init__(self, entries: Sequence[FaqEntry]) -> None:
        """Builds the index.

        Args:
            entries: The FAQ entries; each phrasing in either language is indexed.
        """
        from sklearn.feature_extraction.text import TfidfVectorizer

        self._entries = list(entries)
        self._owners: List[int] = []
        phrases: List[str] = []
        for number, entry in enumerate(self._entries):
            for phrase in (*entry.questions.zh, *entry.questions.ko):
                normalized = normalize_question(phrase)
                if normalized:
                    phrases.append(normalized)
                    self._owners.append(number)
        self._vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)
        self._matrix = self._vectorizer.fit_transform(phrases) if phrases else None

    def search(self, question: str, topic: Optional[str] = None, limit: int = 3) -> List[FaqMatch]:
        """Returns the best-matching entries, best first.

        Args:
            question: The visitor's message.
            topic: Only entries of this topic, or None for all.
            limit: How many entries at most.
        """
        normalized = normalize_question(question)
        if self._matrix is None or not normalized:
            return []
        scores = (self._matrix @ self._vectorizer.transform([normalized]).T).toarray().ravel()
        best: Dict[int, float] = {}
        for row, score in enumerate(scores):
            number = self._owners[row]
            if topic is not None and self._entries[number].topic != topic:
                continue
            best[number] = max(best.get(number, -1.0), float(score))
        ranked: List[Tuple[int, float]] = sorted(best.items(), key=lambda item: -item[1])
        return [FaqMatch(self._entries[number], score) for number, score in ranked[:limit]]
