"""`bot content check | publish | history | diff | rollback`: staff check and put content live.

``check`` reads the content folder. The others use the content store of the
settings (``bot.content.store.open_store``): with REDIS_URL the versions in Redis
(under KW_REDIS_PREFIX), without it the content folder itself, with versions and
history under KW_STATE_DIR. The staff console uses the same store. Exit codes:
0 done (or nothing to do), 1 refused (content problems, unknown version), 2 not
configured, 3 Redis unreachable.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bot.settings import Settings

if TYPE_CHECKING:
    from bot.content.store import ContentStore, HistoryEntry

EXIT_REFUSED, EXIT_CONFIG, EXIT_REDIS = 1, 2, 3


def _fail(message: str, code: int) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


def author_name(explicit: str | None, settings: Settings) -> str:
    """Who is publishing: --author, else KW_STAFF_NAME, else the operating-system user."""
    if explicit and explicit.strip():
        return explicit.strip()
    if settings.staff_name:
        return settings.staff_name
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def _when(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso


def with_store(command: Callable[..., int]) -> Callable[[argparse.Namespace, Settings], int]:
    """Wraps ``command(args, store, settings)``; Redis and usage problems become exit codes."""

    def run(args: argparse.Namespace, settings: Settings) -> int:
        from redis.exceptions import RedisError

        from bot.content.errors import ContentInvalid
        from bot.content.store import PublishError, open_store

        store = open_store(settings)
        try:
            return command(args, store, settings)
        except PublishError as error:
            return _fail(str(error), EXIT_REFUSED)
        except ContentInvalid as error:  # a stored version that today's checks refuse
            return _fail(f"that version no longer passes the checks; {error}", EXIT_REFUSED)
        except RedisError as error:
            return _fail(
                f"cannot reach Redis at {settings.redis_url}: {error}; nothing was changed",
                EXIT_REDIS,
            )
        except OSError as error:
            return _fail(f"cannot write {error.filename or store.where}: {error}", EXIT_REDIS)

    return run


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    """Checks the content folder and lists every problem with file, line and field."""
    from bot.content import check_content, load_content

    directory = Path(args.dir) if args.dir else settings.content_dir
    problems = check_content(directory)
    if problems:
        for problem in problems:
            print(problem)
        print(
            f"\n{len(problems)} problem(s) in {directory}/ — nothing was changed.", file=sys.stderr
        )
        return EXIT_REFUSED
    content = load_content(directory)
    sample = (
        " (SAMPLE data: replace with the official programme)"
        if content.overview.sample_data
        else ""
    )
    print(
        f"OK{sample}: {len(content.venues)} venues, {len(content.hotels)} hotels, "
        f"{len(content.events)} events, {len(content.faq)} FAQ entries; "
        f"version {content.version[:12]}"
    )
    return 0


def _print_entry(entry: HistoryEntry, verb: str) -> None:
    from bot.content.diff import render_summary

    was = f" (was {entry.parent[:12]})" if entry.parent else " (the first published version)"
    print(f"{verb} version {entry.short}{was} by {entry.author} at {_when(entry.at)}")
    print(f"  message: {entry.message}")
    print(f"  changes: {render_summary(entry.changes)}")
    print("Running action servers switch to it within 2 seconds.")


def cmd_publish(args: argparse.Namespace, store: ContentStore, settings: Settings) -> int:
    """Checks the content folder and makes it the live version."""
    from redis.exceptions import RedisError

    from bot.content.errors import ContentInvalid
    from bot.content.loader import read_content_texts
    from bot.content.store import NothingToDo

    directory = Path(args.dir) if args.dir else settings.content_dir
    if not directory.is_dir():
        return _fail(f"the content folder {directory} does not exist", EXIT_REFUSED)
    texts = read_content_texts(directory)
    if not args.message.strip():
        return _fail('say in a few words what you changed: -m "..."', EXIT_CONFIG)
    try:
        entry = store.publish(texts, author_name(args.author, settings), args.message.strip())
    except ContentInvalid as error:
        for problem in error.errors:
            print(problem)
        try:
            live = store.live_version()
            kept = f"version {live[:12]} stays live" if live else "nothing is live yet"
        except (RedisError, OSError):
            kept = "the live version is unchanged"
        print(
            f"\n{len(error.errors)} problem(s) in {directory}/ — NOT published; {kept}.",
            file=sys.stderr,
        )
        return EXIT_REFUSED
    except NothingToDo as error:
        print(f"Nothing to publish: {error}.")
        return 0
    _print_entry(entry, "Published")
    return 0


def cmd_history(args: argparse.Namespace, store: ContentStore, settings: Settings) -> int:
    """Lists publishes and rollbacks, newest first; * marks the live version."""
    from bot.content.diff import render_summary

    entries = store.history()
    if not entries:
        print("Nothing has been published yet.")
        return 0
    live = store.live_version()
    print(f"  {'version':<12}  {'when':<16}  {'who':<12}  {'action':<8}  message  [changes]")
    for entry in reversed(entries[-args.limit :]):
        mark = "*" if entry is entries[-1] and entry.version == live else " "
        print(
            f"{mark} {entry.short:<12}  {_when(entry.at):<16}  {entry.author[:12]:<12}  "
            f"{entry.action:<8}  {entry.message}  [{render_summary(entry.changes)}]"
        )
    return 0


def cmd_diff(args: argparse.Namespace, store: ContentStore, settings: Settings) -> int:
    """Shows what the live version changes compared to VERSION (default: its parent)."""
    from bot.content.diff import diff_content, render_diff

    live = store.live_version()
    if live is None:
        return _fail("nothing has been published yet", EXIT_REFUSED)
    old: str | None
    if args.version:
        old = store.resolve(args.version)
    else:
        entries = store.history()
        old = entries[-1].parent if entries and entries[-1].version == live else None
        if old is None:
            print(f"Version {live[:12]} is the first published version; nothing to compare.")
            return 0
    lines = render_diff(
        diff_content(store.content(old), store.content(live)), old[:12], f"live ({live[:12]})"
    )
    print("\n".join(lines))
    return 0


def cmd_rollback(args: argparse.Namespace, store: ContentStore, settings: Settings) -> int:
    """Puts an earlier version live again (default: the one live before the current one)."""
    entry = store.rollback(author_name(args.author, settings), args.version, args.message)
    _print_entry(entry, "Rolled back to")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Adds `content check | publish | history | diff | rollback` to the `bot` parser."""
    content = sub.add_parser("content", help="staff content tools")
    content_sub = content.add_subparsers(dest="content_command", required=True)
    check = content_sub.add_parser("check", help="check content/ and list every problem")
    check.add_argument("--dir", help="the content folder (default: $KW_CONTENT_DIR)")
    check.set_defaults(func=cmd_check)
    publish = content_sub.add_parser("publish", help="check content/ and put it live")
    publish.add_argument("-m", "--message", required=True, help="what you changed, in a few words")
    publish.add_argument("--dir", help="the content folder (default: $KW_CONTENT_DIR)")
    publish.add_argument("--author", help="your name (default: $KW_STAFF_NAME or your login)")
    publish.set_defaults(func=with_store(cmd_publish))

    history = content_sub.add_parser("history", help="list published versions, newest first")
    history.add_argument("--limit", type=int, default=20, help="how many entries (default 20)")
    history.set_defaults(func=with_store(cmd_history))

    diff = content_sub.add_parser("diff", help="what the live version changed, per id and field")
    diff.add_argument(
        "version",
        nargs="?",
        help="compare with this version (default: the version before the live one)",
    )
    diff.set_defaults(func=with_store(cmd_diff))

    rollback = content_sub.add_parser("rollback", help="put an earlier version live again")
    rollback.add_argument(
        "version",
        nargs="?",
        help="version id or its first letters (default: the version before the live one)",
    )
    rollback.add_argument("-m", "--message", help="why (default: 'rollback to VERSION')")
    rollback.add_argument("--author", help="your name (default: $KW_STAFF_NAME or your login)")
    rollback.set_defaults(func=with_store(cmd_rollback))
