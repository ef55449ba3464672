"""Validation: SHACL Core shapes, SPARQL checks and the quote check, in one report.

Three layers, each the cheapest tool for its job:
- SHACL Core shapes (``ontology/shapes/``) for structure: labels, cardinalities, datatypes,
  classes, patterns. SPARQL-based SHACL is avoided because pySHACL evaluates it ~10x slower.
- ``queries/checks/*-violation.rq``: constraints that cross nodes (a period that ends before
  it begins, two different values for the same indicator, place and period). Each returns
  one row per problem and none on valid data.
- the quote check: every quote's exact text equals the cleaned source text at its offsets.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from kg import paths
from kg.errors import KgError
from kg.labels import compact, label
from kg.namespaces import CKG, CKGSH, OA, SH, bind_prefixes
from kg.sources.clean import reference_texts
from kg.store.load import Loaded, language_tag, load
from kg.store.results import counted
from kg.validate.engines import set_conforms

SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
#: The message of a quote whose source text the project does not hold: it cannot be checked,
#: and is reported (sh:Info, counted in the report) rather than taken for a violation.
NOT_CHECKED = "not checked: the project does not hold the source text {source}"


@dataclass
class ValidationResult:
    focus: Any
    focus_label: str
    path: str | None
    component: str
    severity: str
    message: str
    value: str | None = None
    source: str | None = None
    files: list[Path] = field(default_factory=list)
    #: the focus node as a report shows it: an IRI as such, a blank node by the statement
    #: that names it or what is said of it (kg.labels.blank_node), never a random label
    shown: str = ""

    @property
    def node(self) -> str:
        return self.shown or str(self.focus)

    def as_dict(self) -> dict[str, Any]:
        return {
            "focusNode": self.node if isinstance(self.focus, BNode) else str(self.focus),
            "focusLabel": self.focus_label,
            "path": self.path,
            "constraintComponent": self.component,
            "severity": self.severity,
            "message": self.message,
            "value": self.value,
            "source": self.source,
            "files": [str(p) for p in self.files],
        }


@dataclass
class ValidationReport:
    """Every result of the three layers, and the SHACL report graph holding them (or a
    function making it when first asked for: a national graph's report holds tens of thousands
    of warnings).

    Two questions, two answers: ``conforms`` is SHACL's sh:conforms (SHACL 1.0, 3.6.1: no
    result of any severity, so a warning makes it false; the report graph and the JSON say
    the same); ``violations`` are what makes ``kg validate`` exit 1 and what the build and
    ``kg import`` refuse: warnings are reported, and a graph with only warnings is accepted."""

    results: list[ValidationResult]
    _graph: Graph | Any

    @property
    def shacl_graph(self) -> Graph:
        if callable(self._graph) and not isinstance(self._graph, Graph):
            self._graph = self._graph()
        return self._graph

    @property
    def violations(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity != "Violation"]

    @property
    def conforms(self) -> bool:
        """SHACL's sh:conforms: no validation result at all (warnings included)."""
        return not self.results

    @property
    def quotes_not_checked(self) -> int:
        """Quotes whose source text the project does not hold (sh:Info results)."""
        return sum(1 for r in self.results if r.severity == "Info" and r.component == "ckgsh:QuoteTextCheck")

    # -- renderings -------------------------------------------------------------------

    def to_text(self) -> str:
        if not self.results:
            return "Conforms: no violations, no warnings.\n"
        lines = []
        for r in sorted(self.results, key=lambda r: (r.severity != "Violation", r.files[0].name if r.files else "",
                                                     r.focus_label, r.node, r.path or "", r.component,
                                                     r.message, r.value or "")):
            where = ", ".join(str(p) for p in r.files) or "(not defined in any file)"
            lines.append(f"{r.severity}: {r.focus_label} [{r.node}]")
            lines.append(f"  file:       {where}")
            if r.path:
                lines.append(f"  path:       {r.path}")
            lines.append(f"  constraint: {r.component}")
            if r.value is not None:
                lines.append(f"  value:      {r.value}")
            lines.append(f"  message:    {r.message}")
        verdict = "Does not conform" if self.violations else "Conforms"  # no violation: accepted
        unchecked = self.quotes_not_checked
        lines.append(f"{verdict}: {counted(len(self.violations), 'violation')}, {counted(len(self.warnings), 'warning')}"
                     + (f", of which {counted(unchecked, 'quote')} not checked (source text not held)." if unchecked
                        else "."))
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        return json.dumps(
            {"conforms": self.conforms, "violations": len(self.violations), "warnings": len(self.warnings),
             "quotesNotChecked": self.quotes_not_checked, "results": [r.as_dict() for r in self.results]},
            ensure_ascii=False, indent=2,
        ) + "\n"

    def to_turtle(self) -> str:
        """The report graph in Turtle, every literal exactly as the data has it (:class:`AsWritten`):
        parsed back, each sh:value is the literal of the data, lexical form and datatype. The
        same report is the same bytes (:func:`as_tree`)."""
        graph = Graph()
        for prefix, namespace in self.shacl_graph.namespaces():
            graph.bind(prefix, namespace, override=True, replace=True)
        for s, p, o in as_tree(self.shacl_graph):
            graph.add((s, p, AsWritten.of(o) if isinstance(o, Literal) else o))
        return graph.serialize(format="turtle")

    def render(self, fmt: str) -> str:
        renderers = {"text": self.to_text, "json": self.to_json, "turtle": self.to_turtle}
        if fmt not in renderers:
            raise KgError(f"unknown report format {fmt!r} (expected text, json or turtle)")
        return renderers[fmt]()


