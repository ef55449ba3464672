"""`kg serve` (the SPARQL 1.1 Protocol and the query editor) as a user runs it, the same
application over a small store for the protocol's details, and `kg push` against a real
Graph Store Protocol server (Oxigraph's) on loopback."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import socket
import time
import urllib.parse
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
import click
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef

from kg.cli import main
from kg.errors import KgError
from kg.publish.serve import Settings, check_port_free
from kg.publish.source import GivenStore

from oxigraph_server import OxigraphServer, free_port, load_store
from serving import app_in_thread, children, http, kg_serve

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
CROSS_JOIN_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # hours on the project


def cross_join(patterns: int, count: bool = True) -> str:
    """A query that takes as long as one likes: ``patterns`` unrelated triple patterns."""
    where = " . ".join(f"?s{i} ?p{i} ?o{i}" for i in range(patterns))
    return f"SELECT {'(COUNT(*) AS ?n)' if count else '*'} WHERE {{ {where} }}"
JSON = {"Accept": "application/sparql-results+json"}
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


@pytest.fixture(scope="module")
def served():
    """`kg serve` as a user runs it: a subprocess, stopped with SIGINT (Ctrl-C)."""
    with kg_serve() as server:
        yield server


def get(url: str, query: str, accept: str = "application/sparql-results+json", **kwargs):
    return http(f"{url}/query?" + urllib.parse.urlencode({"query": query}), headers={"Accept": accept}, **kwargs)


def test_serve_prints_url_and_example(served):
    assert f"{served.url}/query" in served.banner and "curl" in served.banner


def test_query_over_get_and_post_in_json_and_csv(served, project):
    status, _, body = get(served.url, COUNT)
    assert status == 200
    count = int(json.loads(body)["results"]["bindings"][0]["n"]["value"])
    assert count == len(project.union())

    status, headers, body = http(f"{served.url}/query", data=COUNT.encode(), method="POST",
                                 headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"})
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    assert list(csv.reader(io.StringIO(body)))[1] == [str(count)]

    status, _, body = http(f"{served.url}/query", data=urllib.parse.urlencode({"query": COUNT}).encode(),
                           method="POST", headers={"Content-Type": "application/x-www-form-urlencoded",
                                                   "Accept": "text/csv"})
    assert status == 200 and body.splitlines()[1] == str(count)


def test_the_endpoint_answers_lang_in_registered_case(served):
    """Oxigraph lower-cases tags; the endpoint answers through the project's query layer."""
    query = f'SELECT ?l WHERE {{ ?s <{RDFS_LABEL}> ?l FILTER(lang(?l) = "zh-Hans") }}'
    status, _, body = get(served.url, query)
    bindings = json.loads(body)["results"]["bindings"]
    assert status == 200 and len(bindings) > 100
    assert {b["l"]["xml:lang"] for b in bindings} == {"zh-Hans"}


def test_query_editor_is_served_from_the_project(served):
    status, headers, body = http(served.url + "/editor", headers={"Accept": "text/html"})
    assert status == 200 and "<html" in body.lower() and headers["Content-Type"].startswith("text/html")
    assets = re.findall(r'(?:src|href)="([^"]+)"', body)
    assert any(a.endswith("yasgui.min.js") for a in assets) and any(a.endswith("yasgui.min.css") for a in assets)
    for asset in assets:
        assert "//" not in asset, f"an asset from elsewhere: {asset}"
        if not asset.startswith("data:"):
            assert http(urllib.parse.urljoin(served.url + "/editor", asset))[0] == 200, asset
    assert "prefix.cc" not in body


def test_the_home_page_and_the_resources_are_served_beside_the_endpoint(served):
    status, _, body = http(served.url + "/", headers={"Accept": "text/html"})
    assert status == 200 and 'href="editor"' in body and 'href="article/shuifu-2023-08-22"' in body
    status, headers, body = http(served.url + "/id/place/530681", headers={"Accept": "text/turtle"})
    assert status == 200 and headers["Content-Type"].startswith("text/turtle") and "水富市" in body
    assert "county-kg site: " in served.banner and "/article/shuifu-2023-08-22" in served.banner


