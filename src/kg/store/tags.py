"""Language tags in their registered case (``zh-Hans``, ``zh-Hant``, ``en``, ``en-GB``) in
everything the project writes.

BCP 47 tags are case-insensitive (RFC 5646, 2.1.1), and RDF 1.1 Concepts (3.3) lets a store
lower-case them, which Oxigraph does wherever a literal is parsed or made: its results and
its serializers write ``"..."@zh-hans``. The registered case is the one the IANA registry and
the project's files use (kg.store.load.language_tag gives it for any tag). Three ways back:
:func:`registered_term` for an rdflib term, :func:`registered_graph` for an rdflib graph
(terms as a user's file wrote them), and :func:`restore_tag_case` for text pyoxigraph
serialized.
"""

from __future__ import annotations

import re

from rdflib import Graph, Literal

from kg.store.load import language_tag


def registered_term(term):
    """An rdflib term with its language tag, if any, in registered case."""
    if isinstance(term, Literal) and term.language and term.language != language_tag(term.language):
        return Literal(str(term), lang=language_tag(term.language))
    return term


def registered_graph(graph: Graph) -> Graph:
    """``graph`` itself if every tag in it is in registered case, else a copy (same
    namespace bindings) in which they are."""
    if all(registered_term(o) is o for o in graph.objects()):
        return graph
    copy = Graph()
    for prefix, namespace in graph.namespaces():
        copy.bind(prefix, namespace, override=True, replace=True)
    copy.addN((s, p, registered_term(o), copy) for s, p, o in graph)
    return copy


# A Turtle-family document (N-Triples, N-Quads, Turtle, TriG) as pyoxigraph writes it, token by
# token: IRIs, then strings (long or short, escapes included) with the language tag that may
# follow, then anything else up to the next IRI or string. A tag is only ever found right
# after a string's closing quote, never inside a string or an IRI.
_LONG_DOUBLE = rb'"""(?:[^"\\]|\\.|"(?!""))*"""'
_LONG_SINGLE = rb"'''(?:[^'\\]|\\.|'(?!''))*'''"
_SHORT = rb'"(?:[^"\\\n]|\\.)*"' + rb"|'(?:[^'\\\n]|\\.)*'"
_TURTLE = re.compile(rb"<[^>]*>|(?P<string>" + _LONG_DOUBLE + rb"|" + _LONG_SINGLE + rb"|" + _SHORT + rb")"
                     rb"(?:@(?P<tag>[A-Za-z]+(?:-[A-Za-z0-9]+)*))?" + rb"|[^<\"']+|.", re.DOTALL)


def restore_tag_case(body: bytes, fmt: str) -> bytes:
    """pyoxigraph's output with every language tag in registered case. ``fmt``: "nt", "nq",
    "ttl", "trig" (tags follow a string literal) or "jsonld" (tags are "@language" values)."""
    if fmt not in ("nt", "nq", "ttl", "trig", "jsonld"):
        raise ValueError(f"no language tags to restore in {fmt!r}")
    if not _any_to_restore(body, fmt):
        return body
    if fmt == "jsonld":
        return _restore_json(body)

    def fix(match: re.Match) -> bytes:
        tag = match["tag"]
        if not tag:
            return match[0]
        return match["string"] + b"@" + language_tag(tag.decode("ascii")).encode("ascii")

    return _TURTLE.sub(fix, body)


_QUICK = {"turtle": re.compile(rb"[\"']@([A-Za-z]+(?:-[A-Za-z0-9]+)+)"),
          "jsonld": re.compile(rb'"@language"\s*:\s*"([A-Za-z]+(?:-[A-Za-z0-9]+)+)"')}


def _any_to_restore(body: bytes, fmt: str) -> bool:
    """A quick look, over-inclusive (it does not tell strings apart): could any tag in
    ``body`` need another case? Only a tag with a subtag after the language can."""
    found = set(_QUICK["jsonld" if fmt == "jsonld" else "turtle"].findall(body))
    return any(language_tag(tag.decode("ascii")) != tag.decode("ascii") for tag in found)


def _restore_json(body: bytes) -> bytes:
    # In valid JSON (what pyoxigraph writes) every quote inside a string is escaped, so the
    # key "@language" followed by a string can only be that key and its value, never text
    # inside another string: one substitution over the document, no tokenizing in Python
    # (which took 7 s on a national graph's 125 MB).
    def fix(match: re.Match) -> bytes:
        tag = match["tag"].decode("ascii")
        return match["key"] + language_tag(tag).encode("ascii") + b'"'

    return _JSON_LANGUAGE_VALUE.sub(fix, body)


_JSON_LANGUAGE_VALUE = re.compile(rb'(?P<key>"@language"\s*:\s*")(?P<tag>[A-Za-z0-9-]+)"')