def as_tree(graph: Graph) -> list[tuple]:
    """The triples of ``graph`` (a report graph: its blank nodes form no cycle) with every blank
    node labelled by what it holds and where, so that rdflib's Turtle writer, which orders the
    results of a report by their labels, writes the same report as the same bytes. A blank
    node named by several (an engine hands one shape's path to each of its results) is copied
    for each, written in place (``sh:resultPath [ sh:alternativePath (...) ]``). Identical
    results stay two results. Raises KgError on a cycle of blank nodes, which no report holds."""
    import hashlib

    said: dict[Any, list[tuple]] = {}
    named: set = set()
    for s, p, o in graph:  # one pass: rdflib's lookups by subject cost more than the rest together
        said.setdefault(s, []).append((p, o))
        if isinstance(o, BNode):
            named.add(o)
    described: dict[BNode, str] = {}

    def description(node: BNode, seen: tuple = ()) -> str:
        if node in seen:
            raise KgError(f"report graph: blank node {node} is part of a cycle")
        if node not in described:
            described[node] = "\n".join(sorted(
                f"{p.n3()} " + (f"[{description(o, (*seen, node))}]" if isinstance(o, BNode) else o.n3())
                for p, o in said.get(node, ())))
        return described[node]

    triples: list[tuple] = []
    used: dict[str, int] = {}

    def copy(node: BNode, within: str) -> BNode:
        digest = hashlib.sha256(f"{within}\n{description(node)}".encode()).hexdigest()[:32]
        used[digest] = used.get(digest, 0) + 1
        made = BNode(f"b{digest}" + (f"n{used[digest]}" if used[digest] > 1 else ""))
        for p, o in said.get(node, ()):
            triples.append((made, p, copy(o, str(made)) if isinstance(o, BNode) else o))
        return made

    for s, pairs in said.items():
        if not isinstance(s, BNode):
            triples += [(s, p, copy(o, s.n3()) if isinstance(o, BNode) else o) for p, o in pairs]
    for root in sorted((s for s in said if isinstance(s, BNode) and s not in named), key=description):
        copy(root, "")  # (each blank node named by another is copied from it)
    return triples


