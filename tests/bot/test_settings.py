"""The settings: every variable read in one place, checked, and documented in docs/deploy.md."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest

from bot.settings import RateLimit, Settings, SettingsError, variables_table
from harness.project import ROOT


def test_defaults_need_no_environment() -> None:
    settings = Settings.from_env({})
    assert settings.content_dir == Path("content") and settings.redis_url is None
    assert settings.redis_prefix == "kw:" and settings.limit() == RateLimit(20, 60.0)
    assert (settings.port, settings.actions_port, settings.log_level) == (5005, 5055, "WARNING")


def test_blank_variables_count_as_unset_and_values_are_stripped() -> None:
    settings = Settings.from_env({"REDIS_URL": "  ", "KW_MAX_ITEMS": " 5 "})
    assert settings.redis_url is None and settings.max_items == 5


def test_the_fixed_clock_is_shanghai_time() -> None:
    now = Settings.from_env({"KW_NOW": "2026-11-27T10:00"}).current_time()
    assert now == datetime.fromisoformat("2026-11-27T10:00+08:00")


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("KW_MAX_ITEMS", "0"),
        ("KW_MAX_ITEMS", "many"),
        ("KW_REDIS_PREFIX", "other:"),
        ("KW_RATE_LIMIT", "twenty"),
        ("KW_NOW", "tomorrow"),
        ("KW_LOG_LEVEL", "LOUD"),
        ("REDIS_URL", "http://127.0.0.1:6379"),
        ("KW_PORT", "70000"),
    ],
)
def test_an_unusable_value_is_refused_naming_its_variable(variable: str, value: str) -> None:
    with pytest.raises(SettingsError, match=variable):
        Settings.from_env({variable: value})


def test_deploy_guide_shows_every_variable_as_the_settings_define_it() -> None:
    guide = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    shown = re.search(
        r"<!-- settings table: start -->\n(.*?)<!-- settings table: end -->", guide, re.S
    )
    assert shown, "docs/deploy.md lost its settings table markers"
    assert shown.group(1).strip().splitlines() == variables_table()


def test_no_module_reads_the_environment_but_the_settings() -> None:
    readers = []
    for package in ("bot", "actions", "channels"):
        for path in (ROOT / package).rglob("*.py"):
            # Setting a default for a library (TF_CPP_MIN_LOG_LEVEL) is not reading a setting.
            text = re.sub(r"os\.environ\.setdefault\(", "", path.read_text(encoding="utf-8"))
            if re.search(r"os\.environ|os\.getenv", text) and path.name != "settings.py":
                readers.append(str(path.relative_to(ROOT)))
    assert readers == []
