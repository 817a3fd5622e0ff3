"""Change content texts record by record, keeping their comments and layout (ruamel.yaml).

The console edits the draft's YAML texts, not parsed values: ruamel.yaml's
round-trip mode keeps every comment, key order and flow list (``tags: [a, b]``)
that staff or developers wrote, so a publish from the console changes only what
was edited. Values are plain Python here (str, int, float, bool, lists, dicts);
``REMOVE`` deletes an optional key; a ``Keyed`` group replaces the keys it
had (a hotel's routes). Nothing here checks content: the texts are
checked by ``bot.content.loader`` afterwards.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Mapping
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from bot.content.fields import Section


class YamlBroken(ValueError):
    """A content text cannot be edited because its YAML does not parse."""


class RecordNotFound(KeyError):
    """No record with this id in the draft."""


#: Marks an optional key to delete.
REMOVE = object()


class Keyed(dict[str, Any]):
    """A group written exactly as given: keys it lacks are removed, its order is kept.

    For fields whose keys are data (a hotel's ``routes``, by venue id), where a
    key missing from the form means the staff deleted it.
    """


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.width = 4096  # type: ignore[assignment]  # never fold long Chinese or Korean lines
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.preserve_quotes = True  # type: ignore[assignment]
    return yaml


def load(text: str, name: str = "") -> Any:
    """Parses one file's text, keeping comments and layout.

    Raises:
        YamlBroken: When the text is not YAML ruamel can read.
    """
    try:
        return _yaml().load(text)
    except YAMLError as error:
        raise YamlBroken(f"{name}: {error}") from None


def dump(data: Any) -> str:
    """The text of a parsed file."""
    stream = io.StringIO()
    _yaml().dump(data, stream)
    return stream.getvalue()


def _root(texts: Mapping[str, str], section: Section) -> Any:
    data = load(texts.get(section.file, ""), section.file)
    if data is None:
        data = CommentedMap()
    if not isinstance(data, CommentedMap):
        raise YamlBroken(f"{section.file}: the file is not a group of fields")
    return data


def _records(data: CommentedMap, section: Section) -> CommentedSeq:
    items = data.get(section.key)
    if items is None:
        items = data[section.key] = CommentedSeq()
    if not isinstance(items, CommentedSeq):
        raise YamlBroken(f"{section.file}: '{section.key}' is not a list")
    return items


def records(texts: Mapping[str, str], section: Section) -> list[Any]:
    """The records of a section as parsed (round-trip) values, in file order."""
    data = _root(texts, section)
    if section.single:
        record = data.get(section.key)
        return [record if isinstance(record, CommentedMap) else CommentedMap()]
    return list(_records(data, section))


def root_values(texts: Mapping[str, str], section: Section) -> dict[str, Any]:
    """The values of the section's top-level fields (overview's ``sample_data``)."""
    data = _root(texts, section)
    return {item.name: data.get(item.name) for item in section.root_fields}


def find(texts: Mapping[str, str], section: Section, record_id: str | None) -> tuple[int, Any]:
    """The position and parsed value of the record with ``record_id`` (the overview: None).

    Raises:
        RecordNotFound: When no record has that id.
    """
    for index, record in enumerate(records(texts, section)):
        if section.single or (isinstance(record, Mapping) and str(record.get("id")) == record_id):
            return index, record
    raise RecordNotFound(record_id)


def _assign(target: CommentedMap, key: str, value: Any) -> None:
    """Sets ``target[key]``, reusing the existing nested values to keep their comments."""
    if value is REMOVE:
        target.pop(key, None)
        return
    old = target.get(key)
    if isinstance(value, Mapping):
        node = old if isinstance(old, CommentedMap) else CommentedMap()
        if isinstance(value, Keyed):
            for gone in [sub_key for sub_key in node if sub_key not in value]:
                del node[gone]
        for sub_key, sub_value in value.items():
            _assign(node, sub_key, sub_value)
        if isinstance(value, Keyed) and list(node) != list(value):
            for sub_key in value:
                node.move_to_end(sub_key)
        target[key] = node
    elif isinstance(value, list):
        target[key] = _sequence(old, value)
    elif _changed(old, value):
        target[key] = value
    # else: the same value as written (a date, a float's digits): keep it as it was written


def _changed(old: Any, value: Any) -> bool:
    """Whether ``value`` differs from the scalar ``old`` as written (quotes and style aside)."""
    return old is None or isinstance(old, (CommentedMap, CommentedSeq)) or str(old) != str(value)


def _sequence(old: Any, values: list[Any]) -> CommentedSeq:
    """``old`` changed in place to hold ``values``: unchanged items keep quotes and comments."""
    seq = old if isinstance(old, CommentedSeq) else CommentedSeq()
    for index, value in enumerate(values):
        previous = seq[index] if index < len(seq) else None
        if isinstance(value, Mapping):
            node = previous if isinstance(previous, CommentedMap) else CommentedMap()
            for key in [key for key in node if key not in value]:
                del node[key]
            for key, item in value.items():
                _assign(node, key, item)
            value = node
        elif isinstance(value, list):
            value = _sequence(previous, value)
        elif not _changed(previous, value):
            continue
        if index < len(seq):
            seq[index] = value
        else:
            seq.append(value)
    del seq[len(values) :]
    return seq


def _take_tail(node: Any) -> Any:
    """Detaches the comment after a container's last value (it belongs to what follows)."""
    if not isinstance(node, (CommentedMap, CommentedSeq)) or not len(node):
        return None
    last = list(node.keys())[-1] if isinstance(node, CommentedMap) else len(node) - 1
    token = _take_tail(node[last])
    if token is not None:
        return token
    entry = node.ca.items.get(last)
    slot = 2 if isinstance(node, CommentedMap) else 0
    if entry and len(entry) > slot and entry[slot] is not None:
        token, entry[slot] = entry[slot], None
        return token
    return None


