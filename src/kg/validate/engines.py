"""One interface to several SHACL engines, returning exactly what ``kg.validate.run_shacl`` returns.

Engines:

- ``pyshacl``: the reference (pure Python). About 7 s for 10k triples, over 600 s for 1M.
- ``turbo``: pyshacl-turbo, a Rust engine with pySHACL's API and report graph. It reads
  rdflib graphs, pyoxigraph stores (in memory, without going through rdflib) and N-Triples
  text; it gives the same results as pySHACL on the project's shapes (tests/test_shacl_engines.py
  checks this on the synthetic S graph with and without injected violations) and is the default.
- ``rudof``: pyrudof, another Rust engine. Not exact on these shapes: its sh:maxLength counts
  UTF-8 bytes instead of characters, so every Chinese quote prefix of more than two
  characters is reported as too long; and its messages are its own. Selectable for comparison
  only.

Every report graph says ``sh:conforms`` as SHACL defines it (SHACL 1.0, 3.6.1: true if and only
if validation produced no result at all, of any severity; :func:`set_conforms`), as Jena SHACL
and pySHACL without ``allow_warnings`` do; whether a graph has *violations* (kg validate's exit
code, what the build and kg import refuse) is a separate question: :attr:`Run.violations`.

``run(data, shapes, engine)`` -> rows ``(focus, path, component, severity, message, value,
source_shape)``: rdflib terms, except ``path`` (text as the report shows it: ``ckg:theme``,
``^ckg:producesResult``, ``(complex path)``) and ``message`` (str). ``report(...)`` also returns
the report graph. ``data`` is the graph to validate with the ontology already in it (class
targets follow ``rdfs:subClassOf`` in the data) unless ``ontology`` is given: an rdflib Graph, a
pyoxigraph Store (its default graph), N-Triples bytes or a path. ``focus_nodes`` restricts
validation to those nodes (each against the shapes that target it).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from kg.errors import KgError
from kg.labels import compact
from kg.namespaces import SH
from kg.validate import lexical

ENGINES = ("turbo", "pyshacl", "rudof")
#: The fastest engine that passes the equivalence test against pyshacl.
DEFAULT_ENGINE = "turbo"
ENGINE_ENV = "KG_SHACL_ENGINE"

Row = tuple[Any, str | None, Any, Any, str, Any, Any]


def default_engine() -> str:
    """$KG_SHACL_ENGINE if set (pyshacl, turbo, rudof), else :data:`DEFAULT_ENGINE`."""
    engine = os.environ.get(ENGINE_ENV) or DEFAULT_ENGINE
    if engine not in ENGINES:
        raise KgError(f"${ENGINE_ENV}={engine!r}: expected one of {', '.join(ENGINES)}")
    return engine


def available(engine: str) -> bool:
    """Whether ``engine``'s package is installed."""
    module = {"pyshacl": "pyshacl", "turbo": "pyshacl_turbo", "rudof": "pyrudof"}.get(engine)
    if module is None:
        return False
    try:
        __import__(module)
    except ImportError:
        return False
    return True


@dataclass
class Run:
    """One validation: ``conforms`` as SHACL defines it (no result of any severity), the
    result ``rows`` and the ``report`` graph (None when it was not asked for:
    :func:`validate_text` with ``report=False``)."""

    engine: str
    conforms: bool
    rows: list[Row]
    report: Graph | None
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def violations(self) -> list[Row]:
        """The rows of severity sh:Violation (warnings and infos are not violations)."""
        return [row for row in self.rows if row[3] == SH.Violation]


def set_conforms(report: Graph) -> bool:
    """Write ``sh:conforms`` on the report's sh:ValidationReport node as SHACL 1.0 (3.6.1)
    defines it: true if and only if the report holds no validation result, whatever their
    severity (a warning makes it false too). Returns the value."""
    conforms = next(report.subjects(RDF.type, SH.ValidationResult), None) is None
    for node in report.subjects(RDF.type, SH.ValidationReport):
        report.set((node, SH.conforms, Literal(conforms)))
    return conforms


# -- the report graph -> rows (the same code for every engine that writes a report graph) -----


def path_text(results: Graph, node) -> str | None:
    """A result path as the report shows it: a compact IRI, or ^IRI for an inverse path."""
    if node is None:
        return None
    if isinstance(node, BNode):
        inverse = results.value(node, SH.inversePath)
        if inverse is not None:
            return f"^{compact(results, inverse)}"
        return "(complex path)"
    return compact(results, node)


