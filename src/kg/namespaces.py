"""The project's namespaces, bound once so every graph prints the same prefixes."""

from __future__ import annotations

from rdflib import Graph, Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD

BASE = "https://w3id.org/county-kg/"
ONTOLOGY_IRI = BASE + "ontology"

CKG = Namespace(BASE + "ontology#")
CKGSH = Namespace(BASE + "shapes#")
PLACE = Namespace(BASE + "id/place/")
FAC = Namespace(BASE + "id/facility/")
FTYPE = Namespace(BASE + "id/facility-type/")
AGENT = Namespace(BASE + "id/agent/")
POL = Namespace(BASE + "id/policy/")
PROG = Namespace(BASE + "id/program/")
RES = Namespace(BASE + "id/result/")
OBS = Namespace(BASE + "id/observation/")
IND = Namespace(BASE + "id/indicator/")
PERIOD = Namespace(BASE + "id/period/")
INSTANT = Namespace(BASE + "id/instant/")
THEME = Namespace(BASE + "id/theme/")
CUNIT = Namespace(BASE + "id/unit/")
SRC = Namespace(BASE + "id/source/")
Q = Namespace(BASE + "id/quote/shuifu-2023-08-22/")
DS = Namespace(BASE + "id/dataset/")
STMT = Namespace(BASE + "id/statement/")
GRADE = Namespace(BASE + "id/grade/")
GRAPH = Namespace(BASE + "graph/")

ORG = Namespace("http://www.w3.org/ns/org#")
QB = Namespace("http://purl.org/linked-data/cube#")
SDMX_DIMENSION = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_MEASURE = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
SDMX_ATTRIBUTE = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
UNIT = Namespace("http://qudt.org/vocab/unit/")
QUDT = Namespace("http://qudt.org/schema/qudt/")
SCHEMA = Namespace("https://schema.org/")
OA = Namespace("http://www.w3.org/ns/oa#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
WD = Namespace("http://www.wikidata.org/entity/")
SH = Namespace("http://www.w3.org/ns/shacl#")

PREFIXES: dict[str, Namespace] = {
    "ckg": CKG, "ckgsh": CKGSH, "place": PLACE, "fac": FAC, "agent": AGENT, "pol": POL,
    "prog": PROG, "res": RES, "obs": OBS, "ind": IND, "period": PERIOD, "instant": INSTANT,
    "ftype": FTYPE, "theme": THEME, "cunit": CUNIT, "src": SRC, "q": Q, "ds": DS, "stmt": STMT, "grade": GRADE,
    "org": ORG, "qb": QB, "sdmx-dimension": SDMX_DIMENSION, "sdmx-measure": SDMX_MEASURE,
    "sdmx-attribute": SDMX_ATTRIBUTE, "unit": UNIT, "qudt": QUDT, "schema": SCHEMA, "oa": OA,
    "spdx": SPDX, "wd": WD, "sh": SH,
    "rdf": RDF, "rdfs": RDFS, "owl": OWL, "xsd": XSD, "skos": SKOS, "dcterms": DCTERMS,
    "prov": PROV, "time": TIME,
}


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
