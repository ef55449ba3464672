"""Validation on a generation of the store: SHACL (by partition on large graphs), the SPARQL
checks and the quote check, in one report; for the whole graph, or incrementally after some
named graphs changed (only the focus nodes whose results the change can alter go through
SHACL again, the other results are kept from the previous generation's record).

The quote check decides the same at every size: a quote citing a source text the project
holds (its cleaned texts, and the texts ``kg synth`` generates, given as ``texts``) must equal
that text at its offsets, or it is a violation; a quote citing a text the project does not
hold cannot be checked, and is reported as such (``sh:Info``, counted in the report), not as a
violation.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from kg import __version__
from kg.errors import KgError
from kg.labels import LANGUAGES
from kg.namespaces import CKGSH, OA, SH, bind_prefixes
from kg.store.graph import SUBCLASS, StoreGraph
from kg.store.load import language_tag
from kg.store.persistent import blank_subject_lines
from kg.store.results import counted
from kg.store.sparql import rdflib_term
from kg.validate import engines as shacl_engines
from kg.validate.checkscope import Changes
from kg.validate.partitions import (
    PendingShacl,
    ShaclResult,
    _rows_report,
    _term,
    locality,
    start_shacl,
    validate_focus,
)

Progress = Callable[[str], None]


def _quiet(_message: str) -> None:
    pass


def run_checks(graph: StoreGraph, *, timings: dict[str, float] | None = None,
               only: Collection[str] | None = None,
               focus: Mapping[str, Iterable[str]] | None = None) -> list[tuple[Path, dict]]:
    """Each ``queries/checks/*-violation.rq`` on the store (as kg.validate.run_checks).
    ``only``: the checks (file stems) to run (None: all); ``focus``: by check, the focus nodes
    to run it for (kg.validate.checkscope.restricted), the others whole. Raises KgError naming
    the check when it fails, or cannot be bound to its focus nodes."""
    from kg.store.sparql import run_oxigraph
    from kg.validate.checkscope import SCOPES, restricted
    from kg.validate.report import check_queries

    found = []
    for query_path in check_queries():
        if only is not None and query_path.stem not in only:
            continue
        text = query_path.read_text(encoding="utf-8")
        if focus is not None and query_path.stem in focus:
            text = restricted(text, SCOPES[query_path.stem], focus[query_path.stem])
            if text is None:
                raise KgError(f"{query_path}: the check cannot be bound to its focus nodes "
                              f"(kg.validate.checkscope.SCOPES names text it does not hold)")
        started = time.perf_counter()
        try:
            results = run_oxigraph(graph.store, text, {})
        except Exception as exc:  # noqa: BLE001 - a broken check is a project bug; say which file
            raise KgError(f"{query_path}: check query failed: {exc}") from None
        for row in results.rows:
            found.append((query_path, {k: v for k, v in zip(results.variables, row) if v is not None}))
        if timings is not None:
            timings[query_path.stem] = time.perf_counter() - started
    return found


def checks_after_change(graph: StoreGraph, previous: list[tuple], changed: Changes | Iterable[ox.Triple]) -> list[tuple]:
    """The check entries (as :func:`store_results` makes them) after the ``changed`` triples
    joined or left the graph, ``previous`` the entries of the generation before (the quote
    check's included, ignored): for each check, the previous entries of the focus nodes the
    change cannot alter (kg.validate.checkscope) and the check run for the others. A check
    whose scope is unknown, too large (more focus nodes than
    :func:`kg.validate.checkscope.scoped_at_most` of the graph's triples) or names a blank
    node runs whole: the same rows, exact either way. A scope that looks up each changed
    subject's partners (:attr:`kg.validate.checkscope.Scope.looks_up`) is not asked when the
    changed subjects alone are over that limit: its check runs whole without the look-ups
    (a regional table's 6,500 subjects: half a second of look-ups whose focus was then over
    the limit)."""
    from kg.validate.checkscope import restricted, scope_for, scoped_at_most
    from kg.validate.report import check_constraint, check_queries, check_results

    changes = changed if isinstance(changed, Changes) else Changes.of(changed)
    at_most = scoped_at_most(len(graph))
    kept: list[tuple] = []
    scoped: dict[str, set[str]] = {}
    whole: list[str] = []
    for query_path in check_queries():
        name, source = query_path.stem, check_constraint(query_path)
        before = [e for e in previous if e[4] == source]
        text = query_path.read_text(encoding="utf-8")
        scope = scope_for(name, text)
        focus = None
        if (scope is not None and not (changes.blank & scope.reads)
                and not (scope.looks_up and len(changes.subjects) > at_most)
                and not any(isinstance(e[0], BNode) for e in before)):
            focus = scope.focus(graph.store, changes)
        if focus is not None and focus and restricted(text, scope, ()) is None:
            focus = None
        # the nodes that can have a row at all, before the size is judged: a new national
        # graph names 74,000 nodes the dangling-reference check could see, none of them undescribed
        run = scope.candidates(graph.store, focus) if focus and scope.candidates is not None else focus
        if run is None or len(run) > at_most:
            whole.append(name)
            continue
        kept += [e for e in before if str(e[0]) not in focus]
        if run:
            scoped[name] = run
    found = run_checks(graph, only={*scoped, *whole}, focus=scoped) if scoped or whole else []
    return kept + [(*entry, SH.Violation) for entry in check_results(found)]


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
    from kg.sources.clean import reference_texts

    return reference_texts()


def check_quotes(graph: StoreGraph, texts: Mapping[str, str] | None = None,
                 quotes: Iterable[str] | None = None) -> list[tuple[URIRef, URIRef, str, URIRef]]:
    """Every quote whose exact text is not its source text at its offsets, and every quote
    whose source text is not among ``texts`` (not checked): (quote, path, message, severity),
    the path a predicate IRI (oa:hasSource, oa:start...), the severity sh:Violation or sh:Info.
    ``texts``: source text by text IRI (default: the project's cleaned texts); a mapping may
    compute a text on lookup (the synthetic texts of kg.synth.SourceTexts)."""
    from kg.validate.report import NOT_CHECKED, quote_offsets

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
        if source is None:
            problems.append((quote, OA.hasSource, "quote names no source text (oa:hasSource)", SH.Violation))
            continue
        try:
            text = texts[source.value]
        except KeyError:
            problems.append((quote, OA.hasSource, NOT_CHECKED.format(source=source.value), SH.Info))
            continue
        exact, start, end = row["exact"], row["start"], row["end"]
        if exact is None or start is None or end is None:
            problems.append((quote, OA.hasSelector, "quote lacks a TextQuoteSelector or TextPositionSelector",
                             SH.Violation))
            continue
        offsets = quote_offsets(start.value, end.value)
        if isinstance(offsets, str):
            problems.append((quote, OA.start, offsets, SH.Violation))
            continue
        start, end = offsets
        if not 0 <= start < end <= len(text):
            problems.append((quote, OA.start, f"offsets {start}-{end} outside the source text (length {len(text)})",
                             SH.Violation))
        elif text[start:end] != exact.value:
            problems.append((quote, OA.exact, f"text at {start}-{end} is {text[start:end]!r}, not {exact.value!r}",
                             SH.Violation))
    return sorted(problems, key=lambda p: str(p[0]))


class StoreLabels:
    """kg.labels.label and compact on the store, for the few nodes a report names."""

    def __init__(self, store: ox.Store, graph: StoreGraph | None = None):
        self.store = store
        self.graph = graph  # its cached N-Triples: the blank-node labels SHACL reports
        self.names = bind_prefixes(Graph())
        self._predicate = ox.NamedNode(str(RDFS.label))
        # an IRI's compact name, once: a national table's 71,000 warnings name the same few
        # constraint components 71,000 times (rdflib's normalizeUri: about 20 us a call)
        self._compacted: dict[URIRef, str] = {}

    def compact(self, node) -> str:
        from kg.labels import compact

        if isinstance(node, BNode):  # named by the statement naming it or by what is said of it
            return compact(self._around(node), node)
        if isinstance(node, URIRef):
            found = self._compacted.get(node)
            if found is None:
                found = self._compacted[node] = compact(self.names, node)
            return found
        return compact(self.names, node)

    def _around(self, node: BNode) -> Graph:
        """The triples of the default graph with the blank node ``node`` as subject or object,
        as an rdflib graph with the project's prefixes (kg.labels.blank_node reads them)."""
        graph = bind_prefixes(Graph())
        blank = ox.BlankNode(str(node))
        for quad in (*self.store.quads_for_pattern(blank, None, None, None),
                     *self.store.quads_for_pattern(None, None, blank, None)):  # (in any graph: each file its own)
            graph.add(tuple(rdflib_term(t) for t in (quad.subject, quad.predicate, quad.object)))
        if not len(graph) and self.graph is not None:
            for triple in self._cached_triples(str(node)):
                graph.add(tuple(rdflib_term(t) for t in triple))
        return graph

    def _cached_triples(self, label: str) -> list:
        """The triples naming the blank node ``label`` in the cached N-Triples of its file.
        SHACL validates those (the files' terms), whose labels are ``<digest>x<label>``
        (kg.store.persistent's cache); the store's bulk load gives blank nodes its own ids."""
        digest, separator, _rest = label.partition("x")
        entries = [e for e in self.graph.entries if separator and e.sha256.startswith(digest)]
        term = f"_:{label}".encode("utf-8")
        lines = b"".join(line + b"\n" for line in self.graph.ntriples(entries).splitlines()
                         if term + b" " in line)  # as subject or object (a space follows a term)
        return [(t.subject, t.predicate, t.object) for t in ox.parse(lines, format=ox.RdfFormat.N_TRIPLES)]

    def label(self, node, lang: str = "en") -> str:
        if isinstance(node, (URIRef, BNode)):
            subject = ox.NamedNode(str(node)) if isinstance(node, URIRef) else ox.BlankNode(str(node))
            labels = {}
            for quad in self.store.quads_for_pattern(subject, self._predicate, None, ox.DefaultGraph()):
                if isinstance(quad.object, ox.Literal):
                    labels[_lang(quad.object.language)] = quad.object.value
            if not labels and isinstance(node, BNode):  # a label of the files' (see _around)
                for value in self._around(node).objects(node, RDFS.label):
                    if isinstance(value, Literal):
                        labels[value.language] = str(value)
            for candidate in (lang, *LANGUAGES, None):
                if candidate in labels:
                    return labels[candidate]
        return self.compact(node)


class _Names:
    """Compact names with the project's prefixes (no store needed)."""

    def __init__(self):
        self.names = bind_prefixes(Graph())

    def compact(self, node) -> str:
        from kg.labels import compact

        return compact(self.names, node)


_NAMES = _Names()


def _lang(tag: str | None) -> str | None:
    """Oxigraph lower-cases language tags; the project writes zh-Hans, zh-Hant, en."""
    return None if tag is None else language_tag(tag)


def store_results(graph: StoreGraph, *, checks: bool = True, quotes: bool = True,
                  texts: Mapping[str, str] | None = None,
                  after: tuple[list[tuple], Changes] | None = None, reference_checks: bool = False) -> list[tuple]:
    """The results of the SPARQL checks and the quote check on the store:
    (focus, path, component, message, source, severity) each. ``after``: (the previous
    generation's entries, the changes since: kg.validate.checkscope.Changes), to run the
    checks only for what the change can alter (:func:`checks_after_change`); without it, each
    check runs on the nodes that can have a row at all (the same rows).
    ``reference_checks``: each check's query as written, over the whole store (the
    reference the scoped checks are tested against: tests/test_check_scope.py)."""
    from kg.validate.report import check_results

    extra: list[tuple] = []
    if checks and after is not None:
        extra += checks_after_change(graph, *after)
    elif checks and reference_checks:
        extra += [(*entry, SH.Violation) for entry in check_results(run_checks(graph))]
    elif checks:
        # the whole graph as a change from an empty one, which has no rows: each check runs on
        # the nodes that can have a row at all (kg.validate.checkscope), the same rows as on
        # every triple. The dangling-reference and undefined-term checks read every triple of
        # the store to find the few nodes they are about: 1.38 s -> 0.85 s on the project.
        extra += checks_after_change(graph, [], Changes.of_ntriples_files(graph.paths[e.graph] for e in graph.entries))
    if quotes:
        for quote, path, message, severity in check_quotes(graph, texts):
            extra.append((quote, path, CKGSH.QuoteTextCheck, message, CKGSH.QuoteTextCheck, severity))
    return extra


def build_report(graph: StoreGraph, shacl: ShaclResult, extra: list[tuple], *, lang: str = "en",
                 known: Mapping | None = None):
    """The kg.validate.report.ValidationReport of SHACL rows and ``extra`` (:func:`store_results`),
    each result with its focus node's label and the files that describe it. ``known``: the
    results already made for some rows or extra entries (by the row, in ``lang``): kept as they
    are, so that a national graph's tens of thousands of unchanged warnings are not looked up
    again after a change."""
    from kg.validate.report import (
        SEVERITIES,
        ValidationReport,
        ValidationResult,
        _add_result,
        value_text,
    )

    names = StoreLabels(graph.store, graph)
    shapes = graph.shapes
    known = known or {}
    where = graph.files_defining([r[0] for r in shacl.rows if r not in known]
                                 + [e[0] for e in extra if e not in known])
    results = []
    shown: dict = {}

    def shape_names(shape) -> str:  # (a few shapes name tens of thousands of results)
        found = shown.get(shape)
        if found is None:
            found = shown[shape] = _compact(shapes, shape)
        return found

    for row in shacl.rows:
        if row in known:
            results.append(known[row])
            continue
        focus, path, component, severity, message, value, shape = row
        results.append(ValidationResult(
            focus=focus, focus_label=names.label(focus, lang), path=path,
            shown=names.compact(focus),
            component=names.compact(component), severity=SEVERITIES.get(severity, str(severity)),
            message=message, value=names.compact(value) if isinstance(value, BNode) else value_text(names.names, value),
            source=shape_names(shape) if shape is not None else None,
            files=where.get(str(focus), []),
        ))
    for entry in extra:
        if entry in known:
            results.append(known[entry])
            continue
        focus, path, component, message, source, severity = entry
        results.append(ValidationResult(
            focus=focus, focus_label=names.label(focus, lang), path=names.compact(path) if path is not None else None,
            shown=names.compact(focus),
            component=names.compact(component), severity=SEVERITIES[severity], message=message,
            source=names.compact(source),
            files=where.get(str(focus), []),
        ))

    def report_graph() -> Graph:
        """The SHACL report graph (for the Turtle rendering): made only when asked for, since
        a national graph's tens of thousands of warnings make it large."""
        made = shacl.report if shacl.report is not None else _rows_report(shapes, shacl.rows)
        bind_prefixes(made)
        node = next(iter(made.subjects(RDF.type, SH.ValidationReport)))
        for focus, path, component, message, source, severity in extra:
            _add_result(made, node, focus, path, component, message, source, severity)
        shacl_engines.set_conforms(made)  # SHACL's sh:conforms: no result of any severity
        return made

    return ValidationReport(results, report_graph)


def _compact(graph: Graph, node) -> str:
    from kg.labels import compact

    return compact(graph, node)


@dataclass
class Validated:
    """A validated generation: the SHACL rows (kept for the next incremental validation), the
    results of the checks and the quote check, and the report."""

    shacl: ShaclResult
    extra: list[tuple]
    report: object  # kg.validate.report.ValidationReport
    full: bool = True  # every focus node validated (False: only those a change could alter)
    seconds: dict[str, float] = field(default_factory=dict)
    lang: str = "en"  # of the report's labels

    def known(self) -> dict:
        """Each row's and extra entry's result in the report (for :func:`build_report`)."""
        return dict(zip([*self.shacl.rows, *self.extra], self.report.results))

    def violations(self) -> list:
        """The report's results of severity sh:Violation, in its order."""
        return self.report.violations


def validate(graph: StoreGraph, *, checks: bool = True, quotes: bool = True, lang: str = "en",
             partitioned: bool | None = None, workers: int = 2, partition_size: int = 2_500,
             texts: Mapping[str, str] | None = None, progress: Progress = _quiet,
             meanwhile: Callable[[], None] | None = None,
             after: tuple[list[tuple], Changes] | None = None, reference_checks: bool = False) -> Validated:
    """Shapes, checks and quotes on the whole graph. The checks, the quote check and
    ``meanwhile`` (the build's summary and catalog) query the store while worker threads
    validate the SHACL partitions. ``after``: (the previous generation's check entries, the
    changes since: kg.validate.checkscope.Changes): the checks run only for what the change
    can alter (:func:`checks_after_change`), the shapes still on the whole graph.
    ``reference_checks``: as :func:`store_results` takes it."""
    started = time.perf_counter()
    pending = start_shacl(graph, partitioned=partitioned, workers=workers, partition_size=partition_size,
                          progress=progress)
    try:
        extra = store_results(graph, checks=checks, quotes=quotes, texts=texts, after=after,
                              reference_checks=reference_checks)
        graph.seconds["checks and quotes"] = time.perf_counter() - started
        if meanwhile is not None:
            meanwhile()
    except BaseException:
        if isinstance(pending, PendingShacl):  # (Ctrl-C included) the partitions not started are dropped
            pending.pool.shutdown(wait=False, cancel_futures=True)
        raise
    shacl = pending.result() if isinstance(pending, PendingShacl) else pending
    graph.seconds["shacl"] = shacl.seconds
    report = build_report(graph, shacl, extra, lang=lang)
    graph.seconds["validate"] = time.perf_counter() - started
    return Validated(shacl, extra, report, True, dict(graph.seconds), lang)


def changed_focus(graph: StoreGraph, changes: Changes, inverse: Iterable[str],
                  deep: Iterable[str] | None = None, at_most: int | None = None) -> tuple[set[str] | None, bool]:
    """The focus nodes whose SHACL results can change when the triples of ``changes``
    (kg.validate.checkscope.Changes) join or leave the graph (given
    :func:`kg.validate.partitions.locality`): their subjects; the nodes
    they point at through inverse-path predicates; every node pointing at a subject whose
    description a shape reads from one step away (a changed triple whose predicate is in
    ``deep``, :attr:`kg.validate.partitions.Locality.deep`; None: every predicate counts),
    and the targets of inverse-path triples from those subjects. True as second value when
    the change touches the class hierarchy (then everything may change).

    Why ``deep`` is enough: a shape evaluated on a focus node reads its value nodes only
    through the predicates collected there (a path or pair read one step away, ``rdf:type``
    for ``sh:class``); a new ``dcterms:source`` on an indicator that thousands of
    observations point at changes none of their results (the report's own texts read the
    focus node's label, a subject of the change when it changes).

    ``at_most``: None in place of the focus when the subjects and the inverse-path targets
    alone are more than this many (the referrers, looked up in the store, can only add to
    them: a new national graph's 71,000 observations are not looked up 5,000 at a time to
    learn that the focus is large)."""
    from kg.validate.checkscope import select_bound

    inverse = {str(p) for p in inverse}
    deep = None if deep is None else {str(p) for p in deep}
    hierarchy = SUBCLASS in changes.predicates
    subjects = set(changes.subjects)
    # subjects whose change a referrer's shapes can see
    read_from_afar = subjects if deep is None else {s for s, p, _o in changes.triples if s is not None and p in deep}
    focus = {o for _s, p, o in changes.triples if p in inverse and o is not None} | subjects
    if at_most is not None and len(focus) > at_most:
        return None, hierarchy
    inv = " ".join(_term(p) for p in sorted(inverse))
    pattern = "{ ?f ?p ?x }" + (f" UNION {{ VALUES ?pi {{ {inv} }} ?x ?pi ?f }}" if inv else "")
    focus |= select_bound(graph.store, pattern, read_from_afar)
    return focus, hierarchy


#: A change that can affect more focus nodes than this (and more than one in fifty triples of
#: the graph) has its shapes validated on the whole graph, by partitions in parallel: cheaper
#: than one neighbourhood of that many nodes in one piece. Its checks still run for what the
#: change can alter (kg.validate.checkscope), each check whole only when its own scope is large.
WHOLE_ABOVE = 5_000


def _triples(text: bytes) -> Iterable[ox.Triple]:
    return ox.parse(text, format=ox.RdfFormat.N_TRIPLES) if text else ()


def _changed_triples(added: bytes, removed: bytes) -> set[ox.Triple]:
    """The triples that joined or left: a changed graph is in both ``added`` and ``removed``
    whole, and a triple in both is in the graph before and after, so it changes no result (a
    one-line edit of a file many nodes point at must not count all of them as changed). A
    triple with a blank node is always kept: labels of two generations name different nodes."""
    if not removed:  # (a new graph: every triple joined; the set alone, no second copy of a million)
        return set(_triples(added))
    before, after = set(_triples(removed)), set(_triples(added))

    def blank(t: ox.Triple) -> bool:
        return isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)

    return (before ^ after) | {t for t in before | after if blank(t)}


#: At most this many changed triples are looked up one by one for a copy in an untouched
#: graph (:func:`_in_untouched_graphs`); a larger change is taken as it is.
LOOKUP_AT_MOST = 20_000


def _changes(graph: StoreGraph, added: bytes, removed: bytes, touched: Collection[str] | None) -> Changes:
    """The triples that joined or left the union (:func:`_changed_triples`, less those an
    untouched graph states: :func:`_in_untouched_graphs`), as kg.validate.checkscope.Changes.
    A new graph of more lines than :data:`LOOKUP_AT_MOST` (nothing removed: every triple
    joined, and none is looked up) is read from its text (:meth:`Changes.of_ntriples`),
    without a term made of each of its million triples."""
    if not removed and added.count(b"\n") > LOOKUP_AT_MOST:
        return Changes.of_ntriples(added)
    changed = _changed_triples(added, removed)
    if touched is not None and len(changed) <= LOOKUP_AT_MOST:
        changed -= _in_untouched_graphs(graph, changed, touched)
    return Changes.of(changed)


def _in_untouched_graphs(graph: StoreGraph, changed: set[ox.Triple], touched: Collection[str]) -> set[ox.Triple]:
    """The triples of ``changed`` that a named graph outside ``touched`` (the graphs that
    joined, left or changed) states in the new generation: they were in the union (the
    default graph, what SHACL sees) before the change and are after it, so they change no
    result. An import that declares again the indicators and periods another import declared
    would otherwise make every observation pointing at them a focus node."""
    touched = set(touched)
    found = set()
    for triple in changed:
        if isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode):
            continue  # (blank-node labels of two generations name different nodes: kept)
        for quad in graph.store.quads_for_pattern(triple.subject, triple.predicate, triple.object, None):
            if isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value not in touched:
                found.add(triple)
                break
    return found


def validate_changes(graph: StoreGraph, previous: Validated, added: bytes, removed: bytes, *,
                     checks: bool = True, quotes: bool = True, lang: str = "en",
                     texts: Mapping[str, str] | None = None, progress: Progress = _quiet,
                     meanwhile: Callable[[], None] | None = None,
                     touched: Collection[str] | None = None) -> Validated:
    """The graph validated after named graphs changed: ``added`` and ``removed``, the
    N-Triples of the graphs that joined and left (a changed graph in both), ``previous`` the
    validation of the generation before.

    Only the focus nodes of :func:`changed_focus` go through SHACL (with their
    neighbourhood), and the blank nodes (whose results cannot be matched across generations:
    they are all validated again, a few in this project); their old results are replaced, all
    others kept. The SPARQL checks and the quote check, which compare nodes across the graph,
    run again on the store. The report equals a validation of the whole graph from scratch
    (tests/test_shacl_engines.py checks this); when the change touches the class hierarchy,
    or the shapes are not local, the whole graph is validated. When more focus nodes than
    :data:`WHOLE_ABOVE` (and one in fifty triples) may change, the shapes are validated on
    the whole graph and the checks for what changed. ``touched``: the names of the
    graphs that joined, left or changed; given, a changed triple another graph states too is
    no change to the union (:func:`_in_untouched_graphs`)."""
    started = time.perf_counter()
    local = locality(graph.shapes)
    changed = _changes(graph, added, removed, touched)
    largest = max(WHOLE_ABOVE, len(graph) // 50)
    focus, hierarchy = changed_focus(graph, changed, local.inverse, local.deep, at_most=largest)
    if hierarchy or not local.exact:
        progress("  the change touches the class hierarchy or the shapes are not local: validating the whole graph")
        return validate(graph, checks=checks, quotes=quotes, lang=lang, texts=texts, progress=progress,
                        meanwhile=meanwhile)
    if focus is None or len(focus) > largest:
        # the shapes on the whole graph (as cheap as on that many nodes), the checks for what
        # changed: a new national graph leaves the dangling-reference and undefined-term
        # checks a few thousand nodes to look at, not every triple of the store
        progress(f"  more than {counted(largest, 'node')} changed: validating the shapes on the whole graph")
        return validate(graph, checks=checks, quotes=quotes, lang=lang, texts=texts, progress=progress,
                        meanwhile=meanwhile, after=(previous.extra, changed))
    progress(f"  validating the {counted(len(focus), 'node')} the change can affect")
    ontology = graph.ontology_ntriples()
    fresh = validate_focus(graph, sorted(focus), local=local, ontology_nt=ontology)
    blank_nodes = blank_subjects(graph)
    blank = validate_focus(graph, None, blank=True, blank_nodes=blank_nodes, local=local, ontology_nt=ontology) \
        if blank_nodes else ShaclResult(True, [], None, 0, 0.0)
    if isinstance(previous, RecordedValidated) and previous.lang != lang:
        previous = previous.eager()  # (its lines show labels in another language)
    if isinstance(previous, RecordedValidated):
        return _recorded_changes(graph, previous, focus, fresh.rows + blank.rows, changed, started,
                                 checks=checks, quotes=quotes, lang=lang, texts=texts, meanwhile=meanwhile)
    kept = [r for r in previous.shacl.rows if not isinstance(r[0], BNode) and str(r[0]) not in focus]
    rows = kept + fresh.rows + blank.rows
    shacl = ShaclResult(not rows, rows, None, 1,
                        time.perf_counter() - started, len(focus))
    graph.seconds["shacl"] = shacl.seconds
    extra = store_results(graph, checks=checks, quotes=quotes, texts=texts, after=(previous.extra, changed))
    if meanwhile is not None:
        meanwhile()
    # the results of unchanged rows are the previous report's (their labels and files cannot
    # have changed: a label or a file that did is a changed focus node, validated again)
    known = previous.known() if previous.lang == lang else None
    if known:
        changed = focus | {str(r[0]) for r in fresh.rows + blank.rows}
        known = {row: result for row, result in known.items()
                 if not isinstance(row[0], BNode) and str(row[0]) not in changed}
    report = build_report(graph, shacl, extra, lang=lang, known=known)
    graph.seconds["validate"] = time.perf_counter() - started
    return Validated(shacl, extra, report, False, dict(graph.seconds), lang)


def _recorded_changes(graph: StoreGraph, previous: RecordedValidated, focus: set[str], rows: list[tuple],
                      changed: Changes, started: float, *, checks: bool, quotes: bool, lang: str,
                      texts: Mapping[str, str] | None, meanwhile: Callable[[], None] | None) -> RecordedValidated:
    """:func:`validate_changes` from a validation read from its record: the previous rows the
    change cannot alter stay the record's lines, unread (a national graph's tens of thousands
    of warnings are neither made again as terms nor written again as JSON), ``rows`` (the
    focus nodes validated again) follow them, then the checks' entries, in the order of the
    rows of a validation of the previous generation's kind (the same report)."""
    changed_nodes = focus | {str(r[0]) for r in rows}
    lines = previous.lines_outside(focus)  # (the rows validate_changes keeps)
    kept = [(row, result) for row, result in zip(previous.rows_after, previous.results_after)
            if not isinstance(row[0], BNode) and str(row[0]) not in focus]
    after = [row for row, _result in kept] + rows
    seconds = time.perf_counter() - started
    graph.seconds["shacl"] = seconds
    extra = store_results(graph, checks=checks, quotes=quotes, texts=texts, after=(previous.extra, changed))
    if meanwhile is not None:
        meanwhile()
    # as in validate_changes: an unchanged entry's result is the previous one
    known = {row: result for row, result in kept if str(row[0]) not in changed_nodes}
    known.update({entry: result for entry, result in zip(previous.extra, previous.extra_results)
                  if not isinstance(entry[0], BNode) and str(entry[0]) not in changed_nodes})
    report = build_report(graph, ShaclResult(not after, after, None, 1, seconds), extra, lang=lang, known=known)
    graph.seconds["validate"] = time.perf_counter() - started
    return RecordedValidated(graph, previous.table, lines, after, report.results[:len(after)], extra,
                             report.results[len(after):], lang, full=False, seconds=dict(graph.seconds),
                             shacl_seconds=seconds, focus_nodes=len(focus))


def blank_subjects(graph: StoreGraph) -> list[ox.BlankNode]:
    """Every blank node that is a subject in the store, found from the cached N-Triples of the
    graphs that have some (:attr:`kg.store.persistent.Entry.blank_subjects`; a graph whose
    manifest does not say is read too): a query filtering ``isBlank`` reads the whole store
    (some 3 s at a million triples), while a national import holds one blank node. The
    manifest holds the lines of a graph with few (:attr:`~kg.store.persistent.Entry.blank_lines`):
    its file is not read (0.4 s for a national table's 200 MB).

    The cache writes a blank node under its own label, the store under another (a load names
    them afresh): each is found in the store by one of its triples in its named graph (an IRI
    object if it has one, else a literal as the store keeps it, else its predicate alone),
    keeping the blank subjects that match. A triple may match several blank nodes of its
    graph, all of them blank subjects: the result is exact, never more."""
    from kg.validate.partitions import _stored_term

    found: dict[ox.BlankNode, None] = {}
    for entry in graph.entries:
        if entry.blank_subjects == 0:
            continue
        if entry.blank_lines is not None:  # (the manifest holds them: the file is not read)
            lines = [entry.blank_lines.encode("utf-8")]
        else:
            lines = blank_subject_lines(graph.paths[entry.graph].read_bytes())
        best: dict[ox.BlankNode, ox.Triple] = {}
        for triple in ox.parse(b"".join(line if line.endswith(b"\n") else line + b"\n" for line in lines),
                               format=ox.RdfFormat.N_TRIPLES):
            rank = _anchor_rank(triple.object)
            if triple.subject not in best or rank < _anchor_rank(best[triple.subject].object):
                best[triple.subject] = triple
        name = ox.NamedNode(entry.graph)
        patterns = set()
        for triple in best.values():
            obj = triple.object
            if isinstance(obj, ox.Literal):
                obj = _stored_term(obj)
            patterns.add((triple.predicate, None if isinstance(obj, ox.BlankNode) else obj))
        for predicate, obj in sorted(patterns, key=str):
            for quad in graph.store.quads_for_pattern(None, predicate, obj, name):
                if isinstance(quad.subject, ox.BlankNode) and (obj is not None or isinstance(quad.object, ox.BlankNode)):
                    found[quad.subject] = None
    return list(found)


def _anchor_rank(term) -> int:
    """Which object finds a blank node best in the store: an IRI (as written is as stored),
    a literal (looked up as the store keeps it), a blank node (the predicate alone)."""
    return 0 if isinstance(term, ox.NamedNode) else 1 if isinstance(term, ox.Literal) else 2


# -- the record kept beside a generation ------------------------------------------------------

RECORD = "validation.json"


#: The form of the record :func:`to_record` writes (a result path and a check's source are
#: terms, the path an IRI; before, the path was its compact name and the source a file: IRI).
RECORD_FORM = "2"


def validator_key(texts_digest: str = "") -> str:
    """What a validation's results depend on besides the graph: the package version, the
    shapes, the SPARQL checks and the project's source texts. A record made with another key
    is not reused. ``RECORD_FORM`` is digested too: a record of another form (paths and
    sources as text) is made again rather than read."""
    from kg.store.load import shape_files
    from kg.validate.report import check_queries

    digest = hashlib.sha256(__version__.encode() + b"\0" + RECORD_FORM.encode())
    for path in [*shape_files(), *check_queries()]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for iri, text in sorted(project_texts().items()):
        digest.update(iri.encode() + b"\0" + text.encode("utf-8"))
    digest.update(texts_digest.encode())
    return digest.hexdigest()


def _term_json(term):
    if term is None:
        return None
    if isinstance(term, URIRef):
        return {"i": str(term)}
    if isinstance(term, BNode):
        return {"b": str(term)}
    if isinstance(term, Literal):
        return {"l": str(term), "d": str(term.datatype) if term.datatype else None, "t": term.language}
    return {"s": str(term)}


def _json_term(data):
    if data is None:
        return None
    if "i" in data:
        return URIRef(data["i"])
    if "b" in data:
        return BNode(data["b"])
    if "l" in data:
        return Literal(data["l"], datatype=URIRef(data["d"]) if data.get("d") else None, lang=data.get("t"))
    return data["s"]


#: The form of the record :func:`to_record` writes now: JSON Lines, a header and one line per
#: SHACL row. A record of the form county-kg wrote before (one JSON document, no ``form``) is
#: still read (:func:`from_record`).
LINES_FORM = "3"


def _focus_field(focus) -> bytes:
    """The first field of a row's line: its focus node, as a JSON string (an IRI), or ``_``
    (a blank node) or ``~`` (anything else) and one. JSON escapes tabs and newlines, so the
    field never holds the separators of the line or of the record."""
    text = json.dumps(str(focus), ensure_ascii=False).encode("utf-8")
    if isinstance(focus, URIRef):
        return text
    return (b"_" if isinstance(focus, BNode) else b"~") + text


class _Table:
    """The values a record's lines name by index (components, severities, shapes, paths,
    messages, lists of files): a national record repeats a few of them tens of thousands of
    times. A record made from another starts from its table, so that the other's lines stay
    valid as they are; values are only ever appended."""

    def __init__(self, values: list | None = None):
        self.values = list(values or [])
        self.index = {json.dumps(v, ensure_ascii=False, sort_keys=True): i for i, v in enumerate(self.values)}
        self._memo: dict = {}  # index by the Python value (term, text, files) it was made of

    def of(self, value) -> int:
        key = json.dumps(value, ensure_ascii=False, sort_keys=True)
        found = self.index.get(key)
        if found is None:
            found = self.index[key] = len(self.values)
            self.values.append(value)
        return found

    def term(self, term) -> int:
        """The index of a term (or None), made once per record."""
        key = (type(term), term)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self.of(_term_json(term))
        return found

    def text(self, text) -> int:
        """The index of a row's path or message, written as JSON writes it (a text, or None)."""
        key = ("text", text)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self.of(text)
        return found

    def files(self, files: list) -> int:
        key = ("files", *map(str, files))
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self.of(list(key[1:]))
        return found


def _row_line(table: _Table, row: tuple, result) -> bytes:
    """A SHACL row and the result the report made of it, as one line of the record:
    ``focus TAB mark TAB JSON``, the mark ``V`` for a violation (read without the JSON)."""
    focus, path, component, severity, message, value, shape = row
    payload = [None if isinstance(focus, URIRef) else _term_json(focus), table.text(path),
               table.term(component), table.term(severity), table.text(message),
               _term_json(value), table.term(shape), result.focus_label,
               table.files(result.files), result.node, result.value]
    return b"\t".join((_focus_field(focus), b"V" if severity == SH.Violation else b"-",
                       json.dumps(payload, ensure_ascii=False).encode("utf-8")))


def _extra_json(entry: tuple, result) -> list:
    focus, path, component, message, source, severity = entry
    return [_term_json(focus), _term_json(path), _term_json(component), message, _term_json(source),
            _term_json(severity), result.focus_label, [str(f) for f in result.files], result.node, result.value]


def to_record(validated: Validated | RecordedValidated, key: str) -> bytes:
    """The validation as the record kept beside its generation: JSON Lines, the first a header
    (``key``, ``lang``, ``form``, the ``table`` of repeated values, the ``extra`` entries of
    the checks with their results, the number of ``rows``), then one line per SHACL row with
    its result's label, files and shown nodes (:func:`_row_line`).

    A validation made from a record (:class:`RecordedValidated`) writes the record's lines it
    kept as they were, after its table: an import into a national graph rewrites its few
    changed rows, not the tens of thousands of others. When more than half of such a table
    is no longer named (graphs replaced again and again), the record is written afresh."""
    if isinstance(validated, RecordedValidated) and len(validated.table) <= 1_000 + 2 * validated.row_count:
        table = _Table(validated.table)
        lines = list(validated.lines)
        rows, results = validated.rows_after, validated.results_after
        extra, extra_results = validated.extra, validated.extra_results
    else:
        table, lines = _Table(), []
        rows, extra = validated.shacl.rows, validated.extra
        results = validated.report.results
        results, extra_results = results[:len(rows)], results[len(rows):]
    lines += [_row_line(table, row, result) for row, result in zip(rows, results)]
    header = {"key": key, "lang": validated.lang, "form": LINES_FORM, "table": table.values,
              "extra": [_extra_json(e, r) for e, r in zip(extra, extra_results)], "rows": len(lines)}
    return b"\n".join([json.dumps(header, ensure_ascii=False).encode("utf-8"), *lines])


class RecordedValidated:
    """A validation read from its record (:func:`from_record`), or made from one after a
    change (:func:`validate_changes`): its SHACL rows first the record's ``lines``, read only
    when the rows or the report are asked for (:meth:`violations` reads only the violations'),
    then ``rows_after`` with their results; the checks' ``extra`` entries and their results.
    It stands for a :class:`Validated` (``shacl``, ``extra``, ``report``, ``full``,
    ``seconds``, ``lang``, :meth:`known`, :meth:`violations`)."""

    def __init__(self, graph: StoreGraph, table: list, lines: list[bytes], rows_after: list[tuple],
                 results_after: list, extra: list[tuple], extra_results: list, lang: str, *,
                 full: bool = True, seconds: dict | None = None, shacl_seconds: float = 0.0,
                 focus_nodes: int = 0):
        self.graph = graph
        self.table = table
        self.lines = lines
        self.rows_after = rows_after
        self.results_after = results_after
        self.extra = extra
        self.extra_results = extra_results
        self.lang = lang
        self.full = full
        self.seconds = seconds or {}
        self._shacl_seconds = shacl_seconds
        self._focus_nodes = focus_nodes
        self._read: tuple[list, list] | None = None
        self._report = None
        self._made: dict = {}  # compact names, by what they name (_result)
        self._terms: dict = {}  # the table's terms, by index
        self._paths: dict = {}  # the table's lists of files, by index

    @property
    def row_count(self) -> int:
        return len(self.lines) + len(self.rows_after)

    def lines_outside(self, focus: Collection[str]) -> list[bytes]:
        """The lines whose focus node is an IRI (or a literal) not in ``focus``."""
        fields = {json.dumps(f, ensure_ascii=False).encode("utf-8") for f in focus}
        kept = []
        for line in self.lines:
            field_ = line[:line.index(b"\t")]
            if field_[:1] == b"_":
                continue
            if (field_[1:] if field_[:1] == b"~" else field_) not in fields:
                kept.append(line)
        return kept

    def _term(self, index: int):
        found = self._terms.get(index, self)
        if found is self:
            found = self._terms[index] = _json_term(self.table[index])
        return found

    def _line(self, line: bytes) -> tuple[tuple, object]:
        """A line's row and result."""
        field_, _mark, payload = line.split(b"\t", 2)
        (focus, path, component, severity, message, value, shape, label, files, node,
         shown_value) = json.loads(payload)
        focus = URIRef(json.loads(field_)) if focus is None else _json_term(focus)
        paths = self._paths.get(files)
        if paths is None:
            paths = self._paths[files] = [Path(f) for f in self.table[files]]
        row = (focus, self.table[path], self._term(component), self._term(severity), self.table[message],
               _json_term(value), self._term(shape))
        return row, _result(row, label, paths, node, shown_value, graph=self.graph, made=self._made)

    def _lines_read(self) -> tuple[list, list]:
        if self._read is None:
            read = [self._line(line) for line in self.lines]
            self._read = ([row for row, _ in read], [result for _, result in read])
        return self._read

    @property
    def shacl(self) -> ShaclResult:
        rows = self._lines_read()[0] + self.rows_after
        return ShaclResult(not rows, rows, None, 1 if not self.full else 0, self._shacl_seconds, self._focus_nodes)

    @property
    def report(self):
        if self._report is None:
            rows, results = self._lines_read()
            rows = rows + self.rows_after
            known = dict(zip([*rows, *self.extra], [*results, *self.results_after, *self.extra_results]))
            self._report = build_report(self.graph, ShaclResult(not rows, rows, None, 0, 0.0), self.extra,
                                        lang=self.lang, known=known)
        return self._report

    def known(self) -> dict:
        return dict(zip([*self.shacl.rows, *self.extra], self.report.results))

    def violations(self) -> list:
        """The report's results of severity sh:Violation, in its order, reading only the
        lines marked as violations."""
        if self._report is not None:
            return self._report.violations
        read = [self._line(line)[1] for line in self.lines if line.split(b"\t", 2)[1] == b"V"]
        return read + [r for r in [*self.results_after, *self.extra_results] if r.severity == "Violation"]

    def eager(self) -> Validated:
        """The same validation as a :class:`Validated` (every row read)."""
        return Validated(self.shacl, self.extra, self.report, self.full, self.seconds, self.lang)


def _lines_record(graph: StoreGraph, head: dict, body: bytes, lang: str) -> Validated | RecordedValidated | None:
    """A record of :data:`LINES_FORM` (:func:`to_record`); None when it is not whole."""
    try:
        lines = body.split(b"\n") if body else []
        if len(lines) != head["rows"] or any(b"\t" not in line for line in lines):
            return None
        table = head["table"]
        extra, extra_results, made = [], [], {}
        for focus, path, component, message, source, severity, label, files, node, value in head["extra"]:
            entry = (_json_term(focus), _json_term(path), _json_term(component), message, _json_term(source),
                     _json_term(severity))
            extra.append(entry)
            extra_results.append(_result(entry, label, [Path(f) for f in files], node, value, graph=graph, made=made))
    except (KeyError, TypeError, ValueError):
        return None
    recorded = RecordedValidated(graph, table, lines, [], [], extra, extra_results, head.get("lang", ""))
    if recorded.lang != lang:  # labels of another language: the report is made again
        try:
            rows = recorded.shacl.rows
        except (IndexError, KeyError, TypeError, ValueError):
            return None
        shacl = ShaclResult(not rows, rows, None, 0, 0.0)
        return Validated(shacl, extra, build_report(graph, shacl, extra, lang=lang), lang=lang)
    return recorded


def from_record(graph: StoreGraph, data: bytes | None, key: str, *,
                lang: str = "en") -> Validated | RecordedValidated | None:
    """The validation recorded beside a generation, its report made again in ``lang``; None
    when there is no record, or one made with another :func:`validator_key`, or one cut
    short. A record of :data:`LINES_FORM` is read lazily (:class:`RecordedValidated`); one
    of the form county-kg wrote before (one JSON document, each term in place) is read too,
    and anything else is none (made again)."""
    if data is None:
        return None
    head, _newline, body = data.partition(b"\n")
    try:
        record = json.loads(head)
    except ValueError:
        return None
    if not isinstance(record, dict) or record.get("key") != key:
        return None
    if record.get("form") == LINES_FORM:
        return _lines_record(graph, record, body, lang)
    if body.strip():  # (a record of the form before is one line)
        return None
    try:
        rows = [(_json_term(r[0]), r[1], _json_term(r[2]), _json_term(r[3]), r[4], _json_term(r[5]), _json_term(r[6]))
                for r in record["rows"]]
        extra = [(_json_term(e[0]), _json_term(e[1]), _json_term(e[2]), e[3], _json_term(e[4]), _json_term(e[5]))
                 for e in record["extra"]]
        made_paths: dict = {}
        shown = [[entry[0], [made_paths.setdefault(f, Path(f)) for f in entry[1]], *entry[2:]]
                 if len(entry) == 4 else entry for entry in record.get("shown", [])]
    except (IndexError, KeyError, TypeError, ValueError):
        return None  # (not a record county-kg wrote: made again)
    shacl = ShaclResult(not rows, rows, None, 0, 0.0)
    known = None
    if (record.get("lang") == lang and len(shown) == len(rows) + len(extra)
            and all(len(entry) == 4 for entry in shown)):  # (a record of before nodes were kept as shown: looked up)
        made: dict = {}  # compact names, by what they name: a national record repeats a few
        known = {entry: _result(entry, *as_shown, graph=graph, made=made) for entry, as_shown in zip([*rows, *extra], shown)}
    return Validated(shacl, extra, build_report(graph, shacl, extra, lang=lang, known=known), lang=lang)


def _result(entry: tuple, label: str, paths: list[Path], node: str = "", value_shown: str | None = None, *,
            graph: StoreGraph, made: dict | None = None):
    """A recorded row's (or extra entry's) result, made again without looking anything up: its
    focus node and value as the report showed them (a blank node by what names it), ``paths``
    its files (a list results with the same files share: never changed in place). ``made``:
    the compact names already made (by kind and term), shared by the entries of one record,
    which name a few shapes and components tens of thousands of times."""
    from kg.validate.report import SEVERITIES, ValidationResult

    made = {} if made is None else made

    def once(kind, term, make):
        key = (kind, term)
        found = made.get(key)
        if found is None:
            found = made[key] = make(term)
        return found

    def compact(term):
        return once("n", term, _NAMES.compact)

    if len(entry) == 7:
        focus, path, component, severity, message, _value, shape = entry
        return ValidationResult(focus=focus, focus_label=label, path=path, component=compact(component),
                                severity=SEVERITIES.get(severity, str(severity)), message=message,
                                value=value_shown,
                                source=once("s", shape, lambda s: _compact(graph.shapes, s)) if shape is not None else None,
                                files=paths, shown=node)
    focus, path, component, message, source, severity = entry
    return ValidationResult(focus=focus, focus_label=label, path=compact(path) if path is not None else None,
                            component=compact(component), severity=SEVERITIES[severity], message=message,
                            source=compact(source), files=paths, shown=node)
