"""Validation on an Oxigraph store: the SPARQL checks, the quote check and the report of the
shapes' results, for a whole graph or incrementally after an import (only the focus nodes
whose results the new graph can change).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS

from kg.errors import KgError
from kg.labels import LANGUAGES
from kg.namespaces import CKGSH, SH, bind_prefixes
from kg.store.fast import SUBCLASS, FastGraph, Progress, _format, _quiet
from kg.store.load import language_tag
from kg.store.oxigraph import load_file
from kg.store import ntriples
from kg.validate import engines as shacl_engines
from kg.validate import lexical
from kg.store.syntax import oxigraph_input
from kg.validate.partitions import (
    PendingShacl,
    ShaclResult,
    _rows_report,
    _term,
    lexical_marks,
    locality,
    start_shacl,
    validate_focus,
    validate_shacl,
)


def run_checks(graph: FastGraph, *, timings: dict[str, float] | None = None) -> list[tuple[Path, dict]]:
    """Each ``queries/checks/*-violation.rq`` on the store (as kg.validate.run_checks)."""
    from kg.store.sparql import run_oxigraph
    from kg.validate.report import check_queries

    found = []
    for query_path in check_queries():
        started = time.perf_counter()
        try:
            results = run_oxigraph(graph.store, query_path.read_text(encoding="utf-8"), {})
        except Exception as exc:  # noqa: BLE001 - a broken check is a project bug; say which file
            raise KgError(f"{query_path}: check query failed: {exc}") from None
        for row in results.rows:
            found.append((query_path, {k: v for k, v in zip(results.variables, row) if v is not None}))
        if timings is not None:
            timings[query_path.stem] = time.perf_counter() - started
    return found


_QUOTES = """
PREFIX ckg: <https://w3id.org/county-kg/ontology#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?quote (SAMPLE(?src) AS ?source) (SAMPLE(?ex) AS ?exact) (SAMPLE(?st) AS ?start) (SAMPLE(?en) AS ?end) WHERE {
  ?quote rdf:type ckg:Quote .
  OPTIONAL { ?quote oa:hasSource ?src }
  OPTIONAL { ?quote oa:hasSelector ?t . ?t rdf:type oa:TextQuoteSelector ; oa:exact ?ex }
  OPTIONAL { ?quote oa:hasSelector ?p . ?p rdf:type oa:TextPositionSelector ; oa:start ?st ; oa:end ?en }
} GROUP BY ?quote
"""


def project_texts() -> dict[str, str]:
    """The cleaned texts of the project's registered sources, by text IRI."""
    from kg.sources.clean import load_sources

    return {str(s.text_iri): s.hant_path.read_text(encoding="utf-8") for s in load_sources() if s.hant_path.exists()}


def check_quotes(graph: FastGraph, texts: Mapping[str, str] | None = None,
                 quotes: Iterable[str] | None = None) -> list[tuple[URIRef, str, str]]:
    """:func:`kg.validate.report.check_quotes` on the store. ``texts``: source text by text IRI
    (default: the project's cleaned texts); a mapping may compute a text on lookup (the
    synthetic texts of kg.synth)."""
    from kg.validate.report import quote_offsets

    texts = project_texts() if texts is None else texts
    query = _QUOTES
    if quotes is not None:
        wanted = list(quotes)
        if not wanted:
            return []
        query = query.replace("?quote rdf:type ckg:Quote .",
                              "VALUES ?quote { " + " ".join(_term(q) for q in wanted) + " } ?quote rdf:type ckg:Quote .")
    problems = []
    for row in graph.store.query(query):
        quote = URIRef(row["quote"].value)
        source = row["source"]
        text = None
        if source is not None:
            try:
                text = texts[source.value]
            except KeyError:
                text = None
        if text is None:
            problems.append((quote, "oa:hasSource", f"unknown source text {source.value if source else None}"))
            continue
        exact, start, end = row["exact"], row["start"], row["end"]
        if exact is None or start is None or end is None:
            problems.append((quote, "oa:hasSelector", "quote lacks a TextQuoteSelector or TextPositionSelector"))
            continue
        offsets = quote_offsets(start.value, end.value)
        if isinstance(offsets, str):
            problems.append((quote, "oa:start", offsets))
            continue
        start, end = offsets
        if not 0 <= start < end <= len(text):
            problems.append((quote, "oa:start", f"offsets {start}-{end} outside the source text (length {len(text)})"))
        elif text[start:end] != exact.value:
            problems.append((quote, "oa:exact", f"text at {start}-{end} is {text[start:end]!r}, not {exact.value!r}"))
    return sorted(problems, key=lambda p: str(p[0]))


class StoreLabels:
    """kg.labels.label and compact on the store, for the few nodes a report names."""

    def __init__(self, store: ox.Store):
        self.store = store
        self.names = bind_prefixes(Graph())
        self._predicate = ox.NamedNode(str(RDFS.label))

    def compact(self, node) -> str:
        from kg.labels import compact

        return compact(self.names, node)

    def label(self, node, lang: str = "en") -> str:
        if isinstance(node, URIRef):
            subject = ox.NamedNode(str(node))
            labels = {}
            for quad in self.store.quads_for_pattern(subject, self._predicate, None, ox.DefaultGraph()):
                if isinstance(quad.object, ox.Literal):
                    labels[_lang(quad.object.language)] = quad.object.value
            for candidate in (lang, *LANGUAGES, None):
                if candidate in labels:
                    return labels[candidate]
        return self.compact(node)


def _lang(tag: str | None) -> str | None:
    """Oxigraph lower-cases language tags; the project writes zh-Hans, zh-Hant, en."""
    return None if tag is None else language_tag(tag)


def files_defining(graph: FastGraph, nodes: Iterable) -> dict[str, list[Path]]:
    """The files in which each node is a subject. Small files are parsed; large N-Triples files
    are searched for the node's line start, so naming the files of a few results costs no
    second load of a million triples."""
    wanted = {str(n) for n in nodes if isinstance(n, URIRef)}
    found: dict[str, list[Path]] = {n: [] for n in wanted}
    if not wanted:
        return found
    for path in graph.files:
        if path.suffix.lower() in (".nt", ".nq") and path.stat().st_size > 8_000_000:
            with path.open("rb") as handle:
                body = handle.read()
            for node in wanted:
                needle = f"<{node}> ".encode()
                if body.startswith(needle) or body.find(b"\n" + needle) >= 0:
                    found[node].append(path)
            continue
        for quad in ox.parse(**oxigraph_input(path), format=_format(path)):
            subject = quad.subject
            if isinstance(subject, ox.NamedNode) and subject.value in wanted and path not in found[subject.value]:
                found[subject.value].append(path)
    return found


def store_results(graph: FastGraph, *, checks: bool = True, quotes: bool = True,
                  texts: dict[str, str] | None = None) -> list[tuple]:
    """The results of the SPARQL checks and the quote check on the store:
    (focus, path, component, message, source) each."""
    from kg.validate.report import check_results

    extra: list[tuple] = []
    if checks:
        extra += check_results(run_checks(graph), StoreLabels(graph.store).compact)
    if quotes:
        for quote, path, message in check_quotes(graph, texts):
            extra.append((quote, path, CKGSH.QuoteTextCheck, message, CKGSH.QuoteTextCheck))
    return extra


def build_report(graph: FastGraph, shacl: ShaclResult, *, checks: bool = True, quotes: bool = True,
                 lang: str = "en", texts: dict[str, str] | None = None, extra: list[tuple] | None = None):
    """The ValidationReport kg.validate.validate_loaded would give for these files (``extra``:
    :func:`store_results` if already computed)."""
    from kg.validate.report import (
        SEVERITIES,
        ValidationReport,
        ValidationResult,
        _add_result,
        value_text,
    )

    names = StoreLabels(graph.store)
    shacl_graph = shacl.report
    bind_prefixes(shacl_graph)
    if extra is None:
        extra = store_results(graph, checks=checks, quotes=quotes, texts=texts)
    where = files_defining(graph, [r[0] for r in shacl.rows] + [e[0] for e in extra])
    results = []
    for focus, path, component, severity, message, value, shape in shacl.rows:
        results.append(ValidationResult(
            focus=focus, focus_label=names.label(focus, lang), path=path,
            component=_compact(shacl_graph, component), severity=SEVERITIES.get(severity, str(severity)),
            message=message, value=value_text(names.names, value),
            source=_compact(graph.shapes, shape) if shape is not None else None,
            files=where.get(str(focus), []),
        ))
    report_node = next(iter(shacl_graph.subjects(RDF.type, SH.ValidationReport)))
    for focus, path, component, message, source in extra:
        _add_result(shacl_graph, report_node, focus, path, component, message, source)
        results.append(ValidationResult(
            focus=focus, focus_label=names.label(focus, lang), path=path,
            component=_compact(shacl_graph, component), severity="Violation", message=message,
            source=Path(source.removeprefix("file://")).name if str(source).startswith("file:") else _compact(shacl_graph, source),
            files=where.get(str(focus), []),
        ))
    shacl_engines.set_conforms(shacl_graph)
    return ValidationReport(results, shacl_graph)


def _compact(graph: Graph, node) -> str:
    from kg.labels import compact

    return compact(graph, node)


def validate(graph: FastGraph, *, checks: bool = True, quotes: bool = True, lang: str = "en",
             partitioned: bool | None = None, workers: int = 2, partition_size: int = 2_500,
             texts: dict[str, str] | None = None, progress: Progress = _quiet):
    """Shapes, checks and quotes: a kg.validate.ValidationReport. The checks and the quote
    check query the store while the SHACL partitions are validated."""
    started = time.perf_counter()
    pending = start_shacl(graph, partitioned=partitioned, workers=workers, partition_size=partition_size,
                          progress=progress)
    try:
        extra = store_results(graph, checks=checks, quotes=quotes, texts=texts)
    finally:
        shacl = pending.result() if isinstance(pending, PendingShacl) else pending
    graph.seconds["shacl"] = shacl.seconds
    report = build_report(graph, shacl, lang=lang, extra=extra)
    graph.seconds["validate"] = time.perf_counter() - started
    return report


@dataclass
class ImportResult:
    path: Path
    triples: int
    focus_nodes: int
    report: object  # kg.validate.ValidationReport of the whole graph after the import
    shacl_seconds: float
    seconds: float
    full: bool  # the whole graph had to be validated again (the import changed the ontology)


def changed_focus(graph: FastGraph, added: ox.Store, inverse: Iterable[str]) -> tuple[set[str], bool]:
    """The focus nodes whose SHACL results can change when ``added``'s triples join the graph
    (given :func:`locality`): their subjects; the nodes they point at through inverse-path
    predicates; every node pointing at one of their subjects (a value whose description
    changed); and the targets of inverse-path triples from those subjects. True as second
    value when the import touches the class hierarchy (then everything may change)."""
    inverse = {str(p) for p in inverse}
    subjects: set[str] = set()
    focus: set[str] = set()
    hierarchy = False
    for quad in added:
        s, p, o = quad.subject, quad.predicate.value, quad.object
        if p == SUBCLASS:
            hierarchy = True
        if isinstance(s, ox.NamedNode):
            subjects.add(s.value)
        if p in inverse and isinstance(o, ox.NamedNode):
            focus.add(o.value)
    focus |= subjects
    if subjects:
        values = " ".join(_term(s) for s in subjects)
        inv = " ".join(_term(p) for p in sorted(inverse))
        query = f"SELECT DISTINCT ?n WHERE {{ VALUES ?x {{ {values} }} {{ ?n ?p ?x }}"
        if inv:
            query += f" UNION {{ VALUES ?pi {{ {inv} }} ?x ?pi ?n }}"
        query += " FILTER(isIRI(?n)) }"
        focus |= {row[0].value for row in graph.store.query(query)}
    return focus, hierarchy


@dataclass
class Validated:
    """A validated graph: the SHACL rows (kept for incremental validation) and the report."""

    graph: FastGraph
    shacl: ShaclResult
    report: object  # kg.validate.ValidationReport


def validate_state(graph: FastGraph, **options) -> Validated:
    """:func:`validate`, keeping the SHACL rows an import can update."""
    started = time.perf_counter()
    shacl = validate_shacl(graph, **{k: v for k, v in options.items() if k in ("partitioned", "workers", "partition_size")})
    graph.seconds["shacl"] = shacl.seconds
    report = build_report(graph, shacl, **{k: v for k, v in options.items() if k in ("checks", "quotes", "lang", "texts")})
    graph.seconds["validate"] = time.perf_counter() - started
    return Validated(graph, shacl, report)


def validate_import(validated: Validated, path: Path | str, *, checks: bool = True, quotes: bool = True,
                    lang: str = "en", texts: dict[str, str] | None = None) -> ImportResult:
    """Add ``path`` (one more county's table) to a validated graph and validate what changed.

    Only the focus nodes of :func:`changed_focus` go through SHACL (with their neighbourhood);
    their old results are replaced, all others kept. The SPARQL checks and the quote check,
    which compare nodes across the graph, run again on the store. The report equals a
    validation of the whole graph from scratch (tests/test_shacl_engines.py checks this).
    """
    started = time.perf_counter()
    graph = validated.graph
    path = Path(path)
    added = ox.Store()
    load_file(added, path)
    before = len(graph.store)
    known = lexical_marks(graph)  # the files' ill-formed literals: the store cannot tell them all
    graph.store.extend(added)
    graph.data_files.append(path)
    _text, new = lexical.mark_ntriples(ntriples.dump([path]))
    graph._lexical = (tuple(graph.files), lexical.Marks([*known.items, *new.items]))
    graph.data_triples += len(graph.store) - before
    local = locality(graph.shapes)
    focus, hierarchy = changed_focus(graph, added, local.inverse)
    shacl_started = time.perf_counter()
    if hierarchy or not local.exact:
        shacl = validate_shacl(graph)
        full = True
    else:
        fresh = validate_focus(graph, sorted(focus), local=local)
        kept = [r for r in validated.shacl.rows if not (isinstance(r[0], URIRef) and str(r[0]) in focus)]
        rows = kept + fresh.rows
        shacl = ShaclResult(not rows, rows,
                            _rows_report(graph.shapes, rows), 1, fresh.seconds, len(focus))
        full = False
    shacl_seconds = time.perf_counter() - shacl_started
    report = build_report(graph, shacl, checks=checks, quotes=quotes, lang=lang, texts=texts)
    validated.shacl, validated.report = shacl, report
    return ImportResult(path, len(added), len(focus), report, shacl_seconds, time.perf_counter() - started, full)

