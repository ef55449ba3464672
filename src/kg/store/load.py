"""Load the ontology, shapes and data into rdflib, one named graph per file.

This is the single place that reads RDF files: it turns parser failures into errors that
name the file and line, and it records which file every triple came from so reports can
point back to it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCTERMS, XSD

from kg.errors import KgError
from kg.languages import language_tag  # noqa: F401 (re-exported)
from kg.namespaces import bind_prefixes
from kg.store import syntax
from kg.store.files import (WORKSPACE_DEFAULT, WORKSPACE_ENV, WORKSPACE_KINDS,  # noqa: F401 (re-exported)
                            _workspace_for, data_files, default_workspace, graph_iri, iri_path, one_graph_per_file,
                            ontology_files, shape_files, workspace_files, workspace_graph_iri)

rdf_format = syntax.rdflib_format

#: Turtle and N-Triples files from this size on are parsed by pyoxigraph and handed to rdflib
#: term by term: 1M synthetic triples in 20 s instead of 47 s with rdflib's own parser. Smaller
#: files (all curated ones) keep rdflib's parser, after pyoxigraph's check of their syntax.
LARGE_FILE_BYTES = 8_000_000
OXIGRAPH_SUFFIXES = (".ttl", ".nt")  # triples only: the caller's graph is one graph
XSD_STRING = str(XSD.string)


def parse_into(graph: Graph, path: Path, fmt: str | None = None) -> Graph:
    """Parse ``path`` into ``graph`` (its syntax from its suffix, or rdflib's format name
    ``fmt``); the triples of every graph of an N-Quads or TriG file go into ``graph`` (see
    kg.store.syntax.QUAD_SUFFIXES). A file that is missing, a directory or unreadable is a
    KgError naming it; a syntax error is a :class:`kg.store.syntax.RdfSyntaxError` with its
    line, column and the offending line, the same whichever parser met it. A file that gives
    an empty ``graph`` no triple is said (kg.store.syntax.note_nothing_read)."""
    path = syntax.rdf_file(path)
    large = path.stat().st_size >= LARGE_FILE_BYTES
    empty_before = not len(graph)
    try:
        if fmt is None and large and path.suffix.lower() in OXIGRAPH_SUFFIXES:
            parse_with_oxigraph(graph, path)
        else:
            syntax.check(path, fmt)
            if syntax.json_ld_scalar(path, fmt):
                return _nothing_read(graph, path)  # (rdflib's parser fails on it: "cannot access local variable")
            # rdflib puts a dataset's quads into graphs of their own: read them aside
            target = Dataset() if syntax.holds_quads(path, fmt) else graph
            if syntax.starts_with_bom(path):
                target.parse(data=path.read_bytes()[len(syntax.BOM):], format=fmt or rdf_format(path))
            else:
                target.parse(path, format=fmt or rdf_format(path))
            if target is not graph:
                graph.addN((s, p, o, graph) for s, p, o, _name in target.quads())
                syntax.note_graphs_read_as_one(path, (c.identifier for c in target.contexts()
                                                      if c.identifier != DATASET_DEFAULT_GRAPH_ID and len(c)))
    except KgError:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure is the file's, told as a syntax error
        raise syntax.syntax_error(path, exc, fmt) from None
    if empty_before and not len(graph):
        syntax.note_nothing_read(path)
    return graph


def _nothing_read(graph: Graph, path: Path) -> Graph:
    syntax.note_nothing_read(path)
    return graph


def parse_with_oxigraph(graph: Graph, path: Path) -> Graph:
    """Parse a Turtle or N-Triples file with pyoxigraph into an rdflib graph, with the same
    triples rdflib's parser gives: literals as written (county-kg turns rdflib's normalisation
    off, see kg/__init__.py), fresh blank nodes for
    this file, and language tags in their usual case (pyoxigraph lower-cases them). One
    difference: "x"^^xsd:string reads as the plain literal "x", the same term in RDF 1.1,
    which rdflib keeps apart and pyoxigraph cannot."""
    with open(path, "rb") as stream:
        if stream.read(len(syntax.BOM)) != syntax.BOM:
            stream.seek(0)
        add_parsed(graph, stream, syntax.rdf_format(path))
    return graph


def add_parsed(graph: Graph, stream, fmt: ox.RdfFormat) -> int:
    """Add the triples pyoxigraph parses from ``stream`` (a binary file or bytes) in ``fmt``
    to ``graph``, terms as :func:`parse_with_oxigraph` describes them; the number of triples
    the input stated (duplicates included). A syntax error is
    pyoxigraph's SyntaxError (with its line and column), for the caller to word."""
    terms: dict = {}
    parsed = 0

    def term(node):
        found = terms.get(node)
        if found is None:
            if isinstance(node, ox.NamedNode):
                found = URIRef(node.value)
            elif isinstance(node, ox.BlankNode):
                found = BNode()
            elif node.language:
                found = Literal(node.value, lang=language_tag(node.language))
            else:
                datatype = node.datatype.value
                found = Literal(node.value, datatype=None if datatype == XSD_STRING else URIRef(datatype))
            terms[node] = found
        return found

    def quads():
        nonlocal parsed
        for t in ox.parse(stream, format=fmt):
            parsed += 1
            yield term(t.subject), term(t.predicate), term(t.object), graph

    graph.addN(quads())
    return parsed


