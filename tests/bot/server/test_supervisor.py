"""The `make run` supervisor refuses to start on invalid content or a half-configured channel."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from harness.project import ROOT


def run(env_extra: dict, timeout: int = 60) -> subprocess.CompletedProcess:
    env = {**os.environ, **env_extra}
    return subprocess.run(
        [sys.executable, "-m", "bot.server"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_refuses_to_start_on_invalid_content(tmp_path: Path) -> None:
    broken = tmp_path / "content"
    shutil.copytree(ROOT / "content", broken)
    venues = broken / "venues.yml"
    venues.write_text(
        venues.read_text(encoding="utf-8").replace("id: xita", "id: xita\n    bogus_key: 1", 1),
        encoding="utf-8",
    )
    done = run({"KW_CONTENT_DIR": str(broken)})
    assert done.returncode == 1
    assert "Refusing to start" in done.stderr and "venues.yml:" in done.stderr


def test_refuses_a_half_configured_channel() -> None:
    done = run({"TELEGRAM_TOKEN": "123:abc", "TELEGRAM_SECRET_TOKEN": ""}, 60)
    assert done.returncode == 1
    assert "TELEGRAM_SECRET_TOKEN" in done.stderr


def test_refuses_a_missing_endpoints_file_instead_of_running_on_memory_stores(
    tmp_path: Path,
) -> None:
    done = run({"KW_ENDPOINTS": str(tmp_path / "nowhere.yml")})
    assert done.returncode == 1
    assert "endpoints file" in done.stderr and "nowhere.yml" in done.stderr


def test_refuses_to_start_outside_the_repository_root(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "bot.server"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "repository root" in done.stderr
