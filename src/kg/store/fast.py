"""A graph read for the pipeline for large graphs: every file loaded into one pyoxigraph store,
with the shapes and what the summary needs to know about where the triples came from.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import RDFS

from kg.namespaces import bind_prefixes
from kg.store import ntriples
from kg.store.oxigraph import load_file

Progress = Callable[[str], None]


SUBCLASS = str(RDFS.subClassOf)


_format = ntriples.rdf_format


def _quiet(_message: str) -> None:
    pass


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
    from kg.store.load import data_files as project_data
    from kg.store.load import ontology_files as project_ontology
    from kg.store.load import parse_into, shape_files

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
