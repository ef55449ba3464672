"""The ontology's documentation as one HTML page, made by pyLODE."""

from __future__ import annotations

import importlib
import sys
import types
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import RDF, SKOS

from kg import paths


def import_pylode():
    """Import pyLODE. Its 3.4.1 wheel reads its own version from a pyproject.toml it does
    not ship (RDFLib/pyLODE#260), so the import fails; stand in for that one module then."""
    try:
        return importlib.import_module("pylode")
    except FileNotFoundError:
        for name in [n for n in sys.modules if n == "pylode" or n.startswith("pylode.")]:
            del sys.modules[name]
        version = types.ModuleType("pylode.version")
        version.__version__ = "3.4.1"
        sys.modules["pylode.version"] = version
        return importlib.import_module("pylode")


def documentation_graph(ontology: Path | None = None) -> Graph:
    """The ontology without its skos:ConceptScheme typing: pyLODE takes any concept scheme
    for the ontology itself and mixes the page's metadata up."""
    graph = Graph().parse(ontology or paths.ontology_file())
    graph.remove((None, RDF.type, SKOS.ConceptScheme))
    return graph


def write_html(destination: Path, ontology: Path | None = None) -> Path:
    import_pylode().OntPub(ontology=documentation_graph(ontology)).make_html(destination=str(destination))
    return destination
