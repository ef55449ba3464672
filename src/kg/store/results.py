"""Query results written out: the SPARQL 1.1 results formats (JSON, XML, CSV, TSV), the
canonical CSV the catalog's expected answers use, a table and Markdown for people.

Every writer takes the variables and an iterable of rows of terms, and writes each row as it
comes (the table and Markdown need every row first, for the column widths). A term is an
rdflib term or a pyoxigraph term, as the engine gave it (None: unbound), and is read through
one small protocol, :func:`term_parts`: its kind, lexical value, datatype and language tag.
The language tag is read in registered case (kg.languages.language_tag: Oxigraph lower-cases
tags), so every format writes ``zh-Hans``, never ``zh-hans``, whichever engine answered.
rdflib is not imported here: an answer of pyoxigraph terms is written without it.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import MAX_EMAX, MIN_EMIN, Context, Decimal, InvalidOperation
from typing import TextIO

from typing import NamedTuple

import pyoxigraph as ox

from kg.errors import KgError
from kg.languages import language_tag
from kg.prefixes import PREFIX_IRIS, XSD_NS, XSD_STRING
from kg.words import counted, printable  # noqa: F401 (counted: the one helper for counts, used here and re-exported)

#: kg query's formats: json is SPARQL 1.1 Query Results JSON, tsv SPARQL TSV, csv SPARQL CSV
#: (lexical forms as the engine gives them, blank nodes by label); the expected answers of the
#: catalog are the canonical CSV (:meth:`Results.to_csv`: numbers normalised, blank nodes anonymous).
FORMATS = ("table", "csv", "tsv", "json", "markdown")
#: Formats written row by row as the rows come.
STREAMED = ("csv", "tsv", "json")

#: The numeric datatypes (IRIs) whose values :func:`lexical` writes in canonical form.
NUMERIC = frozenset(XSD_NS + name for name in ("integer", "decimal", "double", "float", "int", "long",
                                                "nonNegativeInteger", "positiveInteger", "short", "byte"))
#: Datatypes whose special values rdflib's Turtle writer spells INF and NaN (:func:`turtle_term`).
_INF_NAN = frozenset(XSD_NS + name for name in ("double", "float", "decimal"))

_PREFIXES = dict(PREFIX_IRIS)

Row = tuple


class Term(NamedTuple):
    """A term as the writers read it. ``kind``: "uri", "bnode" or "literal"; ``value``: the IRI,
    the blank node's label or the literal's lexical form; ``datatype``: a literal's datatype
    IRI, None for a language-tagged literal and for a simple literal (an engine's xsd:string
    answer is a simple literal; rdflib's own parse of an explicit ``^^xsd:string`` keeps it);
    ``language``: a literal's language tag in registered case, else None."""

    kind: str
    value: str
    datatype: str | None = None
    language: str | None = None


def term_parts(term) -> Term:
    """A pyoxigraph or rdflib term as a :class:`Term`. An RDF-star triple term is a KgError
    (kg shows none). rdflib's term classes are looked at only for a term that is none of
    pyoxigraph's, which rdflib then made: importing it costs nothing more."""
    if isinstance(term, ox.Literal):
        language = term.language
        if language:
            return Term("literal", term.value, None, language_tag(language))
        datatype = term.datatype.value
        return Term("literal", term.value, None if datatype == XSD_STRING else datatype)
    if isinstance(term, ox.NamedNode):
        return Term("uri", term.value)
    if isinstance(term, ox.BlankNode):
        return Term("bnode", term.value)
    if isinstance(term, ox.Triple):
        raise KgError("the query returned an RDF-star triple term, which kg does not show")
    from rdflib.term import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return Term("uri", str(term))
    if isinstance(term, BNode):
        return Term("bnode", str(term))
    if isinstance(term, Literal):
        return Term("literal", str(term), None if term.language or term.datatype is None else str(term.datatype),
                    term.language or None)
    raise TypeError(f"not an RDF term: {term!r}")


def rdflib_term(term):
    """A pyoxigraph term as an rdflib term (:func:`term_parts`: its language tag in registered
    case, its lexical form as the store gives it, an xsd:string as a simple literal). None,
    and a term that is rdflib's already, are given back as they are."""
    if term is None or not isinstance(term, (ox.NamedNode, ox.BlankNode, ox.Literal, ox.Triple)):
        return term
    from rdflib import BNode, Literal, URIRef

    kind, value, datatype, language = term_parts(term)
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if language:
        return Literal(value, lang=language)
    return Literal(value, datatype=None if datatype is None else URIRef(datatype), normalize=False)


def is_iri(term) -> bool:
    """``term`` (pyoxigraph or rdflib, or None) is an IRI."""
    return term is not None and term_parts(term).kind == "uri"


def boolean(term) -> bool:
    """The truth of an xsd:boolean literal (an ASK answer's): "true" or "1" is true."""
    return term is not None and term_parts(term).value in ("true", "1")


def lexical(term) -> str:
    """The canonical text of a term, the same on both engines, as the catalog's expected
    answers hold it: numbers normalised exactly (1.50 -> 1.5, 1E3 -> 1000, every digit kept
    however many: :func:`canonical_number`), blank nodes as ``_:b`` (their labels are
    engine-specific). Not for people: it makes distinct blank nodes look the same."""
    if term is None:
        return ""
    kind, value, datatype, _language = term_parts(term)
    if datatype in NUMERIC:
        return canonical_number(value)
    if kind == "bnode":
        return "_:b"
    return value


def canonical_number(text: str) -> str:
    """A numeric literal's lexical form in positional notation without trailing zeros
    ("1.50" -> "1.5", "1E3" -> "1000", "-0.0" -> "-0"), exactly: every significant digit is
    kept (Decimal's default context rounds to 28 digits, a float to 17). The special values
    of xsd:double and xsd:float in their XSD lexical form: INF, -INF, NaN (XSD 1.1 Part 2,
    3.3.5). A text that is no number is returned as it is."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text
    if value.is_nan():
        return "NaN"
    if value.is_infinite():
        return "-INF" if value < 0 else "INF"
    digits = len(value.as_tuple().digits)
    exact = Context(prec=max(1, digits), Emax=MAX_EMAX, Emin=MIN_EMIN)  # wide enough to round nothing
    return format(value.normalize(exact), "f")


# -- SPARQL 1.1 Query Results formats ----------------------------------------------------------

def json_term(term) -> dict:
    """A term as a SPARQL JSON results binding value."""
    kind, value, datatype, language = term_parts(term)
    if kind != "literal":
        return {"type": kind, "value": value}
    result = {"type": "literal", "value": value}
    if language:
        result["xml:lang"] = language
    elif datatype and datatype != XSD_STRING:
        result["datatype"] = datatype
    return result


def turtle_term(term) -> str:
    """A term as SPARQL TSV writes it: Turtle syntax, IRIs in <>, strings quoted. A literal
    holding a newline, carriage return or tab is written in one line, those characters
    escaped (SPARQL 1.1 TSV, 3.2: a row is one line, its terms separated by tabs), never in
    Turtle's long \"\"\"...\"\"\" form that rdflib chooses for it. Otherwise as rdflib's
    ``Literal.n3()`` writes it (backslash and quote escaped; an infinite or NaN xsd:double,
    float or decimal written "inf" or "nan" spelled INF and NaN), whichever engine answered."""
    kind, text, datatype, language = term_parts(term)
    if kind == "uri":
        return f"<{text}>"
    if kind == "bnode":
        return f"_:{text}"
    quoted = '"' + text.translate(_ONE_LINE) + '"'
    if datatype in _INF_NAN and not any(c in text for c in "\n\r\t"):
        quoted = _special_value(text, quoted)
    if language:
        return f"{quoted}@{language}"
    if datatype is not None:
        return f"{quoted}^^<{datatype}>"
    return quoted


def _special_value(text: str, quoted: str) -> str:
    try:
        value = float(text)
    except ValueError:
        return quoted
    if value != value:
        return quoted.replace("nan", "NaN")
    if value in (float("inf"), float("-inf")):
        return quoted.replace("inf", "INF").replace("Infinity", "INF")
    return quoted


_ONE_LINE = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def write_json(variables: list[str], rows: Iterable[Row], out: TextIO) -> int:
    """SPARQL 1.1 Query Results JSON, one binding per line, written as each row comes; the
    number of rows written."""
    out.write(json.dumps({"head": {"vars": variables}}, ensure_ascii=False)[:-1])
    out.write(', "results": {"bindings": [')
    count = 0
    for row in rows:
        binding = {name: json_term(term) for name, term in zip(variables, row) if term is not None}
        out.write(("\n" if count == 0 else ",\n") + json.dumps(binding, ensure_ascii=False))
        count += 1
    out.write("\n]}}\n")
    return count


def write_boolean_json(value: bool, out: TextIO) -> None:
    out.write(json.dumps({"head": {}, "boolean": bool(value)}) + "\n")


def write_tsv(variables: list[str], rows: Iterable[Row], out: TextIO) -> int:
    """SPARQL 1.1 TSV: a header of ?variables, then terms in Turtle syntax."""
    out.write("\t".join(f"?{v}" for v in variables) + "\n")
    count = 0
    for row in rows:
        out.write("\t".join("" if t is None else turtle_term(t) for t in row) + "\n")
        count += 1
    return count


def write_csv(variables: list[str], rows: Iterable[Row], out: TextIO, *, canonical: bool = False) -> int:
    """SPARQL 1.1 CSV with CRLF line ends: each term as :func:`plain` writes it (lexical forms
    as the engine gives them, blank nodes by label, so that two blank nodes stay two).
    ``canonical``: the terms' canonical text (:func:`lexical`) instead, as the catalog's
    expected answers hold them."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(variables)
    text = lexical if canonical else plain
    count = 0
    for row in rows:
        writer.writerow([text(t) for t in row])
        count += 1
    return count


def plain(term) -> str:
    """A term as SPARQL 1.1 CSV writes it (section 4): an IRI or literal by its text (a
    literal's lexical form as the engine gives it), a blank node as ``_:`` and its label,
    which is the same for the same node throughout one answer; "" for an unbound variable."""
    if term is None:
        return ""
    # pyoxigraph's terms read directly: a national report writes 300,000 of them, and their
    # datatype and registered language tag (term_parts) are not written here
    kind = type(term)
    if kind is ox.NamedNode or kind is ox.Literal:
        return term.value
    if kind is ox.BlankNode:
        return f"_:{term.value}"
    kind, value, _datatype, _language = term_parts(term)
    return f"_:{value}" if kind == "bnode" else value


def write_xml(variables: list[str], rows: Iterable[Row], out: TextIO) -> int:
    """SPARQL Query Results XML Format, written as each row comes."""
    from xml.sax.saxutils import XMLGenerator  # (imports urllib.request: only for this format)

    xml = XMLGenerator(out, encoding="utf-8", short_empty_elements=True)
    xml.startDocument()
    xml.startElement("sparql", {"xmlns": "http://www.w3.org/2005/sparql-results#"})
    xml.startElement("head", {})
    for name in variables:
        xml.startElement("variable", {"name": name})
        xml.endElement("variable")
    xml.endElement("head")
    xml.startElement("results", {})
    count = 0
    for row in rows:
        xml.startElement("result", {})
        for name, term in zip(variables, row):
            if term is None:
                continue
            xml.startElement("binding", {"name": name})
            kind, value, datatype, language = term_parts(term)
            if kind != "literal":
                attributes = {}
            elif language:
                attributes = {"xml:lang": language}
            elif datatype and datatype != XSD_STRING:
                attributes = {"datatype": datatype}
            else:
                attributes = {}
            xml.startElement(kind, attributes)
            xml.characters(value)
            xml.endElement(kind)
            xml.endElement("binding")
        xml.endElement("result")
        out.write("\n")
        count += 1
    xml.endElement("results")
    xml.endElement("sparql")
    out.write("\n")
    return count


def write_boolean_xml(value: bool, out: TextIO) -> None:
    out.write('<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
              f"<head/><boolean>{'true' if value else 'false'}</boolean></sparql>\n")


# -- for people --------------------------------------------------------------------------------

def display_width(text: str) -> int:
    """Columns a terminal gives ``text``: East Asian wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


@dataclass
class Results:
    """A query's answer held in memory: its variables and rows of terms (rdflib's or
    pyoxigraph's: :func:`term_parts`). ``labeler``: an IRI (text) -> its label, or None."""

    variables: list[str]
    rows: list[tuple]
    seconds: float = 0.0
    #: rows were cut at a row limit; more exist
    truncated: bool = False

    labeler: Callable[[str], str | None] | None = None

    lexical = staticmethod(lexical)

    def canonical(self) -> list[tuple[str, ...]]:
        """The rows in their canonical text (:func:`lexical`), to compare answers with."""
        return [tuple(lexical(t) for t in row) for row in self.rows]

    def display(self, term) -> str:
        """A term for people: an IRI by its label (:attr:`labeler`), else compact, else in <>."""
        if not is_iri(term):
            return plain(term)
        iri = term_parts(term).value
        name = self.labeler(iri) if self.labeler else None
        if name:
            return name
        for prefix, ns in _PREFIXES.items():
            if iri.startswith(ns) and re.fullmatch(r"[\w.\-]*", iri[len(ns):]):
                return f"{prefix}:{iri[len(ns):]}"
        return f"<{iri}>"

    def to_csv(self, delimiter: str = ",", *, canonical: bool = True) -> str:
        """The canonical CSV of the catalog's expected answers (numbers normalised, blank
        nodes anonymous: :func:`lexical`); ``canonical=False``: SPARQL 1.1 CSV, for people."""
        import io

        out = io.StringIO()
        if delimiter == ",":
            write_csv(self.variables, self.rows, out, canonical=canonical)
        else:
            writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
            writer.writerow(self.variables)
            writer.writerows(self.canonical())
        return out.getvalue()

    def to_tsv(self) -> str:
        import io

        out = io.StringIO()
        write_tsv(self.variables, self.rows, out)
        return out.getvalue()

    def to_json(self) -> str:
        import io

        out = io.StringIO()
        write_json(self.variables, self.rows, out)
        return out.getvalue()

    def to_table(self) -> str:
        # a value's line break or tab would break the table's rows and columns: written out
        # as code points, as every message writes what does not print (kg.words.printable)
        cells = [self.variables] + [[printable(self.display(t)) for t in row] for row in self.rows]
        widths = [max(display_width(row[i]) for row in cells) for i in range(len(self.variables))]
        lines = []
        for n, row in enumerate(cells):
            lines.append("  ".join(pad(value, width) for value, width in zip(row, widths)).rstrip())
            if n == 0:
                lines.append("  ".join("-" * w for w in widths))
        more = ", more not shown" if self.truncated else ""
        lines.append(f"({counted(len(self.rows), 'row')}{more})")
        return "\n".join(lines) + "\n"

    def to_markdown(self, limit: int | None = None) -> str:
        """The rows as a Markdown table, the first ``limit`` of them when given (labels as
        :meth:`display` gives them: a label is looked up for every IRI shown)."""
        def cell(text: str) -> str:
            # a label is text, never markup: Markdown passes HTML through (an imported label
            # <img onerror=...> became an element), so & < > are written as entities
            text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            return printable(text.replace("\r\n", " ").replace("\n", " ")).replace("|", "\\|")

        lines = ["| " + " | ".join(self.variables) + " |", "|" + "---|" * len(self.variables)]
        for row in self.rows[:limit]:
            lines.append("| " + " | ".join(cell(self.display(t)) for t in row) + " |")
        return "\n".join(lines) + "\n"

    def render(self, fmt: str) -> str:
        renderers = {"table": self.to_table, "csv": lambda: self.to_csv(canonical=False), "tsv": self.to_tsv,
                     "json": self.to_json, "markdown": self.to_markdown}
        if fmt not in renderers:
            raise KgError(f"unknown result format {fmt!r} (expected {', '.join(FORMATS)})")
        return renderers[fmt]()


def write_rows(fmt: str, variables: list[str], rows: Iterable[Row], out: TextIO) -> int:
    """kg query's streamed formats (csv, tsv, json), each row written as it comes."""
    writers = {"csv": write_csv, "tsv": write_tsv, "json": write_json}
    if fmt not in writers:
        raise KgError(f"{fmt} is not written row by row (streamed formats: {', '.join(STREAMED)})")
    return writers[fmt](variables, rows, out)


# -- graphs (CONSTRUCT, DESCRIBE) --------------------------------------------------------------

GRAPH_FORMATS = ("ttl", "nt", "jsonld")
_LOCAL_NAME = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_\-.]*[A-Za-z0-9_\-])?\Z")


