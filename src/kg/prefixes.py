"""The project's prefixes and their namespace IRIs as text, and reading an IRI a user gives.

Nothing here needs an RDF library: a command that only asks the store (``kg query`` on
Oxigraph) reads its prefixes from here, and kg.namespaces makes rdflib namespaces of the same
IRIs for the code that builds rdflib graphs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

BASE = "https://w3id.org/county-kg/"
ONTOLOGY_IRI = BASE + "ontology"

#: prefix -> namespace IRI, in the order every graph binds them (kg.namespaces.PREFIXES).
PREFIX_IRIS: dict[str, str] = {
    "ckg": BASE + "ontology#", "ckgsh": BASE + "shapes#", "place": BASE + "id/place/",
    "fac": BASE + "id/facility/", "agent": BASE + "id/agent/", "pol": BASE + "id/policy/",
    "prog": BASE + "id/program/", "res": BASE + "id/result/", "obs": BASE + "id/observation/",
    "ind": BASE + "id/indicator/", "period": BASE + "id/period/", "instant": BASE + "id/instant/",
    "ftype": BASE + "id/facility-type/", "theme": BASE + "id/theme/", "cunit": BASE + "id/unit/",
    "src": BASE + "id/source/", "q": BASE + "id/quote/shuifu-2023-08-22/", "ds": BASE + "id/dataset/",
    "stmt": BASE + "id/statement/", "grade": BASE + "id/grade/",
    "org": "http://www.w3.org/ns/org#", "qb": "http://purl.org/linked-data/cube#",
    "sdmx-dimension": "http://purl.org/linked-data/sdmx/2009/dimension#",
    "sdmx-measure": "http://purl.org/linked-data/sdmx/2009/measure#",
    "sdmx-attribute": "http://purl.org/linked-data/sdmx/2009/attribute#",
    "unit": "http://qudt.org/vocab/unit/", "qudt": "http://qudt.org/schema/qudt/", "schema": "https://schema.org/",
    "oa": "http://www.w3.org/ns/oa#", "spdx": "http://spdx.org/rdf/terms#", "wd": "http://www.wikidata.org/entity/",
    "sh": "http://www.w3.org/ns/shacl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#", "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#", "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#", "time": "http://www.w3.org/2006/time#",
}

XSD_NS = PREFIX_IRIS["xsd"]
XSD_STRING = XSD_NS + "string"
RDFS_LABEL = PREFIX_IRIS["rdfs"] + "label"

#: The IRI schemes a value may give bare; an absolute IRI of any other scheme is written in
#: angle brackets (<mailto:...>, <tag:...>), so that "thme:health" is never taken for one.
BARE_SCHEMES = ("http", "https", "urn")
#: An absolute IRI (RFC 3987): a scheme, then no character an IRI may not hold.
_ABSOLUTE_IRI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`]*$")


def read_iri(value: str, prefixes: Mapping[str, str] | None = None) -> str:
    """An IRI a user gives on the command line (``--param``, ``kg push --graph``), as an
    absolute IRI: ``<IRI>`` as given; a bare ``http:``, ``https:`` or ``urn:`` IRI; otherwise
    a compact IRI ``prefix:local`` whose prefix is one of ``prefixes`` (default: the project's,
    :data:`PREFIX_IRIS`; for a query's parameter, the query's own PREFIX declarations over the
    project's). A compact IRI cannot be told from an absolute IRI by its form (both are
    ``name:rest``, RFC 3987), hence the short list of bare schemes.

    Raises KgError naming an undeclared prefix and the known ones, or a value that is no IRI."""
    from kg.errors import KgError

    known = PREFIX_IRIS if prefixes is None else prefixes
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
