"""The one conversion of the RDF graph into a networkx graph, shared by `kg viz` and `kg analyze`.

Nodes are the graph's *entities*: the typed resources in the project's id namespace that
a reader thinks about (policies, programs, results, observations, indicators, places,
facilities, organizations, people). Edges are the object properties between them, one
edge per triple, keyed by the property's compact IRI.

What does not become a node, and why:

- quotes, their selectors, time instants and recorded statements (``rdf:Statement``) are
  evidence machinery: a node's quotes become its ``quotes`` attribute (shown in tooltips),
  ``ckg:evidence`` is no edge, and a relation recorded as inferred gives its edge an
  ``inferred`` attribute, the curator's reason (empty for stated relations);
- ``rdf:type`` becomes the node's class (``cls``, ``classes``), not an edge to a class;
- *schema* nodes (ontology terms, units, value qualifiers, themes, periods, facility
  types, concept schemes, data sets, the source documents) are shared dimension values:
  as nodes they would join every pair of entities that share a theme or a year, so they
  would top every centrality ranking and turn every explanation path into "both are
  about industry". They are kept out unless ``schema=True``; their information stays
  on the entities (``themes``, and period, unit and qualifier inside ``figures``). The
  source material (articles, texts, the quotations of people an article quotes) is shown
  the same way.

The graph itself (:func:`explorable_graph`) is everything except the national gazetteer's places
that nothing else in the graph speaks of (thousands of places and their history, most of the
project's triples, that would otherwise be most of every picture). It is read with a few plain
CONSTRUCT queries that every engine answers quickly, the same for the local store and for any
SPARQL endpoint (kg.query.readers), and the places to keep are worked out here, in Python, from
their answers: one rule for every origin, so the local files, kg serve, the Oxigraph server,
Virtuoso and Jena give the same graph.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import networkx as nx
import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, TIME

from kg.errors import KgError
from kg.labels import LANGUAGES, compact, label
from kg.namespaces import (
    BASE,
    CKG,
    OA,
    PREFIXES,
    QB,
    QUDT,
    SCHEMA,
    SDMX_ATTRIBUTE,
    SDMX_DIMENSION,
    SDMX_MEASURE,
    SPDX,
    bind_prefixes,
)
from kg.query.readers import Origin
from kg.store.results import rdflib_term

ID_NAMESPACE = BASE + "id/"

#: The national gazetteer's marks on each of its places and area transfers (kg.link.gazetteer
#: writes them: the 2023 codes, the code history 1981-2024, or both), and the properties it
#: describes them with: a place with nothing more said about it, that nothing outside the
#: gazetteer points at, is reference data, not part of what a reader explores.
GAZETTEER_SOURCES = (URIRef(BASE + "id/source/nbs-division-codes-2023"), URIRef(BASE + "id/source/division-code-history"))
GAZETTEER_PROPERTIES = (
    RDF.type, RDFS.label, RDFS.comment, SKOS.notation, SKOS.hiddenLabel, CKG.divisionCode, CKG.parentDivision,
    DCTERMS.identifier, DCTERMS.source, DCTERMS.replaces, DCTERMS.isReplacedBy, SCHEMA.foundingDate,
    SCHEMA.dissolutionDate, CKG.validFrom, CKG.validUntil, CKG.areaTransfer, CKG.transferredTo, CKG.transferYear,
)


def _iris(terms: Iterable[URIRef]) -> str:
    return ", ".join(f"<{term}>" for term in terms)


#: The triples of every resource the gazetteer does not mark: all but those of its places and
#: area transfers (on the project, Virtuoso 7.2 and Oxigraph answer it in under a second).
#: MINUS rather than FILTER NOT EXISTS: Oxigraph evaluates it as one anti-join, not a lookup
#: per triple.
OUTSIDE_WHERE = f"""
  ?s ?p ?o .
  MINUS {{ ?s dcterms:source ?mark . FILTER (?mark IN ({_iris(GAZETTEER_SOURCES)})) }}
"""

#: The gazetteer's marks, and the replacement history of every division (what it replaced and
#: what replaced it: 水富市 530681 <- 水富县 530630 <- 水富县 532131).
HISTORY_WHERE = f"""
  ?s ?p ?o .
  FILTER (?p IN (dcterms:replaces, dcterms:isReplacedBy)
          || (?p = dcterms:source && ?o IN ({_iris(GAZETTEER_SOURCES)})))
