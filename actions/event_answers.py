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
from actions.coverage import event_source, unknown_words
from actions.faq import compose_no_info
from actions.item_lines import EVENT_ASPECTS, detail_lines, fitting_note
from actions.listing import event_list, group_items, item_line, item_when, paginate
from actions.screen import fit
from bot.content.model import CATEGORIES, Event, FaqEntry
from bot.nlu.dates import TimeWindow
from bot.nlu.language import fold
from bot.nlu.lexicon import related_words

#: Lines of a list the visitor asked for, at once.
LIST_PAGE = 8


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


def narrowed(ask: Ask, selector: EventSelector, window: TimeWindow | None = None) -> EventSelector:
    """Narrows a category or activity to the items whose names hold a word of the question.

    "孩子想学跆拳道，有体验课吗" names taekwondo (the activity) and 体验课, a word of
    one session's name: the children's trial class is meant, not every session.
    Within a time window, only that time's sessions are looked at: "가족 체험" on
    the evening of the kimchi night is its family session, not another night's.
    """
    # Items named in the message stay as named; the sessions talked about may be
    # narrowed ("결선도 시식돼요?" after the gimbap heats and final).
    if (selector.kind == "events" and ask.question.events) or not ask.question.asked:
        return selector
    every = selector.resolve(ask.content)
    events = in_window(every, window) if window is not None else list(every)
    named = [
        e
        for e in events or every
        if any(word in fold(name) for word in ask.question.asked for name in e.names())
    ]
    if named and len(named) < len(every):
        return EventSelector("events", tuple(e.id for e in named))
    return selector


def select(ask: Ask, category: str | None) -> Selection | None:
    """The items asked about and the window that narrows them; None when nothing is."""
    selector = selector_for(ask, category)
    if selector is None:
        return None
    same_subject = selector == ask.context.event
    window = ask.question.window or (ask.context.window if same_subject else None)
    selector = narrowed(ask, selector, window)
    return Selection(selector, selector.resolve(ask.content), window)


def in_window(events: Sequence[Event], window: TimeWindow | None) -> list[Event]:
    """The sessions overlapping a window (all of them without one, or for "what's next")."""
    if window is None or window.upcoming:
        return list(events)
    return [e for e in events if e.start < window.end and e.end > window.start]


def main_session(events: Sequence[Event], ask: Ask) -> Event:
    """The session to detail: the one running now or next, else the last one."""
    return next((e for e in events if e.end > ask.now), events[-1])


def _others(ask: Ask, selection: Selection, main: Event) -> tuple[list[dict], list[str]]:
    """The second message: the other upcoming sessions (daily items once), and the rest."""
    window = selection.window
    if window is not None and not window.upcoming:
        # Within a day asked about, the other sessions of that day ("오늘 forum 있어요?").
        events = in_window(selection.events, window)
        items = [i for i in group_items(events) if main not in i.events]
    else:
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


#: A message longer than this (characters) tells a story around its question
#: ("I'm here on business, I work in cosmetics... when is the beauty forum?"):
#: its other words are not what it asks about.
STORY_CHARS = 40
#: With an aspect asked, only words this long are taken for a second thing asked
#: ("座位图", "배치도"); shorter ones are mostly verbs the tagger took for nouns.
STRONG_WORD = 3


def _unknown_to_items(ask: Ask, events: Sequence[Event]) -> list[str]:
    """The asked words none of the items' texts mention (their stars, lunch, a seat map)."""
    asked = ask.question.asked
    if len(ask.question.text) > STORY_CHARS or fitting_note(ask, events) is not None:
        return []
    if ask.question.aspects:
        # Words with related words are known nouns however short ("학생 할인 있어요?").
        asked = tuple(w for w in asked if len(w) >= STRONG_WORD or related_words(w))
    names = [n for e in events for n in e.names()]
    return unknown_words(asked, event_source(events), names)


