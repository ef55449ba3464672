"""``kg extract``: every candidate fact of a registered document, each with its quote.

:func:`extract` is the entry point. It reads the source's cleaned text (the reference for
offsets) and proposes, as :class:`Candidate` rows of one kind each:

- ``figure``: a figure (:mod:`kg.curate.numbers`) with the indicator phrase it measures,
  its period (:mod:`kg.curate.timex`) and its place (the document's; other divisions the
  sentence names are listed in the note); the quote is the clause that states it;
- ``place``, ``organization``, ``facility``, ``policy``, ``program``, ``indicator``: a name
  (:mod:`kg.curate.mentions`), linked to the resource the graph or the gazetteer knows, or
  proposed as a new one with an IRI made from its pinyin (the reviewer may change it); one
  row per resource (or new name), quoting its first occurrence;
- ``recognition``: a title, award, ranking, acceptance or pilot (:mod:`kg.curate.recognitions`)
  with level, issuer, rank and scope where the sentence names them.

Candidates have stable ids (kind and offsets), so a review survives re-extraction
(:mod:`kg.curate.review`).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal

from kg.curate.lexicon import Lexicon, build_lexicon, curated_graph_for
from kg.curate.mentions import Mention, MentionFinder
from kg.curate.numbers import Figure, Skipped, find_figures
from kg.curate.recognitions import Recognition, find_recognitions
from kg.curate.segment import Segmenter, Token, aligned_simplified
from kg.curate.timex import PeriodMention, find_periods, period_at
from kg.errors import KgError
from kg.link.values import decimal_lexical
from kg.namespaces import CKG, PREFIXES
from kg.sources.clean import Source, find_source

KINDS = ("figure", "recognition", "place", "organization", "facility", "policy", "program", "indicator")
_CLAUSE_END = "，,；;。！!？?\n"
_LEAD_WORDS = ("实现", "完成", "达到", "达", "累计", "共计", "共", "争取", "带动", "新增", "全年", "其中", "全市",
               "全县", "全区", "首次", "同比", "比上年", "较上年", "年产", "培育", "打造", "申报", "引进", "将", "仅有", "有")
_TRAILING_WORDS = ("首次", "累计", "共计", "共", "达到", "达", "约", "同比")
_THEME_WORDS = (("旅游", "tourism"), ("游客", "tourism"), ("外贸", "economy"), ("出口", "economy"),
                ("生产总值", "economy"), ("资金", "economy"), ("投资", "economy"), ("收入", "economy"),
                ("产值", "industry"), ("产能", "industry"), ("年产", "industry"), ("就业", "industry"),
                ("物流", "logistics"), ("高考", "education"), ("学校", "education"), ("教师", "education"),
                ("医疗", "health"), ("卫生", "health"), ("病", "health"), ("农业", "agriculture"),
                ("村", "agriculture"), ("党员", "party-building"), ("干部", "party-building"))


def compact(iri: str | None) -> str:
    """``place:530681`` for a project IRI (the review's form); other IRIs as they are."""
    if not iri:
        return ""
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda kv: -len(str(kv[1]))):
        if iri.startswith(str(namespace)) and prefix not in ("q",):
            local = iri[len(str(namespace)):]
            if re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", local):
                return f"{prefix}:{local}"
    return iri


@dataclass(frozen=True)
class Candidate:
    """One row of the review: ``kind``, the ``quote`` (exact text at ``start``-``end`` of
    the cleaned text), the candidate's own ``text`` (the figure or the name as written) and
    its ``fields`` (column -> value, the review's editable cells), and ``span``, the offsets
    of ``text``."""

    id: str
    kind: str
    start: int
    end: int
    quote: str
    text: str
    span: tuple[int, int]
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class Extraction:
    """What :func:`extract` found in one source, and the time each step took (seconds)."""

    source: Source
    text: str
    candidates: list[Candidate]
    skipped: list[Skipped]
    seconds: dict[str, float]

    def of_kind(self, *kinds: str) -> list[Candidate]:
        return [c for c in self.candidates if c.kind in kinds]