def ntriples_term(term) -> str:
    """A term in N-Triples syntax (valid Turtle too), escaped by pyoxigraph's canonical
    N-Triples writer, its language tag in registered case (the tag is what follows the last
    '@': a tag holds none)."""
    kind, value, datatype, language = term_parts(term)
    if kind == "uri":
        return str(ox.NamedNode(value))
    if kind == "bnode":
        return str(ox.BlankNode(value))
    if language:
        text = str(ox.Literal(value, language=language))
        return text[:text.rindex("@") + 1] + language
    return str(ox.Literal(value, datatype=ox.NamedNode(datatype or XSD_STRING)))


def _turtle_name(term, namespaces: list[tuple[str, str]]) -> str:
    if is_iri(term):
        text = term_parts(term).value
        for prefix, ns in namespaces:
            if text.startswith(ns) and _LOCAL_NAME.match(text[len(ns):]):
                return f"{prefix}:{text[len(ns):]}"
    return ntriples_term(term)


def write_ntriples(triples: Iterable[Row], out: TextIO) -> int:
    """N-Triples, one line per triple as it comes."""
    count = 0
    for s, p, o in triples:
        out.write(f"{ntriples_term(s)} {ntriples_term(p)} {ntriples_term(o)} .\n")
        count += 1
    return count


