"""``kg push``: upload the built graph to any SPARQL 1.1 Graph Store Protocol endpoint,
replacing one named graph in a single PUT request.

Credentials come from the environment only, never from the command line (where they would
end up in shell history and process listings): ``KG_ENDPOINT_TOKEN`` (a bearer token), or
``KG_ENDPOINT_USER`` and ``KG_ENDPOINT_PASSWORD`` (HTTP basic).
"""

from __future__ import annotations

import base64
import os
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from kg.errors import KgError
from kg.namespaces import GRAPH
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


def _auth_header() -> dict[str, str]:
    token = os.environ.get("KG_ENDPOINT_TOKEN")
    if token:
        return {"Authorization": f"Bearer {token}"}
    user, password = os.environ.get("KG_ENDPOINT_USER"), os.environ.get("KG_ENDPOINT_PASSWORD")
    if user is not None or password is not None:
        if user is None or password is None:
            raise KgError("set both KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD, or neither")
        credentials = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        return {"Authorization": f"Basic {credentials}"}
    return {}


def graph_url(endpoint: str, graph: str) -> str:
    parts = urllib.parse.urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise KgError(f"not an http(s) endpoint URL: {endpoint!r}")
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    query.append(("graph", graph))
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def push(loaded: Loaded, endpoint: str, graph: str = str(DEFAULT_GRAPH), timeout: float = 60.0) -> PushResult:
    body = serialize(loaded, "nt")
    url = graph_url(endpoint, graph)
    request = urllib.request.Request(url, data=body, method="PUT",
                                     headers={"Content-Type": "application/n-triples", **_auth_header()})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        detail = exc.read(300).decode("utf-8", "replace").strip()
        raise KgError(f"{endpoint} refused the upload: HTTP {exc.code} {exc.reason}" + (f": {detail}" if detail else "")) from None
    except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
        reason = getattr(exc, "reason", exc)
        raise KgError(f"cannot reach {endpoint}: {reason}") from None
    triples = body.count(b"\n")
    return PushResult(endpoint, graph, status, triples, len(body))
