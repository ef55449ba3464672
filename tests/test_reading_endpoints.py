"""`kg analyze`, `kg viz` and `kg link` with --endpoint, against real SPARQL endpoints holding the
project's graph: the Oxigraph server (loaded with the N-Triples export) and `kg serve` (the
project's own endpoint), both on loopback and always stopped. Each command's output equals its
output over the local files, byte for byte: the graph is read with the same queries either way
(kg.query.readers). Virtuoso is asked the same in tests/test_virtuoso.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.publish.export import serialize
from oxigraph_server import OxigraphServer, load_store
from serving import kg_serve
from test_link import other_graph, precision_recall, reference

#: Each analysis, in the formats a reader uses (paths between named entities, hubs avoided).
ANALYSES = [
    ["analyze", "rank", "--by", "betweenness", "--schema", "--format", "json", "--lang", "zh-Hans"],
    ["analyze", "communities", "--format", "json"],
    ["analyze", "coverage"],
    ["analyze", "path", "res:teachers-willing-to-go-rural", "place:53", "--avoid", "place:530681"],
]


def run(args: list[str]) -> str:
    result = CliRunner().invoke(main, args, env={"KG_ENDPOINT_USER": None, "KG_ENDPOINT_PASSWORD": None,
                                                 "KG_ENDPOINT_TOKEN": None})
    assert result.exit_code == 0, result.output
    # the answer alone: standard error may say that the local store was brought up to date first
    return result.stdout


@pytest.fixture(scope="module")
def oxigraph(project, tmp_path_factory):
    store = tmp_path_factory.mktemp("oxigraph-project") / "store"
    load_store(store, serialize(project, "nt"))
    with OxigraphServer(store) as server:
        yield server.url + "/query"


@pytest.fixture(scope="module")
def local_answers():
    return {" ".join(args): run(args) for args in ANALYSES}


@pytest.mark.parametrize("args", ANALYSES, ids=[" ".join(a[1:3]) for a in ANALYSES])
def test_analyze_on_the_oxigraph_server_equals_local(oxigraph, local_answers, args):
    remote = run([*args, "--endpoint", oxigraph, "--timeout", "120"])
    assert remote == local_answers[" ".join(args)]
    assert len(remote.splitlines()) > 3


@pytest.mark.parametrize("cut", [["--theme", "industry", "--schema", "--lang", "zh-Hant"],
                                 ["--focus", "place:530681", "--depth", "1", "--class", "ckg:Program"]],
                         ids=["theme", "focus"])
def test_viz_on_the_oxigraph_server_equals_local(oxigraph, tmp_path, cut):
    local, remote = tmp_path / "local.html", tmp_path / "remote.html"
    run(["viz", "-o", str(local), *cut])
    run(["viz", "-o", str(remote), *cut, "--endpoint", oxigraph])
    assert remote.read_bytes() == local.read_bytes()
    assert b"vis.Network" in local.read_bytes()


def link_outputs(workspace: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted((workspace / "links").iterdir())}


@pytest.fixture(scope="module")
def other_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("other") / "other-county-db.ttl"
    other_graph().serialize(path, format="turtle")
    return path


def test_link_with_our_graph_on_the_oxigraph_server_equals_local(oxigraph, other_file, tmp_path):
    run(["link", str(other_file), "--workspace", str(tmp_path / "local")])
    output = run(["link", str(other_file), "--workspace", str(tmp_path / "remote"), "--endpoint", oxigraph])
    assert link_outputs(tmp_path / "remote") == link_outputs(tmp_path / "local")
    assert "exactMatch" in output
    from rdflib import Graph
    from rdflib.namespace import SKOS

    links = Graph().parse(tmp_path / "remote" / "links" / "other-county-db.ttl")
    found = {(str(theirs), str(ours)) for ours, theirs in links.subject_objects(SKOS.exactMatch)} | \
        {(str(theirs), str(ours)) for ours, theirs in links.subject_objects(SKOS.closeMatch)}
    precision, recall = precision_recall(found, reference())
    assert precision >= 0.95 and recall >= 0.90


def test_analyze_on_kg_serve_equals_local(local_answers):
    """The project's own endpoint answers the CONSTRUCT and the count the same way."""
    with kg_serve() as server:
        assert "curl " in server.banner, server.stderr()
        args = ANALYSES[2]  # coverage
        assert run([*args, "--endpoint", server.url + "/sparql"]) == local_answers[" ".join(args)]
