"""The aspect lookup tables agree with the aspect synonyms they are matched by.

The RegexEntityExtractor matches a lookup table without word boundaries and takes
the first alternative that fits, so a table must list every synonym's phrase,
longer phrases first ("차 가져가" before "가져가": parking, not what to bring).
"""

from __future__ import annotations

import pytest
import yaml

from harness.project import ROOT

#: Every aspect the actions know (actions/question.py, actions/event_answers.py).
ASPECTS = {
    "when", "where", "transport", "duration", "price", "register", "eligibility", "photos",
    "bring", "parking", "hours", "capacity", "list", "people", "status", "meet", "entry",
}  # fmt: skip


def _entries(lang: str) -> list[dict]:
    with open(ROOT / "nlu_data" / "nlu" / f"entities_{lang}.yml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)["nlu"]


def _lines(block: str) -> list[str]:
    return [line.strip()[2:].strip() for line in block.splitlines() if line.strip()]


@pytest.mark.parametrize("lang", ["zh", "ko"])
def test_the_aspect_lookup_lists_every_synonym_longest_first(lang: str) -> None:
    entries = _entries(lang)
    synonyms = {e["synonym"]: _lines(e["examples"]) for e in entries if e.get("synonym") in ASPECTS}
    assert set(synonyms) == ASPECTS
    (lookup,) = [_lines(e["examples"]) for e in entries if e.get("lookup") == "aspect"]
    assert sorted(lookup) == sorted({w for words in synonyms.values() for w in words})
    assert [len(w) for w in lookup] == sorted((len(w) for w in lookup), reverse=True)


@pytest.mark.parametrize("lang", ["zh", "ko"])
def test_no_phrase_means_two_aspects(lang: str) -> None:
    owners: dict[str, set[str]] = {}
    for entry in _entries(lang):
        if entry.get("synonym") in ASPECTS:
            for word in _lines(entry["examples"]):
                owners.setdefault(word, set()).add(entry["synonym"])
    assert {w: o for w, o in owners.items() if len(o) > 1} == {}
