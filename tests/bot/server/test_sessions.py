"""The session helpers give what Rasa's own give, without rebuilding every session."""

from __future__ import annotations

import pytest
from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker, get_trackers_for_conversation_sessions

from bot.server.sessions import (
    last_session,
    latest_session_length,
    latest_sessions,
    merged,
    session_starts,
)


def session(day: int, turns: int = 2, clock: list[float] | None = None) -> list[Event]:
    """One conversation session: its start, then ``turns`` question-and-answer turns."""
    clock = clock if clock is not None else [float(day * 1000)]
    events: list[Event] = [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        SlotSet("language", "zh"),
        ActionExecuted("action_listen"),
    ]
    for index in range(turns):
        events += [
            UserUttered(f"第{day}天 问题{index}", {"name": "ask_schedule", "confidence": 0.9}),
            BotUttered(f"第{day}天 回答{index}"),
            ActionExecuted("action_listen"),
        ]
    for event in events:
        clock[0] += 1.0
        event.timestamp = clock[0]
    return events


def tracker_of(events: list[Event], domain: Domain) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("visitor", events, domain.slots)


def texts(tracker: DialogueStateTracker) -> list[str]:
    return [e.text for e in tracker.events if isinstance(e, UserUttered)]


@pytest.mark.parametrize("days", [0, 1, 2, 3])
def test_sessions_are_found_where_rasa_splits_them(days: int, domain: Domain) -> None:
    events = [ActionExecuted("action_listen")] if days == 0 else []
    for day in range(days):
        events += session(day)
    tracker = tracker_of(events, domain)
    rasa = get_trackers_for_conversation_sessions(tracker)
    assert len(session_starts(events)) == len(rasa)
    assert texts(last_session(tracker)) == texts(rasa[-1])
    assert latest_session_length(tracker) == len(rasa[-1].events)
    for keep in (1, 2):
        expected = [t for s in rasa[-keep:] for t in texts(s)]
        assert texts(latest_sessions(tracker, keep)) == expected


def test_a_new_turn_merges_as_rasa_merges(domain: Domain) -> None:
    clock = [0.0]
    stored = session(0, clock=clock) + session(1, clock=clock)
    prior = tracker_of(stored, domain)
    latest = last_session(prior)  # what Rasa's processor gets from retrieve()
    latest.update(UserUttered("后天呢？", {"name": "ask_schedule", "confidence": 0.9}))
    ours = merged(prior, latest)
    assert texts(ours) == texts(RedisTrackerStore._merge_trackers(prior, latest))
    assert texts(ours) == ["第0天 问题0", "第0天 问题1", "第1天 问题0", "第1天 问题1", "后天呢？"]


def test_one_session_is_kept_as_it_is(domain: Domain) -> None:
    prior = tracker_of(session(0), domain)
    latest = last_session(prior)
    latest.update(BotUttered("再见"))
    assert merged(prior, latest) is latest
    assert merged(None, latest) is latest


def test_a_tracker_that_is_not_the_stored_one_goes_rasas_way(domain: Domain) -> None:
    prior = tracker_of(session(0), domain)
    other = tracker_of(session(5, turns=1), domain)  # e.g. replaced through Rasa's HTTP API
    ours = merged(prior, other)
    assert texts(ours) == texts(RedisTrackerStore._merge_trackers(prior, other))
    assert "第0天 问题0" in texts(ours) and "第5天 问题0" in texts(ours)
