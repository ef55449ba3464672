"""The graph's resources over HTTP, beside the SPARQL endpoint of `kg serve`: every IRI the
graph mints answers at its path, with a page for people and its data for machines.

- ``GET /id/place/530681`` (any document's path): HTML for a browser, Turtle, N-Triples,
  JSON-LD or RDF/XML as the ``Accept`` header prefers (RFC 9110 negotiation: the highest
  quality, then the most specific range); ``Vary: Accept``; 406 for a header that accepts
  none of them;
- ``GET /id/place/530681.ttl`` (``.nt``, ``.jsonld``, ``.rdf``, ``.html``): one format,
  whatever the header says (a link for people and for clients that cannot set headers);
- the site's own pages: ``/`` (home), ``/classes``, ``/classes/<class>``, ``/catalog``,
  ``/search`` (with ``/search-index.js``), ``/article/<source>``; their assets at ``/assets/``;
- a real 404 page, with status 404, for a path the graph has no resource at.

The pages are kg.pages' (the same templates as the static site), rendered in the server
process from a store read once (kg.publish.source.DataSource.page_store): a page's few
bounded queries take milliseconds, so they do not need a query process of their own.
``base``: the URL the site is served at (``kg serve --base``) when it is not the server's own,
e.g. behind a proxy; its path is where the routes are mounted. The IRIs in the data do not
change.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

from kg.pages.describe import FORMATS, HTML_TYPES, MEDIA_TYPES
from kg.pages.iris import RESERVED, document_at
from kg.publish.protocol import negotiate

#: Extensions a document's path may end with, and the format each asks for.
EXTENSIONS = {".html": "html", **{f".{ext}": fmt for fmt, (_media, ext) in FORMATS.items()}}
OFFERED = {**{media: "html" for media in HTML_TYPES}, **MEDIA_TYPES}


def choose(accept: str | None) -> str | None:
    """What an ``Accept`` header prefers: "html" or a format of kg.pages.describe.FORMATS;
    None when it accepts none of them. No header (curl's ``*/*``, a browser's list) gives HTML."""
    chosen = negotiate(accept, OFFERED)
    return None if chosen is None else OFFERED[chosen]


def mount_path(base: str | None) -> str:
    """The path the pages are served under for ``base`` ('' for the root)."""
    if not base:
        return ""
    path = urlsplit(base).path.rstrip("/")
    return path


def routes(pages_of, ready=None) -> list:
    """Starlette routes for the pages. ``pages_of``: a callable giving the
    kg.pages.publisher.Pages to render with (made once the store is open). ``ready``: an
    async callable every request that reads the pages awaits first (the server's index being
    read: kg.publish.serve); assets do not wait."""
    from starlette.responses import HTMLResponse, PlainTextResponse, Response
    from starlette.routing import Route

    async def in_thread(function, *args):
        return await asyncio.to_thread(function, *args)

    async def site():
        if ready is not None:
            await ready()
        return pages_of()

    def html(body: str, status: int = 200) -> Response:
        return HTMLResponse(body, status_code=status, headers={"Vary": "Accept"})

    async def not_found(path: str, iri: str = "") -> Response:
        return html(await in_thread((await site()).not_found, path, iri), 404)

    async def site_page(path: str) -> Response:
        path = path.removesuffix(".html")
        if path == "index":
            path = ""
        body = await in_thread((await site()).page_at, path)
        if body is None:
            return await not_found(path)
        return html(body)

    async def search_index() -> Response:
        body = await in_thread((await site()).search_index)
        return Response(body, media_type="text/javascript; charset=utf-8")

    async def asset(name: str) -> Response:
        from kg.pages.site import asset_names, asset_text

        if name not in asset_names():
            return await not_found(f"assets/{name}")
        media = "text/css" if name.endswith(".css") else "text/javascript"
        return Response(asset_text(name), media_type=f"{media}; charset=utf-8",
                        headers={"Cache-Control": "public, max-age=3600"})

    async def document(path: str, accept: str | None) -> Response:
        fmt = None
        for extension, wanted in EXTENSIONS.items():
            if path.endswith(extension):
                path, fmt = path[: -len(extension)], wanted
                break
        iri = document_at(path)
        if fmt is None:
            fmt = choose(accept)
            if fmt is None:
                return PlainTextResponse(f"cannot answer in {accept}; offered: {', '.join(OFFERED)}\n",
                                         status_code=406, headers={"Vary": "Accept"})
        pages = await site()
        if fmt == "html":
            body = await in_thread(pages.resource, iri)
            return await not_found(path, iri) if body is None else html(body)
        data = await in_thread(pages.data, iri, fmt)
        if data is None:
            return await not_found(path, iri)
        media = FORMATS[fmt][0]
        return Response(data, media_type=media if fmt == "nt" else f"{media}; charset=utf-8",
                        headers={"Vary": "Accept"})

    async def endpoint(request) -> Response:
        path = request.path_params.get("path", "")
        head = path.split("/", 1)[0]
        if path in ("", "index", "index.html") or head.removesuffix(".html") in SITE_PAGES:
            return await site_page(path)
        if path == "search-index.js":
            return await search_index()
        if head == "assets" and path.count("/") == 1:
            return await asset(path.split("/", 1)[1])
        if head in RESERVED or head.removesuffix(".html") in RESERVED:
            return await not_found(path)
        return await document(_raw_path(request, path), request.headers.get("accept"))

    return [Route("/", endpoint, methods=["GET", "HEAD"]),
            Route("/{path:path}", endpoint, methods=["GET", "HEAD"])]


#: The site's own pages (kg.pages.publisher.Pages.page_at), by first path segment.
SITE_PAGES = ("classes", "catalog", "search", "article")


def _raw_path(request, decoded: str) -> str:
    """The request's path as sent (percent-encoding kept, since an IRI compares as written),
    without the leading slash and the mount's prefix; ``decoded`` when the server saw none."""
    raw = request.scope.get("raw_path")
    if not raw:
        return decoded
    text = raw.decode("ascii", "replace")
    prefix = request.scope.get("root_path", "")
    if prefix and text.startswith(prefix):
        text = text[len(prefix):]
    text = text.lstrip("/")
    # Only what an IRI may hold without escaping is compared as sent; a path with escaped
    # non-ASCII characters (an IRI written in Unicode) is compared decoded.
    return text if "%" not in text or all(_ascii_escape(part) for part in text.split("%")[1:]) else decoded


def _ascii_escape(part: str) -> bool:
    try:
        return int(part[:2], 16) < 0x80
    except ValueError:
        return False
