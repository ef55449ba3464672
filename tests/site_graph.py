"""The graph the page tests read: the project's (as `kg serve` loads it) plus
fixtures/pages/imported.ttl (markup in labels, a name only in Traditional characters, one
indicator for two places over two years, a blank node)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pyoxigraph as ox

IMPORTED = Path(__file__).parent / "fixtures" / "pages" / "imported.ttl"
ID = "https://w3id.org/county-kg/id/"


@cache
def project_store() -> ox.Store:
    """An in-memory store of the project and the imported fixture (do not modify)."""
    from kg.publish.source import project_files
    from kg.store.oxigraph import open_store

    return open_store([*project_files(), IMPORTED])