"""

#: The gazetteer's places something beyond the gazetteer is said of (a property other than
#: :data:`GAZETTEER_PROPERTIES`: a curated fact, a link set's skos:exactMatch), with all
#: their triples.
DESCRIBED_WHERE = f"""
  ?s dcterms:source ?mark . FILTER (?mark IN ({_iris(GAZETTEER_SOURCES)}))
  ?s ?said ?value . FILTER (?said NOT IN ({_iris(GAZETTEER_PROPERTIES)}))
  ?s ?p ?o .
"""

#: At most this many kept places are asked for by name, in a VALUES block (about 60 bytes a
#: place; Virtuoso 7.2 answers 1,000 in a second or two, and refuses some thousands: "SP030:
#: Too many arguments for standard built-in function"). With more places kept, the whole graph
#: is read and the left-out places' triples dropped here: what that adds is the gazetteer's
#: own triples, about 110,000 (every division since 1981), seconds more whatever the data.
KEPT_BATCH = 1000

#: What the local store keeps the explorable graph under (kg.query.readers: ``remembered``):
#: the queries it is computed from and the version of :func:`kept_places`'s rule, which must
#: change with the rule.
EXPLORABLE_KEY = "\n".join(("kg.explore.network.explorable_graph, rule 2", OUTSIDE_WHERE, HISTORY_WHERE,
                             DESCRIBED_WHERE))


def kept_places(outside: Graph, history: Graph, described: Graph) -> set[URIRef]:
    """The gazetteer's places a reader explores, from the answers to :data:`OUTSIDE_WHERE`,
    :data:`HISTORY_WHERE` and :data:`DESCRIBED_WHERE`.

    A node is *spoken of* when something beyond the gazetteer is said of it (a property not in
    :data:`GAZETTEER_PROPERTIES`), a resource the gazetteer does not mark points at it, or a
    gazetteer place so described points at it. A gazetteer place is kept when it is spoken of,
    or when a chain of dcterms:replaces / dcterms:isReplacedBy from it (one step or more, in
    the direction written) reaches a node spoken of: the history of a place kept. Nodes are
    matched as terms, so the gazetteer's places are IRIs (kg gazetteer names each by its code):
    a blank node in one answer is not the same node in another answer from an endpoint."""
    return _kept(outside, history, described, URIRef)


def _kept(outside: Iterable, history: Iterable, described: Iterable, iri) -> set:
    """:func:`kept_places` on the answers as (subject, predicate, object) triples of any one
    library's terms (rdflib's graphs, or pyoxigraph's triples: :func:`_kept_here`),
    ``iri`` making that library's IRI from its text."""
    own = frozenset(iri(str(p)) for p in GAZETTEER_PROPERTIES)
    source, sources = iri(str(DCTERMS.source)), frozenset(iri(str(s)) for s in GAZETTEER_SOURCES)
    replacement = frozenset(iri(str(p)) for p in (DCTERMS.replaces, DCTERMS.isReplacedBy))
    marked, earlier = set(), defaultdict(list)  # earlier: a node -> the nodes whose replacement links point at it
    for s, p, o in _spo(history):
        if p == source and o in sources:
            marked.add(s)
        elif p in replacement:
            earlier[o].append(s)
    spoken_of = set()
    for s, p, o in _spo(outside):
        spoken_of.add(o)
        if p not in own:
            spoken_of.add(s)
    for s, _p, o in _spo(described):
        spoken_of.update((s, o))
    reached, todo = set(spoken_of), list(spoken_of)
    while todo:
        for node in earlier.get(todo.pop(), ()):
            if node not in reached:
                reached.add(node)
                todo.append(node)
    return marked & reached


def _spo(triples: Iterable) -> Iterable[tuple]:
    """(subject, predicate, object) of each triple: rdflib's graphs give tuples, pyoxigraph's
    answers Triple objects."""
    for triple in triples:
        yield (triple.subject, triple.predicate, triple.object) if isinstance(triple, ox.Triple) else triple


