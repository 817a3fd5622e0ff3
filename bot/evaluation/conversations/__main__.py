"""``python -m bot.evaluation.conversations``: play the visitor set and print how it went.

    python -m bot.evaluation.conversations                 # both parts: the table
    python -m bot.evaluation.conversations --failures      # and every wrong turn of the tuned part
    python -m bot.evaluation.conversations --only food-zh  # the conversations whose id starts so

The untouched part is counted but its failures are not printed unless
``--show-untouched`` is given: it is kept out of tuning.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from pathlib import Path

from bot.evaluation.conversations.model import PARTS, load_set
from bot.evaluation.conversations.player import play_all
from bot.evaluation.conversations.report import render_failures, render_table
from bot.quiet import quiet_third_party_warnings
from bot.settings import get_settings

SET = Path("tests/conversations")


def main(argv: list[str] | None = None) -> int:
    """Plays the set; returns 0 (the figures are the output, not a verdict)."""
    quiet_third_party_warnings()
    parser = argparse.ArgumentParser(prog="python -m bot.evaluation.conversations")
    parser.add_argument("--set", type=Path, default=SET, help="folder of the set")
    parser.add_argument("--part", choices=PARTS, action="append", help="only this part")
    parser.add_argument("--only", help="only conversations whose id starts with this")
    parser.add_argument("--failures", action="store_true", help="print every wrong turn")
    parser.add_argument(
        "--show-untouched", action="store_true", help="also print the untouched part's failures"
    )
    args = parser.parse_args(argv)
    conversations = load_set(args.set, args.part or PARTS)
    if args.only:
        conversations = [c for c in conversations if c.id.startswith(args.only)]

    async def run() -> list:
        from bot.server.inprocess import load_agent

        agent = await load_agent(get_settings().model, get_settings().log_level)
        return await play_all(agent, conversations)

    with contextlib.redirect_stdout(sys.stderr):
        results = asyncio.run(run())
    print("\n".join(render_table(results)))
    if args.failures:
        shown = [r for r in results if r.conversation.part == "tuned" or args.show_untouched]
        print("\n".join(render_failures(shown)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
