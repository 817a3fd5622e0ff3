"""Load the content folder (overview, venues, events, FAQ) and check all of it.

``load_content`` returns a ready ``Content`` or raises ``ContentInvalid`` listing
every problem with its file and line; ``check_content`` only lists them. Files
are read as UTF-8 and composed with PyYAML's safe loader into nodes, which carry
line numbers; YAML tags are never turned into Python objects.

``load_content_texts`` and ``check_content_texts`` do the same for file texts
held in memory ({"events.yml": "..."}), as published to Redis; ``read_content_texts``
reads a folder into that form. Both paths share every check.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path

import yaml
from yaml.nodes import Node

from bot.content import places, schema
from bot.content.errors import FILE_ORDER, ContentError, ContentInvalid
from bot.content.model import Content, Event, FaqEntry, Hotel, Overview, Venue
from bot.content.nodes import Issues

#: At most this many lines with bad bytes are listed per file.
MAX_ENCODING_ERRORS = 10
_BAD_BYTE = re.compile("[\udc80-\udcff]")
# Invisible characters that YAML counts as line breaks but text editors do not.
_ODD_BREAK = re.compile("[\x85\u2028\u2029]")
_YAML_HINTS = {
    "mapping values are not allowed": "a text contains ': ' (colon and space); put the whole "
    'text in double quotes "..." or use the Chinese colon ：',
    "cannot start any token": "use spaces, never the Tab key, to indent lines",
    "could not find expected ':'": "a line is missing the ':' after its field name, or a quote "
    "is not closed",
    "while scanning a quoted scalar": "a quote \" or ' is opened but not closed",
    "did not find expected key": "the indentation of this line does not match the lines around "
    "it, or a quote is not closed",
    "expected <block end>": "the indentation of this line does not match the lines around it",
}


def load_content(directory: Path) -> Content:
    """Loads and checks the content files in ``directory``.

    Args:
        directory: The content folder holding overview.yml, venues.yml,
            events.yml and faq.yml.

    Returns:
        The content, ready to answer questions.

    Raises:
        ContentInvalid: With every problem found in any of the files.
    """
    content, errors = _load(Path(directory))
    if content is None or errors:
        raise ContentInvalid(errors)
    return content


def check_content(directory: Path) -> list[ContentError]:
    """Checks the content files in ``directory`` and lists every problem, in file order.

    Args:
        directory: The content folder.

    Returns:
        The problems found; an empty list when the content is fine.
    """
    return _load(Path(directory))[1]


def load_content_texts(texts: Mapping[str, str]) -> Content:
    """Loads and checks content given as the texts of its files.

    Args:
        texts: File name → file text, e.g. {"faq.yml": "faq: ..."}; the names
            are those of a content folder. Other names are ignored.

    Returns:
        The content, exactly as ``load_content`` would build it from those files.

    Raises:
        ContentInvalid: With every problem found in any of the texts.
    """
    content, errors = _load_texts(texts)
    if content is None or errors:
        raise ContentInvalid(errors)
    return content


def check_content_texts(texts: Mapping[str, str]) -> list[ContentError]:
    """Checks content given as file texts and lists every problem, in file order."""
    return _load_texts(texts)[1]


def read_content_texts(directory: Path) -> dict[str, str]:
    """Reads the texts of the content files of a folder, as ``load_content_texts`` takes them.

    Bytes that are not UTF-8 are kept as surrogate escapes, so checking the texts
    reports them on their lines. Missing or unreadable files are left out (and then
    reported as missing by the checks).

    Args:
        directory: The content folder.

    Returns:
        File name → text for each readable content file.
    """
    texts = {}
    for name in FILE_ORDER:
        text = _read_text(Path(directory) / name, Issues(name))
        if text is not None:
            texts[name] = text
    return texts


def _load(directory: Path) -> tuple[Content | None, list[ContentError]]:
    if not directory.is_dir():
        problem = ContentError(
            directory.name or str(directory),
            None,
            "",
            f"the content folder {directory} does not exist",
        )
        return None, [problem]
    issues = {name: Issues(name) for name in FILE_ORDER}
    roots = {name: _read_yaml(directory / name, issues[name]) for name in FILE_ORDER}
    return _build(roots, issues)


def _load_texts(texts: Mapping[str, str]) -> tuple[Content | None, list[ContentError]]:
    issues = {name: Issues(name) for name in FILE_ORDER}
    roots = {}
    for name in FILE_ORDER:
        if name in texts:
            roots[name] = _parse_yaml(texts[name], issues[name])
        else:
            issues[name].add_at(None, "", f"the file {name} is missing from the content")
            roots[name] = None
    return _build(roots, issues)


def _build(
    roots: Mapping[str, Node | None], issues: Mapping[str, Issues]
) -> tuple[Content | None, list[ContentError]]:
    """Parses the composed files in dependency order and gathers every problem."""
    overview: Overview | None = None
    dates: tuple[date, date] | None = None
    venue_ids: set[str] | None = None
    venues: list[Venue] = []
    hotels: list[Hotel] = []
    events: list[Event] = []
    faq: list[FaqEntry] = []
    if roots["overview.yml"] is not None:
        parsed = schema.parse_overview(roots["overview.yml"], issues["overview.yml"])
        overview, dates = parsed.overview, parsed.dates
    if roots["venues.yml"] is not None:
        parsed_places = places.parse_places(roots["venues.yml"], issues["venues.yml"])
        venues, venue_ids, hotels = (
            parsed_places.venues,
            parsed_places.venue_ids,
            parsed_places.hotels,
        )
    if roots["events.yml"] is not None:
        events = schema.parse_events(roots["events.yml"], issues["events.yml"], venue_ids, dates)
    if roots["faq.yml"] is not None:
        faq = schema.parse_faq(roots["faq.yml"], issues["faq.yml"])

    errors = sorted(
        (e for name in FILE_ORDER for e in issues[name].errors), key=ContentError.sort_key
    )
    if errors or overview is None:
        return None, errors
    return Content.build(overview, venues, events, faq, hotels), errors


def _read_yaml(path: Path, issues: Issues) -> Node | None:
    """Reads one file as UTF-8 and composes its YAML; records why if that fails."""
    text = _read_text(path, issues)
    return None if text is None else _parse_yaml(text, issues)


def _read_text(path: Path, issues: Issues) -> str | None:
    """Reads one file as UTF-8 (bad bytes kept as surrogates); records why if that fails."""
    if not path.is_file():
        issues.add_at(None, "", f"the file {path.name} is missing from the content folder")
        return None
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as handle:
            return handle.read()
    except OSError as exc:
        issues.add_at(None, "", f"the file cannot be read ({exc.strerror or exc})")
        return None


def _parse_yaml(text: str, issues: Issues) -> Node | None:
    """Composes the YAML of one file's text; records why if that fails."""
    if _report_bad_bytes(text, issues) or _report_odd_line_breaks(text, issues):
        return None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        issues.add_at(_line_of(exc), "", _yaml_message(exc))
        return None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        issues.add_at(
            line,
            "",
            f"this line contains a character that is not allowed "
            f"(code {exc.character!r}); delete it and type it again",
        )
        return None
    except yaml.YAMLError as exc:
        issues.add_at(None, "", f"the file is not valid YAML ({exc})")
        return None
    if root is None:
        issues.add_at(None, "", "the file is empty")
    return root


