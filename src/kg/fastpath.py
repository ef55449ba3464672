"""The build for large graphs: Oxigraph end to end, pyshacl-turbo per partition, no rdflib graph
of the data.

At a million triples the rdflib pipeline spends ~26 s parsing, minutes in pySHACL and seconds
per catalog query. This module does the same steps on one in-memory pyoxigraph Store:

- :func:`load`: every file bulk-loaded into the store's default graph (ontology + data, as
  ``kg.store`` does), with the counts the summary needs;
- :func:`validate`: SHACL with pyshacl-turbo, one *partition* of focus nodes at a time: the
  files' triples (terms exactly as written: the store keeps values, not lexical forms) are
  grouped by county (the division code in their subjects' IRIs), and each partition of ~2.5k
  triples gets only the triples its results can depend on. pyshacl-turbo's cost per triple
  grows with the size of the graph it is given, so ~400 small graphs take ~14 s of CPU where
  one graph of 1M triples takes 27-40 s and 1.3 GB; two partitions run at once (it releases
  the GIL), and meanwhile the SPARQL checks and the quote check run on the store. The report is a
  ``kg.validate.ValidationReport``: the same results, texts and JSON as ``kg validate``;
- :func:`validate_import`: add one more file (a county's table) to a validated store and
  validate only the focus nodes whose results can change, with their neighbourhood taken from
  the store by one SPARQL CONSTRUCT;
- :func:`answer_catalog`, :func:`write_exports`, :func:`summarize`: the catalog on the store,
  exports with pyoxigraph's serializers, the build summary by SPARQL;
- :func:`build`: all of it into a directory, replaced only when the graph conforms.

Partitions are exact, not an approximation: :func:`locality` reads the shapes and states which
triples a focus node's results can depend on (its own triples, the triples pointing at it
through the predicates of inverse paths, the triples of the nodes one step away, and the
ontology). If the shapes ever look further, :func:`locality` says so and validation falls back
to the whole graph in one piece. tests/test_shacl_engines.py checks partitioned == whole ==
pySHACL on the synthetic S graph with and without injected violations.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from . import ntriples, shacl_engines
from .store import load_file
from .errors import KgError
from .labels import LANGUAGES
from .load import language_tag
from .namespaces import CKGSH, SH, bind_prefixes

Progress = Callable[[str], None]

SUBCLASS = str(RDFS.subClassOf)
_format = ntriples.rdf_format


def _quiet(_message: str) -> None:
    pass


# -- loading ---------------------------------------------------------------------------------


@dataclass
class FastGraph:
    """Ontology and data in one pyoxigraph Store (default graph), and what the build needs to
    know about where they came from."""

    store: ox.Store
    ontology_files: list[Path]
    data_files: list[Path]
    shapes: Graph
    data_triples: int
    ontology_only: list[ox.Triple]  # ontology triples not also stated by the data
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def files(self) -> list[Path]:
        return [*self.ontology_files, *self.data_files]

    def __len__(self) -> int:
        return len(self.store)


def load(data: Sequence[Path | str] | None = None, *, ontology: Sequence[Path | str] | None = None,
         shapes: Sequence[Path | str] | None = None) -> FastGraph:
    """Bulk-load data files (default: the project's) and the ontology into one store.

    Data first, so the number of data triples is known; then the ontology triples that the
    data does not state too are recorded (the summary counts data only, as kg.summary does).
    """
    from .load import data_files as project_data
    from .load import ontology_files as project_ontology
    from .load import parse_into, shape_files

    started = time.perf_counter()
    data_paths = [Path(p) for p in (project_data() if data is None else data)]
    onto_paths = [Path(p) for p in (project_ontology() if ontology is None else ontology)]
    store = ox.Store()
    for path in data_paths:
        load_file(store, path)
    data_count = len(store)
    onto = ox.Store()
    for path in onto_paths:
        load_file(onto, path)
    only = [q.triple for q in onto if q not in store]
    store.extend(onto)
    shapes_graph = bind_prefixes(Graph())
    for path in (shape_files() if shapes is None else [Path(p) for p in shapes]):
        parse_into(shapes_graph, path)
    graph = FastGraph(store, onto_paths, data_paths, shapes_graph, data_count, only)
    graph.seconds["load"] = time.perf_counter() - started
    return graph


# -- what a focus node's results depend on -------------------------------------------------------


@dataclass(frozen=True)
class Locality:
    inverse: frozenset[str]  # predicates of inverse paths and sh:targetObjectsOf
    problems: tuple[str, ...]  # why partitions would not be exact (empty: they are)
    deep: frozenset[str] = frozenset()  # predicates read on nodes one step from the focus node

    @property
    def exact(self) -> bool:
        return not self.problems


_NESTING = (SH.node, SH.qualifiedValueShape, SH["not"])
_LISTS = (SH["or"], SH["and"], SH.xone)
_PAIRS = (SH.lessThan, SH.lessThanOrEquals, SH.equals, SH.disjoint)


def locality(shapes: Graph) -> Locality:
    """What the shapes read around a focus node, and whether :func:`neighbourhood_query`
    provides all of it.

    A node at distance d from the focus node: its own triples are in the partition for d <= 1
    (the focus node's, and those of every node one step away in either direction), the
    triples pointing at it through the collected inverse predicates for d = 0. Every path,
    ``sh:class`` and nested shape of every shape is checked against that; the class hierarchy
    (``rdf:type/rdfs:subClassOf*``) is always available, since the ontology is in every partition.
    """
    inverse: set[str] = set()
    deep: set[str] = set()
    problems: list[str] = []
    for _s, _p, target in shapes.triples((None, SH.targetObjectsOf, None)):
        inverse.add(str(target))
    for unsupported in (SH.sparql, SH.rule, SH.target, SH.closed):
        for shape in shapes.subjects(unsupported, None):
            problems.append(f"{shape}: {unsupported} is not analysed")

    def step(path, depth: int) -> int | None:
        """The distance of a path's values from the focus node, or None if out of reach."""
        if isinstance(path, URIRef):
            if depth > 1:
                problems.append(f"path {path} read {depth} steps from the focus node")
                return None
            if depth == 1:
                deep.add(str(path))
            return depth + 1
        inv = shapes.value(path, SH.inversePath)
        if inv is not None:
            if not isinstance(inv, URIRef) or depth > 0:
                problems.append(f"inverse path {inv} read {depth} steps from the focus node")
                return None
            inverse.add(str(inv))
            return 1
        if shapes.value(path, SH.alternativePath) is not None:
            ends = [step(m, depth) for m in _items(shapes, shapes.value(path, SH.alternativePath))]
            return None if None in ends else max(ends or [depth])
        for modifier in (SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath):
            if shapes.value(path, modifier) is not None:
                problems.append(f"{modifier} path outside rdf:type/rdfs:subClassOf*")
                return None
        members = _items(shapes, path)
        if not members:
            problems.append(f"unsupported path {path}")
            return None
        if members[0] == RDF.type and all(shapes.value(m, SH.zeroOrMorePath) == RDFS.subClassOf for m in members[1:]):
            # the node's types and their superclasses: its own triples and the ontology
            return step(RDF.type, depth)
        for member in members:
            depth = step(member, depth)
            if depth is None:
                return None
        return depth

    def shape_at(shape, depth: int, seen: frozenset) -> None:
        """``shape`` evaluated on a node ``depth`` steps from the focus node."""
        if (shape, depth) in seen:
            return
        seen = seen | {(shape, depth)}
        path = shapes.value(shape, SH.path)
        values = depth if path is None else step(path, depth)
        if values is None:
            return
        if shapes.value(shape, SH["class"]) is not None:
            if values > 1:
                problems.append(f"{shape}: sh:class on values {values} steps from the focus node")
            elif values == 1:
                deep.add(str(RDF.type))  # (the class hierarchy is in every partition)
        for pair in _PAIRS:  # a second predicate, read on the node the shape is evaluated on
            for other in shapes.objects(shape, pair):
                if depth > 1:
                    problems.append(f"{shape}: {pair} {other} read {depth} steps from the focus node")
                elif depth == 1:
                    deep.add(str(other))
        for predicate in _NESTING:
            for inner in shapes.objects(shape, predicate):
                shape_at(inner, values, seen)
        for predicate in _LISTS:
            for lst in shapes.objects(shape, predicate):
                for inner in _items(shapes, lst):
                    shape_at(inner, values, seen)
        for prop in shapes.objects(shape, SH.property):
            shape_at(prop, values, seen)

    targeted = set()
    for predicate in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
        targeted |= set(shapes.subjects(predicate, None))
    targeted |= set(shapes.subjects(RDF.type, SH.NodeShape))
    for shape in targeted:
        shape_at(shape, 0, frozenset())
    return Locality(frozenset(inverse), tuple(dict.fromkeys(problems)), frozenset(deep))


def _items(graph: Graph, node) -> list:
    items = []
    while node is not None and node != RDF.nil:
        first = graph.value(node, RDF.first)
        if first is None:
            return []
        items.append(first)
        node = graph.value(node, RDF.rest)
    return items


def _term(iri: str) -> str:
    return f"<{iri}>"


def neighbourhood_query(focus: Iterable[str], inverse: Iterable[str], blank: bool = False) -> str:
    """A CONSTRUCT of every triple the results of ``focus`` (IRIs; with ``blank``, every blank
    subject instead) can depend on, the ontology aside (see :func:`locality`): the focus
    nodes' triples, the triples of the nodes they point at, the triples pointing at them
    through ``inverse`` predicates and the triples of those nodes."""
    if blank:
        def sel(pattern: str) -> str:
            return f"{pattern} FILTER(isBlank(?f))"
    else:
        values = "VALUES ?f { " + " ".join(_term(f) for f in focus) + " } "

        def sel(pattern: str) -> str:
            return values + pattern
    inv = " ".join(_term(p) for p in sorted(inverse))
    branches = [
        "{ " + sel("?f ?p ?o .") + " BIND(?f AS ?x) }",
        "{ { SELECT DISTINCT ?x WHERE { " + sel("?f ?p0 ?x . FILTER(!isLiteral(?x))") + " } } ?x ?p ?o }",
    ]
    if inv:
        branches += [
            "{ " + sel(f"VALUES ?p {{ {inv} }} ?x ?p ?f .") + " BIND(?f AS ?o) }",
            "{ { SELECT DISTINCT ?x WHERE { " + sel(f"VALUES ?pi {{ {inv} }} ?x ?pi ?f .") + " } } ?x ?p ?o }",
        ]
    return "CONSTRUCT { ?x ?p ?o } WHERE { " + " UNION ".join(branches) + " }"


# -- SHACL on the store --------------------------------------------------------------------------


@dataclass
class ShaclResult:
    conforms: bool
    rows: list[shacl_engines.Row]
    report: Graph
    partitions: int
    seconds: float
    focus_nodes: int = 0


_CODE = re.compile(r"(?<![0-9])([1-9][0-9]{5})(?![0-9])")


def _locality_key(iri: str) -> tuple[str, str]:
    """Nodes of one county together: the first six-digit division code in the IRI (the
    project's IRIs carry the code of the county they describe), else the namespace."""
    match = _CODE.search(iri)
    if match:
        return match.group(1), iri
    return "", iri


def _subjects(store: ox.Store) -> tuple[list[str], bool]:
    iris, blank = [], False
    for solution in store.query("SELECT DISTINCT ?s WHERE { ?s ?p ?o }"):
        term = solution[0]
        if isinstance(term, ox.NamedNode):
            iris.append(term.value)
        else:
            blank = True
    return iris, blank


def _ontology_nt(graph: FastGraph) -> bytes:
    onto = ox.Store()
    for path in graph.ontology_files:
        load_file(onto, path)
    return onto.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())


def _hierarchy_nt(graph: FastGraph) -> bytes:
    """The ontology's rdfs:subClassOf triples: all of the ontology a county partition needs
    (class targets and sh:class follow the hierarchy; a class a focus node refers to comes with
    its own triples like any other node it refers to)."""
    needle = f" <{SUBCLASS}> ".encode()
    return b"\n".join(line for line in _ontology_nt(graph).split(b"\n") if needle in line) + b"\n"


def validate_focus(graph: FastGraph, focus: Iterable[str] | None, *, blank: bool = False,
                   local: Locality | None = None, ontology_nt: bytes | None = None) -> ShaclResult:
    """pyshacl-turbo on ``focus`` (IRIs) only, given just the triples their results depend on."""
    started = time.perf_counter()
    local = local or locality(graph.shapes)
    focus = [] if focus is None else list(focus)
    if not focus and not blank:
        return ShaclResult(True, [], shacl_engines._empty_report(graph.shapes), 0, 0.0)
    query = neighbourhood_query(focus, local.inverse, blank=blank)
    data = graph.store.query(query).serialize(format=ox.RdfFormat.N_TRIPLES)
    part = ox.Store()
    part.bulk_load(data + b"\n" + (ontology_nt if ontology_nt is not None else _ontology_nt(graph)),
                   format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    run = shacl_engines.validate(part, graph.shapes, "turbo", focus_nodes=None if blank else focus)
    rows = run.rows
    if blank:  # every node of the partition was validated: keep the blank focus nodes' results
        rows = [r for r in rows if isinstance(r[0], BNode)]
    return ShaclResult(not any(r[3] == SH.Violation for r in rows), rows, run.report, 1,
                       time.perf_counter() - started, len(focus))


_KEY = re.compile(rb"(?<![0-9])([1-9][0-9]{5})[0-9]*(?![0-9])")


def source_ntriples(graph: FastGraph) -> bytes:
    """Ontology and data as N-Triples with the terms exactly as the files write them
    (:func:`kg.ntriples.dump`): SHACL must see the files' terms, not the store's values."""
    cached = getattr(graph, "_source_nt", None)
    if cached is not None and cached[0] == tuple(graph.files):
        return cached[1]
    text = ntriples.dump(graph.files)
    graph._source_nt = (tuple(graph.files), text)  # validation and the nt export both read it
    return text


def _key(term: bytes, cache: dict[bytes, bytes]) -> bytes:
    """The locality key of an N-Triples IRI term: its first division code (six digits, or the
    county part of a longer code), else b"" (shared: ontology, vocabularies, prefectures)."""
    key = cache.get(term)
    if key is None:
        match = _KEY.search(term) if term.startswith(b"<") else None
        key = match.group(1) if match else b""
        if len(cache) < 2_000_000:
            cache[term] = key
    return key


@dataclass
class Partition:
    keys: list[bytes]
    focus: list[str] | None  # None: every node, results kept for focus nodes with these keys
    lines: list[bytes]


def partitions(dump: bytes, inverse: Iterable[str], target: int = 2_500, ontology: bytes = b"",
               deep: Iterable[str] | None = None) -> list[Partition]:
    """Split an N-Triples dump into partitions of about ``target`` triples of county-keyed focus
    nodes, plus one for the shared (keyless) nodes. Each partition holds every triple its focus
    nodes' results can depend on (see :func:`locality`): the class hierarchy, its focus nodes' triples,
    the triples of every node they point at or that points at them through an inverse-path
    predicate, and those inverse-path triples themselves. Small partitions are faster:
    pyshacl-turbo's cost per triple grows with the size of the graph it is given. With
    ``deep`` (:attr:`Locality.deep`), a node of another partition brings only its triples of
    those predicates: the only ones the shapes read on a node one step from a focus node."""
    inv = {f"<{p}>".encode() for p in inverse}
    keep = None if deep is None else {f"<{p}>".encode() for p in deep}
    cache: dict[bytes, bytes] = {}
    groups: dict[bytes, list[bytes]] = {}
    subjects: dict[bytes, list[bytes]] = {}
    need_out: dict[bytes, set[bytes]] = {}  # key -> nodes of other keys (shared included) whose triples it needs
    extra_in: dict[bytes, list[bytes]] = {}
    last_subject, last_key, group, needs = None, b"", [], set()
    key_of = cache.get
    # The loop runs once per triple (a million at L): one split per line, keys cached per term.
    for line in dump.split(b"\n"):
        if not line:
            continue
        subject, predicate, rest = line.split(b" ", 2)
        if subject != last_subject:
            last_subject = subject
            last_key = key_of(subject)
            if last_key is None:
                last_key = _key(subject, cache)
            group = groups.setdefault(last_key, [])
            needs = need_out.setdefault(last_key, set())
            if subject[0] == 60:  # "<": an IRI
                subjects.setdefault(last_key, []).append(subject)
        group.append(line)
        first = rest[0]
        if first == 60 or first == 95:  # "<" or "_": an IRI or a blank node
            obj = rest[:-2]
            other = key_of(obj)
            if other is None:
                other = _key(obj, cache)
            if other != last_key:
                needs.add(obj)
            if other != last_key and predicate in inv:
                extra_in.setdefault(other, []).append(line)
                need_out.setdefault(other, set()).add(subject)
    del dump
    wanted = set().union(*need_out.values()) if need_out else set()
    lines_of: dict[bytes, list[bytes]] = {}
    if wanted:
        for key in {cache.get(n, b"") for n in wanted}:
            for line in groups.get(key, []):
                subject, predicate, _rest = line.split(b" ", 2)
                if subject in wanted and (keep is None or predicate in keep):
                    lines_of.setdefault(subject, []).append(line)
    onto = [line for line in ontology.split(b"\n") if line]
    shared = groups.pop(b"", [])
    shared_extra = [line for n in need_out.get(b"", ()) if cache.get(n, b"") for line in lines_of.get(n, [])]
    result = [Partition([b""], None, shared + shared_extra + extra_in.get(b"", []))]
    current: list[bytes] = []
    size = 0
    for key in sorted(groups):
        current.append(key)
        size += len(groups[key])
        if size >= target:
            result.append(_partition(current, groups, subjects, need_out, lines_of, extra_in, onto, cache))
            current, size = [], 0
    if current:
        result.append(_partition(current, groups, subjects, need_out, lines_of, extra_in, onto, cache))
    return result


def _partition(keys, groups, subjects, need_out, lines_of, extra_in, onto, cache) -> Partition:
    lines = list(onto)
    focus = []
    inside = set(keys)
    seen: set[bytes] = set()
    for key in keys:
        lines += groups[key]
        focus += [s[1:-1].decode("utf-8") for s in subjects.get(key, [])]
        for node in need_out.get(key, ()):
            if node not in seen and cache.get(node, b"") not in inside:
                seen.add(node)
                lines += lines_of.get(node, [])
        lines += extra_in.get(key, [])
    return Partition(list(keys), focus, lines)


def _validate_partition(part: Partition, shapes: Graph) -> list[shacl_engines.Row]:
    text = b"\n".join(part.lines).decode("utf-8")
    run = shacl_engines.validate_text(text, shapes, focus_nodes=part.focus)
    if part.focus is not None:
        return run.rows
    keep = set(part.keys)
    return [r for r in run.rows
            if isinstance(r[0], BNode) or _key(f"<{r[0]}>".encode(), {}) in keep]


#: Graphs larger than this (triples) are validated by partition; smaller ones in one piece.
PARTITION_ABOVE = 20_000


class PendingShacl:
    """SHACL partitions being validated by worker threads (pyshacl-turbo releases the GIL, so
    this thread can meanwhile query the store); :meth:`result` waits for them."""

    def __init__(self, graph: FastGraph, parts: list[Partition], workers: int, started: float):
        self.graph, self.parts, self.started = graph, parts, started
        self.pool = ThreadPoolExecutor(max(1, workers))
        # The largest first, so that the last to finish are small ones and the threads end
        # together; the results are still collected in partition order (a stable report).
        futures = {i: self.pool.submit(_validate_partition, parts[i], graph.shapes)
                   for i in sorted(range(len(parts)), key=lambda i: -len(parts[i].lines))}
        self.futures = [futures[i] for i in range(len(parts))]

    def result(self) -> ShaclResult:
        try:
            found = [future.result() for future in self.futures]
        finally:
            self.pool.shutdown(cancel_futures=True)
        rows = [row for chunk in found for row in chunk]
        return ShaclResult(not any(r[3] == SH.Violation for r in rows), rows, _rows_report(self.graph.shapes, rows),
                           len(self.parts), time.perf_counter() - self.started,
                           sum(len(p.focus or []) for p in self.parts))


def start_shacl(graph: FastGraph, *, partition_size: int = 2_500, workers: int = 2,
                partitioned: bool | None = None, progress: Progress = _quiet) -> PendingShacl | ShaclResult:
    """:func:`validate_shacl` started: the partitions are cut here and validated by
    ``workers`` threads in the background (a :class:`PendingShacl`); a graph validated in one
    piece is validated at once (a :class:`ShaclResult`)."""
    started = time.perf_counter()
    local = locality(graph.shapes)
    if partitioned is None:
        partitioned = local.exact and len(graph.store) > PARTITION_ABOVE
    if partitioned and not local.exact:
        raise KgError("partitioned validation is not exact for these shapes: " + "; ".join(local.problems))
    dump = source_ntriples(graph)
    if not partitioned:
        run = shacl_engines.validate_text(dump.decode("utf-8"), graph.shapes)
        return ShaclResult(run.conforms, run.rows, run.report, 1, time.perf_counter() - started)
    parts = partitions(dump, local.inverse, partition_size, _hierarchy_nt(graph), local.deep)
    del dump
    progress(f"  {len(parts)} partitions, {workers} at a time")
    return PendingShacl(graph, parts, workers, started)


def validate_shacl(graph: FastGraph, **options) -> ShaclResult:
    """SHACL Core on the whole store with pyshacl-turbo: by partitions of about
    ``partition_size`` triples (``workers`` at a time) when :func:`locality` allows and the
    graph is larger than :data:`PARTITION_ABOVE` triples, else in one piece."""
    pending = start_shacl(graph, **options)
    return pending.result() if isinstance(pending, PendingShacl) else pending


# -- checks and quotes on the store ---------------------------------------------------------------


def run_checks(graph: FastGraph, *, timings: dict[str, float] | None = None) -> list[tuple[Path, dict]]:
    """Each ``queries/checks/*-violation.rq`` on the store (as kg.validate.run_checks)."""
    from .query import run_oxigraph
    from .validate import check_queries

    found = []
    for query_path in check_queries():
        started = time.perf_counter()
        try:
            results = run_oxigraph(graph.store, query_path.read_text(encoding="utf-8"), {})
        except Exception as exc:  # noqa: BLE001 - a broken check is a project bug; say which file
            raise KgError(f"{query_path}: check query failed: {exc}") from None
        for row in results.rows:
            found.append((query_path, {k: v for k, v in zip(results.variables, row) if v is not None}))
        if timings is not None:
            timings[query_path.stem] = time.perf_counter() - started
    return found


_QUOTES = """
PREFIX ckg: <https://w3id.org/county-kg/ontology#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?quote (SAMPLE(?src) AS ?source) (SAMPLE(?ex) AS ?exact) (SAMPLE(?st) AS ?start) (SAMPLE(?en) AS ?end) WHERE {
  ?quote rdf:type ckg:Quote .
  OPTIONAL { ?quote oa:hasSource ?src }
  OPTIONAL { ?quote oa:hasSelector ?t . ?t rdf:type oa:TextQuoteSelector ; oa:exact ?ex }
  OPTIONAL { ?quote oa:hasSelector ?p . ?p rdf:type oa:TextPositionSelector ; oa:start ?st ; oa:end ?en }
} GROUP BY ?quote
"""


def project_texts() -> dict[str, str]:
    """The cleaned texts of the project's registered sources, by text IRI."""
    from .source import load_sources

    return {str(s.text_iri): s.hant_path.read_text(encoding="utf-8") for s in load_sources() if s.hant_path.exists()}


def check_quotes(graph: FastGraph, texts: dict[str, str] | None = None,
                 quotes: Iterable[str] | None = None) -> list[tuple[URIRef, str, str]]:
    """kg.validate.check_quotes on the store: the project's texts, plus the synthetic texts that
    kg.synth regenerates from their IRIs."""
    from . import synth

    texts = dict(project_texts() if texts is None else texts)
    query = _QUOTES
    if quotes is not None:
        wanted = list(quotes)
        if not wanted:
            return []
        query = query.replace("?quote rdf:type ckg:Quote .",
                              "VALUES ?quote { " + " ".join(_term(q) for q in wanted) + " } ?quote rdf:type ckg:Quote .")
    problems = []
    for row in graph.store.query(query):
        quote = URIRef(row["quote"].value)
        source = row["source"]
        text = None
        if source is not None:
            text = texts.get(source.value)
            if text is None:
                text = synth.source_text(source.value)
                if text is not None:
                    texts[source.value] = text
        if text is None:
            problems.append((quote, "oa:hasSource", f"unknown source text {source.value if source else None}"))
            continue
        exact, start, end = row["exact"], row["start"], row["end"]
        if exact is None or start is None or end is None:
            problems.append((quote, "oa:hasSelector", "quote lacks a TextQuoteSelector or TextPositionSelector"))
            continue
        start, end = int(start.value), int(end.value)
        if not 0 <= start < end <= len(text):
            problems.append((quote, "oa:start", f"offsets {start}-{end} outside the source text (length {len(text)})"))
        elif text[start:end] != exact.value:
            problems.append((quote, "oa:exact", f"text at {start}-{end} is {text[start:end]!r}, not {exact.value!r}"))
    return sorted(problems, key=lambda p: str(p[0]))


# -- the report --------------------------------------------------------------------------------------


class StoreLabels:
    """kg.labels.label and compact on the store, for the few nodes a report names."""

    def __init__(self, store: ox.Store):
        self.store = store
        self.names = bind_prefixes(Graph())
        self._predicate = ox.NamedNode(str(RDFS.label))

    def compact(self, node) -> str:
        from .labels import compact

        return compact(self.names, node)

    def label(self, node, lang: str = "en") -> str:
        if isinstance(node, URIRef):
            subject = ox.NamedNode(str(node))
            labels = {}
            for quad in self.store.quads_for_pattern(subject, self._predicate, None, ox.DefaultGraph()):
                if isinstance(quad.object, ox.Literal):
                    labels[_lang(quad.object.language)] = quad.object.value
            for candidate in (lang, *LANGUAGES, None):
                if candidate in labels:
                    return labels[candidate]
        return self.compact(node)


def _lang(tag: str | None) -> str | None:
    """Oxigraph lower-cases language tags; the project writes zh-Hans, zh-Hant, en."""
    return None if tag is None else language_tag(tag)


def files_defining(graph: FastGraph, nodes: Iterable) -> dict[str, list[Path]]:
    """The files in which each node is a subject. Small files are parsed; large N-Triples files
    are searched for the node's line start, so naming the files of a few results costs no
    second load of a million triples."""
    wanted = {str(n) for n in nodes if isinstance(n, URIRef)}
    found: dict[str, list[Path]] = {n: [] for n in wanted}
    if not wanted:
        return found
    for path in graph.files:
        if path.suffix.lower() in (".nt", ".nq") and path.stat().st_size > 8_000_000:
            with path.open("rb") as handle:
                body = handle.read()
            for node in wanted:
                needle = f"<{node}> ".encode()
                if body.startswith(needle) or body.find(b"\n" + needle) >= 0:
                    found[node].append(path)
            continue
        for quad in ox.parse(path=str(path), format=_format(path)):
            subject = quad.subject
            if isinstance(subject, ox.NamedNode) and subject.value in wanted and path not in found[subject.value]:
                found[subject.value].append(path)
    return found


def store_results(graph: FastGraph, *, checks: bool = True, quotes: bool = True,
                  texts: dict[str, str] | None = None) -> list[tuple]:
    """The results of the SPARQL checks and the quote check on the store:
    (focus, path, component, message, source) each."""
    from .validate import check_results

    extra: list[tuple] = []
    if checks:
        extra += check_results(run_checks(graph), StoreLabels(graph.store).compact)
    if quotes:
        for quote, path, message in check_quotes(graph, texts):
            extra.append((quote, path, CKGSH.QuoteTextCheck, message, CKGSH.QuoteTextCheck))
    return extra


def build_report(graph: FastGraph, shacl: ShaclResult, *, checks: bool = True, quotes: bool = True,
                 lang: str = "en", texts: dict[str, str] | None = None, extra: list[tuple] | None = None):
    """The ValidationReport kg.validate.validate_loaded would give for these files (``extra``:
    :func:`store_results` if already computed)."""
    from .validate import SEVERITIES, ValidationReport, ValidationResult, _add_result

    names = StoreLabels(graph.store)
    shacl_graph = shacl.report
    bind_prefixes(shacl_graph)
    if extra is None:
        extra = store_results(graph, checks=checks, quotes=quotes, texts=texts)
    where = files_defining(graph, [r[0] for r in shacl.rows] + [e[0] for e in extra])
    results = []
    for focus, path, component, severity, message, value, shape in shacl.rows:
        results.append(ValidationResult(
            focus=focus, focus_label=names.label(focus, lang), path=path,
            component=_compact(shacl_graph, component), severity=SEVERITIES.get(severity, str(severity)),
            message=message, value=None if value is None else names.compact(value),
            source=_compact(graph.shapes, shape) if shape is not None else None,
            files=where.get(str(focus), []),
        ))
    report_node = next(iter(shacl_graph.subjects(RDF.type, SH.ValidationReport)))
    for focus, path, component, message, source in extra:
        _add_result(shacl_graph, report_node, focus, path, component, message, source)
        results.append(ValidationResult(
            focus=focus, focus_label=names.label(focus, lang), path=path,
            component=_compact(shacl_graph, component), severity="Violation", message=message,
            source=Path(source.removeprefix("file://")).name if str(source).startswith("file:") else _compact(shacl_graph, source),
            files=where.get(str(focus), []),
        ))
    if any(r.severity == "Violation" for r in results):
        shacl_graph.set((report_node, SH.conforms, Literal(False)))
    return ValidationReport(results, shacl_graph)


def _compact(graph: Graph, node) -> str:
    from .labels import compact

    return compact(graph, node)


def validate(graph: FastGraph, *, checks: bool = True, quotes: bool = True, lang: str = "en",
             partitioned: bool | None = None, workers: int = 2, partition_size: int = 2_500,
             texts: dict[str, str] | None = None, progress: Progress = _quiet):
    """Shapes, checks and quotes: a kg.validate.ValidationReport. The checks and the quote
    check query the store while the SHACL partitions are validated."""
    started = time.perf_counter()
    pending = start_shacl(graph, partitioned=partitioned, workers=workers, partition_size=partition_size,
                          progress=progress)
    try:
        extra = store_results(graph, checks=checks, quotes=quotes, texts=texts)
    finally:
        shacl = pending.result() if isinstance(pending, PendingShacl) else pending
    graph.seconds["shacl"] = shacl.seconds
    report = build_report(graph, shacl, lang=lang, extra=extra)
    graph.seconds["validate"] = time.perf_counter() - started
    return report


# -- incremental: one more file -----------------------------------------------------------------------


@dataclass
class ImportResult:
    path: Path
    triples: int
    focus_nodes: int
    report: object  # kg.validate.ValidationReport of the whole graph after the import
    shacl_seconds: float
    seconds: float
    full: bool  # the whole graph had to be validated again (the import changed the ontology)


def changed_focus(graph: FastGraph, added: ox.Store, inverse: Iterable[str]) -> tuple[set[str], bool]:
    """The focus nodes whose SHACL results can change when ``added``'s triples join the graph
    (given :func:`locality`): their subjects; the nodes they point at through inverse-path
    predicates; every node pointing at one of their subjects (a value whose description
    changed); and the targets of inverse-path triples from those subjects. True as second
    value when the import touches the class hierarchy (then everything may change)."""
    inverse = {str(p) for p in inverse}
    subjects: set[str] = set()
    focus: set[str] = set()
    hierarchy = False
    for quad in added:
        s, p, o = quad.subject, quad.predicate.value, quad.object
        if p == SUBCLASS:
            hierarchy = True
        if isinstance(s, ox.NamedNode):
            subjects.add(s.value)
        if p in inverse and isinstance(o, ox.NamedNode):
            focus.add(o.value)
    focus |= subjects
    if subjects:
        values = " ".join(_term(s) for s in subjects)
        inv = " ".join(_term(p) for p in sorted(inverse))
        query = f"SELECT DISTINCT ?n WHERE {{ VALUES ?x {{ {values} }} {{ ?n ?p ?x }}"
        if inv:
            query += f" UNION {{ VALUES ?pi {{ {inv} }} ?x ?pi ?n }}"
        query += " FILTER(isIRI(?n)) }"
        focus |= {row[0].value for row in graph.store.query(query)}
    return focus, hierarchy


@dataclass
class Validated:
    """A validated graph: the SHACL rows (kept for incremental validation) and the report."""

    graph: FastGraph
    shacl: ShaclResult
    report: object  # kg.validate.ValidationReport


def validate_state(graph: FastGraph, **options) -> Validated:
    """:func:`validate`, keeping the SHACL rows an import can update."""
    started = time.perf_counter()
    shacl = validate_shacl(graph, **{k: v for k, v in options.items() if k in ("partitioned", "workers", "partition_size")})
    graph.seconds["shacl"] = shacl.seconds
    report = build_report(graph, shacl, **{k: v for k, v in options.items() if k in ("checks", "quotes", "lang", "texts")})
    graph.seconds["validate"] = time.perf_counter() - started
    return Validated(graph, shacl, report)


def validate_import(validated: Validated, path: Path | str, *, checks: bool = True, quotes: bool = True,
                    lang: str = "en", texts: dict[str, str] | None = None) -> ImportResult:
    """Add ``path`` (one more county's table) to a validated graph and validate what changed.

    Only the focus nodes of :func:`changed_focus` go through SHACL (with their neighbourhood);
    their old results are replaced, all others kept. The SPARQL checks and the quote check,
    which compare nodes across the graph, run again on the store. The report equals a
    validation of the whole graph from scratch (tests/test_shacl_engines.py checks this).
    """
    started = time.perf_counter()
    graph = validated.graph
    path = Path(path)
    added = ox.Store()
    load_file(added, path)
    before = len(graph.store)
    graph.store.extend(added)
    graph.data_files.append(path)
    graph.data_triples += len(graph.store) - before
    local = locality(graph.shapes)
    focus, hierarchy = changed_focus(graph, added, local.inverse)
    shacl_started = time.perf_counter()
    if hierarchy or not local.exact:
        shacl = validate_shacl(graph)
        full = True
    else:
        fresh = validate_focus(graph, sorted(focus), local=local)
        kept = [r for r in validated.shacl.rows if not (isinstance(r[0], URIRef) and str(r[0]) in focus)]
        rows = kept + fresh.rows
        shacl = ShaclResult(not any(r[3] == SH.Violation for r in rows), rows,
                            _rows_report(graph.shapes, rows), 1, fresh.seconds, len(focus))
        full = False
    shacl_seconds = time.perf_counter() - shacl_started
    report = build_report(graph, shacl, checks=checks, quotes=quotes, lang=lang, texts=texts)
    validated.shacl, validated.report = shacl, report
    return ImportResult(path, len(added), len(focus), report, shacl_seconds, time.perf_counter() - started, full)


def _rows_report(shapes: Graph, rows: list[shacl_engines.Row]) -> Graph:
    """A SHACL report graph holding ``rows`` (for the Turtle rendering of a report)."""
    from .namespaces import PREFIXES

    graph = shacl_engines._empty_report(shapes)
    node = next(iter(graph.subjects(RDF.type, SH.ValidationReport)))
    for focus, path, component, severity, message, value, shape in rows:
        result = BNode()
        graph.add((node, SH.result, result))
        graph.add((result, RDF.type, SH.ValidationResult))
        graph.add((result, SH.focusNode, focus))
        graph.add((result, SH.resultSeverity, severity))
        graph.add((result, SH.sourceConstraintComponent, component))
        graph.add((result, SH.resultMessage, Literal(message)))
        if shape is not None:
            graph.add((result, SH.sourceShape, shape))
        if value is not None:
            graph.add((result, SH.value, value))
        if path:
            if path.startswith("^") or path.startswith("("):
                graph.add((result, SH.resultPath, Literal(path)))
            else:
                prefix, _sep, local = path.partition(":")
                iri = URIRef(str(PREFIXES[prefix]) + local) if prefix in PREFIXES else URIRef(path)
                graph.add((result, SH.resultPath, iri))
    graph.set((node, SH.conforms, Literal(not any(r[3] == SH.Violation for r in rows))))
    return graph


# -- catalog, summary, exports ---------------------------------------------------------------------------


def engines_for(graph: FastGraph):
    """kg.query.Engines answering from this store (no second load)."""
    from .query import Engines

    engines = Engines()
    engines._store = graph.store
    return engines


def answer_catalog(graph: FastGraph, directory: Path | None = None) -> dict[str, tuple[object, float]]:
    """Every catalog question on the store: {name: (Results, seconds)}; with ``directory``,
    written as kg.build.write_catalog_answers writes them (queries/*.csv and queries.md)."""
    from .catalog import catalog
    from .query import run_query

    from functools import lru_cache

    engines = engines_for(graph)
    labels = lru_cache(maxsize=None)(engines.labeler("en"))  # the same label, looked up once
    answers: dict[str, tuple[object, float]] = {}
    page = ["# county-kg question catalog", "",
            "Each question with its SPARQL (in `queries/`) and its answer on this build.", ""]
    if directory is not None:
        (directory / "queries").mkdir(parents=True, exist_ok=True)
    for item in catalog():
        started = time.perf_counter()
        results = run_query(item, engines=engines)
        answers[item.name] = (results, time.perf_counter() - started)
        if directory is not None:
            (directory / "queries" / f"{item.name}.csv").write_text(results.to_csv(), encoding="utf-8")
            results.labeler = labels
            page += [f"## {item.name}", "", f"**{item.summary}**", "", item.description, "",
                     "```sparql", item.text.strip(), "```", "", results.to_markdown(),
                     f"{len(results.rows)} row(s)", ""]
    if directory is not None:
        (directory / "queries.md").write_text("\n".join(page), encoding="utf-8")
    return answers


def summarize(graph: FastGraph):
    """kg.summary.summarize by SPARQL on the store (data triples only, as the rdflib one)."""
    from .summary import _BY_THEME_AND_PERIOD, Summary, count_statements

    names = StoreLabels(graph.store)
    onto_types: dict[str, int] = {}
    onto_subjects: dict[str, int] = {}
    for triple in graph.ontology_only:
        if triple.predicate.value == str(RDF.type):
            key = triple.object.value if isinstance(triple.object, ox.NamedNode) else str(triple.object)
            onto_types[key] = onto_types.get(key, 0) + 1
        subject = triple.subject.value if isinstance(triple.subject, ox.NamedNode) else "_:" + triple.subject.value
        onto_subjects[subject] = onto_subjects.get(subject, 0) + 1
    classes: dict[str, int] = {}
    for row in graph.store.query("SELECT ?c (COUNT(*) AS ?n) WHERE { ?s a ?c } GROUP BY ?c"):
        term = row["c"]
        n = int(row["n"].value) - onto_types.get(term.value if isinstance(term, ox.NamedNode) else str(term), 0)
        if n > 0 and isinstance(term, ox.NamedNode):
            name = names.compact(URIRef(term.value))
            classes[name] = classes.get(name, 0) + n
    by_class = dict(sorted(((c, n) for c, n in classes.items() if c.startswith("ckg:")), key=lambda i: (-i[1], i[0])))
    rows = []
    for row in graph.store.query(_BY_THEME_AND_PERIOD):
        theme = row["theme"].value
        theme_name = "(no theme)" if theme == "https://w3id.org/county-kg/ontology#NoTheme" else names.label(URIRef(theme), "en")
        rows.append((theme_name, names.label(URIRef(row["period"].value), "en"), int(row["n"].value)))
    rows.sort(key=lambda r: (r[0], r[1]))
    quotes = int(next(iter(graph.store.query(
        "SELECT (COUNT(DISTINCT ?q) AS ?n) WHERE { ?q a <https://w3id.org/county-kg/ontology#Quote> }")))["n"].value)
    # Subjects with at least one data triple: all subjects, less those all of whose triples are
    # ontology-only (a few hundred, counted one by one: cheaper than grouping a million triples).
    subjects = int(next(iter(graph.store.query("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }")))["n"].value)
    for key, count in onto_subjects.items():
        term = ox.BlankNode(key[2:]) if key.startswith("_:") else ox.NamedNode(key)
        if sum(1 for _q in graph.store.quads_for_pattern(term, None, None, ox.DefaultGraph())) <= count:
            subjects -= 1
    def solutions(query: str):
        results = graph.store.query(query)
        variables = [v.value for v in results.variables]
        for solution in results:
            yield {name: term.value for name, term in zip(variables, solution) if term is not None}

    statements = count_statements(solutions, lambda iri: names.label(URIRef(iri), "en"))
    return Summary(triples=graph.data_triples, by_class=by_class, observations_by_theme_period=rows,
                   quotes=quotes, subjects=subjects, statements=statements)


def write_exports(graph: FastGraph, directory: Path, naming: Callable[[Path], str] | None = None
                  ) -> dict[str, tuple[Path, float]]:
    """county-kg.{ttl,nt,jsonld,trig} in this process (:func:`kg.fastexport.write`)."""
    from . import fastexport

    return fastexport.write(graph.files, source_ntriples(graph), directory, naming or _graph_name)


def _graph_name(path: Path) -> str:
    from .load import graph_name

    return str(graph_name(path))


# -- the build ---------------------------------------------------------------------------------------------


@dataclass
class FastBuild:
    output: Path
    report: object
    summary: object
    files: list[Path]
    seconds: dict[str, float]
    catalog_seconds: dict[str, float]
    export_seconds: dict[str, float] = field(default_factory=dict)
    export_peak_rss_mb: float = 0.0  # of the exporting child process (0: exported in this one)


def build(output: Path | str = "dist", data: Sequence[Path | str] | None = None, *,
          progress: Progress = _quiet, workers: int = 2, texts: dict[str, str] | None = None,
          naming: Callable[[Path], str] | None = None, background: bool = True,
          extras: Callable[[Path], list[Path]] | None = None) -> FastBuild:
    """``kg build`` for large graphs: load, validate, then (only if the graph conforms) exports,
    summary, validation report and catalog answers into ``output``, replaced atomically.
    Raises kg.build.BuildFailed with the report when the graph has violations.

    The files are read once as N-Triples (:func:`kg.ntriples.dump`); with ``background`` a
    forked process writes the exports from that text while this one loads, validates and
    answers the catalog (2 cores: both busy). ``naming`` gives each file's named graph in the
    TriG export; ``extras`` writes more files into the staging directory (it returns them)."""
    from . import atomic, fastexport
    from .build import BuildFailed
    from .load import data_files as project_data
    from .load import ontology_files

    output = Path(output)
    naming = naming or _graph_name
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    data_paths = [Path(p) for p in (project_data() if data is None else data)]
    with atomic.replaced_directory(output) as staging:
        progress("reading the files as N-Triples")
        files = [*ontology_files(), *data_paths]
        text = ntriples.dump(files)
        seconds["read"] = time.perf_counter() - started
        exporter = None
        try:
            if background:
                progress("  writing the exports (ttl, nt, jsonld, trig) in a second process")
                exporter = fastexport.Background(files, text, staging, naming)
            step = time.perf_counter()
            progress("loading (pyoxigraph)")
            graph = load(data_paths)
            graph._source_nt = (tuple(graph.files), text)
            del text
            seconds["load"] = time.perf_counter() - step
            progress(f"  {len(graph.files)} files, {graph.data_triples} data triples")
            step = time.perf_counter()
            progress("validating (pyshacl-turbo by partition, SPARQL checks, quotes)")
            pending = start_shacl(graph, workers=workers, progress=progress)
            seconds["SHACL started"] = time.perf_counter() - step
            if background:
                graph._source_nt = None  # the partitions are cut; the exporting process has its copy
            try:
                # While the worker threads validate the partitions, this thread queries the
                # store: the checks, the quotes, the summary and the catalog (the last two
                # are written into the staging directory, dropped if the graph does not conform).
                mark = time.perf_counter()
                extra = store_results(graph, texts=texts)
                seconds["checks and quotes"] = time.perf_counter() - mark
                mark = time.perf_counter()
                summary = summarize(graph)
                (staging / "summary.md").write_text(summary.to_markdown(), encoding="utf-8")
                (staging / "summary.json").write_text(summary.to_json(), encoding="utf-8")
                seconds["summary"] = time.perf_counter() - mark
                mark = time.perf_counter()
                progress("answering the question catalog (Oxigraph)")
                answers = answer_catalog(graph, staging)
                seconds["catalog"] = time.perf_counter() - mark
            finally:
                mark = time.perf_counter()
                shacl = pending.result() if isinstance(pending, PendingShacl) else pending
                seconds["SHACL (waited for)"] = time.perf_counter() - mark
            graph.seconds["shacl"] = shacl.seconds
            report = build_report(graph, shacl, extra=extra)
            seconds["validate"] = time.perf_counter() - step  # (with summary and catalog)
            if not report.conforms:
                raise BuildFailed(report)
            progress(f"  conforms ({len(report.warnings)} warning(s))")
            (staging / "validation.txt").write_text(report.to_text(), encoding="utf-8")
            if exporter is None:
                step = time.perf_counter()
                progress("exporting (ttl, nt, jsonld, trig)")
                exports = fastexport.Done(write_exports(graph, staging, naming), 0.0, 0.0)
                seconds["export"] = time.perf_counter() - step
            graph._source_nt = None
            more = []
            if extras is not None:
                step = time.perf_counter()
                more = extras(staging)
                seconds["extras"] = time.perf_counter() - step
            if exporter is not None:
                step = time.perf_counter()
                exports = exporter.result()
                seconds["export (waited for)"] = time.perf_counter() - step
        except BaseException:
            if exporter is not None:
                exporter.cancel()
            raise
        names = [p.name for p, _s in exports.written.values()] + [
            "summary.md", "summary.json", "validation.txt", "queries", "queries.md", *(p.name for p in more)]
    seconds["total"] = time.perf_counter() - started
    return FastBuild(output, report, summary, [output / n for n in names], seconds,
                     {name: s for name, (_r, s) in answers.items()},
                     {fmt: s for fmt, (_p, s) in exports.written.items()}, exports.peak_rss_mb)
