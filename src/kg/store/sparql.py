"""SPARQL on either engine (Oxigraph, rdflib) over the graph, and the results as a table, CSV,
TSV, SPARQL JSON or Markdown.

Parameters are bound as RDF terms, never pasted into the query text: a one-row VALUES block
opening the WHERE clause (where Oxigraph's plan starts) and SEP-0007 substitution (rdflib:
``initBindings``).
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox
from pyparsing import ParseException
from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.namespace import XSD
from rdflib.plugins.sparql import prepareQuery

from kg.errors import KgError
from kg.namespaces import PREFIXES

FORMATS = ("table", "csv", "tsv", "json", "markdown")


NUMERIC = {XSD.integer, XSD.decimal, XSD.double, XSD.float, XSD.int, XSD.long, XSD.nonNegativeInteger,
           XSD.positiveInteger, XSD.short, XSD.byte}


_PREFIXES = {prefix: str(ns) for prefix, ns in PREFIXES.items()}


@dataclass
class Results:
    variables: list[str]
    rows: list[tuple]
    seconds: float = 0.0

    # -- canonical values: the same for both engines -----------------------------------------

    @staticmethod
    def lexical(term) -> str:
        if term is None:
            return ""
        if isinstance(term, Literal) and term.datatype in NUMERIC:
            try:
                value = Decimal(str(term))
            except InvalidOperation:
                return str(term)
            text = format(value.normalize(), "f")
            return text
        if isinstance(term, BNode):
            return "_:b"  # blank node labels are engine-specific
        return str(term)

    def canonical(self) -> list[tuple[str, ...]]:
        return [tuple(self.lexical(t) for t in row) for row in self.rows]

    # -- renderings ---------------------------------------------------------------------------

    labeler: Callable[[URIRef], str | None] | None = None

    def display(self, term) -> str:
        if isinstance(term, URIRef):
            name = self.labeler(term) if self.labeler else None
            if name:
                return name
            for prefix, ns in _PREFIXES.items():
                if str(term).startswith(ns) and re.fullmatch(r"[\w.\-]*", str(term)[len(ns):]):
                    return f"{prefix}:{str(term)[len(ns):]}"
            return f"<{term}>"
        return self.lexical(term)

    def to_csv(self, delimiter: str = ",") -> str:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(self.variables)
        for row in self.canonical():
            writer.writerow(row)
        return out.getvalue()

    def to_tsv(self) -> str:
        # SPARQL TSV writes terms in Turtle syntax: IRIs in <>, strings quoted.
        lines = ["\t".join(f"?{v}" for v in self.variables)]
        for row in self.rows:
            lines.append("\t".join("" if t is None else _turtle_term(t) for t in row))
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        bindings = []
        for row in self.rows:
            binding = {}
            for name, term in zip(self.variables, row):
                if term is not None:
                    binding[name] = _json_term(term)
            bindings.append(binding)
        return json.dumps({"head": {"vars": self.variables}, "results": {"bindings": bindings}},
                          ensure_ascii=False, indent=2) + "\n"

    def to_table(self) -> str:
        cells = [self.variables] + [[self.display(t) for t in row] for row in self.rows]
        widths = [max(display_width(row[i]) for row in cells) for i in range(len(self.variables))]
        lines = []
        for n, row in enumerate(cells):
            lines.append("  ".join(pad(value, width) for value, width in zip(row, widths)).rstrip())
            if n == 0:
                lines.append("  ".join("-" * w for w in widths))
        lines.append(f"({len(self.rows)} row{'s' if len(self.rows) != 1 else ''})")
        return "\n".join(lines) + "\n"

    def to_markdown(self) -> str:
        def cell(text: str) -> str:
            return text.replace("|", "\\|").replace("\n", " ")

        lines = ["| " + " | ".join(self.variables) + " |", "|" + "---|" * len(self.variables)]
        for row in self.rows:
            lines.append("| " + " | ".join(cell(self.display(t)) for t in row) + " |")
        return "\n".join(lines) + "\n"

    def render(self, fmt: str) -> str:
        renderers = {"table": self.to_table, "csv": self.to_csv, "tsv": self.to_tsv, "json": self.to_json,
                     "markdown": self.to_markdown}
        if fmt not in renderers:
            raise KgError(f"unknown result format {fmt!r} (expected {', '.join(FORMATS)})")
        return renderers[fmt]()


def display_width(text: str) -> int:
    """Columns a terminal gives ``text``: East Asian wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def _turtle_term(term) -> str:
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    return term.n3()


def _json_term(term) -> dict:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    result = {"type": "literal", "value": str(term)}
    if term.language:
        result["xml:lang"] = term.language
    elif term.datatype and term.datatype != XSD.string:
        result["datatype"] = str(term.datatype)
    return result


_OX_POSITION = re.compile(r"^error at (\d+):(\d+): (.*)$", re.S)


