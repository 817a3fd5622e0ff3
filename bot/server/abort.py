"""A turn whose custom action cannot be run is stopped before Rasa stores it.

Rasa 3.6's ``MessageProcessor._run_action`` logs any exception an action raises,
drops the action's events and carries on; the turn is then saved with the
visitor's message and no answer (and, with idempotent turns, recorded as done).
When the action server dies mid-turn, the visitor's resend of that message was
answered from that record, with no answer again (issue 14: two messages of the
action-server kill were never answered).

Here a failed call to the action server raises ``TurnAborted`` instead. It is a
``BaseException`` on purpose: ``_run_action`` catches ``Exception``, and only an
exception it does not catch stops ``MessageProcessor.handle_message`` before
``save_tracker``. That method then raises ``TurnNotProcessed``, a plain
``Exception``, so every caller (our connectors, Rasa's own channels, the warm-up)
sees an ordinary failure. Rasa's lock is released on the way out (its ``lock``
context manager and ours release in ``finally``); ``channels.common.once`` frees
the turn id's claim, so the message can be processed again, here or on another
replica.

``ActionExecutionRejection`` (a form declining a value) is an answer, not a failure,
and passes through as before.
"""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger(__name__)


class TurnAborted(BaseException):
    """A custom action could not be run; the turn stops before Rasa stores it.

    Args:
        action: The name of the action that failed.
    """

    def __init__(self, action: str) -> None:
        super().__init__(action)
        self.action = action


class TurnNotProcessed(Exception):
    """The turn stopped before it was stored (a custom action failed): it may be sent again.

    Args:
        action: The name of the action that failed.
    """

    def __init__(self, action: str) -> None:
        super().__init__(f"turn stopped before it was stored: {action} failed")
        self.action = action


def install() -> None:
    """Makes a failed custom-action call abort its turn (idempotent)."""
    from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
    from rasa.core.processor import MessageProcessor

    if getattr(RemoteAction.run, "_kw_aborts", False):
        return
    handle_message = MessageProcessor.handle_message

    async def handle(self: Any, message: Any) -> Any:
        aborted: TurnAborted | None = None
        try:
            return await handle_message(self, message)
        except TurnAborted as error:
            aborted = error
        # Raised outside the except block: the action server's connection error in
        # its context would make the guard take it for an outage of Rasa's stores.
        raise TurnNotProcessed(aborted.action)

    MessageProcessor.handle_message = handle
    original = RemoteAction.run

    async def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return await original(self, *args, **kwargs)
        except ActionExecutionRejection:
            raise
        except Exception as error:
            logger.error("Custom action %s failed (%s); turn not stored", self.name(), error)
            raise TurnAborted(self.name()) from error

    run._kw_aborts = True  # type: ignore[attr-defined]
    RemoteAction.run = run
