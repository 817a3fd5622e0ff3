"""Tests for loading and checking the content folder (bot.content.loader).

The broken samples in ``fixtures/content_broken`` mark every line that must be
reported with ``# expect: FIELD``; see the README there.
"""

# Test names say what each test checks; they need no docstrings.

from __future__ import annotations

import re
import shutil
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.content import (
    ACTIVITIES,
    CATEGORIES,
    FAQ_TOPICS,
    VENUE_IDS,
    ContentInvalid,
    check_content,
    load_content,
    local_timezone,
)
from bot.content.__main__ import main
from harness.project import ROOT
from tests.support import FIXTURES

CONTENT = ROOT / "content"
BROKEN = FIXTURES / "content_broken"
CASES = sorted(p.name for p in BROKEN.iterdir() if p.is_dir() and p.name != "_base")
FILES = ("overview.yml", "venues.yml", "events.yml", "faq.yml")
_EXPECT = re.compile(r"#\s*expect:\s*(.+?)\s*$")


def build_case(tmp_path: Path, case: str | None = None) -> Path:
    """Copies the valid base content, then the broken files of ``case`` over it."""
    target = tmp_path / "content"
    shutil.copytree(BROKEN / "_base", target)
    for source in (BROKEN / case).iterdir() if case else ():
        shutil.copy(source, target / source.name)
    return target


def expected_problems(case: str) -> set[tuple[str, int, str]]:
    """Reads the ``# expect:`` marks of a broken case as (file, line, field)."""
    expected = set()
    for source in (BROKEN / case).glob("*.yml"):
        lines = source.read_bytes().decode("utf-8", errors="replace").split("\n")
        for number, line in enumerate(lines, start=1):
            match = _EXPECT.search(line)
            for field in match.group(1).split(",") if match else ():
                field = field.strip()
                expected.add((source.name, number, "" if field == "<file>" else field))
    return expected


@pytest.fixture(scope="module")
def shipped():
    return load_content(CONTENT)


# --- the shipped sample content ---------------------------------------------------------


def test_shipped_content_has_no_problems() -> None:
    assert check_content(CONTENT) == []


def test_shipped_content_is_marked_as_sample(shipped) -> None:
    assert shipped.overview.sample_data is True
    assert shipped.overview.notice is not None
    for name in FILES:
        head = (CONTENT / name).read_text(encoding="utf-8").split("\n", 3)
        assert head[0].startswith("#") and "SAMPLE" in head[1], name
    assert (shipped.overview.start, shipped.overview.end) == (date(2026, 11, 26), date(2026, 12, 2))


def test_shipped_venues_are_the_design_venues_in_shenyang(shipped) -> None:
    assert set(shipped.venues) == set(VENUE_IDS)
    for venue in shipped.venues.values():
        assert 41.6 <= venue.location.lat <= 41.95, venue.id
        assert 123.2 <= venue.location.lon <= 123.6, venue.id
        assert venue.parking is not None, venue.id
        assert venue.aliases is not None and venue.aliases.zh and venue.aliases.ko, venue.id


def test_shipped_hotels_lead_to_the_main_venues(shipped) -> None:
    assert 3 <= len(shipped.hotels) <= 4
    main = {"expo_center", "xita", "forum_hotel", "gymnasium"}
    for hotel in shipped.hotels:
        assert 41.6 <= hotel.location.lat <= 41.95, hotel.id
        assert main <= {route.venue for route in hotel.routes}, hotel.id
        assert hotel.aliases is not None, hotel.id
    near = " ".join(hotel.name.zh + hotel.address.zh for hotel in shipped.hotels)
    assert "北站" in near and "青年大街" in near


