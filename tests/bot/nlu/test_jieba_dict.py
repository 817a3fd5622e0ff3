"""The compact jieba dictionary: the same segmentation as jieba's own, cached safely."""

from __future__ import annotations

import glob
from pathlib import Path

import jieba
import pytest
import yaml

from bot.nlu import jieba_dict
from harness.project import ROOT


def examples() -> list[str]:
    """Every training and held-out example with Han characters."""
    texts: list[str] = []
    for path in sorted(glob.glob(str(ROOT / "nlu_data" / "**" / "*.yml"), recursive=True)) + sorted(
        glob.glob(str(ROOT / "tests" / "nlu" / "**" / "*.yml"), recursive=True)
    ):
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        for item in data.get("nlu") or []:
            if isinstance(item, dict) and item.get("examples"):
                texts += [line[2:] for line in item["examples"].splitlines() if line[:2] == "- "]
    return [text for text in texts if any("\u4e00" <= char <= "\u9fff" for char in text)]


@pytest.fixture(scope="module")
def stock() -> jieba.Tokenizer:
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def test_segments_every_example_as_jieba_does(stock: jieba.Tokenizer, tmp_path: Path) -> None:
    ours = jieba.Tokenizer()
    jieba_dict.initialize(ours, tmp_path)
    assert isinstance(ours.FREQ, jieba_dict.CompactFrequencies)
    assert ours.total == stock.total
    texts = examples()
    assert len(texts) > 2000
    for text in texts:
        assert list(ours.tokenize(text)) == list(stock.tokenize(text)), text
        assert ours.lcut(text, HMM=False) == stock.lcut(text, HMM=False), text


def test_added_words_behave_as_in_jieba(stock: jieba.Tokenizer, tmp_path: Path) -> None:
    ours = jieba.Tokenizer()
    jieba_dict.initialize(ours, tmp_path)
    reference = jieba.Tokenizer()
    reference.initialize()
    for tokenizer in (ours, reference):
        tokenizer.add_word("西塔美食节", tag="n")
        tokenizer.add_word("友好音乐会", freq=5)
    for text in ("西塔美食节几点开始", "友好音乐会在哪", "西塔"):
        assert ours.lcut(text) == reference.lcut(text)
    assert ours.FREQ["友好音乐会"] == 5 and "西塔美食" in ours.FREQ
    assert ours.FREQ.get("不是一个词语吧") is None
    assert ours.total == reference.total


def test_is_cached_and_read_back_without_jieba_initializing(
    stock: jieba.Tokenizer, tmp_path: Path
) -> None:
    path = jieba_dict.initialize(jieba.Tokenizer(), tmp_path)
    assert path is not None and path.parent == tmp_path and path.stat().st_size < 5_000_000
    fresh = jieba.Tokenizer()
    fresh.initialize = None  # type: ignore[method-assign]  # reading the cache must not call it
    assert jieba_dict.initialize(fresh, tmp_path) == path
    assert fresh.lcut("韩国周的围棋邀请赛") == stock.lcut("韩国周的围棋邀请赛")


def test_a_damaged_cache_is_rebuilt(stock: jieba.Tokenizer, tmp_path: Path) -> None:
    path = jieba_dict.initialize(jieba.Tokenizer(), tmp_path)
    assert path is not None
    path.write_bytes(path.read_bytes()[:1000])  # cut short, as by a full disk
    tokenizer = jieba.Tokenizer()
    assert jieba_dict.initialize(tokenizer, tmp_path) == path
    assert tokenizer.lcut("跆拳道交流活动") == stock.lcut("跆拳道交流活动")
    assert path.stat().st_size > 1000


def test_an_unwritable_cache_folder_still_serves(stock: jieba.Tokenizer, tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    tokenizer = jieba.Tokenizer()
    assert jieba_dict.initialize(tokenizer, blocked / "cache") is None
    assert tokenizer.lcut("中韩美食节") == stock.lcut("中韩美食节")
