"""The fields of each content file, and turning checked YAML nodes into model objects.

One ``parse_*`` function per file (``venues.yml`` is read by ``bot.content.places``).
Each reports every problem it finds to an ``Issues`` collector and returns only
the records that are entirely valid. Checks that need another file (venue
references, the expo dates) receive what they need as arguments, so each file is
still checked when another one is broken.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from yaml.nodes import Node

from bot.content import nodes as n
from bot.content import records as r
from bot.content.model import (
    ACTIVITIES,
    CATEGORIES,
    FAQ_TOPICS,
    Contact,
    Event,
    FaqEntry,
    Note,
    Organiser,
    Overview,
    local_timezone,
)

#: How many days before the first or after the last expo day an event may still be.
EVENT_DATE_MARGIN = timedelta(days=2)
OVERVIEW_FIELDS = (
    "name",
    "short_name",
    "dates",
    "organisers",
    "description",
    "purpose",
    "website",
    "contact",
)
CONTACT_FIELDS = ("phone", "email", "hours")
EVENT_FIELDS = (
    "id",
    "name",
    "category",
    "tags",
    "start",
    "end",
    "venue",
    "description",
    "how_to_join",
    "price",
)
#: Optional: places, sign-up link, other names, who may attend, what to bring, photo policy, Q&A.
EVENT_OPTIONAL = (
    "capacity",
    "registration_url",
    "aliases",
    "eligibility",
    "bring",
    "photos",
    "notes",
)
NOTE_FIELDS = ("questions", "answer")
FAQ_FIELDS = ("id", "topic", "questions", "answer")


def _top_list(root: Node, key: str, issues: n.Issues) -> list[Node]:
    return r.top_lists(root, issues, key).get(key, [])


@dataclass(frozen=True)
class ParsedOverview:
    """The overview, if valid, and the expo dates, if at least they could be read."""

    overview: Overview | None
    dates: tuple[date, date] | None


def parse_overview(root: Node, issues: n.Issues) -> ParsedOverview:
    """Reads ``overview.yml``."""
    top = n.read_mapping(root, "", issues, required=("sample_data", "overview"))
    if top is None:
        return ParsedOverview(None, None)
    sample = (
        n.read_bool(top["sample_data"], "sample_data", issues) if "sample_data" in top else None
    )
    if "overview" not in top:
        return ParsedOverview(None, None)
    found = n.read_mapping(top["overview"], "overview", issues, OVERVIEW_FIELDS, ("notice",))
    if found is None:
        return ParsedOverview(None, None)
    f = r.Fields(found, "overview", issues, OVERVIEW_FIELDS)
    texts = {
        key: f.get(key, n.read_text)
        for key in ("name", "short_name", "description", "purpose", "notice")
    }
    website = f.get("website", n.read_url)
    dates = f.get("dates", _read_dates)
    organisers = f.get("organisers", _read_organisers)
    contact = f.get("contact", _read_contact)
    if sample and "notice" not in found:
        issues.add(
            top["overview"],
            "overview.notice",
            "'notice' is missing; it is required "
            "while sample_data is true (the bot shows it to visitors)",
        )
        return ParsedOverview(None, dates)
    if not f.ok or sample is None:
        return ParsedOverview(None, dates)
    overview = Overview(
        sample_data=sample,
        start=dates[0],
        end=dates[1],
        organisers=organisers,
        website=website,
        contact=contact,
        **texts,
    )
    return ParsedOverview(overview, dates)


def _read_contact(node: Node, path: str, issues: n.Issues) -> Contact | None:
    found = n.read_mapping(node, path, issues, CONTACT_FIELDS)
    if found is None:
        return None
    f = r.Fields(found, path, issues, CONTACT_FIELDS)
    phone, email = f.get("phone", n.read_string), f.get("email", n.read_string)
    hours = f.get("hours", n.read_text)
    return Contact(phone, email, hours) if f.ok else None


def _read_dates(node: Node, path: str, issues: n.Issues) -> tuple[date, date] | None:
    found = n.read_mapping(node, path, issues, ("start", "end"))
    if found is None:
        return None
    f = r.Fields(found, path, issues, ("start", "end"))
    start, end = f.get("start", n.read_date), f.get("end", n.read_date)
    if not f.ok:
        return None
    if end < start:
        issues.add(
            found["end"], n.join(path, "end"), f"the last day {end} is before the first day {start}"
        )
        return None
    return start, end


def _read_organisers(node: Node, path: str, issues: n.Issues) -> tuple[Organiser, ...] | None:
    items = n.read_sequence(node, path, issues)
    if items is None:
        return None
    organisers: list[Organiser] = []
    for i, item in enumerate(items):
        item_path = n.join(path, i)
        found = n.read_mapping(item, item_path, issues, ("name", "role"))
        if found is None:
            continue
        f = r.Fields(found, item_path, issues, ("name", "role"))
        name, role = f.get("name", n.read_text), f.get("role", n.read_text)
        if f.ok:
            organisers.append(Organiser(name=name, role=role))
    return tuple(organisers) if len(organisers) == len(items) else None


def _check_venue(
    venue: str | None, venue_ids: Collection[str] | None, f: r.Fields, path: str, issues: n.Issues
) -> bool:
    """Whether an event's venue exists; a problem names the ids that do, and the closest."""
    if venue is None or venue_ids is None or venue in venue_ids:
        return True
    hint = difflib.get_close_matches(venue, sorted(venue_ids), n=1)
    maybe = f" Did you mean '{hint[0]}'?" if hint else ""
    issues.add(
        f.node("venue"),
        n.join(path, "venue"),
        f"there is no venue with the id '{venue}' in venues.yml; use one of: "
        f"{', '.join(sorted(venue_ids))}.{maybe}",
    )
    return False