def test_updates_are_refused(served):
    status, _, _ = http(f"{served.url}/update", data=b"INSERT DATA { <urn:a> <urn:b> <urn:c> }", method="POST",
                        headers={"Content-Type": "application/sparql-update"})
    assert status == 403
    status, _, _ = http(f"{served.url}/query", data=b"INSERT DATA { <urn:a> <urn:b> <urn:c> }", method="POST",
                        headers={"Content-Type": "application/sparql-update"})
    assert status == 403
    status, _, body = http(f"{served.url}/query", data=b"INSERT DATA { <urn:a> <urn:b> <urn:c> }", method="POST",
                           headers={"Content-Type": "application/sparql-query"})
    assert status == 403 and "a SPARQL update (INSERT) is refused" in body  # as the README says, not 400
    status, _, body = get(served.url, "PREFIX ex: <urn:> DELETE WHERE { ?s ?p ?o }")
    assert status == 403 and "a SPARQL update (DELETE) is refused" in body
    status, _, _ = http(f"{served.url}/store?default", data=b"<urn:a> <urn:b> <urn:c> .", method="PUT",
                        headers={"Content-Type": "application/n-triples"})
    assert status in (403, 404, 405)
    _, _, body = get(served.url, "ASK { <urn:a> ?p ?o }")
    assert json.loads(body)["boolean"] is False


def test_serve_refuses_a_taken_port(served):
    port = served.url.rsplit(":", 1)[1]
    result = CliRunner().invoke(main, ["serve", "--port", port])
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.output and "--port" in result.output


def test_serve_refuses_a_public_bind_without_public():
    result = CliRunner().invoke(main, ["serve", "--bind", "0.0.0.0", "--port", str(free_port())])
    assert result.exit_code == 2 and "--public" in result.output


def test_check_port_free_raises_for_a_listener():
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen()
    try:
        with pytest.raises(KgError, match=r"cannot listen on .*: address already in use \(is another server running"):
            check_port_free("127.0.0.1", blocker.getsockname()[1])
    finally:
        blocker.close()
    # an unknown host is no taken port: the hint to choose another port would mislead
    with pytest.raises(KgError) as error:
        check_port_free("notahost.invalid", free_port())
    assert "the address 'notahost.invalid' cannot be used" in str(error.value)
    assert "--port" not in str(error.value) and "Name or service" not in str(error.value)


# -- the protocol's details, on a small store ------------------------------------------------------

SMALL = """
@prefix ex: <http://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:a rdfs:label "水富"@zh-Hans , "水富"@zh-Hant , "Shuifu"@en , "line\\none \\"quoted\\""@en-GB ;
     ex:n 12.5 ; ex:to ex:b .
ex:b rdfs:label "b" .
"""


@pytest.fixture(scope="module")
def small():
    store = ox.Store()
    store.load(SMALL.encode(), format=ox.RdfFormat.TURTLE)
    with app_in_thread(GivenStore(store), Settings(timeout=2, service_timeout=1)) as (url, app):
        yield url, app


def test_select_in_every_results_format(small):
    url, _ = small
    query = f"SELECT ?s ?l WHERE {{ ?s <{RDFS_LABEL}> ?l }} ORDER BY ?l"
    status, headers, body = get(url, query)
    assert status == 200 and headers["Content-Type"].startswith("application/sparql-results+json")
    rows = json.loads(body)["results"]["bindings"]
    assert sorted(b["l"].get("xml:lang", "") for b in rows) == ["", "en", "en-GB", "zh-Hans", "zh-Hant"]

    status, headers, body = get(url, query, "application/sparql-results+xml")
    assert status == 200 and "xml" in headers["Content-Type"]
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    literals = ET.fromstring(body.encode()).findall(".//r:literal", ns)
    assert sorted(lit.get("{http://www.w3.org/XML/1998/namespace}lang") or "" for lit in literals) == \
        ["", "en", "en-GB", "zh-Hans", "zh-Hant"]
    assert 'line\none "quoted"' in [lit.text for lit in literals]

    status, _, body = get(url, query, "text/tab-separated-values")
    assert status == 200 and body.splitlines()[0] == "?s\t?l" and '"Shuifu"@en' in body and '@zh-Hant' in body

    status, _, body = get(url, query, "text/csv")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["s", "l"] and ["http://example.org/a", 'line\none "quoted"'] in rows


