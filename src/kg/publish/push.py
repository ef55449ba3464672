"""``kg push``: upload the built graph to any SPARQL 1.1 Graph Store Protocol endpoint,
replacing one named graph in a single PUT request.

Credentials come from the environment only (see :mod:`kg.http`): ``KG_ENDPOINT_TOKEN``
(a bearer token), or ``KG_ENDPOINT_USER`` and ``KG_ENDPOINT_PASSWORD`` (HTTP Basic or Digest,
as the server asks; Virtuoso's ``/sparql-graph-crud-auth`` asks for Digest).
"""

from __future__ import annotations

import logging
import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass

from kg import http
from kg.errors import KgError
from kg.namespaces import GRAPH, read_iri
from kg.publish.export import serialize
from kg.store.load import Loaded

DEFAULT_GRAPH = GRAPH["county-kg"]
#: Said after a time-out: Virtuoso's query URL (/sparql) never answers a PUT, curl waits the same.
NOT_ANSWERED = (" (is this the Graph Store Protocol URL? a query URL such as Virtuoso's /sparql may never "
                "answer an upload; Virtuoso's is /sparql-graph-crud-auth)")
log = logging.getLogger(__name__)


@dataclass
class PushResult:
    endpoint: str
    graph: str
    status: int
    triples: int
    bytes: int


def graph_url(endpoint: str, graph: str) -> str:
    parts = urllib.parse.urlsplit(http.check_url(endpoint))
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    query.append(("graph", graph))
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def _graph_kept(response, endpoint: str, graph: str, then: str) -> None:
    """A KgError if the request ``response`` answers was redirected to a URL that no longer
    names ``graph`` in its ``graph`` parameter: a PUT there would replace another graph, or
    the server's default graph (``then`` says what happened)."""
    final = str(response.url)
    if ("graph", graph) not in urllib.parse.parse_qsl(urllib.parse.urlsplit(final).query):
        raise KgError(f"{endpoint} redirected the upload to {http.redacted(final)}, which does not name the graph "
                      f"<{graph}> (its graph parameter was lost); {then} (give the Graph Store URL itself)")


def push(loaded: Loaded | Callable[[], Loaded], endpoint: str, graph: str = str(DEFAULT_GRAPH),
         timeout: float = 60.0) -> PushResult:
    """Replace ``graph`` at the Graph Store endpoint with the merged graph (N-Triples, one PUT).

    ``loaded``: the graph, or a function that loads it: then it is called only once the
    endpoint has answered a first request, so an unreachable endpoint, a wrong URL or refused
    credentials are reported at once, not after the graph was loaded and serialized.

    That first request is a HEAD of the graph's URL (its status other than 401 is not looked
    at: a graph not there yet is a 404). With a user and password it also learns the scheme
    the server asks for (Digest or Basic), so the body goes once, with its credentials: a
    server that refuses an unauthenticated PUT may close the connection before reading the
    body, which the client then sees as a reset instead of the server's answer. Errors
    (unreachable, no answer within ``timeout`` seconds, refused credentials, any 4xx/5xx with
    the server's message) are one-line KgErrors. ``graph`` is read as every IRI a user gives
    (kg.namespaces.read_iri: ``theme:health`` expanded, an undeclared prefix or a value that is
    no IRI refused) before anything is sent.

    A redirect that loses the ``graph`` parameter is refused before the upload (or said after
    it, if only the PUT was redirected); a 303 of the PUT is refused (kg.http.follow); an HTML
    page answering the upload with success is warned about (a login page answers 200 too)."""
    graph = read_iri(graph)
    url = graph_url(endpoint, graph)
    auth = http.auth_from_environment()
    with http.client(timeout) as session:
        # the connection is not used again: a server may answer HEAD with a body (the Oxigraph
        # server does for a graph not there yet), which would be read as the PUT's answer
        first = http.send(session, "HEAD", url, endpoint=endpoint, auth=auth, slow="uploads",
                          hint=NOT_ANSWERED, headers={"Connection": "close"})
        if first.status_code == 401:
            raise KgError(http.refusal(first, endpoint, auth, "the upload"))
        _graph_kept(first, endpoint, graph, "kg sent nothing")
        if isinstance(auth, http.ChallengeAuth):
            auth.assume_basic()  # no challenge: the server reads without credentials; send Basic to write
        body = serialize(loaded() if callable(loaded) else loaded, "nt")
        response = http.send(session, "PUT", url, endpoint=endpoint, auth=auth, content=body, hint=NOT_ANSWERED,
                             headers={"Content-Type": "application/n-triples"}, slow="uploads")
    if response.status_code >= 400:
        raise KgError(http.refusal(response, endpoint, auth, "the upload"))
    _graph_kept(response, endpoint, graph, "the graph went there without its name: check what that server holds")
    # the page itself, not its content type: Virtuoso labels its empty answer to a PUT text/html
    if re.match(rb"\s*<(!doctype\s+html|html)\b", response.content[:200], re.IGNORECASE):
        title = re.search(r"(?is)<title[^>]*>(.*?)</title>", response.text)
        shown = f": {' '.join(title.group(1).split())[:120]}" if title else ""
        log.warning(f"{endpoint} answered the upload with an HTML page (HTTP {response.status_code}{shown}); a Graph "
                    "Store answers without one: check that the graph is there (is this the Graph Store URL?)")
    triples = body.count(b"\n")
    return PushResult(endpoint, graph, response.status_code, triples, len(body))
