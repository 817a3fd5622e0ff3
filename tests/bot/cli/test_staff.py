"""`bot staff add | list | disable | passwd`: no default account, passwords on stdin only."""

from __future__ import annotations

import io

import pytest

from bot.cli import main
from bot.settings import get_settings
from bot.staff.accounts import open_accounts
from bot.staff.audit import open_audit
from bot.staff.passwords import verify_password


@pytest.fixture(autouse=True)
def own_state(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("KW_STATE_DIR", str(tmp_path))


def _stdin(monkeypatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


def test_add_list_disable_passwd(monkeypatch, capsys) -> None:
    assert main(["staff", "list"]) == 0
    assert "No accounts yet" in capsys.readouterr().out  # no default account
    _stdin(monkeypatch, "a long password\n")
    assert main(["staff", "add", "Park", "--role", "publisher", "--password-stdin"]) == 0
    _stdin(monkeypatch, "another one\n")
    assert main(["staff", "add", "park", "--role", "editor", "--password-stdin"]) == 1
    assert "already an account" in capsys.readouterr().err
    assert main(["staff", "list"]) == 0
    assert "park" in capsys.readouterr().out
    _stdin(monkeypatch, "short\n")
    assert main(["staff", "passwd", "park", "--password-stdin"]) == 1
    _stdin(monkeypatch, "a new long password\n")
    assert main(["staff", "passwd", "park", "--password-stdin"]) == 0
    assert main(["staff", "disable", "park"]) == 0
    assert main(["staff", "disable", "nobody"]) == 1
    account = open_accounts(get_settings()).get("park")
    assert account.disabled and verify_password("a new long password", account.password_hash)
    actions = [entry.action for entry in open_audit(get_settings()).latest(10)]
    assert actions == ["account.disable", "account.passwd", "account.add"]


def test_a_password_is_never_taken_from_the_command_line(monkeypatch, capsys) -> None:
    _stdin(monkeypatch, "")
    assert main(["staff", "add", "lee", "--role", "admin"]) == 1
    assert "--password-stdin" in capsys.readouterr().err
