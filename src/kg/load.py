"""Load the ontology, shapes and data into rdflib, one named graph per file.

This is the single place that reads RDF files: it turns parser failures into errors that
name the file and line, and it records which file every triple came from so reports can
point back to it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax

from . import paths
from .errors import KgError
from .namespaces import GRAPH, bind_prefixes

_FORMATS = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld", ".trig": "trig", ".rdf": "xml", ".owl": "xml", ".nq": "nquads"}


def rdf_format(path: Path) -> str:
    try:
        return _FORMATS[path.suffix.lower()]
    except KeyError:
        raise KgError(f"{path}: unknown RDF file type {path.suffix!r} (expected one of {', '.join(sorted(_FORMATS))})") from None


def parse_into(graph: Graph, path: Path) -> Graph:
    """Parse ``path`` into ``graph``; a missing file or a syntax error becomes a KgError
    naming the file and, where the parser knows it, the line."""
    path = Path(path)
    if not path.is_file():
        raise KgError(f"{path}: no such file")
    try:
        graph.parse(path, format=rdf_format(path))
    except BadSyntax as exc:
        # rdflib's Turtle parser counts lines from 0 in `lines`; people count from 1.
        raise KgError(f"{path}:{exc.lines + 1}: Turtle syntax error: {exc.message}") from None
    except (SyntaxError, ValueError) as exc:
        line = re.search(r"line (\d+)", str(exc))
        where = f":{line.group(1)}" if line else ""
        raise KgError(f"{path}{where}: cannot parse: {exc}") from None
    return graph


def parse_file(path: Path) -> Graph:
    return parse_into(bind_prefixes(Graph()), path)


def ontology_files() -> list[Path]:
    return [paths.ontology_file()]


def shape_files() -> list[Path]:
    return sorted(paths.shapes_dir().glob("*.ttl"))


def data_files() -> list[Path]:
    """The curated data, in a stable order: shared resources, the source, then themes."""
    data = paths.data_dir()
    return [
        *sorted((data / "core").glob("*.ttl")),
        *sorted((data / "sources").glob("*.ttl")),
        *sorted((data / "themes").glob("*.ttl")),
    ]


def graph_name(path: Path) -> URIRef:
    """The named graph a file is loaded into: stable, derived from its place in the project."""
    path = Path(path).resolve()
    try:
        relative = path.relative_to(paths.root().resolve())
    except ValueError:
        return GRAPH["file/" + path.stem]
    return GRAPH[str(relative.with_suffix("")).replace("\\", "/")]


@dataclass
class Loaded:
    """Everything one load produced: the named graphs, and which file each came from."""

    dataset: Dataset
    ontology: Graph
    shapes: Graph
    data: Graph
    files: dict[URIRef, Path]

    def union(self) -> Graph:
        """Ontology plus data (not shapes) in one graph: what queries and exports see."""
        merged = bind_prefixes(Graph())
        for triple in self.ontology:
            merged.add(triple)
        for triple in self.data:
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


def _load_files(dataset: Dataset, files: Iterable[Path], target: Graph, registry: dict[URIRef, Path]) -> None:
    for path in files:
        name = graph_name(path)
        named = dataset.graph(name)
        parse_into(named, path)
        registry[name] = Path(path)
        for triple in named:
            target.add(triple)


def load(data: Sequence[Path] | None = None, *, ontology: Sequence[Path] | None = None,
         shapes: Sequence[Path] | None = None) -> Loaded:
    """Load ontology, shapes and data files (by default the project's own)."""
    dataset = Dataset(default_union=False)
    bind_prefixes(dataset)
    onto_graph, shapes_graph, data_graph = (bind_prefixes(Graph()) for _ in range(3))
    registry: dict[URIRef, Path] = {}
    _load_files(dataset, ontology if ontology is not None else ontology_files(), onto_graph, registry)
    _load_files(dataset, shapes if shapes is not None else shape_files(), shapes_graph, registry)
    _load_files(dataset, data if data is not None else data_files(), data_graph, registry)
    return Loaded(dataset, onto_graph, shapes_graph, data_graph, registry)


@cache
def _cached_project() -> Loaded:
    return load()


def project(cached: bool = True) -> Loaded:
    """The project's own graph. Cached: callers must not modify it."""
    return _cached_project() if cached else load()


def project_graph() -> Graph:
    """Ontology and all curated data merged into one fresh graph."""
    return load().union()
