"""The graph the page tests read: the project's store (as `kg build` and `kg serve` read it)
made of the project's data plus fixtures/pages/imported.ttl (markup in labels, a name only in
Traditional characters, one indicator for two places over two years, a blank node)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pyoxigraph as ox

IMPORTED = Path(__file__).parent / "fixtures" / "pages" / "imported.ttl"
ID = "https://w3id.org/county-kg/id/"


@cache
def project_store() -> ox.Store:
    """An in-memory copy of a kg.store.persistent store of the project's data and the imported
    fixture: each file its named graph, their union the default graph (do not modify). In
    memory so that a query process forked by a test's server may read it (an on-disk store is
    reopened in each process, see kg.publish.source)."""
    from kg.store.load import data_files
    from kg.store.project import temporary

    store = ox.Store()
    with temporary([*data_files(), IMPORTED]) as view:
        store.extend(view.store.quads_for_pattern(None, None, None, None))
    return store
