"""Which RDF syntax a file is written in, and its syntax errors, told one way for every
format and whichever parser met them::

    data/x.ttl:3:11: Turtle syntax error: this string is never closed
        ex:a ex:b "unterminated .
                  ^

The project reads RDF with two parsers: rdflib for files below the large-file threshold,
pyoxigraph above it and in the pipeline for large graphs. Every file is first parsed by
pyoxigraph (:func:`check`; the curated data takes 0.08 s, rdflib 2.5 s), so a file is
accepted or refused the same way whatever its size, and its first error comes with a line
and column. An error is then told in plain words (:func:`syntax_error`): pyoxigraph's
messages lose their location prefix and their Rust debug forms, rdflib's their Python
reprs; RDF/XML and JSON-LD errors that carry no position are placed by the XML parser
(expat) or by the term they name.
"""

from __future__ import annotations

import collections
import itertools
import json
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from kg import paths
from kg.errors import KgError

#: suffix -> (pyoxigraph format, rdflib format name, the syntax's name)
SYNTAXES = {
    ".ttl": (ox.RdfFormat.TURTLE, "turtle", "Turtle"),
    ".nt": (ox.RdfFormat.N_TRIPLES, "nt", "N-Triples"),
    ".nq": (ox.RdfFormat.N_QUADS, "nquads", "N-Quads"),
    ".trig": (ox.RdfFormat.TRIG, "trig", "TriG"),
    ".rdf": (ox.RdfFormat.RDF_XML, "xml", "RDF/XML"),
    ".owl": (ox.RdfFormat.RDF_XML, "xml", "RDF/XML"),
    ".jsonld": (ox.RdfFormat.JSON_LD, "json-ld", "JSON-LD"),
}


def check_output_name(path: Path | str, written: str, formats: Iterable[str] = ()) -> None:
    """A KgError when the output ``path``'s suffix names an RDF syntax other than the one the
    command writes (``written``, a suffix of :data:`SYNTAXES`): `kg export --format ttl -o
    x.nt` wrote Turtle into a file every reader then took for N-Triples and refused. A name
    with another suffix (or none) is left as the user gave it; "-" is standard output.
    ``formats``: the values of the command's --format option (none: the command has none),
    offered when one of them is the syntax the name says; the message offers only what exists
    (`kg gazetteer -o g.nt` was told to "choose the format" it has no option for)."""
    path = Path(path)
    given = SYNTAXES.get(path.suffix.lower())
    if str(path) == "-" or given is None or given[2] == SYNTAXES[written][2]:
        return
    offered = [name for name in formats if SYNTAXES.get(f".{name}", (None, None, None))[2] == given[2]]
    choose = f", or give --format {offered[0]}" if offered else ""
    raise KgError(f"{path}: the name says {given[2]}, but this writes {SYNTAXES[written][2]}: name it "
                  f"{path.with_suffix(written).name}{choose}")


#: The syntaxes of datasets: those that can name graphs (N-Quads, TriG, JSON-LD: pyoxigraph's
#: ``RdfFormat.supports_datasets``). The project reads a file as one graph: the triples of all
#: the graphs a dataset file names go into the file's graph (kg.store.load, kg.store.oxigraph,
#: kg.store.ntriples), never into graphs of their own that the file's graph would not see.
QUAD_SUFFIXES = tuple(suffix for suffix, (found, _name, _syntax) in SYNTAXES.items() if found.supports_datasets)
#: rdflib's format names (``kg link --format``) -> the suffix of the same syntax
_RDFLIB_NAMES = {"turtle": ".ttl", "ttl": ".ttl", "nt": ".nt", "ntriples": ".nt", "nt11": ".nt",
                 "nquads": ".nq", "trig": ".trig", "xml": ".rdf", "application/rdf+xml": ".rdf",
                 "json-ld": ".jsonld", "jsonld": ".jsonld"}


def rdflib_format_names() -> list[str]:
    """The format names ``kg link --format`` takes (rdflib's, for the syntaxes kg reads)."""
    return sorted(_RDFLIB_NAMES)


def _syntax(path: Path, fmt: str | None = None) -> tuple[ox.RdfFormat | None, str, str]:
    """(pyoxigraph format or None, rdflib format, name) of ``path``, or of rdflib format ``fmt``."""
    if fmt is not None:
        suffix = _RDFLIB_NAMES.get(fmt.lower())
        return SYNTAXES[suffix] if suffix else (None, fmt, fmt)
    try:
        return SYNTAXES[Path(path).suffix.lower()]
    except KeyError:
        raise KgError(f"{path}: unknown RDF file type {Path(path).suffix!r} "
                      f"(expected one of {', '.join(sorted(SYNTAXES))})") from None


def rdf_file(path: Path | str) -> Path:
    """``path`` if it is a readable file; a KgError if it is missing, a directory (which is
    not read for its files: the user names them) or unreadable."""
    path = Path(path)
    return paths.input_file(path, "file", f"name the RDF files in it, e.g. {path / '*.ttl'}")


#: A UTF-8 byte order mark, which Windows editors write at the start of a text file. No RDF
#: syntax has a place for it; pyoxigraph refuses it in Turtle, rdflib in N-Triples and JSON-LD.
BOM = b"\xef\xbb\xbf"


def starts_with_bom(path: Path) -> bool:
    with open(path, "rb") as stream:
        return stream.read(len(BOM)) == BOM


def oxigraph_input(path: Path, fmt: str | None = None) -> dict:
    """The keyword arguments for pyoxigraph's ``parse`` or ``Store.load`` to read ``path``:
    the path itself, or the file's bytes after a byte order mark. An RDF/XML file is first
    scanned (:func:`guard_xml`), a JSON-LD file for what a JSON-LD reader would drop or
    change without a word (:func:`guard_json_ld`): every parse of a file the user names
    comes here."""
    name = _syntax(path, fmt)[2]  # (rdflib's format name ``fmt`` when given, as `kg link --format`)
    if name == "RDF/XML":
        guard_xml(path)
    elif name == "JSON-LD":
        # nesting first: pyoxigraph's JSON-LD reader (guard_json_ld's own parse) recurses once
        # per level and crashed the process at 10,000 nested objects (a segmentation fault)
        guard_nesting(path, "JSON-LD")
        guard_json_ld(path)
    if starts_with_bom(path):
        return {"input": Path(path).read_bytes()[len(BOM):]}
    return {"path": str(path)}


