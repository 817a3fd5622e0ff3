"""The bilingual tokenizer: jieba for Han, kiwipiepy for Hangul, words for Latin."""

import re

import jieba
import jieba.posseg
import pytest
import yaml
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.tokenizer import _CHINESE_NOUNS, BilingualTokenizer, script_runs
from harness.project import ROOT


@pytest.fixture(scope="module")
def tokenizer() -> BilingualTokenizer:
    return BilingualTokenizer.create(BilingualTokenizer.get_default_config(), None, None, None)


def texts(tokenizer: BilingualTokenizer, text: str):
    return [token.text for token in tokenizer.split_text(text)]


def test_korean_words_stay_whole(tokenizer) -> None:
    tokens = texts(tokenizer, "태권도 체험 언제 해요?")
    assert "태권도" in tokens and "체험" in tokens and "언제" in tokens
    assert "태" not in tokens  # jieba would cut it into syllables


def test_unspaced_korean_is_split_into_morphemes(tokenizer) -> None:
    tokens = texts(tokenizer, "태권도체험언제해요")
    assert tokens[:3] == ["태권도", "체험", "언제"]


def test_chinese_is_segmented_by_jieba(tokenizer) -> None:
    assert texts(tokenizer, "西塔美食节几点开始")[:3] == ["西塔", "美食节", "几点"]


def test_mixed_scripts_and_offsets(tokenizer) -> None:
    text = "西塔 wifi 비밀번호？"
    tokens = tokenizer.split_text(text)
    assert [t.text for t in tokens] == ["西塔", "wifi", "비밀", "번호"]
    for token in tokens:
        assert text[token.start : token.end] == token.text


def test_fullwidth_latin_is_folded(tokenizer) -> None:
    assert texts(tokenizer, "ＷｉＦｉ密码") == ["wifi", "密码"]


def test_korean_lemma_normalizes_endings(tokenizer) -> None:
    tokens = tokenizer.split_text("해요")
    assert tokens[0].lemma == "하"


def test_process_sets_tokens_and_handles_emoji_only(tokenizer) -> None:
    messages = [Message(data={TEXT: "👍"}), Message(data={TEXT: "태권도 어디서 해요"})]
    tokenizer.process(messages)
    assert len(messages[0].get(TOKENS_NAMES[TEXT])) == 1
    assert [t.text for t in messages[1].get(TOKENS_NAMES[TEXT])][0] == "태권도"


def test_script_runs() -> None:
    assert [(s, r) for s, _, r in script_runs("韩国周 K-pop 공연!")] == [
        ("han", "韩国周"),
        ("latin", "K"),
        ("latin", "pop"),
        ("hangul", "공연"),
    ]


def test_traditional_chinese_is_folded_to_simplified(tokenizer) -> None:
    text = "請問門票多少錢"
    tokens = tokenizer.split_text(text)
    assert "门票" in [t.text for t in tokens]
    assert [(t.start, t.end) for t in tokens][-1][1] == len(text)


def test_the_events_own_words_are_keywords(tokenizer) -> None:
    # Without bot/nlu/domain_words.yml jieba cuts "有同/传" and Kiwi reads "-도록" as an ending.
    assert "同传" in tokenizer.keywords("路演那个论坛有同传吗")
    assert "道服" in tokenizer.keywords("体验课要穿道服吗")
    assert "도록" in tokenizer.keywords("사진전 도록 팔아요?")


def test_keeping_only_noun_tags_changes_no_keyword(tokenizer) -> None:
    jieba.posseg.lcut("你好")  # merges our domain words' "n" tags into the kept table
    # The stock table, read from jieba's dictionary as jieba.posseg does.
    full = jieba.posseg.POSTokenizer(jieba.dt)
    full.word_tag_tab.update(jieba.posseg.dt.word_tag_tab)
    assert len(jieba.posseg.dt.word_tag_tab) < len(full.word_tag_tab)
    data = yaml.safe_load(ROOT.joinpath("nlu_data", "nlu", "zh.yml").read_text(encoding="utf-8"))
    examples = [
        re.sub(r"\[([^\]]+)\](\([^)]*\)|\{[^}]*\})", r"\1", line[2:].strip())
        for block in data["nlu"]
        if "examples" in block
        for line in block["examples"].splitlines()
        if line.startswith("- ")
    ]
    assert len(examples) > 500
    for text in examples:
        simplified = tokenizer._simplifier().convert(text)
        kept = [(w, f.startswith(_CHINESE_NOUNS)) for w, f in jieba.posseg.lcut(simplified)]
        stock = [(w, f.startswith(_CHINESE_NOUNS)) for w, f in full.lcut(simplified)]
        assert kept == stock, text
