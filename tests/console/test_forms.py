"""Forms from the field descriptions: values in and out, and problems mapped to their field."""

from __future__ import annotations

from typing import Any

from bot.content import check_content_texts
from bot.content.fields import SECTIONS, Section
from bot.content.yamledit import REMOVE, find, records, root_values, update
from console.form_errors import duplicate_keys, field_errors
from console.forms import parse_form, record_values, widgets
from tests.support.content import shipped_texts

EVENTS, OVERVIEW, VENUES = SECTIONS["events"], SECTIONS["overview"], SECTIONS["venues"]
HOTELS = SECTIONS["hotels"]


def _form(values: dict) -> dict[str, list[str]]:
    return {k: (v if isinstance(v, list) else [v]) for k, v in values.items()}


def _comments(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.lstrip().startswith("#")]


def _every_shape(texts: dict[str, str], section: Section) -> list[tuple[str | None, Any]]:
    """One record of each set of fields, and the last one (its comment leads to what follows).

    Every record would take a minute and a half (ruamel reads a whole file per edit).
    """
    if section.single:
        return [(None, find(texts, section, None)[1])]
    shapes: dict[tuple[str, ...], Any] = {}
    items = records(texts, section)
    for record in items:
        shapes.setdefault(tuple(record), record)
    chosen = [*shapes.values(), *([] if items[-1] in shapes.values() else [items[-1]])]
    return [(str(record["id"]), record) for record in chosen]


def test_a_record_of_every_shape_goes_through_its_form_byte_identical() -> None:
    texts = shipped_texts()
    for section in SECTIONS.values():
        root_ = root_values(texts, section)
        for record_id, record in _every_shape(texts, section):
            new, root = parse_form(section, _form(record_values(section, record, root_)))
            assert update(texts, section, record_id, new, root) == texts, (section.name, record_id)


def test_an_event_gains_an_alias_and_a_note_and_loses_an_optional_text() -> None:
    texts = shipped_texts()
    index, record = find(texts, EVENTS, "opening-ceremony")
    values = record_values(EVENTS, record, {})
    assert values["notes.0.questions.zh"].splitlines()[0] == "开幕式有网上直播吗"
    assert "開幕式" in values["aliases.zh"].splitlines() and values["photos.ko"]
    values["aliases.ko"] += "\n  개막 행사장 \n\n"
    values.update({"photos.zh": "", "photos.ko": ""})
    values.update({"notes.1.questions.zh": "开幕式有同传吗\n有翻译吗", "notes.1.answer.zh": "有。"})
    values.update({"notes.1.questions.ko": "통역 있어요", "notes.1.answer.ko": "네."})
    new, _ = parse_form(EVENTS, _form(values))
    assert new["photos"] is REMOVE and new["aliases"]["ko"][-1] == "개막 행사장"
    changed = update(texts, EVENTS, "opening-ceremony", new)["events.yml"]
    assert check_content_texts({**texts, "events.yml": changed}) == []
    assert "photos:" not in changed.split("id: silk-road-exhibition-1126")[0]
    assert (
        "개막 세리머니, 오프닝 세리머니, 코리아위크 개막식, 박람회 개막식, 개막 행사장]" in changed
    )
    assert "            - 开幕式有同传吗\n            - 有翻译吗\n" in changed
    assert '"개막식 온라인 생중계 해요?"' in changed  # the untouched note keeps its quotes
    assert _comments(changed) == _comments(texts["events.yml"])
    before, after = texts["events.yml"].splitlines(), changed.splitlines()
    assert len(after) == len(before) - 3 + 9  # photos gone; one note of nine lines added


def test_a_note_is_removed_with_its_check_box_and_problems_find_their_row() -> None:
    texts = shipped_texts()
    index, record = find(texts, EVENTS, "silk-road-exhibition-1126")
    values = record_values(EVENTS, record, {})
    values["notes.0._drop"] = "on"
    values["notes.1.answer.ko"] = ""
    new, _ = parse_form(EVENTS, _form(values))
    assert [note["answer"]["zh"][:7] for note in new["notes"]] == ["展出约200件"]
    problems = check_content_texts(update(texts, EVENTS, "silk-road-exhibition-1126", new))
    assert [p.field for p in problems] == [f"events[{index}].notes[0].answer.ko"]
    errors, loose = field_errors(EVENTS, index, problems, values)
    assert list(errors) == ["notes.1.answer.ko"] and not loose  # the form's row, not the YAML's
    notes = next(w for w in widgets(EVENTS, values, errors, []) if w.name == "notes")
    assert len(notes.rows) == 3 and notes.dropped == {0} and notes.open_rows == {0, 1}
    assert notes.rows[1][1].errors["ko"]


