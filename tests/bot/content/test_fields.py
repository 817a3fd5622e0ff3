"""The console's field descriptions cover every field the checks accept, required as they are."""

from __future__ import annotations

import pytest

from bot.content import places, schema
from bot.content.fields import SECTIONS, Field


def _names(section: str) -> dict[str, Field]:
    return {item.name: item for item in SECTIONS[section].fields}


@pytest.mark.parametrize(
    ("section", "required", "optional"),
    [
        ("events", schema.EVENT_FIELDS, schema.EVENT_OPTIONAL),
        ("faq", schema.FAQ_FIELDS, ()),
        ("venues", places.VENUE_FIELDS, places.VENUE_OPTIONAL),
        ("hotels", places.HOTEL_FIELDS, places.HOTEL_OPTIONAL),
        ("overview", schema.OVERVIEW_FIELDS, ("notice",)),
    ],
)
def test_every_field_of_the_schema_can_be_edited(section, required, optional) -> None:
    fields = _names(section)
    assert set(fields) == {*required, *optional}
    assert {name for name, item in fields.items() if item.required} == set(required)


def test_nested_fields_match_the_schema() -> None:
    notes = _names("events")["notes"]
    assert notes.kind == "list" and tuple(f.name for f in notes.fields) == schema.NOTE_FIELDS
    transport = _names("venues")["transport"]
    assert tuple(f.name for f in transport.fields) == places.TRANSPORT_FIELDS
    routes = _names("hotels")["routes"]
    assert routes.kind == "keyed" and [f.kind for f in routes.fields] == ["choice", "text"]
    hotels = SECTIONS["hotels"]
    assert hotels.file == "venues.yml" and not hotels.fixed_ids and "_" in hotels.id_pattern


def test_a_keyed_field_needs_a_key_and_a_value() -> None:
    with pytest.raises(ValueError, match="key field and a value field"):
        Field("routes", "keyed", fields=(Field("venue", "string"),))
    with pytest.raises(ValueError, match="unknown field kind"):
        Field("x", "colour")