def test_shipped_events_have_aliases_and_the_details_visitors_ask(shipped) -> None:
    for event in shipped.events:
        assert event.aliases is not None and event.aliases.zh and event.aliases.ko, event.id
    by_id = {event.id: event for event in shipped.events}
    opening = by_id["opening-ceremony"]
    assert "开幕式" in opening.aliases.zh and opening.eligibility is not None  # type: ignore[union-attr]
    assert "旅游推介会" in by_id["tourism-promotion"].aliases.zh  # type: ignore[union-attr]
    assert "자매도시 언론 대화" in by_id["forum-trade-media-dialogue"].aliases.ko  # type: ignore[union-attr]
    trial = by_id["taekwondo-kids-trial"]
    assert trial.registration_url and trial.eligibility and trial.bring
    assert "5" in trial.eligibility.zh and "12" in trial.eligibility.zh
    assert "闪光" in by_id["friendship-concert"].photos.zh  # type: ignore[union-attr]
    assert all(by_id[e].photos for e in by_id if e.startswith("silk-road-exhibition"))
    for gimbap in ("food-festival-1127", "food-festival-1201"):
        event = by_id[gimbap]
        assert event.eligibility and len(event.notes) >= 3, gimbap
    assert by_id["food-festival-1127"].registration_url
    food = " ".join(note.answer.zh for e in shipped.events_in("food_festival") for note in e.notes)
    assert "清真" in food and "素食" in food


def test_shipped_events_cover_the_whole_plan(shipped) -> None:
    events = shipped.events
    assert 25 <= len(events) <= 35
    assert {e.category for e in events} == set(CATEGORIES)
    assert set().union(*(e.tags for e in events)) == set(ACTIVITIES)
    assert len({e.tags for e in events if e.category == "forum"} - {("forum", "forum_trade")}) == 4
    assert len(shipped.events_in("taekwondo")) >= 3
    tz = local_timezone()
    for offset in range(7):
        day = date(2026, 11, 26) + timedelta(days=offset)
        today = shipped.events_on(day)
        evening = datetime.combine(day, time(19), tz)
        assert any(
            e.category == "food_festival"
            and e.venue == "xita"
            and "night_market" in e.tags
            and e.start <= evening < e.end
            for e in today
        ), day
        assert any(e.category == "exhibition" and e.venue == "museum" for e in today), day


def test_shipped_faq_is_complete(shipped) -> None:
    faq = shipped.faq
    assert len(faq) >= 30
    assert {entry.topic for entry in faq} == set(FAQ_TOPICS)
    for entry in faq:
        assert len(entry.questions.zh) >= 3 and len(entry.questions.ko) >= 3, entry.id
    tourism = " ".join(entry.answer.zh for entry in shipped.faq_about("tourism"))
    for place in ("沈阳故宫", "张氏帅府", "北陵公园", "中街", "西塔", "棋盘山"):
        assert place in tourism
    contact = " ".join(entry.answer.zh for entry in shipped.faq_about("contact"))
    for needle in ("024-0000-0000", "kw@example.org", "110", "120", "119", "总领事馆"):
        assert needle in contact


# --- broken content -----------------------------------------------------------------------


def test_base_of_the_broken_samples_is_valid() -> None:
    assert check_content(BROKEN / "_base") == []


def test_every_kind_of_mistake_has_a_broken_sample() -> None:
    assert {
        "missing_ko",
        "bad_time",
        "end_before_start",
        "unknown_venue",
        "duplicate_id",
        "yaml_syntax",
        "wrong_type",
        "non_utf8",
        "multiple",
        "bad_event_details",
        "bad_hotels",
    } <= set(CASES)


@pytest.mark.parametrize("case", CASES)
def test_broken_sample_reports_exactly_the_marked_problems(tmp_path: Path, case: str) -> None:
    expected = expected_problems(case)
    assert expected, f"{case} marks no problem"
    errors = check_content(build_case(tmp_path, case))
    assert {(e.file, e.line, e.field) for e in errors} == expected
    assert all(e.message for e in errors)


