"""The lean stage's pure parts: medians, the report section and the two targets."""

from bench.lean import faster_by, section, summary
from bench.targets import MB, lean_targets


def _figures() -> dict:
    runs = {
        "before": [
            {"rasa_first_answer_s": 10.0, "rss": 900 * MB, "peak": 950 * MB, "rasa_cpu_ms": 40.0},
            {"rasa_first_answer_s": 12.0, "rss": 910 * MB, "peak": 960 * MB, "rasa_cpu_ms": 42.0},
            {"rasa_first_answer_s": 11.0, "rss": 905 * MB, "peak": 955 * MB, "rasa_cpu_ms": 41.0},
        ],
        "after": [
            {"rasa_first_answer_s": 6.0, "rss": 540 * MB, "peak": 560 * MB, "rasa_cpu_ms": 35.0},
            {"rasa_first_answer_s": 8.0, "rss": 545 * MB, "peak": 565 * MB, "rasa_cpu_ms": None},
            {"rasa_first_answer_s": 7.0, "rss": 600 * MB, "peak": 570 * MB, "rasa_cpu_ms": 37.0},
        ],
    }
    return {"lean": {"runs": runs, "summary": summary(runs)}}


def test_medians_section_and_targets() -> None:
    figures = _figures()
    assert figures["lean"]["summary"]["before"]["rasa_first_answer_s"] == 11.0
    assert figures["lean"]["summary"]["after"]["rasa_cpu_ms"] == 36.0  # missing values skipped
    assert round(faster_by(figures), 1) == 36.4
    text = "\n".join(section(figures))
    assert "| Rasa server start to first answer | 11.00 s | 7.00 s |" in text
    assert "| Resident memory after the loads (VmRSS) | 905 MB | 545 MB |" in text
    memory, start = lean_targets(figures)
    assert (memory["value"], memory["met"]) == (545, True)
    assert start["met"] is True
    figures["serving"] = {"ours": {"memory": {"rasa": {"VmRSS": 560 * MB}}}}
    assert lean_targets(figures)[0]["met"] is False  # the full serving stage's figure wins


def test_nothing_measured_means_no_section_and_no_verdict() -> None:
    assert section({}) == []
    assert [row["met"] for row in lean_targets({})] == [None, None]
