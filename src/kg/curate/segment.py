"""Words of a Chinese text with their offsets and parts of speech: jieba, with the graph's names.

jieba's dictionary and its part-of-speech tables ship inside the package: nothing is
downloaded. The prefix dictionary is built from that file on first use (a few seconds)
without jieba's cache, a marshal file in the shared temporary directory that any local user
could have written; jieba's own log handler, which writes to stderr, is removed so that its
records go through the ``kg`` program's logging like any library's.

jieba's dictionary is in Simplified characters, so a Traditional text is segmented through
its Simplified form (OpenCC t2s), which has the same length: offsets and words are those of
the original text. Names the graph already knows (places, organizations, programs,
indicators) are added as words so that they come out whole (水富港, not 水 / 富港).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from kg.sources.clean import to_simplified

# jieba's part-of-speech tags used here (ICTCLAS): ns place name, nt organization name,
# nr person name, nz other proper noun, m numeral, q classifier, x punctuation/other.
PLACE_TAG, ORGANIZATION_TAG, PERSON_TAG, PROPER_TAG = "ns", "nt", "nr", "nz"

#: The frequency given to a name added as a word: high enough that jieba keeps it whole
#: against the dictionary's splits (jieba suggests frequencies the same way, from a cut).
NAME_FREQUENCY = 20_000


@dataclass(frozen=True)
class Token:
    """One word: ``text`` as written (the original script), ``start``/``end`` code-point
    offsets into the text (end exclusive), ``tag`` jieba's part of speech."""

    text: str
    start: int
    end: int
    tag: str


def aligned_simplified(text: str) -> str:
    """``text`` in Simplified characters with the same length, so offsets carry over (OpenCC
    maps phrases; where a phrase changes length, one character at a time)."""
    simplified = to_simplified(text)
    if len(simplified) == len(text):
        return simplified
    return "".join(c if len(c := to_simplified(ch)) == 1 else ch for ch in text)


@cache
def _dictionary() -> tuple[dict[str, int], int, dict[str, str]]:
    """jieba's shipped dictionary, read once: (prefix dictionary, total frequency, word tags)."""
    import jieba
    import jieba.posseg

    logging.getLogger("jieba").handlers.clear()
    logging.getLogger("jieba").propagate = True
    tokenizer = jieba.Tokenizer()
    with open(tokenizer.get_dict_file().name, "rb") as handle:
        frequencies, total = tokenizer.gen_pfdict(handle)
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = frequencies, total, True
    tags = jieba.posseg.POSTokenizer(tokenizer).word_tag_tab
    return frequencies, total, tags


class Segmenter:
    """A private jieba tokenizer (the global one is left alone) with its own added names:
    two segmenters never share the names added to either."""

    def __init__(self) -> None:
        import jieba
        import jieba.posseg

        frequencies, total, tags = _dictionary()
        tokenizer = jieba.Tokenizer()
        tokenizer.FREQ, tokenizer.total, tokenizer.initialized = dict(frequencies), total, True
        pos = jieba.posseg.POSTokenizer.__new__(jieba.posseg.POSTokenizer)
        pos.tokenizer, pos.word_tag_tab = tokenizer, dict(tags)
        self._tokenizer = tokenizer
        self._pos = pos
        self._lock = threading.Lock()
        self.added: set[str] = set()

    def add_names(self, names: Iterable[str], tag: str) -> None:
        """Add names (either script; stored Simplified) as words tagged ``tag``."""
        with self._lock:
            for name in names:
                simplified = to_simplified(name)
                if len(simplified) < 2 or simplified in self.added:
                    continue
                self.added.add(simplified)
                self._tokenizer.add_word(simplified, NAME_FREQUENCY, tag)

    def tokens(self, text: str) -> list[Token]:
        """The words of ``text`` in order, covering it exactly, with offsets and tags."""
        simplified = aligned_simplified(text)
        found: list[Token] = []
        offset = 0
        with self._lock:
            pairs = list(self._pos.cut(simplified))
        for pair in pairs:
            end = offset + len(pair.word)
            found.append(Token(text[offset:end], offset, end, pair.flag))
            offset = end
        return found
