"""Run the trained model and the real action code in one process.

`bot ask` and the tests need the whole assistant (NLU, policies, custom actions)
without starting an action server. Rasa 3.6 only calls actions over HTTP, through
``EndpointConfig.request``; ``InProcessActionEndpoint`` answers that call with
rasa-sdk's own ``ActionExecutor`` instead, so the action code and the JSON it
exchanges are exactly those of a deployed action server.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rasa.utils.endpoints import EndpointConfig

DEFAULT_MODEL = Path("models/korea-week.tar.gz")


class InProcessActionEndpoint(EndpointConfig):
    """An action endpoint that runs the actions package in this process."""

    def __init__(self, package: str = "actions") -> None:
        super().__init__(url="inprocess://actions")
        from rasa_sdk.executor import ActionExecutor

        self._executor = ActionExecutor()
        self._executor.register_package(package)

    async def request(
        self,
        method: str = "post",
        subpath: str | None = None,
        content_type: str | None = "application/json",
        compress: bool = False,
        **kwargs: Any,
    ) -> Any | None:
        """Runs the requested action; the JSON round trip mirrors the HTTP one."""
        call = json.loads(json.dumps(kwargs["json"]))
        return json.loads(json.dumps(await self._executor.run(call)))


async def load_agent(model: Path = DEFAULT_MODEL, log_level: str = "WARNING") -> Any:
    """Loads a trained model with in-memory stores and in-process actions.

    Args:
        model: Path of the trained model archive.
        log_level: Level of Rasa's structured log (KW_LOG_LEVEL).

    Returns:
        A ready ``rasa.core.agent.Agent``.
    """
    import logging

    from rasa.core.agent import load_agent as rasa_load_agent
    from rasa.utils.log_utils import configure_structlog

    from bot.server.rasa_server import install

    install()  # the same Rasa fixes as the server (bot.server.rasa_server)

    # Outside Rasa's own CLI nothing configures structlog, which then prints every
    # debug line.
    configure_structlog(logging.getLevelName(log_level))
    from rasa.core.utils import AvailableEndpoints

    # Rasa 3.6's load_agent takes the action endpoint only inside AvailableEndpoints;
    # the other endpoints left unset give in-memory tracker and lock stores.
    endpoints = AvailableEndpoints(action=InProcessActionEndpoint())
    return await rasa_load_agent(model_path=str(model), endpoints=endpoints)


async def ask(
    agent: Any, text: str, sender: str = "cli", metadata: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Sends one message through NLU, policies and actions.

    Args:
        agent: A loaded agent (see ``load_agent``).
        text: The visitor's message.
        sender: Conversation id; the same id continues a conversation.
        metadata: Channel metadata (platform, default_language, location…).

    Returns:
        {"intent", "confidence", "language", "entities", "replies"}: the parse of
        the message, the conversation language after it, and the bot's messages.
    """
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    output = CollectingOutputChannel()
    await agent.handle_message(UserMessage(text, output, sender, metadata=metadata or {}))
    tracker = await agent.tracker_store.retrieve(sender)
    parse = tracker.latest_message.parse_data if tracker else {}
    replies: list[dict[str, Any]] = [
        {
            key: value
            for key, value in message.items()
            if key != "recipient_id" and value is not None
        }
        for message in output.messages
    ]
    return {
        "text": text,
        "intent": (parse.get("intent") or {}).get("name"),
        "confidence": round(float((parse.get("intent") or {}).get("confidence") or 0.0), 4),
        "language": tracker.get_slot("language") if tracker else None,
        "entities": [
            {key: entity.get(key) for key in ("entity", "value", "start", "end", "extractor")}
            for entity in parse.get("entities") or []
        ],
        "replies": replies,
    }
