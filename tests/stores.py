"""Stores for tests: files with the project's ontology in a temporary store (kg.store.project),
and a generation validated after one more file joined it, as ``kg import`` and ``kg build`` do."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from kg.store import project
from kg.store.graph import StoreGraph
from kg.store.persistent import GraphStore
from kg.validate import store as vstore


@contextmanager
def store_graph(files):
    """The project's ontology and ``files`` (as its data), in a temporary store."""
    with project.temporary(files) as view:
        yield StoreGraph.of(view)


def validated_after_adding(directory: Path, base: list[Path], added: Path, **options):
    """(before, after, scratch): ``base`` validated whole; the generation with ``added`` too,
    validated incrementally from it (kg.validate.store.validate_changes); the same generation
    validated whole."""
    store = GraphStore(directory)
    store.update(project.inputs(base))
    with store.reader() as view:
        before = vstore.validate(StoreGraph.of(view), **options)
    store.update(project.inputs([*base, added]))
    with store.reader() as view:
        graph = StoreGraph.of(view)
        joined = project.inputs([added])[-1].graph
        text = Path(view.ntriples_path(joined)).read_bytes()
        after = vstore.validate_changes(graph, before, text, b"", touched={joined}, **options)
        scratch = vstore.validate(StoreGraph.of(view), **options)
    return before, after, scratch
