"""What `kg serve` answers from: a data source opened once, before serving, and the store each
query reads.

A source is opened in the server process; each query then runs in a process of its own
(kg.publish.isolate) and asks :meth:`DataSource.query_store` there for the store to read.
:class:`ProjectSource` loads the project (with the default workspace) into an in-memory
Oxigraph store, which a forked query process shares copy-on-write; :class:`StoreDirectory`
reads an on-disk Oxigraph store, opened read-only by each query process for itself (a store
handle, with its files and threads, is never carried across a fork).
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from kg.errors import KgError

#: A file `kg serve --store DIR` writes in a store it filled, so that it refills only such a
#: store (never an Oxigraph store it did not write).
MARKER = "county-kg-serve-store.txt"


def project_files() -> list[Path]:
    """The files the project's graph is made of: the ontology, the curated data and the
    default workspace's imports and link sets (the shapes are not part of it)."""
    from kg.store.load import data_files, default_workspace, ontology_files, workspace_files

    workspace = default_workspace()
    return [*ontology_files(), *data_files(), *(workspace_files(workspace) if workspace.is_dir() else [])]


class DataSource(Protocol):
    """The graph a server answers from."""

    def open(self) -> None:
        """Make the data ready (in the server process, before serving)."""

    def describe(self) -> str:
        """One line for the server's banner: what is served."""

    def query_store(self) -> ox.Store:
        """The store a query reads (called in the query's own process)."""


class ProjectSource:
    """The project's files and the default workspace, in an in-memory store."""

    def __init__(self) -> None:
        self._store: ox.Store | None = None

    def open(self) -> None:
        from kg.store.oxigraph import open_store

        self._store = open_store(project_files())

    def describe(self) -> str:
        return f"the project's graph ({len(self.query_store())} triples, in memory)"

    def query_store(self) -> ox.Store:
        if self._store is None:
            raise KgError("the data source was not opened")
        return self._store


class StoreDirectory:
    """An on-disk Oxigraph store, read-only. ``fill``: first (re)load the project into it,
    as `kg serve --store DIR` does; only a new or empty directory, or a store this command
    filled before (it holds :data:`MARKER`), is written."""

    def __init__(self, location: Path, fill: bool = True) -> None:
        self.location = Path(location)
        self.fill = fill

    def open(self) -> None:
        if self.fill:
            self._fill()
        elif not self.location.is_dir():
            raise KgError(f"{self.location}: no such store directory")

    def _fill(self) -> None:
        from kg.store.oxigraph import open_store

        location = self.location
        if location.exists() and not location.is_dir():
            raise KgError(f"{location}: not a directory (--store takes a directory for the Oxigraph store)")
        if location.is_dir() and any(location.iterdir()) and not (location / MARKER).exists():
            raise KgError(f"{location}: not empty and not a store `kg serve` filled; "
                          f"give an empty or new directory to --store")
        location.mkdir(parents=True, exist_ok=True)
        memory = open_store(project_files())  # every file read before the store is touched
        store = ox.Store(str(location))
        store.clear()  # what the last run wrote: the store holds the project as it is now
        store.extend(memory)
        store.flush()
        del store, memory  # the store's files are closed before any query process starts
        (location / MARKER).write_text("An Oxigraph store filled by `kg serve --store`; it refills it on every start.\n",
                                       encoding="utf-8")
        gc.collect()

    def describe(self) -> str:
        return f"the Oxigraph store in {self.location} (read-only)"

    def query_store(self) -> ox.Store:
        try:
            return ox.Store.read_only(str(self.location))
        except OSError as exc:
            raise KgError(f"{self.location}: cannot open the store: {exc}") from None


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