def parse_events(
    root: Node, issues: n.Issues, venue_ids: Collection[str] | None, dates: tuple[date, date] | None
) -> list[Event]:
    """Reads ``events.yml``.

    Args:
        root: The composed file.
        issues: Where problems are recorded.
        venue_ids: The venues events may take place at; None skips that check
            (when venues.yml itself could not be read).
        dates: The first and last expo day; None skips the date range check.
    """
    events: list[Event] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(_top_list(root, "events", issues)):
        path = n.join("events", i)
        found = n.read_mapping(item, path, issues, EVENT_FIELDS, EVENT_OPTIONAL)
        if found is None:
            continue
        f = r.Fields(found, path, issues, EVENT_FIELDS)
        event_id = f.get("id", n.read_id)
        if event_id is not None and r.is_duplicate(event_id, f.node("id"), seen, path, issues):
            f.ok = False
        texts = {
            key: f.get(key, n.read_text) for key in ("name", "description", "how_to_join", "price")
        }
        category = f.get("category", n.read_choice, CATEGORIES, "category")
        tags = f.get("tags", _read_tags)
        start, end = f.get("start", n.read_datetime), f.get("end", n.read_datetime)
        venue = f.get("venue", n.read_string, "a venue id")
        capacity = f.get("capacity", n.read_int, 1)
        registration_url = f.get("registration_url", n.read_url)
        aliases = f.get("aliases", r.read_aliases)
        eligibility, bring = f.get("eligibility", n.read_text), f.get("bring", n.read_text)
        photos = f.get("photos", n.read_text)
        notes = f.get("notes", _read_notes)
        f.ok = _check_event_times(start, end, f, dates) and f.ok
        f.ok = _check_venue(venue, venue_ids, f, path, issues) and f.ok
        if f.ok:
            events.append(
                Event(
                    id=event_id,
                    category=category,
                    tags=tags,
                    start=start,
                    end=end,
                    venue=venue,
                    capacity=capacity,
                    registration_url=registration_url,
                    aliases=aliases,
                    eligibility=eligibility,
                    bring=bring,
                    photos=photos,
                    notes=notes or (),
                    **texts,
                )
            )
    return events


