"""`make chat` in a clean terminal: no platform variables set, an answer, no third-party noise."""

from __future__ import annotations

import os
import sys

import pexpect
import pytest

from harness.ports import free_port
from harness.project import FIXED_NOW, ROOT

PLATFORM_PREFIXES = ("WECHAT_", "KAKAO_", "TELEGRAM_")


@pytest.mark.slow
def test_chat_starts_and_answers_in_a_clean_terminal(tmp_path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(PLATFORM_PREFIXES)}
    env.pop("REDIS_URL", None)
    env.update(
        {
            "KW_PORT": str(free_port()),
            "KW_ACTIONS_PORT": str(free_port()),
            "KW_NOW": FIXED_NOW,
            "KW_RUN_DIR": str(tmp_path / "run"),
            "KW_UNANSWERED_FILE": str(tmp_path / "u.jsonl"),
            "TERM": "dumb",
        }
    )
    env.pop("PYTHONWARNINGS", None)
    chat = pexpect.spawn(
        sys.executable,
        ["-m", "bot.server", "--shell"],
        cwd=str(ROOT),
        env=env,
        encoding="utf-8",
        timeout=180,
        dimensions=(40, 200),
    )
    try:
        chat.expect("Your input ->")
        started = chat.before
        chat.sendline("西塔美食节几点开始")
        # The answer gives the opening time first, then the festival's venue. (Its
        # "more" button makes the shell ask for a choice rather than print the prompt.)
        chat.expect("西塔韩国风情街")
        answer = chat.before
    finally:
        chat.sendline("/stop")
        chat.terminate(force=True)
    assert "17:00" in answer
    noise = [
        w
        for w in ("DeprecationWarning", "FutureWarning", "Slot auto-fill", "pkg_resources")
        if w in started
    ]
    assert noise == [], f"third-party warnings shown to the user: {noise}\n{started[-2000:]}"
