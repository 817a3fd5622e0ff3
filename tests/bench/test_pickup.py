"""The pickup stage's pure parts: the published entry, the summary, the report section, the targets.

The stage itself starts the assistant and is run by `make bench` (no timing is
asserted here).
"""

from __future__ import annotations

from bench.pickup import MARK, QUESTION, new_answer, summarize, with_new_entry
from bench.report import pickup_section
from bench.targets import pickup_targets
from bot.content.loader import load_content_texts
from tests.support.content import shipped_texts


def test_each_new_entry_is_valid_content_of_its_own_version_asked_by_the_question() -> None:
    shipped = load_content_texts(shipped_texts())
    first = load_content_texts(with_new_entry(shipped_texts(), "a1"))
    second = load_content_texts(with_new_entry(shipped_texts(), "a2"))
    assert len({shipped.version, first.version, second.version}) == 3
    entry = next(e for e in first.faq if e.id == "bench-lost-child-a1")
    assert QUESTION in entry.questions.ko and entry.answer.ko == new_answer("a1")
    assert MARK in new_answer("a1") and not any(
        MARK in e.answer.ko or MARK in e.answer.zh for e in shipped.faq
    )


def test_summary_median_max_and_misses() -> None:
    runs = [{"after_switch_s": v} for v in (0.4, 1.9, 0.2, 0.3)]
    summary = summarize(runs)
    assert summary == {"n": 4, "misses": 0, "median": 0.35, "max": 1.9, "within_target": True}
    missed = summarize([*runs, {"after_switch_s": None}])
    assert missed["misses"] == 1 and missed["median"] == 0.35 and not missed["within_target"]
    assert not summarize([{"after_switch_s": 2.5}])["within_target"]
    assert summarize([])["median"] is None and not summarize([])["within_target"]


def test_report_section_and_targets_per_mode() -> None:
    fast = summarize([{"after_switch_s": 0.3}, {"after_switch_s": 0.5}])
    slow = summarize([{"after_switch_s": 1.0}, {"after_switch_s": 2.4}])
    figures = {
        "pickup": {
            "repeats": 2,
            "target_s": 2.0,
            "load_before": 3.3,
            "embedded": {"publish": fast, "publish_from_call": slow, "restore": fast},
            "skipped": ["redis: Redis did not answer"],
        }
    }
    section = "\n".join(pickup_section(figures))
    assert "## Publish to changed answer" in section
    row = "| embedded (content folder) | from the publish call's return | 2/2 | 0.40 s |"
    assert row in section
    assert "| 2.40 s | **missed** |" in section and "Skipped: redis" in section
    assert "Redis (published version)" not in section and "began: 3.3 on – cores" in section
    embedded, redis = pickup_targets(figures)
    assert embedded["met"] is True and embedded["value"] == 0.5 and redis["met"] is None
    figures["pickup"]["embedded"]["publish"] = summarize([{"after_switch_s": None}])
    assert pickup_targets(figures)[0]["met"] is False
    assert pickup_section({}) == []
