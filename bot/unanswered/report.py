"""Group the unanswered questions so staff see what to add to the FAQ first.

Questions are compared by character 1–2-gram TF-IDF cosine (as FAQ retrieval
does). Identical texts (after folding case, width, spaces and punctuation) count
together; then, most frequent first, each text joins the group it is most similar
to on average, if that average reaches ``CLUSTER_THRESHOLD``, or starts a new group
(its first text is the group's representative). Groups are listed most frequent
first. The threshold was chosen with ``python -m bot.evaluation.faq clusters`` on the
labelled questions of tests/faq/unanswered_groups.yml.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any

from bot.content.model import local_timezone
from bot.content.retrieval import char_vectorizer, normalize_question
from bot.unanswered.log import UnansweredRecord

#: Similarity a question needs to the first question of a group to join it.
CLUSTER_THRESHOLD = 0.3
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([smhdw])")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


@dataclass
class QuestionGroup:
    """Similar unanswered questions and what is known about them."""

    representative: str
    count: int = 0
    texts: Counter = field(default_factory=Counter)
    languages: Counter = field(default_factory=Counter)
    channels: Counter = field(default_factory=Counter)
    reasons: Counter = field(default_factory=Counter)
    users: set = field(default_factory=set)
    last_seen: float = 0.0

    def add(self, record: UnansweredRecord) -> None:
        """Counts one record into the group."""
        self.count += 1
        self.texts[record.text] += 1
        self.languages[record.language] += 1
        self.channels[record.channel] += 1
        self.reasons[record.reason] += 1
        self.users.add(record.user)
        self.last_seen = max(self.last_seen, record.at)


def parse_since(value: str) -> float:
    """Seconds in a duration like ``24h``, ``90m``, ``7d`` or ``1w``.

    Raises:
        ValueError: If the text is not such a duration.
    """
    match = _DURATION.fullmatch(value.strip().lower())
    if not match:
        raise ValueError(f"{value!r} is not a duration like 24h, 90m, 7d or 2w")
    return float(match.group(1)) * _UNITS[match.group(2)]


def cluster_texts(texts: Sequence[str], threshold: float = CLUSTER_THRESHOLD) -> list[int]:
    """Assigns each text a group number, given texts ordered most important first.

    Args:
        texts: The texts; the first text of each group is its representative.
        threshold: Average cosine similarity to a group's texts needed to join it.

    Returns:
        The group number of each text (groups numbered in order of creation).
    """
    import numpy as np

    if not texts:
        return []
    try:
        matrix = char_vectorizer().fit_transform(texts)
    except ValueError:  # nothing but punctuation or emoji
        return list(range(len(texts)))
    groups = np.zeros(len(texts), dtype=int)
    count = 0
    for number in range(len(texts)):
        if count:
            similarity = (matrix[:number] @ matrix[number].T).toarray().ravel()
            average = np.bincount(
                groups[:number], weights=similarity, minlength=count
            ) / np.bincount(groups[:number], minlength=count)
            best = int(average.argmax())
            if average[best] >= threshold:
                groups[number] = best
                continue
        groups[number] = count
        count += 1
    return [int(group) for group in groups]


def group_questions(
    records: Iterable[UnansweredRecord], threshold: float = CLUSTER_THRESHOLD
) -> list[QuestionGroup]:
    """Groups similar questions; the most frequent group first.

    Args:
        records: The unanswered questions.
        threshold: See ``cluster_texts``.
    """
    by_text: dict[str, list[UnansweredRecord]] = {}
    for record in records:
        by_text.setdefault(normalize_question(record.text) or record.text, []).append(record)
    keys = sorted(
        by_text, key=lambda key: (-len(by_text[key]), -max(r.at for r in by_text[key]), key)
    )
    numbers = cluster_texts(keys, threshold)
    groups: dict[int, QuestionGroup] = {}
    for key, number in zip(keys, numbers, strict=True):
        if number not in groups:
            groups[number] = QuestionGroup(representative=by_text[key][-1].text)
        for record in by_text[key]:
            groups[number].add(record)
    return sorted(groups.values(), key=lambda g: (-g.count, -g.last_seen))


def cluster_scores(
    texts: Sequence[str], labels: Sequence[str], thresholds: Sequence[float]
) -> list[tuple[float, tuple[float, float, int]]]:
    """Pairwise precision and recall of the grouping against true labels, per threshold.

    Returns:
        (threshold, (precision, recall, number of groups)) for each threshold.
    """
    results = []
    for threshold in thresholds:
        groups = cluster_texts(texts, threshold)
        same_found = same_true = both = 0
        for i in range(len(texts)):
            for j in range(i + 1, len(texts)):
                found, true = groups[i] == groups[j], labels[i] == labels[j]
                same_found += found
                same_true += true
                both += found and true
        precision = both / same_found if same_found else 1.0
        recall = both / same_true if same_true else 1.0
        results.append((threshold, (precision, recall, len(set(groups)))))
    return results


def _when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, local_timezone()).strftime("%Y-%m-%d %H:%M")


def _counts(counter: Counter) -> str:
    return " ".join(f"{name}:{count}" for name, count in counter.most_common())


def render_table(groups: Sequence[QuestionGroup]) -> list[str]:
    """The groups as text lines: count, users, languages, channels, last seen, question."""
    lines = [
        f"{'count':>5}  {'users':>5}  {'languages':<12} {'channels':<18} "
        f"{'last seen':<16}  question (and similar ones)"
    ]
    for group in groups:
        others = [text for text, _ in group.texts.most_common() if text != group.representative]
        shown = group.representative + (
            f"  (+{len(others)} similar: {' / '.join(others[:3])})" if others else ""
        )
        lines.append(
            f"{group.count:>5}  {len(group.users):>5}  {_counts(group.languages):<12} "
            f"{_counts(group.channels):<18} {_when(group.last_seen):<16}  {shown}"
        )
    return lines


def write_csv(groups: Sequence[QuestionGroup], stream: IO[Any]) -> None:
    """Writes the groups as CSV with a header row (UTF-8 text; Excel needs a BOM)."""
    writer = csv.writer(stream)
    writer.writerow(
        [
            "count",
            "users",
            "representative",
            "similar_questions",
            "languages",
            "channels",
            "reasons",
            "last_seen",
        ]
    )
    for group in groups:
        similar = [text for text, _ in group.texts.most_common() if text != group.representative]
        writer.writerow(
            [
                group.count,
                len(group.users),
                group.representative,
                " | ".join(similar),
                _counts(group.languages),
                _counts(group.channels),
                _counts(group.reasons),
                _when(group.last_seen),
            ]
        )
