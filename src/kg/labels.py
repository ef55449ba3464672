"""Human-readable names for nodes, in the language the reader asked for."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from kg.languages import LANGUAGES  # noqa: F401 (re-exported)


def label(graph: Graph, node, lang: str = "en") -> str:
    """The node's rdfs:label in ``lang``, else in another of the project's languages, else its
    compact IRI: a report must always name what it talks about."""
    labels = {lit.language: str(lit) for lit in graph.objects(node, RDFS.label) if isinstance(lit, Literal)}
    for candidate in (lang, *LANGUAGES, None):
        if candidate in labels:
            return labels[candidate]
    return compact(graph, node)


def compact(graph: Graph, node) -> str:
    if isinstance(node, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(node)
        except Exception:  # rdflib raises bare exceptions for IRIs it cannot split
            return f"<{node}>"
    if isinstance(node, Literal):
        return str(node)
    return f"_:{node}"