def test_construct_in_every_graph_format(small):
    url, _ = small
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    expected = Graph().parse(data=SMALL, format="turtle")
    for accept, fmt in (("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld")):
        status, headers, body = get(url, query, accept)
        assert status == 200 and headers["Content-Type"].startswith(accept), accept
        graph = Graph().parse(data=body, format=fmt)
        assert set(graph) == set(expected), accept
        assert {o.language for o in graph.objects() if isinstance(o, Literal) and o.language} == \
            {"zh-Hans", "zh-Hant", "en", "en-GB"}, accept  # (rdflib's == ignores a tag's case)
        assert "zh-hans" not in body
    status, _, body = get(url, "DESCRIBE <http://example.org/a>", "*/*")
    assert status == 200 and (URIRef("http://example.org/a"), URIRef(RDFS_LABEL), Literal("水富", lang="zh-Hant")) \
        in Graph().parse(data=body, format="turtle")


def test_ask_and_content_negotiation(small):
    url, _ = small
    assert json.loads(get(url, "ASK { ?s ?p ?o }", "*/*")[2]) == {"head": {}, "boolean": True}
    status, _, body = get(url, "ASK { ?s ?p ?o }", "application/sparql-results+xml")
    assert status == 200 and "<boolean>true</boolean>" in body
    status, _, body = get(url, "ASK { ?s ?p ?o }", "text/csv")
    assert status == 406
    status, headers, _ = get(url, COUNT, "text/html;q=0.9, text/csv;q=0.5")
    assert status == 200 and headers["Content-Type"].startswith("text/csv")


def test_protocol_errors_are_one_line_statuses(small):
    url, _ = small
    status, _, body = get(url, "SELECT * WHERE { ?s ?p }")
    assert status == 400 and "syntax error" in body and "Traceback" not in body
    assert http(f"{url}/query")[0] == 400  # no query
    assert http(f"{url}/query", data=b"x", method="POST", headers={"Content-Type": "text/plain"})[0] == 415
    status, _, body = http(f"{url}/query?" + urllib.parse.urlencode({"query": "ASK {}", "default-graph-uri": "urn:g"}))
    assert status == 400 and "default-graph-uri" in body
    assert http(f"{url}/query", method="PUT", data=b"")[0] == 405
    # the query's own fault is the client's (400), never the server's (500)
    status, _, body = get(url, "SELECT * WHERE { SERVICE <file:///etc/passwd> { ?s ?p ?o } }")
    assert status == 400 and body.strip() == "SERVICE <file:///etc/passwd>: only http: and https: SPARQL endpoints can be called"
    status, _, body = get(url, 'SELECT ?y WHERE { BIND("5.8e8"^^xsd:decimal + 1 AS ?y) }')
    assert status == 400 and "is ill-formed" in body
    assert get(url, "INSERT DATA { <urn:a> <urn:b> <urn:c> }")[0] == 403  # an update, refused as one


def _query_processes(app) -> set[int]:
    return {work.pid for work in app.state.queries.running}


def test_a_query_past_its_timeout_is_stopped_and_its_process_killed(small):
    url, app = small
    before = set(children(os.getpid()))
    started = time.monotonic()
    status, _, body = get(url, cross_join(12))
    assert status == 503 and "stopped after 2 s" in body
    # The cross join of 12 patterns would run for hours: a reply within a minute shows it was
    # stopped, however busy the machine is (its stop at 2 s is what the message says).
    assert time.monotonic() - started < 60
    assert _query_processes(app) == set()
    # killed before the answer was sent; on a busy machine it may take a moment to be gone
    assert all(gone(pid, within=5.0) for pid in set(children(os.getpid())) - before), "the query's process lives on"


