"""Recording what the bot could not answer (bot.unanswered.log, actions.unanswered)."""

from __future__ import annotations

import json
import logging
import time

import pytest

from actions.answers import ActionAnswerFaq, ActionFallback
from actions.unanswered import nlu_intent
from bot.settings import get_settings
from bot.unanswered.log import (
    FileUnansweredLog,
    RedisUnansweredLog,
    UnansweredRecord,
    hash_user,
)
from tests.support.agent import make_tracker, run_action

UNKNOWN = "你们卖不卖手机壳"
SENDER = "wx-openid-123456"


def record(text: str = "q", at: float = 1000.0, user: str = "u") -> UnansweredRecord:
    return UnansweredRecord(
        text=text, language="zh", channel="rest", user=user, at=at, reason="fallback"
    )


def tracker(
    text: str,
    intent: str = "nlu_fallback",
    confidence: float = 0.3,
    platform: str | None = "wechat",
    ranking: list | None = None,
):
    result = make_tracker(
        text, intent, language="zh", metadata={"platform": platform} if platform else {}
    )
    result.sender_id = SENDER
    result.latest_message["intent"]["confidence"] = confidence
    result.latest_message["intent_ranking"] = ranking or []
    return result


@pytest.fixture
def file_mode(monkeypatch, tmp_path, fixed_clock):
    path = tmp_path / "var" / "unanswered.jsonl"
    monkeypatch.setenv("KW_UNANSWERED_FILE", str(path))
    monkeypatch.setenv("KW_HASH_SALT", "pepper")
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def read_lines(path):
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


# --- the log itself ------------------------------------------------------------------------


def test_file_log_appends_reads_and_drops_old_lines(tmp_path) -> None:
    now = [100 * 86400.0]
    log = FileUnansweredLog(tmp_path / "u.jsonl", days=14, clock=lambda: now[0])
    log.add(record("old", at=now[0] - 20 * 86400))
    log.add(record("new", at=now[0] - 60))
    assert [r.text for r in log.since(0)] == ["new"]
    assert [r.text for r in log.since(now[0] - 30)] == []
    with open(tmp_path / "u.jsonl", "a", encoding="utf-8") as handle:
        handle.write("not json\n")
    now[0] += 2 * 3600  # the next write rewrites the file without old and broken lines
    log.add(record("newer", at=now[0]))
    texts = [line["text"] for line in read_lines(tmp_path / "u.jsonl")]
    assert texts == ["new", "newer"]


def test_file_log_salt_is_random_per_process_unless_configured(tmp_path) -> None:
    first, second = FileUnansweredLog(tmp_path / "a", 14), FileUnansweredLog(tmp_path / "b", 14)
    assert first.salt() != second.salt()
    assert FileUnansweredLog(tmp_path / "c", 14, salt="s").salt() == "s"


def test_redis_log_keeps_a_trimmed_sorted_set_with_a_ttl(redis_client, redis_prefix) -> None:
    now = [100 * 86400.0]
    log = RedisUnansweredLog(redis_client, redis_prefix, days=14, clock=lambda: now[0])
    log.add(record("old", at=now[0] - 15 * 86400))
    log.add(record("a", at=now[0] - 10))
    log.add(record("a", at=now[0] - 5))  # the same text twice stays two records
    assert [r.text for r in log.since(0)] == ["a", "a"]
    assert redis_client.zcard(log.key) == 2
    assert 13 * 86400 < redis_client.ttl(log.key) <= 14 * 86400
    assert log.key.startswith("kw:")


def test_redis_salt_is_generated_once_and_shared(redis_client, redis_prefix) -> None:
    first = RedisUnansweredLog(redis_client, redis_prefix, days=14)
    second = RedisUnansweredLog(redis_client, redis_prefix, days=14)
    assert first.salt() == second.salt() and len(first.salt()) == 32
    assert json.loads(redis_client.get(first.salt_key)) == first.salt()
    assert redis_client.ttl(first.salt_key) > 0
    assert RedisUnansweredLog(redis_client, redis_prefix, 14, salt="fixed").salt() == "fixed"


def test_user_hash_is_salted_and_not_the_id() -> None:
    assert hash_user("wechat", SENDER, "a") != hash_user("wechat", SENDER, "b")
    assert hash_user("wechat", SENDER, "a") != hash_user("kakao", SENDER, "a")
    assert SENDER not in hash_user("wechat", SENDER, "a") and len(hash_user("x", "y", "z")) == 16


# --- recording from actions ----------------------------------------------------------------


