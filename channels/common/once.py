"""Each message processed once per turn id, its retries answered from the record.

``once`` wraps Rasa's handler for a connector. A message whose ``message_id`` is
a turn id (``bot.server.replay``) is claimed before Rasa sees it:

- a stored turn is not processed again: its replies are sent to the message's
  output channel (``replay=True``), or ``TurnDone`` is raised for a connector
  that already delivered them (Telegram sends as Rasa produces);
- a turn still running elsewhere after ``wait`` seconds raises ``TurnInProgress``;
- a claimed turn is processed with its lease renewed, and freed if processing
  fails, so a retry processes it;
- when the ledger cannot be read, ``TurnUnknown`` (``strict``) or processing
  without a record (a rare duplicate beats silence).

A message without a turn id is handed to Rasa as before. A turn that Rasa stopped
before storing it (``TurnNotProcessed``, from ``bot.server.abort``: a custom action
could not be run) has its claim freed like any failed turn, so a resend or a
retry on another replica processes it once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from rasa.core.channels.channel import UserMessage

from bot.server.replay import Claimed, Running, TurnLedger, is_turn_id, processing
from channels.common.runner import OnNewMessage

logger = logging.getLogger(__name__)


class TurnDone(Exception):
    """The message's turn was processed before; its replies were delivered then."""


class TurnInProgress(Exception):
    """The message's turn is still being processed (by this or another server)."""


class TurnUnknown(Exception):
    """Whether the message's turn was processed cannot be told (the ledger failed)."""


def once(
    on_new_message: OnNewMessage,
    ledger: Callable[[], TurnLedger],
    wait: float = 0.0,
    replay: bool = True,
    strict: bool = False,
) -> OnNewMessage:
    """Wraps Rasa's handler so each turn id is processed once.

    Args:
        on_new_message: Rasa's handler.
        ledger: Gives the turn ledger (created lazily, in the server's loop).
        wait: Seconds to wait for a running turn to finish.
        replay: Send a stored turn's replies again (else raise ``TurnDone``).
        strict: Raise ``TurnUnknown`` when the ledger fails (else process).

    Returns:
        The wrapped handler.
    """

    async def handle(message: UserMessage) -> None:
        turn_id = message.message_id
        if not is_turn_id(turn_id):
            await on_new_message(message)
            return
        failure: Exception | None = None
        try:
            claim = await ledger().claim(turn_id, wait)
        except Exception as error:  # noqa: BLE001 - sorted below, outside this block
            failure = error
        if failure is not None:
            # Raised outside the except block: no Redis error in its context, so the
            # guard does not mistake it for an outage of Rasa's stores.
            logger.error("Turn ledger failed for %s: %s", turn_id, failure)
            if strict:
                raise TurnUnknown(str(failure))
            await on_new_message(message)
            return
        if isinstance(claim, Claimed):
            async with processing(ledger(), claim):
                await on_new_message(message)
            return
        if isinstance(claim, Running):
            raise TurnInProgress(turn_id)
        if not replay or claim.replies is None:
            raise TurnDone(turn_id)
        logger.info("Turn %s answered from its record", turn_id)
        for reply in claim.replies:
            await message.output_channel.send_response(message.sender_id, dict(reply))

    return handle
