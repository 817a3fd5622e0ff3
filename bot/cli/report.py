"""`bot report unanswered`: what visitors asked that the bot could not answer, grouped.

Reads the unanswered-questions log (Redis with REDIS_URL, else KW_UNANSWERED_FILE),
groups similar questions and prints them most frequent first, or as CSV.
"""

from __future__ import annotations

import argparse
import sys
import time

from bot.settings import Settings


def cmd_report_unanswered(args: argparse.Namespace, settings: Settings) -> int:
    """Prints the grouped unanswered questions of the last ``--since``."""
    from redis.exceptions import RedisError

    from bot.unanswered.log import open_log
    from bot.unanswered.report import group_questions, parse_since, render_table, write_csv

    try:
        window = parse_since(args.since)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    log = open_log(
        settings.redis_url,
        settings.redis_prefix,
        max(settings.redis_timeout, 2.0),
        settings.unanswered_days,
        settings.unanswered_file,
        settings.hash_salt,
    )
    try:
        records = log.since(time.time() - window)
    except (RedisError, OSError) as error:
        where = settings.redis_url or settings.unanswered_file
        print(f"error: cannot read the unanswered questions from {where}: {error}", file=sys.stderr)
        return 3
    groups = group_questions(records, args.threshold)
    if args.csv:
        write_csv(groups, sys.stdout)
        return 0
    source = "Redis" if settings.redis_url else str(settings.unanswered_file)
    print(
        f"{len(records)} unanswered or unsure question(s) in the last {args.since} "
        f"({source}), in {len(groups)} group(s), most frequent first:"
    )
    if groups:
        print("\n".join(render_table(groups)))
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Adds `report unanswered` to the `bot` parser."""
    from bot.unanswered.report import CLUSTER_THRESHOLD

    report = sub.add_parser("report", help="reports for staff")
    report_sub = report.add_subparsers(dest="report_command", required=True)
    unanswered = report_sub.add_parser(
        "unanswered", help="questions the bot could not answer (or was unsure about), grouped"
    )
    unanswered.add_argument(
        "--since", default="24h", help="how far back: 30m, 24h, 7d, 2w (default 24h)"
    )
    unanswered.add_argument("--csv", action="store_true", help="print CSV (for a spreadsheet)")
    unanswered.add_argument(
        "--threshold",
        type=float,
        default=CLUSTER_THRESHOLD,
        help=f"similarity to group questions (default {CLUSTER_THRESHOLD})",
    )
    unanswered.set_defaults(func=cmd_report_unanswered)
