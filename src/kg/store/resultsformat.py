"""Reading SPARQL 1.1 Query Results (JSON and XML) as an endpoint sent them, checked against the
formats' Recommendations: https://www.w3.org/TR/sparql11-results-json/ and
https://www.w3.org/TR/rdf-sparql-XMLres/.

An endpoint can send anything: a term type the formats do not define (``"bogus"``), one they
do not define yet (an RDF-star ``"triple"``), a boolean written as a string, a ``uri`` whose
value is no IRI, a document without ``head``. Each is a :class:`MalformedResults` saying in
words what is wrong and where (the row and the variable), never a Python exception's text and
never a value accepted as something it is not (``"yes"`` read as true).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
import re
import xml.etree.ElementTree as ElementTree

from rdflib import BNode, Literal, URIRef

from kg.store.load import language_tag

#: An absolute IRI (RFC 3987: a scheme, then no character an IRI may never hold).
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|^`\\]*$")
#: A BCP 47 language tag's form (RFC 5646, 2.1).
_TAG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
_NS = "{http://www.w3.org/2005/sparql-results#}"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class MalformedResults(ValueError):
    """A results document that is not what its format defines; the message says what and where."""


def read_json(body: bytes) -> tuple[list[str], list[tuple], bool | None]:
    """SPARQL 1.1 Query Results JSON: (variables, rows, None) for a SELECT answer, each row a
    tuple of rdflib terms (None where unbound) in the order of ``head.vars``; ([], [], answer)
    for an ASK answer. Raises MalformedResults. (:func:`stream_results` over one chunk.)"""
    variables, boolean, rows = stream_results([body], "json")
    return variables, list(rows), boolean


def read_xml(body: bytes) -> tuple[list[str], list[tuple], bool | None]:
    """SPARQL Query Results XML, as :func:`read_json` gives JSON. Raises MalformedResults."""
    variables, boolean, rows = stream_results([body], "xml")
    return variables, list(rows), boolean


#: The media types of the two results formats (SPARQL 1.1 Protocol, 2.1; the generic JSON and
#: XML types are what servers also send for them).
JSON_MEDIA = ("application/sparql-results+json", "application/json")
XML_MEDIA = ("application/sparql-results+xml", "application/xml", "text/xml")


def check_results(body: bytes, content_type: str) -> str | None:
    """What is wrong with ``body`` as the results document its ``content_type`` says it is
    (JSON or XML: every row and term read as :func:`stream_results` reads them), or None
    when it is a whole, well-formed one or of another type (not a results format)."""
    media = content_type.split(";")[0].strip().lower()
    fmt = "json" if media in JSON_MEDIA else "xml" if media in XML_MEDIA else None
    if fmt is None:
        return None
    try:
        _variables, _boolean, rows = stream_results([body], fmt)
        for _row in rows:
            pass
    except MalformedResults as exc:
        return str(exc)
    return None


def stream_results(chunks: Iterable[bytes], fmt: str) -> tuple[list[str], bool | None, Iterator[tuple]]:
    """A results document read as it comes, in ``chunks`` of bytes (``fmt``: ``json`` or
    ``xml``): (variables, None, rows) for a SELECT answer, the rows an iterator that reads on
    as it is advanced, so memory holds one row at a time whatever the answer's size;
    ([], answer, no rows) for an ASK answer. Returns once the head is read. Raises
    MalformedResults, from this call or from the rows' iterator, at the first fault.

    JSON is parsed by ijson (its C backend, yajl), XML by the standard library's pull parser:
    both incremental. A JSON document whose ``results`` come before its ``head`` (legal,
    though no known server writes one) has its rows held until the head is read."""
    items = _json_items(chunks) if fmt == "json" else _xml_items(chunks)
    kind, value = next(items)
    if kind == "boolean":
        for _rest in items:  # the document must still be whole and well formed
            pass
        return [], value, iter(())
    return value, None, (row for _kind, row in items)


class _Reader:
    """Chunks of bytes as the file ijson reads (``read``), a byte order mark dropped."""

    def __init__(self, chunks: Iterable[bytes]):
        self._chunks = iter(chunks)
        self._first = True

    def read(self, size: int = -1) -> bytes:
        if size == 0:  # ijson's probe of whether the file gives bytes or text
            return b""
        for chunk in self._chunks:
            if self._first and chunk:
                self._first = False
                chunk = chunk.removeprefix(b"\xef\xbb\xbf")
            if chunk:
                return chunk
        return b""


def _json_items(chunks: Iterable[bytes]) -> Iterator[tuple[str, object]]:
    """("head", variables) then ("row", tuple) for each binding, or ("boolean", answer)."""
    import ijson

    variables: list[str] | None = None
    head_seen = bindings_seen = announced = False
    held: list[tuple[int, object]] = []  # rows read before the head (see stream_results)
    builder = None
    number = 0
    boolean = None
    first = True
    events = ijson.parse(_Reader(chunks))
    try:
        for prefix, event, value in events:
            if first:
                first = False
                if event != "start_map":
                    raise MalformedResults("the document is not a JSON object")
                continue
            if builder is not None:
                if prefix == "results.bindings.item" and event == "end_map":
                    number += 1
                    if variables is None:
                        held.append((number, builder.value))
                    else:
                        yield "row", _json_row(builder.value, variables, number)
                    builder = None
                else:
                    builder.event(event, value)
                continue
            if prefix == "head" and event != "map_key" and event != "end_map":
                if event != "start_map":
                    raise MalformedResults('no "head" object')
                head_seen = True
            elif prefix == "head.vars":
                if event not in ("start_array", "end_array"):
                    raise MalformedResults('"head" has no "vars" list of variable names (nor is there a "boolean")')
                if event == "start_array":
                    variables_read: list[str] = []
                else:
                    variables = variables_read
                    if bindings_seen:  # the rows came first: the head now, then the rows held
                        announced = True
                        yield "head", list(variables)
                        for row_number, raw in held:
                            yield "row", _json_row(raw, variables, row_number)
                        held = []
            elif prefix == "head.vars.item":
                if event != "string" or not value:
                    raise MalformedResults('"head" has no "vars" list of variable names (nor is there a "boolean")')
                variables_read.append(value)
            elif prefix == "boolean":
                if event != "boolean":
                    shown = {"start_map": "an object", "start_array": "a list"}.get(event)
                    raise MalformedResults(f'"boolean" is {shown or json.dumps(_plain(value))}, not true or false')
                boolean = value
            elif prefix == "results" and event not in ("map_key", "end_map"):
                if event != "start_map":
                    raise MalformedResults('no "results" object with a "bindings" list')
            elif prefix == "results.bindings" and event != "end_array":
                if event != "start_array":
                    raise MalformedResults('no "results" object with a "bindings" list')
                bindings_seen = True
                if variables is not None and not announced:
                    announced = True
                    yield "head", list(variables)
            elif prefix == "results.bindings.item":
                if event != "start_map":
                    raise MalformedResults(f"row {number + 1} is not a JSON object")
                builder = ijson.ObjectBuilder()
                builder.event(event, value)
    except ijson.JSONError as exc:
        # yajl's message: its first line; the next ones draw an arrow under the text
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0].strip()
        if isinstance(exc, ijson.IncompleteJSONError) and ("premature EOF" in reason or "Incomplete" in reason):
            raise MalformedResults("the document stops before its end (cut off?)") from None
        raise MalformedResults(f"not JSON ({reason})") from None
    except UnicodeDecodeError as exc:
        raise MalformedResults(f"not UTF-8 (byte {exc.start})") from None
    if first:
        raise MalformedResults("the document is empty, not JSON")
    if not head_seen:
        raise MalformedResults('no "head" object')
    if boolean is not None and not bindings_seen:
        yield "boolean", boolean
        return
    if variables is None:
        raise MalformedResults('"head" has no "vars" list of variable names (nor is there a "boolean")')
    if not bindings_seen:
        raise MalformedResults('no "results" object with a "bindings" list')


def _plain(value):
    """An ijson scalar as json.dumps writes it (its numbers are Decimals)."""
    from decimal import Decimal

    return float(value) if isinstance(value, Decimal) else value


def _json_row(binding: dict, variables: list[str], number: int) -> tuple:
    position = {name: i for i, name in enumerate(variables)}
    row: list = [None] * len(variables)
    for name, term in binding.items():
        if name not in position:
            raise MalformedResults(f'row {number} binds ?{name}, which is not in "head" "vars"')
        row[position[name]] = _json_term(term, f"row {number}, ?{name}")
    return tuple(row)


def _json_term(term, where: str):
    if not isinstance(term, dict):
        raise MalformedResults(f"{where}: a term must be a JSON object")
    kind = term.get("type")
    if kind == "triple":
        raise MalformedResults(f"{where}: an RDF-star triple term, which SPARQL 1.1 results do not have "
                               "and kg does not read")
    if kind not in ("uri", "literal", "typed-literal", "bnode"):
        raise MalformedResults(f"{where}: unknown term type {json.dumps(kind)} (SPARQL 1.1 has uri, literal, bnode)")
    value = term.get("value")
    if not isinstance(value, str):
        raise MalformedResults(f'{where}: a {kind} term without a string "value"')
    if kind == "uri":
        return _iri(value, where)
    if kind == "bnode":
        if not value:
            raise MalformedResults(f"{where}: a blank node without a label")
        return BNode(value)
    return _literal(value, term.get("xml:lang"), term.get("datatype"), where)


def _iri(value: str, where: str) -> URIRef:
    if not _IRI.match(value):
        raise MalformedResults(f"{where}: {json.dumps(value, ensure_ascii=False)} is not an absolute IRI")
    return URIRef(value)


def _literal(value: str, lang, datatype, where: str) -> Literal:
    if lang is not None and datatype is not None and datatype != "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString":
        raise MalformedResults(f"{where}: a literal with both a language tag and a datatype")
    if lang is not None:
        if not isinstance(lang, str) or not _TAG.match(lang):
            raise MalformedResults(f"{where}: {json.dumps(lang, ensure_ascii=False)} is not a language tag")
        return Literal(value, lang=language_tag(lang))
    if datatype is not None:
        if not isinstance(datatype, str):
            raise MalformedResults(f"{where}: the datatype is not a string")
        if datatype == _XSD_STRING:  # RDF 1.1: a simple literal is an xsd:string; one form, as locally
            return Literal(value)
        return Literal(value, datatype=_iri(datatype, where + " (datatype)"))
    return Literal(value)


def _xml_items(chunks: Iterable[bytes]) -> Iterator[tuple[str, object]]:
    """As :func:`_json_items`, for SPARQL Query Results XML; each <result> is dropped from
    the tree once read, so the tree never holds more than one."""
    parser = ElementTree.XMLPullParser(events=("start", "end"))
    root = results = None
    variables: list[str] | None = None
    number = 0
    ended = False

    def events() -> Iterator[tuple[str, ElementTree.Element]]:
        nonlocal ended
        try:
            for chunk in chunks:
                parser.feed(chunk)
                yield from parser.read_events()
            parser.close()
            yield from parser.read_events()
        except ElementTree.ParseError as exc:
            line, column = exc.position
            raise MalformedResults(f"not XML (line {line}, column {column + 1})") from None
        ended = True

    for event, element in events():
        if root is None:
            root = element
            if root.tag != _NS + "sparql":
                raise MalformedResults(f"the root element is <{_local(root.tag)}>, not <sparql> in the results "
                                       "namespace")
            continue
        tag = element.tag
        if event == "end" and tag == _NS + "head":
            variables = [v.get("name") or "" for v in element.findall(_NS + "variable")]
            if not all(variables):
                raise MalformedResults("a <variable> without a name")
        elif event == "start" and tag == _NS + "results" and results is None:
            if variables is None:
                raise MalformedResults("no <head> element")
            results = element
            yield "head", variables
        elif event == "end" and tag == _NS + "boolean" and results is None:
            if variables is None:
                raise MalformedResults("no <head> element")
            text = (element.text or "").strip()
            if text not in ("true", "false"):
                raise MalformedResults(f"<boolean> is {text!r}, not true or false")
            yield "boolean", text == "true"
            return
        elif event == "end" and tag == _NS + "result" and results is not None:
            number += 1
            yield "row", _xml_row(element, variables, number)
            results.remove(element)  # the first child: each is removed as it ends
    if not ended:
        return
    if variables is None:
        raise MalformedResults("no <head> element")
    if results is None:
        raise MalformedResults("no <results> element (nor a <boolean>)")


def _xml_row(result: ElementTree.Element, variables: list[str], number: int) -> tuple:
    position = {name: i for i, name in enumerate(variables)}
    row: list = [None] * len(variables)
    for binding in result.findall(_NS + "binding"):
        name = binding.get("name") or ""
        if name not in position:
            raise MalformedResults(f"row {number} binds ?{name}, which is not a <variable> of <head>")
        row[position[name]] = _xml_term(list(binding), f"row {number}, ?{name}")
    return tuple(row)


def _xml_term(children, where: str):
    if len(children) != 1:
        raise MalformedResults(f"{where}: a <binding> holds {len(children)} terms, not one")
    element = children[0]
    kind, value = _local(element.tag), element.text or ""
    if kind == "triple":
        raise MalformedResults(f"{where}: an RDF-star triple term, which SPARQL 1.1 results do not have "
                               "and kg does not read")
    if kind == "uri":
        return _iri(value.strip(), where)
    if kind == "bnode":
        if not value.strip():
            raise MalformedResults(f"{where}: a blank node without a label")
        return BNode(value.strip())
    if kind == "literal":
        return _literal(value, element.get(_XML_LANG), element.get("datatype"), where)
    raise MalformedResults(f"{where}: unknown term <{kind}> (SPARQL 1.1 has uri, literal, bnode)")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
