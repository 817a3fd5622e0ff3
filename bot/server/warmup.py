"""Warming a Rasa server up in-process before it reports ready.

A fresh replica's first messages are slow: jieba loads its dictionaries and Kiwi
its model on first use, and the first turn opens the action server's connection.
The fault test (issue 14) saw six visitors wait 4.2–5.5 s on a restarted replica
that ``/ready`` had already let in, because the supervisor's warm-up questions go
through the REST channel only once the server listens. Here the same questions go
through the agent itself as soon as the model is loaded, and the ``warm`` check of
``/ready`` stays false until they have been answered.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

logger = logging.getLogger(__name__)

#: One Chinese and one Korean question: both tokenizers and the action server.
WARM_UP_QUESTIONS = ("今天有什么活动", "입장료 있어요?")
#: How long the warm-up waits for the model before giving up (the server stays unready).
MODEL_WAIT_SECONDS = 600.0


async def warm_up(app: Any) -> None:
    """Answers the warm-up questions through ``app.ctx.agent``, then marks the app warm.

    Args:
        app: The Sanic app Rasa configured; ``app.ctx.kw_warm`` becomes True at the end.
    """
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    agent = await _loaded_agent(app)
    if agent is None:
        logger.warning("Warm-up skipped: no model after %.0f s", MODEL_WAIT_SECONDS)
        return
    for number, text in enumerate(WARM_UP_QUESTIONS):
        message = UserMessage(text, CollectingOutputChannel(), sender_id=f"kw-warm-up-{number}")
        try:
            await agent.handle_message(message)
        except Exception as error:  # noqa: BLE001 - a failed warm-up must not stop serving
            logger.warning("Warm-up question %d failed (%s); serving anyway", number, error)
    from bot.server import lean_memory

    if lean_memory.installed():
        lean_memory.settle()
    app.ctx.kw_warm = True


async def _loaded_agent(app: Any) -> Any:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + MODEL_WAIT_SECONDS
    while loop.time() < deadline:
        agent = getattr(app.ctx, "agent", None)
        if agent is not None and agent.is_ready():
            return agent
        await asyncio.sleep(0.1)
    return None


def warm_check(app: Any) -> Any:
    """A ready check that is true once ``warm_up`` has run on ``app``."""

    def warm() -> bool:
        return bool(getattr(app.ctx, "kw_warm", False))

    return warm
