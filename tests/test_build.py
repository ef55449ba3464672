"""`kg build`: what it writes, and that a failed build never touches the previous dist/."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

from kg import paths
from kg.cli import main
from kg.namespaces import sparql_prologue


def tree_digest(directory: Path) -> dict[str, str]:
    return {str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.fixture
def project_copy(tmp_path, monkeypatch, root):
    """A private copy of ontology/, data/ and queries/ that a test may break."""
    copy = tmp_path / "project"
    for name in ("ontology", "data", "queries"):
        shutil.copytree(root / name, copy / name)
    monkeypatch.setattr(paths, "root", lambda: copy)
    return copy


def build(output: Path, *extra: str):
    return CliRunner().invoke(main, ["build", "-o", str(output), "--quiet", *extra], catch_exceptions=False)


def test_build_writes_every_output(tmp_path, project):
    out = tmp_path / "dist"
    result = build(out)
    assert result.exit_code == 0, result.output
    names = {p.name for p in out.iterdir()}
    theme_graphs = {n for n in names if n.startswith("graph-") and n.endswith(".html")}
    assert names - theme_graphs == {"county-kg.ttl", "county-kg.nt", "county-kg.jsonld", "county-kg.trig",
                                    "ontology.html", "summary.md", "summary.json", "validation.txt", "queries",
                                    "queries.md", "graph.html", ".county-kg-manifest.json", "site"}
    assert {"graph-industry.html", "graph-education.html", "graph-health.html", "graph-safety.html",
            "graph-urban.html", "graph-integration.html"} <= theme_graphs
    assert (out / "graph.html").stat().st_mode & 0o044 == 0o044, "published files are world-readable"
    from kg.query.catalog import catalog

    questions = catalog()
    assert sorted(p.stem for p in (out / "queries").glob("*.csv")) == [q.name for q in questions]
    page = (out / "queries.md").read_text(encoding="utf-8")
    assert all(f"## {q.name}" in page and q.summary in page for q in questions)
    graph = Graph().parse(out / "county-kg.ttl")
    assert len(graph) == len(project.union())
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["triples"] == len(project.data)
    # the article reports 29 figures (component counts such as 8個不變 are ckg:componentCount)
    assert summary["entitiesByClass"]["ckg:Observation"] == 29
    # an indicator may belong to several themes, so an observation may count in several rows
    assert sum(row["observations"] for row in summary["observationsByThemeAndPeriod"]) >= 29
    assert {row["period"] for row in summary["observationsByThemeAndPeriod"]} >= {"2022", "first half of 2023"}
    html = (out / "ontology.html").read_text(encoding="utf-8")
    assert "ckg" in html and "Observation" in html
    assert "Built" in result.output and str(out) in result.output
    # the static site: a page and its data per resource, the article view, the site's pages
    site = out / "site"
    assert (site / "index.html").is_file() and (site / "article" / "shuifu-2023-08-22.html").is_file()
    for name in ("530681.html", "530681.ttl", "530681.jsonld"):
        assert (site / "id" / "place" / name).is_file()
    manifest = json.loads((out / ".county-kg-manifest.json").read_text(encoding="utf-8"))
    assert "site/id/place/530681.html" in manifest["files"]
    assert "Site: " in result.output and (site / "index.html").resolve().as_uri() in result.output
    # no staging directories are left beside the output
    assert [p.name for p in tmp_path.iterdir()] == ["dist"]


def test_syntax_error_stops_the_build_and_keeps_dist(tmp_path, project_copy):
    out = tmp_path / "dist"
    assert build(out, "--no-docs", "--no-site").exit_code == 0
    assert not (out / "site").exists()
    before = tree_digest(out)
    broken = project_copy / "data" / "themes" / "health.ttl"
    broken.write_text(broken.read_text(encoding="utf-8") + "\nthis is not turtle .\n", encoding="utf-8")
    result = build(out, "--no-docs", "--no-site")
    assert result.exit_code == 2
    assert "health.ttl:" in result.output and "syntax error" in result.output
    assert tree_digest(out) == before


def test_violation_stops_the_build_and_keeps_dist(tmp_path, project_copy):
    out = tmp_path / "dist"
    assert build(out, "--no-docs", "--no-site").exit_code == 0
    before = tree_digest(out)
    places = project_copy / "data" / "core" / "places.ttl"
    text = places.read_text(encoding="utf-8")
    places.write_text(text.replace('ckg:divisionCode "530681"', 'ckg:divisionCode "53068X"'), encoding="utf-8")
    result = build(out, "--no-docs", "--no-site")
    assert result.exit_code == 1
    assert "53068X" in result.output and "places.ttl" in result.output and "left unchanged" in result.output
    assert tree_digest(out) == before


def test_build_cleans_sources_when_missing(tmp_path, project_copy):
    cleaned = project_copy / "data" / "sources" / "shuifu-2023-08-22.zh-Hant.txt"
    original = cleaned.read_bytes()
    cleaned.unlink()
    result = CliRunner().invoke(main, ["build", "-o", str(tmp_path / "dist"), "--no-docs", "--no-site"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "cleaned shuifu-2023-08-22" in result.output
    assert cleaned.read_bytes() == original


# -- the pipeline for large graphs -------------------------------------------------------------


@pytest.fixture(scope="module")
def both_pipelines(tmp_path_factory):
    """The project built by each pipeline (the fast one forced: the project is small)."""
    base = tmp_path_factory.mktemp("pipelines")
    runs = {}
    for pipeline in ("full", "fast"):
        out = base / pipeline
        result = build(out, "--no-docs", "--no-site", "--pipeline", pipeline)
        assert result.exit_code == 0, result.output
        runs[pipeline] = (out, result.output)
    return runs


def test_fast_pipeline_writes_the_same_graph_and_answers(both_pipelines):
    (full, _), (fast, _) = both_pipelines["full"], both_pipelines["fast"]
    # byte for byte: the canonical N-Triples, the summary and every catalog answer
    for name in ("county-kg.nt", "summary.json", "summary.md"):
        assert (fast / name).read_bytes() == (full / name).read_bytes(), name
    answers = sorted(p.name for p in (full / "queries").glob("*.csv"))
    assert answers and answers == sorted(p.name for p in (fast / "queries").glob("*.csv"))
    for name in answers:
        assert (fast / "queries" / name).read_bytes() == (full / "queries" / name).read_bytes(), name
    # the other serializations hold the same graph
    from rdflib.compare import isomorphic

    reference = Graph().parse(full / "county-kg.nt", format="nt")
    for name, fmt in (("county-kg.ttl", "turtle"), ("county-kg.jsonld", "json-ld")):
        assert isomorphic(Graph().parse(fast / name, format=fmt), reference), name
    # TriG: one named graph per file, with the names the full pipeline gives them
    from rdflib import Dataset

    def graphs(path):
        data = Dataset()
        data.parse(path, format="trig")
        return {str(g.identifier): len(g) for g in data.graphs() if len(g)}

    assert graphs(fast / "county-kg.trig") == graphs(full / "county-kg.trig")
    # the same validation results; the graph pages are left out for large graphs
    assert (fast / "validation.txt").read_text(encoding="utf-8") == (full / "validation.txt").read_text(encoding="utf-8")
    assert (full / "graph.html").exists() and not (fast / "graph.html").exists()


def test_auto_pipeline_follows_the_size_of_the_data(monkeypatch):
    from kg.build import pipeline as build_module

    given = build_module.inputs()
    assert build_module.choose_pipeline("auto", given) == "full"
    monkeypatch.setattr(build_module, "LARGE_INPUT_BYTES", given.size - 1)
    assert build_module.choose_pipeline("auto", given) == "fast"
    assert build_module.choose_pipeline("full", given) == "full"


def test_fast_pipeline_violation_keeps_dist_and_stops_the_exports(tmp_path):
    out = tmp_path / "dist"
    assert build(out, "--no-docs", "--pipeline", "fast").exit_code == 0
    before = tree_digest(out)
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ckg: <https://w3id.org/county-kg/ontology#> .\n"
                   "<https://w3id.org/county-kg/id/place/530681> ckg:divisionCode \"53068X\" .\n", encoding="utf-8")
    result = build(out, "--no-docs", "--pipeline", "fast", "--add", str(bad))
    assert result.exit_code == 1, result.output
    assert "53068X" in result.output and "left unchanged" in result.output
    assert tree_digest(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.ttl", "dist"]  # no staging directory left
    import multiprocessing

    assert not [p for p in multiprocessing.active_children() if p.name == "county-kg-exports"]


def test_added_file_must_exist(tmp_path):
    result = CliRunner().invoke(main, ["build", "-o", str(tmp_path / "dist"), "--add", str(tmp_path / "nope.nt")])
    assert result.exit_code == 2
    assert "nope.nt" in result.output


# -- every printed count is a count of distinct resources -------------------------------------


def _count(store, query: str) -> int:
    return int(next(iter(store.query(sparql_prologue() + query)))[0].value)


@pytest.mark.parametrize("pipeline", ["full", "fast"])
def test_every_printed_count_is_a_sparql_count(both_pipelines, project, pipeline):
    """The build's line, summary.md and summary.json give the numbers a SPARQL COUNT(DISTINCT ...)
    gives on the data: 29 observations (not 34, one per theme), each class, each theme and period."""
    import re

    from kg.store.oxigraph import store_from_graph

    out, printed = both_pipelines[pipeline]
    data = store_from_graph(project.data)
    expected = {
        "triples": _count(data, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"),
        "resources": _count(data, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"),
        "observations": _count(data, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o a ckg:Observation }"),
        "quotes": _count(data, "SELECT (COUNT(DISTINCT ?q) AS ?n) WHERE { ?q a ckg:Quote }"),
    }
    assert expected["observations"] == 29
    line = re.search(r"Built .*/: (\d+) triples, (\d+) resources, (\d+) observations, (\d+) quotes", printed)
    assert line, printed
    assert dict(zip(expected, map(int, line.groups()))) == expected

    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert {"triples": summary["triples"], "resources": summary["subjects"],
            "observations": summary["observations"], "quotes": summary["quotes"]} == expected
    classes = {}
    for row in data.query(sparql_prologue() + "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c"):
        name = row["c"].value.replace("https://w3id.org/county-kg/ontology#", "ckg:")
        if name.startswith("ckg:"):
            classes[name] = int(row["n"].value)
    assert summary["entitiesByClass"] == classes
    by_theme = {}
    for row in data.query(sparql_prologue() + """
            SELECT ?theme ?period (COUNT(DISTINCT ?obs) AS ?n) WHERE {
              ?obs a ckg:Observation ; sdmx-dimension:refPeriod ?period ; ckg:indicator/ckg:theme ?theme
            } GROUP BY ?theme ?period"""):
        by_theme[(row["theme"].value, row["period"].value)] = int(row["n"].value)
    assert sorted(row["observations"] for row in summary["observationsByThemeAndPeriod"]) == sorted(by_theme.values())

    markdown = (out / "summary.md").read_text(encoding="utf-8")
    for label, key in (("triples", "triples"), ("described resources", "resources"),
                       ("observations", "observations"), ("quotes", "quotes")):
        assert f"- {label}: {expected[key]}\n" in markdown
    assert f"{expected['observations']} observations in all" in markdown
    for name, n in classes.items():
        assert f"| {name} | {n} |" in markdown
