"""`bot ask`: send messages through the trained model and the real actions, print everything."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
from pathlib import Path
from typing import Any

from bot.settings import Settings


def render_answer(result: dict[str, Any]) -> list[str]:
    """The lines `bot ask` prints for one message: parse, language and replies."""
    entities = ", ".join(f"{e['entity']}={e['value']}" for e in result["entities"]) or "-"
    lines = [
        f"intent:     {result['intent']} ({result['confidence']:.2f})",
        f"language:   {result['language']}",
        f"entities:   {entities}",
    ]
    for reply in result["replies"]:
        if "text" in reply:
            lines.append("bot:        " + reply["text"].replace("\n", "\n            "))
        for button in reply.get("buttons") or []:
            lines.append(f"            [{button.get('title')}] → {button.get('payload')}")
        if "custom" in reply:
            lines.append("custom:     " + json.dumps(reply["custom"], ensure_ascii=False))
    return lines


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    """Runs messages through the trained model and the actions, and prints it all."""
    from bot.server.inprocess import ask, load_agent

    model = Path(args.model) if args.model else settings.model
    if not model.exists():
        print(f"error: no trained model at {model}; run `make model` first", file=sys.stderr)
        return 2

    async def run() -> list[dict[str, Any]]:
        agent = await load_agent(model, settings.log_level)
        metadata = {"default_language": args.default_language} if args.default_language else {}
        return [await ask(agent, text, sender=args.sender, metadata=metadata) for text in args.text]

    # Rasa's loggers write to stdout; keep stdout for the answer alone.
    with contextlib.redirect_stdout(sys.stderr):
        results = asyncio.run(run())
    if args.json:
        print(json.dumps(results if len(results) > 1 else results[0], ensure_ascii=False, indent=2))
    else:
        for result in results:
            print(f"> {result['text']}")
            print("\n".join(render_answer(result)))
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Adds `ask` to the `bot` parser."""
    ask = sub.add_parser(
        "ask", help="send one or more messages to the assistant and print the answers"
    )
    ask.add_argument("text", nargs="+", help="message(s); several continue one conversation")
    ask.add_argument("--json", action="store_true", help="print JSON")
    ask.add_argument("--model", help="the trained model (default: $KW_MODEL)")
    ask.add_argument("--sender", default="cli", help="conversation id")
    ask.add_argument(
        "--default-language", choices=["zh", "ko"], help="the channel's default language"
    )
    ask.set_defaults(func=cmd_ask)
