"""SPARQL query text read at the token level: where the WHERE clause opens, and the two
rewrites the engines need (LANG calls, SERVICE endpoints), each made outside strings, IRIs
and comments so no literal or IRI in a query is ever touched; and the two queries built around
a WHERE clause that reads a graph (:func:`triples_query`, :func:`count_query`).

Tokens follow the SPARQL 1.1 grammar's terminals (section 19.8) closely enough for these
uses: IRIREF, the four string forms, comments, variables, prefixed names and keywords (one
"word" kind), and single punctuation characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin

from kg.errors import KgError

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
              |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)
  | (?P<word>(?:[^\W\d]|_|:)(?:[\w\-.:%\u00B7\u0300-\u036F\u203F-\u2040]|\\[_~.\-!$&'()*+,;=/?\#@%])*)
  | (?P<number>\d[\w.]*)
  | (?P<punct>.)
""", re.VERBOSE | re.DOTALL)


@dataclass(frozen=True)
class Token:
    kind: str  # space, comment, string, iri, var, word, number, punct
    text: str
    start: int
    end: int


def tokens(text: str) -> Iterator[Token]:
    """The tokens of a query text, in order; together they cover it exactly. A prefixed
    name never ends with '.', as in the grammar (PN_LOCAL): a final dot is punctuation."""
    at = 0
    while at < len(text):
        match = _TOKEN.match(text, at)
        kind = match.lastgroup
        end = match.end()
        if kind == "word":
            while end - 1 > at and text[end - 1] == "." and text[end - 2] != "\\":
                end -= 1
        yield Token(kind, text[at:end], at, end)
        at = end


def significant(text: str) -> list[Token]:
    """The tokens without spaces and comments."""
    return [t for t in tokens(text) if t.kind not in ("space", "comment")]


def where_group(text: str) -> int:
    """The index just after the ``{`` that opens the query's WHERE clause: the first
    ``WHERE {`` outside comments, IRIs and strings, or (``SELECT * { }``, ``ASK { }``) the first
    ``{`` of a query without the keyword. A KgError if there is none."""
    found = significant(text)
    form = None
    for i, token in enumerate(found):
        if token.kind == "word" and token.text.upper() == "WHERE" and i + 1 < len(found) and found[i + 1].text == "{":
            return found[i + 1].end
        if form is None and token.kind == "word" and token.text.upper() in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            form = token.text.upper()
        elif token.text == "{" and token.kind == "punct" and form in ("SELECT", "ASK"):
            return token.end
    raise KgError("a query with parameters needs a WHERE clause to bind them in")


