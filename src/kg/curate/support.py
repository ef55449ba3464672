"""Stated or inferred: for each relation a review row becomes, whether the document says it.

docs/model.md, "Stated and inferred": a relation is **stated** when a quote names both ends
(the quote is one of the object's ``ckg:evidence`` quotes, overlaps one in the same text, or
contains one of its labels or alternative labels in the text's language, quotation marks
aside), and **inferred** otherwise, with the reason in English. The rule here is the one
``queries/checks/unsupported-statement-violation.rq`` enforces, so what the review shows is
what validation will find:

- the row's own quote names the object: stated, nothing to record (the common case);
- for a recognition, the sentence around the quote names it (``2022年,鹽津縣被...命名為...``:
  the year and the recipient come before the title): stated, recorded as an ``rdf:Statement``
  citing the sentence;
- otherwise inferred, with the reason: where the value came from (the document's place, its
  date line, the issuer's level, the reviewer).

A name row's place and responsible body are never widened to the sentence: a sentence that
happens to contain 雲南省 does not say that 省人民政府 is Yunnan's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from rdflib import URIRef

from kg.namespaces import CKG, SCHEMA

_QUOTE_MARKS = re.compile("[“”「」]")
_SENTENCE_END = "。！？!?\n"

#: For each kind of row, the relations it writes: (review column, property, role in words).
RELATIONS = {
    "recognition": (("recipient", CKG.recipient, "recipient"), ("period", CKG.period, "period"),
                    ("level", CKG.recognitionLevel, "level"), ("issuer", CKG.issuedBy, "issuer"),
                    ("scope", CKG.rankScope, "scope of the ranking")),
    "facility": (("place", SCHEMA.containedInPlace, "place"),),
    "place": (("place", SCHEMA.containedInPlace, "containing place"),),
    "organization": (("place", CKG.jurisdiction, "jurisdiction"),),
    "program": (("place", CKG.location, "place"), ("issuer", CKG.responsibleOrganization, "responsible body")),
    "policy": (("issuer", CKG.responsibleOrganization, "responsible body"),),
}


def plain(text: str) -> str:
    """``text`` without quotation marks (“” 「」), as the check compares names."""
    return _QUOTE_MARKS.sub("", text)


def names(quote: str, labels: set[str]) -> bool:
    """Whether ``quote`` contains one of ``labels`` (quotation marks aside)."""
    text = plain(quote)
    return any(label and plain(label) in text for label in labels)


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence holding ``text[start:end]``: from after the previous 。！？ or line break
    to before the next (offsets in ``text``)."""
    left = max(text.rfind(ch, 0, start) for ch in _SENTENCE_END) + 1
    rights = [i for i in (text.find(ch, max(end - 1, start)) for ch in _SENTENCE_END) if i != -1]
    right = min(rights) if rights else len(text)
    return left, max(right, end)


@dataclass(frozen=True)
class Support:
    """One relation of a row: its review ``column``, ``prop`` and ``obj``; ``evidence`` the
    passage (start, end) that names both ends when it is not the row's own quote; ``reason``
    (English) when the document does not state it, else None."""

    column: str
    prop: URIRef
    obj: URIRef
    evidence: tuple[int, int] | None = None
    reason: str | None = None

    @property
    def stated(self) -> bool:
        return self.reason is None

    def describe(self) -> str:
        """The review's words: ``recipient stated by the sentence``, ``level inferred: ...``."""
        if self.stated:
            return f"{self.column} stated" + (" by the sentence" if self.evidence else "")
        return f"{self.column} inferred: {self.reason}"


def describe(supports: list[Support]) -> str:
    """The review's ``assertion`` cell for a row's relations (empty: it writes none)."""
    return "; ".join(s.describe() for s in supports)


class Assessor:
    """Judges the relations of rows of one document.

    ``text``: the cleaned text; ``labels(iri)`` -> the names of a resource in the text's
    language (labels and alternative labels); ``spans(iri)`` -> its evidence quotes in this
    text, as (start, end); ``english(iri)`` -> a name for the reasons; ``place``: the
    document's place IRI; ``published``: the document's date.
    """

    def __init__(self, text: str, labels, spans, english, place: str, published: date | None, period_of):
        self.text, self.labels, self.spans, self.english = text, labels, spans, english
        self.place, self.published, self.period_of = place, published, period_of

    def _level_word(self, level: URIRef, start: int, end: int) -> str | None:
        """The word of the passage the extractor reads ``level`` from (國家 -> national), as written."""
        from kg.curate.recognitions import LEVEL_WORDS
        from kg.curate.segment import aligned_simplified

        simplified = aligned_simplified(self.text[start:end])
        for word, meant in LEVEL_WORDS:
            if meant == level and word in simplified:
                at = simplified.index(word)
                return self.text[start + at:start + at + len(word)]
        return None

    def _named_in(self, start: int, end: int, obj: URIRef) -> bool:
        if any(a < end and start < b for a, b in self.spans(obj)):
            return True
        return names(self.text[start:end], self.labels(obj))

    def judge(self, kind: str, column: str, prop: URIRef, obj: URIRef, start: int, end: int,
              issuer: URIRef | None = None, scope: URIRef | None = None) -> Support:
        """The support of ``(row subject, prop, obj)`` for a row of ``kind`` quoting ``start``-``end``;
        ``issuer`` and ``scope``: the row's, which a level may have been read from."""
        if self._named_in(start, end, obj):
            return Support(column, prop, obj)
        where = "quote"
        if kind == "recognition":
            sentence = sentence_around(self.text, start, end)
            if self._named_in(*sentence, obj):
                return Support(column, prop, obj, evidence=sentence)
            where = "sentence"
        return Support(column, prop, obj, reason=self._reason(kind, column, prop, obj, start, end, where, issuer, scope))

    def _reason(self, kind, column, prop, obj, start, end, where, issuer, scope) -> str:
        name = self.english(obj)
        if prop == CKG.period:
            sentence = sentence_around(self.text, start, end)
            said = [expression for expression, slug in self.period_of(self.text[sentence[0]:sentence[1]])
                    if slug == str(obj).rsplit("/", 1)[-1]]
            if said:
                return (f"the sentence says {said[0]}, read as {name} from the document's date line"
                        f" ({self.published.isoformat() if self.published else 'undated'})")
            if self.published is not None and str(obj).endswith(f"/asof-{self.published.isoformat()}"):
                return (f"the period is the document's date line ({self.published.isoformat()}): "
                        f"the sentence gives no year")
            return f"the period ({name}) is the reviewer's reading: the {where} does not name it"
        if prop == CKG.recognitionLevel:
            if issuer is not None:
                return f"the level ({name}) is the issuer's ({self.english(issuer)}): the {where} names no level"
            said = self._level_word(obj, *sentence_around(self.text, start, end))
            if said:
                return f"the sentence says {said}, read as {name}"
            if scope is not None:
                return f"the level ({name}) is that of the place ranked over ({self.english(scope)}): the {where} names no level"
            return f"the level ({name}) is the reviewer's reading: the {where} names no level"
        role = next((r for c, p, r in RELATIONS.get(kind, ()) if p == prop), column)
        if str(obj) == self.place:
            return f"the {role} is the document's place ({name}): the {where} names no {role}"
        return f"the {role} ({name}) is the reviewer's reading: the {where} does not name it"


__all__ = ["RELATIONS", "Assessor", "Support", "describe", "names", "plain", "sentence_around"]