def value_text(graph: Graph, value) -> str | None:
    """A result's sh:value as a report shows it: an IRI compacted with ``graph``'s prefixes, a
    literal as Turtle writes it (``"5.8e8"^^xsd:decimal``, ``"水富"@zh-Hans``), so that the
    datatype of an ill-formed value is in plain sight."""
    if value is None:
        return None
    if isinstance(value, Literal):
        # Written here rather than by rdflib's n3(), which rewrites "inf"^^xsd:double as "INF":
        # a report shows the lexical form as the data has it.
        text = '"' + str(value).translate(_TURTLE_ESCAPES) + '"'
        if value.language:  # an engine may hand back the tag lower-cased (zh-hant); BCP 47 case is zh-Hant
            return f"{text}@{language_tag(value.language)}"
        if value.datatype is not None and value.datatype != XSD.string:
            return f"{text}^^{compact(graph, value.datatype)}"
        return text
    return compact(graph, value)


_TURTLE_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})

#: The Turtle short forms (Turtle 1.1, productions INTEGER, DECIMAL, DOUBLE and BooleanLiteral):
#: a literal is written short only when its lexical form is one of these, which Turtle reads
#: back as the same lexical form and datatype.
_SHORT_FORMS = {
    XSD.integer: re.compile(r"[+-]?[0-9]+"),
    XSD.decimal: re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    XSD.double: re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+"),
    XSD.boolean: re.compile(r"true|false"),
}


class AsWritten(Literal):
    """A literal that rdflib's Turtle serializer writes exactly as it is: the short form only
    when Turtle reads it back unchanged (:data:`_SHORT_FORMS`), else "lexical"^^datatype.
    rdflib's own writer decides the short form by its Python conversion and writes that value:
    "5.8e8"^^xsd:decimal came out as 5.8e8 (an xsd:double, valid), "１２"^^xsd:integer as a bare
    １２ (not Turtle), "inf"^^xsd:double as "INF", "TRUE"^^xsd:boolean as true."""

    __slots__ = ()

    @classmethod
    def of(cls, literal: Literal) -> AsWritten:
        """``literal`` (lexical form, language, datatype) as an :class:`AsWritten`."""
        made = cls(str(literal), lang=literal.language, datatype=literal.datatype, normalize=False)
        return made

    def _literal_n3(self, use_plain: bool = False, qname_callback=None) -> str:
        lexical = str(self)
        short = _SHORT_FORMS.get(self.datatype)
        if use_plain and short is not None and short.fullmatch(lexical):
            return lexical
        text = '"' + lexical.translate(_TURTLE_ESCAPES) + '"'
        if self.language:
            return f"{text}@{language_tag(self.language)}"
        if self.datatype is None or self.datatype == XSD.string:
            return text
        name = qname_callback(self.datatype) if qname_callback else None
        return f"{text}^^{name or '<' + str(self.datatype) + '>'}"


# -- the three layers -------------------------------------------------------------------


def run_shacl(data: Graph, ontology: Graph, shapes: Graph, *, engine: str | None = None) -> tuple[Graph, list[tuple]]:
    """SHACL Core with the ontology mixed in, so class targets follow subclasses.

    ``engine`` (kg.shacl_engines): by default pyshacl-turbo (or $KG_SHACL_ENGINE), a Rust
    engine that gives pySHACL's results, rows and report ~10x faster (tests/test_shacl_engines.py
    checks it against pySHACL); ``engine="pyshacl"`` runs the reference. The graphs are merged
    before validation rather than through pySHACL's ``ont_graph`` option: pySHACL 0.40's own
    mixing took ~150 s for the 5k-triple project graph, the merge below 50 ms.
    """
    from kg.validate.engines import report

    return report(data, shapes, engine, ontology=ontology)


def check_queries() -> list[Path]:
    return sorted((paths.queries_dir() / "checks").glob("*-violation.rq"))


def run_checks(graph: Graph, queries: list[Path] | None = None) -> list[tuple[Path, dict[str, Any]]]:
    """Run each ``*-violation.rq`` on Oxigraph (the checks scan whole graphs, which rdflib
    does slowly); every row a check returns is a violation."""
    from kg.store.oxigraph import store_from_graph
    from kg.store.sparql import run_oxigraph

    store = store_from_graph(graph)
    found = []
    for query_path in queries if queries is not None else check_queries():
        try:
            results = run_oxigraph(store, query_path.read_text(encoding="utf-8"), {})
        except Exception as exc:  # a broken check is a project bug; say which file
            raise KgError(f"{query_path}: check query failed: {exc}") from None
        for row in results.rows:
            found.append((query_path, {k: v for k, v in zip(results.variables, row) if v is not None}))
    return found


