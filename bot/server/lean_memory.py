"""Memory measures for the serving Rasa server, applied once its model is loaded.

After fix 4 the Rasa server's memory is mostly its two analysers: Kiwi (~210 MB,
the model itself; its smaller models tokenize differently, so it stays) and jieba
(~190 MB of Python dicts built from its dictionary file). jieba's tables hold one
string object per key and per POS tag although the same words and tags repeat:
pointing every table at one copy of each word, tag and frequency leaves the same
lookups with about 60 MB less. glibc then keeps the freed pages unless asked
(``malloc_trim``), and gives each thread its own arena unless limited. None of it
changes a result: the tables hold equal values, only fewer objects.
``KW_LEAN_MEMORY=off`` turns it all off.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import sys
from collections.abc import Callable
from functools import lru_cache
from typing import Any

logger = logging.getLogger(__name__)

_M_ARENA_MAX = -8  # glibc mallopt parameter


@lru_cache(maxsize=1)
def _libc() -> Any:
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name) if name else None
    except OSError:
        return None


def limit_arenas(arenas: int = 2) -> bool:
    """Limits glibc to ``arenas`` malloc arenas (before threads start); False where not glibc."""
    libc = _libc()
    return bool(
        libc is not None and hasattr(libc, "mallopt") and libc.mallopt(_M_ARENA_MAX, arenas)
    )


def trim() -> None:
    """Collects garbage and hands glibc's free pages back to the system."""
    gc.collect()
    libc = _libc()
    if libc is not None and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)


def _shared(table: dict[str, Any], words: dict[str, str], numbers: dict[Any, Any]) -> dict:
    """``table`` rebuilt with one object per equal word and value (same items, same order)."""
    return {
        words.setdefault(key, key): (
            sys.intern(value) if isinstance(value, str) else numbers.setdefault(value, value)
        )
        for key, value in table.items()
    }


def compact_jieba() -> int:
    """Shares equal words, tags and frequencies across jieba's loaded tables.

    Returns:
        How many entries were rebuilt (0 when jieba is not loaded).
    """
    jieba = sys.modules.get("jieba")
    if jieba is None or not getattr(jieba.dt, "initialized", False):
        return 0
    # The tokenizer imports jieba.posseg (its tag table) at the first message:
    # loading it now lets its table be shared too, and spares that first message.
    import jieba.posseg  # noqa: F401
    words: dict[str, str] = {}
    numbers: dict[Any, Any] = {}
    tokenizer = jieba.dt
    tokenizer.FREQ = _shared(tokenizer.FREQ, words, numbers)
    count = len(tokenizer.FREQ)
    posseg = sys.modules.get("jieba.posseg")
    if posseg is not None:
        for owner in {id(posseg.dt): posseg.dt, id(tokenizer): tokenizer}.values():
            for name in ("word_tag_tab", "user_word_tag_tab"):
                table = getattr(owner, name, None)
                if isinstance(table, dict) and table:
                    setattr(owner, name, _shared(table, words, numbers))
                    count += len(table)
    return count


def after_load(load: Callable[..., Any]) -> Callable[..., Any]:
    """Wraps ``Agent.load_model`` so the measures run once each model is in memory."""

    def load_model(*args: Any, **kwargs: Any) -> Any:
        result = load(*args, **kwargs)
        shared = compact_jieba()
        trim()
        gc.freeze()  # the model's objects stay: later collections need not walk them
        logger.info("Memory measures applied (%d jieba entries shared)", shared)
        return result

    load_model._kw_lean_memory = True  # type: ignore[attr-defined]
    return load_model


def install() -> None:
    """Applies the measures to this process: arena limit now, the rest after each model load."""
    from rasa.core.agent import Agent

    limit_arenas()
    if not getattr(Agent.load_model, "_kw_lean_memory", False):
        Agent.load_model = after_load(Agent.load_model)
