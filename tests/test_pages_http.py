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
