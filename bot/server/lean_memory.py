"""Memory measures for the serving Rasa server, applied once its model is loaded.

After fix 4 the Rasa server's memory is mostly its two analysers: Kiwi (~230 MiB
once it has tokenized; its smaller models tokenize differently, so it stays) and
jieba (its dictionary, kept as a trie: ``bot.nlu.jieba_dict``; jieba.posseg's HMM
tables and noun tags, loaded with the model: ``bot.nlu.tokenizer``). glibc keeps
the pages that loading freed unless asked (``malloc_trim``) and gives each
thread its own arena unless limited; the model's objects are moved out of the
collector's way (``gc.freeze``). The measures run after the model loads and again once the
server is warm (``settle``, from ``bot.server.warmup``). None of it changes a
result. Limiting glibc to one arena, or Kiwi to one worker, was measured too and
made no difference. ``KW_LEAN_MEMORY=off`` turns the measures off.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
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


def after_load(load: Callable[..., Any]) -> Callable[..., Any]:
    """Wraps ``Agent.load_model`` so the measures run once each model is in memory."""

    def load_model(*args: Any, **kwargs: Any) -> Any:
        result = load(*args, **kwargs)
        trim()
        gc.freeze()  # the model's objects stay: later collections need not walk them
        logger.info("Memory measures applied after the model load")
        return result

    load_model._kw_lean_memory = True  # type: ignore[attr-defined]
    return load_model


def installed() -> bool:
    """Whether ``install`` ran in this process (``KW_LEAN_MEMORY`` on, serving)."""
    from rasa.core.agent import Agent

    return bool(getattr(Agent.load_model, "_kw_lean_memory", False))


def settle() -> None:
    """The same measures once the server is warm (``bot.server.warmup``).

    The first Chinese and Korean turns load jieba's POS tables and Kiwi's working
    memory, and free what loading them took; handing that back here keeps it from
    lingering for the life of the server.
    """
    trim()
    gc.freeze()


def install() -> None:
    """Applies the measures to this process: arena limit now, the rest after each model load."""
    from rasa.core.agent import Agent

    limit_arenas()
    if not getattr(Agent.load_model, "_kw_lean_memory", False):
        Agent.load_model = after_load(Agent.load_model)
