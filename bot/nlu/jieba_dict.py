"""jieba's dictionary in a trie: the same segmentation in a fifth of the memory.

``jieba.initialize()`` keeps its dictionary as a Python dict of 498,113 strings
(every word and every prefix of a word) to frequencies: 75 MiB of the Rasa
server's memory. ``CompactFrequencies`` answers the same questions jieba asks
of that dict (``in``, ``[]``, ``get``, and ``[]=`` for the words we add) from a
marisa trie and an array of frequencies: 3 MiB. Measured on every training and
held-out example (6,330 messages): identical segmentation, 0.22 s → 0.29 s for
all of them (about 10 µs more per message).

Building the trie from jieba's dictionary takes about a second, so it is built
once and cached (``~/.cache/korea-week/``, keyed by jieba's version and the
dictionary's SHA-256); later starts read the cache instead of initializing jieba
at all. ``python -m bot.nlu.jieba_dict`` builds it ahead (the Docker image does).
"""

from __future__ import annotations

import array
import hashlib
import logging
import os
import struct
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

#: Start of a cache file; a format change gets a new one.
_MAGIC = b"KWJIEBA1"
_HEADER = struct.Struct("<8sQQ")  # magic, jieba's total, trie length


class CompactFrequencies:
    """jieba's word → frequency mapping, from a trie, with a dict for words added later.

    Args:
        trie: A ``marisa_trie.Trie`` of every word and word prefix.
        frequencies: The frequency of each trie key, by key id (prefixes: 0).
    """

    __slots__ = ("_trie", "_frequencies", "_added")

    def __init__(self, trie: Any, frequencies: array.array[int]) -> None:
        self._trie = trie
        self._frequencies = frequencies
        self._added: dict[str, int] = {}

    def __contains__(self, word: object) -> bool:
        return word in self._added or word in self._trie

    def __getitem__(self, word: str) -> int:
        if word in self._added:
            return self._added[word]
        return self._frequencies[self._trie[word]]

    def get(self, word: str, default: int | None = None) -> int | None:
        """The word's frequency, or ``default`` when jieba does not know it."""
        if word in self._added:
            return self._added[word]
        key = self._trie.get(word)
        return default if key is None else self._frequencies[key]

    def __setitem__(self, word: str, frequency: int) -> None:
        self._added[word] = frequency

    def __len__(self) -> int:
        return len(self._trie) + sum(1 for word in self._added if word not in self._trie)

    def __iter__(self) -> Iterator[str]:
        yield from self._trie.keys()
        yield from (word for word in self._added if word not in self._trie)


def compact(frequencies: dict[str, int]) -> CompactFrequencies:
    """Builds the compact form of ``jieba.dt.FREQ``."""
    import marisa_trie

    trie = marisa_trie.Trie(frequencies)
    values = array.array("I", bytes(4 * len(trie)))
    for word, frequency in frequencies.items():
        values[trie[word]] = frequency
    return CompactFrequencies(trie, values)


def _dictionary_digest(tokenizer: Any) -> str:
    import jieba

    with tokenizer.get_dict_file() as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()[:16]
    return f"{jieba.__version__}-{digest}"


def cache_path(tokenizer: Any, folder: Path | None = None) -> Path:
    """Where the compact dictionary of ``tokenizer``'s dictionary file is cached."""
    folder = folder or Path.home() / ".cache" / "korea-week"
    return folder / f"jieba-{_dictionary_digest(tokenizer)}.bin"


def _write(path: Path, table: CompactFrequencies, total: int) -> None:
    trie = table._trie.tobytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".jieba-")
    with os.fdopen(handle, "wb") as out:
        out.write(_HEADER.pack(_MAGIC, total, len(trie)))
        out.write(trie)
        out.write(table._frequencies.tobytes())
    os.replace(temporary, path)  # whole or not at all, even with two servers starting


def _read(path: Path) -> tuple[CompactFrequencies, int]:
    import marisa_trie

    data = path.read_bytes()
    magic, total, trie_length = _HEADER.unpack_from(data)
    start = _HEADER.size
    if magic != _MAGIC or len(data) < start + trie_length:
        raise ValueError(f"{path} is not a compact jieba dictionary")
    trie = marisa_trie.Trie().frombytes(data[start : start + trie_length])
    values = array.array("I")
    values.frombytes(data[start + trie_length :])
    if len(values) != len(trie):
        raise ValueError(f"{path} is truncated")
    return CompactFrequencies(trie, values), total


def initialize(tokenizer: Any = None, folder: Path | None = None) -> Path | None:
    """Initializes jieba's tokenizer with the compact dictionary, from the cache if there.

    Args:
        tokenizer: A ``jieba.Tokenizer``; jieba's default one if None.
        folder: The cache folder (tests); ``~/.cache/korea-week`` if None.

    Returns:
        The cache file, or None when it could not be written (then built in memory).
    """
    import jieba

    tokenizer = tokenizer or jieba.dt
    path = cache_path(tokenizer, folder)
    cached: Path | None = path
    with tokenizer.lock:
        try:
            table, total = _read(path)
        except FileNotFoundError:
            table = None
        except (OSError, ValueError, struct.error) as error:
            logger.warning("Rebuilding jieba's compact dictionary: %s", error)
            table = None
        if table is None:
            tokenizer.initialize()
            table, total = compact(tokenizer.FREQ), tokenizer.total
            try:
                _write(path, table, total)
            except OSError as error:
                logger.warning("Could not cache jieba's compact dictionary at %s: %s", path, error)
                cached = None
        tokenizer.FREQ, tokenizer.total, tokenizer.initialized = table, total, True
    return cached


def main() -> None:
    """``python -m bot.nlu.jieba_dict``: builds the cache ahead and prints its path."""
    print(initialize() or "not cached: the cache folder is not writable")


if __name__ == "__main__":
    main()