def _explorable(reader) -> Graph:
    from kg.query.engines import Engines

    if isinstance(reader, Engines):  # the local store: the places worked out on pyoxigraph's terms
        outside, kept = _kept_here(reader.store)
    else:
        answered = reader.triples(OUTSIDE_WHERE)
        kept = kept_places(answered, reader.triples(HISTORY_WHERE), reader.triples(DESCRIBED_WHERE))
        outside = lambda: answered  # noqa: E731
    if not kept:
        return outside()
    if len(kept) <= KEPT_BATCH and all(isinstance(place, URIRef) for place in kept):
        # asked again together with the places, not added to the first answer: an endpoint's
        # blank nodes are new in every answer, and a kept place may point at one described there
        names = " ".join(place.n3() for place in sorted(kept))
        return reader.triples(f"{{ {OUTSIDE_WHERE} }}\n  UNION {{ VALUES ?s {{ {names} }} ?s ?p ?o . }}")
    everything = reader.triples("?s ?p ?o .")
    left_out = {s for source in GAZETTEER_SOURCES for s in everything.subjects(DCTERMS.source, source)} - kept
    graph = bind_prefixes(Graph())
    graph.addN((s, p, o, graph) for s, p, o in everything if s not in left_out)
    return graph


def _kept_here(store) -> tuple:
    """(a function giving the answer to :data:`OUTSIDE_WHERE` as an rdflib graph, the places
    :func:`kept_places` keeps as rdflib terms) on the local store (a pyoxigraph store), from
    the same queries as kg.query.engines.Engines.triples answers them, without making rdflib
    terms of their tens of thousands of triples (the gazetteer's history): only the kept places,
    and the first answer when it is the graph (no place kept), as Engines.triples makes it."""
    from kg.store.sparql import construct_answer
    from kg.store.sparqltext import triples_query

    def answer(where: str) -> list:
        return list(construct_answer(store, triples_query(where)))

    outside = answer(OUTSIDE_WHERE)

    def graph() -> Graph:
        made = bind_prefixes(Graph())
        made.addN((rdflib_term(t.subject), rdflib_term(t.predicate), rdflib_term(t.object), made) for t in outside)
        return made

    kept = _kept(outside, answer(HISTORY_WHERE), answer(DESCRIBED_WHERE), ox.NamedNode)
    return graph, {rdflib_term(place) for place in kept}


# Resources that are never nodes: their content is folded into the entities they serve.
EVIDENCE_CLASSES = frozenset({CKG.Quote, OA.TextQuoteSelector, OA.TextPositionSelector, TIME.Instant, SPDX.Checksum,
                              RDF.Statement})

# Classes whose members are schema nodes, hidden unless asked for (see the module docstring).
SCHEMA_CLASSES = frozenset({
    CKG.Theme, CKG.Period, TIME.ProperInterval, CKG.Unit, QUDT.Unit, CKG.ValueQualifier,
    CKG.AdministrativeLevel, SKOS.Concept, SKOS.ConceptScheme, QB.DataSet, QB.DataStructureDefinition,
    CKG.SourceText, SCHEMA.NewsArticle, SCHEMA.MediaObject, SCHEMA.Dataset, SCHEMA.Quotation,
    URIRef("http://www.w3.org/ns/prov#Entity"),
})

# Properties that never become edges: typing and evidence are node attributes instead.
NOT_EDGES = frozenset({RDF.type, CKG.evidence})

# Observation properties that hand the observation's figure to the node they point at, so a
# result, program or indicator shows its numbers in its own tooltip.
FIGURE_TARGETS = (CKG.measures, CKG.aboutProgram, CKG.indicator)


@dataclass(frozen=True)
class Quote:
    """A passage of the source text a node is evidenced by."""

    curie: str
    start: int
    end: int
    exact: str


@dataclass(frozen=True)
class Figure:
    """One observed number, with what it needs to be read correctly."""

    observation: str
    reported: str  # as written in the article: "12.76億元"
    value: str  # in base units, grouped: "1,276,000,000"
    unit: dict[str, str]
    qualifier: dict[str, str]
    period: dict[str, str]

    def text(self, lang: str) -> str:
        details = "; ".join(part for part in (f"{self.value} {self.unit.get(lang, '')}".strip(),
                                               self.qualifier.get(lang, ""), self.period.get(lang, "")) if part)
        return f"{self.reported} ({details})" if self.reported else details


def labels_of(graph: Graph, node) -> dict[str, str]:
    """The node's label in each of the project's languages (falling back as labels.label does)."""
    return {lang: label(graph, node, lang) for lang in LANGUAGES}


