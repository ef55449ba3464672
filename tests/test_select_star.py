"""``SELECT *`` has its columns in the order its variables are first written, on every local
engine and on `kg serve` (kg.store.sparql.in_text_order): SPARQL leaves the order open, and
Oxigraph and rdflib each had their own."""

from __future__ import annotations

import csv
import io
import urllib.parse

import pyoxigraph as ox
import pytest

from kg.publish.serve import Settings
from kg.publish.source import GivenStore
from kg.query.engines import ENGINES, Engines
from kg.store.sparqltext import star_order

from serving import app_in_thread, http

#: query -> its columns, and the row the one triple <urn:a> <urn:b> "c" gives
QUERIES = {
    "SELECT * WHERE { ?s ?p ?o } LIMIT 1": (["s", "p", "o"], ["urn:a", "urn:b", "c"]),
    "SELECT * WHERE { ?o ?p ?s . BIND(STR(?o) AS $label) } LIMIT 1": (["o", "p", "s", "label"],
                                                                       ["urn:a", "urn:b", "c", "urn:a"]),
    # "?x" in a string is no variable
    'SELECT DISTINCT * WHERE { ?p ?s ?o FILTER(?o != "?x") }': (["p", "s", "o"], ["urn:a", "urn:b", "c"]),
    "SELECT ?p ?s WHERE { ?s ?p ?o }": (["p", "s"], ["urn:b", "urn:a"]),  # a listed projection as listed
}


@pytest.fixture(scope="module")
def store():
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.Literal("c")))
    return store


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("query", list(QUERIES))
def test_select_star_columns_are_in_the_order_written_on_each_engine(store, engine, query):
    results = Engines(store=store).run(query, {}, engine)
    assert (results.variables, [[str(term) for term in row] for row in results.rows]) == \
        (QUERIES[query][0], [QUERIES[query][1]])


def test_the_endpoint_gives_the_same_columns(store):
    with app_in_thread(GivenStore(store), Settings(timeout=20)) as (url, _app):
        for query, (columns, row) in QUERIES.items():
            status, _, body = http(f"{url}/query?" + urllib.parse.urlencode({"query": query}),
                                   headers={"Accept": "text/csv"}, timeout=60)
            assert status == 200 and list(csv.reader(io.StringIO(body))) == [columns, row]


def test_only_select_star_has_an_order_from_the_text():
    assert star_order("PREFIX x: <urn:x#> SELECT REDUCED * { ?b ?a $b }") == ["b", "a"]
    assert star_order("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }") is None
    assert star_order("ASK { ?s ?p ?o }") is None
    assert star_order("CONSTRUCT { ?s ?p ?o } WHERE { SELECT * { ?s ?p ?o } }") is None
