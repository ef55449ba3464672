"""What `kg serve` answers from: a data source opened once, before serving, and the store each
query reads.

A source is opened in the server process; each query then runs in a process of its own
(kg.publish.isolate) and asks :meth:`DataSource.query_store` there for the store to read.
:class:`StoreDirectory` serves the project's persistent store (kg.store.persistent): brought
up to date when it is opened, then one generation held for the server's whole life (a writer
publishing the next one, `kg import` say, does not change what the server answers, nor can
remove the generation it reads), each query process opening that generation read-only for
itself (a store handle, with its files and threads, is never used across a fork). The pages
(kg.publish.resources) read the same generation through one read-only handle of the server
process (:meth:`DataSource.page_store`); a query process inherits it with its descriptors
closed (kg.publish.isolate) and never touches it.
:class:`GivenStore` serves a store made in code.
"""

from __future__ import annotations

import gc
from contextlib import ExitStack
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from kg.errors import KgError
from kg.words import counted


class DataSource(Protocol):
    """The graph a server answers from."""

    def open(self) -> None:
        """Make the data ready (in the server process, before serving)."""

    def describe(self) -> str:
        """One line for the server's banner: what is served."""

    def query_store(self) -> ox.Store:
        """The store a query reads (called in the query's own process)."""

    def page_store(self) -> ox.Store:
        """The store the pages read, in the server process (kg.publish.resources): opened once
        and kept while the server runs."""


class StoreDirectory:
    """The project's store in ``location`` (default: kg.store.project.location), read-only.
    ``refresh``: first bring it up to date with the project's files and workspace (one line
    on ``say`` when it was not)."""

    def __init__(self, location: Path | str | None = None, refresh: bool = True, say=None) -> None:
        from kg.store.project import location as default_location

        from kg.outputs import refuse_standard_output

        self.location = Path(location) if location is not None else default_location()
        refuse_standard_output(self.location, "a store")  # (before the server says it opens it)
        self.refresh = refresh
        self.say = say or (lambda message: None)
        self._held = ExitStack()
        self._view = None
        self._pages: ox.Store | None = None

    def open(self) -> None:
        from kg.store.persistent import GraphStore
        from kg.store.project import refresh

        store = GraphStore(self.location)
        if self.location.exists() and not self.location.is_dir():
            raise KgError(f"{self.location}: not a directory (--store takes the directory of a county-kg store)")
        if self.refresh:
            refresh(store, say=self.say)
        self._view = self._held.enter_context(store.reader())
        # the server process only holds the generation; each query process opens it itself
        self._view.store = None
        gc.collect()

    def close(self) -> None:
        self._pages = None
        self._held.close()
        self._view = None

    @property
    def generation(self) -> Path:
        if self._view is None:
            raise KgError("the data source was not opened")
        return self._view.generation

    def describe(self) -> str:
        triples = self._view.manifest.triples if self._view is not None else 0
        graphs = len(self._view.manifest.entries) if self._view is not None else 0
        return f"the store in {self.location} ({counted(triples, 'triple')} in {counted(graphs, 'named graph')})"

    def query_store(self) -> ox.Store:
        from kg.store.persistent import open_engine

        return open_engine(self.generation / "oxigraph")  # (a damaged store: one line naming it)

    def page_store(self) -> ox.Store:
        # One handle for every page, in the server process. A query process forked later
        # inherits it unused and opens its own (query_store).
        if self._pages is None:
            self._pages = self.query_store()
        return self._pages


class GivenStore:
    """A store already made (by the caller, in this process): for a server of a graph built
    in code."""

    def __init__(self, store: ox.Store, description: str = "a given store") -> None:
        self._store, self._description = store, description

    def open(self) -> None:
        pass

    def describe(self) -> str:
        return self._description

    def query_store(self) -> ox.Store:
        return self._store

    def page_store(self) -> ox.Store:
        return self._store
