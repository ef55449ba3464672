"""Canonical blank-node labels, so that the same graph is written with the same bytes.

rdflib labels blank nodes at random when it parses; the exports name them from what is said
about them instead (rdflib.compare.to_canonical_graph). That algorithm individualizes nodes it
cannot tell apart and tries every choice: on a graph holding the same blank-node structure
twice (the project's own export added to the project: every list, every restriction doubled)
it did not finish in ten minutes. Blank nodes connected to each other are canonicalized
together, each such group on its own, and its labels are named by the hash of its canonical
triples; groups that come out identical are the same statements said again, and each further
copy gets its labels with a suffix ("-2", "-3", ...), so no triple is dropped or merged.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable

from rdflib import BNode, Graph
from rdflib.compare import to_canonical_graph

Triple = tuple


def canonical_blank_triples(triples: Iterable[Triple]) -> list[Triple]:
    """``triples`` (rdflib terms; each holds a blank node as subject or object) with their
    blank nodes relabelled canonically; the same triples in any order and with any labels
    give the same result. Triples without a blank node may be given: they come back as they
    are. Returns the triples in no particular order (writers sort)."""
    triples = list(triples)
    parent: dict[BNode, BNode] = {}

    def root(node: BNode) -> BNode:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    plain = []
    for s, _p, o in triples:
        ends = [term for term in (s, o) if isinstance(term, BNode)]
        if not ends:
            continue
        if len(ends) == 2:
            a, b = root(ends[0]), root(ends[1])
            if a != b:
                parent[a] = b
        else:
            root(ends[0])
    groups: dict[BNode, list[Triple]] = defaultdict(list)
    for triple in triples:
        s, _p, o = triple
        if isinstance(s, BNode):
            groups[root(s)].append(triple)
        elif isinstance(o, BNode):
            groups[root(o)].append(triple)
        else:
            plain.append(triple)
    result = list(plain)
    copies: dict[tuple[str, ...], int] = defaultdict(int)
    for members in groups.values():
        graph = Graph()
        for triple in members:
            graph.add(triple)
        canon = list(to_canonical_graph(graph))
        key = "\n".join(sorted(" ".join(term.n3() for term in triple) for triple in canon))
        copies[key] += 1
        # a group's canonical labels are unique within the group only: each becomes the hash of
        # the group's canonical triples and the label's place among the group's labels
        group = hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]
        suffix = f"-{copies[key]}" if copies[key] > 1 else ""
        local = {label: f"c{group}n{index}{suffix}" for index, label in
                 enumerate(sorted({term for triple in canon for term in triple if isinstance(term, BNode)}))}
        result.extend(tuple(BNode(local[term]) if isinstance(term, BNode) else term for term in triple)
                      for triple in canon)
    return result
