"""Finds the FAQ entry whose questions are closest to what a visitor asked.

Character 1–2-gram TF-IDF (scikit-learn) over the FAQ in both languages: it needs
no word segmentation or downloads, tolerates typos and Korean spacing, and builds
in milliseconds, so a newly published FAQ entry is answerable at once, without
retraining the NLU model. An entry's similarity to a question mixes three cosine
similarities: with its closest phrasing, with all its phrasings together, and
with its answer (which often holds the words visitors use, such as 母婴室 or
환전). ``FaqMatch.confidence`` also subtracts half the similarity of the next-best
entry, so a question that fits two entries about equally is not answered from
either; tests/faq/paraphrases.yml and ``python -m bot.evaluation.faq`` chose these
settings (see docs/content.md).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.content.model import FaqEntry

_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)
#: Weights of the closest phrasing, all phrasings and the answer in an entry's score.
PHRASE_WEIGHT, QUESTIONS_WEIGHT, ANSWER_WEIGHT = 0.2, 0.4, 0.4
#: How much of the runner-up's score is taken off the best entry's confidence.
RUNNER_UP_WEIGHT = 0.5
#: Confidence (``FaqMatch.confidence``) an FAQ entry must reach to answer a question
#: the NLU did not recognise. Chosen with ``python -m bot.evaluation.faq`` on the
#: held-out paraphrases and unrelated questions of tests/faq/paraphrases.yml: the
#: best recall with precision >= 0.9 (a test checks it).
FALLBACK_MATCH_THRESHOLD = 0.16


def normalize_question(text: str) -> str:
    """Folds width and case and drops spaces and punctuation: "Wi-Fi 密码？" → "wifi密码"."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text).lower())


def char_vectorizer(ngram_range: tuple = (1, 2)) -> Any:
    """A TF-IDF vectorizer over character n-grams of normalized text (not yet fitted)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        analyzer="char", ngram_range=ngram_range, sublinear_tf=True, preprocessor=normalize_question
    )


@dataclass(frozen=True)
class FaqMatch:
    """An FAQ entry and how well it fits a question.

    Attributes:
        entry: The FAQ entry.
        score: Similarity of the entry to the question, 0..1.
        confidence: ``score`` minus half the score of the next-best entry searched;
            what the fallback compares with its threshold.
    """

    entry: FaqEntry
    score: float
    confidence: float


class FaqIndex:
    """A similarity index over the phrasings and answers of FAQ entries."""

    def __init__(self, entries: Sequence[FaqEntry]) -> None:
        """Builds the index.

        Args:
            entries: The FAQ entries; phrasings and answers in both languages are indexed.
        """
        self._entries = list(entries)
        phrases: list[str] = []
        owners: list[int] = []
        for number, entry in enumerate(self._entries):
            for phrase in (*entry.questions.zh, *entry.questions.ko):
                if normalize_question(phrase):
                    phrases.append(phrase)
                    owners.append(number)
        self._vectorizer = char_vectorizer()
        self._phrases: Any = None
        if phrases:
            import numpy as np

            self._phrases = self._vectorizer.fit_transform(phrases)
            self._owners = np.array(owners)
            self._questions = self._vectorizer.transform(
                [" ".join((*e.questions.zh, *e.questions.ko)) for e in self._entries]
            )
            self._answers = self._vectorizer.transform(
                [f"{e.answer.zh} {e.answer.ko}" for e in self._entries]
            )

    def scores(self, question: str) -> list[float]:
        """The similarity of every entry (in the order given) to ``question``, 0..1."""
        if self._phrases is None or not normalize_question(question):
            return [0.0] * len(self._entries)
        import numpy as np

        vector = self._vectorizer.transform([question]).T
        closest = np.zeros(len(self._entries))
        np.maximum.at(closest, self._owners, (self._phrases @ vector).toarray().ravel())
        combined = (
            PHRASE_WEIGHT * closest
            + QUESTIONS_WEIGHT * (self._questions @ vector).toarray().ravel()
            + ANSWER_WEIGHT * (self._answers @ vector).toarray().ravel()
        )
        return [float(value) for value in combined]

    def search(
        self,
        question: str,
        topic: str | None = None,
        limit: int = 3,
        prefer: str | None = None,
        bonus: float = 0.0,
    ) -> list[FaqMatch]:
        """Returns the best-matching entries, best first.

        Args:
            question: The visitor's message.
            topic: Only entries of this topic, or None for all.
            limit: How many entries at most.
            prefer: A topic whose entries get ``bonus`` added to their score (the
                topic the NLU's intent points to), so the intent and the wording
                decide together.
            bonus: See ``prefer``.
        """
        scores = self.scores(question)
        if prefer is not None and bonus:
            scores = [
                s + bonus if e.topic == prefer and s > 0 else s
                for s, e in zip(scores, self._entries, strict=True)
            ]
        ranked = sorted(
            (
                number
                for number, entry in enumerate(self._entries)
                if topic is None or entry.topic == topic
            ),
            key=lambda number: -scores[number],
        )
        if not ranked or scores[ranked[0]] <= 0.0:
            return []
        matches = []
        for position, number in enumerate(ranked[:limit]):
            rival = ranked[1] if position == 0 and len(ranked) > 1 else ranked[0]
            rival_score = scores[rival] if rival != number else 0.0
            matches.append(
                FaqMatch(
                    self._entries[number],
                    scores[number],
                    scores[number] - RUNNER_UP_WEIGHT * rival_score,
                )
            )
        return matches
