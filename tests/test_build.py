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
    """The build's files (its store, which follows the inputs, left out)."""
    return {str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file() and p.relative_to(directory).parts[0] != "store"}


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


def test_a_failed_first_build_leaves_no_directory_behind(tmp_path, monkeypatch):
    """`kg build -o b3 --add bad.ttl` left b3/store/{cache,.lock,manifest}: a directory the
    user never had. The store the build made there goes, then the folders it made; a
    directory that was there before keeps its store."""
    monkeypatch.delenv("KG_STORE", raising=False)  # the store in the output, as by default
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .\n", encoding="utf-8")
    missing = tmp_path / "new" / "b3"  # a folder on the way that is not there: refused before any work
    result = CliRunner().invoke(main, ["build", "-o", str(missing), "--quiet", "--add", str(bad)])
    assert result.exit_code == 2 and f"no such directory: {tmp_path / 'new'}" in result.output, result.output
    out = tmp_path / "b3"
    result = CliRunner().invoke(main, ["build", "-o", str(out), "--quiet", "--add", str(bad)])
    assert result.exit_code == 2 and "bad.ttl:1:1" in result.output, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.ttl"]
    kept = tmp_path / "kept"
    kept.mkdir()
    result = CliRunner().invoke(main, ["build", "-o", str(kept), "--quiet", "--add", str(bad)])
    assert result.exit_code == 2, result.output
    assert [p.name for p in kept.iterdir()] == ["store"]  # (the next build reuses it)


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


# -- one pipeline: what it writes is what the rdflib reference writes ------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The project built once, its store inside the output (as `kg build` without $KG_STORE)."""
    import os

    out = tmp_path_factory.mktemp("built") / "dist"
    saved = os.environ.pop("KG_STORE", None)
    try:
        result = build(out, "--no-docs", "--no-site")
    finally:
        if saved is not None:
            os.environ["KG_STORE"] = saved
    assert result.exit_code == 0, result.output
    return out, result.output


def test_the_build_writes_what_the_reference_writes(built, project):
    """Byte for byte: the canonical N-Triples (the rdflib serializer's), the summary (kg.build.summary
    on rdflib), every catalog answer (on an in-memory store of the files) and the validation report
    (kg.validate.report on rdflib); the other serializations hold the same graph, TriG with one
    named graph per file."""
    from rdflib import Dataset
    from rdflib.compare import isomorphic

    from kg.build.summary import summarize
    from kg.publish.export import serialize
    from kg.query.answers import answer_catalog
    from kg.query.engines import Engines
    from kg.validate.report import validate_loaded

    out, _printed = built
    assert (out / "county-kg.nt").read_bytes() == serialize(project, "nt")
    reference = summarize(project.data, project.union())
    assert (out / "summary.json").read_text(encoding="utf-8") == reference.to_json()
    assert (out / "summary.md").read_text(encoding="utf-8") == reference.to_markdown()
    answers = answer_catalog(None, engines=Engines(project))
    assert sorted(p.stem for p in (out / "queries").glob("*.csv")) == sorted(answers)
    for name, (results, _seconds) in answers.items():
        assert (out / "queries" / f"{name}.csv").read_bytes() == results.to_csv().encode("utf-8"), name
    assert (out / "validation.txt").read_text(encoding="utf-8") == validate_loaded(project).to_text()
    graph = Graph().parse(out / "county-kg.nt", format="nt")
    for name, fmt in (("county-kg.ttl", "turtle"), ("county-kg.jsonld", "json-ld")):
        assert isomorphic(Graph().parse(out / name, format=fmt), graph), name
    data = Dataset()
    data.parse(out / "county-kg.trig", format="trig")
    assert {str(g.identifier): len(g) for g in data.graphs() if len(g)} == \
        {str(name): len(project.dataset.graph(name)) for name, path in project.files.items()
         if path.parent.name != "shapes"}


def test_the_store_sits_in_the_output_and_a_second_build_reuses_it(built, tmp_path):
    import os

    out, printed = built
    assert "validation: whole" in printed and (out / "store" / "CURRENT").is_file()
    manifest = json.loads((out / ".county-kg-manifest.json").read_text(encoding="utf-8"))
    assert not any(name.startswith("store/") for name in manifest["files"])  # the store is its own
    before = tree_digest(out)
    saved = os.environ.pop("KG_STORE", None)
    try:
        again = build(out, "--no-docs", "--no-site")
    finally:
        if saved is not None:
            os.environ["KG_STORE"] = saved
    assert again.exit_code == 0, again.output
    assert f"Current {out}/: " in again.output and "nothing to write" in again.output, again.output
    assert tree_digest(out) == before


