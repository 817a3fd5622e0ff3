"""Forms from the field descriptions: values in and out, and problems mapped to their field."""

from __future__ import annotations

from bot.content import check_content_texts
from bot.content.fields import SECTIONS
from bot.content.yamledit import REMOVE, find, root_values, update
from console.forms import field_errors, parse_form, record_values, widgets
from tests.support.content import shipped_texts

EVENTS, OVERVIEW, VENUES = SECTIONS["events"], SECTIONS["overview"], SECTIONS["venues"]


def _form(values: dict) -> dict[str, list[str]]:
    return {k: (v if isinstance(v, list) else [v]) for k, v in values.items()}


def test_a_record_goes_through_its_form_unchanged() -> None:
    texts = shipped_texts()
    for section, record_id in ((EVENTS, "opening-ceremony"), (VENUES, "xita"), (OVERVIEW, None)):
        _, record = find(texts, section, record_id)
        values = record_values(section, record, root_values(texts, section))
        record_values_, root = parse_form(section, _form(values))
        assert update(texts, section, record_id, record_values_, root) == texts, section.name


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