def holds_quads(path: Path, fmt: str | None = None) -> bool:
    """Whether ``path`` (or rdflib format ``fmt``) is in a dataset syntax (:data:`QUAD_SUFFIXES`:
    N-Quads, TriG, JSON-LD), whose graphs a read of it as one graph must merge: a JSON-LD
    document with an "@id" beside its "@graph" ended in "ValueError: The N-Triples format
    does not support named graphs"."""
    suffix = _RDFLIB_NAMES.get(fmt.lower(), "") if fmt else Path(path).suffix.lower()
    return suffix in QUAD_SUFFIXES


def triples_of(quads, names: set):
    """The triples of pyoxigraph ``quads``, adding to ``names`` the name of every graph other
    than the default one that they were in (for :func:`note_graphs_read_as_one`)."""
    for quad in quads:
        if quad.graph_name != ox.DefaultGraph():
            # (a graph a blank node names, as a JSON-LD "@graph" without "@id" makes: by its label)
            names.add(quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode)
                      else f"_:{quad.graph_name.value}")
        yield quad.triple


_NOTED: set[Path] = set()


def note_graphs_read_as_one(path: Path, names) -> None:
    """Say (kg's log, on the terminal by default) that the named graphs of a dataset file
    (``names``: the graph names its quads carry, the default graph left out) are read as the
    file's one graph (:data:`QUAD_SUFFIXES`): `kg build --add x.trig` merged them without a word."""
    import logging

    from kg.words import word

    # (a blank node naming a graph, rdflib's or pyoxigraph's, by its label)
    names = sorted({f"_:{name}" if type(name).__name__ in ("BNode", "BlankNode") else str(name) for name in names})
    if names and Path(path).resolve() not in _NOTED:
        _NOTED.add(Path(path).resolve())  # once a file, however many times a command reads it
        shown = ", ".join(name if name.startswith("_:") else f"<{name}>" for name in names[:3]) + (
            f" and {len(names) - 3} more" if len(names) > 3 else "")
        logging.getLogger("kg.store").warning("%s: its %s %s %s read as one graph, the file's (kg keeps one named "
                                              "graph per file)", path, word(len(names), "named graph"), shown,
                                              "is" if len(names) == 1 else "are")


def json_ld_scalar(path: Path, fmt: str | None = None) -> bool:
    """Whether ``path`` (or rdflib format ``fmt``) is JSON-LD whose document is a JSON
    string, number, boolean or null: a JSON-LD processor drops such a free-floating value and
    reads no triple (JSON-LD 1.1 Processing Algorithms, the Expansion Algorithm: a
    scalar outside any property expands to null)."""
    if _syntax(path, fmt)[2] != "JSON-LD":
        return False
    try:
        data = Path(path).read_bytes()
        document = json.loads(data[len(BOM):] if data.startswith(BOM) else data)
    except (OSError, ValueError, RecursionError):
        return False  # (the parser reports it)
    return not isinstance(document, (dict, list))


def note_nothing_read(path: Path) -> None:
    """Say (kg's log, on the terminal by default) that reading ``path`` gave no triple: a
    file holding only a JSON string, only prefixes or nothing at all was taken as an empty
    graph without a word ("Conforms"). A warning, not an error: an empty file is valid RDF."""
    import logging

    if Path(path).resolve() not in _EMPTY:
        _EMPTY.add(Path(path).resolve())  # once a file, however many times a command reads it
        logging.getLogger("kg.store").warning("%s: no triples read (the file states no triple)", path)


_EMPTY: set[Path] = set()


def rdf_format(path: Path) -> ox.RdfFormat:
    """pyoxigraph's format for ``path``, by its suffix; a KgError for an unknown suffix."""
    return _syntax(path)[0]


def rdflib_format(path: Path) -> str:
    """rdflib's format name for ``path``, by its suffix; a KgError for an unknown suffix."""
    return _syntax(path)[1]


class RdfSyntaxError(KgError):
    """A syntax error in an RDF file: ``FILE:LINE:COL: <syntax> syntax error: <what>``, then
    the offending line with a caret under the column (when the position is known)."""

    problem = "syntax error"

    def __init__(self, path: Path, syntax: str, what: str, line: int | None = None,
                 column: int | None = None, source: str | None = None):
        self.path, self.syntax, self.what = Path(path), syntax, what
        self.line, self.column, self.source = line, column, source
        super().__init__(self.first_line)

    @property
    def first_line(self) -> str:
        where = "".join(f":{n}" for n in (self.line, self.column if self.line else None) if n)
        return f"{self.path}{where}: {self.syntax} {self.problem}: {self.what}"

    def __str__(self) -> str:
        if self.source is None:
            return self.first_line
        text, column = _excerpt(self.source, self.column or 1)
        shown = [self.first_line, "    " + text]
        if self.column:
            shown.append("    " + _caret(text, column))
        return "\n".join(shown)

    def for_terminal(self) -> str:
        return str(self)  # already names the file, as compilers do: no "kg: error:" before it


class RdfNotRead(RdfSyntaxError):
    """Well-formed, but not read: XML entity declarations, nesting deeper than
    :data:`MAX_NESTING` (``FILE:LINE:COL: <syntax> not read: <why>``, with the caret)."""

    problem = "not read"


#: How deep RDF may nest: blank nodes ``[ ]`` and collections ``( )`` inside each other
#: (Turtle, TriG), JSON objects and arrays (JSON-LD). rdflib's parsers and serializers recurse
#: once per level and more: 150 nested blank nodes ended in "maximum recursion depth
#: exceeded"; no real data comes near this.
MAX_NESTING = 64
#: The same for RDF/XML elements: its striped syntax takes one element for a node and one for
#: its property. pyoxigraph's RDF/XML reader takes time cubic in the depth (20,000 nested
#: elements: 25 s).
MAX_XML_DEPTH = 2 * MAX_NESTING + 2


class _Refused(Exception):
    def __init__(self, line: int, column: int, what: str):
        super().__init__(what)
        self.line, self.column, self.what = line, column, what


