"""SHACL by partition: exact pieces of a graph validated one at a time with pyshacl-turbo.

At a million triples pySHACL takes minutes and pyshacl-turbo on the whole graph 27-40 s and
1.3 GB, its cost per triple growing with the size of the graph it is given. Here the store's
cached N-Triples (terms exactly as written: the store keeps values, not lexical forms) are
grouped by county (the division code in their subjects' IRIs), and each partition of ~2.5k
triples gets only the triples its results can depend on; ~400 small graphs take ~14 s of CPU,
two at a time (pyshacl-turbo releases the GIL) while the caller queries the store:

- :func:`locality`: what the shapes read around a focus node, and whether partitions are exact;
- :func:`start_shacl`, :func:`validate_shacl`: the whole graph, by partition above
  :data:`PARTITION_ABOVE` triples;
- :func:`validate_focus`: given focus nodes only, their neighbourhood taken from the store by
  one SPARQL CONSTRUCT (incremental validation, kg.validate.store.validate_changes).

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
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from kg import atomic
from kg.errors import KgError
from kg.words import counted
from kg.namespaces import SH
from kg.store.graph import SUBCLASS, StoreGraph
from kg.validate import engines as shacl_engines
from kg.validate import lexical


Progress = Callable[[str], None]


def _quiet(_message: str) -> None:
    pass


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
                problems.append(f"inverse path {inv} read {counted(depth, 'step')} from the focus node")
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


def neighbourhood(store: ox.Store, nodes: Iterable[ox.BlankNode | ox.NamedNode], inverse: Iterable[str]) -> list[ox.Triple]:
    """The triples of :func:`neighbourhood_query` for ``nodes`` (terms of the store: its blank
    nodes, which no query text can name), read by pattern from the default graph (the union),
    each once, in a stable order."""
    union = ox.DefaultGraph()
    inv = [ox.NamedNode(p) for p in sorted(inverse)]
    found: dict[ox.Triple, None] = {}
    around: dict = {}  # the nodes whose own triples are needed too
    for node in nodes:
        for quad in store.quads_for_pattern(node, None, None, union):
            found[quad.triple] = None
            if not isinstance(quad.object, ox.Literal):
                around[quad.object] = None
        for predicate in inv:
            for quad in store.quads_for_pattern(None, predicate, node, union):
                found[quad.triple] = None
                around[quad.subject] = None
    for node in around:
        for quad in store.quads_for_pattern(node, None, None, union):
            found[quad.triple] = None
    return list(found)


@dataclass
class ShaclResult:
    """SHACL on a whole store: ``conforms`` as SHACL defines it (no result of any severity)."""

    conforms: bool
    rows: list[shacl_engines.Row]
    report: Graph
    partitions: int
    seconds: float
    focus_nodes: int = 0

    @property
    def violations(self) -> list[shacl_engines.Row]:
        """The rows of severity sh:Violation."""
        return [row for row in self.rows if row[3] == SH.Violation]


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


def _ontology_nt(graph: StoreGraph) -> bytes:
    return graph.ontology_ntriples()


def _hierarchy_nt(graph: StoreGraph) -> bytes:
    """The ontology's rdfs:subClassOf triples: all of the ontology a county partition needs
    (class targets and sh:class follow the hierarchy; a class a focus node refers to comes with
    its own triples like any other node it refers to)."""
    needle = f" <{SUBCLASS}> ".encode()
    return b"\n".join(line for line in _ontology_nt(graph).split(b"\n") if needle in line) + b"\n"


def validate_focus(graph: StoreGraph, focus: Iterable[str] | None, *, blank: bool = False,
                   local: Locality | None = None, ontology_nt: bytes | None = None,
                   blank_nodes: Iterable[ox.BlankNode] | None = None) -> ShaclResult:
    """pyshacl-turbo on ``focus`` (IRIs) only, given just the triples their results depend on.
    With ``blank``: every blank subject of the store instead, or, given ``blank_nodes`` (the
    store's blank subjects, all of them: kg.validate.store.blank_subjects), their
    neighbourhood read by pattern, without a query over the whole store."""
    started = time.perf_counter()
    local = local or locality(graph.shapes)
    focus = [] if focus is None else list(focus)
    if not focus and not blank:
        return ShaclResult(True, [], shacl_engines._empty_report(graph.shapes), 0, 0.0)
    if blank and blank_nodes is not None:
        data = ox.serialize(neighbourhood(graph.store, blank_nodes, local.inverse), None, ox.RdfFormat.N_TRIPLES)
    else:
        query = neighbourhood_query(focus, local.inverse, blank=blank)
        data = graph.store.query(query).serialize(format=ox.RdfFormat.N_TRIPLES)
    part = ox.Store()
    part.bulk_load(data + b"\n" + (ontology_nt if ontology_nt is not None else _ontology_nt(graph)),
                   format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    applied = _apply_marks(part, lexical_marks(graph))
    run = shacl_engines.validate(part, graph.shapes, "turbo", focus_nodes=None if blank else focus,
                                 applied=applied)
    rows = run.rows
    if blank:  # every node of the partition was validated: keep the blank focus nodes' results
        rows = [r for r in rows if isinstance(r[0], BNode)]
    return ShaclResult(not rows, rows, run.report, 1,
                       time.perf_counter() - started, len(focus))


def lexical_marks(graph: StoreGraph) -> lexical.Marks:
    """The ill-formed literals of the graph's files, found in their terms as written
    (:func:`source_ntriples`): the store cannot tell, for Oxigraph rewrites some of them on
    loading ("inf"^^xsd:double becomes "INF", "0"^^xsd:positiveInteger "0"^^xsd:integer)."""
    cached = getattr(graph, "_lexical", None)
    if cached is not None and cached[0] == tuple(graph.files):
        return cached[1]
    # each graph's marks alone, in the order of source_ntriples: a mark is one line's
    items = [item for entry in graph.entries for item in _file_marks(graph.paths[entry.graph], entry.sha256)]
    marks = lexical.Marks(items)
    graph._lexical = (tuple(graph.files), marks)
    return marks


#: The form of the files :func:`_file_marks` keeps beside the store's cached N-Triples.
MARKS_FORM = 1


def _file_marks(path, sha256: str) -> list[lexical.Mark]:
    """The ill-formed literals of one cached N-Triples file (kg.store.persistent's cache,
    named by ``sha256``), kept beside it as ``<sha256>.lexical.json`` once found: an import
    beside a national table then reads its own graph, not the million triples of the others
    (0.4 s). A kept file that cannot be read, or of another file or form, is made again."""
    kept = _kept_marks(path, sha256)
    if kept is not None:
        return kept
    _text, marks = lexical.mark_ntriples(path.read_bytes())
    _keep_marks(path, sha256, marks)
    return marks.items


def _marked_files(graph: StoreGraph) -> tuple[bytes, lexical.Marks]:
    """:func:`lexical.mark_ntriples` of :func:`source_ntriples`, file by file: each file's
    marks kept beside it (:func:`_file_marks`), and a file whose kept record holds none read
    as it is. A mark is one line's and every cached file ends its lines, so the joined result
    is the whole text's (a whole validation of a national graph left no record, and the next
    small import marked the 200 MB file again)."""
    texts, items = [], []
    for entry in graph.entries:
        path = graph.paths[entry.graph]
        data = path.read_bytes()
        kept = _kept_marks(path, entry.sha256)
        if kept == []:
            texts.append(data)
            continue
        text, marks = lexical.mark_ntriples(data)
        if kept is None:
            _keep_marks(path, entry.sha256, marks)
        texts.append(text)
        items += marks.items
    return b"".join(texts), lexical.Marks(items)


def _marks_file(path, sha256: str):
    """Where the marks of the cached file ``path`` (named by ``sha256``) are kept."""
    return path.with_name(f"{sha256}.lexical.json")


def _kept_marks(path, sha256: str) -> list[lexical.Mark] | None:
    """The marks kept beside the cached file ``path`` (:func:`_file_marks`), or None when there
    is no record of that file, form and package version that can be read."""
    import json

    from kg import __version__

    try:
        record = json.loads(_marks_file(path, sha256).read_bytes())
        if record.get("sha256") == sha256 and record.get("form") == MARKS_FORM and record.get("version") == __version__:
            return [lexical.Mark(BNode(s[2:]) if s.startswith("_:") else URIRef(s), URIRef(p),
                                 Literal(value, datatype=URIRef(datatype), normalize=False), reason)
                    for s, p, value, datatype, reason in record["marks"]]
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        pass
    return None


def _keep_marks(path, sha256: str, marks: lexical.Marks) -> None:
    import json

    from kg import __version__

    record = {"sha256": sha256, "form": MARKS_FORM, "version": __version__,
              "marks": [[("_:" if isinstance(m.subject, BNode) else "") + str(m.subject), str(m.predicate),
                         str(m.literal), str(m.literal.datatype), m.reason] for m in marks.items]}
    try:  # (kg.atomic's temporary file is a dot file: the store removes one a killed writer left)
        atomic.write_text(_marks_file(path, sha256), json.dumps(record, ensure_ascii=False))
    except OSError:
        pass  # (a store one may only read: found again next time)


def _apply_marks(part: ox.Store, marks: lexical.Marks) -> lexical.Marks:
    """Mark, in a partition taken from the store, the ill-formed literals of ``marks``: each is
    found under the term the store made of it (a literal with a blank subject cannot be found:
    the store names blank nodes its own way)."""
    applied, removed = [], set()
    for item in marks.items:
        if isinstance(item.subject, BNode):
            continue
        written = ox.Literal(str(item.literal), datatype=ox.NamedNode(str(item.literal.datatype)))
        subject, predicate = ox.NamedNode(str(item.subject)), ox.NamedNode(str(item.predicate))
        stored = ox.Quad(subject, predicate, _stored_term(written), ox.DefaultGraph())
        if stored in part or stored in removed:  # ("inf" and "Infinity" are both stored as "INF")
            part.remove(stored)
            removed.add(stored)
            part.add(ox.Quad(subject, predicate, ox.Literal(str(item.literal), datatype=ox.NamedNode(
                lexical.MARK + str(item.literal.datatype))), ox.DefaultGraph()))
            applied.append(item)
    return lexical.Marks(applied)


def _stored_term(term: ox.Literal) -> ox.Literal:
    """The term a pyoxigraph Store makes of ``term`` (it rewrites some literals it can read)."""
    scratch = ox.Store()
    scratch.add(ox.Quad(ox.NamedNode("urn:x-county-kg:s"), ox.NamedNode("urn:x-county-kg:p"), term, ox.DefaultGraph()))
    return next(iter(scratch)).object


_KEY = re.compile(rb"(?<![0-9])([1-9][0-9]{5})[0-9]*(?![0-9])")


def source_ntriples(graph: StoreGraph) -> bytes:
    """Ontology and data as N-Triples with the terms exactly as the files write them (the
    store's cache): SHACL must see the files' terms, not the store's values."""
    return graph.source_ntriples


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


def _validate_partition(part: Partition, shapes: Graph, marks: lexical.Marks) -> list[shacl_engines.Row]:
    text = b"\n".join(part.lines).decode("utf-8")
    # (the rows alone: the report graph is made from them only if the Turtle report is asked for)
    run = shacl_engines.validate_text(text, shapes, focus_nodes=part.focus, marks=marks, report=False)
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

    def __init__(self, graph: StoreGraph, parts: list[Partition], workers: int, started: float,
                 marks: lexical.Marks | None = None):
        self.graph, self.parts, self.started = graph, parts, started
        self.pool = ThreadPoolExecutor(max(1, workers))
        marks = marks or lexical.Marks()
        # The largest first, so that the last to finish are small ones and the threads end
        # together; the results are still collected in partition order (a stable report).
        futures = {i: self.pool.submit(_validate_partition, parts[i], graph.shapes, marks)
                   for i in sorted(range(len(parts)), key=lambda i: -len(parts[i].lines))}
        self.futures = [futures[i] for i in range(len(parts))]

    def result(self) -> ShaclResult:
        try:
            found = [future.result() for future in self.futures]
        finally:
            self.pool.shutdown(cancel_futures=True)
        rows = [row for chunk in found for row in chunk]
        return ShaclResult(not rows, rows, None,  # (kg.validate.store.build_report)
                           len(self.parts), time.perf_counter() - self.started,
                           sum(len(p.focus or []) for p in self.parts))


def start_shacl(graph: StoreGraph, *, partition_size: int = 2_500, workers: int = 2,
                partitioned: bool | None = None, progress: Progress = _quiet) -> PendingShacl | ShaclResult:
    """:func:`validate_shacl` started: the partitions are cut here and validated by
    ``workers`` threads in the background (a :class:`PendingShacl`); a graph validated in one
    piece is validated at once (a :class:`ShaclResult`)."""
    started = time.perf_counter()
    local = locality(graph.shapes)
    if partitioned is None:
        partitioned = local.exact and len(graph) > PARTITION_ABOVE
    if partitioned and not local.exact:
        raise KgError("partitioned validation is not exact for these shapes: " + "; ".join(local.problems))
    # Ill-formed literals are marked once, in the whole text, and every partition is cut from it.
    dump, marks = _marked_files(graph)
    graph._lexical = (tuple(graph.files), marks)
    if not partitioned:
        run = shacl_engines.validate_text(dump.decode("utf-8"), graph.shapes, marks=marks)
        return ShaclResult(run.conforms, run.rows, run.report, 1, time.perf_counter() - started)
    parts = partitions(dump, local.inverse, partition_size, _hierarchy_nt(graph), local.deep)
    del dump
    progress(f"  {counted(len(parts), 'partition')}, {workers} at a time")
    return PendingShacl(graph, parts, workers, started, marks)


def validate_shacl(graph: StoreGraph, **options) -> ShaclResult:
    """SHACL Core on the whole store with pyshacl-turbo: by partitions of about
    ``partition_size`` triples (``workers`` at a time) when :func:`locality` allows and the
    graph is larger than :data:`PARTITION_ABOVE` triples, else in one piece."""
    pending = start_shacl(graph, **options)
    return pending.result() if isinstance(pending, PendingShacl) else pending


def _rows_report(shapes: Graph, rows: list[shacl_engines.Row]) -> Graph:
    """A SHACL report graph holding ``rows`` (for the Turtle rendering of a report)."""
    from kg.namespaces import PREFIXES

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
            declared = shapes.value(shape, SH.path) if shape is not None else None
            if declared is not None and shacl_engines.path_text(shapes, declared) == path:
                # the shape's own path, as a SHACL path (an inverse or complex one is a blank
                # node with its lists), not its name as text
                graph.add((result, SH.resultPath, shacl_engines.copy_path(shapes, declared, graph)))
            elif path.startswith("^") or path.startswith("("):
                pass  # a path that is no IRI and not its shape's cannot be made again: left out (it may be, 3.6.2.2)
            elif path.startswith("<") and path.endswith(">"):  # an IRI no prefix abbreviates
                graph.add((result, SH.resultPath, URIRef(path[1:-1])))
            else:
                prefix, _sep, local = path.partition(":")
                iri = URIRef(str(PREFIXES[prefix]) + local) if prefix in PREFIXES else URIRef(path)
                graph.add((result, SH.resultPath, iri))
    shacl_engines.set_conforms(graph)
    return graph