class _Classes:
    """Answers class questions about the ontology, caching superclass closures."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self._supers: dict[URIRef, frozenset[URIRef]] = {}

    def supers(self, cls: URIRef) -> frozenset[URIRef]:
        """``cls`` and all its superclasses."""
        if cls not in self._supers:
            self._supers[cls] = frozenset(o for o in self.graph.transitive_objects(cls, RDFS.subClassOf)
                                          if isinstance(o, URIRef))
        return self._supers[cls]

    def direct_types(self, node) -> list[URIRef]:
        return sorted(t for t in self.graph.objects(node, RDF.type) if isinstance(t, URIRef) and t != OWL.NamedIndividual)

    def most_specific(self, types: list[URIRef]) -> URIRef | None:
        """The type no other type specializes; the project's own class wins a tie."""
        specific = [t for t in types if not any(t != other and t in self.supers(other) for other in types)]
        if not specific:
            return None
        return sorted(specific, key=lambda t: (not str(t).startswith(str(CKG)), str(t)))[0]


def _kind(classes: _Classes, node) -> str | None:
    """'entity', 'schema', or None for a resource that is never a node."""
    types = classes.direct_types(node)
    if not types or any(t in EVIDENCE_CLASSES for t in types):
        return None
    return "schema" if classes.most_specific(types) in SCHEMA_CLASSES else "entity"


def _quotes(graph: Graph, node) -> tuple[Quote, ...]:
    found = []
    for quote in graph.objects(node, CKG.evidence):
        start = end = None
        exact = ""
        for selector in graph.objects(quote, OA.hasSelector):
            if (selector, RDF.type, OA.TextQuoteSelector) in graph:
                exact = str(graph.value(selector, OA.exact) or "")
            if (selector, RDF.type, OA.TextPositionSelector) in graph:
                start, end = graph.value(selector, OA.start), graph.value(selector, OA.end)
        found.append(Quote(compact(graph, quote), int(start) if start is not None else -1,
                           int(end) if end is not None else -1, exact))
    return tuple(sorted(found, key=lambda q: (q.start, q.curie)))


def _grouped(value) -> str:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    return format(number.normalize(), ",f")


def _figure(graph: Graph, observation) -> Figure:
    reported = graph.value(observation, CKG.reportedValue)
    value = graph.value(observation, SDMX_MEASURE.obsValue)
    unit = graph.value(observation, SDMX_ATTRIBUTE.unitMeasure)
    qualifier = graph.value(observation, CKG.valueQualifier)
    period = graph.value(observation, SDMX_DIMENSION.refPeriod)
    return Figure(
        observation=compact(graph, observation),
        reported=str(reported) if reported is not None else "",
        value=_grouped(value) if value is not None else "",
        unit=labels_of(graph, unit) if unit is not None else {},
        qualifier=labels_of(graph, qualifier) if qualifier is not None else {},
        period=labels_of(graph, period) if period is not None else {},
    )


def _node_attributes(graph: Graph, classes: _Classes, node: URIRef, kind: str) -> dict:
    types = classes.direct_types(node)
    cls = classes.most_specific(types) if types else None
    all_classes = frozenset(compact(graph, c) for t in types for c in classes.supers(t))
    return {
        "iri": str(node),
        "curie": compact(graph, node),
        "cls": compact(graph, cls) if cls is not None else "",
        "classes": all_classes,
        "class_labels": labels_of(graph, cls) if cls is not None else {lang: "" for lang in LANGUAGES},
        "labels": labels_of(graph, node),
        "alt_labels": tuple(sorted(str(alt) for alt in graph.objects(node, SKOS.altLabel))),
        "themes": tuple(sorted(compact(graph, t) for t in graph.objects(node, CKG.theme))),
        "quotes": _quotes(graph, node),
        "inferred": _inferred_reason(graph, node),
        "figures": (),
        "schema": kind == "schema",
    }


def _edge_candidates(graph: Graph, nodes: Iterable[URIRef]) -> Iterable[tuple[URIRef, URIRef, URIRef]]:
    for subject in nodes:
        for predicate, obj in graph.predicate_objects(subject):
            if isinstance(obj, URIRef) and predicate not in NOT_EDGES:
                yield subject, predicate, obj