def _put_tail(node: Any, token: Any) -> None:
    """Attaches a comment detached by ``_take_tail`` after the container's new last value."""
    if token is None or not isinstance(node, (CommentedMap, CommentedSeq)) or not len(node):
        return
    last = list(node.keys())[-1] if isinstance(node, CommentedMap) else len(node) - 1
    if isinstance(node[last], (CommentedMap, CommentedSeq)) and len(node[last]):
        _put_tail(node[last], token)
    elif isinstance(node, CommentedMap):
        node.ca.items[last] = [None, None, token, None]
    else:
        node.ca.items[last] = [token, None]


def update(
    texts: Mapping[str, str],
    section: Section,
    record_id: str | None,
    values: Mapping[str, Any],
    root: Mapping[str, Any] | None = None,
) -> dict[str, str]:
    """The texts with one record's fields set to ``values`` (None ``record_id``: a new record).

    Args:
        texts: The draft's texts.
        section: The kind of record.
        record_id: The record to change; None appends a new one (lists only).
        values: Field name → value (``REMOVE`` deletes an optional field).
        root: Values of the section's top-level fields, if any.

    Raises:
        RecordNotFound: When ``record_id`` names no record.
        YamlBroken: When the file cannot be parsed.
    """
    data = _root(texts, section)
    if section.single:
        record = data.get(section.key)
        if not isinstance(record, CommentedMap):
            record = data[section.key] = CommentedMap()
    elif record_id is None:
        items = _records(data, section)
        tail = _take_tail(items)
        record = CommentedMap()
        items.append(record)
    else:
        record = _by_id(_records(data, section), record_id)
        tail = _take_tail(record)
    for key, value in values.items():
        _assign(record, key, value)
    if not section.single:
        _put_tail(record, tail)
    for key, value in (root or {}).items():
        _assign(data, key, value)
    return {**texts, section.file: dump(data)}


def _by_id(items: CommentedSeq, record_id: str) -> CommentedMap:
    for item in items:
        if isinstance(item, CommentedMap) and str(item.get("id")) == record_id:
            return item
    raise RecordNotFound(record_id)


def duplicate(
    texts: Mapping[str, str], section: Section, record_id: str, new_id: str
) -> dict[str, str]:
    """The texts with a copy of a record, under ``new_id``, right after it.

    Raises:
        RecordNotFound: When ``record_id`` names no record.
    """
    data = _root(texts, section)
    items = _records(data, section)
    original = _by_id(items, record_id)
    twin = copy.deepcopy(original)
    twin["id"] = new_id
    items.insert(items.index(original) + 1, twin)
    return {**texts, section.file: dump(data)}


def delete(texts: Mapping[str, str], section: Section, record_id: str) -> dict[str, str]:
    """The texts without the record ``record_id``.

    Raises:
        RecordNotFound: When ``record_id`` names no record.
    """
    data = _root(texts, section)
    items = _records(data, section)
    items.remove(_by_id(items, record_id))
    return {**texts, section.file: dump(data)}
