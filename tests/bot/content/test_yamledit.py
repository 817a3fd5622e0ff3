"""Editing content texts record by record keeps comments, layout and the other records."""

from __future__ import annotations

import pytest

from bot.content import check_content_texts
from bot.content.fields import SECTIONS
from bot.content.yamledit import REMOVE, RecordNotFound, delete, duplicate, find, update
from tests.support.content import shipped_texts

EVENTS, FAQ, OVERVIEW = SECTIONS["events"], SECTIONS["faq"], SECTIONS["overview"]


def test_round_trip_changes_only_the_edited_lines() -> None:
    texts = shipped_texts()
    changed = update(
        texts,
        EVENTS,
        "opening-ceremony",
        {"capacity": 300, "tags": ["opening_ceremony", "concert"]},
    )
    before, after = texts["events.yml"].splitlines(), changed["events.yml"].splitlines()
    assert len(after) == len(before) + 1
    assert "    tags: [opening_ceremony, concert]" in after and "    capacity: 300" in after
    assert [line for line in after if line.lstrip().startswith("#")] == [
        line for line in before if line.lstrip().startswith("#")
    ]
    assert (
        update(
            changed, EVENTS, "opening-ceremony", {"capacity": REMOVE, "tags": ["opening_ceremony"]}
        )
        == texts
    )
    assert check_content_texts(changed) == []


def test_add_duplicate_delete() -> None:
    texts = shipped_texts()
    entry = {
        "id": "lockers",
        "topic": "facilities",
        "questions": {"zh": ["有储物柜吗"], "ko": ["사물함 있어요?"]},
        "answer": {"zh": "<script>alert(1)</script>", "ko": "있어요: 1층"},
    }
    added = update(texts, FAQ, None, entry)
    assert check_content_texts(added) == []
    assert find(added, FAQ, "lockers")[1]["answer"]["ko"] == "있어요: 1층"
    twin = duplicate(added, FAQ, "wifi", "wifi-copy")
    assert find(twin, FAQ, "wifi-copy")[0] == find(twin, FAQ, "wifi")[0] + 1
    assert delete(delete(twin, FAQ, "wifi-copy"), FAQ, "lockers") == texts
    with pytest.raises(RecordNotFound):
        delete(texts, FAQ, "nope")


def test_overview_and_its_root_field() -> None:
    texts = shipped_texts()
    changed = update(
        texts, OVERVIEW, None, {"website": "https://example.com/kw"}, {"sample_data": False}
    )
    assert "sample_data: false" in changed["overview.yml"]
    assert "# true = the bot tells visitors" in changed["overview.yml"]
