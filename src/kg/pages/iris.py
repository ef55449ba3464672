"""Which IRIs get a page, the document each belongs to, and where that document lives.

Every IRI the graph mints starts with :data:`kg.namespaces.BASE` (``https://w3id.org/county-kg/``).
A *document* is such an IRI without its fragment: ``https://w3id.org/county-kg/ontology`` is the
document of ``ckg:Program`` (``.../ontology#Program``) and of every other term, and a place's
area transfer (``place:530602#transfer-2023-530624``) is shown on the place's page. A document
has a page when it, or an IRI in it, is the subject of a triple.

A document's *path* is its IRI after the base (``id/place/530681``, ``ontology``): `kg serve`
answers at that path (so the IRIs dereference once w3id.org redirects to the server), and the
static site writes ``<path>.html`` with ``<path>.ttl`` and ``<path>.jsonld`` beside it. A path
whose segments are not all plain (letters, digits, ``. _ ~ -``) keeps its own path on the
server but is written to ``iri/<hash>.html`` in the static site, where a file name must be
safe on every file system and need no escaping in a link.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from kg.errors import KgError
from kg.namespaces import BASE

_SAFE_SEGMENT = re.compile(r"^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$")

#: First path segments the site uses for its own pages and assets (and the endpoint for its
#: operations): a minted IRI there could not be served, so it is refused (:func:`path_of`).
RESERVED = frozenset({"index", "index.html", "article", "classes", "catalog", "search", "assets", "editor",
                      "query", "sparql", "update", "store", "static", "iri", "favicon.ico", "robots.txt"})


class ReservedPath(KgError):
    """A minted IRI whose path the site uses for its own pages."""


def document_of(iri: str) -> str | None:
    """The document IRI of ``iri`` (its fragment removed), or None when the graph does not mint
    it (it does not start with the base) or it is the base itself."""
    if not iri.startswith(BASE):
        return None
    document = iri.split("#", 1)[0]
    if document == BASE or document.endswith("/"):
        return None  # a namespace, not a resource
    return document


def path_of(document: str) -> str:
    """The site path of a document IRI: ``id/place/530681``. Raises ReservedPath for a path the
    site uses itself."""
    path = document[len(BASE):]
    if path.split("/", 1)[0] in RESERVED:
        raise ReservedPath(f"<{document}>: its path /{path} is one the site uses for its own pages")
    return path


def document_at(path: str) -> str:
    """The document IRI a request path (without the leading slash) names."""
    return BASE + path


def plain(path: str) -> bool:
    """Whether every segment of ``path`` can be a file name and a link as it is."""
    return all(_SAFE_SEGMENT.match(segment) for segment in path.split("/"))


@lru_cache(maxsize=200_000)
def file_path(path: str) -> str:
    """Where the static site writes the document at ``path`` (without extension)."""
    if plain(path):
        return path
    return "iri/" + hashlib.sha256(path.encode("utf-8")).hexdigest()[:24]


def fragment_of(iri: str) -> str:
    """The fragment of ``iri`` ('' for none): the anchor of its section on the document's page."""
    return iri.split("#", 1)[1] if "#" in iri else ""


def _namespaces() -> list[tuple[str, str]]:
    from kg.namespaces import PREFIXES

    return sorted(((str(ns), prefix) for prefix, ns in PREFIXES.items()), key=lambda item: -len(item[0]))


_NAMESPACES = _namespaces()
_LOCAL = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.~-]*$")


@lru_cache(maxsize=100_000)
def compact(iri: str) -> str:
    """``prefix:local`` for an IRI in one of the project's namespaces, else ``<iri>``."""
    for namespace, prefix in _NAMESPACES:
        if iri.startswith(namespace):
            local = iri[len(namespace):]
            if _LOCAL.match(local) and not local.endswith("."):
                return f"{prefix}:{local}"
    return f"<{iri}>"
