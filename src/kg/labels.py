"""Human-readable names for nodes, in the language the reader asked for."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

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
    if isinstance(node, BNode):
        return blank_node(graph, node)
    return f"_:{node}"


def blank_node(graph: Graph, node: BNode) -> str:
    """A blank node as a reader can find it in the data: ``[] (ckg:evidence of obs:x)`` (the
    first statement, in sorted order, that names it), else ``[] (a ckg:Observation; rdfs:label
    "x"@en)`` (what is said of it). rdflib labels blank nodes at random on every parse, so a
    label such as ``_:n12e25...`` changes from run to run and is found in no file."""
    referrers = sorted((compact(graph, p), compact(graph, s)) for s, p in graph.subject_predicates(node)
                       if isinstance(s, URIRef))
    if referrers:
        predicate, subject = referrers[0]
        return f"[] ({predicate} of {subject})"
    said = sorted(compact(graph, o) for o in graph.objects(node, RDF.type) if isinstance(o, URIRef))
    said = [f"a {', '.join(said)}"] if said else []
    others = sorted(f"{compact(graph, p)} {_term(graph, o)}" for p, o in graph.predicate_objects(node)
                    if p != RDF.type)
    said += others[:2] + (["..."] if len(others) > 2 else [])
    return f"[] ({'; '.join(said)})" if said else "[] (a blank node)"


def _term(graph: Graph, node) -> str:
    if isinstance(node, Literal):
        text = '"' + str(node).replace("\\", "\\\\").replace('"', '\\"') + '"'
        return f"{text}@{node.language}" if node.language else text
    return "[]" if isinstance(node, BNode) else compact(graph, node)