def test_a_build_with_nothing_changed_writes_nothing(built, tmp_path, monkeypatch):
    """The same inputs, options and output: every file is left as it is (not written again:
    same inode and time), the build says so; with other options, a file of the output gone
    or touched since, the build has work to do (and does what it always did)."""
    import os

    from kg.build import pipeline

    out, _printed = built
    monkeypatch.delenv("KG_STORE", raising=False)
    before = tree_digest(out)
    files = sorted(p for p in out.rglob("*") if p.is_file() and "store" not in p.relative_to(out).parts)
    stamps = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in files}
    said: list[str] = []
    result = pipeline.build(out, docs=False, site=False, progress=said.append)
    assert result.validation == "recorded" and any("is current" in line for line in said), said
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in files} == stamps
    assert result.files == sorted({out / p.relative_to(out).parts[0] for p in files if p.name != ".county-kg-manifest.json"})
    assert result.summary.to_json() == (out / "summary.json").read_text(encoding="utf-8")
    options = dict(store=None, data=None, add=(), texts=None, progress=said.append, started=0.0)
    assert pipeline._unchanged_output(out, out, docs=True, site=False, **options) is None
    assert pipeline._unchanged_output(out, out, docs=False, site=True, **options) is None
    assert pipeline._unchanged_output(out, out, docs=False, site=False, **options) is not None
    os.utime(out / "summary.md", ns=(stamps[out / "summary.md"][1], stamps[out / "summary.md"][1] + 1))
    assert pipeline._unchanged_output(out, out, docs=False, site=False, **options) is None  # (an edit, as far as kg can tell)
    os.utime(out / "summary.md", ns=(stamps[out / "summary.md"][1], stamps[out / "summary.md"][1]))
    moved = (out / "queries.md").rename(tmp_path / "queries.md")
    assert pipeline._unchanged_output(out, out, docs=False, site=False, **options) is None
    moved.rename(out / "queries.md")
    assert tree_digest(out) == before


def test_a_refused_build_leaves_the_store_as_the_last_accepted_build(built, tmp_path, monkeypatch):
    """A build stopped by violations publishes nothing: reading commands do not answer from
    the --add file it refused (they did, and `kg export` wrote it)."""
    from kg.store.persistent import GraphStore

    out, _printed = built
    store = out / "store"
    monkeypatch.setenv("KG_STORE", str(store))
    before = GraphStore(store).manifest()
    bad = tmp_path / "refused.ttl"
    bad.write_text('<http://example.org/a> <http://example.org/n> "1e3"^^<http://www.w3.org/2001/XMLSchema#integer> .\n',
                   encoding="utf-8")
    refused = build(tmp_path / "dist", "--no-docs", "--no-site", "--add", str(bad))
    assert refused.exit_code == 1 and '"1e3"^^xsd:integer' in refused.output, refused.output
    after = GraphStore(store).manifest()
    assert (after.generation, after.recipe) == (before.generation, before.recipe)
    asked = CliRunner().invoke(main, ["query", "--sparql", "ASK { <http://example.org/a> ?p ?o }", "--format", "csv"])
    assert asked.exit_code == 0 and asked.stdout.strip().splitlines()[-1] == "false", asked.output
    assert asked.stderr == "", asked.stderr


def test_a_changed_file_is_validated_incrementally_with_the_same_report(tmp_path, project_copy):
    """Only the focus nodes a change can affect are validated again; the report is the one a
    whole validation gives (here: a violation brought in, then taken out again)."""
    out = tmp_path / "dist"
    first = build(out, "--no-docs", "--no-site")
    assert first.exit_code == 0 and "validation: whole" in first.output, first.output
    places = project_copy / "data" / "core" / "places.ttl"
    text = places.read_text(encoding="utf-8")
    places.write_text(text.replace('ckg:divisionCode "530681"', 'ckg:divisionCode "53068X"'), encoding="utf-8")
    broken = build(out, "--no-docs", "--no-site")
    assert broken.exit_code == 1 and "53068X" in broken.output
    # the refused build published nothing: `kg validate` brings the store to the files (and
    # records their validation), so that the next build validates from a record with a violation
    validated = CliRunner().invoke(main, ["validate"])
    assert validated.exit_code == 1, validated.output
    from kg.build.pipeline import validate

    whole = CliRunner().invoke(main, ["validate", str(places), *[str(p) for p in sorted(
        (project_copy / "data").rglob("*.ttl")) if p != places]])
    assert "53068X" in whole.output
    places.write_text(text, encoding="utf-8")
    fixed = build(out, "--no-docs", "--no-site")
    assert fixed.exit_code == 0 and "validation: incremental" in fixed.output, fixed.output
    assert not validate().violations  # (the project's warnings stay: sh:conforms is false with them)