def published_date(source: Source) -> date | None:
    """The document's date: the registry's, else its header's (as cleaned)."""
    issued = source.issued_value()
    if issued is not None:
        return issued.date() if isinstance(issued, datetime) else issued
    from kg.sources.clean import clean_texts

    article, _outputs, _raw = clean_texts(source)
    published = article.published
    return published.date() if isinstance(published, datetime) else published


def _clause(text: str, start: int, end: int, more: str = "") -> tuple[int, int]:
    left = max(text.rfind(ch, 0, start) for ch in _CLAUSE_END + more) + 1
    rights = [i for i in (text.find(ch, end) for ch in _CLAUSE_END + more) if i != -1]
    return left, min(rights) if rights else len(text)


def indicator_phrase(text: str, tokens: list[Token], figure: Figure, periods: list[PeriodMention],
                     mentions: list[Mention]) -> str:
    """The words of the figure's clause that say what it measures: before the figure, less
    the period, the place and leading verbs (``2022年實現產值12.76億元`` -> ``產值``); when
    nothing is left, the words after it (``5名高考生進入全省前50名`` -> ``高考生進入全省前50名``)."""
    start, end = _clause(text, figure.start, figure.end, "、")
    for period in periods:
        if start <= period.start < figure.start:
            start = max(start, period.end)
    for mention in mentions:
        if mention.kind == "place" and mention.start == start:
            start = mention.end
    before = text[start:figure.start]
    simplified = aligned_simplified(before)
    changed = True
    while changed:
        changed = False
        for word in sorted(_LEAD_WORDS, key=len, reverse=True):
            if simplified.startswith(word) and len(simplified) > len(word):
                before, simplified, changed = before[len(word):], simplified[len(word):], True
    changed = True
    while changed:
        changed = False
        for word in _TRAILING_WORDS:
            if simplified.endswith(word) and len(simplified) > len(word):
                before, simplified, changed = before[:-len(word)], simplified[:-len(word)], True
    before = before.strip(" ,，、:：“”")
    after = text[figure.end:end].strip(" ,，、“”")
    phrase = before if len(before) >= 2 else after or before
    return phrase[:30]


def graph_themes(graph) -> frozenset[str]:
    """The local names of the graph's ckg:Theme individuals (data/core/themes.ttl)."""
    from rdflib.namespace import RDF

    from kg.namespaces import CKG, THEME

    return frozenset(str(t)[len(str(THEME)):] for t in graph.subjects(RDF.type, CKG.Theme) if str(t).startswith(str(THEME)))


def _theme(phrase: str, themes: frozenset[str]) -> str:
    """The theme a figure's phrase suggests, only ever one of ``themes`` (the graph's)."""
    simplified = aligned_simplified(phrase)
    return next((f"theme:{theme}" for word, theme in _THEME_WORDS if word in simplified and theme in themes), "")


def slug(text: str) -> str:
    """A lower-case kebab-case local name from a Chinese name, by its pinyin (pypinyin):
    a proposal the reviewer may replace with an English one."""
    from pypinyin import lazy_pinyin

    words = [w for w in re.split(r"[^a-z0-9]+", "-".join(lazy_pinyin(aligned_simplified(text))).lower()) if w]
    return "-".join(words)[:60].strip("-") or "unnamed"


#: Facility types (data/core/facility-types.ttl) proposed by a new facility's last word.
FACILITY_TYPES = (("水电站", "ftype:hydropower-station"), ("港", "ftype:port"), ("景区", "ftype:scenic-area"),
                  ("物流信息产业园", "ftype:logistics-park"), ("产业园", "ftype:industrial-park"),
                  ("园区", "ftype:industrial-park"), ("开发区", "ftype:development-zone"),
                  ("经开区", "ftype:development-zone"), ("廊道", "ftype:transport-corridor"),
                  ("生产线", "ftype:production-line"), ("工作站", "ftype:expert-workstation"),
                  ("卫生院", "ftype:health-centre"), ("实验室", "ftype:laboratory"), ("中医馆", "ftype:tcm-clinic"),
                  ("平台", "ftype:service-platform"))
