"""Links between pages, relative, so that the same HTML works from any host, under any path
and from ``file://``.

The static site and `kg serve` lay pages out alike (a document's page at its IRI's path, the
site's own pages beside it); they differ only in how a page's address is written: the site
adds ``.html`` (and calls the home page ``index.html``), the server answers at the bare path.
A :class:`Linker` knows where the page it renders sits and which of the two it writes for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import quote

from kg.pages.iris import document_of, file_path, fragment_of, path_of


@dataclass(frozen=True)
class Linker:
    """Links from the page at site path ``here`` ('' for the home page). ``static``: for the
    static site (files) rather than the server. ``described``: tells whether an IRI has a page
    (kg.pages.reader.SiteIndex.described)."""

    here: str
    static: bool
    described: object = None  # Callable[[str], bool]
    editor: bool = False  # the server has a SPARQL editor to link to
    #: hrefs already made by linkers alike (the same ``static``, ``described`` and ``editor``),
    #: by the directory of the page and the IRI: a link is the same from every page of a
    #: directory, and a site names the same places on thousands of pages
    memo: dict | None = field(default=None, compare=False, hash=False, repr=False)

    def page(self, path: str, fragment: str = "") -> str:
        """The href of the site page at ``path`` ('' for the home page)."""
        return _page_href(_folder(self.here, self.static), self.static, path, fragment)

    def _here_file(self) -> str:
        return _here_file(self.here, self.static)

    def asset(self, name: str) -> str:
        return self.page_file(f"assets/{name}")

    def page_file(self, path: str) -> str:
        """The href of a file of the site (an asset, a page's .ttl) at ``path``."""
        return _file_href(_folder(self.here, self.static), path)

    def data(self, document: str, extension: str) -> str:
        """The href of a document's data in another format (``ttl``, ``jsonld``)."""
        path = path_of(document)
        return self.page_file((file_path(path) if self.static else path) + "." + extension)

    def iri(self, iri: str) -> str | None:
        """The href for an IRI: its page when it has one, the IRI itself when it is another
        site's (http or https), None when there is nowhere to go."""
        memo = self.memo
        if memo is None:
            return self._iri(iri)
        key = (_folder(self.here, self.static), iri)
        found = memo.get(key, _NONE)
        if found is _NONE:
            if len(memo) >= MEMO_LIMIT:
                memo.clear()
            found = memo[key] = self._iri(iri)
        return found

    def _iri(self, iri: str) -> str | None:
        document = document_of(iri)
        if document is not None:
            if self.described is not None and not self.described(iri):
                return None
            return self.page(path_of(document), fragment_of(iri))
        if iri.startswith(("http://", "https://")):
            return iri
        return None


#: Entries a Linker memo holds at most (then it starts again): a server's pages over a large
#: graph would otherwise keep every link of every directory.
MEMO_LIMIT = 500_000
_NONE = object()


@lru_cache(maxsize=65536)
def _folder(here: str, static: bool) -> str:
    """The directory of the page at ``here``: what its relative links depend on."""
    return _here_file(here, static).rpartition("/")[0]


def _in(folder: str) -> str:
    """A file in ``folder``: links from it are those from every page there."""
    return f"{folder}/-" if folder else "-"


@lru_cache(maxsize=65536)
def _page_href(folder: str, static: bool, path: str, fragment: str) -> str:
    if static:
        target = (file_path(path) if path else "index") + ".html"
    else:
        target = path or "."
    return _href(_in(folder), target, not static and not path) + (f"#{quote(fragment, safe='')}" if fragment else "")


@lru_cache(maxsize=65536)
def _file_href(folder: str, path: str) -> str:
    return quote(relative(_in(folder), path), safe="/._~-")


@lru_cache(maxsize=65536)
def relative(here: str, target: str) -> str:
    """The relative reference from the file ``here`` to ``target`` (both site paths, '/'
    separated, without '.' or '..' segments); "." for the directory ``here`` is in."""
    start = here.split("/")[:-1]
    parts = [] if target == "." else target.split("/")
    common = 0
    while common < len(start) and common < len(parts) - (0 if target == "." else 1) and start[common] == parts[common]:
        common += 1
    up = [".."] * (len(start) - common)
    rest = parts[common:]
    return "/".join(up + rest) or "."


@lru_cache(maxsize=65536)
def _href(here: str, target: str, directory: bool) -> str:
    href = relative(here, target)
    if directory:  # the served home page: a directory, written with its slash
        return "./" if href == "." else href + "/"
    return quote(href, safe="/._~-")


@lru_cache(maxsize=65536)
def _here_file(here: str, static: bool) -> str:
    if static:
        return (file_path(here) if here else "index") + ".html"
    return here or "index"