def check_syntax(text: str, name: str) -> None:
    """Raise a KgError naming the line and column of a SPARQL syntax error.

    Oxigraph's parser pinpoints the offending token (pyparsing, under rdflib, reports where
    the enclosing rule began), so it is asked first, on an empty store; a query with SERVICE
    is left to rdflib's parser, since executing it would call the remote endpoint."""
    if not re.search(r"\bSERVICE\b", text, re.IGNORECASE):
        try:
            ox.Store().query(text, prefixes=_PREFIXES)
        except SyntaxError as exc:
            match = _OX_POSITION.match(str(exc))
            if match:
                # Oxigraph's column points just past the offending character.
                line, column, message = int(match[1]), max(1, int(match[2]) - 1), match[3].split("\n")[0]
                raise KgError(f"{name}:{line}:{column}: SPARQL syntax error: {message}") from None
            raise KgError(f"{name}: SPARQL syntax error: {exc}") from None
        except (RuntimeError, ValueError, OSError):
            pass  # a parsed query that fails to run is not a syntax error; the engine reports it
        return
    try:
        prepareQuery(text, initNs=_PREFIXES)
    except ParseException as exc:
        raise KgError(f"{name}:{exc.lineno}:{exc.col}: SPARQL syntax error: {exc.msg}") from None
    except Exception as exc:  # rdflib raises plain Exceptions for undefined prefixes
        raise KgError(f"{name}: SPARQL error: {exc}") from None


def _to_ox(term):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))
    raise KgError(f"cannot bind {term!r}")


def _from_ox(term):
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value, datatype=None if datatype == str(XSD.string) else URIRef(datatype), normalize=False)


_IRI = re.compile(r"<[^<>\"{}|^`\\\s]*>")


_WHERE = re.compile(r"WHERE\s*\{", re.IGNORECASE)


_FORM = re.compile(r"(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


def where_group(text: str) -> int:
    """The index just after the ``{`` that opens the query's WHERE clause: the first
    ``WHERE {`` outside comments, IRIs and strings, or (``SELECT * { }``, ``ASK { }``) the first
    ``{`` of a query without the keyword. A KgError if there is none."""
    i, n, form = 0, len(text), None
    while i < n:
        c = text[i]
        if c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
        elif c in "\"'":
            quote = text[i:i + 3] if text[i:i + 3] in ('"""', "'''") else c
            i += len(quote)
            while i < n and not text.startswith(quote, i):
                i += 2 if text[i] == "\\" else 1
            i += len(quote)
        elif c == "<" and _IRI.match(text, i):
            i = _IRI.match(text, i).end()
        elif (c in "Ww") and _WHERE.match(text, i) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "_?$:")):
            return _WHERE.match(text, i).end()
        elif form is None and c.isalpha() and _FORM.match(text, i) and (i == 0 or not text[i - 1].isalnum()):
            form = _FORM.match(text, i).group(1).upper()
            i += len(form)
        elif c == "{" and form in ("SELECT", "ASK"):
            return i + 1
        else:
            i += 1
    raise KgError("a query with parameters needs a WHERE clause to bind them in")


def with_values(text: str, bindings: dict[str, object]) -> str:
    """The query with its parameters bound by a VALUES block opening its WHERE clause.

    Each value is an RDF term of the parameter's type, written by pyoxigraph's own term
    serializer (an IRI it accepts cannot hold ``>`` or spaces; a literal is escaped), so no
    value can change the query's structure. VALUES rather than SEP-0007 substitution: Oxigraph
    plans a substituted variable as unbound (a county-scoped question then reads the whole
    graph before the place is known), while a one-row VALUES block is where the plan starts."""
    if not bindings:
        return text
    at = where_group(text)
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(str(_to_ox(term)) for term in bindings.values())
    return f"{text[:at]}\n  VALUES ({names}) {{ ({terms}) }}{text[at:]}"


def run_oxigraph(store: ox.Store, text: str, bindings: dict[str, object]) -> Results:
    started = time.perf_counter()
    try:
        # Both: the VALUES block is where Oxigraph's plan starts, and substitution (SPARQL
        # SEP-0007) binds the parameter in every group too, as rdflib's initBindings does
        # (SERVICE ?endpoint inside an OPTIONAL needs it bound there).
        solutions = store.query(with_values(text, bindings), prefixes=_PREFIXES,
                                substitutions={ox.Variable(k): _to_ox(v) for k, v in bindings.items()})
    except (RuntimeError, SyntaxError) as exc:
        # Substitution binds a variable in the whole query, so Oxigraph asks that a
        # parameter's variable be projected; say so instead of a bare engine message.
        raise KgError(f"query failed: {exc} (a parameter's variable must appear in the SELECT clause)") from None
    if isinstance(solutions, ox.QueryBoolean):
        return Results(["ASK"], [(Literal(bool(solutions)),)], time.perf_counter() - started)
    if not isinstance(solutions, ox.QuerySolutions):
        raise KgError("only SELECT and ASK queries can be shown as a table; use `kg export` for graphs")
    variables = [v.value for v in solutions.variables]
    rows = [tuple(_from_ox(solution[v]) for v in variables) for solution in solutions]
    return Results(variables, rows, time.perf_counter() - started)


def run_rdflib(graph: Graph, text: str, bindings: dict[str, object]) -> Results:
    started = time.perf_counter()
    prepared = prepareQuery(text, initNs=_PREFIXES)
    result = graph.query(prepared, initBindings={Variable(k): v for k, v in bindings.items()})
    if result.type == "ASK":
        return Results(["ASK"], [(Literal(bool(result.askAnswer)),)], time.perf_counter() - started)
    if result.type != "SELECT":
        raise KgError("only SELECT and ASK queries can be shown as a table; use `kg export` for graphs")
    variables = [str(v) for v in result.vars]
    rows = [tuple(row[i] for i in range(len(variables))) for row in result]
    return Results(variables, rows, time.perf_counter() - started)
