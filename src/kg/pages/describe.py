"""A document's data for machines: its bounded description in Turtle, N-Triples, JSON-LD or
RDF/XML, and which of them a request asks for.

The description is what ``DESCRIBE`` answers on the store (Oxigraph: each resource's triples
and, recursively, those of the blank nodes they point to: the Concise Bounded Description)
plus the ``rdfs:label`` of every IRI it links to, so that a client can name what it sees
without a second request. Its triples are sorted and its blank nodes relabelled from their
content, so the same data gives the same bytes on every build (kg.pages.site writes these
files). Language tags are written in registered case (``zh-Hans``; kg.store.tags).
"""

from __future__ import annotations

import hashlib
import re

import pyoxigraph as ox

from kg.pages.reader import Document, registered_tag
from kg.store.results import _PREFIXES
from kg.store.tags import restore_tag_case

#: format -> (media type, file extension); the first is the default for data clients.
FORMATS = {
    "ttl": ("text/turtle", "ttl"),
    "nt": ("application/n-triples", "nt"),
    "jsonld": ("application/ld+json", "jsonld"),
    "rdf": ("application/rdf+xml", "rdf"),
}
#: media type -> format, for content negotiation (with the aliases clients send).
MEDIA_TYPES = {
    "text/turtle": "ttl", "application/x-turtle": "ttl", "application/n-triples": "nt",
    "application/ld+json": "jsonld", "application/json": "jsonld", "application/rdf+xml": "rdf",
}
HTML_TYPES = ("text/html", "application/xhtml+xml")


def triples(document: Document) -> list[ox.Triple]:
    """The description's triples: DESCRIBE's and the labels of what it links to, sorted, with
    blank nodes relabelled deterministically."""
    keys = document.triple_keys
    if keys is not None and len(keys) == len(document.triples) and _no_blank_nodes(document.triples):
        # sorted already, by the same key: only the labels' triples to place among them
        by_key = dict(zip(keys, document.triples))
        for key, triple in document.keyed_label_triples():
            by_key.setdefault(key, triple)
        return [by_key[key] for key in sorted(by_key)]
    found = list(document.triples) + document.label_triples()
    return _canonical(found)


def content_signature(node: str, by_subject: dict[str, list[ox.Triple]], seen: frozenset[str] = frozenset()) -> str:
    """What a blank node holds, as text: its sorted predicate-object pairs, blank objects by
    their own signature (recursively; a cycle is cut)."""
    if node in seen:
        return "cycle"
    parts = sorted(f"{t.predicate} " + (content_signature(t.object.value, by_subject, seen | {node})
                                          if isinstance(t.object, ox.BlankNode) else str(t.object))
                   for t in by_subject.get(node, []))
    return "[" + " ; ".join(parts) + "]"


