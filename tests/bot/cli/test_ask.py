"""The `bot` command line: content check and ask."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

from bot.cli import main
from harness.project import MODEL, ROOT
from tests.support.agent import assert_language


def test_content_check_passes_on_the_shipped_content(capsys) -> None:
    assert main(["content", "check", "--dir", str(ROOT / "content")]) == 0
    assert capsys.readouterr().out.startswith("OK")


def test_content_check_reports_file_line_and_field(tmp_path: Path, capsys) -> None:
    broken = tmp_path / "content"
    shutil.copytree(ROOT / "content", broken)
    events = broken / "events.yml"
    lines = events.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if line.strip().startswith("start:"))
    lines[number] = lines[number].split("start:")[0] + "start: 2026-11-27 17:00"
    events.write_text("\n".join(lines) + "\n", encoding="utf-8")

    assert main(["content", "check", "--dir", str(broken)]) == 1
    out = capsys.readouterr().out
    assert f"events.yml:{number + 1}:" in out and ".start" in out


def test_ask_prints_json_with_intent_language_and_replies() -> None:
    assert MODEL.exists(), "make test trains the model before running pytest"
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "ask", "--json", "西塔美食节几点开始"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={"KW_NOW": "2026-11-27T10:00", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert result["intent"] == "ask_food_festival" and result["language"] == "zh"
    assert result["replies"] and all(r.get("text") for r in result["replies"])
    assert_language(result["replies"][0]["text"], "zh")
    noise = [w for w in ("Warning:", "Slot auto-fill", "pkg_resources") if w in done.stderr]
    assert noise == [], f"third-party warnings shown before the answer: {done.stderr[-1500:]}"
