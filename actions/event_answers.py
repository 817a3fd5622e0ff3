"""Answers about programme items: the session asked about, the asked detail first.

Which items: the ones the message names (by name or alias, or an activity),
else the intent's category, else the ones the conversation is about. Which
session: the one in the asked time window, else the one running now or next;
a past session says it is over and points to the next one. The first message
leads with what was asked (time, place, price, sign-up and link, who may come,
photos, what to bring, the item's own Q&A notes) and then gives the essentials;
it stays within a phone screen. Other sessions follow in a second message, daily
items once, the rest behind a "more" button.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from actions.answering import Answer, Ask, text_message
from actions.context import Context, EventSelector
from actions.coverage import entry_source, event_source, unknown_words
from actions.faq import compose_no_info
from actions.listing import event_list, group_items, item_line, item_when, paginate
from actions.render import format_clock, venue_name
from actions.screen import fit
from bot.content.model import CATEGORIES, Event, FaqEntry
from bot.content.retrieval import FaqIndex
from bot.nlu.dates import TimeWindow
from bot.nlu.language import fold

#: Aspects answered from an event's own fields, in the order they lead an answer.
EVENT_ASPECTS = (
    "when",
    "where",
    "duration",
    "price",
    "register",
    "eligibility",
    "photos",
    "bring",
    "capacity",
)
#: What a question may ask of a programme item: its fields, or the list of its sessions.
ITEM_ASPECTS = (*EVENT_ASPECTS, "list")
#: Lines of a list the visitor asked for, at once.
LIST_PAGE = 8
#: How well a question must match one of an item's notes to be answered by it
#: (``FaqMatch.confidence``; the wrong notes of the tuned conversations scored below 0.16,
#: the right ones above 0.25).
NOTE_THRESHOLD = 0.24


@dataclass(frozen=True)
class Selection:
    """The items a question is about, and the session to detail."""

    selector: EventSelector
    events: tuple[Event, ...]
    window: TimeWindow | None


def selector_for(ask: Ask, category: str | None) -> EventSelector | None:
    """What a question is about: named items or activity, the intent's category, or the context."""
    q = ask.question
    if q.events:
        return EventSelector("events", q.events)
    if q.tags:
        return EventSelector("tag", q.tags)
    if q.categories:
        return EventSelector("category", q.categories[:1])
    if category:
        return EventSelector("category", (category,))
    return ask.context.event


def resolve(ask: Ask, selector: EventSelector) -> tuple[Event, ...]:
    """The sessions a selector stands for, by start time."""
    content = ask.content
    if selector.kind == "events":
        found = [content.event(i) for i in selector.values]
        return tuple(e for e in found if e is not None)
    if selector.kind == "tag":
        return content.events_in(tags=selector.values)
    return content.events_in(category=selector.values[0])


def narrowed(ask: Ask, selector: EventSelector) -> EventSelector:
    """Narrows a category or activity to the items whose names hold a word of the question.

    "孩子想学跆拳道，有体验课吗" names taekwondo (the activity) and 体验课, a word of
    one session's name: the children's trial class is meant, not every session.
    """
    if selector.kind == "events" or not ask.question.asked:
        return selector
    events = resolve(ask, selector)
    named = [
        e
        for e in events
        if any(word in fold(name) for word in ask.question.asked for name in e.names())
    ]
    if named and len(named) < len(events):
        return EventSelector("events", tuple(e.id for e in named))
    return selector


def select(ask: Ask, category: str | None) -> Selection | None:
    """The items asked about and the window that narrows them; None when nothing is."""
    selector = selector_for(ask, category)
    if selector is None:
        return None
    selector = narrowed(ask, selector)
    same_subject = selector == ask.context.event
    window = ask.question.window or (ask.context.window if same_subject else None)
    return Selection(selector, resolve(ask, selector), window)


def in_window(events: Sequence[Event], window: TimeWindow | None) -> list[Event]:
    """The sessions overlapping a window (all of them without one, or for "what's next")."""
    if window is None or window.upcoming:
        return list(events)
    return [e for e in events if e.start < window.end and e.end > window.start]


def main_session(events: Sequence[Event], ask: Ask) -> Event:
    """The session to detail: the one running now or next, else the last one."""
    return next((e for e in events if e.end > ask.now), events[-1])