@pytest.mark.parametrize(
    ("case", "field", "words"),
    [
        ("missing_ko", "events[0].name.ko", "Korean text (ko) is missing"),
        ("bad_time", "events[0].start", "like 2026-11-27T17:00"),
        ("end_before_start", "events[0].end", "must be after the start"),
        ("unknown_venue", "events[0].venue", "Did you mean 'expo_center'?"),
        ("duplicate_id", "events[1].id", "already used on line 3"),
        ("yaml_syntax", "", "put the whole text in double quotes"),
        ("wrong_type", "events[0].tags", "must be a list"),
        ("non_utf8", "", "Save it again as UTF-8"),
        ("multiple", "events[0].description", "'!!python/object/apply:os.system' is not allowed"),
        ("multiple", "venues[1].id", "single underscores, like 'city_hall'"),
        ("bad_event_details", "events[0].aliases.zh[2]", "'开幕' is listed twice"),
        ("bad_event_details", "events[0].eligibility", "needs a Chinese and a Korean text"),
        ("bad_event_details", "events[0].bring.ko", "Korean text (ko) is missing"),
        ("bad_event_details", "events[1].notes[0].answer", "'answer' is missing"),
        ("bad_event_details", "events[1].notes[1].questions.ko[0]", "ko[0] is empty"),
        ("bad_event_details", "events[2].notes", "must be a list"),
        ("bad_hotels", "venues[0].aliases", "needs a Chinese and a Korean text"),
        ("bad_hotels", "hotels[0].id", "'xita' is already the id of a venue"),
        ("bad_hotels", "hotels[1].id", "single underscores"),
        ("bad_hotels", "hotels[1].location.lat", "outside the Shenyang area"),
        ("bad_hotels", "hotels[1].routes.expo_centre", "Did you mean 'expo_center'?"),
        ("bad_hotels", "hotels[2].routes", "routes is empty"),
        ("bad_hotels", "hotels[3].id", "already used on line"),
        ("bad_hotels", "hotels[3].routes.xita", "'xita' is written twice"),
    ],
)
def test_messages_are_plain_words(tmp_path: Path, case: str, field: str, words: str) -> None:
    errors = check_content(build_case(tmp_path, case))
    assert any(e.field == field and words in e.message for e in errors), errors


def test_optional_fields_are_read_into_the_model(tmp_path: Path) -> None:
    content = load_content(build_case(tmp_path))
    xita = content.venues["xita"]
    assert xita.aliases is not None and xita.aliases.ko == ("서탑", "시타 거리")
    assert xita.parking is not None and xita.parking.get("ko") == "주차 어려움"
    assert content.venues["expo_center"].aliases is None
    assert content.venues["expo_center"].parking is None
    [hotel] = content.hotels
    assert hotel.id == "forum_hotel_area" and hotel.names()[:3] == (
        "青年大街酒店",
        "칭녠다제 호텔",
        "青年大街",
    )
    assert [route.venue for route in hotel.routes] == ["xita", "expo_center"]
    assert content.route("forum_hotel_area", "xita").zh == "打车15分钟"  # type: ignore[union-attr]
    food = content.event("food-festival-1126")
    assert food is not None and food.aliases is not None and "西塔美食节" in food.names()
    assert (food.eligibility.zh, food.bring.ko, food.photos.zh) == (  # type: ignore[union-attr]
        "不限年龄",
        "현금이나 모바일 결제",
        "可以拍照",
    )
    [note] = food.notes
    assert note.questions.get("ko") == ("할랄 음식 있어요?",) and note.answer.zh == "有清真摊位"
    opening = content.event("opening-ceremony")
    assert opening is not None and opening.notes == () and opening.photos is None


def test_a_new_venue_id_needs_no_code_change(tmp_path: Path) -> None:
    folder = build_case(tmp_path)
    venues = folder / "venues.yml"
    text = venues.read_text(encoding="utf-8")
    xita = text[text.index("  - id: xita") : text.index("hotels:")]
    venues.write_text(
        text.replace("hotels:", xita.replace("id: xita", "id: city_hall_2") + "hotels:"),
        encoding="utf-8",
    )
    events = folder / "events.yml"
    events.write_text(
        events.read_text(encoding="utf-8").replace("venue: xita", "venue: city_hall_2"),
        encoding="utf-8",
    )
    content = load_content(folder)
    assert "city_hall_2" in content.venues
    assert content.event("food-festival-1126").venue == "city_hall_2"  # type: ignore[union-attr]


def test_faq_questions_with_an_extra_language_are_reported_not_crashed(tmp_path: Path) -> None:
    folder = build_case(tmp_path)
    faq = folder / "faq.yml"
    faq.write_text(
        faq.read_text(encoding="utf-8").replace(
            '      ko: ["와이파이 있어요?"]', '      ko: ["와이파이 있어요?"]\n      en: wifi?'
        ),
        encoding="utf-8",
    )
    errors = check_content(folder)
    assert [(e.file, e.line, e.field) for e in errors] == [("faq.yml", 8, "faq[0].questions.en")]


def test_load_content_raises_with_all_problems_of_all_files(tmp_path: Path) -> None:
    folder = build_case(tmp_path, "multiple")
    with pytest.raises(ContentInvalid) as raised:
        load_content(folder)
    errors = raised.value.errors
    assert list(errors) == check_content(folder)
    assert [e.file for e in errors] == sorted((e.file for e in errors), key=FILES.index)
    assert {e.file for e in errors} == set(FILES)
    report = str(raised.value)
    assert report.startswith(f"{len(errors)} problems in the content files:")
    assert "events.yml:7: events[0].strat: unknown field 'strat'" in report