def test_fallback_without_answer_is_recorded(file_mode) -> None:
    messages, _ = run_action(
        ActionFallback(),
        tracker(
            UNKNOWN,
            ranking=[
                {"name": "nlu_fallback", "confidence": 0.3},
                {"name": "ask_facilities", "confidence": 0.21},
            ],
        ),
    )
    assert messages[0]["response"] == "utter_no_info"
    [line] = read_lines(file_mode)
    assert (line["text"], line["language"], line["channel"], line["reason"]) == (
        UNKNOWN,
        "zh",
        "wechat",
        "fallback",
    )
    assert (line["intent"], line["confidence"]) == ("ask_facilities", 0.21)
    assert line["user"] == hash_user("wechat", SENDER, "pepper")
    assert SENDER not in file_mode.read_text(encoding="utf-8")
    assert abs(line["at"] - time.time()) < 60


def test_fallback_answered_from_the_faq_is_recorded_as_low_confidence(file_mode, content) -> None:
    question = content.faq_entry("wifi").questions.zh[0]
    messages, _ = run_action(ActionFallback(), tracker(question, platform=None))
    assert messages[0]["text"] == content.faq_entry("wifi").answer.zh
    [line] = read_lines(file_mode)
    assert (line["reason"], line["channel"]) == ("low_confidence", "rest")


@pytest.mark.parametrize("confidence, recorded", [(0.45, True), (0.5, False), (0.93, False)])
def test_answering_actions_record_low_confidence(file_mode, confidence, recorded) -> None:
    run_action(ActionAnswerFaq(), tracker("wifi密码", "ask_facilities", confidence))
    lines = read_lines(file_mode) if file_mode.exists() else []
    assert len(lines) == int(recorded)
    if recorded:
        assert lines[0]["reason"] == "low_confidence" and lines[0]["intent"] == "ask_facilities"


def test_threshold_comes_from_the_environment(file_mode, monkeypatch) -> None:
    monkeypatch.setenv("KW_LOW_CONFIDENCE", "0.95")
    get_settings.cache_clear()
    run_action(ActionAnswerFaq(), tracker("wifi密码", "ask_facilities", 0.93))
    assert len(read_lines(file_mode)) == 1


def test_button_payloads_are_not_recorded(file_mode) -> None:
    run_action(ActionFallback(), tracker("/ask_tickets", confidence=0.1))
    assert not file_mode.exists()


def test_nlu_intent_skips_the_fallback_pseudo_intent() -> None:
    ranked = tracker(
        "x",
        ranking=[
            {"name": "nlu_fallback", "confidence": 0.3},
            {"name": "greet", "confidence": 0.12},
        ],
    )
    assert nlu_intent(ranked) == ("greet", 0.12)
    assert nlu_intent(tracker("x", "ask_venue", 0.8)) == ("ask_venue", 0.8)


def test_redis_mode_records_to_redis_with_a_generated_salt(redis_env, redis_client, fixed_clock):
    run_action(ActionFallback(), tracker(UNKNOWN))
    [raw] = redis_client.zrange(f"{redis_env}unanswered", 0, -1)
    stored = json.loads(raw)
    salt = json.loads(redis_client.get(f"{redis_env}unanswered:salt"))
    assert stored["user"] == hash_user("wechat", SENDER, salt)
    assert SENDER not in raw and stored["reason"] == "fallback"


def test_storage_failure_never_breaks_the_answer(monkeypatch, fixed_clock, caplog) -> None:
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setenv("KW_REDIS_TIMEOUT", "0.2")
    monkeypatch.setenv("KW_REDIS_PREFIX", "kw:test:down:")
    get_settings.cache_clear()
    from actions.content import reset_providers

    reset_providers()
    try:
        with caplog.at_level(logging.WARNING, logger="actions.unanswered"):
            started = time.monotonic()
            messages, _ = run_action(ActionFallback(), tracker(UNKNOWN))
        assert messages[0]["response"] == "utter_no_info"
        assert time.monotonic() - started < 5
        warnings = [r for r in caplog.records if r.name == "actions.unanswered"]
        assert len(warnings) == 1 and "\n" not in warnings[0].getMessage()
    finally:
        reset_providers()
        get_settings.cache_clear()


def test_unwritable_file_never_breaks_the_answer(monkeypatch, tmp_path, fixed_clock) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("KW_UNANSWERED_FILE", str(blocker / "unanswered.jsonl"))
    get_settings.cache_clear()
    messages, _ = run_action(ActionFallback(), tracker(UNKNOWN))
    assert messages[0]["response"] == "utter_no_info"
