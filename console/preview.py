"""The preview: the real assistant (same model, same action code) answering from the draft.

The model is loaded on the first preview, not at start (it takes seconds and a
gigabyte). It runs on an event loop of its own, in a background thread, so Rasa's
blocking work never stalls the console's pages; each question is handed over
with ``run_coroutine_threadsafe``. While a question is answered, the actions read
the draft's content (``bot.content.preview``) instead of the live content, and
nothing is recorded as an unanswered question or counted as usage.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from bot.content import preview
from bot.content.model import Content

logger = logging.getLogger(__name__)


class PreviewUnavailable(Exception):
    """The assistant could not be loaded for the preview (no model, …)."""


class PreviewAgent:
    """Loads the assistant once, on first use, and asks it questions against a draft.

    Args:
        model: The trained model archive.
        log_level: Rasa's log level.
    """

    def __init__(self, model: Path, log_level: str = "WARNING") -> None:
        self._model = Path(model)
        self._log_level = log_level
        self._loop: asyncio.AbstractEventLoop | None = None
        self._agent: Future[Any] | None = None
        self._lock = threading.Lock()

    def _start(self) -> Future[Any]:
        with self._lock:
            if self._agent is None:
                if not self._model.is_file():
                    raise PreviewUnavailable(f"no trained model at {self._model}")
                loop = asyncio.new_event_loop()
                threading.Thread(target=loop.run_forever, name="kw-preview", daemon=True).start()
                self._loop = loop
                self._agent = asyncio.run_coroutine_threadsafe(self._load(), loop)
            return self._agent

    async def _load(self) -> Any:
        from bot.server.inprocess import load_agent

        return await load_agent(self._model, self._log_level)

    async def ask(self, content: Content, text: str, sender: str, lang: str) -> dict[str, Any]:
        """The assistant's answer to ``text``, with the actions reading ``content``.

        Args:
            content: The draft, checked.
            text: The question.
            sender: The preview conversation's id.
            lang: The language the visitor's platform defaults to.

        Raises:
            PreviewUnavailable: When the assistant cannot be loaded.
        """
        try:
            agent = await asyncio.wrap_future(self._start())
        except PreviewUnavailable:
            raise
        except Exception as error:  # noqa: BLE001 - whatever Rasa raised while loading
            logger.exception("the preview could not load the assistant")
            raise PreviewUnavailable(str(error)) from error
        assert self._loop is not None
        metadata = {"platform": "preview", "default_language": lang}
        future = asyncio.run_coroutine_threadsafe(
            _ask_with(agent, content, text, sender, metadata), self._loop
        )
        return await asyncio.wrap_future(future)


async def _ask_with(
    agent: Any, content: Content, text: str, sender: str, metadata: dict[str, Any]
) -> dict[str, Any]:
    from bot.server.inprocess import ask

    with preview.answering_from(content):
        return await ask(agent, text, sender=sender, metadata=metadata)
