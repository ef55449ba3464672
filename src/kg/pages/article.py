"""The article view: the cleaned text with every quote re-anchored and highlighted.

Quotes are anchored as the Web Annotation tools do (Hypothesis, Apache Annotator): the
position selector first, kept if the text there equals the quote's ``oa:exact``; otherwise
the quote is searched for by its exact text, an occurrence whose prefix and suffix match
winning (then the one nearest the stated position). A quote found nowhere is an
:class:`AnchorError`: the build stops, naming it, rather than leave a gap in the view.

The text is then cut at every quote boundary and paragraph end into segments, each knowing the
quotes that cover it, so overlapping quotes show as deeper highlights and a click on any
segment lists every quote (and every fact) it belongs to.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from kg.errors import KgError
from kg.pages.reader import Quote


class AnchorError(KgError):
    """A quote whose text cannot be found in its source text."""


@dataclass(frozen=True)
class Anchor:
    """Where a quote sits in the text: ``start``/``end`` code points; ``moved`` when the
    position selector was wrong and the quote was found by its text."""

    quote: Quote
    start: int
    end: int
    moved: bool = False

    @property
    def key(self) -> str:
        return f"{self.start}-{self.end}"


def _affix_score(text: str, start: int, end: int, quote: Quote) -> int:
    """How many characters of the quote's prefix and suffix agree with the text around
    ``start``..``end`` (counted from the quote outwards)."""
    score = 0
    before = text[max(0, start - len(quote.prefix)):start]
    for a, b in zip(reversed(before), reversed(quote.prefix)):
        if a != b:
            break
        score += 1
    after = text[end:end + len(quote.suffix)]
    for a, b in zip(after, quote.suffix):
        if a != b:
            break
        score += 1
    return score


def anchor(text: str, quote: Quote) -> Anchor:
    """Anchor ``quote`` in ``text`` (see the module docstring); AnchorError if it is not there."""
    if not quote.exact:
        raise AnchorError(f"<{quote.iri}>: the quote has no oa:exact text to anchor")
    start, end = quote.start, quote.end
    if start is not None and end is not None and 0 <= start < end <= len(text) and text[start:end] == quote.exact:
        return Anchor(quote, start, end)
    found = [m.start() for m in re.finditer(re.escape(quote.exact), text)]
    if not found:
        raise AnchorError(f"<{quote.iri}>: its text {quote.exact[:40]!r} is nowhere in the source text "
                          f"<{quote.source}>")
    stated = start if start is not None else 0
    best = max(found, key=lambda at: (_affix_score(text, at, at + len(quote.exact), quote), -abs(at - stated)))
    return Anchor(quote, best, best + len(quote.exact), moved=True)


@dataclass(frozen=True)
class Segment:
    """A run of text covered by the same quotes (``keys``: their anchors' keys, outermost first)."""

    start: int
    end: int
    text: str
    keys: tuple[str, ...]
    opens: tuple[str, ...]  # anchors that begin here


@dataclass(frozen=True)
class Paragraph:
    segments: tuple[Segment, ...]
    heading: bool


def segments(text: str, anchors: Iterable[Anchor]) -> list[Paragraph]:
    """``text`` cut into paragraphs (its lines) and each into segments at every anchor boundary."""
    anchors = sorted(anchors, key=lambda a: (a.start, -a.end, a.key))
    cuts = {0, len(text)}
    for a in anchors:
        cuts |= {a.start, a.end}
    at = 0
    for line in text.split("\n"):
        cuts |= {at, at + len(line)}
        at += len(line) + 1
    cuts = sorted(c for c in cuts if 0 <= c <= len(text))
    paragraphs: list[Paragraph] = []
    current: list[Segment] = []
    for left, right in zip(cuts, cuts[1:]):
        piece = text[left:right]
        if not piece:
            continue
        parts = piece.split("\n")
        offset = left
        for number, part in enumerate(parts):
            if number:
                if current:
                    paragraphs.append(_paragraph(current))
                current = []
                offset += 1
            if part:
                covering = tuple(a.key for a in anchors if a.start <= offset and offset + len(part) <= a.end)
                opens = tuple(a.key for a in anchors if a.start == offset)
                current.append(Segment(offset, offset + len(part), part, tuple(dict.fromkeys(covering)),
                                       tuple(dict.fromkeys(opens))))
            offset += len(part)
    if current:
        paragraphs.append(_paragraph(current))
    return paragraphs


def _paragraph(found: list[Segment]) -> Paragraph:
    length = sum(len(s.text) for s in found)
    # The article's section titles are single short lines without a full stop.
    text = "".join(s.text for s in found)
    return Paragraph(tuple(found), heading=length <= 30 and not re.search(r"[。！？.!?]$", text))


@dataclass(frozen=True)
class Coverage:
    characters: int
    covered: int
    quotes: int

    @property
    def share(self) -> float:
        return self.covered / self.characters if self.characters else 0.0


def coverage(text: str, anchors: Iterable[Anchor]) -> Coverage:
    """How much of ``text`` (line breaks not counted) the anchors cover."""
    anchors = list(anchors)
    covered = [False] * len(text)
    for a in anchors:
        for i in range(a.start, a.end):
            covered[i] = True
    characters = sum(1 for ch in text if ch != "\n")
    return Coverage(characters, sum(1 for i, flag in enumerate(covered) if flag and text[i] != "\n"), len(anchors))