def check_constraint(query_path: Path) -> URIRef:
    """The IRI a check's results name as their sh:sourceConstraint: ``ckgsh:`` and the file's
    stem (``queries/checks/undefined-term-violation.rq`` is ``ckgsh:undefined-term-violation``).
    SHACL 1.0, 5.3.2 makes sh:sourceConstraint the constraint node of the shapes graph; a check
    is a file of the project, not a node there, and is named in the shapes namespace by its
    file rather than by the file's local path, which would differ from one machine to another."""
    return CKGSH[query_path.stem]


def check_results(rows: list[tuple[Path, dict[str, Any]]]) -> list[tuple[Any, URIRef | None, URIRef, str, URIRef]]:
    """Rows of the SPARQL checks as report entries: (focus, path, component, message, source),
    the path a predicate IRI (a SHACL predicate path, the sh:resultPath of the report graph) or
    None, the source the check's :func:`check_constraint`. Raises KgError naming the check
    when a row lacks ?focus or its ?path is not an IRI."""
    entries = []
    for query_path, row in rows:
        focus = row.get("focus") or row.get("focusNode")
        if focus is None:
            raise KgError(f"{query_path}: a check must SELECT ?focus (and ?message)")
        message = str(row.get("message") or query_path.stem)
        path = row.get("path")
        if path is not None and not isinstance(path, URIRef):
            raise KgError(f"{query_path}: ?path must be a predicate IRI, not {path!r}")
        entries.append((focus, path, SH.SPARQLConstraintComponent, message, check_constraint(query_path)))
    return entries


def quote_offsets(start: str, end: str) -> tuple[int, int] | str:
    """A quote's offsets (lexical forms of oa:start, oa:end) as numbers, or why they are not:
    an ill-formed xsd:integer is reported as such (kg.validate.lexical), not read leniently."""
    from kg.validate.lexical import ill_formed

    bad = [text for text in (start, end) if ill_formed(text, str(XSD.integer)) is not None]
    if bad:
        return f"offsets {start}-{end} are not both xsd:integer lexical forms: the quote cannot be checked"
    return int(start), int(end)


def check_quotes(graph: Graph, texts: dict[URIRef, str] | None = None) -> list[tuple[Any, URIRef, str, URIRef]]:
    """Quotes whose exact text is not the source text at their offsets, and quotes whose
    source text is not among ``texts`` (not checked, sh:Info): (quote, path, message,
    severity), as kg.validate.store.check_quotes decides on the store."""
    if texts is None:
        texts = reference_texts()
    problems = []
    for quote in graph.subjects(RDF.type, CKG.Quote):
        source = graph.value(quote, OA.hasSource)
        if source is None:
            problems.append((quote, OA.hasSource, "quote names no source text (oa:hasSource)", SH.Violation))
            continue
        try:
            text = texts[str(source)]
        except KeyError:
            problems.append((quote, OA.hasSource, NOT_CHECKED.format(source=source), SH.Info))
            continue
        exact = start = end = None
        for selector in graph.objects(quote, OA.hasSelector):
            if (selector, RDF.type, OA.TextQuoteSelector) in graph:
                exact = graph.value(selector, OA.exact)
            if (selector, RDF.type, OA.TextPositionSelector) in graph:
                start, end = graph.value(selector, OA.start), graph.value(selector, OA.end)
        if exact is None or start is None or end is None:
            problems.append((quote, OA.hasSelector, "quote lacks a TextQuoteSelector or TextPositionSelector",
                             SH.Violation))
            continue
        offsets = quote_offsets(str(start), str(end))
        if isinstance(offsets, str):
            problems.append((quote, OA.start, offsets, SH.Violation))
            continue
        start, end = offsets
        if not 0 <= start < end <= len(text):
            problems.append((quote, OA.start, f"offsets {start}-{end} outside the source text (length {len(text)})",
                             SH.Violation))
        elif text[start:end] != str(exact):
            problems.append((quote, OA.exact, f"text at {start}-{end} is {text[start:end]!r}, not {str(exact)!r}",
                             SH.Violation))
    return problems