def _note_index(events: Sequence[Event]) -> FaqIndex | None:
    entries = [
        FaqEntry(f"{event.id}#{n}", "general", note.questions, note.answer)
        for event in events
        for n, note in enumerate(event.notes)
    ]
    return FaqIndex(entries) if entries else None


def fitting_note(ask: Ask, events: Sequence[Event]) -> str | None:
    """The answer of the items' note that fits the question, if one fits well.

    The items' own names are left out of the question first: every note of the
    concert shares "concert" with "which stars come to the concert".
    """
    index = _note_index(events)
    query = fold(ask.question.text)
    for name in sorted({fold(n) for e in events for n in e.names()}, key=len, reverse=True):
        query = query.replace(name, "") if name else query
    if index is None or len(query) < 2:
        return None
    matches = index.search(query, limit=2)
    if not matches or matches[0].confidence < NOTE_THRESHOLD:
        return None
    note = matches[0].entry
    # A note that shares only "有吗"/"있어요" with the question is not its answer.
    if unknown_words(ask.question.asked, entry_source(note)):
        return None
    return note.answer.get(ask.lang)


def _duration(ask: Ask, event: Event) -> str:
    hours = round((event.end - event.start).total_seconds() / 3600, 1)
    return ask.say(
        "utter_piece_duration",
        start=format_clock(event.start),
        end=format_clock(event.end),
        hours=f"{hours:g}",
    )


def aspect_line(ask: Ask, event: Event, aspect: str, when: str) -> str | None:
    """The line answering one aspect from the item's own fields; None when it has none."""
    lang, content = ask.lang, ask.content
    venue = content.venue(event.venue)
    if aspect == "when":
        return ask.say("utter_piece_when", when=when)
    if aspect == "where":
        address = venue.address.get(lang) if venue else ""
        return ask.say(
            "utter_piece_where", venue=venue_name(content, event.venue, lang), address=address
        )
    if aspect == "duration":
        return _duration(ask, event)
    if aspect == "price":
        return ask.say("utter_piece_price", price=event.price.get(lang))
    if aspect == "register":
        return ask.say("utter_piece_join", join=event.how_to_join.get(lang))
    if aspect == "eligibility":
        if event.eligibility is None:
            return ask.say("utter_piece_join", join=event.how_to_join.get(lang))
        return ask.say("utter_piece_who", who=event.eligibility.get(lang))
    if aspect == "photos" and event.photos is not None:
        return ask.say("utter_piece_photos", photos=event.photos.get(lang))
    if aspect == "bring" and event.bring is not None:
        return ask.say("utter_piece_bring", bring=event.bring.get(lang))
    if aspect == "capacity" and event.capacity is not None:
        return ask.say("utter_piece_capacity", capacity=event.capacity)
    return None


def detail_lines(ask: Ask, event: Event, when: str) -> tuple[list[str], list[str], bool]:
    """(lines answering the asked details, essential lines, whether every aspect was answered)."""
    aspects = [a for a in ask.question.aspects if a in EVENT_ASPECTS]
    lead: list[str] = []
    note = fitting_note(ask, [event])
    if note:
        lead.append(note)
    answered_all = True
    for aspect in aspects:
        line = aspect_line(ask, event, aspect, when)
        if line is None:
            answered_all = False
        elif line not in lead:
            lead.append(line)
    if "register" in aspects or "price" in aspects or "eligibility" in aspects:
        if event.registration_url:
            lead.append(ask.say("utter_piece_link", url=event.registration_url))
    essentials = [aspect_line(ask, event, "when", when) or ""]
    if "where" not in aspects:
        place = venue_name(ask.content, event.venue, ask.lang)
        essentials.append(ask.say("utter_piece_venue", venue=place))
    if not aspects and not note:
        essentials += [
            aspect_line(ask, event, "price", when) or "",
            aspect_line(ask, event, "register", when) or "",
        ]
        if event.registration_url:
            essentials.append(ask.say("utter_piece_link", url=event.registration_url))
    # The description often holds the asked detail in passing ("tasting from 18:00");
    # it comes last and is the first line left out when the screen is full.
    essentials.append(event.description.get(ask.lang))
    return lead, [line for line in essentials if line not in lead], answered_all


def _others(ask: Ask, selection: Selection, main: Event) -> tuple[list[dict], list[str]]:
    """The second message: the other upcoming sessions (daily items once), and the rest."""
    if selection.window is not None and not selection.window.upcoming:
        return [], []
    items = [
        i for i in group_items(selection.events) if main not in i.events and not i.over(ask.now)
    ]
    if not items:
        return [], []
    lines = [item_line(ask.content, item, ask.lang, ask.phrases, ask.now) for item in items]
    page = paginate(lines, ask.lang, ask.phrases, size=3)
    header = ask.say("utter_piece_other_sessions")
    return [text_message([header, *page.shown], page.buttons)], page.rest


