"""What staff can edit in each kind of record, described once for every form.

The staff console draws its forms from these descriptions and turns what staff
type back into YAML values; the checks stay in ``bot.content.schema``. A new field
in the schema is one more line here (and its label in console/messages.yml, under
``field.<name>``). Kinds:

- ``text``: a text in Chinese and Korean (``{zh, ko}``);
- ``text_list``: several texts per language (``{zh: [...], ko: [...]}``), one a line;
- ``string``, ``url``: one plain value; ``id``: small letters, digits and dashes
  (events, FAQ entries); ``snake_id``: small letters, digits and underscores (hotels);
- ``choice``: one of ``choices``; ``choices``: several of them (tags);
- ``datetime`` (``2026-11-27T17:00``), ``date``, ``int``, ``number``, ``bool``;
- ``group``: fields of their own (``location`` with ``lat`` and ``lon``);
- ``list``: a list of groups (organisers, notes), each with ``fields``;
- ``keyed``: a list of groups written in YAML as one group keyed by the first
  field's value, holding the second field's value (a hotel's ``routes``:
  ``venue id: {zh, ko}``); the form shows it like a ``list``.

A field with ``hint`` has a line of help under it (``hint.<name>`` in the messages).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.content.model import ACTIVITIES, CATEGORIES, FAQ_TOPICS, VENUE_IDS
from bot.content.places import LAT_RANGE, LON_RANGE

KINDS = (
    "text",
    "text_list",
    "string",
    "id",
    "url",
    "choice",
    "choices",
    "datetime",
    "date",
    "int",
    "number",
    "bool",
    "group",
    "list",
    "keyed",
    "snake_id",
)
#: Choices filled in from the content itself (the ids of the venues).
VENUES = "@venues"
#: What ``id`` and ``snake_id`` values look like (as bot.content.nodes checks them).
ID_PATTERN = "[a-z0-9]+(-[a-z0-9]+)*"
SNAKE_ID_PATTERN = "[a-z][a-z0-9]*(_[a-z0-9]+)*"


@dataclass(frozen=True)
class Field:
    """One editable field.

    Attributes:
        name: Its key in the YAML file.
        kind: One of ``KINDS``.
        required: Whether the checks require it (optional fields left empty are removed).
        choices: For ``choice``/``choices``: the allowed names, or ``VENUES``.
        fields: For ``group``/``list``: the fields of each item.
        multiline: For ``text``: a text area rather than one line.
        low, high: For ``number``: the allowed range (shown as the input's bounds).
        hint: Whether the form shows help under it (``hint.<name>`` in console/messages.yml).
    """

    name: str
    kind: str
    required: bool = True
    choices: tuple[str, ...] | str = ()
    fields: tuple[Field, ...] = ()
    multiline: bool = False
    low: float | None = None
    high: float | None = None
    hint: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown field kind {self.kind!r} for {self.name!r}")
        if self.kind == "keyed" and len(self.fields) != 2:
            raise ValueError(f"{self.name!r}: a keyed list has a key field and a value field")


def _text(name: str, required: bool = True, multiline: bool = False, hint: bool = False) -> Field:
    return Field(name, "text", required, multiline=multiline, hint=hint)


def _optional(name: str) -> Field:
    """An optional text the bot answers one kind of question from (parking, what to bring)."""
    return _text(name, required=False, multiline=True, hint=True)


@dataclass(frozen=True)
class Section:
    """A kind of record and where it sits in its file.

    Attributes:
        name: ``events``, ``faq``, ``venues``, ``hotels`` or ``overview``.
        file: The content file.
        key: The top-level key: the list of records, or the one record (overview).
        fields: The record's fields, in form order.
        single: True when the file holds one record (the overview) rather than a list.
        fixed_ids: True when records cannot be added or deleted (venue ids are trained names).
        root_fields: Fields at the top of the file beside ``key`` (overview's sample_data).
        id_pattern: What a new record's id must look like (the duplicate form's check).
    """

    name: str
    file: str
    key: str
    fields: tuple[Field, ...]
    single: bool = False
    fixed_ids: bool = False
    root_fields: tuple[Field, ...] = ()
    id_pattern: str = ID_PATTERN


#: Other names of an item: how visitors' words (short names, typos, 繁體) find it.
ALIASES = Field("aliases", "text_list", required=False, hint=True)
LOCATION = Field(
    "location",
    "group",
    fields=(
        Field("lat", "number", low=LAT_RANGE[0], high=LAT_RANGE[1]),
        Field("lon", "number", low=LON_RANGE[0], high=LON_RANGE[1]),
    ),
)


TRANSPORT = Field(
    "transport",
    "group",
    fields=tuple(
        _text(name, multiline=True)
        for name in (
            "metro",
            "bus",
            "taxi",
            "from_airport",
            "from_north_station",
            "from_south_station",
            "from_shenyang_station",
        )
    ),
)

EVENTS = Section(
    "events",
    "events.yml",
    "events",
    (
        Field("id", "id"),
        _text("name"),
        Field("category", "choice", choices=CATEGORIES),
        Field("tags", "choices", choices=ACTIVITIES),
        Field("start", "datetime"),
        Field("end", "datetime"),
        Field("venue", "choice", choices=VENUES),
        _text("description", multiline=True),
        _text("how_to_join", multiline=True),
        _text("price"),
        Field("capacity", "int", required=False),
        Field("registration_url", "url", required=False),
        ALIASES,
        _optional("eligibility"),
        _optional("bring"),
        _optional("photos"),
        Field(
            "notes",
            "list",
            required=False,
            fields=(Field("questions", "text_list"), _text("answer", multiline=True)),
            hint=True,
        ),
    ),
)

FAQ = Section(
    "faq",
    "faq.yml",
    "faq",
    (
        Field("id", "id"),
        Field("topic", "choice", choices=FAQ_TOPICS),
        Field("questions", "text_list"),
        _text("answer", multiline=True),
    ),
)

VENUES_SECTION = Section(
    "venues",
    "venues.yml",
    "venues",
    (
        Field("id", "choice", choices=VENUE_IDS),
        _text("name"),
        _text("address"),
        LOCATION,
        _text("opening_hours", multiline=True),
        Field("map_url", "url", required=False),
        ALIASES,
        _optional("parking"),
        TRANSPORT,
    ),
    fixed_ids=True,
)

HOTELS = Section(
    "hotels",
    "venues.yml",
    "hotels",
    (
        Field("id", "snake_id"),
        _text("name"),
        ALIASES,
        _text("address"),
        LOCATION,
        Field(
            "routes",
            "keyed",
            fields=(Field("venue", "choice", choices=VENUES), _text("directions", multiline=True)),
            hint=True,
        ),
    ),
    id_pattern=SNAKE_ID_PATTERN,
)

OVERVIEW = Section(
    "overview",
    "overview.yml",
    "overview",
    (
        _text("name"),
        _text("short_name"),
        Field("dates", "group", fields=(Field("start", "date"), Field("end", "date"))),
        Field("organisers", "list", fields=(_text("name"), _text("role"))),
        _text("description", multiline=True),
        _text("purpose", multiline=True),
        Field("website", "url"),
        Field(
            "contact",
            "group",
            fields=(Field("phone", "string"), Field("email", "string"), _text("hours")),
        ),
        _text("notice", required=False, multiline=True),
    ),
    single=True,
    root_fields=(Field("sample_data", "bool"),),
)

#: Every section, in the order the console lists them.
SECTIONS: dict[str, Section] = {
    section.name: section for section in (EVENTS, FAQ, VENUES_SECTION, HOTELS, OVERVIEW)
}
