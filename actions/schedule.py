"""Answers "what is on": a day, a part of a day, what comes next, or the full agenda."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import asked_window, reply_language
from actions.content import get_content
from actions.render import event_lines, format_date_range, format_day
from actions.unanswered import note_unanswered
from bot.content.model import Content, Event
from bot.nlu.dates import TZ, TimeWindow
from bot.settings import get_settings


def window_label(window: TimeWindow, typed: str | None, lang: str) -> str:
    """Names the window for the reply: the visitor's own words plus the date."""
    if window.days > 1:
        last = (window.end - timedelta(microseconds=1)).date()
        span = format_date_range(window.start.date(), last, lang)
    else:
        span = format_day(window.start.date(), lang)
    return f"{typed} ({span})" if typed and typed.strip() not in span else span


def agenda_by_day(content: Content, lang: str) -> str:
    """One line per programme day listing that day's events by name."""
    days: dict[date, list[Event]] = {}
    for event in content.events:
        if event.end - event.start <= timedelta(days=1):
            days.setdefault(event.start.date(), []).append(event)
    lines = []
    for day in sorted(days):
        separator = "、" if lang == "zh" else ", "
        lines.append(
            f"• {format_day(day, lang)}: {separator.join(e.name.get(lang) for e in days[day])}"
        )
    return "\n".join(lines)


def nearest_events(content: Content, moment: datetime, limit: int) -> list[Event]:
    """The events starting at or after ``moment``; if none, the last ones before it."""
    upcoming = [e for e in content.events if e.start >= moment]
    return upcoming[:limit] if upcoming else list(content.events[-limit:])


class ActionAnswerSchedule(Action):
    """Answers ask_schedule from the programme in content/events.yml."""

    def name(self) -> str:
        """Returns the action name used in domain.yml."""
        return "action_answer_schedule"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Sends the events of the asked window, what comes next, or the agenda."""
        note_unanswered(tracker)
        lang = reply_language(tracker)
        content = get_content()
        now = get_settings().current_time()
        limit = get_settings().max_items
        overview = content.overview
        dates = format_date_range(overview.start, overview.end, lang)
        window = asked_window(tracker, now)

        if window is None:
            if now.date() > overview.end:
                dispatcher.utter_message(response="utter_schedule_over", dates=dates)
            else:
                dispatcher.utter_message(
                    response="utter_schedule_overall",
                    dates=dates,
                    items=agenda_by_day(content, lang),
                )
            return []

        if window.upcoming:
            events = [e for e in content.events if e.end > window.start][:limit]
            if events:
                dispatcher.utter_message(
                    response="utter_schedule_next", items=event_lines(content, events, lang, limit)
                )
            else:
                dispatcher.utter_message(response="utter_schedule_over", dates=dates)
            return []

        typed = next(
            (
                e.get("value")
                for e in tracker.latest_message.get("entities") or []
                if e.get("entity") == "date"
            ),
            None,
        )
        label = window_label(window, typed, lang)
        events = list(content.events_between(window.start, window.end))
        if events:
            dispatcher.utter_message(
                response="utter_schedule_day",
                when=label,
                items=event_lines(content, events, lang, limit, with_day=window.days > 1),
            )
        else:
            nearby = nearest_events(content, max(window.start, now.astimezone(TZ)), 3)
            dispatcher.utter_message(
                response="utter_schedule_empty",
                when=label,
                items=event_lines(content, nearby, lang, 3),
            )
        return []
