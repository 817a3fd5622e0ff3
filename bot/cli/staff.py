"""`bot staff add | list | disable | enable | passwd`: accounts for the staff console.

Passwords are read from standard input (``--password-stdin``: the first line),
never from the command line, where other users could see them. Accounts are kept
where the settings say (Redis with REDIS_URL, else ``KW_STATE_DIR``); every change
is written to the audit log as ``shell:<login>``. Exit codes: 0 done, 1 refused
(name taken, unknown account, weak password), 3 Redis or the file unreachable.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from datetime import datetime

from bot.settings import Settings

EXIT_REFUSED, EXIT_STORE = 1, 3


def _fail(message: str, code: int) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


def _operator() -> str:
    try:
        return f"shell:{getpass.getuser()}"
    except (OSError, KeyError):
        return "shell"


def _read_password(args: argparse.Namespace) -> str:
    if not args.password_stdin:
        raise ValueError("give the password on standard input with --password-stdin")
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


def _guarded(command: Callable[[argparse.Namespace, Settings], int]) -> Callable[..., int]:
    def run(args: argparse.Namespace, settings: Settings) -> int:
        from redis.exceptions import RedisError

        from bot.staff.accounts import AccountError

        try:
            return command(args, settings)
        except (AccountError, ValueError) as error:
            return _fail(str(error), EXIT_REFUSED)
        except (RedisError, OSError) as error:
            return _fail(
                f"cannot reach the account store: {error}; nothing was changed", EXIT_STORE
            )

    return run


def cmd_add(args: argparse.Namespace, settings: Settings) -> int:
    """Creates an account with a role and a password from standard input."""
    from bot.staff.accounts import Account, check_name, check_role, open_accounts
    from bot.staff.audit import AuditEntry, open_audit
    from bot.staff.passwords import hash_password

    name, role = check_name(args.name), check_role(args.role)
    password_hash = hash_password(_read_password(args))
    now = datetime.now().astimezone().isoformat("T", "seconds")
    open_accounts(settings).create(
        Account(name, role, password_hash, args.language, False, now, now)
    )
    open_audit(settings).add(AuditEntry.now(_operator(), "account.add", name, role))
    print(f"Account {name} ({role}) created.")
    return 0


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    """Lists accounts: name, role, language, state, last change."""
    from bot.staff.accounts import open_accounts

    accounts = open_accounts(settings).all()
    if not accounts:
        print(
            "No accounts yet: create one with `bot staff add NAME --role admin --password-stdin`."
        )
        return 0
    print(f"{'name':<20} {'role':<10} {'lang':<4} {'state':<9} changed")
    for account in accounts:
        state = "disabled" if account.disabled else "active"
        columns = f"{account.name:<20} {account.role:<10} {account.language:<4} {state:<9}"
        print(f"{columns} {account.changed_at}")
    return 0


def _change(settings: Settings, name: str, action: str, **changes: object) -> None:
    from bot.staff.accounts import UnknownAccount, check_name, open_accounts
    from bot.staff.audit import AuditEntry, open_audit

    store = open_accounts(settings)
    account = store.get(check_name(name))
    if account is None:
        raise UnknownAccount(f"there is no account named {name}")
    store.put(account.with_changes(**changes))
    open_audit(settings).add(AuditEntry.now(_operator(), action, account.name))


def cmd_disable(args: argparse.Namespace, settings: Settings) -> int:
    """Disables an account: it can no longer log in, and its open sessions end."""
    _change(settings, args.name, "account.disable", disabled=True)
    print(f"Account {args.name.lower()} disabled.")
    return 0


def cmd_enable(args: argparse.Namespace, settings: Settings) -> int:
    """Enables a disabled account again."""
    _change(settings, args.name, "account.enable", disabled=False)
    print(f"Account {args.name.lower()} enabled.")
    return 0


def cmd_passwd(args: argparse.Namespace, settings: Settings) -> int:
    """Sets a new password, read from standard input."""
    from bot.staff.passwords import hash_password

    _change(
        settings, args.name, "account.passwd", password_hash=hash_password(_read_password(args))
    )
    print(f"Password of {args.name.lower()} changed.")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Adds `staff add | list | disable | enable | passwd` to the `bot` parser."""
    from bot.staff.accounts import LANGUAGES, ROLES

    staff = sub.add_parser("staff", help="accounts for the staff console")
    staff_sub = staff.add_subparsers(dest="staff_command", required=True)
    add = staff_sub.add_parser("add", help="create an account (password on standard input)")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--language", default="zh", choices=LANGUAGES, help="console language")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    add.set_defaults(func=_guarded(cmd_add))
    listing = staff_sub.add_parser("list", help="list the accounts")
    listing.set_defaults(func=_guarded(cmd_list))
    for verb, command, text in (
        ("disable", cmd_disable, "stop an account from logging in"),
        ("enable", cmd_enable, "let a disabled account log in again"),
    ):
        parser = staff_sub.add_parser(verb, help=text)
        parser.add_argument("name")
        parser.set_defaults(func=_guarded(command))
    passwd = staff_sub.add_parser("passwd", help="set a new password (on standard input)")
    passwd.add_argument("name")
    passwd.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin"
    )
    passwd.set_defaults(func=_guarded(cmd_passwd))