def test_added_file_must_exist(tmp_path):
    result = CliRunner().invoke(main, ["build", "-o", str(tmp_path / "dist"), "--add", str(tmp_path / "nope.nt")])
    assert result.exit_code == 2
    assert "nope.nt" in result.output


# -- every printed count is a count of distinct resources -------------------------------------


def _count(store, query: str) -> int:
    return int(next(iter(store.query(sparql_prologue() + query)))[0].value)


def test_every_printed_count_is_a_sparql_count(built, project):
    """The build's line, summary.md and summary.json give the numbers a SPARQL COUNT(DISTINCT ...)
    gives on the data: 29 observations (not 34, one per theme), each class, each theme and period."""
    import re

    from kg.store.oxigraph import store_from_graph

    out, printed = built
    data = store_from_graph(project.data)
    expected = {
        "triples": _count(data, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"),
        "resources": _count(data, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"),
        "observations": _count(data, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o a ckg:Observation }"),
        "quotes": _count(data, "SELECT (COUNT(DISTINCT ?q) AS ?n) WHERE { ?q a ckg:Quote }"),
    }
    assert expected["observations"] == 29
    line = re.search(r"Built .*/: (\d+) data triples, (\d+) resources, (\d+) observations, (\d+) quotes", printed)
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
    for label, key in (("data triples (the ontology's left out)", "triples"), ("described resources", "resources"),
                       ("observations", "observations"), ("quotes", "quotes")):
        assert f"- {label}: {expected[key]}\n" in markdown
    assert f"{expected['observations']} observations in all" in markdown
    for name, n in classes.items():
        assert f"| {name} | {n} |" in markdown


def test_queries_md_shows_the_first_rows_of_a_long_answer_and_names_its_csv(project, tmp_path, monkeypatch):
    """queries.md is for reading: an answer longer than MARKDOWN_ROWS shows its first rows and
    points to its CSV file, which holds every row (a national table's quality reports list
    70,000 observations); shorter answers are shown whole."""
    from kg.query import answers as module
    from kg.query.engines import Engines

    monkeypatch.setattr(module, "MARKDOWN_ROWS", 10)
    found = module.answer_catalog(None, tmp_path, engines=Engines(project))
    page = (tmp_path / "queries.md").read_text(encoding="utf-8")
    long = {name for name, (results, _s) in found.items() if len(results.rows) > 10}
    assert long and len(long) < len(found)
    for name, (results, _s) in found.items():
        section = page.split(f"## {name}\n", 1)[1].split("\n## ", 1)[0]
        table = [line for line in section.splitlines() if line.startswith("| ")]
        assert len(table) == 1 + min(len(results.rows), 10), name  # the header and the rows shown
        assert (f"every row is in [queries/{name}.csv](queries/{name}.csv)" in section) == (name in long), name
        csv_rows = (tmp_path / "queries" / f"{name}.csv").read_text(encoding="utf-8").count("\n")
        assert csv_rows >= len(results.rows), name


def test_the_site_of_a_graph_above_the_limit_is_written_only_when_asked(built, tmp_path, monkeypatch):
    """Without --site/--no-site the static site is written up to SITE_PAGES_UP_TO resources
    (the project's is: test_build_writes_every_output); above it the build leaves it out and
    says how to have it."""
    from kg.build import pipeline

    out, _printed = built
    monkeypatch.setenv("KG_STORE", str(out / "store"))
    monkeypatch.setattr(pipeline, "SITE_PAGES_UP_TO", 100)
    said: list[str] = []
    result = pipeline.build(tmp_path / "dist", docs=False, progress=said.append)
    assert result.site_pages == 0 and not (tmp_path / "dist" / "site").exists()
    assert any(line.startswith("the static site left out: ") and "is more than 100 " in line
               and "kg build --site" in line for line in said), said
