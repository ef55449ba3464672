"""Serialise the merged graph: Turtle, N-Triples, JSON-LD (one graph) or TriG (named graphs)."""

from __future__ import annotations

import sys
from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.compare import to_canonical_graph

from kg import atomic
from kg.errors import KgError
from kg.namespaces import GRAPH, PREFIXES, bind_prefixes
from kg.store.load import Loaded, load
from kg.store.tags import registered_graph, registered_term

FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "trig": "trig"}
EXTENSIONS = {"ttl": ".ttl", "nt": ".nt", "jsonld": ".jsonld", "trig": ".trig"}


def jsonld_context() -> dict[str, str]:
    return {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}


def _named_graphs(loaded: Loaded) -> Dataset:
    """Ontology and data files as named graphs (shapes are not part of the knowledge graph)."""
    dataset = bind_prefixes(Dataset(default_union=False))
    for name, path in loaded.files.items():
        if str(name).startswith(str(GRAPH["ontology/shapes/"])):
            continue
        target = dataset.graph(name)
        for s, p, o in loaded.dataset.graph(name):
            target.add((s, p, registered_term(o)))
    return dataset


def serialize(loaded: Loaded, fmt: str) -> bytes:
    if fmt not in FORMATS:
        raise KgError(f"unknown export format {fmt!r} (expected {', '.join(FORMATS)})")
    if fmt == "trig":
        return _named_graphs(loaded).serialize(format="trig", encoding="utf-8")
    graph: Graph = registered_graph(loaded.union())  # tags in registered case, as every output
    if fmt == "jsonld":
        return graph.serialize(format="json-ld", context=jsonld_context(), encoding="utf-8", ensure_ascii=False)
    if fmt == "nt":
        # N-Triples in a stable order with canonical blank-node labels, so that two builds of
        # the same data are byte-identical.
        lines = to_canonical_graph(graph).serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
        return ("\n".join(sorted(line for line in lines if line.strip())) + "\n").encode("utf-8")
    return graph.serialize(format=FORMATS[fmt], encoding="utf-8")


def export(fmt: str, output: str | Path, loaded: Loaded | None = None) -> int:
    """Write the merged graph to ``output`` ("-" for stdout); returns the number of bytes."""
    data = serialize(loaded or load(), fmt)
    if str(output) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        atomic.write_bytes(Path(output), data)
    return len(data)
