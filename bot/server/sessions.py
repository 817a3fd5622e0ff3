"""What a tracker store keeps of a conversation: its latest sessions, for a while. Pure.

Shared by the Redis store (``bot.server.tracker_store``) and the in-process one
(``bot.server.memory_store``), so both modes forget and keep alike.
"""

from __future__ import annotations

from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker, get_trackers_for_conversation_sessions

#: A day: a visitor who comes back the next morning is still remembered.
DEFAULT_RECORD_EXP = 24 * 3600
#: The current conversation session and the one before it.
DEFAULT_MAX_SESSIONS = 2


def store_options(record_exp: float | str, max_sessions: int | str) -> tuple[int, int]:
    """Checks a store's ``record_exp`` (seconds) and ``max_sessions`` from endpoints.yml.

    Raises:
        ValueError: When ``record_exp`` is under 60 s or ``max_sessions`` under 1.
    """
    seconds = int(float(record_exp))
    if seconds < 60:
        raise ValueError(f"tracker store: record_exp must be 60 s or more, not {record_exp!r}")
    sessions = int(max_sessions)
    if sessions < 1:
        raise ValueError(f"tracker store: max_sessions must be 1 or more, not {max_sessions!r}")
    return seconds, sessions


def merged(
    prior: DialogueStateTracker | None, tracker: DialogueStateTracker
) -> DialogueStateTracker:
    """``tracker`` (Rasa hands stores the latest session only) after the ``prior`` stored one."""
    if prior is None:
        return tracker
    return RedisTrackerStore._merge_trackers(prior, tracker)


def latest_sessions(tracker: DialogueStateTracker, max_sessions: int) -> DialogueStateTracker:
    """The tracker cut down to its last ``max_sessions`` conversation sessions.

    Rasa reads only the last session; slots carry over into a new one, so a
    visitor who keeps coming back does not grow the stored conversation without
    bound.
    """
    sessions = get_trackers_for_conversation_sessions(tracker)
    if len(sessions) <= max_sessions:
        return tracker
    events = [event for session in sessions[-max_sessions:] for event in session.events]
    return DialogueStateTracker.from_events(
        tracker.sender_id,
        events,
        tracker.slots.values(),
        sender_source=tracker.sender_source,
        max_event_history=tracker._max_event_history,
    )


def last_session(tracker: DialogueStateTracker) -> DialogueStateTracker:
    """The conversation's latest session, which is what Rasa's ``retrieve`` returns."""
    sessions = get_trackers_for_conversation_sessions(tracker)
    return sessions[-1] if len(sessions) > 1 else tracker