#: The base a JSON-LD file is read against to find its relative IRIs: a name no IRI of the
#: data holds (.invalid is reserved, RFC 2606).
_RELATIVE_BASE = "http://relative-iri.invalid/"


#: The IRI schemes a JSON-LD file may write an IRI in without declaring them: the bare ones
#: of the command line (kg.namespaces.BARE_SCHEMES) and other registered schemes that name
#: things in linked data (RFC 3986 / IANA). ``"ex:a"`` with ``ex`` not in the @context is
#: read as an absolute IRI of a scheme ``ex:`` (JSON-LD 1.1 IRI Expansion): it is refused
#: as an undeclared prefix unless its scheme is one of these.
JSON_LD_SCHEMES = ("http", "https", "urn", "mailto", "tag", "file", "ftp", "data", "did", "info", "geo", "tel")
#: The keywords of JSON-LD 1.1 (section 1.7); any other key of the form "@name" is ignored by
#: a processor, without a word (Expansion Algorithm, step 13.4).
JSON_LD_KEYWORDS = frozenset({"@base", "@container", "@context", "@direction", "@graph", "@id", "@import",
                              "@included", "@index", "@json", "@language", "@list", "@nest", "@none", "@prefix",
                              "@propagate", "@protected", "@reverse", "@set", "@type", "@value", "@version",
                              "@vocab"})
#: Characters no IRI holds (RFC 3987), besides controls
_NOT_IN_IRI = re.compile(r"[\x00-\x20<>\"{}|\\^`\x7f]")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


def guard_json_ld(path: Path) -> None:
    """An RdfSyntaxError naming ``path``, the place (line and column of the string as
    written, the line shown with a caret) and what a JSON-LD processor would silently drop or
    change in the document, for the first of:

    - a relative IRI (an ``@id`` or ``@type`` such as "rel", with no scheme and no
      ``@base``), refused as Turtle, N-Quads and RDF/XML are by their parser: a processor
      drops the node (pyoxigraph) or resolves it against where the file happens to lie
      (rdflib: file:///...);
    - a key that expands to no IRI: no term of the @context, no compact IRI, no absolute IRI
      and no @vocab. JSON-LD 1.1 (Expansion Algorithm, 13.4) drops it and its value;
    - a key of the form of a keyword that is none (``"@foo"``): ignored (same step);
    - an IRI that is not valid (a space in it: pyoxigraph drops the node, rdflib keeps it);
    - an IRI ``prefix:local`` whose prefix the @context does not declare and whose scheme is
      none of :data:`JSON_LD_SCHEMES`: read as an absolute IRI of scheme ``prefix:``;
    - a language tag (``"@language"``, of a value or of the @context) that is no BCP 47 tag
      (RFC 5646's syntax, as pyoxigraph checks it): a processor drops the value.

    The document is read once by pyoxigraph in its lenient mode, which keeps what the strict
    one drops (a key "foo" comes out as the predicate <foo>), against a base no data holds
    (:data:`_RELATIVE_BASE`: an IRI that ends up on it was relative). A document that does
    not parse is left to the parse that follows (it reports the error)."""
    base = _RELATIVE_BASE
    iris: dict[str, None] = {}  # every IRI of the graph, in the order met
    keys: dict[str, ox.NamedNode | ox.BlankNode] = {}  # every predicate -> its first subject
    languages: dict[str, None] = {}  # every language tag, in the order met
    try:
        data = Path(path).read_bytes()
        data = data[len(BOM):] if data.startswith(BOM) else data
        for quad in ox.parse(data, format=ox.RdfFormat.JSON_LD, base_iri=base, lenient=True):
            keys.setdefault(quad.predicate.value, quad.subject)
            if isinstance(quad.object, ox.Literal) and quad.object.language:
                languages[quad.object.language] = None
            for term in (quad.subject, quad.object, quad.graph_name,
                         quad.object.datatype if isinstance(quad.object, ox.Literal) else None):
                if isinstance(term, ox.NamedNode):
                    iris[term.value] = None
        document = json.loads(data.decode("utf-8"))
    except (SyntaxError, OSError, ValueError, RecursionError):
        return
    text = data.decode("utf-8")
    iris.update(dict.fromkeys(keys))

    def refused(at: int, what: str) -> RdfSyntaxError:
        line, column = (text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)) if at >= 0 else (None, None)
        return RdfSyntaxError(path, "JSON-LD", what, *_on_a_line(path, line, column))

    start = len(text) - len(text.lstrip())
    for at, value in _top_level(text, start, document):
        if not isinstance(value, dict):
            where = "the document's top level" if at == start else "an item of the document's top-level array"
            raise refused(at, f"{where} is {_json_kind(value)}, not a node object ({{...}}): a JSON-LD document is "
                              f"a node object or an array of node objects, and a reader takes nothing from it")
    # relative IRIs first: "@type": "Thing" is one, not an undefined term
    for iri in iris:
        if iri.startswith(base):
            written = _written_as(document, iri)
            raise refused(_string_at(text, written),
                          f"the IRI {json.dumps(written, ensure_ascii=False)} is relative and there is no base to "
                          f"resolve it against: write it in full (\"https://example.org/a\"), as a compact IRI of a "
                          f"prefix in @context, or give the context an @base")
    for key, subject in keys.items():
        if not _SCHEME.match(key):
            node = f" of the node <{subject.value}>" if isinstance(subject, ox.NamedNode) else ""
            raise refused(_key_at(text, key),
                          f"the key {json.dumps(key, ensure_ascii=False)}{node} expands to no IRI (no term of the "
                          f"@context, no compact IRI of a declared prefix, no absolute IRI, no @vocab), so a JSON-LD "
                          f"reader drops it and its value: define it in the @context, or write the property's IRI")
    for key in _keys(document):
        if key.startswith("@") and key not in JSON_LD_KEYWORDS:
            raise refused(_key_at(text, key),
                          f"the key {json.dumps(key, ensure_ascii=False)} is no JSON-LD keyword, so a JSON-LD reader "
                          f"ignores it and its value (a key that starts with @ must be one of the keywords, @id, "
                          f"@type, @value, @graph, ...)")
    for iri in iris:
        scheme = _SCHEME.match(iri)
        if scheme is None or _NOT_IN_IRI.search(iri):
            written = _written_for(document, iri)
            raise refused(_string_at(text, written),
                          f"{json.dumps(written, ensure_ascii=False)} makes <{iri}>, which is no valid absolute IRI "
                          f"(an IRI has a scheme, and no space, quote, angle bracket or control character): a "
                          f"JSON-LD reader drops it or keeps it as it likes")
        if scheme.group(1).lower() not in JSON_LD_SCHEMES:
            known = ", ".join(sorted(_declared_prefixes(document))) or "none"
            raise refused(_string_at(text, iri),
                          f"the prefix {scheme.group(1)!r} of {json.dumps(iri, ensure_ascii=False)} is not declared "
                          f"in the @context (declared: {known}), so it would be read as an IRI of the scheme "
                          f"{scheme.group(1) + ':'!r}: declare the prefix, or write the IRI in full")
    # and every "@language" the document writes (an empty one gave no tag to the reader above,
    # and the value was dropped without a word)
    languages.update(dict.fromkeys(_language_values(document)))
    for tag in languages:
        if tag is None:
            continue  # ("@language": null resets the default language)
        try:
            if not isinstance(tag, str) or not tag:
                raise ValueError(tag)
            ox.Literal("", language=tag)  # (pyoxigraph's check of a tag, BCP 47's syntax: what its strict reader keeps)
        except ValueError:
            raise refused(_string_at(text, tag),
                          f"{json.dumps(tag, ensure_ascii=False)} is no language tag (BCP 47: subtags of letters "
                          f"and digits, each at most 8, joined by hyphens), so a JSON-LD reader drops the value: "
                          f"write a tag such as \"en\" or \"zh-Hans\"") from None


