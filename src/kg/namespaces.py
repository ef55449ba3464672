"""The project's namespaces, bound once so every graph prints the same prefixes."""

from __future__ import annotations

from rdflib import Graph, Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD

from kg.prefixes import BARE_SCHEMES, BASE, ONTOLOGY_IRI, PREFIX_IRIS, read_iri  # noqa: F401 (re-exported)

CKG = Namespace(PREFIX_IRIS["ckg"])
CKGSH = Namespace(PREFIX_IRIS["ckgsh"])
PLACE = Namespace(PREFIX_IRIS["place"])
FAC = Namespace(PREFIX_IRIS["fac"])
FTYPE = Namespace(PREFIX_IRIS["ftype"])
AGENT = Namespace(PREFIX_IRIS["agent"])
POL = Namespace(PREFIX_IRIS["pol"])
PROG = Namespace(PREFIX_IRIS["prog"])
RES = Namespace(PREFIX_IRIS["res"])
OBS = Namespace(PREFIX_IRIS["obs"])
IND = Namespace(PREFIX_IRIS["ind"])
PERIOD = Namespace(PREFIX_IRIS["period"])
INSTANT = Namespace(PREFIX_IRIS["instant"])
THEME = Namespace(PREFIX_IRIS["theme"])
CUNIT = Namespace(PREFIX_IRIS["cunit"])
SRC = Namespace(PREFIX_IRIS["src"])
Q = Namespace(PREFIX_IRIS["q"])
DS = Namespace(PREFIX_IRIS["ds"])
STMT = Namespace(PREFIX_IRIS["stmt"])
GRADE = Namespace(PREFIX_IRIS["grade"])
GRAPH = Namespace(BASE + "graph/")

ORG = Namespace(PREFIX_IRIS["org"])
QB = Namespace(PREFIX_IRIS["qb"])
SDMX_DIMENSION = Namespace(PREFIX_IRIS["sdmx-dimension"])
SDMX_MEASURE = Namespace(PREFIX_IRIS["sdmx-measure"])
SDMX_ATTRIBUTE = Namespace(PREFIX_IRIS["sdmx-attribute"])
UNIT = Namespace(PREFIX_IRIS["unit"])
QUDT = Namespace(PREFIX_IRIS["qudt"])
SCHEMA = Namespace(PREFIX_IRIS["schema"])
OA = Namespace(PREFIX_IRIS["oa"])
SPDX = Namespace(PREFIX_IRIS["spdx"])
WD = Namespace(PREFIX_IRIS["wd"])
SH = Namespace(PREFIX_IRIS["sh"])

#: The project's prefixes (kg.prefixes.PREFIX_IRIS) as rdflib namespaces: rdflib's own objects
#: for the W3C vocabularies it defines, the same IRIs.
_RDFLIB_OWN = {"rdf": RDF, "rdfs": RDFS, "owl": OWL, "xsd": XSD, "skos": SKOS, "dcterms": DCTERMS, "prov": PROV,
               "time": TIME}
PREFIXES: dict[str, Namespace] = {prefix: _RDFLIB_OWN[prefix] if prefix in _RDFLIB_OWN else Namespace(iri)
                                  for prefix, iri in PREFIX_IRIS.items()}


def bind_prefixes(graph: Graph) -> Graph:
    """Bind every project prefix on ``graph`` (replacing rdflib's defaults) and return it."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def sparql_prologue() -> str:
    """PREFIX declarations for every project prefix, for queries written without them."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def quote_namespace(source_key: str) -> Namespace:
    """The namespace of the quotes into one source's text: ``.../id/quote/<key>/``
    (``q:`` in the data files of that source; Q is the first article's)."""
    return Namespace(f"{BASE}id/quote/{source_key}/")
