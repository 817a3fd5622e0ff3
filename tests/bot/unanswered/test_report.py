"""Grouping unanswered questions and `bot report unanswered` (bot.unanswered.report)."""

from __future__ import annotations

import csv
import io
import time

import pytest

from bot.cli import main
from bot.evaluation.faq import load_groups
from bot.unanswered.log import FileUnansweredLog, RedisUnansweredLog, UnansweredRecord
from bot.unanswered.report import (
    CLUSTER_THRESHOLD,
    cluster_scores,
    group_questions,
    parse_since,
    render_table,
    write_csv,
)
from tests.support import TESTS
from tests.support.redis import REDIS_URL

GROUPS = TESTS / "faq" / "unanswered_groups.yml"
NOW = time.time()


def make(
    text: str,
    lang: str = "zh",
    channel: str = "wechat",
    user: str = "u1",
    ago: float = 60.0,
    reason: str = "fallback",
) -> UnansweredRecord:
    return UnansweredRecord(
        text=text, language=lang, channel=channel, user=user, at=NOW - ago, reason=reason
    )


RECORDS = [
    make("孩子走丢了怎么办", user="a"),
    make("孩子走丢了怎么办？", user="b"),
    make("我家孩子走丢了", channel="rest", user="c", ago=30),
    make("아이를 잃어버렸어요", "ko", "kakao", "d"),
    make("아이 잃어버렸어요 도와주세요", "ko", "kakao", "e"),
    make("哪里可以抽烟", user="f"),
    make("帮我写一首诗", user="g", ago=10, reason="low_confidence"),
]


def test_similar_questions_are_grouped_most_frequent_first() -> None:
    groups = group_questions(RECORDS)
    assert [g.count for g in groups] == [3, 2, 1, 1]
    first = groups[0]
    assert first.representative in {"孩子走丢了怎么办", "孩子走丢了怎么办？"}
    assert set(first.texts) == {"孩子走丢了怎么办", "孩子走丢了怎么办？", "我家孩子走丢了"}
    assert dict(first.channels) == {"wechat": 2, "rest": 1} and len(first.users) == 3
    assert first.last_seen == pytest.approx(NOW - 30)
    assert dict(groups[1].languages) == {"ko": 2}
    assert {g.representative for g in groups[2:]} == {"哪里可以抽烟", "帮我写一首诗"}


def test_grouping_threshold_on_labelled_questions() -> None:
    texts, labels = load_groups(GROUPS)
    [(_, (precision, recall, _groups))] = cluster_scores(texts, labels, [CLUSTER_THRESHOLD])
    assert precision >= 0.9 and recall >= 0.75, (precision, recall)


def test_table_and_csv() -> None:
    groups = group_questions(RECORDS)
    table = render_table(groups)
    assert "similar" in table[1] and "wechat:2" in table[1] and "zh:3" in table[1]
    buffer = io.StringIO()
    write_csv(groups, buffer)
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    assert len(rows) == 4 and rows[0]["count"] == "3" and rows[0]["users"] == "3"
    assert rows[1]["languages"] == "ko:2" and rows[1]["channels"] == "kakao:2"
    assert rows[3]["reasons"] in {"fallback:1", "low_confidence:1"}


@pytest.mark.parametrize(
    "text, seconds",
    [("24h", 86400), ("90m", 5400), ("7d", 604800), ("2w", 1209600), ("30s", 30), ("1.5h", 5400)],
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_since(text) == seconds


def test_bad_duration_is_refused(capsys) -> None:
    assert main(["report", "unanswered", "--since", "yesterday"]) == 2
    assert "24h" in capsys.readouterr().err


def test_report_command_reads_the_file(monkeypatch, tmp_path, capsys) -> None:
    path = tmp_path / "unanswered.jsonl"
    log = FileUnansweredLog(path, days=14)
    for item in RECORDS + [make("很久以前的问题", ago=3 * 86400)]:
        log.add(item)
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("KW_UNANSWERED_FILE", str(path))
    assert main(["report", "unanswered", "--since", "24h"]) == 0
    out = capsys.readouterr().out
    assert "7 unanswered" in out and "4 group(s)" in out and "很久以前" not in out
    assert out.index("孩子走丢了") < out.index("아이") < out.index("抽烟")
    assert main(["report", "unanswered", "--since", "7d", "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert sum(int(row["count"]) for row in rows) == 8


def test_report_command_reads_redis(monkeypatch, redis_client, redis_prefix, capsys) -> None:
    log = RedisUnansweredLog(redis_client, redis_prefix, days=14)
    for item in RECORDS:
        log.add(item)
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    monkeypatch.setenv("KW_REDIS_PREFIX", redis_prefix)
    assert main(["report", "unanswered", "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [row["count"] for row in rows] == ["3", "2", "1", "1"]
