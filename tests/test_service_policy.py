"""Which endpoints a SERVICE clause may make the server call: a server others reach runs no
federated query unless its operator allows endpoints (`kg serve --allow-service`), so a
client cannot make it send requests to hosts behind it (kg.store.service)."""

from __future__ import annotations

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.publish.serve import Server, Settings
from kg.publish.source import GivenStore
from kg.store.service import endpoint_allowed

from serving import app_in_thread, http, kg_serve

ANSWER = json.dumps({"head": {"vars": ["x"]},
                     "results": {"bindings": [{"x": {"type": "uri", "value": "urn:remote"}}]}}).encode()


class Endpoint:
    """An HTTP server on loopback that records every request: under /sparql it answers one
    row, under /moved it redirects to ``redirect`` (when set)."""

    def __init__(self, redirect: str | None = None):
        self.requests: list[str] = []
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                endpoint.requests.append(self.path)
                if self.path.startswith("/moved") and redirect:
                    self.send_response(302)
                    self.send_header("Location", redirect)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(ANSWER)))
                self.end_headers()
                self.wfile.write(ANSWER)

            do_GET = do_POST = _answer  # noqa: N815 (http.server's naming)

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def internal():
    """A host the server can reach and its clients must not: it must never be called."""
    endpoint = Endpoint()
    yield endpoint
    endpoint.close()


@pytest.fixture(scope="module")
def allowed(internal):
    endpoint = Endpoint(redirect=internal.url + "/sparql")
    yield endpoint
    endpoint.close()


def small_store() -> GivenStore:
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.Literal("c")))
    return GivenStore(store)


def ask(url: str, query: str):
    return http(f"{url}/query?" + urllib.parse.urlencode({"query": query}),
                headers={"Accept": "application/sparql-results+json"}, timeout=60)


def service(endpoint: str, silent: bool = False) -> str:
    return f"SELECT ?x WHERE {{ SERVICE {'SILENT ' if silent else ''}<{endpoint}> {{ ?x ?p ?o }} }}"


def test_a_public_server_refuses_every_service_call_and_calls_nothing(internal):
    settings = Server(small_store(), public=True).settings  # as `kg serve --public` makes them
    assert settings.services == ()
    with app_in_thread(small_store(), settings) as (url, _app):
        for silent in (False, True):
            status, _, body = ask(url, service(internal.url + "/sparql", silent))
            assert (status, body) == (400, f"SERVICE <{internal.url}/sparql>: federated queries are off on this "
                                            "public endpoint (its operator allows no SERVICE endpoints)\n")
        status, _, body = ask(url, "SELECT * WHERE { ?s ?p ?o SERVICE ?s { ?x ?y ?z } }")
        assert status == 400 and body.startswith("SERVICE ?s: federated queries are off")
        assert ask(url, "SELECT ?o WHERE { ?s ?p ?o }")[0] == 200  # the rest answers as before
    assert internal.requests == []


def test_behind_a_proxy_the_server_is_public_too():
    assert Server(small_store(), base="https://example.org/kg/").settings.services == ()
    assert Server(small_store()).settings.services is None  # loopback: any endpoint, as kg query


def test_allowed_endpoints_are_called_and_nothing_else(internal, allowed):
    settings = Settings(timeout=20, service_timeout=5, services=(allowed.url + "/sparql", allowed.url + "/moved"))
    with app_in_thread(small_store(), settings) as (url, _app):
        status, _, body = ask(url, service(allowed.url + "/sparql"))
        assert status == 200 and json.loads(body)["results"]["bindings"] == [{"x": {"type": "uri",
                                                                                     "value": "urn:remote"}}]
        for other in (internal.url + "/sparql", allowed.url + "/sparql-admin", allowed.url + "/sparql/../admin",
                      "http://169.254.169.254/latest/meta-data/"):
            status, _, body = ask(url, service(other, silent=True))
            assert (status, body) == (400, f"SERVICE <{other}>: not an endpoint this server allows federated "
                                           "queries to call\n")
        # an allowed endpoint's redirect to another host is not followed: the call fails
        status, _, body = ask(url, service(allowed.url + "/moved"))
        assert (status, body) == (500, f"SERVICE <{allowed.url}/moved>: HTTP 302 redirected to an endpoint this "
                                       "server does not allow\n")
    assert internal.requests == []
    assert {path.split("?")[0] for path in allowed.requests} == {"/sparql", "/moved"}


@pytest.mark.parametrize(("endpoint", "expected"), [
    ("https://q.example.org/sparql", True),
    ("https://Q.EXAMPLE.ORG:443/sparql/x?query=1", True),
    ("http://q.example.org/sparql", False),  # another scheme
    ("https://q.example.org:8443/sparql", False),  # another port
    ("https://q.example.org.evil.test/sparql", False),
    ("https://q.example.org@169.254.169.254/sparql", False),
    ("https://q.example.org/sparqlx", False),
    ("https://q.example.org/sparql/%2e%2e/admin", False),
    ("https://q.example.org/sparql/a%2Fb", False),
    ("ftp://q.example.org/sparql", False),
])
def test_an_allowed_prefix_is_matched_by_scheme_host_port_and_path(endpoint, expected):
    assert endpoint_allowed(endpoint, ("https://q.example.org/sparql",)) is expected


def test_kg_serve_refuses_an_allowed_prefix_that_is_no_http_url():
    result = CliRunner().invoke(main, ["serve", "--public", "--allow-service", "ftp://q.example.org/"])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "--allow-service" in result.output


def test_kg_serve_public_calls_no_service_endpoint(internal, allowed):
    """`kg serve --public` as a user runs it (bound to loopback here): a query naming an
    internal host is refused, and that host receives no request."""
    with kg_serve("--public", "--allow-service", allowed.url + "/sparql") as served:
        status, _, body = ask(served.url, service(internal.url + "/latest/meta-data/", silent=True))
        assert status == 400 and "not an endpoint this server allows" in body
        status, _, body = ask(served.url, service(allowed.url + "/sparql"))
        assert status == 200 and "urn:remote" in body, served.stderr()
    assert internal.requests == []