def query_form(text: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first such keyword; None for anything else
    (an update, or no query)."""
    for token in significant(text):
        if token.kind == "word":
            word = token.text.upper()
            if word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
                return word
            if word not in ("PREFIX", "BASE") and not word.endswith(":"):
                return None
    return None


def star_order(text: str) -> list[str] | None:
    """For a ``SELECT *`` query (``DISTINCT`` or ``REDUCED`` allowed), the names of its
    variables (``?x`` and ``$x`` alike) in the order they first appear in the text, outside
    strings, IRIs and comments; None for any other query.

    SPARQL 1.1 (18.2.1) leaves the order of ``SELECT *``'s in-scope variables open, and the
    engines differ (Oxigraph gave o, p, s for ``?s ?p ?o``, rdflib o, s, p); the order they
    are written in is Apache Jena's and the one a reader expects."""
    found = significant(text)
    for i, token in enumerate(found):
        if token.kind == "word" and token.text.upper() == "SELECT":
            j = i + 1
            if j < len(found) and found[j].kind == "word" and found[j].text.upper() in ("DISTINCT", "REDUCED"):
                j += 1
            if j >= len(found) or found[j].text != "*":
                return None
            break
        if token.kind == "word" and token.text.upper() in ("ASK", "CONSTRUCT", "DESCRIBE"):
            return None
    else:
        return None
    return list(dict.fromkeys(token.text[1:] for token in found if token.kind == "var"))


def rename_calls(text: str, function: str, iri: str, first_argument_of: tuple[str, ...] = ()) -> str:
    """``text`` with each call of the built-in ``function`` (e.g. LANG, any case) written as a
    call of the function named ``iri``. A variable, prefixed name or longer keyword that
    merely contains the name (?lang, ex:lang, LANGMATCHES) is left alone, and so is every call
    inside a SERVICE clause, whose pattern another endpoint evaluates, and every call written
    as the first argument of one of the built-ins ``first_argument_of`` (``LANGMATCHES(LANG(?l),
    "en")``: a built-in that reads it so that the renamed call would answer the same)."""
    found = list(tokens(text))
    meaningful = [i for i, t in enumerate(found) if t.kind not in ("space", "comment")]
    position = {i: k for k, i in enumerate(meaningful)}  # token index -> index in ``meaningful``
    outer = {name.upper() for name in first_argument_of}
    out = []
    service, depth = False, 0  # inside a SERVICE clause's group: ``depth`` braces deep
    for i, token in enumerate(found):
        if token.kind == "word" and token.text.upper() == "SERVICE" and depth == 0:
            service = True
        elif token.kind == "punct" and token.text == "{" and (service or depth):
            depth, service = depth + 1, False
        elif token.kind == "punct" and token.text == "}" and depth:
            depth -= 1
        if depth:
            out.append(token.text)  # sent to another endpoint, which knows only standard functions
            continue
        if token.kind == "word" and token.text.upper() == function.upper():
            following = next((t for t in found[i + 1:] if t.kind not in ("space", "comment")), None)
            at = position[i]
            inside = (at >= 2 and found[meaningful[at - 1]].text == "("
                      and found[meaningful[at - 2]].kind == "word" and found[meaningful[at - 2]].text.upper() in outer)
            if following is not None and following.text == "(" and not inside:
                out.append(f"<{iri}>")
                continue
        out.append(token.text)
    return "".join(out)


def prologue(text: str) -> tuple[dict[str, str], str | None]:
    """(prefix -> namespace IRI, base IRI or None) as the query text's PREFIX and BASE
    declarations give them, each namespace resolved against the BASE before it (SPARQL 1.1,
    4.1.1); declarations inside strings, IRIs and comments are not declarations."""
    declared: dict[str, str] = {}
    base = None
    found = significant(text)
    for i, token in enumerate(found):
        word = token.text.upper() if token.kind == "word" else None
        if word == "PREFIX" and i + 2 < len(found) and found[i + 2].kind == "iri":
            declared[found[i + 1].text.rstrip(":")] = _resolve(found[i + 2].text[1:-1], base)
        elif word == "BASE" and i + 1 < len(found) and found[i + 1].kind == "iri":
            base = _resolve(found[i + 1].text[1:-1], base)
    return declared, base


def undeclared_prefixes(text: str, known: dict[str, str] | None = None) -> list[Token]:
    """The prefixed names (``foo:bar``) whose prefix neither the query's prologue nor ``known``
    declares, in order; blank node labels (``_:b``) are no prefixed names."""
    declared = {**(known or {}), **prologue(text)[0]}
    found = significant(text)
    return [token for i, token in enumerate(found)
            if token.kind == "word" and ":" in token.text and not token.text.startswith("_:")
            and token.text.split(":", 1)[0] not in declared
            and not (i > 0 and found[i - 1].kind == "word" and found[i - 1].text.upper() == "PREFIX")]


@dataclass(frozen=True)
class ServiceCall:
    """A SERVICE clause's endpoint as written: an IRI (``iri``), or a variable (``var``)."""

    iri: str | None
    var: str | None
    start: int  # where the endpoint token is in the text
    end: int
    silent: bool = False  # SERVICE SILENT: a failed call gives the empty solution


def service_calls(text: str, prefixes: dict[str, str] | None = None) -> list[ServiceCall]:
    """Every SERVICE clause's endpoint: IRIs written as <...> (resolved against BASE) or as
    prefixed names (expanded with the query's PREFIX declarations, then ``prefixes``), and
    variables by name. A KgError for a prefixed name whose prefix is not declared."""
    declared = dict(prefixes or {})
    base = None
    found = significant(text)
    calls = []
    for i, token in enumerate(found):
        word = token.text.upper() if token.kind == "word" else None
        if word == "PREFIX" and i + 2 < len(found) and found[i + 2].kind == "iri":
            declared[found[i + 1].text.rstrip(":")] = _resolve(found[i + 2].text[1:-1], base)
        elif word == "BASE" and i + 1 < len(found) and found[i + 1].kind == "iri":
            base = _resolve(found[i + 1].text[1:-1], base)
        elif word == "SERVICE":
            j = i + 1
            silent = j < len(found) and found[j].kind == "word" and found[j].text.upper() == "SILENT"
            if silent:
                j += 1
            if j >= len(found):
                continue
            target = found[j]
            if target.kind == "iri":
                calls.append(ServiceCall(_resolve(target.text[1:-1], base), None, target.start, target.end, silent))
            elif target.kind == "var":
                calls.append(ServiceCall(None, target.text[1:], target.start, target.end, silent))
            elif target.kind == "word" and ":" in target.text:
                prefix, local = target.text.split(":", 1)
                if prefix not in declared:
                    raise KgError(f"SERVICE {target.text}: the prefix {prefix!r} is not declared")
                calls.append(ServiceCall(declared[prefix] + re.sub(r"\\(.)", r"\1", local), None,
                                         target.start, target.end, silent))
    return calls


def _resolve(iri: str, base: str | None) -> str:
    return urljoin(base, iri) if base else iri


def replace_spans(text: str, replacements: list[tuple[int, int, str]]) -> str:
    """``text`` with each (start, end) span replaced; the spans must not overlap."""
    out, at = [], 0
    for start, end, new in sorted(replacements):
        out.append(text[at:start])
        out.append(new)
        at = end
    out.append(text[at:])
    return "".join(out)


# -- queries around a WHERE clause that reads a graph -----------------------------------------


def triples_query(where: str) -> str:
    """The CONSTRUCT query for the triples ``?s ?p ?o`` that ``where`` (a group's content,
    the project's prefixes allowed) binds."""
    return f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{\n{where.strip()}\n}}\n"


def count_query(where: str) -> str:
    """The number of distinct triples :func:`triples_query` answers, as ``?n``."""
    return f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{\n{where.strip()}\n}} }}\n"
