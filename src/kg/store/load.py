"""Load the ontology, shapes and data into rdflib, one named graph per file.

This is the single place that reads RDF files: it turns parser failures into errors that
name the file and line, and it records which file every triple came from so reports can
point back to it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCTERMS, XSD

from kg import paths
from kg.errors import KgError
from kg.namespaces import GRAPH, bind_prefixes
from kg.store import syntax

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


def language_tag(tag: str) -> str:
    """A BCP 47 tag in its conventional case (RFC 5646, 2.1.1): zh-hans -> zh-Hans,
    en-gb -> en-GB; from an extension or private-use singleton on, everything stays lower case."""
    first, *rest = tag.lower().split("-")
    parts, verbatim = [first], len(first) == 1
    for part in rest:
        verbatim = verbatim or len(part) == 1
        if not verbatim and part.isalpha() and len(part) in (2, 4):
            part = part.upper() if len(part) == 2 else part.title()
        parts.append(part)
    return "-".join(parts)


def parse_file(path: Path) -> Graph:
    return parse_into(bind_prefixes(Graph()), path)


def ontology_files() -> list[Path]:
    return [paths.ontology_file()]


def shape_files() -> list[Path]:
    return sorted(paths.shapes_dir().glob("*.ttl"))


def data_files() -> list[Path]:
    """The curated data, in a stable order: shared resources, the gazetteer (generated from the
    division codes by `kg gazetteer`) and the units imported tables use, the sources'
    descriptions (the first article's in data/sources/, each added document's in its folder),
    the themes, then the facts accepted from added documents' reviews (``facts.ttl``)."""
    data = paths.data_dir()
    return [
        *sorted((data / "core").glob("*.ttl")),
        *sorted((data / "gazetteer").glob("*.ttl")),
        *sorted((data / "linking").glob("*.ttl")),
        *sorted((data / "sources").glob("*.ttl")),
        *sorted((data / "sources").glob("*/source.ttl")),
        *sorted((data / "themes").glob("*.ttl")),
        *sorted((data / "sources").glob("*/facts.ttl")),
    ]


#: RFC 3987's ucschar: the characters beyond ASCII an IRI's path holds as they are
_UCSCHAR = ((0xA0, 0xD7FF), (0xF900, 0xFDCF), (0xFDF0, 0xFFEF),
            *((plane << 16, (plane << 16) + 0xFFFD) for plane in range(1, 14)), (0xE1000, 0xEFFFD))
#: ASCII an IRI's path segment holds as it is (RFC 3987 ipchar: unreserved, sub-delims, ":", "@")
_PATH_ASCII = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@")


def iri_path(text: str) -> str:
    """``text`` (a file's path, segments separated by "/") as the path of an IRI (RFC 3987):
    every character an IRI's path does not hold as it is percent-encoded as its UTF-8 bytes
    (a space as %20, ">" as %3E, "#" as %23, "%" as %25); letters of any script are kept,
    as an IRI holds them (data/水富.ttl -> .../data/水富). The same text always gives the same
    IRI, and two texts never the same one."""
    out = []
    for char in text:
        code = ord(char)
        if char in _PATH_ASCII or char == "/" or any(low <= code <= high for low, high in _UCSCHAR):
            out.append(char)
        else:
            out.append("".join(f"%{byte:02X}" for byte in char.encode("utf-8", "surrogatepass")))
    return "".join(out)


def graph_name(path: Path) -> URIRef:
    """The named graph a file is loaded into: stable, derived from its place in the project
    (a file outside it: from its name), as an IRI path (:func:`iri_path`: `kg validate 'my
    data.ttl'` made the graph <.../file/my data>, which no store loads)."""
    path = Path(path).resolve()
    try:
        relative = path.relative_to(paths.root().resolve())
    except ValueError:
        return GRAPH["file/" + iri_path(path.stem)]
    return GRAPH[iri_path(str(relative.with_suffix("")).replace("\\", "/"))]


# -- the workspace: imported tables and link sets, outside the project's own files ----------

WORKSPACE_ENV = "KG_WORKSPACE"
WORKSPACE_DEFAULT = "county-kg-data"
#: workspace subdirectory -> named-graph path segment (imports/x.ttl -> graph/import/x)
WORKSPACE_KINDS = {"imports": "import", "links": "links"}


def default_workspace() -> Path:
    """Where `kg import` and `kg link` keep their graphs: $KG_WORKSPACE, else ./county-kg-data.
    Raises OutputRefused for KG_WORKSPACE=- (standard output holds no directory), as for
    ``--workspace -`` (kg.outputs.refuse_standard_output)."""
    from kg.outputs import refuse_standard_output

    value = os.environ.get(WORKSPACE_ENV)
    if value:
        refuse_standard_output(value, f"the workspace (${WORKSPACE_ENV})")
    return Path(value or Path.cwd() / WORKSPACE_DEFAULT)


def workspace_files(workspace: Path) -> list[Path]:
    """The workspace's graphs: one Turtle file per import and per link set, in a stable order
    (a hidden file is none: an import being written, see kg.link.importer)."""
    workspace = Path(workspace)
    return [path for kind in WORKSPACE_KINDS for path in sorted((workspace / kind).glob("*.ttl"))
            if not path.name.startswith(".")]


def workspace_graph_name(path: Path) -> URIRef:
    """imports/<slug>.ttl -> graph/import/<slug>; links/<slug>.ttl -> graph/links/<slug>."""
    path = Path(path)
    kind = WORKSPACE_KINDS.get(path.parent.name)
    if kind is None:
        raise KgError(f"{path}: not in a workspace's imports/ or links/ directory")
    return GRAPH[f"{kind}/{iri_path(path.stem)}"]


def _workspace_for(data, workspace) -> Path | None:
    if workspace is False:
        return None
    if workspace is None or workspace is True:
        if data is not None and workspace is None:
            return None  # explicit data files: the workspace only when asked for
        workspace = default_workspace()
    workspace = Path(workspace)
    if workspace.exists() and not workspace.is_dir():
        raise KgError(f"{workspace}: the workspace is not a directory (see --workspace and ${WORKSPACE_ENV})")
    return workspace if workspace.is_dir() else None


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


def one_graph_per_file(name: URIRef | str, path: Path, registry: dict) -> None:
    """A KgError when ``path`` would go to the named graph ``name`` that another file of the
    same load already went to (``registry``: name -> file). A file outside the project is
    named by its file name (:func:`graph_name`): `--add a/x.ttl --add b/x.ttl` merged the two
    into one graph <.../graph/file/x> without a word."""
    other = registry.get(name)
    if other is not None and Path(other).resolve() != Path(path).resolve():
        raise KgError(f"{path}: would be the named graph <{name}>, as {other} is (a file outside the project "
                      f"is named by its file name): rename one of them")


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