_BETWEEN_ITEMS = re.compile(r"[ \t\r\n,]*")


def _top_level(text: str, at: int, value) -> Iterator[tuple[int, object]]:
    """(offset in ``text``, value) of what JSON-LD reads as the top level of the JSON
    ``value`` that starts at ``at``: the value itself, or the items of an array, those of an
    array within it included (expansion flattens them: JSON-LD 1.1, Expansion Algorithm, 5)."""
    if not isinstance(value, list):
        yield at, value
        return
    decoder = json.JSONDecoder()
    at += 1  # past "["
    for item in value:
        at = _BETWEEN_ITEMS.match(text, at).end()
        _decoded, end = decoder.raw_decode(text, at)
        yield from _top_level(text, at, item)
        at = end


def _json_kind(value) -> str:
    """What a JSON value is, for a message: "a string ("just a string")", "a number (1)", ..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"{json.dumps(value)}"
    kind = "a string" if isinstance(value, str) else "a number" if isinstance(value, (int, float)) else "a value"
    shown = json.dumps(value, ensure_ascii=False)
    return f"{kind} ({shown if len(shown) <= 40 else shown[:37] + '...'})"


def _language_values(node):
    """Every value of an "@language" key in the JSON ``node``, its @contexts included."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "@language":
                yield value if value is None or isinstance(value, str) else json.dumps(value)
            else:
                yield from _language_values(value)
    elif isinstance(node, list):
        for value in node:
            yield from _language_values(value)