def _report_bad_bytes(text: str, issues: Issues) -> bool:
    """Records the lines holding bytes that are not UTF-8; tells whether there were any."""
    lines = sorted({text.count("\n", 0, m.start()) + 1 for m in _BAD_BYTE.finditer(text)})
    for line in lines[:MAX_ENCODING_ERRORS]:
        issues.add_at(
            line,
            "",
            "this line is not UTF-8 text; the file was probably saved in "
            "another encoding (such as GBK, ANSI or EUC-KR). Save it again "
            "as UTF-8",
        )
    if len(lines) > MAX_ENCODING_ERRORS:
        issues.add_at(
            lines[MAX_ENCODING_ERRORS],
            "",
            f"... and {len(lines) - MAX_ENCODING_ERRORS} more lines that are not UTF-8",
        )
    return bool(lines)


def _report_odd_line_breaks(text: str, issues: Issues) -> bool:
    """Records lines holding invisible line separators (often pasted from web pages)."""
    lines = sorted({text.count("\n", 0, m.start()) + 1 for m in _ODD_BREAK.finditer(text)})
    for line in lines:
        issues.add_at(
            line,
            "",
            "this line contains an invisible line-separator character, "
            "usually copied from a web page; retype the line",
        )
    return bool(lines)


def _line_of(exc: yaml.MarkedYAMLError) -> int | None:
    mark = exc.problem_mark or exc.context_mark
    return mark.line + 1 if mark is not None else None


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    detail = " ".join(str(part) for part in (exc.context, exc.problem) if part)
    hint = next(
        (text for key, text in _YAML_HINTS.items() if key in detail),
        "check the indentation, the colons and the quotes on this line and the one above",
    )
    return f"the file layout is broken here: {hint} (YAML says: {detail})"