def _read_notes(node: Node, path: str, issues: n.Issues) -> tuple[Note, ...] | None:
    """Reads an event's short Q&A: a list of ``{questions: {zh: [...], ko: [...]}, answer}``."""
    items = n.read_sequence(node, path, issues)
    if items is None:
        return None
    notes: list[Note] = []
    for i, item in enumerate(items):
        item_path = n.join(path, i)
        found = n.read_mapping(item, item_path, issues, NOTE_FIELDS)
        if found is None:
            continue
        f = r.Fields(found, item_path, issues, NOTE_FIELDS)
        questions, answer = f.get("questions", n.read_text_list), f.get("answer", n.read_text)
        if f.ok:
            notes.append(Note(questions=questions, answer=answer))
    return tuple(notes) if len(notes) == len(items) else None


def _read_tags(node: Node, path: str, issues: n.Issues) -> tuple[str, ...] | None:
    items = n.read_sequence(node, path, issues)
    if items is None:
        return None
    tags = [
        n.read_choice(item, n.join(path, i), issues, ACTIVITIES, "activity tag")
        for i, item in enumerate(items)
    ]
    for i, tag in enumerate(tags):
        if tag is not None and tag in tags[:i]:
            issues.add(items[i], n.join(path, i), f"the tag '{tag}' is listed twice")
            return None
    return None if None in tags else tuple(str(tag) for tag in tags)


def _check_event_times(
    start: datetime | None, end: datetime | None, f: r.Fields, dates: tuple[date, date] | None
) -> bool:
    ok = True
    if start is not None and end is not None and end <= start:
        f.issues.add(
            f.node("end"),
            n.join(f.path, "end"),
            f"the end {end:%Y-%m-%dT%H:%M} must be after the start {start:%Y-%m-%dT%H:%M}",
        )
        ok = False
    if dates is None:
        return ok
    first = datetime.combine(dates[0] - EVENT_DATE_MARGIN, time(0), local_timezone())
    last = datetime.combine(
        dates[1] + EVENT_DATE_MARGIN + timedelta(days=1), time(0), local_timezone()
    )
    for key, value in (("start", start), ("end", end)):
        if value is not None and not first <= value <= last:
            f.issues.add(
                f.node(key),
                n.join(f.path, key),
                f"{value:%Y-%m-%dT%H:%M} is not during the expo ({dates[0]} to "
                f"{dates[1]} in overview.yml); check the date",
            )
            ok = False
    return ok


def parse_faq(root: Node, issues: n.Issues) -> list[FaqEntry]:
    """Reads ``faq.yml``; a question phrasing may appear in one entry only."""
    entries: list[FaqEntry] = []
    seen: dict[str, int] = {}
    phrasings: dict[str, str] = {}
    for i, item in enumerate(_top_list(root, "faq", issues)):
        path = n.join("faq", i)
        found = n.read_mapping(item, path, issues, FAQ_FIELDS)
        if found is None:
            continue
        f = r.Fields(found, path, issues, FAQ_FIELDS)
        entry_id = f.get("id", n.read_id)
        if entry_id is not None and r.is_duplicate(entry_id, f.node("id"), seen, path, issues):
            f.ok = False
        topic = f.get("topic", n.read_choice, FAQ_TOPICS, "topic")
        questions = f.get("questions", n.read_text_list)
        answer = f.get("answer", n.read_text)
        if questions is not None and not _unique_phrasings(f, phrasings):
            f.ok = False
        if f.ok:
            entries.append(FaqEntry(id=entry_id, topic=topic, questions=questions, answer=answer))
    return entries


def _unique_phrasings(f: r.Fields, phrasings: dict[str, str]) -> bool:
    """Checks that no question phrasing of this entry is already in another entry."""
    ok = True
    questions = f.found["questions"]
    for _, item_path, item in r.text_list_items(questions, n.join(f.path, "questions")):
        key = r.comparable(str(item.value)).rstrip("?？")
        owner = phrasings.setdefault(key, f.path)
        if owner != f.path:
            f.issues.add(
                item,
                item_path,
                f"the question '{str(item.value).strip()}' is also "
                f"in {owner}; keep it in one entry only",
            )
            ok = False
    return ok