def rows_of(results_graph: Graph) -> list[Row]:
    rows = []
    for result in results_graph.subjects(RDF.type, SH.ValidationResult):
        rows.append((
            results_graph.value(result, SH.focusNode),
            path_text(results_graph, results_graph.value(result, SH.resultPath)),
            results_graph.value(result, SH.sourceConstraintComponent),
            results_graph.value(result, SH.resultSeverity),
            str(results_graph.value(result, SH.resultMessage) or ""),
            results_graph.value(result, SH.value),
            results_graph.value(result, SH.sourceShape),
        ))
    return rows


def key(row: Row) -> tuple:
    """What two engines must agree on for a result: focus node, path, component, severity."""
    focus, path, component, severity = row[:4]
    return (_stable(focus), path, str(component), str(severity))


def _stable(term) -> str:
    # Blank-node labels differ between engines; say only that it is a blank node.
    return "_:b" if isinstance(term, BNode) else str(term)


# -- inputs ----------------------------------------------------------------------------------


def _is_store(data) -> bool:
    from kg.store.engine import is_store

    return is_store(data)


def _mixed_graph(data, ontology: Graph | None) -> Graph:
    """An rdflib Graph of data (+ ontology): what pySHACL needs."""
    if isinstance(data, Graph) and ontology is None:
        return data
    mixed = Graph()
    if ontology is not None:
        for triple in ontology:
            mixed.add(triple)
    if isinstance(data, Graph):
        for triple in data:
            mixed.add(triple)
    else:
        mixed.parse(data=_ntriples(data, None), format="nt")
    return mixed


def _ntriples(data, ontology: Graph | None) -> bytes:
    """Data (+ ontology) as N-Triples bytes: what the Rust engines parse fastest."""
    import pyoxigraph as ox

    parts = []
    if _is_store(data):
        parts.append(data.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()))
    elif isinstance(data, Graph):
        parts.append(data.serialize(format="nt", encoding="utf-8"))
    elif isinstance(data, (bytes, bytearray)):
        parts.append(bytes(data))
    elif isinstance(data, (str, Path)):
        path = Path(data)
        if path.suffix.lower() in (".nt", ".ntriples"):
            parts.append(path.read_bytes())
        else:
            from kg.store.oxigraph import load_file

            store = ox.Store()
            load_file(store, path)
            parts.append(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()))
    else:
        raise KgError(f"cannot validate a {type(data).__name__}: give an rdflib Graph, a pyoxigraph Store, "
                      "N-Triples bytes or a file path")
    if ontology is not None:
        parts.append(ontology.serialize(format="nt", encoding="utf-8"))
    return b"\n".join(parts)


# -- the engines ---------------------------------------------------------------------------------


def _run_pyshacl(data, shapes: Graph, ontology: Graph | None, focus_nodes) -> tuple[bool, Graph]:
    import rdflib
    from pyshacl import validate

    normalize = rdflib.NORMALIZE_LITERALS
    try:
        conforms, results_graph, _text = validate(
            _mixed_graph(data, ontology), shacl_graph=shapes, inference="none",
            allow_warnings=False, advanced=False, abort_on_first=False,
            **({"focus_nodes": [str(n) for n in focus_nodes]} if focus_nodes is not None else {}),
        )
    finally:
        # pySHACL turns rdflib's literal normalisation off while it validates and then *on*,
        # whatever it was: county-kg keeps lexical forms as written (kg/__init__.py).
        rdflib.NORMALIZE_LITERALS = normalize
    return conforms, results_graph


def _run_turbo(data, shapes: Graph, ontology: Graph | None, focus_nodes) -> tuple[bool, Graph]:
    if isinstance(data, Graph):
        data = _mixed_graph(data, ontology)  # small graphs: pyshacl_turbo reads rdflib terms
    else:
        # A store, N-Triples bytes or a file: into a pyoxigraph Store, whose N-Quads dump
        # pyshacl_turbo hands to its Rust parser without building any rdflib objects.
        data = _default_graph_store(data, ontology)
    conforms, results_graph, _text = _compiled(shapes).validate(
        data, inference=None, allow_warnings=False, abort_on_first=False,
        focus_nodes=None if focus_nodes is None else [str(n) for n in focus_nodes],
    )
    return conforms, results_graph


