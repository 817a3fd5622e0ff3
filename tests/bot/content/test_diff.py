"""Comparing content versions (bot.content.diff) and loading content from file texts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.content import check_content, check_content_texts, load_content_texts, read_content_texts
from bot.content.diff import diff_content, render_diff, render_summary
from tests.support import FIXTURES
from tests.support.content import shipped_texts, with_lost_child, with_replaced

BROKEN = FIXTURES / "content_broken"
CASES = sorted(p.name for p in BROKEN.iterdir() if p.is_dir() and p.name != "_base")


@pytest.fixture(scope="module")
def base():
    return load_content_texts(shipped_texts())


def test_equal_versions_have_no_differences(base) -> None:
    diff = diff_content(base, base)
    assert not diff and render_summary(diff.summary()) == "no changes"
    assert render_diff(diff, "a", "b")[-1] == "  no differences"


def test_changes_are_listed_per_file_id_and_field(base) -> None:
    texts = with_lost_child(shipped_texts())
    texts = with_replaced(texts, "events.yml", "start: 2026-11-28T19:30", "start: 2026-11-28T20:00")
    texts = with_replaced(texts, "events.yml", "tags: [concert, kpop]", "tags: [concert]")
    texts = with_replaced(texts, "overview.yml", "sample_data: true", "sample_data: false")
    new = load_content_texts(texts)
    diff = diff_content(base, new)
    summary = diff.summary()
    assert summary["overview"] == ["sample_data"]
    assert summary["faq"] == {"added": ["lost-child"], "removed": [], "changed": []}
    assert summary["events"]["changed"] == ["friendship-concert"]
    assert render_diff(diff, "old", "new") == [
        "Changes from old to new:",
        "overview.yml",
        "    sample_data:",
        "      was: true",
        "      now: false",
        "events.yml",
        "  ~ friendship-concert  (changed)",
        "      start:",
        "        was: 2026-11-28T19:30",
        "        now: 2026-11-28T20:00",
        "      tags:",
        "        - kpop",
        "faq.yml",
        "  + lost-child  (added)",
    ]
    assert render_summary(diff_content(new, base).summary()) == (
        "overview: sample_data; events: ~friendship-concert; faq: -lost-child"
    )


def test_hotel_changes_are_listed_under_venues_yml(base) -> None:
    texts = with_replaced(
        shipped_texts(), "venues.yml", "  - id: xita_hotel", "  - id: xita_guesthouse"
    )
    new = load_content_texts(texts)
    diff = diff_content(base, new)
    assert diff.summary()["hotels"] == {
        "added": ["xita_guesthouse"],
        "removed": ["xita_hotel"],
        "changed": [],
    }
    assert render_diff(diff, "old", "new")[1:4] == [
        "venues.yml (hotels)",
        "  + xita_guesthouse  (added)",
        "  - xita_hotel  (removed)",
    ]
    assert render_summary(diff.summary()) == "hotels: +xita_guesthouse -xita_hotel"


def test_first_version_summary_counts_instead_of_listing(base) -> None:
    assert render_summary(diff_content(None, base).summary()) == (
        "venues: +7 added; hotels: +north_station_hotel +qingnian_street_hotel "
        "+taiyuan_street_hotel +xita_hotel; events: +30 added; faq: +35 added"
    )


@pytest.mark.parametrize("case", CASES)
def test_texts_are_checked_exactly_like_the_folder(tmp_path: Path, case: str) -> None:
    folder = tmp_path / "content"
    shutil.copytree(BROKEN / "_base", folder)
    for source in (BROKEN / case).iterdir():
        shutil.copy(source, folder / source.name)
    assert check_content_texts(read_content_texts(folder)) == check_content(folder)


def test_a_missing_text_is_reported() -> None:
    texts = shipped_texts()
    del texts["faq.yml"]
    [problem] = check_content_texts(texts)
    assert problem.file == "faq.yml" and "missing" in problem.message