def _keys(node):
    """Every key of the JSON ``node``'s objects, in document order, outside its @context."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key != "@context":
                yield key
                yield from _keys(value)
    elif isinstance(node, list):
        for value in node:
            yield from _keys(value)


def _declared_prefixes(document) -> set[str]:
    """The terms of the document's @context(s) that may serve as prefixes: those whose IRI
    ends in a gen-delim character, or declared with "@prefix": true (JSON-LD 1.1, 4.4)."""
    found: set[str] = set()

    def walk(node, in_context: bool) -> None:
        if isinstance(node, list):
            for value in node:
                walk(value, in_context)
        elif isinstance(node, dict):
            for key, value in node.items():
                if in_context and not key.startswith("@"):
                    iri = value.get("@id") if isinstance(value, dict) else value
                    if isinstance(iri, str) and (iri.endswith(("/", "#", ":", "?", "[", "]", "@"))
                                                 or isinstance(value, dict) and value.get("@prefix") is True):
                        found.add(key)
                walk(value, in_context or key == "@context")

    walk(document, False)
    return found


def _written_for(document, iri: str) -> str:
    """The string of the JSON ``document`` (a key or a value) that expands to ``iri``: the
    first that is ``iri``, or whose local part (after the prefix) ends it; else ``iri``."""
    strings: list[str] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                strings.append(key)
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str):
            strings.append(node)

    walk(document)
    for string in strings:
        if string == iri or iri.endswith(string.partition(":")[2] or string) and _NOT_IN_IRI.search(string):
            return string
    return iri


def _string_at(text: str, string: str) -> int:
    """Where the JSON string ``string`` first occurs in ``text`` as a value (not followed by
    ":", as a key is), else as a key; -1 if nowhere."""
    quoted = re.escape(json.dumps(string, ensure_ascii=False))
    found = re.search(quoted + r"(?!\s*:)", text) or re.search(quoted, text)
    return found.start() if found else -1


def _key_at(text: str, key: str) -> int:
    """Where ``key`` first occurs in ``text`` as a key of a JSON object; -1 if nowhere."""
    found = re.search(re.escape(json.dumps(key, ensure_ascii=False)) + r"\s*:", text)
    return found.start() if found else -1


def _written_as(document, resolved: str) -> str:
    """The string of the JSON ``document`` that resolves to ``resolved`` against
    :data:`_RELATIVE_BASE` (else the end of ``resolved`` after that base)."""
    from urllib.parse import urljoin

    found: list[str] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(key)
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str) and not found and urljoin(_RELATIVE_BASE, node) == resolved:
            found.append(node)

    walk(document)
    return found[0] if found else resolved[len(_RELATIVE_BASE):]


_xml_guarded: dict[tuple[str, int, int], None] = {}  # (real path, size, mtime) of files that passed


def guard_xml(path: Path) -> None:
    """Refuse, before any RDF parser reads it, an RDF/XML file whose XML entities could stand
    for far more text than the file holds, or that nests elements deeper than
    :data:`MAX_XML_DEPTH`: an RdfNotRead at the declaration or the element. 787 bytes of
    nested entities ("billion laughs") expand to gigabytes (the parser grew to 18 GB). What
    is read: internal general entities whose text holds no reference (``&`` or ``%``) and at
    most :data:`MAX_ENTITY_TEXT` characters, as ontology editors write them for namespaces
    (Protege: ``<!ENTITY owl "http://www.w3.org/2002/07/owl#">``), as long as all their uses
    together add at most :data:`MAX_ENTITY_EXPANSION` bytes beyond the file's own size
    (without nesting, the expansion is the sum of each use's text: counted before any parser
    expands it). Parameter and external entities are refused. The file is scanned by expat
    in one pass, entities never expanded; a document expat finds not well-formed (an empty
    file included) is an RdfSyntaxError at the place expat names."""
    import xml.parsers.expat

    try:
        stat = os.stat(path)
    except OSError:
        return  # (the parser reports it)
    key = (os.path.realpath(path), stat.st_size, stat.st_mtime_ns)
    if key in _xml_guarded:
        return
    parser = xml.parsers.expat.ParserCreate()
    depth = 0

    declared: dict[str, tuple[int, int, int]] = {}  # name: (length of its text, line, column)

    def entity(name, is_parameter, value, *_rest):
        where = (parser.CurrentLineNumber, parser.CurrentColumnNumber + 1)
        if is_parameter or value is None:
            kind = "parameter entity" if is_parameter else "external entity"
            raise _Refused(*where, f"the document declares the XML {kind} {name!r}; only entities that stand "
                                   f"for a short text are read: write the text out instead")
        if "&" in value or "%" in value or len(value) > MAX_ENTITY_TEXT:
            raise _Refused(*where, f"the XML entity {name!r} " + (
                "refers to other entities" if "&" in value or "%" in value else f"stands for over {MAX_ENTITY_TEXT} "
                "characters") + "; entities are read only when they stand for a short text of their own, since "
                "nested ones can stand for gigabytes: write the text out instead")
        declared[name] = (len(value.encode("utf-8")), *where)

    def start(_name, _attributes):
        nonlocal depth
        depth += 1
        if depth > MAX_XML_DEPTH:
            raise _Refused(parser.CurrentLineNumber, parser.CurrentColumnNumber + 1,
                           f"elements nested more than {MAX_XML_DEPTH} deep (nodes nested more than "
                           f"{MAX_NESTING} levels), deeper than any data needs and than the parsers can follow")

    def end(_name):
        nonlocal depth
        depth -= 1

    parser.EntityDeclHandler = entity
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        with open(path, "rb") as stream:
            parser.ParseFile(stream)
    except _Refused as refused:
        raise _not_read(path, "RDF/XML", refused) from None
    except xml.parsers.expat.ExpatError as exc:
        # Not well-formed XML is no RDF/XML, whichever parser reads it next: pyoxigraph read an
        # empty file as an empty graph where rdflib (kg link) refused it. Said here, once for
        # all, in pyoxigraph's words where it has some (they name the tags), else in expat's.
        try:
            for _triple in ox.parse(path=str(path), format=ox.RdfFormat.RDF_XML):
                pass
        except SyntaxError as found:
            raise syntax_error(path, found) from None
        except OSError:
            pass
        raise _located(path, "RDF/XML", xml.parsers.expat.errors.messages[exc.code], exc.lineno,
                       exc.offset + 1) from None
    except OSError:
        return  # unreadable: the parser says so
    if declared:
        _check_entity_uses(path, declared, stat.st_size)
    _xml_guarded[key] = None


#: The longest text an XML entity of an RDF/XML file may stand for (characters): namespace
#: IRIs, the use ontology editors make of them, are under a hundred.
MAX_ENTITY_TEXT = 2048
#: How much the uses of a file's entities may add to it, beyond its own size (bytes).
MAX_ENTITY_EXPANSION = 16 << 20


def _check_entity_uses(path: Path, declared: dict[str, tuple[int, int, int]], size: int) -> None:
    """Refuse an RDF/XML file whose entity references (``&name;`` for the entities it
    declares, with the length of their text) would add more than the file's size plus
    :data:`MAX_ENTITY_EXPANSION` bytes. References are counted in the file's text (UTF-8,
    or UTF-16 when it starts with that byte-order mark)."""
    with open(path, "rb") as stream:
        data = stream.read()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        data = data.decode("utf-16", errors="replace").encode("utf-8")
    added = 0
    for name, (length, line, column) in declared.items():
        added += data.count(b"&" + name.encode("utf-8") + b";") * length
        if added > size + MAX_ENTITY_EXPANSION:
            raise _not_read(path, "RDF/XML", _Refused(
                line, column, f"the uses of the XML entity {name!r} and the others declared would add over "
                f"{(size + MAX_ENTITY_EXPANSION) >> 20} MB of text to the file: write the text out instead"))


#: What a nesting scan needs to see in Turtle and TriG: strings and IRIs (skipped whole, so a
#: bracket inside one is not counted), comments, and the brackets themselves.
_TURTLE_NESTING = re.compile(rb'"""(?:[^"\\]|\\.|"(?!""))*"""' rb"|'{3}(?:[^'\\]|\\.|'(?!''))*'{3}"
                             rb'|"(?:[^"\\\n]|\\.)*"' rb"|'(?:[^'\\\n]|\\.)*'" rb'|<[^<>"{}|^`\\\x00-\x20]*>'
                             rb'|\#[^\n]*|[\[\](){}]')
_JSON_NESTING = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def guard_nesting(path: Path, name: str) -> None:
    """Refuse a Turtle, TriG or JSON-LD file that nests deeper than :data:`MAX_NESTING`
    (an RdfNotRead at the bracket that goes too deep), before rdflib's parser recurses into
    it ("maximum recursion depth exceeded", with no line)."""
    pattern = {"Turtle": _TURTLE_NESTING, "TriG": _TURTLE_NESTING, "JSON-LD": _JSON_NESTING}.get(name)
    if pattern is None:
        return
    data = Path(path).read_bytes()
    if data.startswith(BOM):
        data = data[len(BOM):]
    depth = 0
    for token in pattern.finditer(data):
        opening = token.group()
        if opening in (b"[", b"(", b"{"):
            depth += 1
            if depth > MAX_NESTING:
                line = data.count(b"\n", 0, token.start()) + 1
                column = _column_of_offset(data, token.start())
                raise _not_read(path, name, _Refused(line, column, f"nested more than {MAX_NESTING} levels deep "
                                                                  f"(blank nodes, collections or objects inside each "
                                                                  f"other), deeper than the parsers can follow"))
        elif opening in (b"]", b")", b"}"):
            depth -= 1


def _not_read(path: Path, name: str, refused: _Refused) -> RdfNotRead:
    line, column, source = _on_a_line(path, refused.line, refused.column)
    return RdfNotRead(path, name, refused.what, line, column, source)


def check(path: Path, fmt: str | None = None) -> None:
    """Parse ``path`` with pyoxigraph and throw the triples away: an RdfSyntaxError at the
    first error. Files whose syntax pyoxigraph does not read (an rdflib-only ``fmt``) pass.
    Then, as rdflib reads what passes here: nesting within :data:`MAX_NESTING`
    (:func:`guard_nesting`; RDF/XML is guarded before any parse, :func:`oxigraph_input`)."""
    oxigraph_format, _rdflib_name, name = _syntax(path, fmt)
    if oxigraph_format is None:
        return
    try:
        collections.deque(ox.parse(**oxigraph_input(path, fmt), format=oxigraph_format), maxlen=0)
        guard_nesting(path, name)
    except SyntaxError as exc:
        raise syntax_error(path, exc, fmt) from None
    except OSError as exc:
        raise KgError(f"{path}: cannot read: {exc.strerror or exc}") from None


def syntax_error(path: Path, exc: BaseException, fmt: str | None = None) -> KgError:
    """The error to show for ``exc``, raised by pyoxigraph or rdflib while parsing ``path``
    (an RdfSyntaxError, or a KgError for a file that could not be read at all)."""
    from xml.sax import SAXParseException

    from rdflib.plugins.parsers.notation3 import BadSyntax

    path = Path(path)
    name = _syntax(path, fmt)[2]
    if isinstance(exc, OSError):
        return KgError(f"{path}: cannot read: {exc.strerror or exc}")
    if isinstance(exc, BadSyntax):
        line, column = exc.lines + 1, _column_of_offset(exc._str, exc._i)
        return _located(path, name, exc._why, line, column)
    if isinstance(exc, SAXParseException):
        return _located(path, name, exc.getMessage(), exc.getLineNumber(), exc.getColumnNumber() + 1)
    if isinstance(exc, json.JSONDecodeError):
        return _located(path, name, exc.msg, exc.lineno, exc.colno)
    if type(exc) is SyntaxError:  # pyoxigraph's (rdflib's are subclasses or other types)
        return _from_oxigraph(path, name, exc)
    return _from_rdflib_message(path, name, str(exc))


# -- pyoxigraph's errors ------------------------------------------------------------------

_OXIGRAPH_PLACE = re.compile(
    r"^(?:Parser|Syntax) error (?:at line \d+ (?:column \d+|between columns \d+ and (?:column )?(?P<end>\d+))"
    r"|between line \d+ column \d+ and line \d+ column \d+): ")
_OXIGRAPH_SUFFIX = re.compile(r"\s*\((?:[^()]*, )?line \d+\)$")
#: quick-xml's messages (pyoxigraph's RDF/XML): the document is not well-formed XML
_XML_LEVEL = ("ill-formed document", "syntax error", "error while parsing attribute")


def _from_oxigraph(path: Path, name: str, exc: SyntaxError) -> RdfSyntaxError:
    message = str(exc)
    place = _OXIGRAPH_PLACE.match(message)
    what = _OXIGRAPH_SUFFIX.sub("", message[place.end():] if place else message)
    line, column, end = exc.lineno, exc.offset, int(place.group("end")) if place and place.group("end") else None
    if line is not None and name == "JSON-LD":  # its JSON parser counts columns in bytes
        raw = _raw_line(path, line) or b""
        column, end = (None if n is None else len(raw[:n - 1].decode("utf-8", "replace")) + 1 for n in (column, end))
    if line is None:
        line, column = _position_without_one(path, name, what)
    elif column == 1 and line > 1 and re.fullmatch(r"(?:Quads|Triples) must be followed by a dot", what):
        line, column = line - 1, None  # reported where the next line starts: the dot is missing before
    line, column, source = _on_a_line(path, line, column)
    span = ""
    if source is not None and column:
        span = source[column - 1:end - 1 if end else column]
    return RdfSyntaxError(path, name, _plain(_rewrite(what, span, source, column)), line, column, source)


def _position_without_one(path: Path, name: str, what: str) -> tuple[int | None, int | None]:
    """Where an error pyoxigraph reports without a position (RDF/XML, JSON-LD beyond plain
    JSON) lies: where expat finds the document not well-formed, for quick-xml's messages;
    else the first line holding the term the message names."""
    if name == "RDF/XML" and what.startswith(_XML_LEVEL):
        found = _expat_error(path)
        if found[0] is not None:
            return found
    if name == "RDF/XML" and what.startswith(("XML namespaces are required", "Unknown prefix")):
        return _unqualified_name(path)
    if name == "RDF/XML" and what.startswith("Unexpected text event: '"):
        found = _text_event(path, what[len("Unexpected text event: '"):-1])
        if found[0] is not None:
            return found
    term = _named_term(what)
    return _find(path, term) if term else (None, None)


def _expat_error(path: Path) -> tuple[int | None, int | None]:
    """(line, column from 1) of the first well-formedness error in an XML file."""
    import xml.parsers.expat

    parser = xml.parsers.expat.ParserCreate()
    try:
        with open(path, "rb") as stream:
            parser.ParseFile(stream)
    except xml.parsers.expat.ExpatError as exc:
        return exc.lineno, exc.offset + 1
    return None, None


def _unqualified_name(path: Path) -> tuple[int | None, int | None]:
    """(line, column) of the first element or attribute without a namespace (RDF/XML names
    every element and attribute by an IRI), found by expat with namespace processing."""
    import xml.parsers.expat

    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    found: list[tuple[int, int]] = []

    def start(name, attributes):
        if not found and (" " not in name or any(" " not in key for key in attributes)):
            found.append((parser.CurrentLineNumber, parser.CurrentColumnNumber + 1))

    parser.StartElementHandler = start
    try:
        with open(path, "rb") as stream:
            parser.ParseFile(stream)
    except xml.parsers.expat.ExpatError as exc:  # e.g. a prefix never declared: also a name without namespace
        found.append((exc.lineno, exc.offset + 1))
    return found[0] if found else (None, None)


def _text_event(path: Path, text: str) -> tuple[int | None, int | None]:
    """(line, column) of the first piece of XML character data that is ``text``."""
    import xml.parsers.expat

    parser = xml.parsers.expat.ParserCreate()
    wanted, found = text.strip(), []
    run: list[tuple[int, int, str]] = []  # (line, column, chunk): expat gives text in pieces

    def data(chunk):
        run.append((parser.CurrentLineNumber, parser.CurrentColumnNumber + 1, chunk))

    def tag(*_args):
        if not found and run and "".join(chunk for *_place, chunk in run).strip() == wanted:
            line, column, chunk = next(piece for piece in run if piece[2].strip())
            found.append((line, column + len(chunk) - len(chunk.lstrip())))
        run.clear()

    parser.CharacterDataHandler = data
    parser.StartElementHandler = parser.EndElementHandler = tag
    try:
        with open(path, "rb") as stream:
            parser.ParseFile(stream)
    except xml.parsers.expat.ExpatError:
        pass
    return found[0] if found else (None, None)


def _named_term(what: str) -> str | None:
    """The IRI, language tag, key or text an error message quotes, to look for in the file."""
    # (not JSON-LD keywords: the first "@language" of a file is seldom the one meant)
    for pattern in (r"^error while parsing (?:IRI|language tag) '(.*)': ", r"^@\w+ value '(.*)' must",
                    r"^Unexpected text event: '(.*)'$", r"cannot contain properties, (\S+) found$", r"'([^']+)'"):
        found = re.search(pattern, what, re.S)
        if found:
            return next((part.strip() for part in found.group(1).splitlines() if part.strip()), None)
    if "remote context" in what:
        return '"@context"'
    return None


def _rewrite(what: str, span: str, source: str | None, column: int | None) -> str:
    """pyoxigraph's message in the words of someone fixing the file."""
    if what == "Unexpected end of file" and source is not None and column:
        opening = source[column - 1:column]
        return {'"': "this string is never closed", "'": "this string is never closed",
                "<": "this IRI is never closed", "[": "this '[' is never closed",
                "(": "this '(' is never closed", "{": "this '{' is never closed"}.get(
            opening, "the file ends in the middle of a statement")
    for pattern, replacement in _REWRITES:
        found = re.fullmatch(pattern, what, re.S)
        if found:
            return replacement(found, span) if callable(replacement) else found.expand(replacement)
    return _DEBUG_FORM.sub(lambda _m: repr(span) if span else "a term", what)


#: A Rust debug rendering of a parser token, e.g. IriRef("…") or PrefixedName { prefix: … }
_DEBUG_FORM = re.compile(r"\b[A-Z]\w*(?:\(\"(?:[^\"\\]|\\.)*\"\)|\s*\{[^{}]*\})")
_REWRITES = [
    (r"Unexpected end of file", "the file ends in the middle of a statement"),
    (r"Only a single triple or quad can be written in a line, found .*",
     "only one statement per line: something follows the final ' .'"),
    (r"The character that are allowed to be escaped in IRIs are .*, found '(.*)'",
     r"'\\\1' is not an escape allowed in a prefixed name"),
    (r"Unexpected (?:byte|char):? .*", lambda _m, span: f"unexpected character {span!r}" if span
     else "unexpected character"),
    (r"Invalid UTF-8.*", "the text is not UTF-8 here (RDF files are read as UTF-8)"),
    (r"No scheme found in an absolute IRI", lambda _m, span: (f"IRI {span} " if span else "an IRI ") +
     "has no scheme (write it in full, e.g. <https://example.org/a>; there is no base to resolve it against)"),
    (r"No LoadDocumentCallback has been set to load remote contexts",
     "the @context is a remote document, and nothing is loaded from the network: put the context in the file"),
    (r"Line jumps are not allowed in string literals, use \\n",
     lambda _m, _span: 'a line break inside a "..." string (write \\n, or use """...""" for text on several lines)'),
    (r"line jumps are not allowed in the middle of triples", "a statement must be on one line"),
    (r"(?:Quads|Triples) must be followed by a dot", "the statement must end with ' .'"),
    (r"ill-formed document: expected (.*), but (.*) was found", r"expected \1 but found \2"),
    (r"syntax error: (.*)", r"\1"),
    (r"error while parsing attribute: position \d+: (.*)", r"\1"),
    (r"error while parsing IRI '(.*)': (.*)",
     lambda m, span: f"invalid IRI '{m.group(1)}': {_plain(_rewrite(m.group(2), '', None, None))}"),
    (r"Invalid IRI code point '(.*)'", r"'\1' is not allowed in an IRI"),
    (r"error while parsing language tag '(.*)': (.*)", r"invalid language tag '\1': \2"),
    (r"Unexpected text event: '(.*)'", r"text where RDF/XML expects an element: '\1'"),
    (r"Unknown prefix (\S+)", r"the namespace prefix \1 is not declared (xmlns)"),
    (r"(\S+) is not a valid (RDF object|RDF subject|predicate|subject or graph name)", r"'\1' is not a valid \2"),
    # expat's (rdflib's RDF/XML parser)
    (r"no element found", "the file ends before the XML document does (an element is never closed)"),
    (r"mismatched tag", "this closing tag does not match the element it closes"),
    (r"not well-formed \(invalid token\)", "not well-formed XML here"),
    (r"unclosed token", "a tag or attribute is never closed"),
    (r"junk after document element", "text after the end of the root element"),
    (r"unbound prefix", "a namespace prefix is not declared (xmlns)"),
]


# -- rdflib's errors (files pyoxigraph reads but rdflib does not) --------------------------

def _from_rdflib_message(path: Path, name: str, message: str) -> RdfSyntaxError:
    """rdflib's RDF/XML parser prefixes its messages with FILE-URL:LINE:COLUMN; its
    N-Triples and N-Quads parsers quote the rest of the bad line; others give no place."""
    located = re.match(r"^\S+?:(\d+):(\d+): (.*)$", message, re.S)
    if located:
        return _located(path, name, located.group(3), int(located.group(1)), int(located.group(2)) + 1)
    bad_line = re.match(r"^Invalid line(?: \((.*?)\))?:\s*'?(.*?)'?$", message, re.S)
    if bad_line:
        line, column = _find(path, bad_line.group(2).strip()) if bad_line.group(2).strip() else (None, None)
        return _located(path, name, bad_line.group(1) or "not a valid statement", line, column)
    term = _named_term(message)
    return _located(path, name, message, *(_find(path, term) if term else (None, None)))


def _column_of_offset(text: bytes | str, offset: int) -> int:
    """Column (from 1, in characters) of byte or character ``offset`` in ``text``."""
    start = text.rfind(b"\n" if isinstance(text, bytes) else "\n", 0, offset) + 1
    before = text[start:offset]
    return len(before.decode("utf-8", "replace") if isinstance(before, bytes) else before) + 1


def _located(path: Path, name: str, what: str, line: int | None, column: int | None) -> RdfSyntaxError:
    line, column, source = _on_a_line(path, line, column)
    span = source[column - 1:column] if source is not None and column else ""
    return RdfSyntaxError(path, name, _plain(_rewrite(what, span, source, column)), line, column, source)


# -- words and pictures --------------------------------------------------------------------

def _plain(what: str) -> str:
    """One line of plain words: no Python byte reprs or Rust debug forms, no backticks, no
    line breaks; lower case first, as it follows "syntax error:"."""
    controls = {"\n": "line break", "\r": "carriage return", "\t": "tab"}
    what = re.sub(r"\bcharacter '(\n|\r|\t)'", lambda m: controls[m.group(1)], what)
    what = re.sub(r"'(\n|\r|\t)'", lambda m: "a " + controls[m.group(1)], what)
    what = re.sub(r"\bb'((?:[^'\\]|\\.)*)'", r"'\1'", what)
    what = what.replace("`", "'")
    what = re.sub(r"'([^'\n]{60})[^'\n]{10,}'", r"'\1…'", what)  # a long quoted text: its start
    what = " ".join(what.split())
    first = what.split(" ", 1)[0]
    if first[:1].isupper() and (len(first) == 1 or first[1:2].islower()):  # not IRI, JSON, ...
        what = what[0].lower() + what[1:]
    return what.rstrip(".") or "not valid"


def _on_a_line(path: Path, line: int | None, column: int | None) -> tuple[int | None, int | None, str | None]:
    """(line, column, the line's text). A parser that meets the end of the file places the
    error on the line after the last one; it is shown at the end of the last line instead."""
    if not line:
        return None, None, None
    source = _source_line(path, line)
    if source is not None and column is None:
        column = len(source.rstrip()) + 1
    if source is None:
        last = _last_line(path)
        if last is None:
            return line, column, None
        line, source = last
        column = len(source) + 1
    return line, column, source


def _raw_line(path: Path, line: int) -> bytes | None:
    """Line ``line`` (from 1) of the file as bytes, without its end; None past the end."""
    try:
        with open(path, "rb") as stream:
            raw = next(itertools.islice(stream, line - 1, None), None)
    except OSError:
        return None
    if raw is not None and line == 1 and raw.startswith(BOM):
        raw = raw[len(BOM):]  # the parsers count columns after it
    return None if raw is None else raw.rstrip(b"\r\n")


def _source_line(path: Path, line: int) -> str | None:
    """Line ``line`` (from 1) of the file, as text to show; None past its end."""
    raw = _raw_line(path, line)
    return None if raw is None else _printable(raw)


def _printable(raw: bytes) -> str:
    return "".join(ch if ch == "\t" or unicodedata.category(ch) != "Cc" else "\ufffd"
                   for ch in raw.decode("utf-8", "replace"))


def _last_line(path: Path) -> tuple[int, str] | None:
    """(number, text) of the file's last line, None for an empty file."""
    found = None
    with open(path, "rb") as stream:
        for number, raw in enumerate(stream, 1):
            found = number, raw
    return None if found is None else (found[0], _printable(found[1].rstrip(b"\r\n")))


def _find(path: Path, term: str) -> tuple[int | None, int | None]:
    """(line, column) of the first occurrence of ``term`` in the file (quoted, as written,
    in any case: parsers lower-case language tags), else of its local name (an RDF/XML
    element or attribute name is an IRI only once its namespace is added); else (None, None)."""
    tails = [term[at + 1:] for at in range(len(term) - 1, -1, -1) if term[at] in "#/"]
    candidates = [f'"{term}"', f"'{term}'"]
    # unquoted, only what is long enough not to be found by chance: the term, its shortest tails
    candidates += [bare for bare in dict.fromkeys([term, *tails]) if len(bare) >= 4][:3]
    for candidate in candidates:
        for fold in (False, True):
            needle = (candidate.lower() if fold else candidate).encode("utf-8")
            with open(path, "rb") as stream:
                for number, raw in enumerate(stream, 1):
                    at = (raw.lower() if fold else raw).find(needle)
                    if at >= 0:
                        return number, len(raw[:at].decode("utf-8", "replace")) + 1
    return None, None


_WINDOW = 100  # characters of a long line shown around the column


def _excerpt(text: str, column: int) -> tuple[str, int]:
    """The part of a long line around ``column``, and the column within it."""
    if len(text) <= _WINDOW:
        return text, column
    start = max(0, min(column - 1 - _WINDOW // 2, len(text) - _WINDOW))
    shown = ("…" if start else "") + text[start:start + _WINDOW] + ("…" if start + _WINDOW < len(text) else "")
    return shown, column - start + (1 if start else 0)


def _caret(text: str, column: int) -> str:
    """A caret under character ``column`` of ``text``: tabs kept, wide (CJK) characters
    counted as two columns, as a terminal shows them."""
    pad = "".join("\t" if ch == "\t" else "  " if unicodedata.east_asian_width(ch) in "WF" else " "
                  for ch in text[:column - 1])
    return pad + "^"
