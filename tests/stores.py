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


def validated_after_adding(directory: Path, base: list[Path], added: Path, *, through_record: bool = False,
                           **options):
    """(before, after, scratch): ``base`` validated whole; the generation with ``added`` too,
    validated incrementally from it (kg.validate.store.validate_changes); the same generation
    validated whole, each check's query run as written on the whole store (the reference). ``through_record``: ``before`` is its record read again (as an import
    reads the previous generation's), and ``after`` the record of the incremental validation
    read again."""
    store = GraphStore(directory)
    store.update(project.inputs(base))
    with store.reader() as view:
        before = vstore.validate(StoreGraph.of(view), **options)
        if through_record:
            before = vstore.from_record(StoreGraph.of(view), vstore.to_record(before, "k"), "k")
    store.update(project.inputs([*base, added]))
    with store.reader() as view:
        graph = StoreGraph.of(view)
        joined = project.inputs([added])[-1].graph
        text = Path(view.ntriples_path(joined)).read_bytes()
        after = vstore.validate_changes(graph, before, text, b"", touched={joined}, **options)
        if through_record:
            after = vstore.from_record(graph, vstore.to_record(after, "k"), "k")
        scratch = vstore.validate(StoreGraph.of(view), reference_checks=True, **options)
    return before, after, scratch
