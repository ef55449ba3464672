"""The SPARQL 1.1 Protocol's query operation, answered through the project's query layer
(kg.query.engines): the query text from a request, the results format from its Accept
header, and the answer written by the query's own process.

Formats (SPARQL 1.1 Protocol, 2.1; Query Results JSON, XML, CSV and TSV formats): SELECT and
ASK as ``application/sparql-results+json`` (the default), ``application/sparql-results+xml``,
``text/csv`` or ``text/tab-separated-values``; CONSTRUCT and DESCRIBE as ``text/turtle``
(the default), ``application/n-triples`` or ``application/ld+json``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from urllib.parse import parse_qs

from kg.errors import KgError, QueryError
# Imported here, in the server, not in each query's process: a forked child finds them loaded.
from kg.query.engines import Engines
from kg.store.results import (write_boolean_json, write_boolean_xml, write_csv, write_json, write_jsonld,
                              write_ntriples, write_tsv, write_turtle, write_xml)
from kg.store.service import Relay  # noqa: F401 (loaded before any fork)
from kg.store.sparql import Limits, QueryTimeout, refuse_update

RESULTS_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
#: SPARQL CSV and TSV have no form for a boolean (ASK) answer
BOOLEAN_TYPES = {media: fmt for media, fmt in RESULTS_TYPES.items() if fmt in ("json", "xml")}
GRAPH_TYPES = {
    "text/turtle": "ttl",
    "application/x-turtle": "ttl",
    "application/n-triples": "nt",
    "text/plain": "nt",
    "application/ld+json": "jsonld",
    "application/json": "jsonld",
}
QUERY_TYPE = "application/sparql-query"
FORM_TYPE = "application/x-www-form-urlencoded"


class ProtocolError(Exception):
    """A request the protocol refuses: ``status`` and a one-line message."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def query_from(method: str, params: dict[str, list[str]], content_type: str | None, body: bytes) -> str:
    """The query text of a protocol request: GET ``?query=``, POST urlencoded ``query=``, or
    POST with the query as the body (``application/sparql-query``). ``params``: the URL's
    query parameters, each with all its values."""
    values = list(params.get("query", []))
    if method == "POST":
        media = (content_type or "").split(";")[0].strip().lower()
        if media == FORM_TYPE:
            form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
            if "update" in form:
                raise ProtocolError(403, "this endpoint is read-only: updates are refused")
            values += form.get("query", [])
            params = {**params, **{k: v for k, v in form.items() if k != "query"}}
        elif media == QUERY_TYPE:
            try:
                values.append(body.decode("utf-8"))
            except UnicodeDecodeError:
                raise ProtocolError(400, "the query is not UTF-8") from None
        elif media == "application/sparql-update":
            raise ProtocolError(403, "this endpoint is read-only: updates are refused")
        else:
            raise ProtocolError(415, f"POST a query as {QUERY_TYPE} or {FORM_TYPE}, not {media or 'no content type'}")
    for name in ("default-graph-uri", "named-graph-uri", "using-graph-uri", "using-named-graph-uri"):
        if params.get(name):
            raise ProtocolError(400, f"{name} is not supported: the endpoint serves one graph, its default graph")
    if len(values) != 1:
        raise ProtocolError(400, "give exactly one query (query=...)" if values else "no query given (query=...)")
    try:  # an update sent as a query is refused as the update operation is, not as a malformed query
        refuse_update(values[0], "query")
    except QueryError as exc:
        raise ProtocolError(403, f"this endpoint is read-only: {exc}") from None
    return values[0]


def negotiate(accept: str | None, offered: dict[str, str]) -> str | None:
    """The offered media type the Accept header prefers (RFC 9110, 12.5.1: the highest q,
    then the most specific range; offered types in their listed order break ties); the
    first offered type when there is no header; None when none is acceptable."""
    order = list(dict.fromkeys(offered))
    if not accept or not accept.strip():
        return order[0]
    ranges = []
    for part in accept.split(","):
        media, *parameters = [p.strip() for p in part.split(";")]
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media:
            ranges.append((media.lower(), quality))

    def score(media: str) -> tuple[float, int]:
        best = (-1.0, -1)
        kind = media.split("/")[0]
        for pattern, quality in ranges:
            specificity = 2 if pattern == media else 1 if pattern == f"{kind}/*" else 0 if pattern == "*/*" else -1
            if specificity >= 0 and specificity > best[1]:
                best = (quality, specificity)
        return best

    scored = [(score(media)[0], -index, media) for index, media in enumerate(order)]
    quality, _, media = max(scored)
    return media if quality > 0 else None


@dataclass(frozen=True)
class Request:
    """A query as the query process receives it."""

    text: str
    accept: str | None
    timeout: float | None
    service_timeout: float
    services: tuple[str, ...] | None = None  # allowed SERVICE endpoints' URL prefixes; None: any


def answer(store, request: Request, writer) -> None:
    """Run the query on ``store`` and write its answer to ``writer`` (a
    kg.publish.isolate.FrameWriter): a header {status, type} or {status, message}, then the
    answer, written as it comes. Runs in the query's own process."""
    engines = Engines(store=store)
    try:
        stream = engines.stream(request.text, {}, "oxigraph", "query",
                                Limits(timeout=request.timeout, service_timeout=request.service_timeout,
                                       services=request.services))
        rows = iter(stream)
        first = next(rows, None)  # a failure at the first row is still an error status
    except QueryTimeout as exc:
        writer.header({"status": 503, "message": str(exc)})
        return
    except KgError as exc:
        client = isinstance(exc, QueryError) or "syntax error" in str(exc)  # the query's fault, not the server's
        writer.header({"status": 400 if client else 500, "message": str(exc)})
        return
    offered = {"CONSTRUCT": GRAPH_TYPES, "ASK": BOOLEAN_TYPES}.get(stream.form, RESULTS_TYPES)
    media = negotiate(request.accept, offered)
    if media is None:
        stream.close()
        writer.header({"status": 406, "message": f"cannot answer in {request.accept}; offered: {', '.join(offered)}"})
        return
    writer.header({"status": 200, "type": media})
    out = io.TextIOWrapper(io.BufferedWriter(writer, 1 << 16), encoding="utf-8", newline="", write_through=False)
    stream.on_idle = out.flush  # rows go out as they come, not when a buffer fills

    def all_rows():
        if first is not None:
            yield first
        yield from rows

    fmt = offered[media]
    try:
        if stream.form == "ASK":
            (write_boolean_xml if fmt == "xml" else write_boolean_json)(bool(first and first[0]), out)
        elif stream.form == "CONSTRUCT":
            {"ttl": write_turtle, "nt": write_ntriples, "jsonld": write_jsonld}[fmt](all_rows(), out)
        elif fmt == "csv":
            write_csv(stream.variables, all_rows(), out, canonical=False)
        else:
            {"json": write_json, "xml": write_xml, "tsv": write_tsv}[fmt](stream.variables, all_rows(), out)
        out.flush()
    except KgError as exc:
        out.flush()
        writer.end(str(exc))
        return
    writer.end()