_NEW_NAMESPACE = {"place": "place", "facility": "fac", "organization": "agent", "policy": "pol", "program": "prog",
                  "indicator": "ind"}


def _figure_candidates(source, text, tokens, figures, periods, mentions, published, place,
                       themes: frozenset[str]) -> list[Candidate]:
    rows = []
    for figure in figures:
        start, end = _clause(text, figure.start, figure.end)
        period, how = period_at(text, figure.start, periods, published)
        others = sorted({m.text for m in mentions if m.kind == "place" and start <= m.start < end and m.iri
                         and m.iri != place})
        phrase = indicator_phrase(text, tokens, figure, periods, mentions)
        known = [m for m in mentions if m.kind == "indicator" and m.iri and start <= m.start and m.end <= figure.start]
        indicator_iri = compact(known[-1].iri) if known else ""
        if known and known[-1].text not in phrase:
            phrase = known[-1].text
        note = [f"period from {how}"]
        if figure.unit_from == "indicator":
            note.append("no unit written: yuan, as the indicator is a sum of money")
        if others:
            note.append("the sentence also names " + ", ".join(others))
        rows.append(Candidate(
            f"figure-{figure.start}-{figure.end}", "figure", start, end, text[start:end], figure.reported,
            (figure.start, figure.end),
            {"indicator": phrase, "indicator_iri": indicator_iri, "value": decimal_lexical(Decimal(figure.value)),
             "unit": compact(str(figure.unit)), "qualifier": figure.qualifier.split("#")[-1],
             "period": period.slug if period else "", "place": compact(place), "theme": _theme(phrase, themes),
             "note": "; ".join(note)}))
    return rows


def _mention_candidates(text, mentions: list[Mention]) -> list[Candidate]:
    """One row per resource (or new name), quoting its first occurrence."""
    rows: dict[str, Candidate] = {}
    counts: dict[str, int] = {}
    for mention in mentions:
        key = mention.iri or f"new:{mention.kind}:{aligned_simplified(mention.text)}"
        counts[key] = counts.get(key, 0) + 1
        if key in rows:
            continue
        iri = mention.iri or f"{_NEW_NAMESPACE[mention.kind]}:{slug(mention.text)}"
        simplified = aligned_simplified(mention.text)
        facility_type = next((t for suffix, t in FACILITY_TYPES if simplified.endswith(suffix)), "") \
            if mention.kind == "facility" and not mention.iri else ""
        rows[key] = Candidate(
            f"{mention.kind}-{mention.start}-{mention.end}", mention.kind, mention.start, mention.end, mention.text,
            mention.text, (mention.start, mention.end),
            {"class": compact(mention.cls), "iri": compact(iri) if mention.iri else iri,
             "status": "known" if mention.known else "new", "label_zh": mention.text, "facility_type": facility_type,
             "note": "; ".join(x for x in (mention.how, mention.note) if x)})
    result = []
    for key, row in rows.items():
        if counts[key] > 1:
            row = replace(row, fields={**row.fields, "note": row.fields["note"] + f"; {counts[key]} mentions"})
        result.append(row)
    return result