def _canonical(found: list[ox.Triple]) -> list[ox.Triple]:
    """Blank nodes named from where they hang and what they hold, top down: a node's name is a
    hash of its parent's name, the predicate and its content, so the same data always gets the
    same names. Siblings alike in all three are interchangeable (either naming gives the same
    triples), and their subtrees are named from their own names."""
    if _no_blank_nodes(found):
        return sorted(set(found), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    by_subject: dict[str, list[ox.Triple]] = {}
    for triple in found:
        if isinstance(triple.subject, ox.BlankNode):
            by_subject.setdefault(triple.subject.value, []).append(triple)
    children: dict[str, list[tuple[str, str]]] = {}
    has_parent: set[str] = set()
    for triple in found:
        if isinstance(triple.object, ox.BlankNode):
            parent = ("_:" + triple.subject.value) if isinstance(triple.subject, ox.BlankNode) else str(triple.subject)
            children.setdefault(parent, []).append((str(triple.predicate), triple.object.value))
            has_parent.add(triple.object.value)
    names: dict[str, str] = {}
    taken: set[str] = set()

    def name(parent_name: str, predicate: str, node: str) -> None:
        if node in names:
            return
        digest = hashlib.sha256(f"{parent_name}\n{predicate}\n{content_signature(node, by_subject)}".encode("utf-8"))
        base = "b" + digest.hexdigest()[:16]
        label, n = base, 1
        while label in taken:
            n += 1
            label = f"{base}x{n}"
        taken.add(label)
        names[node] = label
        for child_predicate, child in sorted(children.get("_:" + node, []),
                                             key=lambda c: (c[0], content_signature(c[1], by_subject))):
            name(label, child_predicate, child)

    roots = sorted(parent for parent in children if not parent.startswith("_:"))
    for parent in roots:
        for predicate, node in sorted(children[parent], key=lambda c: (c[0], content_signature(c[1], by_subject))):
            name(parent, predicate, node)
    orphans = sorted({t.subject.value for t in found if isinstance(t.subject, ox.BlankNode)} - has_parent,
                     key=lambda node: content_signature(node, by_subject))
    for node in orphans:
        name("", "", node)

    def term(node):
        return ox.BlankNode(names.get(node.value, node.value)) if isinstance(node, ox.BlankNode) else node

    out = {ox.Triple(term(t.subject), t.predicate, term(t.object)) for t in found}
    return sorted(out, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def _no_blank_nodes(found: list[ox.Triple]) -> bool:
    return not any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in found)


def serialize(found: list[ox.Triple], fmt: str, prefixes: dict[str, str] | None = None,
              marked: tuple | None = None) -> bytes:
    """``found`` in ``fmt`` (ttl, nt, jsonld or rdf), language tags in registered case.
    ``prefixes``: those to declare (default: the project's prefixes the triples use);
    ``marked``: :func:`_marked_tags` of ``found``, when already made."""
    if fmt == "rdf":
        return _rdfxml(found)
    if prefixes is None:
        prefixes = _used_prefixes(found)
    triples_, tags, count = marked if marked is not None else _marked_tags(found)
    body = ox.serialize(triples_, format={"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
                                          "jsonld": ox.RdfFormat.JSON_LD}[fmt],
                        **({"prefixes": prefixes} if fmt in ("ttl", "jsonld") else {}))
    if body.count(_MARKER_BYTES) != count:
        # some text or IRI holds the marker itself (never in practice): the slow, exact way
        body = ox.serialize(found, format={"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
                                           "jsonld": ox.RdfFormat.JSON_LD}[fmt],
                            **({"prefixes": prefixes} if fmt in ("ttl", "jsonld") else {}))
        return _json_tags(body) if fmt == "jsonld" else restore_tag_case(body, fmt)
    for marker, tag in tags.items():
        body = body.replace(marker, tag)
    return body


#: A private-use language tag (BCP 47) that marks a tag to be written in registered case:
#: Oxigraph lower-cases every tag it makes, so each tag whose registered case differs is
#: replaced by ``x-kgqNNNN`` for serialization and the marker replaced back in the bytes. Each
#: marked literal writes the marker once, so a count that differs means some text holds it.
_MARKER = "x-kgq"
_MARKER_BYTES = _MARKER.encode("ascii")


def _marked_tags(found: list[ox.Triple]) -> tuple[list[ox.Triple], dict[bytes, bytes], int]:
    """``found`` with every tag whose registered case differs replaced by a marker; the
    markers (marker -> tag, as bytes); how many literals were marked."""
    tags: dict[str, str] = {}
    out = []
    count = 0
    for triple in found:
        obj = triple.object
        if type(obj) is ox.Literal and obj.language:
            registered = registered_tag(obj.language)
            if registered != obj.language:
                marker = tags.get(registered)
                if marker is None:
                    marker = tags[registered] = f"{_MARKER}{len(tags):04d}"
                triple = ox.Triple(triple.subject, triple.predicate, ox.Literal(obj.value, language=marker))
                count += 1
        out.append(triple)
    if len(tags) >= 10_000:  # (four digits: a marker would be a prefix of another)
        return found, {}, -1
    return out, {marker.encode("ascii"): tag.encode("ascii") for tag, marker in tags.items()}, count


def description(document: Document, fmt: str) -> bytes:
    """The document's description in ``fmt``."""
    cached = getattr(document, "_description", None)
    if cached is None:  # (the site writes two formats of each document: prepared once)
        found = triples(document)
        cached = document._description = (found, _used_prefixes(found), _marked_tags(found))
    return serialize(cached[0], fmt, cached[1], cached[2])


#: pyoxigraph writes JSON-LD compactly, each language as ``"@language":"zh-hans"``. Inside a
#: JSON string a quotation mark is escaped (``\"``), so this byte sequence is always the key
#: and its value, never text: the tags are put in registered case without reading the document
#: token by token (kg.store.tags does that, for any JSON-LD).
_JSON_LANGUAGE = re.compile(rb'"@language":"([A-Za-z0-9-]+)"')


def _json_tags(body: bytes) -> bytes:
    from kg.store.load import language_tag

    return _JSON_LANGUAGE.sub(lambda m: b'"@language":"' + language_tag(m[1].decode("ascii")).encode("ascii") + b'"',
                              body)


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_PREFIX_OF = {ns: prefix for prefix, ns in _PREFIXES.items()}


def _used_prefixes(found: list[ox.Triple]) -> dict[str, str]:
    """The project's prefixes that the triples use (a short, readable header)."""
    iris = set()
    for t in found:
        iris.add(t.predicate.value)
        if type(t.subject) is ox.NamedNode:
            iris.add(t.subject.value)
        obj = t.object
        if type(obj) is ox.NamedNode:
            iris.add(obj.value)
        elif type(obj) is ox.Literal and obj.datatype is not None and not obj.language:
            iris.add(obj.datatype.value)
    used = {}
    for iri in iris:
        namespace = iri[:max(iri.rfind("/"), iri.rfind("#")) + 1]
        if namespace in _PREFIX_OF:
            used[_PREFIX_OF[namespace]] = namespace
    return dict(sorted(used.items()))


def _rdfxml(found: list[ox.Triple]) -> bytes:
    """RDF/XML through rdflib, whose writer keeps each literal's tag as given (pyoxigraph's
    lower-cases it, and ``xml:lang`` is not among the forms kg.store.tags restores)."""
    from rdflib import BNode, Graph, Literal, URIRef

    from kg.store.load import language_tag

    def term(node):
        if isinstance(node, ox.NamedNode):
            return URIRef(node.value)
        if isinstance(node, ox.BlankNode):
            return BNode(node.value)
        if node.language:
            return Literal(node.value, lang=language_tag(node.language))
        datatype = node.datatype.value if node.datatype else None
        # a simple literal is an xsd:string (RDF 1.1); rdflib would write the datatype out
        return Literal(node.value, datatype=None if datatype == _XSD_STRING else URIRef(datatype))

    graph = Graph()
    for prefix, ns in _used_prefixes(found).items():
        graph.bind(prefix, ns, override=True, replace=True)
    for t in found:
        graph.add((term(t.subject), term(t.predicate), term(t.object)))
    return graph.serialize(format="xml", encoding="utf-8")

