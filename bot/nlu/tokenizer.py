"""A Rasa tokenizer for mixed Chinese, Korean and Latin text.

Rasa's JiebaTokenizer cuts Hangul into single syllables ("태권도" → 태/권/도), and its
WhitespaceTokenizer leaves "西塔美食节几点开始" or "태권도체험언제해요" as one token.
This component splits a message into script runs and hands each run to the tool
made for it: jieba for Han, kiwipiepy's morphological analyser for Hangul (which
also splits unspaced Korean and separates particles and endings from stems), and
whitespace/word rules for Latin letters and digits. Offsets always point into the
original text, so entity spans stay correct. Traditional Chinese is folded to
Simplified (OpenCC) before segmentation, so "門票" and "门票" are the same feature
and jieba's Simplified dictionary applies.

It also gives the actions the message's content words (``keywords`` in the parse
result: Korean nouns from kiwipiepy's tags, Chinese nouns from jieba's, Latin
words), so an answer can check that what was asked is something the content
talks about (actions.coverage) instead of answering another topic's facts.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.language import is_han, is_hangul

logger = logging.getLogger(__name__)

HAN, HANGUL, LATIN = "han", "hangul", "latin"
_LATIN_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
#: The parse-result key with the message's content words.
KEYWORDS = "keywords"
#: Kiwi's tags of content nouns (common, proper) and of foreign words and Hanja.
_KOREAN_NOUNS = ("NNG", "NNP", "SL", "SH")
#: jieba's POS flags of nouns (n, nr, ns, nt, nz, ng), noun-verbs and English.
_CHINESE_NOUNS = ("n", "vn", "eng")


def _keep_noun_tags() -> None:
    """Loads jieba.posseg and keeps only the noun tags of its dictionary.

    ``keywords`` reads a word's tag only to ask whether it is a noun; a word missing
    from the table gets "x", which is no noun, so the answer is the same for every
    word (tested on every Chinese training example). Of the 349,045 tagged words
    233,544 are kept. Loaded here, when the model loads, what the full table took
    is freed before the server hands memory back to the system
    (``bot.server.lean_memory``). Measured with ``python -m bench --quick --stages
    lean``: the served Rasa server 4-5 MiB smaller after its loads (two runs each,
    552/552 vs 556/557 MiB); most of jieba.posseg's memory is its HMM tables.
    """
    import jieba.posseg

    tags: dict[str, str] = {}  # one string per tag, not one per word
    jieba.posseg.dt.word_tag_tab = {
        word: tags.setdefault(tag, tag)
        for word, tag in jieba.posseg.dt.word_tag_tab.items()
        if tag.startswith(_CHINESE_NOUNS)
    }


def _script(char: str) -> str | None:
    if is_hangul(char):
        return HANGUL
    if is_han(char):
        return HAN
    if char.isalnum():
        return LATIN
    return None


def _fold(char: str) -> str:
    """Folds full-width letters and digits to ASCII without changing the text length."""
    folded = unicodedata.normalize("NFKC", char)
    return folded if len(folded) == 1 else char


def script_runs(text: str) -> Iterator[tuple[str, int, str]]:
    """Splits text into maximal runs of one script, skipping spaces and punctuation.

    Args:
        text: Any message text.

    Yields:
        (script, start offset, run text) for each run of Han, Hangul or Latin characters.
    """
    start = 0
    current: str | None = None
    for index, char in enumerate(text):
        script = _script(_fold(char))
        if script != current:
            if current is not None:
                yield current, start, text[start:index]
            current, start = script, index
    if current is not None:
        yield current, start, text[start:]


DOMAIN_WORDS = Path(__file__).resolve().parent / "domain_words.yml"


@lru_cache(maxsize=2)
def _domain_words(lang: str) -> tuple[str, ...]:
    """The event's own words for one analyser (bot/nlu/domain_words.yml)."""
    with open(DOMAIN_WORDS, encoding="utf-8") as handle:
        return tuple(str(word) for word in (yaml.safe_load(handle) or {}).get(lang) or [])


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class BilingualTokenizer(Tokenizer):
    """Tokenizes Chinese with jieba, Korean with kiwipiepy and Latin text by words."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Returns the default config (see Rasa's Tokenizer for the shared keys)."""
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
            # Drop Korean particles and endings? Keeping them helps tell
            # "어디서 해요" (where) from "언제 해요" (when), so the default keeps them.
            "drop_korean_functional": False,
            # Kiwi's optional dictionaries (typos, multi-word expressions, the large
            # proper-noun list): with all three Kiwi holds ~490 MB of the Rasa
            # server's memory once it has tokenized, without them ~230 MB, and
            # held-out accuracy is the same (97.8 % zh, 98.4 % ko). Our own names
            # come from the lookup tables, and typos are covered by the character
            # n-gram features.
            "korean_typo_dict": False,
            "korean_multi_dict": False,
            "korean_default_dict": False,
        }

    @staticmethod
    def required_packages() -> list[str]:
        """Python packages this component needs."""
        return ["jieba", "kiwipiepy", "opencc"]

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        self._kiwi: Any = None
        self._t2s: Any = None

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> BilingualTokenizer:
        """Creates the component and loads both analysers, so the first answer is not slow."""
        import jieba

        from bot.nlu import jieba_dict

        jieba.setLogLevel(logging.WARNING)
        jieba_dict.initialize()
        for word in _domain_words("zh"):
            jieba.add_word(word, tag="n")  # also seen by jieba.posseg
        _keep_noun_tags()
        component = cls(config)
        component._korean()
        component._simplifier()
        return component

    def _simplifier(self) -> Any:
        if self._t2s is None:
            import opencc

            self._t2s = opencc.OpenCC("t2s")
        return self._t2s

    def _korean(self) -> Any:
        if self._kiwi is None:
            from kiwipiepy import Kiwi  # loads kiwipiepy_model's files from site-packages

            self._kiwi = Kiwi(
                load_typo_dict=self._config["korean_typo_dict"],
                load_multi_dict=self._config["korean_multi_dict"],
                load_default_dict=self._config["korean_default_dict"],
            )
            for word in _domain_words("ko"):
                self._kiwi.add_user_word(word, "NNG")
        return self._kiwi

    def _tokenize_hangul(self, run: str, offset: int) -> list[Token]:
        tokens: list[Token] = []
        drop = self._config["drop_korean_functional"]
        for morph in self._korean().tokenize(run):
            if drop and morph.tag.startswith(("J", "E", "X")):
                continue
            start = offset + morph.start
            surface = run[morph.start : morph.start + morph.len] or morph.form
            tokens.append(Token(surface, start, start + len(surface), lemma=morph.form))
        return tokens

    def _tokenize_han(self, run: str, offset: int) -> list[Token]:
        import jieba

        simplified = self._simplifier().convert(run)
        if len(simplified) != len(run):  # offsets must keep pointing into the original
            simplified = run
        return [
            Token(word, offset + begin, offset + end)
            for word, begin, end in jieba.tokenize(simplified)
        ]

    @staticmethod
    def _tokenize_latin(run: str, offset: int) -> list[Token]:
        folded = "".join(_fold(char) for char in run).lower()
        return [
            Token(folded[m.start() : m.end()], offset + m.start(), offset + m.end())
            for m in _LATIN_TOKEN.finditer(folded)
        ]

    def split_text(self, text: str) -> list[Token]:
        """Splits a text into tokens, in order and with offsets into ``text``.

        Args:
            text: The message text.

        Returns:
            The tokens; never empty for a non-empty text with letters.
        """
        tokens: list[Token] = []
        for script, offset, run in script_runs(text):
            if script == HAN:
                tokens.extend(self._tokenize_han(run, offset))
            elif script == HANGUL:
                tokens.extend(self._tokenize_hangul(run, offset))
            else:
                tokens.extend(self._tokenize_latin(run, offset))
        return tokens

    def keywords(self, text: str) -> list[str]:
        """The content words of a text: nouns in Chinese and Korean, words in Latin letters.

        Args:
            text: The message text.

        Returns:
            The words in order, without repeats (Chinese folded to Simplified).
        """
        import jieba.posseg

        found: list[str] = []
        for script, _, run in script_runs(text):
            if script == HAN:
                simplified = self._simplifier().convert(run)
                words = [
                    w
                    for w, flag in jieba.posseg.lcut(simplified)
                    # jieba.posseg keeps its dictionary's tag ("洽谈" v) when it was
                    # initialised before add_word: the event's own words are nouns here.
                    if flag.startswith(_CHINESE_NOUNS) or w in _domain_words("zh")
                ]
            elif script == HANGUL:
                words = [m.form for m in self._korean().tokenize(run) if m.tag in _KOREAN_NOUNS]
            else:
                words = [w for w in re.findall(r"[A-Za-z]{3,}", run)]
            found += [w for w in words if w not in found]
        return found

    def process(self, messages: list[Message]) -> list[Message]:
        """Tokenizes the messages and adds their content words to the parse result."""
        messages = super().process(messages)
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str):
                message.set(KEYWORDS, self.keywords(text), add_to_output=True)
        return messages

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        """Tokenizes the attribute of a message (called by Rasa's Tokenizer.process)."""
        text = message.get(attribute) or ""
        tokens = self.split_text(text)
        if not tokens:
            # Rasa featurizers expect at least one token, even for "👍" or "？？".
            tokens = [Token(text or " ", 0)]
        return self._apply_token_pattern(tokens)