def _recognition_candidates(text, recognitions: list[Recognition], periods, mentions, published, place,
                            lexicon: Lexicon) -> list[Candidate]:
    rows = []
    seen: dict[tuple[int, int], int] = {}
    organizations = [m for m in mentions if m.kind == "organization"]
    for recognition in recognitions:
        span = (recognition.start, recognition.end)
        seen[span] = seen.get(span, 0) + 1
        period, how = period_at(text, recognition.start, periods, published)
        issuer = ""
        if recognition.issuer_start is not None:
            named = next((m for m in organizations if m.start == recognition.issuer_start), None)
            if named is not None:
                # the organization's row: its IRI, or the one its row proposes for a new name
                issuer = compact(named.iri) if named.iri else f"agent:{slug(named.text)}"
            else:
                issuer = recognition.issuer or ""
        scope, level = "", recognition.level
        if recognition.scope:
            scoped = next((m for m in mentions if m.kind == "place" and m.text == recognition.scope and m.iri), None)
            scope = compact(scoped.iri) if scoped else recognition.scope
            if level is None and scoped is not None:
                level = _division_level(scoped.iri)
        rows.append(Candidate(
            f"recognition-{recognition.start}-{recognition.end}-{seen[span]}", "recognition", recognition.start,
            recognition.end, text[recognition.start:recognition.end], recognition.name, span,
            {"class": compact(recognition.cls), "label_zh": recognition.name,
             "level": compact(level) if level else "", "issuer": issuer,
             "rank": str(recognition.rank or ""), "scope": scope, "recipient": compact(place),
             "period": period.slug if period else "", "batch": str(recognition.batch or ""),
             "note": f"{recognition.trigger}; period from {how}"}))
    return rows


def _division_level(iri: str) -> str | None:
    """The administrative level of a ranking over a division: its code's length (GB/T 2260:
    two digits a province, four a prefecture, six a county; place:CN the country)."""
    code = iri.rsplit("/", 1)[-1]
    if code == "CN":
        return str(CKG.NationalLevel)
    if code.isdigit():
        return {2: str(CKG.ProvincialLevel), 4: str(CKG.PrefecturalLevel), 6: str(CKG.CountyLevel)}.get(len(code))
    return None


def extract(source: Source | str, *, lexicon: Lexicon | None = None, segmenter: Segmenter | None = None) -> Extraction:
    """Every candidate of ``source`` (a registered Source or its key), in text order by kind.
    ``lexicon``: the names to link (default: the project's graph, less the source's own
    ``facts.ttl``, and gazetteer). Raises
    KgError when the cleaned text is missing (run ``kg source clean``)."""
    from kg.link.resolve import PlaceResolver

    seconds: dict[str, float] = {}
    mark = time.perf_counter()
    source = find_source(source) if isinstance(source, str) else source
    try:
        text = source.text_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KgError(f"{source.text_path}: the cleaned text is missing: run `kg source clean`") from None
    published = published_date(source)
    place = source.place or ""
    lexicon = lexicon or build_lexicon(curated_graph_for(source))  # its own facts.ttl is what the review makes
    seconds["lexicon"] = time.perf_counter() - mark

    mark = time.perf_counter()
    segmenter = segmenter or Segmenter()
    words = lexicon.word_list()
    for tag in sorted(set(words.values())):
        segmenter.add_names(sorted(w for w, t in words.items() if t == tag), tag)
    tokens = segmenter.tokens(text)
    seconds["segmentation"] = time.perf_counter() - mark

    mark = time.perf_counter()
    periods = find_periods(text, published)
    figures, skipped = find_figures(text)
    mentions = MentionFinder(lexicon, PlaceResolver(), place).find(text, tokens)
    recognitions = find_recognitions(text)
    candidates = (_figure_candidates(source, text, tokens, figures, periods, mentions, published, place,
                                     graph_themes(curated_graph_for(source)))
                  + _recognition_candidates(text, recognitions, periods, mentions, published, place, lexicon)
                  + _mention_candidates(text, mentions))
    seconds["candidates"] = time.perf_counter() - mark
    order = {kind: i for i, kind in enumerate(KINDS)}
    candidates.sort(key=lambda c: (order[c.kind], c.span, c.id))
    kept_skips = [s for s in skipped if s.with_unit]  # bare numerals (九大會戰, 2022年) are no news
    return Extraction(source, text, candidates, kept_skips, seconds)


__all__ = ["Candidate", "Extraction", "compact", "extract", "indicator_phrase", "slug"]