def next_of_kind(ask: Ask, main: Event, selected: Sequence[Event]) -> list[Event]:
    """The sessions after ``main`` still to come: of the selection, else of its activity.

    A visitor who named the gimbap contest's heats, now over, is pointed to the final.
    """
    later = [e for e in selected if e.start > main.start and e.end > ask.now]
    if later:
        return later
    kinds = [tag for tag in main.tags if tag not in CATEGORIES and tag != "night_market"]
    related = ask.content.events_in(main.category, kinds) if kinds else ()
    return [
        e
        for e in related or ask.content.events_in(main.category)
        if e.start > main.start and e.end > ask.now
    ]


def compose_event(ask: Ask, selection: Selection, fallback: str | None = None) -> Answer:
    """Answers about the selected items.

    Args:
        ask: The question and its context.
        selection: The items and the window.
        fallback: An answer line (e.g. from the FAQ) for an aspect the item has no field for.
    """
    sessions = in_window(selection.events, selection.window)
    context = ask.context.moved_to(topic="event", event=selection.selector, window=selection.window)
    if not selection.events:
        return unknown_item(ask)
    details = [a for a in ask.question.aspects if a != "list"]
    if not details and fitting_note(ask, selection.events) is None:
        names = [n for e in selection.events for n in e.names()]
        if unknown_words(ask.question.asked, event_source(selection.events), names):
            # It asks about something the items' texts never mention (their stars, lunch).
            answer = compose_no_info(ask)
            return Answer(answer.messages, context, answered=False)
    if "list" in ask.question.aspects:
        return compose_list(ask, sessions or list(selection.events), context)
    prefix: list[str] = []
    if not sessions:
        label = ask.question.typed_when or ""
        prefix.append(ask.say("utter_piece_none_then", when=label))
        sessions = [e for e in selection.events if e.end > ask.now] or list(selection.events)
    main = main_session(sessions, ask)
    series = next(i for i in group_items(selection.events) if main in i.events)
    when = (
        item_when(series, ask.lang, ask.phrases)
        if series.daily and not selection.window
        else item_when(group_items([main])[0], ask.lang, ask.phrases)
    )
    over = ask.say("utter_piece_over") if main.end <= ask.now else ""
    lead, essentials, answered_all = detail_lines(ask, main, when)
    if not answered_all and fallback:
        lead.append(fallback)
    head = [*prefix, f"{main.name.get(ask.lang)}{over}"]
    following = next_of_kind(ask, main, selection.events)
    tail = []
    if over and following:
        tail.append(
            ask.say(
                "utter_piece_next",
                item=item_line(
                    ask.content, group_items([following[0]])[0], ask.lang, ask.phrases, ask.now
                ),
            )
        )
    lines = [*lead, *head, *essentials[:-1], *tail, *essentials[-1:]]
    first = fit(lines, keep=len(lead) + len(head))
    others, rest = _others(ask, selection, main)
    venue = main.venue
    return Answer([text_message(first), *others], context.moved_to(venue=venue), more=rest)


def compose_list(ask: Ask, events: Sequence[Event], context: Context) -> Answer:
    """Every session of the items, daily items once, past ones marked, a page at a time."""
    lines = event_list(ask.content, events, ask.lang, ask.phrases, ask.now)
    page = paginate(lines, ask.lang, ask.phrases, size=LIST_PAGE)
    header = ask.say("utter_piece_list_header", count=len(lines))
    return Answer([text_message([header, *page.shown], page.buttons)], context, more=page.rest)


def unknown_item(ask: Ask) -> Answer:
    """The named activity is not on the programme: say so and show what is on."""
    upcoming = [e for e in ask.content.events if e.end > ask.now] or list(ask.content.events)
    lines = event_list(ask.content, upcoming, ask.lang, ask.phrases, ask.now)
    page = paginate(lines, ask.lang, ask.phrases)
    message: dict[str, Any] = {"response": "utter_activity_unknown", "items": "\n".join(page.shown)}
    if page.buttons:
        message["buttons"] = page.buttons
    return Answer([message], ask.context, answered=False, more=page.rest)
