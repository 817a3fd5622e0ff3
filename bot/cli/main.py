"""The `bot` command line: ask the assistant, check and publish content, read reports.

    bot ask "西塔美食节几点开始" [--json]
    bot content check [--dir content]
    bot content publish -m "message" [--dir content] [--author NAME]
    bot content history | diff [VERSION] | rollback [VERSION]
    bot report unanswered [--since 24h] [--csv]
    bot staff add NAME --role editor|publisher|admin --password-stdin
    bot staff list | disable NAME | enable NAME | passwd NAME --password-stdin

Every command gets the settings (bot.settings); a variable with an unusable value
stops the command with one line naming it, and exit status 2.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from bot.cli import ask, content, report, staff
from bot.quiet import quiet_third_party_warnings
from bot.settings import Settings, SettingsError, environment


def build_parser() -> argparse.ArgumentParser:
    """Builds the argument parser of the `bot` command."""
    parser = argparse.ArgumentParser(prog="bot", description="Korea Week Assistant tools")
    sub = parser.add_subparsers(dest="command", required=True)
    ask.add_commands(sub)
    content.add_commands(sub)
    report.add_commands(sub)
    staff.add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `bot` command; returns its exit status."""
    quiet_third_party_warnings()
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env(environment())  # read anew by every call
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    return int(args.func(args, settings))


if __name__ == "__main__":
    sys.exit(main())
