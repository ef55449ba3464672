"""What a page shows, read from the store with SPARQL.

Everything comes from an Oxigraph store through SPARQL (DESCRIBE and SELECT), never from the
files, so the pages read the same from the in-memory store of `kg serve`, an on-disk store
or the build's store. A page asks a handful of small queries, each bounded by the document's
own resources (``VALUES``), so its cost does not grow with the graph: at a million triples a
page still reads in milliseconds.

Terms come back as pyoxigraph terms; literals' language tags in their registered case
(``zh-Hans``, not Oxigraph's ``zh-hans``; kg.store.tags).
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from threading import Lock

import pyoxigraph as ox

from kg.namespaces import BASE, CKG, QB, SDMX_DIMENSION
from kg.pages.iris import document_of
from kg.store.load import language_tag
from kg.store.results import _PREFIXES

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
#: Links to a resource listed on its page, per property; more are counted and left to the
#: SPARQL editor.
INCOMING_LIMIT = 200
#: Observations listed on a place's or an indicator's page.
OBSERVATION_LIMIT = 1000
#: Resources drawn around a page's resource in its neighbourhood graph.
NEIGHBOUR_LIMIT = 40

Labels = dict[str, str]  # language tag (registered case; "" for none) -> text


#: A language tag in its registered case (kg.store.load.language_tag), remembered: a page
#: asks for the same few tags thousands of times.
registered_tag = lru_cache(maxsize=None)(language_tag)


def lang_of(literal: ox.Literal) -> str:
    return registered_tag(literal.language) if literal.language else ""


def by_language(literals: Iterable[ox.Literal]) -> Labels:
    """One text per language: of two in one language, the first in code-point order."""
    found: Labels = {}
    for literal in sorted(literals, key=lambda literal: (lang_of(literal), literal.value)):
        found.setdefault(lang_of(literal), literal.value)
    return found


def iri_list(iris: Iterable[str]) -> str:
    return " ".join(f"<{iri}>" for iri in iris)


def decimal_of(term) -> Decimal | None:
    if isinstance(term, ox.Literal):
        try:
            return Decimal(term.value)
        except (InvalidOperation, ValueError):
            return None
    return None


@dataclass(frozen=True)
class Quote:
    """A passage of a source text: ``start``/``end`` are code-point offsets (end exclusive)."""

    iri: str
    source: str  # the source text's IRI
    exact: str
    lang: str  # the language of the exact text
    prefix: str
    suffix: str
    start: int | None
    end: int | None


@dataclass(frozen=True)
class Observation:
    """One observation, as its page and the tables of places and indicators show it."""

    iri: str
    indicator: str | None
    area: str | None
    period: str | None
    value: Decimal | None
    unit: str | None
    qualifier: str | None
    reported: str
    reported_lang: str


@dataclass(frozen=True)
class Period:
    iri: str
    begin: str  # xsd:date lexical form, '' if unknown
    end: str


@dataclass
class Document:
    """Everything one page shows. ``resources``: the document's IRIs that are subjects (the
    document itself first when it is one), ``triples``: their bounded description (each
    resource's triples and those of the blank nodes below them), ``incoming``: per resource and
    property, the subjects linking to it (at most :data:`INCOMING_LIMIT`) and their count."""

    iri: str
    resources: list[str]
    triples: list[ox.Triple]
    labels: dict[str, Labels] = field(default_factory=dict)
    types: dict[str, list[str]] = field(default_factory=dict)
    incoming: dict[str, dict[str, tuple[int, list[str]]]] = field(default_factory=dict)
    quotes: dict[str, Quote] = field(default_factory=dict)
    observations: list[Observation] = field(default_factory=list)
    observations_total: int = 0
    observations_by: str = ""  # "area" or "indicator": what the table is of
    periods: dict[str, Period] = field(default_factory=dict)
    neighbour_edges: list[tuple[str, str, str]] = field(default_factory=list)
    statements: dict[tuple[str, str, str], dict] = field(default_factory=dict)
    label_literals: dict[str, list[ox.Literal]] = field(default_factory=dict)
    neighbour_list: list[str] | None = None  # (Reader.neighbours, once chosen)
    #: each triple's sort key (its terms as N-Triples), when the reader made them
    triple_keys: list[tuple[str, str, str]] | None = None

    def label_triples(self) -> list[ox.Triple]:
        """The labels of what the description links to (the objects of its triples), as triples."""
        return [triple for _key, triple in self.keyed_label_triples()]

    def keyed_label_triples(self) -> list[tuple[tuple[str, str, str], ox.Triple]]:
        """:meth:`label_triples`, each with its sort key (its terms as N-Triples)."""
        objects = {obj.value for obj in (t.object for t in self.triples) if type(obj) is ox.NamedNode}
        found = []
        for iri in sorted(objects):
            literals = self.label_literals.get(iri)
            if literals:
                node, subject = ox.NamedNode(iri), f"<{iri}>"
                found += [((subject, _LABEL_KEY, str(literal)), ox.Triple(node, RDFS_LABEL, literal))
                          for literal in literals]
        return found


@dataclass
class SiteIndex:
    """The graph's documents and what the index, search and class pages need of each resource:
    ``documents`` maps a document IRI to its resources (subjects), ``types`` and ``labels`` are
    by resource."""

    documents: dict[str, list[str]]
    types: dict[str, list[str]]
    labels: dict[str, Labels]
    class_labels: dict[str, Labels]

    def described(self, iri: str) -> bool:
        document = document_of(iri)
        return document is not None and document in self.documents and (
            iri == document or iri in self.documents[document])


class Reader:
    """Reads pages from ``store`` (a pyoxigraph store; read-only while the reader lives). The
    labels of properties and classes are cached, since every page names them."""

    def __init__(self, store: ox.Store):
        self.store = store
        self._index: SiteIndex | None = None
        self._index_lock = Lock()
        self._term_labels: dict[str, Labels] = {}
        self._supers: dict[str, frozenset[str]] = {}

    # -- queries ------------------------------------------------------------------------------

    def select(self, text: str):
        return self.store.query(text, prefixes=_PREFIXES)

    def labels_of(self, iris: Iterable[str], literals: dict[str, list[ox.Literal]] | None = None) -> dict[str, Labels]:
        """rdfs:label of each IRI by language (IRIs without a label are left out; of two labels
        in one language, the first in code-point order). ``literals``: filled with every label
        literal of each IRI, as the store has them."""
        found: dict[str, Labels] = defaultdict(dict)
        wanted = sorted(set(iris))
        every: dict[str, list[ox.Literal]] = defaultdict(list)
        for chunk in _chunks(wanted, 500):
            for row in self.select(f"SELECT ?x ?l WHERE {{ VALUES ?x {{ {iri_list(chunk)} }} ?x rdfs:label ?l }}"):
                if isinstance(row["l"], ox.Literal):
                    every[row["x"].value].append(row["l"])
        for iri, literals_of in every.items():
            literals_of.sort(key=lambda literal: (lang_of(literal), literal.value))
            found[iri] = by_language(literals_of)
        if literals is not None:
            literals.update(every)
        return dict(found)

    def term_labels(self, iris: Iterable[str]) -> dict[str, Labels]:
        """Labels of properties and classes (cached: pages name the same few again and again)."""
        missing = [iri for iri in set(iris) if iri not in self._term_labels]
        if missing:
            found = self.labels_of(missing)
            for iri in missing:
                self._term_labels[iri] = found.get(iri, {})
        return {iri: self._term_labels[iri] for iri in iris if self._term_labels.get(iri)}

    def supers(self, cls: str) -> frozenset[str]:
        """``cls`` and its superclasses (rdfs:subClassOf*), cached."""
        if cls not in self._supers:
            rows = self.select(f"SELECT DISTINCT ?c WHERE {{ <{cls}> rdfs:subClassOf* ?c FILTER(isIRI(?c)) }}")
            self._supers[cls] = frozenset({cls, *(row["c"].value for row in rows)})
        return self._supers[cls]

    def is_a(self, types: Iterable[str], cls) -> bool:
        return any(str(cls) in self.supers(t) for t in types)

    # -- the index ----------------------------------------------------------------------------

    def index(self) -> SiteIndex:
        """Every document, its resources, their types and labels (read once, then kept)."""
        with self._index_lock:
            if self._index is None:
                self._index = self._read_index()
            return self._index

    def use_index(self, index: SiteIndex) -> None:
        """Take ``index`` as this reader's (one read from the same store by another reader,
        e.g. in the process that started this one), rather than reading it again."""
        with self._index_lock:
            self._index = index

    def _read_index(self) -> SiteIndex:
        base = f'FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{BASE}"))'
        documents: dict[str, list[str]] = defaultdict(list)
        for row in self.select(f"SELECT DISTINCT ?s WHERE {{ ?s ?p ?o {base} }}"):
            iri = row["s"].value
            document = document_of(iri)
            if document is not None:
                documents[document].append(iri)
        for document, resources in documents.items():
            resources.sort(key=lambda iri: (iri != document, iri))
        types: dict[str, list[str]] = defaultdict(list)
        for row in self.select(f"SELECT ?s ?t WHERE {{ ?s a ?t {base} FILTER(isIRI(?t)) }}"):
            types[row["s"].value].append(row["t"].value)
        for found in types.values():
            found.sort()
        every: dict[str, list[ox.Literal]] = defaultdict(list)
        for row in self.select(f"SELECT ?s ?l WHERE {{ ?s rdfs:label ?l {base} }}"):
            if isinstance(row["l"], ox.Literal):
                every[row["s"].value].append(row["l"])
        labels = {iri: by_language(found) for iri, found in every.items()}
        classes = {t for found in types.values() for t in found}
        return SiteIndex(dict(sorted(documents.items())), dict(types), dict(labels), self.term_labels(classes))

    # -- documents ----------------------------------------------------------------------------

    def document(self, iri: str) -> Document | None:
        """The page data of the document ``iri`` (None when nothing in it is described)."""
        found = self.documents([iri])
        return found[0] if found else None

    def documents(self, iris: list[str]) -> list[Document]:
        """The page data of several documents, read together: each query runs once for all of
        them (``VALUES``), which is what makes writing a static site of thousands of pages
        fast; the result for each document is the same as reading it alone."""
        index = self.index()
        docs = [Document(iri, list(index.documents[iri]), []) for iri in iris if index.documents.get(iri)]
        if not docs:
            return []
        owner = {resource: doc for doc in docs for resource in doc.resources}
        self._descriptions(docs, owner)
        # one pass over the triples: each term read once (pyoxigraph makes a new object per access)
        types: dict[str, list[str]] = {resource: [] for resource in owner}
        linked: set[str] = set()
        predicates: set[str] = set()
        period_objects: set[str] = set()
        for doc in docs:
            resources = set(doc.resources)
            for t in doc.triples:
                predicate, obj = t.predicate.value, t.object
                predicates.add(predicate)
                if type(obj) is not ox.NamedNode:
                    continue
                value = obj.value
                linked.add(value)
                if predicate == _RDF_TYPE:
                    subject = t.subject
                    if type(subject) is ox.NamedNode and subject.value in resources:
                        types[subject.value].append(value)
                elif predicate in _PERIOD_PROPERTIES:
                    period_objects.add(value)
        for found in types.values():
            found.sort()
        self._incoming(docs, owner)
        quotes: dict[str, Quote] = {}
        self.quotes_into(quotes, linked | set(owner))
        self._observations(docs, types)
        self._statements(docs, owner, quotes)
        own = set(owner)
        subjects = {s for doc in docs for groups in doc.incoming.values() for _n, found in groups.values()
                    for s in found}
        for doc in docs:
            for observation in doc.observations:
                linked |= {x for x in (observation.indicator, observation.area, observation.period,
                                       observation.unit, observation.qualifier) if x}
            linked |= {o for (_s, _p, o) in doc.statements}
            subjects |= {s for (s, _p, _o) in doc.statements}
        literals: dict[str, list[ox.Literal]] = {}
        labels = self.labels_of(linked | subjects | own, literals)
        types.update(self._types((subjects | linked) - own))
        predicates |= {p for doc in docs for groups in doc.incoming.values() for p in groups}
        classes = {t for found in types.values() for t in found}
        labels.update(self.term_labels(predicates | classes))
        periods = self.periods({o.period for doc in docs for o in doc.observations if o.period} | period_objects)
        for doc in docs:  # read-only dictionaries shared by the documents of one batch
            doc.labels, doc.types, doc.quotes, doc.periods = labels, types, quotes, periods
            doc.label_literals = literals
        self._neighbour_edges(docs)
        return docs

    def _descriptions(self, docs: list[Document], owner: dict[str, Document]) -> None:
        """Each document's bounded description: DESCRIBE of all their resources, each triple
        given to the document of its subject, a blank node's triples to the document that
        reaches it."""
        by_subject: dict[object, list[ox.Triple]] = defaultdict(list)
        for chunk in _chunks(list(owner), 400):
            for triple in self.store.query(f"DESCRIBE {iri_list(chunk)}"):
                by_subject[triple.subject].append(triple)
        for doc in docs:
            found: list[ox.Triple] = []
            todo = [ox.NamedNode(r) for r in doc.resources]
            seen = set()
            while todo:
                subject = todo.pop()
                if subject in seen:
                    continue
                seen.add(subject)
                for triple in by_subject.get(subject, ()):
                    found.append(triple)
                    if isinstance(triple.object, ox.BlankNode):
                        todo.append(triple.object)
            by_key = {_triple_key(t): t for t in found}  # (the key names a triple: duplicates go)
            doc.triple_keys = sorted(by_key)
            doc.triples = [by_key[key] for key in doc.triple_keys]

    def _types(self, iris: set[str]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = defaultdict(list)
        for chunk in _chunks(sorted(iris), 500):
            for row in self.select(f"SELECT ?x ?t WHERE {{ VALUES ?x {{ {iri_list(chunk)} }} ?x a ?t FILTER(isIRI(?t)) }}"):
                found[row["x"].value].append(row["t"].value)
        return {iri: sorted(types) for iri, types in found.items()}

    def _incoming(self, docs: list[Document], owner: dict[str, Document]) -> None:
        """Per resource and property, who links to it (rdf:type left out: a class's members are
        on its class page). Small groups are read whole; a large one, its first
        :data:`INCOMING_LIMIT` subjects in IRI order, with its count."""
        counts = []
        for chunk in _chunks(list(owner), 400):
            counts += [(row["o"].value, row["p"].value, int(row["n"].value)) for row in self.select(
                f"SELECT ?o ?p (COUNT(?s) AS ?n) WHERE {{ VALUES ?o {{ {iri_list(chunk)} }} ?s ?p ?o "
                f"FILTER(?p != rdf:type) }} GROUP BY ?o ?p")]
        small = [(o, p) for o, p, n in counts if n <= INCOMING_LIMIT]
        found: dict[tuple[str, str], list[str]] = defaultdict(list)
        for chunk in _chunks(small, 300):
            pairs = " ".join(f"(<{o}> <{p}>)" for o, p in chunk)
            for row in self.select(f"SELECT ?o ?p ?s WHERE {{ VALUES (?o ?p) {{ {pairs} }} ?s ?p ?o FILTER(isIRI(?s)) }}"):
                found[(row["o"].value, row["p"].value)].append(row["s"].value)
        for o, p, n in counts:
            if n > INCOMING_LIMIT:
                found[(o, p)] = self.first(f"SELECT ?x WHERE {{ ?x <{p}> <{o}> FILTER(isIRI(?x)) }}", INCOMING_LIMIT)
        for o, p, n in sorted(counts):
            owner[o].incoming.setdefault(o, {})[p] = (n, sorted(found[(o, p)]))

    def quotes_into(self, found: dict[str, Quote], iris: Iterable[str]) -> None:
        """Add to ``found`` the quotes among ``iris`` (the others are not quotes)."""
        for chunk in _chunks(sorted(set(iris)), 500):
            quotes = [row["q"].value for row in self.select(
                f"SELECT ?q WHERE {{ VALUES ?q {{ {iri_list(chunk)} }} ?q a ckg:Quote }}")]
            if not quotes:
                continue
            parts: dict[str, dict] = {q: {} for q in quotes}
            for row in self.select(f"""SELECT ?q ?p ?o WHERE {{ VALUES ?q {{ {iri_list(quotes)} }}
                    {{ ?q oa:hasSource ?o BIND(oa:hasSource AS ?p) }}
                    UNION {{ ?q oa:hasSelector ?s . ?s ?p ?o
                             FILTER(?p IN (oa:exact, oa:prefix, oa:suffix, oa:start, oa:end)) }} }}"""):
                parts[row["q"].value].setdefault(row["p"].value.rsplit("#", 1)[-1], row["o"])
            for quote, found_parts in parts.items():
                exact = found_parts.get("exact")
                found[quote] = Quote(quote, _value(found_parts.get("hasSource")), _value(exact),
                                     lang_of(exact) if isinstance(exact, ox.Literal) else "",
                                     _value(found_parts.get("prefix")), _value(found_parts.get("suffix")),
                                     _integer(found_parts.get("start")), _integer(found_parts.get("end")))

    def _observations(self, docs: list[Document], types: dict[str, list[str]]) -> None:
        """For a place, the observations of it; for an indicator, every observation of it; for
        an observation, itself."""
        own, places, indicators = [], [], []
        for doc in docs:
            resource = doc.resources[0]
            found = types.get(resource, [])
            if self.is_a(found, QB.Observation):
                own.append(doc)
            elif self.is_a(found, CKG.Place):
                places.append(doc)
            elif self.is_a(found, CKG.Indicator):
                indicators.append(doc)
        if own:
            by_iri = {o.iri: o for o in self.observations(f"VALUES ?obs {{ {iri_list(d.resources[0] for d in own)} }}")}
            for doc in own:
                doc.observations = [by_iri[doc.resources[0]]] if doc.resources[0] in by_iri else []
        for group, by, prop in ((places, "area", "sdmx-dimension:refArea"), (indicators, "indicator", "ckg:indicator")):
            if not group:
                continue
            for doc in group:
                doc.observations_by = by
            counts = {}
            for chunk in _chunks(group, 400):
                for row in self.select(f"SELECT ?x (COUNT(?obs) AS ?n) WHERE {{ VALUES ?x {{ "
                                       f"{iri_list(d.resources[0] for d in chunk)} }} ?obs {prop} ?x }} GROUP BY ?x"):
                    counts[row["x"].value] = int(row["n"].value)
            small = [d for d in group if 0 < counts.get(d.resources[0], 0) <= OBSERVATION_LIMIT]
            for chunk in _chunks(small, 400):
                found = self.observations(f"VALUES ?x {{ {iri_list(d.resources[0] for d in chunk)} }} ?obs {prop} ?x")
                for doc in chunk:
                    doc.observations = [o for o in found if getattr(o, by) == doc.resources[0]]
            for doc in group:
                doc.observations_total = counts.get(doc.resources[0], 0)
                if doc.observations_total > OBSERVATION_LIMIT:
                    first = self.first(f"SELECT ?x WHERE {{ ?x {prop} <{doc.resources[0]}> }}", OBSERVATION_LIMIT)
                    doc.observations = self.observations(f"VALUES ?obs {{ {iri_list(first)} }}")

    def first(self, query: str, limit: int) -> list[str]:
        """The first ``limit`` IRIs, in code-point order, that ``query`` (a SELECT of ?x) gives.
        Sorted here: Oxigraph's ORDER BY decodes and compares every term, four times slower
        than reading them all (9,000 subjects: 0.09 s against 0.35 s)."""
        return heapq.nsmallest(limit, {row["x"].value for row in self.select(query)
                                       if isinstance(row["x"], ox.NamedNode)})

    def observations(self, pattern: str) -> list[Observation]:
        """The observations matching ``pattern`` (a SPARQL group binding ?obs), ordered by
        indicator, place and period IRI."""
        rows = self.select(f"""SELECT ?obs ?indicator ?area ?period ?value ?unit ?qualifier ?reported WHERE {{
            {{ SELECT DISTINCT ?obs WHERE {{ {pattern} }} }}
            OPTIONAL {{ ?obs ckg:indicator ?indicator }} OPTIONAL {{ ?obs sdmx-dimension:refArea ?area }}
            OPTIONAL {{ ?obs sdmx-dimension:refPeriod ?period }} OPTIONAL {{ ?obs sdmx-measure:obsValue ?value }}
            OPTIONAL {{ ?obs sdmx-attribute:unitMeasure ?unit }} OPTIONAL {{ ?obs ckg:valueQualifier ?qualifier }}
            OPTIONAL {{ ?obs ckg:reportedValue ?reported }} }}""")
        found = {}
        for row in sorted(rows, key=lambda r: tuple(_value(r[v]) for v in _OBSERVATION_COLUMNS)):
            iri = row["obs"].value
            if iri in found:
                continue  # (a second value of a property an observation should have once: the check reports it)
            reported = row["reported"]
            found[iri] = Observation(iri, _value(row["indicator"]) or None, _value(row["area"]) or None,
                                     _value(row["period"]) or None, decimal_of(row["value"]),
                                     _value(row["unit"]) or None, _value(row["qualifier"]) or None,
                                     _value(reported), lang_of(reported) if isinstance(reported, ox.Literal) else "")
        return sorted(found.values(), key=lambda o: (o.indicator or "", o.area or "", o.period or "", o.iri))

    def periods(self, iris: Iterable[str]) -> dict[str, Period]:
        """Begin and end dates of periods (time:hasBeginning/time:inXSDDate)."""
        found = {}
        for chunk in _chunks(sorted(set(iris)), 500):
            for row in self.select(f"""SELECT ?p ?begin ?end WHERE {{ VALUES ?p {{ {iri_list(chunk)} }}
                    OPTIONAL {{ ?p time:hasBeginning/time:inXSDDate ?begin }}
                    OPTIONAL {{ ?p time:hasEnd/time:inXSDDate ?end }} }}"""):
                found.setdefault(row["p"].value, Period(row["p"].value, _value(row["begin"]), _value(row["end"])))
        return found

    def _neighbour_edges(self, docs: list[Document]) -> None:
        """The links among the resources around each page's resource, for its neighbourhood graph."""
        chosen = {doc.iri: self.neighbours(doc) for doc in docs}
        everyone = sorted({n for found in chosen.values() if len(found) >= 2 for n in found})
        if not everyone:
            return
        edges: dict[str, list[tuple[str, str]]] = defaultdict(list)
        members = set(everyone)
        for chunk in _chunks(everyone, 400):
            for row in self.select(f"SELECT ?a ?p ?b WHERE {{ VALUES ?a {{ {iri_list(chunk)} }} ?a ?p ?b "
                                   f"FILTER(isIRI(?b) && ?a != ?b && ?p != ckg:evidence && ?p != rdf:type) }}"):
                if row["b"].value in members:
                    edges[row["a"].value].append((row["p"].value, row["b"].value))
        predicates = set()
        for doc in docs:
            found = chosen[doc.iri]
            if len(found) < 2:
                continue
            inside = set(found)
            doc.neighbour_edges = sorted({(a, p, b) for a in found for p, b in edges.get(a, ()) if b in inside})
            predicates |= {p for _a, p, _b in doc.neighbour_edges}
        if docs:
            docs[0].labels.update(self.term_labels(predicates))

    def neighbours(self, document: Document) -> list[str]:
        """The page's resource and the entities it links to or is linked from (as `kg viz`
        draws them: no quotes, periods, themes or other schema nodes), at most
        :data:`NEIGHBOUR_LIMIT`. Chosen once per document (its data does not change)."""
        if document.neighbour_list is not None:
            return document.neighbour_list
        from kg.explore.network import ID_NAMESPACE

        hidden = _hidden_classes()
        centre = document.resources[0]
        node = ox.NamedNode(centre)
        linked = [t.object.value for t in document.triples
                  if t.subject == node and isinstance(t.object, ox.NamedNode) and t.predicate != RDF_TYPE]
        linked += [s for _n, found in document.incoming.get(centre, {}).values() for s in found]
        chosen = [centre]
        for iri in dict.fromkeys(linked):
            types = document.types.get(iri, [])
            if iri != centre and iri.startswith(ID_NAMESPACE) and types and hidden.isdisjoint(types):
                chosen.append(iri)
            if len(chosen) > NEIGHBOUR_LIMIT:
                break
        document.neighbour_list = chosen
        return chosen

    def _statements(self, docs: list[Document], owner: dict[str, Document], quotes: dict[str, Quote]) -> None:
        """Recorded statements (rdf:Statement) about the documents' resources, as subject or
        object: whether each relation is stated by a quote or inferred, and why."""
        evidence = set()
        for chunk in _chunks(list(owner), 400):
            values = iri_list(chunk)
            for side in ("?s", "?o"):
                rows = self.select(f"""SELECT ?record ?s ?p ?o ?status ?reason ?evidence WHERE {{
                    VALUES {side} {{ {values} }}
                    ?record rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; ckg:assertionStatus ?status .
                    OPTIONAL {{ ?record ckg:inferenceReason ?reason }} OPTIONAL {{ ?record ckg:evidence ?evidence }} }}""")
                for row in rows:
                    key = (row["s"].value, row["p"].value, _term_key(row["o"]))
                    for end in (row["s"], row["o"]):
                        doc = owner.get(end.value) if isinstance(end, ox.NamedNode) else None
                        if doc is None:
                            continue
                        record = doc.statements.setdefault(key, {"record": row["record"].value,
                                                                 "status": row["status"].value,
                                                                 "reasons": {}, "evidence": set()})
                        if isinstance(row["reason"], ox.Literal):
                            record["reasons"].setdefault(lang_of(row["reason"]), row["reason"].value)
                        if row["evidence"] is not None:
                            record["evidence"].add(row["evidence"].value)
                            evidence.add(row["evidence"].value)
        if evidence:
            self.quotes_into(quotes, evidence)


_PERIOD_PROPERTIES = frozenset({str(CKG.period), str(SDMX_DIMENSION.refPeriod)})
_RDF_TYPE = RDF_TYPE.value
_LABEL_KEY = str(RDFS_LABEL)
_OBSERVATION_COLUMNS = ("obs", "indicator", "area", "period", "value", "unit", "qualifier", "reported")


@lru_cache(maxsize=1)
def _hidden_classes() -> frozenset[str]:
    """The classes whose members a neighbourhood graph leaves out (as `kg viz` does)."""
    from kg.explore.network import EVIDENCE_CLASSES, SCHEMA_CLASSES

    return frozenset(str(c) for c in EVIDENCE_CLASSES | SCHEMA_CLASSES)


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _value(term) -> str:
    return term.value if term is not None and not isinstance(term, ox.Triple) else ""


def _integer(term) -> int | None:
    try:
        return int(term.value) if isinstance(term, ox.Literal) else None
    except ValueError:
        return None


def _term_key(term) -> str:
    """A term as the text that identifies it on a page: an IRI, ``_:label`` or a literal's value."""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def _triple_key(triple: ox.Triple):
    return (str(triple.subject), str(triple.predicate), str(triple.object))

