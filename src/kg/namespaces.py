"""The project's namespaces, bound once so every graph prints the same prefixes."""

from __future__ import annotations

import re
from collections.abc import Mapping

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


#: The IRI schemes a value may give bare; an absolute IRI of any other scheme is written in
#: angle brackets (<mailto:...>, <tag:...>), so that "thme:health" is never taken for one.
BARE_SCHEMES = ("http", "https", "urn")
#: An absolute IRI (RFC 3987): a scheme, then no character an IRI may not hold.
_ABSOLUTE_IRI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`]*$")


def read_iri(value: str, prefixes: Mapping[str, str] | None = None) -> str:
    """An IRI a user gives on the command line (``--param``, ``kg push --graph``), as an
    absolute IRI: ``<IRI>`` as given; a bare ``http:``, ``https:`` or ``urn:`` IRI; otherwise
    a compact IRI ``prefix:local`` whose prefix is one of ``prefixes`` (default: the project's,
    :data:`PREFIXES`; for a query's parameter, the query's own PREFIX declarations over the
    project's). A compact IRI cannot be told from an absolute IRI by its form (both are
    ``name:rest``, RFC 3987), hence the short list of bare schemes.

    Raises KgError naming an undeclared prefix and the known ones, or a value that is no IRI."""
    from kg.errors import KgError

    known = {p: str(ns) for p, ns in PREFIXES.items()} if prefixes is None else prefixes
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    else:
        prefix, sep, local = value.partition(":")
        if sep and prefix in known:
            value = known[prefix] + local
        elif sep and prefix.lower() not in BARE_SCHEMES:
            raise KgError(f"unknown prefix {prefix!r} in {value!r}; known prefixes: {', '.join(sorted(known))} "
                          f"(an absolute IRI other than {', '.join(s + ':' for s in BARE_SCHEMES)} goes in angle "
                          f"brackets: <{value}>)")
    if not _ABSOLUTE_IRI.match(value):
        raise KgError(f"not an IRI: {value!r}")
    return value
