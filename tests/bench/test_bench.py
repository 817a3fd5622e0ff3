"""`make bench`'s cheap parts, as a smoke test: no training, no timing assertions.

The load generator runs as its own process against the real WeChat and Kakao
connectors served with a stand-in bot; the held-out scoring runs on the trained
model (the session's ``agent``); the report, charts and JSON are written to a
temporary folder from those figures.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from sklearn.metrics import f1_score

from bench import machine
from bench.__main__ import write_outputs
from bench.cpu import cores_used, parse_proc_stat
from bench.crossval import assign_folds, macro_f1
from bench.messages import channel_messages
from bench.payloads import SECRETS, build, classify, open_wechat_reply
from bench.settings import BenchSettings
from bench.stats import latency_summary
from bench.stock import reduce_epochs, write_stock_config
from bench.targets import rows
from bench.understanding import HELDOUT, confusion, oos_scores, score_files
from channels.common.store import MemoryStore
from channels.kakao import KakaoInput
from channels.wechat import WeChatInput, WeChatSettings, parse
from harness.echobot import EchoBot
from harness.inprocess import serve_channel
from harness.project import HELDOUT as HELDOUT_FOLDER
from harness.project import ROOT

TALLY = "| all | 97.0% (97/100) |"


def test_latency_summary() -> None:
    summary = latency_summary([float(v) for v in range(1, 101)])
    assert summary["n"] == 100 and summary["p50"] == pytest.approx(50.5) and summary["max"] == 100
    assert latency_summary([])["p99"] is None


def test_a_load_request_is_what_the_connector_accepts_and_answers_are_classified() -> None:
    request = build("wechat", SECRETS, 3, 0, 0, "美食节在哪里？", "zh", "t", now=1_750_000_000)
    params, token = request.params, SECRETS.wechat_token
    parse.verify_signature(token, params["signature"], params["timestamp"], params["nonce"])
    envelope = parse.parse_xml(request.body)["Encrypt"]
    parse.verify_signature(
        token, params["msg_signature"], params["timestamp"], params["nonce"], envelope
    )
    fields = parse.parse_xml(
        parse.decrypt(envelope, parse.decode_aes_key(SECRETS.wechat_aes_key), SECRETS.wechat_appid)
    )
    assert fields["Content"] == "美食节在哪里？" and fields["FromUserName"] == params["openid"]
    assert (
        classify("wechat", 200, b"success") == "success" and classify("rest", 200, b"[]") == "empty"
    )
    assert classify("kakao", 500, b"") == "error"
    assert open_wechat_reply(SECRETS, b"<xml><Content>plain</Content></xml>") == (False, "")


def test_folds_are_stratified_and_macro_f1_matches_sklearn() -> None:
    labels = ["a"] * 10 + ["b"] * 6 + ["c"] * 4
    folds = assign_folds(labels, 2)
    assert all(f in (0, 1) for f in folds)
    for label in "abc":
        mine = [f for f, lab in zip(folds, labels, strict=True) if lab == label]
        assert abs(mine.count(0) - mine.count(1)) <= 1
    subset = assign_folds(labels, 2, fraction=0.5)
    assert subset.count(-1) == 10
    gold = ["a", "a", "b", "b", "c", "out_of_scope", "out_of_scope"]
    predicted = ["a", "b", "b", "b", "nlu_fallback", "out_of_scope", "c"]
    errors = [{"gold": g, "predicted": p} for g, p in zip(gold, predicted, strict=True) if g != p]
    matrix = confusion(gold, errors)
    assert sum(map(sum, matrix["matrix"])) == len(gold) and matrix["labels"][-1] == "nlu_fallback"
    expected = f1_score(gold, predicted, labels=sorted(set(gold)), average="macro", zero_division=0)
    assert macro_f1(matrix, gold) == pytest.approx(expected)
    oos = oos_scores(gold, errors)
    assert (oos["precision"], oos["recall"], oos["false_positives"]) == (0.5, 0.5, 1)


def test_stock_config_comes_from_the_rasa_package(tmp_path: Path) -> None:
    shipped = write_stock_config(tmp_path / "init.yml", None)
    assert "policies:" in (tmp_path / "init.yml").read_text(encoding="utf-8")
    assert "DIETClassifier" in shipped["pipeline"] and "TEDPolicy" in shipped["policies"]
    quick = write_stock_config(tmp_path / "quick.yml", 3)
    assert quick["epochs"] == 3 and "epochs: 3" in (tmp_path / "quick.yml").read_text(
        encoding="utf-8"
    )
    assert (
        reduce_epochs({"pipeline": [{"name": "X", "epochs": 100}]}, 2)["pipeline"][0]["epochs"] == 2
    )


def test_machine_cpu_and_messages() -> None:
    assert parse_proc_stat("cpu  10 0 5 80 5 0 0 0 0 0\ncpu0 1 2 3 4\n") == (15.0, 100.0)
    assert cores_used(100.0, 104.0, 1.0, 2.0) == {"all": 2.0, "other": 1.5}
    facts = machine.describe()
    assert facts["cores"] and facts["python"] and facts["rasa"]
    assert 0 < facts["loop_s"] < 30
    messages = channel_messages(HELDOUT_FOLDER)
    assert {lang for lang, _ in messages["wechat"]} == {"zh"} and len(messages["rest"]) > 400


async def _loadgen(tmp_path: Path, channel: str, url: str) -> dict[str, Any]:
    spec = {
        "channel": channel,
        "targets": [url],
        "concurrency": 4,
        "count": 16,
        "seconds": 20,
        "warmup": 2,
        "messages": [["zh", "美食节在哪里"], ["ko", "태권도 언제 해요"]],
        "prefix": f"t-{channel}",
        "conversation_length": 3,
        "secrets": SECRETS.as_json(),
        "timeout": 10,
    }
    (tmp_path / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.loadgen",
        str(tmp_path / "spec.json"),
        str(tmp_path / "out.json"),
        cwd=ROOT,
    )
    assert await asyncio.wait_for(process.wait(), 50) == 0
    result = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    result["summary"] = latency_summary(result["latencies_ms"])
    return result


async def test_load_generator_against_the_real_connectors(tmp_path: Path) -> None:
    wechat = WeChatInput(
        WeChatSettings.from_credentials(
            {
                "token": SECRETS.wechat_token,
                "appid": SECRETS.wechat_appid,
                "appsecret": SECRETS.wechat_appsecret,
                "aes_key": SECRETS.wechat_aes_key,
            }
        ),
        MemoryStore(),
    )
    bot = EchoBot()
    async with serve_channel(wechat, bot) as base:
        result = await _loadgen(tmp_path, "wechat", base)
    assert result["outcomes"] == {"answer": 16} and result["summary"]["n"] == 16
    assert result["samples_checked"]["valid"] == result["samples_checked"]["sampled"] > 0
    assert "美食节在哪里" in result["sample_reply"] and len(bot.received) == 16 + 2
    kakao = KakaoInput.from_credentials({"skill_secret": SECRETS.kakao_secret})
    async with serve_channel(kakao, EchoBot()) as base:
        kakao_result = await _loadgen(tmp_path, "kakao", base)
    assert kakao_result["outcomes"] == {"answer": 16}
    assert '"version":"2.0"' in kakao_result["sample_reply"].replace(" ", "")


def test_heldout_scoring_and_report(agent, tmp_path: Path) -> None:
    loaded, loop = agent
    heldout = loop.run_until_complete(score_files(loaded, HELDOUT))
    for language in ("zh", "ko"):
        figures = heldout[language]
        assert sum(map(sum, figures["confusion"]["matrix"])) == figures["total"]
        assert 0 <= figures["oos"]["recall"] <= 1
    run = {
        "outcomes": {"answer": 3},
        "latencies_ms": [12.0, 15.0, 40.0],
        "answered_per_s": 50.0,
        "summary": latency_summary([12.0, 15.0, 40.0]),
    }
    settings = BenchSettings.quick().with_(out_dir=tmp_path, work_dir=tmp_path / "work")
    figures = {
        "mode": "quick",
        "machine": machine.describe(),
        "settings": {"latency": [], "warmup": 2},
        "training": {
            "ours": {"seconds": 80.0},
            "stock": {"seconds": 90.0, "config": {"epochs": 3}},
        },
        "understanding": {
            "heldout": {"ours": heldout, "stock": heldout},
            "conversations": {"table": ["| fully right | tuned |", "| --- | --- |", TALLY]},
        },
        "serving": {
            "ours": {
                "latency": {"wechat": {"1": run}},
                "throughput": {"wechat": {"1": run}},
                "startup": {"first_answer_s": 9.0},
            },
            "stock": {"latency": {"rest": {"1": run}}, "startup": {"first_answer_s": 22.0}},
        },
    }
    write_outputs(settings, figures)
    report = (tmp_path / "benchmarks.md").read_text(encoding="utf-8")
    assert "Quick mode" in report and "| Measure | Korea Week Assistant | Stock Rasa |" in report
    assert (
        "Held-out intent accuracy (ko)" in report and "Korean accuracy above stock Rasa" in report
    )
    assert "## Answers: the visitor conversation set" in report and TALLY in report
    assert (tmp_path / "bench" / "confusion_ours_zh.png").stat().st_size > 1000
    assert (
        json.loads((tmp_path / "bench" / "benchmarks.json").read_text(encoding="utf-8"))["mode"]
        == "quick"
    )
    assert {r["met"] for r in rows(figures)} <= {True, False, None}
    assert (tmp_path / "bench" / "latency.png").exists() and (
        tmp_path / "bench" / "throughput.png"
    ).exists()