def test_missing_file_is_reported_and_other_files_still_checked(tmp_path: Path) -> None:
    folder = build_case(tmp_path, "unknown_venue")
    (folder / "faq.yml").unlink()
    problems = [(e.file, e.line, e.field) for e in check_content(folder)]
    assert problems == [
        ("events.yml", 9, "events[0].venue"),
        ("events.yml", 19, "events[1].venue"),
        ("faq.yml", None, ""),
    ]


def test_missing_folder_is_reported(tmp_path: Path) -> None:
    errors = check_content(tmp_path / "nowhere")
    assert len(errors) == 1 and "does not exist" in errors[0].message


def test_empty_file_is_reported(tmp_path: Path) -> None:
    folder = build_case(tmp_path)
    (folder / "venues.yml").write_text("# nothing yet\n", encoding="utf-8")
    errors = check_content(folder)
    assert [(e.file, e.message) for e in errors] == [("venues.yml", "the file is empty")]


def test_events_are_not_blamed_when_venues_file_is_unreadable(tmp_path: Path) -> None:
    folder = build_case(tmp_path)
    (folder / "venues.yml").write_text("venues:\n  - id: xita\n   name: x\n", encoding="utf-8")
    errors = check_content(folder)
    assert [(e.file, e.line) for e in errors] == [("venues.yml", 3)]


def test_tab_indentation_gets_a_hint(tmp_path: Path) -> None:
    folder = build_case(tmp_path)
    (folder / "faq.yml").write_text("faq:\n\t- id: wifi\n", encoding="utf-8")
    errors = check_content(folder)
    assert [(e.file, e.line) for e in errors] == [("faq.yml", 2)]
    assert "Tab key" in errors[0].message


def test_invisible_line_separator_is_reported(tmp_path: Path) -> None:
    folder = build_case(tmp_path)
    path = folder / "faq.yml"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[7] = lines[7].replace("有", "\u2028有", 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    errors = check_content(folder)
    assert [(e.file, e.line) for e in errors] == [("faq.yml", 8)]


def test_utf8_with_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    folder = build_case(tmp_path)
    path = folder / "events.yml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert check_content(folder) == []


def test_quoted_numbers_and_true_false_are_accepted(tmp_path: Path) -> None:
    folder = build_case(tmp_path)
    for name, old, new in (
        ("venues.yml", "lat: 41.7165", 'lat: "41.7165"'),
        ("events.yml", "capacity: 500", "capacity: '500'"),
        ("overview.yml", "sample_data: true", 'sample_data: "True"'),
    ):
        path = folder / name
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    content = load_content(folder)
    assert content.venues["expo_center"].location.lat == 41.7165
    assert content.events[-1].capacity == 500
    assert content.overview.sample_data is True


# --- version ------------------------------------------------------------------------------


def test_version_is_stable_across_loads_comments_and_event_order(tmp_path: Path) -> None:
    folder = build_case(tmp_path)
    version = load_content(folder).version
    assert load_content(folder).version == version
    path = folder / "events.yml"
    head, first, second = path.read_text(encoding="utf-8").split("  - id: ")
    path.write_text(f"{head}  # staff note\n  - id: {second}  - id: {first}", encoding="utf-8")
    assert [e.id for e in load_content(folder).events] == ["opening-ceremony", "food-festival-1126"]
    assert load_content(folder).version == version


def test_version_changes_when_a_value_changes(tmp_path: Path) -> None:
    folder = build_case(tmp_path)
    version = load_content(folder).version
    path = folder / "events.yml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("ko: 음식축제", "ko: 음식 축제"), encoding="utf-8"
    )
    assert load_content(folder).version != version


# --- command line -------------------------------------------------------------------------


def test_command_line_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(CONTENT)]) == 0
    assert capsys.readouterr().out.startswith("OK (SAMPLE data): 7 venues, 4 hotels, ")
    assert main([str(build_case(tmp_path, "end_before_start"))]) == 1
    assert "events.yml:8: events[0].end: the end" in capsys.readouterr().out
    assert main(["a", "b"]) == 2