def write_turtle(triples: Iterable[Row], out: TextIO) -> int:
    """Turtle with the project's prefixes, the triples of one subject grouped while they come
    together, each written as it comes."""
    namespaces = sorted(_PREFIXES.items(), key=lambda item: -len(item[1]))  # longest namespace first
    for prefix, ns in sorted(_PREFIXES.items()):
        out.write(f"@prefix {prefix}: <{ns}> .\n")
    previous = None
    count = 0
    for s, p, o in triples:
        if s == previous:
            out.write(f" ;\n    {_turtle_name(p, namespaces)} {_turtle_name(o, namespaces)}")
        else:
            out.write(" .\n" if previous is not None else "\n")
            out.write(f"{_turtle_name(s, namespaces)} {_turtle_name(p, namespaces)} {_turtle_name(o, namespaces)}")
        previous = s
        count += 1
    if previous is not None:
        out.write(" .\n")
    return count


def write_jsonld(triples: Iterable[Row], out: TextIO) -> int:
    """JSON-LD with the project's prefixes as its context (rdflib's serializer: a JSON-LD
    document is written whole)."""
    from rdflib import Graph

    graph = Graph()
    for prefix, ns in _PREFIXES.items():
        graph.bind(prefix, ns)
    for triple in triples:
        graph.add(tuple(rdflib_term(t) for t in triple))
    out.write(graph.serialize(format="json-ld", context=dict(_PREFIXES), ensure_ascii=False))
    out.write("\n")
    return len(graph)
