"""`bot content publish | history | diff | rollback` (bot.cli, bot.cli.content)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.cli import main
from bot.content.store import RedisContentStore
from harness.project import ROOT
from tests.support.content import (
    shipped_texts,
    with_lost_child,
    with_replaced,
    write_content,
)
from tests.support.redis import REDIS_URL


@pytest.fixture
def redis_mode(monkeypatch, redis_prefix):
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    monkeypatch.setenv("KW_REDIS_PREFIX", redis_prefix)
    monkeypatch.delenv("KW_STAFF_NAME", raising=False)
    return redis_prefix


def test_publish_history_diff_rollback(redis_mode, redis_client, tmp_path, capsys, monkeypatch):
    base = write_content(tmp_path / "base", shipped_texts())
    changed = write_content(
        tmp_path / "changed",
        with_replaced(
            with_lost_child(shipped_texts()), "faq.yml", "        - 无线网密码是多少\n", ""
        ),
    )
    assert (
        main(["content", "publish", "-m", "sample programme", "--dir", str(base), "--author", "Li"])
        == 0
    )
    first = capsys.readouterr().out
    assert "the first published version" in first and "by Li" in first
    monkeypatch.setenv("KW_STAFF_NAME", "Kim")
    assert main(["content", "publish", "-m", "lost child point", "--dir", str(changed)]) == 0
    assert "faq: +lost-child ~wifi" in capsys.readouterr().out

    assert main(["content", "history"]) == 0
    history = capsys.readouterr().out.splitlines()
    assert history[1].startswith("* ") and "Kim" in history[1] and "lost child point" in history[1]
    assert "Li" in history[2] and "sample programme" in history[2]

    assert main(["content", "diff"]) == 0
    diff = capsys.readouterr().out
    assert "+ lost-child  (added)" in diff and "~ wifi  (changed)" in diff
    assert "questions.zh:" in diff and "- 无线网密码是多少" in diff

    store = RedisContentStore(redis_client, redis_mode)
    old, new = (entry.version for entry in store.history())
    assert main(["content", "diff", old[:7]]) == 0
    assert "+ lost-child" in capsys.readouterr().out

    assert main(["content", "rollback"]) == 0
    assert "Rolled back to version " + old[:12] in capsys.readouterr().out
    assert store.live_version() == old
    assert (
        main(["content", "rollback", new[:8], "-m", "lost child is back", "--author", "Park"]) == 0
    )
    assert store.live_version() == new
    assert [(e.action, e.author) for e in store.history()] == [
        ("publish", "Li"),
        ("publish", "Kim"),
        ("rollback", "Kim"),
        ("rollback", "Park"),
    ]


def test_invalid_content_is_refused_and_every_problem_listed(redis_mode, tmp_path, capsys) -> None:
    assert (
        main(
            [
                "content",
                "publish",
                "-m",
                "good",
                "--dir",
                str(write_content(tmp_path / "good", shipped_texts())),
            ]
        )
        == 0
    )
    capsys.readouterr()
    broken = with_replaced(
        shipped_texts(), "events.yml", "start: 2026-11-28T19:30", "start: 2026-11-28 19:30"
    )
    broken = with_replaced(
        broken, "faq.yml", "      ko: 대부분 무료입니다.", "      kor: 대부분 무료입니다."
    )
    assert (
        main(
            [
                "content",
                "publish",
                "-m",
                "bad",
                "--dir",
                str(write_content(tmp_path / "bad", broken)),
            ]
        )
        == 1
    )
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    concert_start = broken["events.yml"].split("\n").index("    start: 2026-11-28 19:30") + 1
    assert any(
        line.startswith(f"events.yml:{concert_start}: events[14].start:") for line in lines
    ), lines
    assert any(line.startswith("faq.yml:") and "answer.ko" in line for line in lines), lines
    assert "NOT published" in captured.err and "stays live" in captured.err
    assert main(["content", "history"]) == 0
    assert "bad" not in capsys.readouterr().out


def test_without_redis_publishing_rewrites_the_content_folder_with_history(
    monkeypatch, tmp_path, capsys
) -> None:
    live = write_content(tmp_path / "content", shipped_texts())
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("KW_CONTENT_DIR", str(live))
    monkeypatch.setenv("KW_STATE_DIR", str(tmp_path / "var"))
    changed = write_content(tmp_path / "changed", with_lost_child(shipped_texts()))
    assert main(["content", "publish", "-m", "x"]) == 0
    assert "Nothing to publish" in capsys.readouterr().out
    assert (
        main(["content", "publish", "-m", "lost child", "--dir", str(changed), "--author", "Li"])
        == 0
    )
    assert "faq: +lost-child" in capsys.readouterr().out
    assert (live / "faq.yml").read_text(encoding="utf-8") == with_lost_child(shipped_texts())[
        "faq.yml"
    ]
    assert main(["content", "history"]) == 0
    assert "lost child" in capsys.readouterr().out
    assert main(["content", "diff"]) == 0
    assert "+ lost-child  (added)" in capsys.readouterr().out
    assert main(["content", "rollback", "--author", "Kim"]) == 0
    assert "lost-child" not in (live / "faq.yml").read_text(encoding="utf-8")
    assert (tmp_path / "var" / "content" / "history.jsonl").read_text(encoding="utf-8").count(
        "\n"
    ) == 2


def test_unreachable_redis_is_reported(monkeypatch, capsys) -> None:
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setenv("KW_REDIS_PREFIX", "kw:test:unreachable:")
    assert main(["content", "history"]) == 3
    assert "cannot reach Redis" in capsys.readouterr().err


def test_unknown_version_is_refused(redis_mode, capsys) -> None:
    assert main(["content", "rollback", "deadbeef"]) == 1
    assert "no published version starts with deadbeef" in capsys.readouterr().err


def test_bot_command_runs_as_a_program(redis_mode, tmp_path) -> None:
    env = {
        "REDIS_URL": REDIS_URL,
        "KW_REDIS_PREFIX": redis_mode,
        "KW_STAFF_NAME": "Choi",
        "PATH": "/usr/bin:/bin",
        "PYTHONIOENCODING": "utf-8",
    }
    directory = write_content(tmp_path / "c", shipped_texts())
    command = [
        sys.executable,
        "-m",
        "bot.cli",
        "content",
        "publish",
        "-m",
        "from a shell",
        "--dir",
        str(directory),
    ]
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, encoding="utf-8", timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "by Choi" in done.stdout
    history = subprocess.run(
        [sys.executable, "-m", "bot.cli", "content", "history"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        encoding="utf-8",
        timeout=60,
    )
    assert history.returncode == 0 and "from a shell" in history.stdout