def test_a_client_that_goes_away_stops_its_query(small):
    url, app = small
    parsed = urllib.parse.urlsplit(url)
    query = urllib.parse.urlencode({"query": cross_join(12)})
    with socket.create_connection((parsed.hostname, parsed.port)) as connection:
        connection.sendall(f"GET /query?{query} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        deadline = time.monotonic() + 5
        while not _query_processes(app) and time.monotonic() < deadline:
            time.sleep(0.02)
        (pid,) = _query_processes(app)
    deadline = time.monotonic() + 1.5
    while _query_processes(app) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert _query_processes(app) == set(), "the query went on after its client left"
    assert gone(pid)


def gone(pid: int, within: float = 1.0) -> bool:
    """Whether process ``pid`` ended (a SIGKILLed process may take a moment on a busy machine)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return True
        except OSError:
            return True
        time.sleep(0.02)
    return False


def test_rows_are_streamed_as_they_come(small, tmp_path):
    """The first rows of an answer that would take minutes arrive at once."""
    url, app = small
    query = cross_join(12, count=False)
    parsed = urllib.parse.urlsplit(url)
    import http.client

    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
    started = time.monotonic()
    connection.request("GET", "/query?" + urllib.parse.urlencode({"query": query}), headers={"Accept": "text/csv"})
    response = connection.getresponse()
    assert response.status == 200
    first = [response.readline() for _ in range(3)]
    assert time.monotonic() - started < 1.5
    assert b"s0" in first[0] and first[1].count(b",") == 35
    (pid,) = _query_processes(app)
    response.close()
    connection.close()
    assert gone(pid, within=2), "the query went on after its client left"


# -- Ctrl-C -----------------------------------------------------------------------------------------

def test_ctrl_c_stops_the_server_and_its_queries_within_a_second():
    with kg_serve() as server:
        url = server.url
        import threading

        threading.Thread(target=lambda: get(url, CROSS_JOIN_COUNT, timeout=60), daemon=True).start()
        deadline = time.monotonic() + 10
        while not children(server.process.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        queries = children(server.process.pid)
        assert queries, "the query did not start"
        seconds = server.stop(signal.SIGINT)
        assert seconds < 1.0, f"stopped after {seconds:.2f} s"
        assert server.process.returncode == 130  # as every command Ctrl-C stops (it was 0)
        assert "Traceback" not in server.stderr() and "Error" not in server.stderr(), server.stderr()
        # one line saying so, as every command Ctrl-C stops (a line "stopped" came before it)
        lines = server.stderr().splitlines()
        assert lines[-1] == "kg: interrupted" and "stopped" not in lines, server.stderr()
        for pid in queries:
            assert gone(pid)


def test_sigterm_stops_the_server_with_its_exit_code():
    with kg_serve() as server:
        server.stop(signal.SIGTERM)
        assert server.process.returncode == 143, server.stderr()
        assert "Traceback" not in server.stderr(), server.stderr()


# -- kg push ----------------------------------------------------------------------------------------

@pytest.fixture
def writable_server(tmp_path):
    with OxigraphServer(tmp_path / "store", read_only=False) as server:
        yield server


def test_push_replaces_the_named_graph(writable_server, project):
    runner = CliRunner()
    endpoint = writable_server.url + "/store"
    graph = "https://example.org/graph/shuifu"
    for _ in range(2):  # twice: the second upload replaces, it does not add
        result = runner.invoke(main, ["push", "--endpoint", endpoint, "--graph", graph])
        assert result.exit_code == 0, result.output
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    _, _, body = get(writable_server.url, query, "text/csv")
    assert int(body.splitlines()[1]) == len(project.union())
    assert "replaced <https://example.org/graph/shuifu>" in result.output


def test_push_sends_credentials_from_the_environment_only(monkeypatch):
    import httpx

    from kg.http import auth_from_environment

    monkeypatch.setenv("KG_ENDPOINT_USER", "analyst")
    monkeypatch.setenv("KG_ENDPOINT_PASSWORD", "s3cret")
    request = httpx.Request("PUT", "http://127.0.0.1/store")
    flow = auth_from_environment().auth_flow(request)
    assert "Authorization" not in next(flow).headers  # the server's challenge names the scheme
    challenge = httpx.Response(401, headers={"WWW-Authenticate": 'Basic realm="store"'}, request=request)
    assert flow.send(challenge).headers["Authorization"] == "Basic YW5hbHlzdDpzM2NyZXQ="
    monkeypatch.setenv("KG_ENDPOINT_TOKEN", "tok")
    assert next(auth_from_environment().auth_flow(request)).headers["Authorization"] == "Bearer tok"
    options = {p.name for p in main.get_command(click.Context(main), "push").params}
    assert not options & {"user", "password", "token"}


def test_push_to_an_unreachable_endpoint_fails_clearly():
    result = CliRunner().invoke(main, ["push", "--endpoint", f"http://127.0.0.1:{free_port()}/store"])
    assert result.exit_code == 2
    # the system's words, not Python's: no "[Errno 111] Connection refused"
    assert result.output.endswith(": connection refused\n") and "Errno" not in result.output, result.output


def test_a_refusal_quotes_only_what_the_server_adds_to_its_status():
    import http.server

    import httpx

    from kg.http import refusal

    # Python's http.server answering a PUT: its page restates the status three times over
    page = http.server.BaseHTTPRequestHandler.error_message_format % {
        "code": 501, "message": "Unsupported method ('PUT')",
        "explain": "Server does not support this operation"}
    request = httpx.Request("PUT", "http://127.0.0.1:9/store")
    answer = httpx.Response(501, headers={"Content-Type": "text/html;charset=utf-8"}, content=page.encode(),
                            request=request, extensions={"reason_phrase": b"Unsupported method ('PUT')"})
    assert refusal(answer, "http://127.0.0.1:9/store", None, "the upload") == (
        "http://127.0.0.1:9/store failed on the upload: HTTP 501 Unsupported method ('PUT'): "
        "Error code explanation: 501 - Server does not support this operation.")
    said = httpx.Response(400, text="Parse error\nline 3: unexpected '}'", request=request)
    assert refusal(said, "http://x/store", None, "the upload").endswith(
        "refused the upload: HTTP 400 Bad Request: Parse error line 3: unexpected '}'")


def test_push_to_a_refusing_endpoint_fails_clearly(tmp_path):
    load_store(tmp_path / "store", b"<urn:a> <urn:b> <urn:c> .\n")
    with OxigraphServer(tmp_path / "store", read_only=True) as server:
        result = CliRunner().invoke(main, ["push", "--endpoint", server.url + "/store"])
    assert result.exit_code == 2
    assert "refused the upload: HTTP" in result.output


# -- the data source --------------------------------------------------------------------------------

def test_store_directory_is_the_project_store_not_added_to(tmp_path):
    """`kg serve --store DIR` serves the project's store: a second start serves the same graph
    (not twice the blank nodes); a directory that is not a county-kg store is never written."""
    from kg.publish.source import StoreDirectory

    location = tmp_path / "store"
    source = StoreDirectory(location)
    source.open()
    first = len(source.query_store())
    source.close()
    again = StoreDirectory(location)
    again.open()
    assert len(again.query_store()) == first > 50_000
    again.close()

    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(KgError, match="not a county-kg store"):
        StoreDirectory(foreign).open()
    assert sorted(p.name for p in foreign.iterdir()) == ["notes.txt"]
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_a_query_stopped_by_the_servers_limit_after_its_answer_began_says_so(small):
    """Past its time limit with rows already sent, the server cannot change its status: it
    tells its limit before the answer (Query-Time-Limit), and the client says the server
    stopped the query there, not only that the answer broke off."""
    url, _ = small
    # DISTINCT over a cross join: its few distinct rows come at once, then nothing, for hours
    query = "SELECT DISTINCT ?s0 WHERE { " + " . ".join(f"?s{i} ?p{i} ?o{i}" for i in range(12)) + " }"
    status, headers, _body = get(url, "ASK { ?s ?p ?o }")
    assert status == 200 and headers.get("Query-Time-Limit") == "2"
    result = CliRunner().invoke(main, ["query", "--endpoint", f"{url}/query", "--sparql", query, "--format", "csv"])
    assert result.exit_code == 2, result.output
    # csv is written as the answer comes: the rows that came, then why the answer ends there
    assert result.stdout.startswith("s0\n")
    assert result.stderr.strip() == (f"kg: error: {url}/query stopped the query at its time limit of 2 s, after it "
                                     "had begun its answer: the answer is incomplete (ask for fewer rows, or raise "
                                     "the server's limit: kg serve --timeout)"), result.output