def test_hotel_routes_are_a_group_keyed_by_venue() -> None:
    texts = shipped_texts()
    index, record = find(texts, HOTELS, "qingnian_street_hotel")
    values = record_values(HOTELS, record, {})
    assert [values[f"routes.{n}.venue"] for n in range(3)] == ["forum_hotel", "expo_center", "xita"]
    values["routes.1._drop"] = "on"  # no more directions to expo_center
    values.update({"routes.0.venue": "museum", "routes.5.venue": "forum_hotel"})  # swapped
    new, _ = parse_form(HOTELS, _form(values))
    assert list(new["routes"])[:2] == ["museum", "xita"]
    changed = update(texts, HOTELS, "qingnian_street_hotel", new)["venues.yml"]
    assert check_content_texts({**texts, "venues.yml": changed}) == []
    hotel = changed.split("id: qingnian_street_hotel")[1].split("- id:")[0]
    assert "expo_center:" not in hotel
    assert hotel.index("museum:") < hotel.index("xita:") < hotel.index("forum_hotel:")
    assert _comments(changed) == _comments(texts["venues.yml"])


def test_route_problems_are_shown_in_their_row() -> None:
    texts = shipped_texts()
    values = {
        "id": "north_station_hotel",
        **{f"{key}.{lang}": "北站" for key in ("name", "address") for lang in ("zh", "ko")},
        "location.lat": "41.82",
        "location.lon": "123.43",
        "routes.0.venue": "xita",
        "routes.0.directions.zh": "打车约15分钟。",
        "routes.0.directions.ko": "",
        "routes.1.venue": "",
        "routes.1.directions.zh": "步行。",
        "routes.1.directions.ko": "도보.",
        "routes.2.venue": "xita",
        "routes.3.venue": "",
    }
    new, _ = parse_form(HOTELS, _form(values))
    assert new["aliases"] is REMOVE and list(new["routes"]) == ["xita", ""]
    problems = check_content_texts(update(texts, HOTELS, None, new))
    index = len(records(texts, HOTELS))
    errors, loose = field_errors(HOTELS, index, problems, values)
    assert errors.keys() == {"id", "routes.0.directions.ko", "routes.1.venue"} and not loose
    assert duplicate_keys(HOTELS, values) == {
        "routes.2.venue": ["'xita' is written twice; keep only one"]
    }
    drawn = widgets(HOTELS, values, errors, {"xita": "西塔韩国风情街"})
    routes = next(w for w in drawn if w.name == "routes")
    assert routes.open_rows == {0, 1} and routes.rows[0][0].choices == ("xita",)
    assert routes.rows[0][0].labels == {"xita": "西塔韩国风情街"}


def test_problems_are_mapped_to_their_fields() -> None:
    texts = shipped_texts()
    index, record = find(texts, EVENTS, "opening-ceremony")
    values = record_values(EVENTS, record, {})
    values.update(
        {"end": "2026-11-26T08:00", "name.ko": "", "capacity": "many", "location.lat": "x"}
    )
    new, root = parse_form(EVENTS, _form(values))
    assert new["capacity"] == "many" and new["registration_url"] is REMOVE
    errors, loose = field_errors(
        EVENTS, index, check_content_texts(update(texts, EVENTS, "opening-ceremony", new))
    )
    assert set(errors) == {"end", "name.ko", "capacity"} and not loose
    drawn = {w.name: w for w in widgets(EVENTS, values, errors, ["xita"])}
    assert drawn["name"].errors["ko"] and drawn["venue"].choices == ("xita",)


def test_overview_lists_gain_and_lose_rows() -> None:
    texts = shipped_texts()
    _, record = find(texts, OVERVIEW, None)
    values = record_values(OVERVIEW, record, root_values(texts, OVERVIEW))
    values.update(
        {"organisers.3.name.zh": "沈阳市文旅局", "organisers.3.name.ko": "선양시 문화관광국"}
    )
    values.update({"organisers.3.role.zh": "支持", "organisers.3.role.ko": "후원"})
    values.update({key: "" for key in values if key.startswith("organisers.0.")})
    new, root = parse_form(OVERVIEW, _form(values))
    assert [o["role"]["ko"] for o in new["organisers"]] == ["주관", "공동 주최", "후원"]
    assert root == {"sample_data": True}
    changed = update(texts, OVERVIEW, None, new, root)
    assert check_content_texts(changed) == [] and "선양시 문화관광국" in changed["overview.yml"]
    rows = next(w for w in widgets(OVERVIEW, values, {}, []) if w.name == "organisers").rows
    assert len(rows) == 5  # four filled or cleared rows and a blank one to add