def _schema_neighbours(graph: Graph, classes: _Classes, entities: set[URIRef]) -> set[URIRef]:
    """Schema nodes: typed non-entities of the id namespace, and the labelled terms entities
    point at (ontology individuals such as ckg:Exact, QUDT units). Unlabelled external IRIs
    (web pages, Wikidata items) are links out of the graph, not nodes in it."""
    found = {s for s in set(graph.subjects(RDF.type, None))
             if isinstance(s, URIRef) and str(s).startswith(ID_NAMESPACE) and _kind(classes, s) == "schema"}
    for _s, _p, obj in _edge_candidates(graph, entities | found):
        if obj not in entities and (obj, RDFS.label, None) in graph and not any(
                t in EVIDENCE_CLASSES for t in graph.objects(obj, RDF.type)):
            found.add(obj)
    return found


def _inherit_themes(graph: Graph, view: nx.MultiDiGraph) -> None:
    """Observations carry no theme of their own: they take those of their indicator, and of the
    results and programs they measure, so a theme's graph includes its numbers."""
    for node, classes in view.nodes(data="classes"):
        if "ckg:Observation" not in classes:
            continue
        themes = set(view.nodes[node]["themes"])
        for prop in FIGURE_TARGETS:
            for target in graph.objects(URIRef(node), prop):
                themes |= {compact(graph, t) for t in graph.objects(target, CKG.theme)}
        view.nodes[node]["themes"] = tuple(sorted(themes))


def _attach_figures(graph: Graph, view: nx.MultiDiGraph, node_by_iri: dict[URIRef, str]) -> None:
    figures: dict[str, list[Figure]] = defaultdict(list)
    for observation in sorted(graph.subjects(RDF.type, CKG.Observation)):
        if observation not in node_by_iri:
            continue
        figure = _figure(graph, observation)
        figures[node_by_iri[observation]].append(figure)
        for prop in FIGURE_TARGETS:
            for target in graph.objects(observation, prop):
                if target in node_by_iri:
                    figures[node_by_iri[target]].append(figure)
    for node, found in figures.items():
        unique = {figure.observation: figure for figure in found}
        view.nodes[node]["figures"] = tuple(unique[key] for key in sorted(unique))


def _inferred_reason(graph: Graph, node) -> str:
    """The English reason when curation made the resource up (ckg:assertionStatus ckg:Inferred), else ""."""
    if (node, CKG.assertionStatus, CKG.Inferred) not in graph:
        return ""
    reasons = sorted(str(r) for r in graph.objects(node, CKG.inferenceReason) if getattr(r, "language", None) == "en")
    return reasons[0] if reasons else "inferred"


def _inferred_relations(graph: Graph) -> dict[tuple, str]:
    """(subject, predicate, object) -> the English reason, for every relation recorded as an
    rdf:Statement with ckg:assertionStatus ckg:Inferred (docs/model.md, Stated and inferred)."""
    found = {}
    for statement in graph.subjects(CKG.assertionStatus, CKG.Inferred):
        triple = tuple(graph.value(statement, prop) for prop in (RDF.subject, RDF.predicate, RDF.object))
        if None in triple:
            continue
        reasons = sorted(str(r) for r in graph.objects(statement, CKG.inferenceReason) if getattr(r, "language", None) == "en")
        found[triple] = reasons[0] if reasons else "inferred"
    return found


def build_view(graph: Graph, *, schema: bool = False) -> nx.MultiDiGraph:
    """The graph's entities (and, with ``schema``, its schema nodes) as a networkx multigraph.

    Node ids are IRIs (strings). Node attributes: ``iri``, ``curie``, ``cls`` (compact IRI of
    the most specific class), ``classes`` (all classes, superclasses included), ``class_labels``
    and ``labels`` ({language: text}), ``alt_labels``, ``themes`` (compact theme IRIs),
    ``quotes`` (:class:`Quote`), ``inferred`` (the curator's reason when the resource is marked
    inferred, else ""), ``figures`` (:class:`Figure`) and ``schema`` (bool). Edge keys
    and ``predicate`` are the property's compact IRI; ``labels`` its labels; ``inferred`` the
    curator's reason when the relation is recorded as inferred, else "". Nodes and edges
    are inserted in sorted order, so everything derived from the view is deterministic.
    """
    classes = _Classes(graph)
    entities = {s for s in set(graph.subjects(RDF.type, None))
                if isinstance(s, URIRef) and str(s).startswith(ID_NAMESPACE) and _kind(classes, s) == "entity"}
    members = set(entities)
    if schema:
        members |= _schema_neighbours(graph, classes, entities)

    view = nx.MultiDiGraph()
    view.graph["themes"] = {compact(graph, t): labels_of(graph, t) for t in sorted(graph.subjects(RDF.type, CKG.Theme))}
    node_by_iri: dict[URIRef, str] = {}
    for node in sorted(members, key=str):
        view.add_node(str(node), **_node_attributes(graph, classes, node, "entity" if node in entities else "schema"))
        node_by_iri[node] = str(node)

    property_labels: dict[URIRef, dict[str, str]] = {}
    inferred = _inferred_relations(graph)
    edges = sorted({(s, p, o) for s, p, o in _edge_candidates(graph, members) if o in members and o != s},
                   key=lambda t: (str(t[0]), str(t[1]), str(t[2])))
    for subject, predicate, obj in edges:
        if predicate not in property_labels:
            property_labels[predicate] = labels_of(graph, predicate)
        curie = compact(graph, predicate)
        view.add_edge(str(subject), str(obj), key=curie, predicate=curie, labels=property_labels[predicate],
                      inferred=inferred.get((subject, predicate, obj), ""))

    _inherit_themes(graph, view)
    _attach_figures(graph, view, node_by_iri)
    return view


