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


class MalformedResults(ValueError):
    """A results document that is not what its format defines; the message says what and where."""


def read_json(body: bytes) -> tuple[list[str], list[tuple], bool | None]:
    """SPARQL 1.1 Query Results JSON: (variables, rows, None) for a SELECT answer, each row a
    tuple of rdflib terms (None where unbound) in the order of ``head.vars``; ([], [], answer)
    for an ASK answer. Raises MalformedResults."""
    try:
        document = json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise MalformedResults(f"not UTF-8 (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise MalformedResults(f"not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None
    if not isinstance(document, dict):
        raise MalformedResults("the document is not a JSON object")
    head = document.get("head")
    if not isinstance(head, dict):
        raise MalformedResults('no "head" object')
    if "boolean" in document:
        if not isinstance(document["boolean"], bool):
            raise MalformedResults(f'"boolean" is {json.dumps(document["boolean"])}, not true or false')
        return [], [], document["boolean"]
    variables = head.get("vars")
    if not isinstance(variables, list) or not all(isinstance(v, str) and v for v in variables):
        raise MalformedResults('"head" has no "vars" list of variable names (nor is there a "boolean")')
    results = document.get("results")
    bindings = results.get("bindings") if isinstance(results, dict) else None
    if not isinstance(bindings, list):
        raise MalformedResults('no "results" object with a "bindings" list')
    position = {name: i for i, name in enumerate(variables)}
    rows = []
    for number, binding in enumerate(bindings, 1):
        if not isinstance(binding, dict):
            raise MalformedResults(f"row {number} is not a JSON object")
        row: list = [None] * len(variables)
        for name, term in binding.items():
            if name not in position:
                raise MalformedResults(f'row {number} binds ?{name}, which is not in "head" "vars"')
            row[position[name]] = _json_term(term, f"row {number}, ?{name}")
        rows.append(tuple(row))
    return list(variables), rows, None


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
        return Literal(value, datatype=_iri(datatype, where + " (datatype)"))
    return Literal(value)


def read_xml(body: bytes) -> tuple[list[str], list[tuple], bool | None]:
    """SPARQL Query Results XML, as :func:`read_json` gives JSON. Raises MalformedResults."""
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as exc:
        line, column = exc.position
        raise MalformedResults(f"not XML (line {line}, column {column + 1})") from None
    if root.tag != _NS + "sparql":
        raise MalformedResults(f"the root element is <{_local(root.tag)}>, not <sparql> in the results namespace")
    head = root.find(_NS + "head")
    if head is None:
        raise MalformedResults("no <head> element")
    boolean = root.find(_NS + "boolean")
    if boolean is not None:
        text = (boolean.text or "").strip()
        if text not in ("true", "false"):
            raise MalformedResults(f"<boolean> is {text!r}, not true or false")
        return [], [], text == "true"
    variables = [v.get("name") or "" for v in head.findall(_NS + "variable")]
    if not all(variables):
        raise MalformedResults("a <variable> without a name")
    results = root.find(_NS + "results")
    if results is None:
        raise MalformedResults("no <results> element (nor a <boolean>)")
    position = {name: i for i, name in enumerate(variables)}
    rows = []
    for number, result in enumerate(results.findall(_NS + "result"), 1):
        row: list = [None] * len(variables)
        for binding in result.findall(_NS + "binding"):
            name = binding.get("name") or ""
            if name not in position:
                raise MalformedResults(f"row {number} binds ?{name}, which is not a <variable> of <head>")
            row[position[name]] = _xml_term(list(binding), f"row {number}, ?{name}")
        rows.append(tuple(row))
    return variables, rows, None


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
