"""Editing content texts record by record keeps comments, layout and the other records."""

from __future__ import annotations

import pytest

from bot.content import check_content_texts
from bot.content.fields import SECTIONS
from bot.content.yamledit import REMOVE, Keyed, RecordNotFound, delete, duplicate, find, update
from tests.support.content import shipped_texts

EVENTS, FAQ, OVERVIEW = SECTIONS["events"], SECTIONS["faq"], SECTIONS["overview"]
HOTELS = SECTIONS["hotels"]


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


def test_a_list_changes_only_the_items_that_changed() -> None:
    texts = shipped_texts()
    _, record = find(texts, EVENTS, "opening-ceremony")
    questions = list(record["notes"][0]["questions"]["ko"])
    questions[1] = "생중계는 어디서 봐요?"
    note = {
        "questions": {"zh": list(record["notes"][0]["questions"]["zh"]), "ko": questions},
        "answer": {},  # kept as it is
    }
    changed = update(texts, EVENTS, "opening-ceremony", {"notes": [note]})
    line = next(line for line in changed["events.yml"].splitlines() if "개막식 라이브" in line)
    assert line == (
        '          ko: ["개막식 온라인 생중계 해요?", "생중계는 어디서 봐요?", "개막식 라이브"]'
    )
    fewer = {"zh": ["开幕式直播"], "ko": ["개막식 라이브"]}
    shorter = update(texts, EVENTS, "opening-ceremony", {"notes": [{**note, "questions": fewer}]})
    assert "          zh: [开幕式直播]" in shorter["events.yml"]
    assert check_content_texts(shorter) == []


def test_hotels_are_added_copied_and_deleted_and_routes_replace_their_keys() -> None:
    texts = shipped_texts()
    hotel = {
        "id": "airport_hotel",
        "name": {"zh": "桃仙机场酒店", "ko": "타오셴공항 호텔"},
        "address": {"zh": "沈阳市浑南区桃仙机场", "ko": "선양시 훈난구 타오셴공항"},
        "location": {"lat": 41.64, "lon": 123.49},
        "routes": Keyed({"xita": {"zh": "打车约15分钟。", "ko": "택시로 약 15분."}}),
    }
    added = update(texts, HOTELS, None, hotel)
    assert check_content_texts(added) == []
    assert added["venues.yml"].startswith(texts["venues.yml"].rstrip("\n"))
    routes = Keyed({"gymnasium": hotel["routes"]["xita"], "xita": hotel["routes"]["xita"]})
    moved = update(added, HOTELS, "airport_hotel", {"routes": routes})
    assert find(moved, HOTELS, "airport_hotel")[1]["routes"].keys() == routes.keys()
    only = update(moved, HOTELS, "airport_hotel", {"routes": Keyed(xita=routes["xita"])})
    assert only == added
    twin = duplicate(added, HOTELS, "airport_hotel", "airport_hotel_2")
    assert check_content_texts(twin) == []
    assert delete(delete(twin, HOTELS, "airport_hotel_2"), HOTELS, "airport_hotel") == texts
