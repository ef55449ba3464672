"""The ontology's documentation as one HTML page, made by pyLODE.

Two things pyLODE 3.4 does not do are done here: a term labelled in several languages gets
one heading with each language's label once, English first ("Policy instrument · 政策工具"),
where pyLODE runs them together ("Policy instrument政策工具政策工具"); and the page is the
same bytes on every build (pyLODE orders the classes of a union as a Python set does).
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rdflib import Graph, Literal
from rdflib.namespace import DC, DCTERMS, RDF, RDFS, SDO, SKOS

from kg import paths
from kg.labels import LANGUAGES

#: The properties pyLODE shows as a term's title (it copies them all to dcterms:title:
#: pylode/profiles/ontpub.py, OntPub._ontdoc_inference).
TITLE_PROPERTIES = (DCTERMS.title, RDFS.label, SKOS.prefLabel, DC.title, SDO.name)
#: Between the labels of one term; not ASCII, so pyLODE's fragment ids (the ASCII letters of
#: the title) stay those of the English label: #Policyinstrument.
SEPARATOR = " · "


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


def _language_order(literal: Literal) -> tuple:
    """English first (the page's language), then the project's other languages, then others."""
    order = ("en", *(tag for tag in LANGUAGES if tag != "en"))
    language = literal.language or ""
    return (order.index(language) if language in order else len(order), language)


def one_title_each(graph: Graph) -> Graph:
    """Replace, in place, the labels of every term labelled in more than one language by one
    dcterms:title: each distinct label once, English first, joined by SEPARATOR."""
    for subject in sorted(set(graph.subjects()), key=str):
        labels = [(p, o) for p in TITLE_PROPERTIES for o in graph.objects(subject, p) if isinstance(o, Literal)]
        if len({o.language for _p, o in labels}) < 2:
            continue
        texts = dict.fromkeys(str(o) for _p, o in sorted(labels, key=lambda pair: _language_order(pair[1])))
        for label in labels:
            graph.remove((subject, *label))
        graph.add((subject, DCTERMS.title, Literal(SEPARATOR.join(texts))))
    return graph


def documentation_graph(ontology: Path | None = None) -> Graph:
    """The ontology as pyLODE should see it: one title per term (:func:`one_title_each`),
    and without its skos:ConceptScheme typing (pyLODE takes any concept scheme for the
    ontology itself and mixes the page's metadata up)."""
    graph = Graph().parse(ontology or paths.ontology_file())
    graph.remove((None, RDF.type, SKOS.ConceptScheme))
    return one_title_each(graph)


@contextmanager
def _unions_in_a_stable_order() -> Iterator[None]:
    """pyLODE 3.4 gathers the classes of a union or intersection in a set of HTML elements
    (pylode/utils.py, rdf_obj_html: _setclass_html), which is iterated in a different order
    on every run; ``intersperse``, which joins them, is given them in the order of their HTML
    while the page is made."""
    utils = importlib.import_module("pylode.utils")
    original = utils.intersperse

    def stable(items, separator):
        return original(sorted(items, key=lambda item: item.render()), separator)

    utils.intersperse = stable
    try:
        yield
    finally:
        utils.intersperse = original


def write_html(destination: Path, ontology: Path | None = None) -> Path:
    """Write the ontology's documentation page to ``destination`` (HTML, UTF-8)."""
    pylode = import_pylode()
    with _unions_in_a_stable_order():
        pylode.OntPub(ontology=documentation_graph(ontology)).make_html(destination=str(destination))
    return destination