def _default_graph_store(data, ontology: Graph | None):
    """A pyoxigraph Store with everything in its default graph (``data`` itself when it is one)."""
    import pyoxigraph as ox

    if _is_store(data) and ontology is None and next(iter(data.named_graphs()), None) is None:
        return data
    store = ox.Store()
    store.bulk_load(_ntriples(data, ontology), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    return store


_COMPILED: dict[int, tuple[Graph, int, Any]] = {}


def _compiled(shapes: Graph):
    """The shapes compiled once (pyshacl_turbo.compile_shapes) and reused while the same graph
    object, unchanged in size, is passed again: incremental validation calls this often."""
    import pyshacl_turbo

    cached = _COMPILED.get(id(shapes))
    if cached is not None and cached[0] is shapes and cached[1] == len(shapes):
        return cached[2]
    program = pyshacl_turbo.compile_shapes(shapes)
    _COMPILED.clear()
    _COMPILED[id(shapes)] = (shapes, len(shapes), program)
    return program


def _run_rudof(data, shapes: Graph, ontology: Graph | None, focus_nodes) -> tuple[bool, Graph]:
    import pyrudof

    session = pyrudof.Rudof(pyrudof.RudofConfig())
    session.read_data(_ntriples(data, ontology).decode("utf-8"), format=pyrudof.RDFFormat.NTriples)
    session.read_shacl(shapes.serialize(format="nt"), format=pyrudof.ShaclFormat.NTriples)
    report = session.validate_shacl()
    wanted = None if focus_nodes is None else {str(n) for n in focus_nodes}
    graph = Graph()
    for prefix, namespace in shapes.namespaces():
        graph.bind(prefix, namespace)
    node = BNode()
    graph.add((node, RDF.type, SH.ValidationReport))
    for entry in report:
        focus = _rudof_term(entry.focus_node)
        if wanted is not None and str(focus) not in wanted:
            continue
        result = BNode()
        graph.add((node, SH.result, result))
        graph.add((result, RDF.type, SH.ValidationResult))
        graph.add((result, SH.focusNode, focus))
        severity = SH[str(entry.severity)] if str(entry.severity) in ("Violation", "Warning", "Info") else URIRef(str(entry.severity))
        graph.add((result, SH.resultSeverity, severity))
        graph.add((result, SH.sourceConstraintComponent, URIRef(str(entry.constraint_component))))
        shape = _rudof_term(entry.source_shape) if entry.source_shape else None
        if shape is not None:
            graph.add((result, SH.sourceShape, shape))
            message = shapes.value(shape, SH.message)
            if message is not None:
                graph.add((result, SH.resultMessage, message))
            path = shapes.value(shape, SH.path)
            if path is not None:
                _copy_path(shapes, path, graph, result)
        if entry.value:
            graph.add((result, SH.value, _rudof_term(entry.value)))
    return set_conforms(graph), graph


def copy_path(shapes: Graph, path, graph: Graph):
    """``path`` (a SHACL property path of ``shapes``: an IRI, or a blank node with the lists
    and blank nodes it is made of, SHACL 1.0, 2.3.1) as a term of ``graph``: the IRI itself, or
    a fresh blank node to which every triple of the path is copied. A report's sh:resultPath is
    the path so written (3.6.2.2), never its name as text."""
    if not isinstance(path, BNode):
        return path
    copies: dict[BNode, BNode] = {}

    def copy(node):
        if not isinstance(node, BNode):
            return node
        if node not in copies:
            copies[node] = BNode()
            for predicate, value in shapes.predicate_objects(node):
                graph.add((copies[node], predicate, copy(value)))
        return copies[node]

    return copy(path)


def _copy_path(shapes: Graph, path, graph: Graph, result) -> None:
    graph.add((result, SH.resultPath, copy_path(shapes, path, graph)))


def _rudof_term(text):
    text = str(text).strip()
    if text.startswith("<") and text.endswith(">"):
        return URIRef(text[1:-1])
    if text.startswith("_:"):
        return BNode(text[2:])
    if text.startswith('"') or (":" in text and " " not in text and "://" not in text):
        from kg.namespaces import (
            sparql_prologue,  # rudof writes terms with prefixes (xsd:integer
        )

        prologue = sparql_prologue().replace("PREFIX ", "@prefix ").replace(">\n", "> .\n")
        try:
            parsed = Graph().parse(data=f"{prologue}<urn:s> <urn:p> {text} .", format="turtle")
            return next(iter(parsed.objects()))
        except Exception:  # noqa: BLE001 - an unparseable rendering stays text
            return Literal(text)
    if ":" in text and " " not in text:
        return URIRef(text)
    return Literal(text)


_RUNNERS = {"pyshacl": _run_pyshacl, "turbo": _run_turbo, "rudof": _run_rudof}


def report(data, shapes: Graph, engine: str | None = None, *, ontology: Graph | None = None,
           focus_nodes: Iterable | None = None) -> tuple[Graph, list[Row]]:
    """(report graph, rows), as ``kg.validate.run_shacl`` returns them."""
    result = validate(data, shapes, engine, ontology=ontology, focus_nodes=focus_nodes)
    return result.report, result.rows


def run(data, shapes: Graph, engine: str | None = None, *, ontology: Graph | None = None,
        focus_nodes: Iterable | None = None) -> list[Row]:
    """The rows ``(focus, path, component, severity, message, value, source_shape)``."""
    return validate(data, shapes, engine, ontology=ontology, focus_nodes=focus_nodes).rows


def validate(data, shapes: Graph, engine: str | None = None, *, ontology: Graph | None = None,
             focus_nodes: Iterable | None = None, applied: lexical.Marks | None = None) -> Run:
    """Validate with ``engine`` (default :func:`default_engine`); the full :class:`Run`.

    Ill-formed literals are found and reported here, for every engine (kg.validate.lexical);
    ``applied``: literals the caller has already marked in ``data`` (a store whose terms are
    not as the files write them, see kg.validate.partitions.validate_focus)."""
    engine = engine or default_engine()
    if engine not in _RUNNERS:
        raise KgError(f"unknown SHACL engine {engine!r} (expected {', '.join(ENGINES)})")
    if not available(engine):
        raise KgError(f"SHACL engine {engine!r} is not installed")
    focus = None if focus_nodes is None else list(focus_nodes)
    if focus is not None and not focus:
        return Run(engine, True, [], _empty_report(shapes))
    started = time.perf_counter()
    data, ontology, marks = _marked(data, ontology, engine)
    if applied:
        marks = lexical.Marks([*applied.items, *marks.items])
    _engine_conforms, results_graph = _RUNNERS[engine](data, shapes, ontology, focus)
    marks.restore(results_graph, focus)
    rows = rows_of(results_graph)
    return Run(engine, set_conforms(results_graph), rows, results_graph, time.perf_counter() - started)


def _marked(data, ontology: Graph | None, engine: str):
    """``data`` and ``ontology`` as the engine is to read them, with their ill-formed literals
    marked (kg.validate.lexical), and the marks that restore the report."""
    if engine == "pyshacl":
        graph = _mixed_graph(data, ontology)
        copy, marks = lexical.mark_graph(graph, flag=True)
        return (graph if copy is None else copy), None, marks
    if isinstance(data, Graph):
        copy, marks = lexical.mark_graph(data, *([] if ontology is None else [ontology]))
        return (data, ontology, marks) if copy is None else (copy, None, marks)
    if _is_store(data) and ontology is None:
        copy, marks = lexical.mark_store(data)
        return (data if copy is None else copy), None, marks
    marked, marks = lexical.mark_ntriples(_ntriples(data, ontology))
    return marked, None, marks


def validate_text(text: str, shapes: Graph, *, focus_nodes: Iterable | None = None,
                  marks: lexical.Marks | None = None, report: bool = True) -> Run:
    """pyshacl-turbo on N-Triples text, handed to its Rust parser as is (no rdflib, no store;
    ill-formed literals marked and reported as in :func:`validate`; ``marks``: the text is
    already marked, with these). ``report=False``: the rows alone, read from the engine's
    report text without making the report graph (kg.validate.turborows: a fifth of the CPU
    time when most nodes have a result), unless a literal is marked (the marks are restored
    in the report graph)."""
    from pyshacl_turbo import Input

    started = time.perf_counter()
    focus = None if focus_nodes is None else [str(n) for n in focus_nodes]
    if focus is not None and not focus:
        return Run("turbo", True, [], _empty_report(shapes))
    if marks is None:
        text, marks = lexical.mark_ntriples(text)
    if not report and not marks:
        from kg.validate.turborows import native_rows

        rows = native_rows(_compiled(shapes), text, focus, shapes)
        if rows is not None:
            return Run("turbo", not rows, rows, None, time.perf_counter() - started)
    _engine_conforms, results_graph, _text = _compiled(shapes).validate(
        Input(text, "nt", None, {}, {}, preserve_ids=True), inference=None, allow_warnings=False,
        abort_on_first=False, focus_nodes=focus)
    marks.restore(results_graph, focus)
    return Run("turbo", set_conforms(results_graph), rows_of(results_graph), results_graph,
               time.perf_counter() - started)


def _empty_report(shapes: Graph) -> Graph:
    graph = Graph()
    for prefix, namespace in shapes.namespaces():
        graph.bind(prefix, namespace)
    node = BNode()
    graph.add((node, RDF.type, SH.ValidationReport))
    graph.add((node, SH.conforms, Literal(True)))
    return graph


def same_results(a: Iterable[Row], b: Iterable[Row]) -> bool:
    return {key(r) for r in a} == {key(r) for r in b}
