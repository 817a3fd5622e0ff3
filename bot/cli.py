"""The `bot` command line: ask the assistant, check and publish content, read reports.

    bot ask "西塔美食节几点开始" [--json]
    bot content check [--dir content]
    bot content publish -m "message" [--dir content] [--author NAME]
    bot content history | diff [VERSION] | rollback [VERSION]
    bot report unanswered [--since 24h] [--csv]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from bot import cli_content, cli_report


def _print_answer(result: Dict[str, Any]) -> None:
    print(f"intent:     {result['intent']} ({result['confidence']:.2f})")
    print(f"language:   {result['language']}")
    entities = ", ".join(f"{e['entity']}={e['value']}" for e in result["entities"]) or "-"
    print(f"entities:   {entities}")
    for reply in result["replies"]:
        if "text" in reply:
            print("bot:        " + reply["text"].replace("\n", "\n            "))
        for button in reply.get("buttons") or []:
            print(f"            [{button.get('title')}] → {button.get('payload')}")
        if "custom" in reply:
            print("custom:     " + json.dumps(reply["custom"], ensure_ascii=False))


def cmd_ask(args: argparse.Namespace) -> int:
    """Runs one message through the trained model and the actions, and prints it all."""
    from bot.inprocess import ask, load_agent

    model = Path(args.model)
    if not model.exists():
        print(f"error: no trained model at {model}; run `make model` first", file=sys.stderr)
        return 2

    async def run() -> List[Dict[str, Any]]:
        agent = await load_agent(model)
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
            _print_answer(result)
    return 0


def cmd_content_check(args: argparse.Namespace) -> int:
    """Checks the content folder and lists every problem with file, line and field."""
    from bot.content import check_content, load_content

    directory = Path(args.dir)
    problems = check_content(directory)
    if problems:
        for problem in problems:
            print(problem)
        print(f"\n{len(problems)} problem(s) in {directory}/ — nothing was changed.", file=sys.stderr)
        return 1
    content = load_content(directory)
    sample = " (SAMPLE data: replace with the official programme)" if content.overview.sample_data else ""
    print(f"OK{sample}: {len(content.venues)} venues, {len(content.events)} events, "
          f"{len(content.faq)} FAQ entries; version {content.version[:12]}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Builds the argument parser of the `bot` command."""
    parser = argparse.ArgumentParser(prog="bot", description="Korea Week Assistant tools")
    sub = parser.add_subparsers(dest="command", required=True)

    ask = sub.add_parser("ask", help="send one or more messages to the assistant and print the answers")
    ask.add_argument("text", nargs="+", help="message(s); several continue one conversation")
    ask.add_argument("--json", action="store_true", help="print JSON")
    ask.add_argument("--model", default=os.environ.get("KW_MODEL", "models/korea-week.tar.gz"))
    ask.add_argument("--sender", default="cli", help="conversation id")
    ask.add_argument("--default-language", choices=["zh", "ko"], help="the channel's default language")
    ask.set_defaults(func=cmd_ask)

    content = sub.add_parser("content", help="staff content tools")
    content_sub = content.add_subparsers(dest="content_command", required=True)
    check = content_sub.add_parser("check", help="check content/ and list every problem")
    check.add_argument("--dir", default=os.environ.get("KW_CONTENT_DIR", "content"))
    check.set_defaults(func=cmd_content_check)
    cli_content.add_commands(content_sub, os.environ.get("KW_CONTENT_DIR", "content"))
    cli_report.add_commands(sub)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Entry point of the `bot` command."""
    logging.basicConfig(level=os.environ.get("KW_LOG_LEVEL", "WARNING"),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
