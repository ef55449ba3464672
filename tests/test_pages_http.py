"""The resources over HTTP (kg.publish.resources on the application of `kg serve`): every format
by Accept header and by extension, each parsing with rdflib to the graph the endpoint's
DESCRIBE gives (with the labels of what it links to), Vary: Accept, real 404 and 406 answers,
and --base."""

from __future__ import annotations

import urllib.parse

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.cli import main
from kg.publish.source import GivenStore

from serving import app_in_thread, http
from site_graph import ID, project_store

FORMATS = [("text/turtle", "turtle", "ttl"), ("application/n-triples", "nt", "nt"),
           ("application/ld+json", "json-ld", "jsonld"), ("application/rdf+xml", "xml", "rdf")]
RESOURCES = [f"{ID}place/530681", f"{ID}observation/gdp-2022", f"{ID}agent/shuifu-finance-bureau",
             f"{ID}quote/shuifu-2023-08-22/82-145"]


@pytest.fixture(scope="module")
def server():
    with app_in_thread(GivenStore(project_store(), "the project")) as (url, _app):
        yield url


def path(iri: str) -> str:
    return iri.removeprefix("https://w3id.org/county-kg/")


def endpoint_graph(url: str, query: str) -> Graph:
    status, _headers, body = http(f"{url}/query", data=urllib.parse.urlencode({"query": query}).encode(),
                                  headers={"Accept": "application/n-triples",
                                           "Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200, body
    return Graph().parse(data=body, format="nt")


def expected(url: str, iri: str) -> Graph:
    """The endpoint's DESCRIBE of the resource, and the labels of the IRIs it links to."""
    graph = endpoint_graph(url, f"DESCRIBE <{iri}>")
    graph += endpoint_graph(url, f"""CONSTRUCT {{ ?o <http://www.w3.org/2000/01/rdf-schema#label> ?l }}
        WHERE {{ <{iri}> ?p ?o FILTER(isIRI(?o)) ?o <http://www.w3.org/2000/01/rdf-schema#label> ?l }}""")
    return graph


@pytest.mark.parametrize("media, rdflib_format, extension", FORMATS, ids=[f[2] for f in FORMATS])
def test_every_format_by_accept_header_and_extension_equals_the_describe(server, media, rdflib_format, extension):
    for iri in RESOURCES:
        want = expected(server, iri)
        assert len(want) > 3
        status, headers, body = http(f"{server}/{path(iri)}", headers={"Accept": media})
        assert status == 200, body
        assert headers["Content-Type"].split(";")[0] == media
        assert headers["Vary"] == "Accept"
        got = Graph().parse(data=body, format=rdflib_format)
        assert isomorphic(got, want), (iri, media)
        status, headers, by_extension = http(f"{server}/{path(iri)}.{extension}", headers={"Accept": "text/html"})
        assert status == 200 and headers["Content-Type"].split(";")[0] == media
        assert by_extension == body


def test_browsers_and_plain_clients_get_the_page(server):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
    for accept in (browser, "*/*", None):
        status, headers, body = http(f"{server}/id/place/530681", headers={"Accept": accept} if accept else {})
        assert status == 200 and headers["Content-Type"].startswith("text/html")
        assert "<h1>" in body and "水富市" in body and headers["Vary"] == "Accept"
    status, _headers, html_ext = http(f"{server}/id/place/530681.html")
    assert status == 200 and "<h1>" in html_ext


def test_quality_values_decide(server):
    status, headers, _body = http(f"{server}/id/place/530681",
                                  headers={"Accept": "text/html;q=0.5, application/ld+json;q=0.9"})
    assert status == 200 and headers["Content-Type"].startswith("application/ld+json")
    status, headers, _body = http(f"{server}/id/place/530681", headers={"Accept": "application/json"})
    assert headers["Content-Type"].startswith("application/ld+json")


def test_an_unknown_resource_is_a_real_404_page(server):
    for target in ("id/place/0", "id/place/0.ttl", "id/nothing/here", "ontology-typo"):
        status, headers, body = http(f"{server}/{target}", headers={"Accept": "text/html"})
        assert status == 404, target
        assert headers["Content-Type"].startswith("text/html") and "Not found" in body
    status, _headers, body = http(f"{server}/id/place/0", headers={"Accept": "text/turtle"})
    assert status == 404


def test_an_accept_header_nothing_satisfies_is_406(server):
    status, headers, body = http(f"{server}/id/place/530681", headers={"Accept": "image/png"})
    assert status == 406 and "text/turtle" in body and headers["Vary"] == "Accept"


def test_the_ontology_answers_at_its_iri(server):
    status, _headers, body = http(f"{server}/ontology", headers={"Accept": "text/turtle"})
    assert status == 200
    graph = Graph().parse(data=body, format="turtle")
    assert len(graph) > 500
    status, _headers, body = http(f"{server}/ontology", headers={"Accept": "text/html"})
    assert status == 200 and 'id="Program"' in body


def test_the_site_pages_and_assets(server):
    for target, needle in (("", "county-kg"), ("classes", "ckg:Program"), ("classes/ckg-Program", "prog:"),
                           ("catalog", "01-theme-programs"), ("search", "search-results"),
                           ("article/shuifu-2023-08-22", 'class="hl'), ("search-index.js", "KG_SEARCH"),
                           ("assets/site.css", "data-lang"), ("assets/vis-network.min.js", "vis"),
                           ("editor", "yasgui")):
        status, _headers, body = http(f"{server}/{target}")
        assert status == 200 and needle in body, target
    status, _headers, _body = http(f"{server}/assets/nothing.js")
    assert status == 404


def test_head_answers_without_a_body(server):
    status, headers, body = http(f"{server}/id/place/530681", method="HEAD", headers={"Accept": "text/turtle"})
    assert status == 200 and headers["Content-Type"].startswith("text/turtle") and body == ""


def test_base_serves_everything_under_its_path():
    with app_in_thread(GivenStore(project_store()), base="https://example.org/county-kg/") as (url, _app):
        status, _headers, body = http(f"{url}/county-kg/id/place/530681")
        assert status == 200 and "水富市" in body
        assert http(f"{url}/county-kg/")[0] == 200
        assert http(f"{url}/county-kg/editor")[0] == 200
        assert http(f"{url}/id/place/530681")[0] == 404
        status, _headers, body = http(f"{url}/county-kg/query?query=" + urllib.parse.quote("ASK {}"))
        assert status == 200 and "true" in body


@pytest.mark.parametrize("base", ["ftp://example.org/", "example.org", "https://example.org/?x=1"])
def test_a_bad_base_is_one_line_and_exit_2(base):
    result = CliRunner().invoke(main, ["serve", "--base", base, "--port", "7999"])
    assert result.exit_code == 2
    assert "--base" in result.output and "absolute http or https URL" in result.output
    assert "Traceback" not in result.output


def test_pages_and_queries_from_an_on_disk_store(tmp_path):
    """kg serve --store: the pages read the store through one handle in the server process; the
    query processes forked after it opened still open and answer from their own."""
    from kg.publish.source import StoreDirectory

    source = StoreDirectory(tmp_path / "store")
    source.open()
    with app_in_thread(source) as (url, _app):
        status, _headers, body = http(f"{url}/id/place/530681", headers={"Accept": "text/turtle"})
        assert status == 200 and "水富市" in body
        for _ in range(3):
            status, _headers, body = http(f"{url}/query?query=" + urllib.parse.quote("ASK { ?s ?p ?o }"))
            assert status == 200 and "true" in body
        status, _headers, body = http(f"{url}/id/program/shuifu-education-development")
        assert status == 200 and "<h1>" in body
    source.close()


def gate_index_read(monkeypatch, gate, fail_in_child: bool = False) -> None:
    """Make kg.pages.reader.Reader read its index only once the file ``gate`` exists (a file:
    the index is read in a process forked from this one); ``fail_in_child``: fail there."""
    import os
    import time

    from kg.pages.reader import Reader

    original, parent = Reader._read_index, os.getpid()

    def gated(self):
        deadline = time.monotonic() + 120
        while not gate.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        if fail_in_child and os.getpid() != parent:
            raise RuntimeError("the disk went away")
        return original(self)

    monkeypatch.setattr(Reader, "_read_index", gated)


def test_queries_are_answered_before_the_pages_index_is_read_and_pages_once_it_is(tmp_path, monkeypatch):
    """`kg serve` (kg.publish.serve.Server.run, in a process forked from this one) listens and
    answers SPARQL at once; the pages' index is read beside it, in a process of its own, and a
    page asked for meanwhile waits for it, then answers as any."""
    import multiprocessing
    import threading
    import time

    from kg.publish.serve import Server

    from oxigraph_server import free_port

    gate = tmp_path / "go"
    gate_index_read(monkeypatch, gate)
    source, port = GivenStore(project_store(), "the project"), free_port()
    url, iri = f"http://127.0.0.1:{port}", f"{ID}place/530681"
    server = multiprocessing.get_context("fork").Process(target=lambda: Server(source, port=port).run(), daemon=True)
    server.start()
    try:
        query = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/county-kg/ontology#Program> }"
        deadline, answer = time.monotonic() + 60, None
        while answer is None and time.monotonic() < deadline and server.is_alive():
            try:
                answer = http(f"{url}/query?query=" + urllib.parse.quote(query), headers={"Accept": "text/csv"})
            except OSError:
                time.sleep(0.05)
        assert answer is not None, "no answer to a query while the index was being read"
        status, _headers, body = answer
        assert status == 200 and body.split()[0] == "n" and int(body.split()[1]) > 0
        answers: dict = {}
        page = threading.Thread(target=lambda: answers.update(
            page=http(f"{url}/{path(iri)}", headers={"Accept": "text/turtle"})))
        page.start()
        page.join(0.5)
        assert page.is_alive() and not answers  # waiting for the index, which waits for the gate
        status, _headers, body = http(f"{url}/query?query=" + urllib.parse.quote("ASK { ?s ?p ?o }"))
        assert status == 200 and "true" in body  # queries still answered meanwhile
        gate.touch()
        page.join(120)
        status, headers, body = answers["page"]
        assert status == 200 and headers["Content-Type"].startswith("text/turtle")
        assert isomorphic(Graph().parse(data=body, format="turtle"), expected(url, iri))
        status, _headers, body = http(f"{url}/")
        assert status == 200 and "<h1>" in body
    finally:
        server.terminate()
        server.join(20)


def test_a_failed_background_index_read_is_logged_and_the_pages_read_it_themselves(tmp_path, monkeypatch):
    import logging

    gate = tmp_path / "go"
    gate.touch()
    gate_index_read(monkeypatch, gate, fail_in_child=True)
    lines: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())
    log = logging.getLogger("uvicorn.error")
    log.addHandler(handler)
    try:
        with app_in_thread(GivenStore(project_store(), "the project")) as (url, _app):
            status, _headers, body = http(f"{url}/id/place/530681")
            assert status == 200 and "水富市" in body
    finally:
        log.removeHandler(handler)
    assert any("the pages' index could not be read beside the server (RuntimeError: the disk went away)" in line
               for line in lines), lines