def explorable_graph(origin: Origin | None = None) -> Graph:
    """The graph to explore (the module docstring) at ``origin`` (default: the local files, the
    project with its workspace): the triples of every resource but the gazetteer's places
    (:data:`OUTSIDE_WHERE`) and those of the places :func:`kept_places` keeps. Four queries
    (three when no place is kept), each asked as it is of every origin; the local store keeps
    the result beside its generation. Errors of an endpoint are KgErrors."""
    with (origin or Origin()).open() as reader:
        return reader.remembered(EXPLORABLE_KEY, lambda: _explorable(reader))


def read_view(origin: Origin | None = None, *, schema: bool = False) -> nx.MultiDiGraph:
    """The view (:func:`build_view`) of the graph at ``origin`` (default: the local files)."""
    return build_view(explorable_graph(origin), schema=schema)


# -- finding nodes ---------------------------------------------------------------------------


def _expand(text: str) -> str:
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return str(PREFIXES[prefix]) + local
    return text


def left_out_places(origin: Origin, text: str) -> list[str]:
    """The gazetteer's places ``text`` names (an IRI, a compact IRI, an exact label or hidden
    label) at ``origin``, as ``place:11 (北京市)``, sorted: asked when the view has no such node,
    to say why (the explorable graph leaves out the places no data refers to: the module
    docstring). Empty when it names none, or when the origin cannot be asked (the message is
    then the plain one)."""
    wanted = text.strip()
    iri = _expand(wanted)
    match = f"str(?o) = {Literal(wanted).n3()}"
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+", iri):
        match += f" || ?s = <{iri}>"
    try:
        found = origin.triples(f"""
  ?s dcterms:source ?mark . FILTER (?mark IN ({_iris(GAZETTEER_SOURCES)}))
  ?s ?p ?o . FILTER (?p IN (rdfs:label, skos:hiddenLabel) && ({match}))""")
    except KgError:
        return []
    bind_prefixes(found)
    return [f"{compact(found, place)} ({label(found, place, 'zh-Hans')})"
            for place in sorted(set(found.subjects()), key=str)]


def resolve_node(view: nx.MultiDiGraph, text: str, origin: Origin | None = None) -> str:
    """The node ``text`` names: an IRI, a compact IRI (``prog:foo``) or an exact label or
    alternative label in any language. Raises KgError when it names none or several; when
    none and ``origin`` (where ``view`` was read) is given, the error says so of a gazetteer
    place the view leaves out (:func:`left_out_places`), and suggests nothing else."""
    iri = _expand(text.strip())
    if iri in view:
        return iri
    wanted = text.strip()
    matches = sorted(n for n, data in view.nodes(data=True)
                     if wanted in data["labels"].values() or wanted in data["alt_labels"])
    if len(matches) == 1:
        return matches[0]
    if matches:
        listed = ", ".join(view.nodes[n]["curie"] for n in matches)
        raise KgError(f"{text!r} names {len(matches)} nodes ({listed}); give a compact IRI instead")
    places = left_out_places(origin, text) if origin is not None else []
    if places:
        raise KgError(f"{text!r} names {' or '.join(places)} in the gazetteer, but no data refers to it, so the "
                      "explorable network leaves it out (it keeps only the places the data speaks of)")
    near = sorted(data["curie"] for _n, data in view.nodes(data=True)
                  if any(wanted.lower() in name.lower() for name in (*data["labels"].values(), *data["alt_labels"])))
    hint = f"; did you mean {', '.join(near[:5])}{' ...' if len(near) > 5 else ''}?" if near else ""
    raise KgError(f"no node named {text!r} in the graph{hint}")


