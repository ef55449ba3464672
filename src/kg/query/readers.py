"""Where a reading command's graph lives: the embedded store over the local files, or a SPARQL
1.1 Protocol endpoint. ``kg analyze``, ``kg viz`` and ``kg link`` read their graph through one
:class:`Origin`, asking the same query text of either, so a graph in a provincial Virtuoso or
Fuseki gives the same analysis, pictures and links as the same graph in local files.

A :class:`Reader` answers ``triples(where)``: the triples ``?s ?p ?o`` a WHERE clause binds,
as an rdflib Graph, asked as ``CONSTRUCT { ?s ?p ?o } WHERE { ... }``
(kg.store.sparqltext.triples_query). :class:`kg.query.engines.Engines` answers for the local
files, :class:`kg.query.remote.Endpoint` for an endpoint, and also makes sure no triple was
left out by the server's result limit (Virtuoso cuts a CONSTRUCT answer at its
ResultSetMaxRows without saying so). A graph computed from several such answers
(kg.explore.network.explorable_graph) is asked for through ``remembered(key, answer)``: the
project's store keeps it beside its generation, an endpoint is asked again each time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol

from rdflib import Graph

from kg import http
from kg.errors import KgError

#: Seconds to wait for an endpoint (connecting, and each read) unless told otherwise.
DEFAULT_TIMEOUT = 60.0


class Reader(Protocol):
    """What answers a reading command's query."""

    def triples(self, where: str) -> Graph:
        """The triples ``?s ?p ?o`` that ``where`` binds."""
        ...

    def remembered(self, key: str, answer: Callable[[], Graph]) -> Graph:
        """The graph ``answer()`` gives (it asks this reader), kept under ``key`` where the
        reader can keep it (the project's store: beside its generation, which never changes,
        so ``key`` must name everything the graph depends on besides the graph read)."""
        ...


@dataclass
class Origin:
    """The graph a command reads. ``endpoint``: a SPARQL 1.1 Protocol query URL (None: the local
    files: ``loaded`` if given, a kg.store.load.Loaded or a pyoxigraph Store whose default graph
    is the graph (a build's store), else the project's store, brought up to date first
    (kg.store.project.opened)); ``default_graphs``: with an
    endpoint, the graphs its queries read as their default graph; ``timeout``: with an endpoint,
    seconds to wait for it. Credentials for an endpoint come from the environment (kg.http).

    Raises KgError for an endpoint that is no http(s) URL, and for endpoint options given
    without an endpoint."""

    endpoint: str | None = None
    default_graphs: tuple[str, ...] = ()
    timeout: float | None = None
    loaded: object | None = field(default=None, repr=False)
    #: the local files only: the workspace whose imports and link sets the project's store follows
    #: (None: $KG_WORKSPACE, else ./county-kg-data)
    workspace: object | None = None

    def __post_init__(self) -> None:
        self.default_graphs = tuple(self.default_graphs)
        if self.endpoint is None:
            if self.default_graphs:
                raise KgError("--default-graph applies to --endpoint")
            if self.timeout is not None:
                raise KgError("--timeout applies to --endpoint (the local files are read whole)")
        else:
            http.check_url(self.endpoint)

    @contextmanager
    def open(self) -> Iterator[Reader]:
        """A :class:`Reader` for this origin, closed on leaving."""
        if self.endpoint is None:
            from kg.query.engines import Engines
            from kg.store.engine import is_store

            engines = (Engines(store=self.loaded) if is_store(self.loaded)
                       else Engines(self.loaded, workspace=self.workspace))
            try:
                yield engines
            finally:
                engines.close()
            return
        from kg.query.remote import Endpoint

        # 0 ("no limit") waits a day: the HTTP client needs a finite wait
        with Endpoint(self.endpoint, default_graphs=self.default_graphs,
                      timeout=(self.timeout or http.NO_LIMIT) if self.timeout is not None else DEFAULT_TIMEOUT) as endpoint:
            yield endpoint

    def triples(self, where: str) -> Graph:
        """The triples ``?s ?p ?o`` that ``where`` binds at this origin, as an rdflib graph."""
        with self.open() as reader:
            return reader.triples(where)