def _same_kind_then(ask: Ask, selection: Selection) -> tuple[Selection, list[Event]]:
    """A new day for the item talked about, which is not on then: that day's items of its kind.

    "그 다음 날은요?" after the children's class is the next day's taekwondo.
    Only for a follow-up: an item named in the message is answered about itself.
    """
    q, window = ask.question, selection.window
    if window is None or window.upcoming or q.events or q.activities or not selection.events:
        return selection, []
    category = selection.events[0].category
    then = in_window(ask.content.events_in(category), window)
    if not then:
        return selection, []
    picked = Selection(EventSelector("events", tuple(e.id for e in then)), tuple(then), window)
    return picked, then


def _main(ask: Ask, sessions: Sequence[Event], selection: Selection) -> Event:
    """The session to detail; asked whether it is over, the latest one begun."""
    if "status" in ask.question.aspects and selection.window is None:
        begun = [e for e in sessions if e.start <= ask.now]
        if begun:
            return begun[-1]
    return main_session(sessions, ask)


def _next_line(ask: Ask, main: Event, selection: Selection) -> list[str]:
    """After a session that is over: the next one of its kind, if any."""
    following = next_of_kind(ask, main, selection.events)
    if main.end > ask.now or not following:
        return []
    line = item_line(ask.content, group_items([following[0]])[0], ask.lang, ask.phrases, ask.now)
    return [ask.say("utter_piece_next", item=line)]


def compose_event(ask: Ask, selection: Selection, entry: FaqEntry | None = None) -> Answer:
    """Answers about the selected items.

    Args:
        ask: The question and its context.
        selection: The items and the window.
        entry: An FAQ entry for what the item's own texts do not say; when its
            answer is used, the conversation remembers it ("수신기는 어디서 받아요?"
            after the interpreting answer is asked of that entry).
    """
    fallback = entry.answer.get(ask.lang) if entry is not None else None
    sessions = in_window(selection.events, selection.window)
    context = ask.context.moved_to(topic="event", event=selection.selector, window=selection.window)
    if not selection.events:
        return unknown_item(ask)
    # "상품 뭐 있어요?" asks about prizes, not for the list of sessions.
    listing = "list" in ask.question.aspects and not ask.question.asked
    if listing and "people" not in ask.question.aspects:
        return compose_list(ask, sessions or list(selection.events), context)
    unknown = _unknown_to_items(ask, selection.events)
    if unknown and not (fallback and not unknown_words(unknown, fold(fallback))):
        return Answer(compose_no_info(ask).messages, context, answered=False)
    if not sessions:
        selection, sessions = _same_kind_then(ask, selection)
        context = context.moved_to(event=selection.selector)
    prefix: list[str] = []
    if not sessions:
        prefix.append(ask.say("utter_piece_none_then", when=ask.question.typed_when or ""))
        sessions = [e for e in selection.events if e.end > ask.now] or list(selection.events)
    main = _main(ask, sessions, selection)
    series = next(i for i in group_items(selection.events) if main in i.events)
    when = item_when(
        series if series.daily and not selection.window else group_items([main])[0],
        ask.lang,
        ask.phrases,
    )
    lead, essentials, answered_all = detail_lines(ask, main, when)
    if fallback and (unknown or not answered_all):
        # What only the FAQ knows leads; an aspect the item lacks follows its fields.
        lead = [fallback, *lead] if unknown else [*lead, fallback]
        context = context.moved_to(faq=entry.id if entry is not None else None)
    elif not lead and any(a in EVENT_ASPECTS for a in ask.question.aspects):
        # Asked who speaks or what to bring, and the item does not say.
        return Answer(compose_no_info(ask).messages, context, answered=False)
    over = ask.say("utter_piece_over") if main.end <= ask.now else ""
    head = [*prefix, f"{main.name.get(ask.lang)}{over}"]
    lines = [*lead, *head, *essentials[:-1], *_next_line(ask, main, selection), *essentials[-1:]]
    first = fit(lines, keep=len(lead) + len(head))
    others, rest = _others(ask, selection, main)
    return Answer([text_message(first), *others], context.moved_to(venue=main.venue), more=rest)


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
