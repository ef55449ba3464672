"""Serialise the merged graph: Turtle, N-Triples, JSON-LD (one graph) or TriG (named graphs)."""

from __future__ import annotations

import sys
from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.compare import to_canonical_graph

from kg import outputs
from kg.errors import KgError
from kg.namespaces import GRAPH, PREFIXES, bind_prefixes
from kg.store.load import Loaded, load

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
        for triple in loaded.dataset.graph(name):
            target.add(triple)
    return dataset


def serialize(loaded: Loaded, fmt: str) -> bytes:
    if fmt not in FORMATS:
        raise KgError(f"unknown export format {fmt!r} (expected {', '.join(FORMATS)})")
    if fmt == "trig":
        return _named_graphs(loaded).serialize(format="trig", encoding="utf-8")
    graph: Graph = loaded.union()
    if fmt == "jsonld":
        return graph.serialize(format="json-ld", context=jsonld_context(), encoding="utf-8", ensure_ascii=False)
    if fmt == "nt":
        # N-Triples in a stable order with canonical blank-node labels, so that two builds of
        # the same data are byte-identical.
        lines = to_canonical_graph(graph).serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
        return ("\n".join(sorted(line for line in lines if line.strip())) + "\n").encode("utf-8")
    return graph.serialize(format=FORMATS[fmt], encoding="utf-8")


def export(fmt: str, output: str | Path, loaded: Loaded | None = None, *, force: bool = False) -> int:
    """Write the merged graph to ``output`` ("-" for stdout); returns the number of bytes.

    A file is claimed before the graph is loaded (kg.outputs.claim_file: an existing file
    is replaced only if it carries kg's generator mark, or with ``force``); Turtle, TriG and
    N-Triples open with that mark (JSON-LD has no comments, so it carries none)."""
    if fmt not in FORMATS:
        raise KgError(f"unknown export format {fmt!r} (expected {', '.join(FORMATS)})")
    target = None if str(output) == "-" else outputs.claim_file(output, force=force)
    data = serialize(loaded or load(), fmt)
    if fmt != "jsonld":
        data = outputs.generator_comment("kg export").encode("utf-8") + data
    if target is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        target.write_bytes(data)
    return len(data)
