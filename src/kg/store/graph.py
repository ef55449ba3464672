"""A generation of the store as the steps after it see it: the Oxigraph store (default graph =
the union), the input files in order, their cached N-Triples (terms as written), the shapes,
and what the summary needs to know about where triples came from.

Validation, the summary, the catalog and the exports all take a :class:`StoreGraph`; it is
made from a published generation (:meth:`StoreGraph.of`, a ``Reader``) or from one being
written (a ``Draft``, whose validation decides whether it is published).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import RDFS

from kg.namespaces import bind_prefixes
from kg.store.persistent import Entry

SUBCLASS = str(RDFS.subClassOf)
#: Above this many nodes, :meth:`StoreGraph.files_defining` reads the cached files once rather
#: than the store's quads of each node.
MANY_NODES = 2_000


@dataclass
class StoreGraph:
    """``store``: the generation's Oxigraph store (read-only or a draft's); ``entries``: its
    named graphs in input order, each with the cached N-Triples file ``paths[graph]``."""

    store: ox.Store
    entries: list[Entry]
    paths: dict[str, Path]
    triples: int = -1  # the default graph's size (the union), if known
    seconds: dict[str, float] = field(default_factory=dict)

    @classmethod
    def of(cls, view) -> StoreGraph:
        """The graph of a ``kg.store.persistent`` Reader or Draft."""
        entries = view.manifest.ordered()
        # (each cache file checked against the manifest: kg.store.persistent.GraphStore.cache_file)
        return cls(view.store, entries, {e.graph: view.ntriples_path(e.graph) for e in entries},
                   view.manifest.triples)

    # -- files --------------------------------------------------------------------------------

    @property
    def files(self) -> list[Path]:
        return [Path(e.path) for e in self.entries]

    @property
    def ontology_entries(self) -> list[Entry]:
        return [e for e in self.entries if e.role == "ontology"]

    @property
    def data_entries(self) -> list[Entry]:
        return [e for e in self.entries if e.role != "ontology"]

    def ntriples(self, entries: Iterable[Entry] | None = None) -> bytes:
        """The cached N-Triples of ``entries`` (default: all, in input order), joined."""
        return b"".join(self.paths[e.graph].read_bytes() for e in (self.entries if entries is None else entries))

    @cached_property
    def source_ntriples(self) -> bytes:
        """Ontology and data with the terms exactly as the files write them: what SHACL must
        see (the store keeps values, not lexical forms)."""
        return self.ntriples()

    def ontology_ntriples(self) -> bytes:
        return self.ntriples(self.ontology_entries)

    @cached_property
    def shapes(self) -> Graph:
        from kg.store.load import parse_into, shape_files

        started = time.perf_counter()
        graph = bind_prefixes(Graph())
        for path in shape_files():
            parse_into(graph, path)
        self.seconds["shapes"] = time.perf_counter() - started
        return graph

    def files_defining(self, nodes: Iterable) -> dict[str, list[Path]]:
        """The files in which each node of ``nodes`` is a subject (its named graphs), in input
        order: where a reader of a report should look for it. A blank node is its file's (its
        label carries the file's digest)."""
        order = {e.graph: i for i, e in enumerate(self.entries)}
        by_graph = {e.graph: Path(e.path) for e in self.entries}
        # a blank node's label starts with its file's digest (kg.store.persistent's cache)
        by_digest = {e.sha256[:12] + "x": Path(e.path) for e in self.entries}
        found: dict[str, list[Path]] = {}
        nodes = list(nodes)
        if len(nodes) > MANY_NODES:
            found = self._scan_for_subjects({str(n) for n in nodes if type(n).__name__ != "BNode"
                                             and not str(n).startswith("_:")})
        for node in nodes:
            key = str(node)
            if key in found or not key:
                continue
            if type(node).__name__ == "BNode" or key.startswith("_:"):
                label = key.removeprefix("_:")
                found[key] = [by_digest[label[:13]]] if label[:13] in by_digest else []
                continue
            graphs = {q.graph_name.value for q in self.store.quads_for_pattern(ox.NamedNode(key), None, None, None)
                      if isinstance(q.graph_name, ox.NamedNode)}
            found[key] = [by_graph[g] for g in sorted(graphs, key=lambda g: order.get(g, len(order))) if g in by_graph]
        return found

    def _scan_for_subjects(self, wanted: set[str]) -> dict[str, list[Path]]:
        """:meth:`files_defining` for many nodes at once (a national table's tens of thousands
        of warnings): one pass over each input's cached N-Triples, instead of every quad of
        every node."""
        keys = {f"<{n}>".encode(): n for n in wanted}
        found: dict[str, list[Path]] = {n: [] for n in wanted}
        for entry in self.entries:
            path = Path(entry.path)
            seen = set()
            with open(self.paths[entry.graph], "rb") as handle:
                for line in handle:
                    subject = line[:line.find(b" ")]
                    if subject in keys and subject not in seen:
                        seen.add(subject)
                        found[keys[subject]].append(path)
        return found

    # -- what the summary counts -------------------------------------------------------------

    def __len__(self) -> int:
        if self.triples >= 0:
            return self.triples
        return int(next(iter(self.store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value)

    @cached_property
    def ontology_only(self) -> list[ox.Triple]:
        """The ontology's triples that no data graph states too (the summary counts data only)."""
        ontology = {e.graph for e in self.ontology_entries}
        found = []
        for graph in ontology:
            for quad in self.store.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
                stated = {q.graph_name.value for q in self.store.quads_for_pattern(quad.subject, quad.predicate,
                                                                                   quad.object, None)
                          if isinstance(q.graph_name, ox.NamedNode)}
                if stated <= ontology:
                    found.append(quad.triple)
        return found

    @property
    def data_triples(self) -> int:
        """The triples of the data graphs, as a set (the ontology's left out)."""
        return len(self) - len(set(self.ontology_only))
