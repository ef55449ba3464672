"""Candidates measured against the hand-curated facts of a source (the gold set).

The gold set is what the project's curated data says about the source, read from its
quotes:

- **figures**: every ckg:Observation with a quote into the source; a candidate figure
  matches when its position lies in one of the observation's quotes and its value, unit,
  qualifier and period are all the observation's. Precision is over every figure candidate.
- **recognitions**: every ckg:Recognition with a quote into the source; a candidate matches
  when its passage overlaps one of the recognition's quotes and its class, level and period
  (and, for a ranking, its rank and the place ranked over, ``ckg:rankScope``) are the
  recognition's. What the curated model records otherwise -- a laboratory's filing levels
  are grades of an outcome (``ckg:grade``), not recognitions -- is not in this gold set, and
  a candidate recognition there counts against precision.
- **places and organizations the source names**: places (countries, regions, natural
  features) and organizations with a quote into the source, and the administrative
  divisions its facts are about (sdmx-dimension:refArea, ckg:location, ckg:recipient,
  ckg:rankScope, ckg:jurisdiction); those whose name (label, alternative label, or the exact
  text of one of their quotes naming them) the text does not contain are not named by it
  and are left out, listed in ``unnamed`` (an actor the curation read from a sentence whose
  subject is a place). A candidate matches when it links to the resource's IRI or, for a new
  name, its text is one of those names.

Each candidate and each gold item is matched once at most. :func:`evaluate` runs the
extraction with the lexicon that leaves out the source's own curated resources
(``held_out=True``), so that names count only when the extractor finds them as it would in
a new document: through the gazetteer, a scope word or a rule for new names.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg.curate.extract import Extraction, compact, extract
from kg.curate.lexicon import build_lexicon, simplified_key
from kg.namespaces import CKG, OA, ORG, SDMX_ATTRIBUTE, SDMX_DIMENSION, SDMX_MEASURE
from kg.sources.clean import Source, find_source

RECOGNITION_CLASSES = (CKG.Designation, CKG.Award, CKG.Ranking, CKG.Acceptance, CKG.PilotSelection)
PLACE_CLASSES = (CKG.Country, CKG.Region, CKG.NaturalFeature)
DIVISION_LINKS = (SDMX_DIMENSION.refArea, CKG.location, CKG.recipient, CKG.rankScope, CKG.jurisdiction)


@dataclass
class Score:
    """Matches of one kind: ``gold`` items, ``found`` candidates, ``matched`` pairs, the
    gold items missed and the candidates matching nothing (``extra``)."""

    kind: str
    gold: int
    found: int
    matched: int
    missed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 1.0

    def line(self) -> str:
        from kg.words import rate

        # a rate of nothing (no gold fact, nothing found) is "n/a", not 100 %
        return (f"{self.kind}: recall {rate(self.matched, self.gold)} ({self.matched}/{self.gold}), "
                f"precision {rate(self.matched, self.found)} ({self.matched}/{self.found})")


@dataclass
class Evaluation:
    source: str
    scores: dict[str, Score]
    seconds: float
    unnamed: list[str]
    extraction: Extraction

    def report(self) -> str:
        lines = [f"{self.source}: extraction in {self.seconds:.1f} s"]
        for score in self.scores.values():
            lines.append("  " + score.line())
            lines += [f"    missed: {m}" for m in score.missed]
            lines += [f"    extra: {m}" for m in score.extra]
        if self.unnamed:
            lines.append("  not named in the text (left out of the gold set): " + ", ".join(self.unnamed))
        return "\n".join(lines)


def _quotes(graph: Graph, resource, text_iris: set) -> list[tuple[int, int, str]]:
    found = []
    for quote in graph.objects(resource, CKG.evidence):
        if graph.value(quote, OA.hasSource) not in text_iris:
            continue
        start = end = exact = None
        for selector in graph.objects(quote, OA.hasSelector):
            if (selector, RDF.type, OA.TextPositionSelector) in graph:
                start, end = int(graph.value(selector, OA.start)), int(graph.value(selector, OA.end))
            if (selector, RDF.type, OA.TextQuoteSelector) in graph:
                exact = str(graph.value(selector, OA.exact))
        if start is not None:
            found.append((start, end, exact or ""))
    return found


def _period(iri) -> str:
    return str(iri).rsplit("/", 1)[-1]


def _figures(graph: Graph, extraction: Extraction, texts: set) -> Score:
    gold = {}
    for observation in set(graph.subjects(RDF.type, CKG.Observation)):
        quotes = _quotes(graph, observation, texts)
        if quotes:
            gold[observation] = (quotes, Decimal(str(graph.value(observation, SDMX_MEASURE.obsValue))),
                                 compact(str(graph.value(observation, SDMX_ATTRIBUTE.unitMeasure))),
                                 str(graph.value(observation, CKG.valueQualifier)).split("#")[-1],
                                 _period(graph.value(observation, SDMX_DIMENSION.refPeriod)),
                                 str(graph.value(observation, CKG.reportedValue)))
    candidates = extraction.of_kind("figure")
    used: set[str] = set()
    matched = 0
    missed = []
    for observation, (quotes, value, unit, qualifier, period, reported) in sorted(gold.items()):
        hit = next((c for c in candidates if c.id not in used
                    and any(a <= c.span[0] and c.span[1] <= b for a, b, _ in quotes)
                    and Decimal(c.fields["value"]) == value and c.fields["unit"] == unit
                    and c.fields["qualifier"] == qualifier and c.fields["period"] == period), None)
        if hit is None:
            near = [c for c in candidates if any(a <= c.span[0] and c.span[1] <= b for a, b, _ in quotes)]
            why = "; ".join(f"{c.text}: {c.fields['value']} {c.fields['unit']} {c.fields['qualifier']} {c.fields['period']}"
                            for c in near) or "no figure found there"
            missed.append(f"{compact(str(observation))} {reported} {value} {unit} {qualifier} {period} (found: {why})")
        else:
            used.add(hit.id)
            matched += 1
    extra = [f"{c.id} {c.text}" for c in candidates if c.id not in used]
    return Score("figures", len(gold), len(candidates), matched, missed, extra)


def _recognitions(graph: Graph, extraction: Extraction, texts: set) -> Score:
    gold = {}
    for cls in RECOGNITION_CLASSES:
        for recognition in graph.subjects(RDF.type, cls):
            quotes = _quotes(graph, recognition, texts)
            if quotes:
                rank = graph.value(recognition, CKG.rank)
                scope = graph.value(recognition, CKG.rankScope)
                gold[recognition] = (quotes, compact(str(cls)), compact(str(graph.value(recognition, CKG.recognitionLevel))),
                                     _period(graph.value(recognition, CKG.period)), str(rank) if rank is not None else "",
                                     compact(str(scope)) if scope is not None else "")
    candidates = extraction.of_kind("recognition")
    used: set[str] = set()
    matched = 0
    missed = []
    for recognition, (quotes, cls, level, period, rank, scope) in sorted(gold.items()):
        hit = next((c for c in candidates if c.id not in used
                    and any(c.start < b and a < c.end for a, b, _ in quotes)
                    and c.fields["class"] == cls and c.fields["level"] == level and c.fields["period"] == period
                    and (not rank or c.fields["rank"] == rank) and (not scope or c.fields["scope"] == scope)), None)
        if hit is None:
            missed.append(f"{compact(str(recognition))} {cls} {level} {period} {rank} {scope}".rstrip())
        else:
            used.add(hit.id)
            matched += 1
    extra = [f"{c.id} {c.text} {c.fields['class']}" for c in candidates if c.id not in used]
    return Score("recognitions", len(gold), len(candidates), matched, missed, extra)


def _names(graph: Graph, resource) -> set[str]:
    return {simplified_key(str(label)) for prop in (RDFS.label, SKOS.altLabel)
            for label in graph.objects(resource, prop) if getattr(label, "language", "") in ("zh-Hans", "zh-Hant")}


def _named(graph: Graph, extraction: Extraction, texts: set) -> tuple[Score, Score, list[str]]:
    text_key = simplified_key(extraction.text)
    facts = set()
    for subject in set(graph.subjects(CKG.evidence, None)):
        if _quotes(graph, subject, texts):
            facts.add(subject)
    divisions = {o for s in facts for p in DIVISION_LINKS for o in graph.objects(s, p)
                 if (o, RDF.type, CKG.CountyLevelDivision) in graph or (o, RDF.type, CKG.PrefectureLevelDivision) in graph
                 or (o, RDF.type, CKG.Province) in graph or (o, RDF.type, CKG.Country) in graph}
    places = {s for s in facts if any((s, RDF.type, c) in graph for c in PLACE_CLASSES)} | divisions
    organizations = {s for s in facts if (s, RDF.type, ORG.Organization) in graph
                     and (s, RDF.type, CKG.MediaOrganization) not in graph}
    unnamed = []
    scores = []
    for kind, gold_set, kinds in (("places", places, ("place",)), ("organizations", organizations, ("organization",))):
        named = {}
        for resource in sorted(gold_set):
            names = _names(graph, resource) | {simplified_key(exact) for _a, _b, exact in _quotes(graph, resource, texts)
                                               if simplified_key(exact) and len(exact) <= 12}
            if resource in divisions:
                names |= {n[:-1] for n in names if len(n) > 2 and n[-1] in "省市县区"}
            in_text = {n for n in names if n and n in text_key}
            if not in_text and not (kind == "places" and resource in divisions):
                unnamed.append(compact(str(resource)))
                continue
            named[resource] = in_text
        candidates = extraction.of_kind(*kinds)
        used: set[str] = set()
        matched = 0
        missed = []
        for resource, names in named.items():
            iri = compact(str(resource))
            hit = next((c for c in candidates if c.id not in used and (c.fields["iri"] == iri or (
                c.fields["status"] == "new" and simplified_key(c.text) in names))), None)
            if hit is None:
                missed.append(f"{iri} ({', '.join(sorted(names)) or 'named by a scope word'})")
            else:
                used.add(hit.id)
                matched += 1
        scores.append(Score(kind, len(named), len(candidates), matched, missed,
                            [f"{c.id} {c.text}" for c in candidates if c.id not in used]))
    return scores[0], scores[1], unnamed


def evaluate(source: Source | str, *, held_out: bool = True, graph: Graph | None = None) -> Evaluation:
    """Extract ``source`` and score it against its curated facts (see the module's
    docstring); ``graph``: the curated graph (default: the project's, as loaded)."""
    from kg.store.load import project

    source = find_source(source) if isinstance(source, str) else source
    graph = project().union() if graph is None else graph
    texts = {URIRef(str(source.text_iri)), URIRef(str(source.copy_iri))}
    started = time.perf_counter()
    lexicon = build_lexicon(exclude_source=source.key if held_out else None)
    extraction = extract(source, lexicon=lexicon)
    seconds = time.perf_counter() - started
    places, organizations, unnamed = _named(graph, extraction, texts)
    scores = {"figures": _figures(graph, extraction, texts), "recognitions": _recognitions(graph, extraction, texts),
              "places": places, "organizations": organizations}
    return Evaluation(source.key, scores, seconds, unnamed, extraction)
