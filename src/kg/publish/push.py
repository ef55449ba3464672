"""``kg push``: upload the built graph to any SPARQL 1.1 Graph Store Protocol endpoint,
replacing one named graph in a single PUT request.

Credentials come from the environment only (see :mod:`kg.http`): ``KG_ENDPOINT_TOKEN``
(a bearer token), or ``KG_ENDPOINT_USER`` and ``KG_ENDPOINT_PASSWORD`` (HTTP Basic or Digest,
as the server asks; Virtuoso's ``/sparql-graph-crud-auth`` asks for Digest).
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass

from kg import http
from kg.errors import KgError
from kg.namespaces import GRAPH, read_iri
from kg.publish.export import serialize
from kg.store.load import Loaded

DEFAULT_GRAPH = GRAPH["county-kg"]


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
    no IRI refused) before anything is sent."""
    graph = read_iri(graph)
    url = graph_url(endpoint, graph)
    auth = http.auth_from_environment()
    with http.client(timeout) as session:
        # the connection is not used again: a server may answer HEAD with a body (the Oxigraph
        # server does for a graph not there yet), which would be read as the PUT's answer
        first = http.send(session, "HEAD", url, endpoint=endpoint, auth=auth, slow="uploads",
                          headers={"Connection": "close"})
        if first.status_code == 401:
            raise KgError(http.refusal(first, endpoint, auth, "the upload"))
        if isinstance(auth, http.ChallengeAuth):
            auth.assume_basic()  # no challenge: the server reads without credentials; send Basic to write
        body = serialize(loaded() if callable(loaded) else loaded, "nt")
        response = http.send(session, "PUT", url, endpoint=endpoint, auth=auth, content=body,
                             headers={"Content-Type": "application/n-triples"}, slow="uploads")
    if response.status_code >= 400:
        raise KgError(http.refusal(response, endpoint, auth, "the upload"))
    triples = body.count(b"\n")
    return PushResult(endpoint, graph, response.status_code, triples, len(body))