# -- together ----------------------------------------------------------------------------


def _add_result(report_graph: Graph, report: URIRef | BNode, focus, path: URIRef | None, component: URIRef,
                message: str, source: URIRef, severity: URIRef = SH.Violation) -> None:
    """One result of a check or the quote check in ``report_graph``: ``path`` a predicate IRI
    (SHACL 1.0, 2.3.1.1: a predicate path is the IRI itself, never its name as text) and
    ``source`` the IRI of the constraint (:func:`check_constraint`)."""
    result = BNode()
    report_graph.add((report, SH.result, result))
    report_graph.add((result, RDF.type, SH.ValidationResult))
    report_graph.add((result, SH.focusNode, focus))
    report_graph.add((result, SH.resultSeverity, severity))
    report_graph.add((result, SH.sourceConstraintComponent, component))
    report_graph.add((result, SH.sourceConstraint, source))
    report_graph.add((result, SH.resultMessage, Literal(message)))
    if path:
        report_graph.add((result, SH.resultPath, path))


def validate_loaded(loaded: Loaded, *, checks: bool = True, quotes: bool = True, lang: str = "en",
                    engine: str | None = None, texts=None) -> ValidationReport:
    """Validate a loaded rdflib graph: shapes (with ``engine``, see run_shacl), then checks, then
    quotes (``texts``: source text by text IRI, default the project's). The reference the
    store's validation (kg.validate.store) is tested against, and the validation of graphs
    made in code (an import before it is written)."""
    data = loaded.data
    union = loaded.union()
    shacl_graph, rows = run_shacl(data, loaded.ontology, loaded.shapes, engine=engine)
    bind_prefixes(shacl_graph)
    results: list[ValidationResult] = []
    for focus, path, component, severity, message, value, shape in rows:
        results.append(ValidationResult(
            focus=focus, focus_label=label(union, focus, lang), path=path,
            component=compact(shacl_graph, component), severity=SEVERITIES.get(severity, str(severity)),
            message=message, value=value_text(union, value),
            source=compact(loaded.shapes, shape) if shape is not None else None,
            files=loaded.files_defining(focus), shown=compact(union, focus),
        ))

    report_node = next(iter(shacl_graph.subjects(RDF.type, SH.ValidationReport)))
    extra: list[tuple[Any, str | None, URIRef, str, URIRef, URIRef]] = []
    if checks:
        extra += [(*entry, SH.Violation) for entry in check_results(run_checks(union))]
    if quotes:
        for quote, path, message, severity in check_quotes(union, texts):
            extra.append((quote, path, CKGSH.QuoteTextCheck, message, CKGSH.QuoteTextCheck, severity))
    for focus, path, component, message, source, severity in extra:
        _add_result(shacl_graph, report_node, focus, path, component, message, source, severity)
        results.append(ValidationResult(
            focus=focus, focus_label=label(union, focus, lang), path=compact(union, path) if path is not None else None,
            component=compact(shacl_graph, component), severity=SEVERITIES[severity], message=message,
            source=compact(shacl_graph, source),
            files=loaded.files_defining(focus), shown=compact(union, focus),
        ))
    set_conforms(shacl_graph)
    return ValidationReport(results, shacl_graph)


def validate_files(files: list[Path] | None = None, **options) -> ValidationReport:
    """Validate the project's graph (no files) or the given files with the project's
    ontology and shapes."""
    return validate_loaded(load(files) if files else load(), **options)


def validate_graph(data: Graph, ontology: Graph | None = None, shapes: Graph | None = None, **options) -> ValidationReport:
    """Validate an in-memory graph with the project's (or the given) ontology and shapes."""
    base = load(data=[])
    loaded = Loaded(base.dataset, ontology if ontology is not None else base.ontology,
                    shapes if shapes is not None else base.shapes, data, {})
    return validate_loaded(loaded, **options)
