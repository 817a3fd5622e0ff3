"""The "Method" section of docs/benchmarks.md: how each figure was taken. Pure."""

from __future__ import annotations

from typing import Any

from bench.targets import dig


def _stock(figures: dict[str, Any]) -> str:
    stock = dig(figures, "training", "stock", "config") or {}
    seconds = dig(figures, "training", "stock", "seconds")
    took = f"{seconds / 60:.0f} min" if seconds else "–"
    return (
        f"**Stock Rasa** is the anchor: {stock.get('source', '–')}; pipeline "
        f"{', '.join(stock.get('pipeline') or [])}; policies "
        f"{', '.join(stock.get('policies') or [])}; {stock.get('epochs', '–')} epochs. It is "
        "trained on the same nlu_data/ and domain.yml and served with the same action server. "
        f"Its training took {took} here (DIET, TED and UnexpecTED at 100 epochs each): most of "
        "`make bench`'s time; `--quick` trains it with 3 epochs."
    )


def _understanding(figures: dict[str, Any], folds_line: str) -> str:
    cv = dig(figures, "understanding", "cv") or {}
    stock_cv = (
        "Stock Rasa was cross-validated too."
        if "stock" in cv
        else "Stock Rasa is not cross-validated by default (a 100-epoch DIET per fold, about "
        "5 × 13 min); `python -m bench --stock-cv` adds it."
    )
    return (
        "**Understanding**: held-out sets tests/nlu/zh.yml and ko.yml (never trained on), scored "
        "with `bot.evaluation.nlu.evaluate_file`; an `out_of_scope` example predicted as "
        "`nlu_fallback` counts as right. Out-of-scope precision and recall count `out_of_scope` "
        "or `nlu_fallback` as an out-of-scope prediction. Cross-validation: "
        f"{dig(cv, 'ours', 'folds') or '–'} stratified folds over "
        f"{100 * (dig(cv, 'ours', 'fraction') or 0):.0f} % of nlu_data/nlu/{{zh,ko}}.yml, one "
        f"bilingual model per fold (fold accuracies {folds_line}). {stock_cv}"
    )


def _latency(settings: dict[str, Any]) -> str:
    bounds = ", ".join(
        f"{x['count']} requests / {x['seconds']:.0f} s at concurrency {x['concurrency']}"
        for x in settings.get("latency") or []
    )
    return (
        "**Latency**: the load comes from a separate process (`bench.loadgen`, aiohttp) on "
        "127.0.0.1, closed loop: each of the N clients sends its next message when the previous "
        f"answer arrives; at most {bounds}, after {settings.get('warmup', '–')} warm-up requests. "
        "Messages are the held-out questions (WeChat Chinese, Kakao Korean, Telegram and REST "
        f"both); each sender asks {settings.get('conversation_length', '–')} questions "
        "(Telegram: one per chat, because past a burst of three the connector spaces messages to "
        "one chat a second apart, as Telegram asks). WeChat requests are safe mode: the XML "
        "encrypted with wechatpy's WeChatCrypto, with `signature` and `msg_signature`; replies "
        "are decrypted and their signature checked on a sample. Telegram's round trip includes "
        "sending the reply to a local fake Bot API. Outcome `success` is WeChat's bare `success`: "
        "no reply, or an answer that missed the 4 s reply budget and goes out later through the "
        "customer-service API; `empty` is a REST answer with no message. CPU per message is the "
        "CPU time the Rasa server and the action server (with children) used during a run, "
        'divided by the messages handled (warm-up included). "Other busy cores" is how many '
        "of the machine's cores were busy with processes that are not the servers or the load "
        "generator of the run (the fake platform APIs, and anything else running on the machine)."
    )


def _throughput(settings: dict[str, Any]) -> str:
    load = settings.get("saturation") or {}
    clients = (
        f"{load['concurrency']} clients per worker for {load['seconds']:.0f} s " if load else ""
    )
    return (
        f"**Throughput**: {clients}against 1 worker, then 2 workers (a second, independent "
        "`make run` / `rasa run` stack; each client sticks to one worker, so in-memory stores "
        "suffice). Rate = answered messages ÷ elapsed time."
    )


STARTUP = (
    "**Start-up**: process start to the first REST answer. Ours is `python -m bot.server` (what "
    "`make run` runs: content check, then the action server and Rasa at once); stock is "
    "`rasa run` with its action server already up. **Memory**: VmRSS (and peak VmHWM) from "
    "/proc/<pid>/status, "
    "summed over the process and its children. **Training**: `rasa train` as `make model` runs "
    "it, with an empty cache (RASA_MAX_CACHE_SIZE=0)."
)
SHARED = (
    "Everything shares the machine's cores: load generator, fake platform APIs, action server "
    "and Rasa server."
)


def method_notes(figures: dict[str, Any], folds_line: str) -> list[str]:
    """How each figure was taken, from the settings recorded with the run."""
    settings = figures.get("settings") or {}
    stores = figures.get("redis_note") or "in-memory tracker, lock and channel stores."
    return [
        _stock(figures),
        _understanding(figures, folds_line),
        _latency(settings),
        _throughput(settings),
        STARTUP,
        SHARED,
        f"**Stores**: {stores}",
    ]
