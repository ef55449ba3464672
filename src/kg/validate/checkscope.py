"""Which rows of the SPARQL checks (``queries/checks/*-violation.rq``) a change can alter, so
that after an import only those are computed again and the others kept from the previous
generation's record, as the SHACL results are.

Each check compares nodes across the graph, so "the subjects of the changed triples" is not
enough: for each check, :data:`SCOPES` says which focus nodes a triple joining or leaving the
graph can give a row or take one from (the changed nodes and their partners: the other
observations of the same place for a conflict, the children of a division whose code
changed, the periods of a changed instant...), and where in the check's text those focus
nodes are bound. The check then runs with its focus (and partner) variables bound to them:
it gives, for those nodes, exactly the rows the whole check gives, and the whole check has no
row for any other node that the change could alter. A check that cannot be scoped this way
(the unsupported-statement check reads quotes, their selectors and labels several steps
away) runs whole when the change touches anything it reads, and is kept when it does not.

The partners are found in the new generation, from the changed triples themselves: a triple
that left the graph still names the nodes it linked (an observation removed with its table
names its place), so the nodes that were its partners are found through them. A scope that
starts from each changed subject (:attr:`Scope.looks_up`) is not asked at all when the
changed subjects are more than a check is scoped for (:func:`scoped_at_most`): the check runs
whole, as exact and cheaper than the look-ups (kg.validate.store.checks_after_change judges
this once for every such scope).
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pyoxigraph as ox

CKG = "https://w3id.org/county-kg/ontology#"
RDF_ = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_ = "http://www.w3.org/2000/01/rdf-schema#"
SDMX_DIMENSION = "http://purl.org/linked-data/sdmx/2009/dimension#"
TIME_ = "http://www.w3.org/2006/time#"
OA_ = "http://www.w3.org/ns/oa#"
SKOS_ = "http://www.w3.org/2004/02/skos/core#"
TYPE = RDF_ + "type"

#: Scoped to more focus nodes than this, a check runs whole (as cheap, and a smaller query).
WHOLE_ABOVE = 20_000
#: ... or to more than one focus node per this many triples of the store (and more than
#: :data:`SCOPED_AT_LEAST`): a check bound to thousands of nodes by VALUES costs about a
#: millisecond a node in Oxigraph, the whole check about two microseconds a triple (a
#: regional table of 6,500 rows beside the project: the conflict check 4.9 s scoped, 0.4 s
#: whole; measured 2026-12-01).
TRIPLES_PER_SCOPED_NODE = 100
SCOPED_AT_LEAST = 1_000


def scoped_at_most(triples: int) -> int:
    """The most focus nodes a check is run for, scoped, in a store of ``triples`` triples
    (the union's count); above it the check runs whole (the same rows: exact either way)."""
    return min(WHOLE_ABOVE, max(SCOPED_AT_LEAST, triples // TRIPLES_PER_SCOPED_NODE))


@dataclass(frozen=True)
class Changes:
    """The changed triples (joined or left the union graph) by role, IRIs as strings; a blank
    node is named by no role (its labels differ between generations), and its triples'
    predicates are kept in ``blank`` (an rdf:type as "rdf:type IRI" and its class's IRI), so
    that a check reading one of them runs whole (:attr:`Scope.reads`)."""

    subjects: frozenset[str]
    objects: frozenset[str]
    predicates: frozenset[str]
    typed: frozenset[str]  # subjects of changed rdf:type triples
    classes: frozenset[str]  # objects of changed rdf:type triples
    triples: tuple[tuple[str | None, str, str | None], ...]  # (s, p, o); None: a literal or blank node
    blank: frozenset[str]

    @classmethod
    def of(cls, triples: Iterable[ox.Triple]) -> Changes:
        """The changes of pyoxigraph's ``triples``."""
        return cls._of_rows(_triple_row(t) for t in triples)

    @classmethod
    def of_ntriples(cls, text: bytes) -> Changes:
        """:meth:`of` the triples of N-Triples ``text`` (a new graph's cached file: every one
        of its triples joined), read line by line without making terms (a national graph's
        million triples: about a second, against four parsed into a set of triples and read
        as such). A line whose IRIs hold an escape is parsed as N-Triples; a literal or a
        blank node is None in :attr:`triples`, as in :meth:`of`. A triple stated twice is
        in :attr:`triples` twice, which no reader of it counts."""
        return cls._of_rows(_ntriples_rows(text))

    @classmethod
    def of_ntriples_files(cls, paths: Iterable[str | os.PathLike]) -> Changes:
        """:meth:`of_ntriples` of the N-Triples files ``paths`` together, read one at a time
        (a whole graph's cached files: their text is never joined, nor held beside the rows)."""
        return cls._of_rows(row for path in paths for row in _ntriples_rows(Path(path).read_bytes()))

    @classmethod
    def _of_rows(cls, rows: Iterable[tuple[str | None, str, str | None, bool]]) -> Changes:
        """The changes of ``rows``: (subject IRI, predicate IRI, object IRI, whether the
        triple names a blank node), None for an end that is no IRI."""
        subjects, objects, predicates, typed, classes, blank, triples = set(), set(), set(), set(), set(), set(), []
        for s_value, p, o_value, names_blank in rows:
            predicates.add(p)
            if s_value is not None:
                subjects.add(s_value)
            if o_value is not None:
                objects.add(o_value)
            if p == TYPE:
                if s_value is not None:
                    typed.add(s_value)
                if o_value is not None:
                    classes.add(o_value)
            if names_blank:
                blank.add(f"{TYPE} {o_value}" if p == TYPE else p)
            triples.append((s_value, p, o_value))
        return cls(frozenset(subjects), frozenset(objects), frozenset(predicates), frozenset(typed),
                   frozenset(classes), tuple(triples), frozenset(blank))

    def objects_of(self, *predicates: str) -> set[str]:
        """The IRI objects of the changed triples with one of ``predicates``."""
        return {o for _s, p, o in self.triples if p in predicates and o is not None}


def _triple_row(t: ox.Triple) -> tuple[str | None, str, str | None, bool]:
    """A pyoxigraph triple as a row of :meth:`Changes._of_rows`."""
    s, o = t.subject, t.object
    return (s.value if isinstance(s, ox.NamedNode) else None, t.predicate.value,
            o.value if isinstance(o, ox.NamedNode) else None,
            isinstance(s, ox.BlankNode) or isinstance(o, ox.BlankNode))


def _ntriples_rows(text: bytes) -> Iterator[tuple[str | None, str, str | None, bool]]:
    """The rows of :meth:`Changes._of_rows` of N-Triples ``text``, each IRI decoded once (a
    subject has a dozen triples); a line whose IRIs hold an escape is parsed."""
    names: dict[bytes, str] = {}

    def iri(token: bytes) -> str | None:
        if token[:1] != b"<":
            return None  # a blank node or a literal
        found = names.get(token)
        if found is None:
            found = names[token] = token[1:-1].decode("utf-8")
        return found

    for line in io.BytesIO(text):
        line = line.strip()
        if not line or line[:1] == b"#":
            continue
        s, p, rest = line.split(b" ", 2)
        o = rest[:-1].rstrip() if rest.endswith(b".") else rest
        if b"\\" in s or b"\\" in p or (o[:1] == b"<" and b"\\" in o):
            yield from map(_triple_row, ox.parse(line + b"\n", format=ox.RdfFormat.N_TRIPLES))
            continue
        yield iri(s), iri(p), iri(o), s[:2] == b"_:" or o[:2] == b"_:"


def _values(variable: str, iris: Iterable[str]) -> str:
    return f"VALUES {variable} {{ " + " ".join(f"<{i}>" for i in sorted(iris)) + " }"


def select_bound(store: ox.Store, pattern: str, nodes: Iterable[str]) -> set[str]:
    """The IRIs ?f of ``pattern`` with ?x bound to each of ``nodes`` (IRIs), in queries of a
    bounded size (5,000 nodes each)."""
    nodes = sorted(nodes)
    found: set[str] = set()
    for start in range(0, len(nodes), 5_000):
        query = f"SELECT DISTINCT ?f WHERE {{ {_values('?x', nodes[start:start + 5_000])} {pattern} FILTER(isIRI(?f)) }}"
        found |= {row[0].value for row in store.query(query)}
    return found


def _dangling(store: ox.Store, c: Changes) -> set[str]:
    # a row names an object nobody describes: a changed triple pointing at it, or its type
    return set(c.objects) | set(c.typed)


def _division_code(store: ox.Store, c: Changes) -> set[str]:
    # a division's own code, notation, validFrom and parent; the parent's code
    return set(c.subjects) | select_bound(store, f"?f <{CKG}parentDivision> ?x .", c.subjects)


def _period_order(store: ox.Store, c: Changes) -> set[str]:
    # a period's type and bounds; its bounds' dates
    # (one pattern per predicate: see _conflicting_observation)
    return set(c.subjects) | select_bound(store, f"{{ ?f <{TIME_}hasBeginning> ?x }} UNION {{ ?f <{TIME_}hasEnd> ?x }}",
                                     c.subjects)


def _statement_record(store: ox.Store, c: Changes) -> set[str]:
    # a record's own triples; the triple it records (a changed triple of its rdf:subject); the
    # other records of the same triple (sharing an rdf:subject with a changed record)
    nodes = set(c.subjects) | set(c.objects)
    return (set(c.subjects) | select_bound(store, f"?f <{RDF_}subject> ?x .", nodes)
            | select_bound(store, f"?x <{RDF_}subject> ?s . ?f <{RDF_}subject> ?s .", c.subjects))


def _undefined_term(store: ox.Store, c: Changes) -> set[str]:
    # a term is used (as a predicate or a class) and defined (rdfs:isDefinedBy) or not
    defined = {s for s, p, _o in c.triples if p == RDFS_ + "isDefinedBy" and s is not None}
    return set(c.predicates) | set(c.classes) | defined


def _validity_order(store: ox.Store, c: Changes) -> set[str]:
    return set(c.subjects)


def _conflicting_observation(store: ox.Store, c: Changes) -> set[str]:
    # Two observations conflict only if they share a place (sdmx-dimension:refArea), so the
    # check is closed over "every observation of a place": the places of the observations a
    # change touches (its own triples, its reported place's or period's dates), and of the
    # observations that left (named by their changed refArea triples).
    area, reported, period = SDMX_DIMENSION + "refArea", CKG + "reportedPlace", SDMX_DIMENSION + "refPeriod"
    touched = set(c.subjects)
    # (one pattern per predicate: with the predicate a VALUES variable, Oxigraph reads every
    # triple of the three predicates, a second at a national size, instead of looking up ?x)
    touched |= select_bound(store, f"{{ ?f <{area}> ?x }} UNION {{ ?f <{reported}> ?x }} UNION {{ ?f <{period}> ?x }}",
                       c.subjects)
    touched |= select_bound(store, f"?f <{period}> ?e . ?e <{TIME_}hasEnd> ?x .", c.subjects)
    places = c.objects_of(area) | select_bound(store, f"?x <{area}> ?f .", touched)
    return select_bound(store, f"?f <{area}> ?x .", places)


#: What the unsupported-statement check reads, the labels and types aside (see _unsupported).
_UNSUPPORTED_READS = frozenset({
    CKG + "citedRelation", CKG + "evidence", CKG + "assertionStatus", RDF_ + "subject", RDF_ + "predicate",
    RDF_ + "object", OA_ + "hasSource", OA_ + "hasSelector", OA_ + "start", OA_ + "end", OA_ + "exact"})


def _unsupported_statement(store: ox.Store, c: Changes) -> set[str] | None:
    """None (run whole) when the change touches what the check reads; else no node."""
    cited = {row[0].value for row in store.query(f"SELECT ?p WHERE {{ ?p <{CKG}citedRelation> true }}")}
    if c.predicates & (_UNSUPPORTED_READS | cited):
        return None
    if any(p == TYPE and o == RDF_ + "Statement" for _s, p, o in c.triples):
        return None
    # a label names a resource at either end of a cited relation from a node with evidence
    if any(s is None for s, p, _o in c.triples if p in (RDFS_ + "label", SKOS_ + "altLabel")):
        return None  # (a blank node's label: cannot be looked up)
    # (each labelled subject is looked up: with more changed subjects than a check is scoped
    # for, this function is not called and the check runs whole, Scope.looks_up)
    named = {s for s, p, _o in c.triples if p in (RDFS_ + "label", SKOS_ + "altLabel")}
    if named and cited:
        for start in range(0, len(named), 5_000):
            chunk = sorted(named)[start:start + 5_000]
            if store.query(f"ASK {{ {_values('?x', chunk)} {_values('?p', cited)} "
                           f"{{ ?x ?p ?o . ?x <{CKG}evidence> ?q }} UNION {{ ?s ?p ?x . ?s <{CKG}evidence> ?q }} }}"):
                return None
    return set()


@dataclass(frozen=True)
class Scope:
    """A check's scope: ``focus`` gives the focus nodes whose rows a change can alter (None:
    run the check whole); ``anchors``, the places in the check's text after which those
    nodes are bound (text, variable, how many times the text occurs); ``candidates``, the
    nodes of a focus that can have a row at all (found without the check: the others'
    previous rows are dropped, and the check does not run for them);
    ``reads``, the predicates (an rdf:type as "rdf:type IRI" and its class) of the patterns a
    blank node can match: a changed triple naming a blank node with one of them makes the
    check run whole (a blank node cannot be bound by its label);
    ``looks_up``, that ``focus`` starts from each changed subject, looking up its partners in
    the store (or taking the subject itself as a focus node): with more changed subjects than
    a check is scoped for (:func:`scoped_at_most`), the check runs whole and ``focus`` is not
    called (kg.validate.store.checks_after_change), since the look-ups cost about what the
    whole check does and their focus would mostly be over the limit anyway."""

    focus: Callable[[ox.Store, Changes], set[str] | None]
    reads: frozenset[str] = frozenset()
    anchors: tuple[tuple[str, str, int], ...] = (("WHERE {", "?focus", 1),)
    candidates: Callable[[ox.Store, set[str]], set[str]] | None = None
    looks_up: bool = False
    written_for: str = ""  # the first 16 hex digits of the SHA-256 of the check text this scope reads


def scope_for(name: str, text: str) -> Scope | None:
    """The scope of the check ``name`` when ``text`` is the text it was written for, else None
    (the check runs whole): a scope encodes what its check reads, so an edited check is never
    scoped by the rule of its earlier text (tests/test_check_scope.py says which to review)."""
    import hashlib

    scope = SCOPES.get(name)
    if scope is None or hashlib.sha256(text.encode("utf-8")).hexdigest()[:16] != scope.written_for:
        return None
    return scope


SDMX_MEASURE = "http://purl.org/linked-data/sdmx/2009/measure#"
SDMX_ATTRIBUTE = "http://purl.org/linked-data/sdmx/2009/attribute#"
SCHEMA = "https://schema.org/"

_UNION_OF_TWO = (("WHERE {\n  {", "?focus", 1), ("} UNION {", "?focus", 1))
_UNION_OF_THREE = (("WHERE {\n  {", "?focus", 1), ("} UNION {", "?focus", 2))


def _without(store: ox.Store, nodes: set[str], namespace: str, predicate: str) -> set[str]:
    """The IRIs of ``nodes`` in ``namespace`` that are the subject of no ``predicate`` triple."""
    p = ox.NamedNode(predicate)
    return {n for n in nodes if n.startswith(namespace)
            and next(iter(store.quads_for_pattern(ox.NamedNode(n), p, None)), None) is None}


def _undescribed(store: ox.Store, nodes: set[str]) -> set[str]:
    # the check's own conditions: a project IRI with no rdf:type
    return _without(store, nodes, "https://w3id.org/county-kg/id/", TYPE)


def _undefined(store: ox.Store, nodes: set[str]) -> set[str]:
    # the check's own conditions: a term of the ontology's namespace with no rdfs:isDefinedBy
    return _without(store, nodes, CKG, RDFS_ + "isDefinedBy")


SCOPES: dict[str, Scope] = {
    "conflicting-observation-violation": Scope(_conflicting_observation, frozenset({
        CKG + "indicator", SDMX_DIMENSION + "refArea", SDMX_DIMENSION + "refPeriod", SDMX_MEASURE + "obsValue",
        SDMX_ATTRIBUTE + "unitMeasure", CKG + "valueQualifier", CKG + "reportedPlace", CKG + "reportedValue",
        TIME_ + "hasEnd", TIME_ + "inXSDDate", CKG + "validFrom", CKG + "validUntil"}), (
        ("SELECT ?focus ?indicator ?place ?period ?unit ?value WHERE {", "?focus", 1),
        ("SELECT ?other ?indicator ?place ?period ?unit ?otherValue WHERE {", "?other", 1)), looks_up=True),
    # (the focus of these two is an IRI: a blank node's triples count by their IRI ends)
    "dangling-reference-violation": Scope(_dangling, candidates=_undescribed),
    "undefined-term-violation": Scope(_undefined_term, anchors=(("WHERE {\n  {", "?focus", 1), ("UNION\n  {", "?focus", 1)),
                                      candidates=_undefined),
    "division-code-violation": Scope(_division_code, frozenset({
        CKG + "divisionCode", CKG + "validFrom", SKOS_ + "notation", CKG + "parentDivision"}), _UNION_OF_THREE,
        looks_up=True),
    "period-order-violation": Scope(_period_order, frozenset({
        f"{TYPE} {CKG}Period", TIME_ + "hasBeginning", TIME_ + "hasEnd", TIME_ + "inXSDDate"}), looks_up=True),
    "statement-record-violation": Scope(_statement_record, frozenset({
        f"{TYPE} {RDF_}Statement", RDF_ + "subject", RDF_ + "predicate", RDF_ + "object"}), _UNION_OF_TWO,
        looks_up=True),
    # (whole, a regional table's 6,500 labelled subjects: 0.4 s; their look-ups: 1.6 s)
    "unsupported-statement-violation": Scope(_unsupported_statement, anchors=(), looks_up=True),
    "validity-order-violation": Scope(_validity_order, frozenset({
        SCHEMA + "foundingDate", SCHEMA + "dissolutionDate", CKG + "validFrom", CKG + "validUntil"}), _UNION_OF_TWO,
        looks_up=True),
}

#: The check texts the scopes above were written for (see :func:`scope_for`).
_WRITTEN_FOR = {
    "conflicting-observation-violation": "cfd0e72b3a2104ee",
    "dangling-reference-violation": "f5999a04db0629fa",
    "division-code-violation": "944d971e9dcab718",
    "period-order-violation": "0a9cf133b85de46a",
    "statement-record-violation": "6c9b9915e08bff20",
    "undefined-term-violation": "82003d18e3f3de97",
    "unsupported-statement-violation": "7feb23beeba737df",
    "validity-order-violation": "f2d7e566fdeb984b",
}
SCOPES = {name: replace(scope, written_for=_WRITTEN_FOR[name]) for name, scope in SCOPES.items()}


def restricted(text: str, scope: Scope, focus: Iterable[str]) -> str | None:
    """The check's text with its anchored variables bound to ``focus`` (at each occurrence of
    each anchor: a VALUES in each branch of a UNION, which the engine evaluates first, where
    one before the UNION would be joined after it); None when an anchor does not occur as many
    times as :attr:`Scope.anchors` says (the check was edited: run it whole)."""
    values = sorted(focus)
    for anchor, variable, count in scope.anchors:
        if text.count(anchor) != count:
            return None
        text = text.replace(anchor, anchor + " " + _values(variable, values) + " ")
    return text
