"""pyshacl-turbo's result rows read from its report text, without building an rdflib graph.

pyshacl-turbo's Rust engine writes its validation report as N-Triples text; its Python side
then parses that text into an rdflib report graph, term by term, and
:func:`kg.validate.engines.rows_of` reads the rows back from the graph. For a partition of a
national graph (2,500 triples, a few hundred warnings) the engine takes about 25 ms and the
report graph about 100 ms: at 71,000 warnings the graph is four fifths of all the CPU time
of SHACL validation (measured 2026-12-01, 410 partitions).

:func:`rows` reads only what a row holds (each result's focus node, path, component,
severity, message, value and source shape) straight from the lines of that text, with the
N-Triples unescaping rdflib's parser uses, and makes the terms as pyshacl-turbo's decoder
makes them (literals not normalised; a blank node under its label, the shapes' own blank
nodes as the compiled shapes name them). tests/test_turbo_rows.py checks that the rows equal
those of the report graph, in the same order, on the project, on every shape fixture and on
a synthetic graph with injected violations.

The engine is reached through ``CompiledShapes._native.validate`` (pyshacl-turbo 0.6, pinned
below 0.7 in pyproject.toml): when that is not there, or returns anything else than this
module reads, :func:`native_rows` returns None and the caller takes the public API.
"""

from __future__ import annotations

from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.plugins.parsers.ntriples import r_literal, unquote, uriquote

from kg.labels import compact

_SH = "http://www.w3.org/ns/shacl#"
_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_RESULT = f"<{_SH}ValidationResult>"
#: The predicates a row reads, by their place in the row (kg.validate.engines.Row).
_FIELDS = {f"<{_SH}{name}>": i for i, name in enumerate((
    "focusNode", "resultPath", "sourceConstraintComponent", "resultSeverity", "resultMessage", "value",
    "sourceShape"))}
_INVERSE = f"<{_SH}inversePath>"


class Unreadable(Exception):
    """A line of the report this module does not read as pyshacl-turbo's decoder would."""


def native_rows(compiled: Any, text: str, focus: list[str] | None, shapes: Graph) -> list[tuple] | None:
    """The rows (kg.validate.engines.Row) of validating N-Triples ``text`` with ``compiled``
    (a pyshacl_turbo CompiledShapes of ``shapes``) on ``focus`` (IRIs; None: every node),
    with pySHACL's options as kg.validate.engines.validate_text sets them; None when the
    engine's native entry point is not the one this module knows, or its report holds what
    :func:`rows` does not read (the caller then validates through the public API)."""
    native = getattr(compiled, "_native", None)
    validate = getattr(native, "validate", None)
    blank_nodes = getattr(compiled, "_blank_nodes", None)
    if validate is None or not isinstance(blank_nodes, dict):
        return None
    # (the arguments of CompiledShapes.validate for text input: no rules, depth 15, no
    # inplace, infos and warnings not allowed, no abort on the first, no use_shapes)
    found = validate(text, "nt", None, False, 100, 15, False, False, False, False, focus or [], [], [])
    if not isinstance(found, tuple) or len(found) != 5:
        return None
    _conforms, report, _text, _expanded, recursion_warnings = found
    if recursion_warnings or not isinstance(report, str):
        return None  # (the public API emits the recursion warnings)
    try:
        return rows(report, shapes, blank_nodes)
    except Unreadable:
        return None


def rows(report: str, shapes: Graph, blank_nodes: dict) -> list[tuple]:
    """The result rows of an N-Triples report ``report``, in the order of its results'
    ``rdf:type sh:ValidationResult`` lines (the order of rows_of on the report graph), the
    paths as text (kg.validate.engines.path_text) compacted by the prefixes of ``shapes``
    (the report graph binds those). ``blank_nodes``: the compiled shapes' blank nodes by
    label. Raises :class:`Unreadable` for a line that is not ``S P O .`` as the engine
    writes it, and for a blank path that is not a plain inverse path."""
    fields: dict[str, list] = {}
    order: list[str] = []
    inverse: dict[str, str] = {}
    for line in report.split("\n"):
        if not line:
            continue
        try:
            subject, predicate, rest = line.split(" ", 2)
        except ValueError:
            raise Unreadable(line) from None
        if not rest.endswith(" ."):
            raise Unreadable(line)
        obj = rest[:-2]
        if predicate == _TYPE:
            if obj == _RESULT:
                order.append(subject)
            continue
        at = _FIELDS.get(predicate)
        if at is not None:
            fields.setdefault(subject, [None] * 7)[at] = obj
        elif predicate == _INVERSE:
            inverse[subject] = obj
    names = _report_names(shapes)
    iris: dict[str, URIRef] = {}
    paths: dict[str, str] = {}

    def term(text: str | None):
        if text is None:
            return None
        first = text[0]
        if first == "<":
            found = iris.get(text)
            if found is None:
                if not text.endswith(">"):
                    raise Unreadable(text)
                found = iris[text] = URIRef(uriquote(unquote(text[1:-1])))
            return found
        if first == "_" and text.startswith("_:"):
            label = text[2:]
            return blank_nodes.get(label) or BNode(label)
        if first == '"':
            match = r_literal.fullmatch(text)
            if match is None:
                raise Unreadable(text)
            lexical, language, datatype = match.groups()
            return Literal(unquote(lexical), language or None,
                           URIRef(uriquote(unquote(datatype))) if datatype else None, normalize=False)
        raise Unreadable(text)

    def path(text: str | None) -> str | None:
        if text is None:
            return None
        found = paths.get(text)
        if found is None:
            if text.startswith("_:"):
                target = inverse.get(text)
                if target is None:
                    found = "(complex path)"
                elif target.startswith("<"):
                    found = "^" + compact(names, term(target))
                else:
                    raise Unreadable(text)  # (an inverse of a complex path: left to the report graph)
            else:
                found = compact(names, term(text))
            paths[text] = found
        return found

    result = []
    for subject in order:
        focus, path_, component, severity, message, value, shape = fields.get(subject, [None] * 7)
        message_term = term(message)
        result.append((term(focus), path(path_), term(component), term(severity),
                       "" if message_term is None else str(message_term), term(value), term(shape)))
    return result


def _report_names(shapes: Graph) -> Graph:
    """An empty graph with the prefixes pyshacl-turbo's report graph has: rdflib's defaults,
    then each of the shapes graph's bound (as CompiledShapes.validate binds them). A new one
    for each report, as each report graph is new: compacting an IRI of a namespace no prefix
    names binds the next ``nsN`` in that graph."""
    names = Graph()
    for prefix, namespace in shapes.namespaces():
        names.bind(prefix, namespace)
    return names