def resolve_theme(view: nx.MultiDiGraph, text: str) -> str:
    """A theme's compact IRI from its compact IRI, IRI, local name (``industry``) or label."""
    themes: dict[str, dict[str, str]] = view.graph.get("themes", {})
    wanted = text.strip()
    for curie, names in themes.items():
        if wanted in (curie, _expand(curie), curie.split(":", 1)[-1], *names.values()) or _expand(wanted) == _expand(curie):
            return curie
    known = ", ".join(c.split(":", 1)[-1] for c in themes)
    raise KgError(f"no theme {text!r}; themes: {known}")


def resolve_class(view: nx.MultiDiGraph, text: str) -> str:
    """A class's compact IRI from its compact IRI, IRI, local name (``Program``) or label."""
    wanted = text.strip()
    known: dict[str, set[str]] = defaultdict(set)
    for _n, data in view.nodes(data=True):
        known[data["cls"]] |= {data["cls"], data["cls"].split(":", 1)[-1], *data["class_labels"].values()}
        for cls in data["classes"]:
            known[cls] |= {cls, cls.split(":", 1)[-1]}
    for cls in sorted(known):
        if wanted in known[cls] or _expand(wanted) == _expand(cls):
            return cls
    raise KgError(f"no class {text!r} among the graph's nodes; e.g. {', '.join(sorted(known)[:6])}")


# -- cutting subgraphs -------------------------------------------------------------------------


def theme_members(view: nx.MultiDiGraph, theme: str) -> set[str]:
    """The nodes tagged with ``theme`` (a compact IRI) and their direct neighbours, which
    say who did it and where."""
    tagged = {n for n, themes in view.nodes(data="themes") if theme in themes}
    undirected = view.to_undirected(as_view=True)
    return tagged | {m for n in tagged for m in undirected.neighbors(n)}


def select(view: nx.MultiDiGraph, *, theme: str | None = None, focus: str | None = None, depth: int = 1,
           classes: Iterable[str] = (), origin: Origin | None = None) -> nx.MultiDiGraph:
    """The part of ``view`` a reader asked for; each criterion narrows the previous one.

    ``theme``: a theme's entities and their neighbours; ``focus``/``depth``: the nodes within
    ``depth`` edges of one node (either direction); ``classes``: only members of these classes
    (subclasses included). Names are resolved as :func:`resolve_node` and friends do;
    ``origin``: where ``view`` was read, to say why a gazetteer place is not in it.
    """
    keep = set(view)
    if theme:
        keep &= theme_members(view, resolve_theme(view, theme))
    if focus:
        if depth < 0:
            raise KgError("--depth must be 0 or more")
        centre = resolve_node(view, focus, origin)
        if centre not in keep:
            raise KgError(f"{focus!r} is not in the selected part of the graph")
        within = view.subgraph(keep).to_undirected(as_view=True)
        keep &= set(nx.single_source_shortest_path_length(within, centre, cutoff=depth))
    wanted_classes = {resolve_class(view, c) for c in classes}
    if wanted_classes:
        keep = {n for n in keep if view.nodes[n]["classes"] & wanted_classes}
    return _ordered_subgraph(view, keep)


def _ordered_subgraph(view: nx.MultiDiGraph, keep: set[str]) -> nx.MultiDiGraph:
    """A copy holding ``keep``, in the view's (sorted) order: networkx's subgraph views
    iterate in set order, which would make output depend on hashing."""
    sub = nx.MultiDiGraph()
    sub.graph.update(view.graph)
    sub.add_nodes_from((n, view.nodes[n]) for n in view if n in keep)
    sub.add_edges_from((u, v, k, d) for u, v, k, d in view.edges(keys=True, data=True) if u in keep and v in keep)
    return sub


def local_name(curie: str) -> str:
    """``theme:industry`` -> ``industry``, safe for a file name."""
    return re.sub(r"[^\w.-]+", "-", curie.split(":", 1)[-1]).strip("-") or "graph"