def parse_file(path: Path) -> Graph:
    return parse_into(bind_prefixes(Graph()), path)


def graph_name(path: Path) -> URIRef:
    """The named graph a file is loaded into (kg.store.files.graph_iri), as an rdflib IRI."""
    return URIRef(graph_iri(path))


def workspace_graph_name(path: Path) -> URIRef:
    """The named graph of a workspace's import or link set (kg.store.files.workspace_graph_iri)."""
    return URIRef(workspace_graph_iri(path))


@dataclass
class Loaded:
    """Everything one load produced: the named graphs, and which file each came from."""

    dataset: Dataset
    ontology: Graph
    shapes: Graph
    data: Graph
    files: dict[URIRef, Path]
    workspace: Path | None = None

    def union(self) -> Graph:
        """Ontology plus data (not shapes) in one graph: what queries and exports see."""
        merged = bind_prefixes(Graph())
        for triple in self.ontology:
            merged.add(triple)
        for triple in self.data:
            merged.add(triple)
        return merged

    def reference_graphs(self) -> list[URIRef]:
        """Named graphs of reference tables (the national gazetteer), as opposed to facts."""
        return [name for name, path in self.files.items() if path.parent.name == "gazetteer"]

    def explorable(self) -> Graph:
        """What a person explores: the union without the national gazetteer's thousands of
        places, except the places the rest of the graph refers to (with their descriptions)
        and the divisions those replaced or were replaced by."""
        reference = set(self.reference_graphs())
        if not reference:
            return self.union()
        merged = bind_prefixes(Graph())
        for triple in self.ontology:
            merged.add(triple)
        for name, path in self.files.items():
            if name not in reference and path.parent.name not in ("shapes", "ontology"):
                for triple in self.dataset.graph(name):
                    merged.add(triple)
        referenced = {o for o in merged.objects() if isinstance(o, URIRef)} | set(merged.subjects())
        # with their history: the divisions they replaced or that replaced them (水富县 530630)
        history = (DCTERMS.replaces, DCTERMS.isReplacedBy)
        todo = list(referenced)
        while todo:
            node = todo.pop()
            for name in reference:
                for predicate in history:
                    for other in self.dataset.graph(name).objects(node, predicate):
                        if other not in referenced:
                            referenced.add(other)
                            todo.append(other)
        for name in reference:
            gazetteer = self.dataset.graph(name)
            for subject in referenced:
                for triple in gazetteer.triples((subject, None, None)):
                    merged.add(triple)
        return merged

    def files_defining(self, node) -> list[Path]:
        """The files in which ``node`` is a subject: where a reader should look for it."""
        found = []
        for name, path in self.files.items():
            graph = self.dataset.graph(name)
            if (node, None, None) in graph:
                found.append(path)
        return found


def _load_files(dataset: Dataset, files: Iterable[Path], target: Graph, registry: dict[URIRef, Path],
                naming: Callable[[Path], URIRef] = graph_name) -> None:
    for path in files:
        name = naming(path)
        one_graph_per_file(name, path, registry)
        named = dataset.graph(name)
        parse_into(named, path)
        registry[name] = Path(path)
        for triple in named:
            target.add(triple)


def load(data: Sequence[Path] | None = None, *, ontology: Sequence[Path] | None = None,
         shapes: Sequence[Path] | None = None, workspace: Path | str | bool | None = None) -> Loaded:
    """Load ontology, shapes and data files (by default the project's own).

    ``workspace``: the directory of `kg import` / `kg link` graphs to add, each as its own named
    graph. By default (None) the default workspace ($KG_WORKSPACE or ./county-kg-data) is added
    when loading the project's own data and it exists; with explicit ``data`` files it is added
    only when given. False never adds one.
    """
    dataset = Dataset(default_union=False)
    bind_prefixes(dataset)
    onto_graph, shapes_graph, data_graph = (bind_prefixes(Graph()) for _ in range(3))
    registry: dict[URIRef, Path] = {}
    _load_files(dataset, ontology if ontology is not None else ontology_files(), onto_graph, registry)
    _load_files(dataset, shapes if shapes is not None else shape_files(), shapes_graph, registry)
    _load_files(dataset, data if data is not None else data_files(), data_graph, registry)
    space = _workspace_for(data, workspace)
    if space is not None:
        _load_files(dataset, workspace_files(space), data_graph, registry, naming=workspace_graph_name)
    return Loaded(dataset, onto_graph, shapes_graph, data_graph, registry, space)


def _workspace_key() -> tuple:
    """What the default workspace holds now: a cached project is reloaded when it changes."""
    space = _workspace_for(None, None)
    if space is None:
        return ()
    return (str(space.resolve()),
            *((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in workspace_files(space)))


@cache
def _cached_project(_key: tuple = ()) -> Loaded:
    return load()


def project(cached: bool = True) -> Loaded:
    """The project's own graph, with the default workspace's imports and link sets (if any).
    Cached (per state of the workspace): callers must not modify it."""
    return _cached_project(_workspace_key()) if cached else load()


def project_graph() -> Graph:
    """Ontology and all curated data merged into one fresh graph."""
    return load().union()
