"""The offline HTML page: self-contained, deterministic, escaped; `kg viz` and the build's pages."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.explore import viz
from kg.cli import main
from kg.store.load import project
from kg.explore.network import build_view, select

from test_network import EVIL_LABEL, EVIL_TTL, iri, small_graph, synthetic_graph


@pytest.fixture(scope="module")
def small():
    return build_view(small_graph())


@pytest.fixture(scope="module")
def evil():
    return build_view(small_graph(EVIL_TTL))


def embedded(page: str, name: str):
    """The JSON a page hands to vis-network (``var nodeData = [...];``)."""
    match = re.search(rf"var {name} = (.*);\n", page)
    assert match, name
    return json.loads(match.group(1))


# -- offline ---------------------------------------------------------------------------------


def test_page_needs_no_network(small):
    page = viz.render_html(small, lang="zh-Hans")
    assert viz.external_references(page) == []
    assert not re.search(r"<link\b", page, re.I)
    assert not re.search(r"<script\b[^>]*\bsrc\s*=", page, re.I)
    for cdn in ("bootstrap", "jsdelivr", "cdnjs", "cloudflare", "unpkg"):
        assert cdn not in page.lower()
    assert "new vis.Network(" in page and len(page) > 400_000  # vis-network itself is inlined
    assert page.startswith("<!DOCTYPE html>") and '<html lang="zh-Hans">' in page


@pytest.mark.parametrize("snippet", [
    '<script src="https://cdn.jsdelivr.net/npm/x.js"></script>',
    "<link rel=stylesheet href=//cdnjs.cloudflare.com/x.css>",
    "<style>body { background: url('https://example.org/a.png') }</style>",
    '<style>@import "https://example.org/a.css";</style>',
    '<img src="http://example.org/a.png">',
])
def test_external_references_are_found(snippet):
    assert viz.external_references(f"<html>{snippet}</html>")


def test_namespace_strings_are_not_references():
    assert viz.external_references('<script>var ns = "http://www.w3.org/2000/svg";</script>') == []


def test_pyvis_imports_without_ipython():
    """pyvis imports IPython for notebooks; without IPython a stand-in is used, then removed."""
    script = textwrap.dedent("""
        import sys
        sys.modules["IPython"] = None  # as if IPython were not installed
        sys.modules["IPython.display"] = None
        from kg.explore.viz import _pyvis_network_class
        network = _pyvis_network_class()(directed=True, cdn_resources="in_line")
        network.add_node("a", label="a")
        print(len(network.nodes), sys.modules.get("IPython"))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["1", "None"]


# -- content -----------------------------------------------------------------------------------


def test_nodes_and_edges_match_the_view(small):
    page = viz.render_html(small, lang="en")
    nodes, edges = embedded(page, "nodeData"), embedded(page, "edgeData")
    assert [n["id"] for n in nodes] == list(small.nodes)
    assert len(edges) == small.number_of_edges()
    assert len({e["id"] for e in edges}) == len(edges)
    by_id = {n["id"]: n for n in nodes}
    p1 = by_id[iri("prog:p1")]
    assert p1["label"] == "program one" and p1["color"] == viz.CLASS_COLOURS["ckg:Program"]
    # sized by centrality: the county, which everything points at, is the largest
    assert max(nodes, key=lambda n: n["size"])["id"] == iri("place:530681")
    labels = {(e["from"], e["to"]): e["label"] for e in edges}
    assert labels[(iri("prog:p1"), iri("res:r1"))] == "produces result"


def test_labels_follow_the_language(small):
    for lang, expected in (("zh-Hans", "举措一"), ("zh-Hant", "舉措一"), ("en", "program one")):
        page = viz.render_html(small, lang=lang)
        node = {n["id"]: n for n in embedded(page, "nodeData")}[iri("prog:p1")]
        assert node["label"] == expected
    zh = viz.render_html(small, lang="zh-Hans")
    assert "工作举措" in zh and "个节点" in zh  # the legend's class names and counts


def test_tooltip_holds_type_labels_figures_and_quote(small):
    tip = viz.tooltip_html(small.nodes[iri("obs:o1")], "en", small.graph["themes"])
    for text in ("Observation", "obs:o1", "观测一", "觀測一", "observation one", "12.76億元", "1,276,000,000 yuan",
                 "Lower bound", "2022", "水富市委以小市的大格局", "[0–10]", "industry"):
        assert text in tip, text


def test_legend_lists_each_class_once(small):
    entries = viz.legend(small, "en")
    assert sum(e.count for e in entries) == small.number_of_nodes()
    assert len({e.cls for e in entries}) == len(entries)


def test_everything_from_the_data_is_escaped(evil):
    node = evil.nodes[iri("agent:evil")]
    tip = viz.tooltip_html(node, "en", evil.graph["themes"])
    assert "&lt;img src=x onerror=alert(1)&gt;" in tip and EVIL_LABEL not in tip
    assert "&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in tip
    assert "&lt;svg onload=alert(4)&gt;" in tip and "&quot; onmouseover=&quot;alert(3)" in tip
    page = viz.render_html(evil, lang="zh-Hans", title="<b>title</b>")
    for raw in (EVIL_LABEL, "<script>alert(2)", "<svg onload", "<b>title</b>"):
        assert raw not in page, raw
    assert "&lt;b&gt;title&lt;/b&gt;" in page
    # the page's own two script elements are the only ones (vis-network's code mentions one in a string)
    script, _style = viz.vis_assets()
    assert len(re.findall(r"<script\b", page)) == 2 + len(re.findall(r"<script\b", script))


# -- layout and physics -----------------------------------------------------------------------


def test_same_graph_same_bytes():
    first = viz.render_html(build_view(small_graph()), lang="zh-Hant")
    second = viz.render_html(build_view(small_graph()), lang="zh-Hant")
    assert first == second


def test_same_bytes_whatever_the_hash_seed(tmp_path):
    """Nothing in the page may depend on set or dict iteration order."""
    script = textwrap.dedent("""
        import sys
        sys.path.insert(0, sys.argv[1])
        from kg.explore import viz
        from kg.explore.network import build_view
        from test_network import EVIL_TTL, small_graph
        sys.stdout.write(viz.render_html(build_view(small_graph(EVIL_TTL), schema=True), lang="zh-Hans"))
    """)
    tests = str(Path(__file__).resolve().parent)
    pages = {subprocess.run([sys.executable, "-c", script, tests], capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert len(pages) == 1 and len(pages.pop()) > 400_000


def test_layout_is_seeded_and_physics_freeze(small):
    page = viz.render_html(small)
    options = embedded(page, "options")
    assert options["layout"]["randomSeed"] == viz.SEED
    assert options["physics"]["enabled"] and options["physics"]["stabilization"]["enabled"]
    assert 0 < options["physics"]["stabilization"]["iterations"] <= 1000
    assert 'network.once("stabilizationIterationsDone"' in page
    assert "network.setOptions({physics: false})" in page


def test_large_graphs_get_cheaper_settings():
    view = build_view(synthetic_graph(2100))
    assert view.number_of_nodes() == 2100 and view.number_of_edges() > 4000
    options = embedded(viz.render_html(view), "options")
    assert options["edges"]["smooth"] is False
    assert options["physics"]["stabilization"]["iterations"] <= 150
    assert options["interaction"]["hideEdgesOnDrag"] is True


# -- files: kg viz and the build -----------------------------------------------------------------


def test_write_html(tmp_path, small):
    path = viz.write_html(select(small, theme="industry"), tmp_path / "sub" / "g.html", lang="zh-Hans")
    text = path.read_text(encoding="utf-8")
    assert len(embedded(text, "nodeData")) == select(small, theme="industry").number_of_nodes()


def test_write_graphs_for_the_build(tmp_path):
    written = viz.write_graphs(project().explorable(), tmp_path)
    names = {p.name for p in written}
    assert "graph.html" in names and "graph-industry.html" in names and "graph-education.html" in names
    assert all(p.parent == tmp_path and p.is_file() for p in written)
    full = embedded((tmp_path / "graph.html").read_text(encoding="utf-8"), "nodeData")
    industry = embedded((tmp_path / "graph-industry.html").read_text(encoding="utf-8"), "nodeData")
    assert 0 < len(industry) < len(full)
    for path in written:
        assert viz.external_references(path.read_text(encoding="utf-8")) == []


@pytest.fixture(scope="module")
def run():
    runner = CliRunner()
    return lambda *args: runner.invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_cli_viz(tmp_path, run):
    out = tmp_path / "graph.html"
    result = run("viz", "-o", out, "--lang", "zh-Hant")
    assert result.exit_code == 0, result.output
    full = len(embedded(out.read_text(encoding="utf-8"), "nodeData"))
    assert f"{full} nodes" in result.output
    counts = {}
    for name, args in {"theme": ["--theme", "industry"], "focus": ["--focus", "水富市委", "--depth", "1"],
                       "class": ["--class", "ckg:Program"], "schema": ["--schema"]}.items():
        path = tmp_path / f"{name}.html"
        assert run("viz", "-o", path, *args).exit_code == 0
        counts[name] = embedded(path.read_text(encoding="utf-8"), "nodeData")
    assert 0 < len(counts["theme"]) < full and 0 < len(counts["focus"]) < full
    assert {n["id"] for n in counts["class"]} <= {n["id"] for n in embedded(out.read_text(encoding="utf-8"), "nodeData")}
    assert len(counts["schema"]) > full
    assert iri("agent:shuifu-party-committee") in {n["id"] for n in counts["focus"]}


def test_cli_viz_errors(tmp_path, run):
    result = run("viz", "-o", tmp_path / "x.html", "--theme", "no-such-theme")
    assert result.exit_code == 2 and "no theme" in result.output
    assert not (tmp_path / "x.html").exists()


# -- stated and inferred -------------------------------------------------------------------------

INFERRED_TTL = """
prog:p2 ckg:partOfProgram prog:p1 .
stmt:p2--part-of-program--p1 a rdf:Statement ;
    rdf:subject prog:p2 ; rdf:predicate ckg:partOfProgram ; rdf:object prog:p1 ;
    ckg:assertionStatus ckg:Inferred ;
    ckg:inferenceReason "The article lists the two side by side; it does not say <one> is part of the other."@en .
prog:p1 ckg:assertionStatus ckg:Inferred ;
    ckg:inferenceReason "The name is curation's."@en .
"""


def test_inferred_edges_are_dashed_with_the_reason(small):
    view = build_view(small_graph(INFERRED_TTL))
    assert not any(data["schema"] or data["curie"].startswith("stmt:") for _n, data in view.nodes(data=True))
    for lang in ("en", "zh-Hans"):
        edges = embedded(viz.render_html(view, lang=lang), "edgeData")
        part = [e for e in edges if (e["from"], e["to"]) == (iri("prog:p2"), iri("prog:p1"))]
        assert len(part) == 1 and part[0]["dashes"] is True
        assert viz.TEXT[lang]["inferred"] in part[0]["title"]
        assert "it does not say <one> is part of the other" in part[0]["title"]  # a plain string, shown as text
        stated = [e for e in edges if (e["from"], e["to"]) == (iri("prog:p1"), iri("res:r1"))]
        assert len(stated) == 1 and "dashes" not in stated[0] and viz.TEXT[lang]["inferred"] not in stated[0]["title"]
    # without the recorded statement the same edge is stated: drawn solid
    assert not any(e.get("dashes") for e in embedded(viz.render_html(small, lang="en"), "edgeData"))


def test_inferred_resource_tooltip_says_why():
    view = build_view(small_graph(INFERRED_TTL))
    tip = viz.tooltip_html(view.nodes[iri("prog:p1")], "en", view.graph["themes"])
    assert "inferred by curation" in tip and "The name is curation&#x27;s." in tip
    assert "inferred" not in viz.tooltip_html(view.nodes[iri("res:r1")], "en", view.graph["themes"])


def test_project_graph_marks_the_inferred_relations():
    view = build_view(project().explorable())
    inferred = {(view.nodes[u]["curie"], k, view.nodes[v]["curie"]) for u, v, k, d in view.edges(keys=True, data=True)
                if d["inferred"]}
    assert ("prog:zhongsheng-graphite-anode-project-phase-1", "ckg:responsibleOrganization", "agent:yunnan-zhongsheng") in inferred
    assert ("prog:new-energy-battery-materials-park", "ckg:implements", "pol:three-articles") in inferred
    stated = {(view.nodes[u]["curie"], k, view.nodes[v]["curie"]) for u, v, k, d in view.edges(keys=True, data=True)
              if not d["inferred"]}
    assert ("prog:party-committee-development-drive", "ckg:implements", "pol:three-economies") in stated


def test_dash_writes_the_page_to_standard_output(tmp_path, monkeypatch):
    """`kg viz -o -` wrote a file named "-"; it writes the page to standard output, as `kg
    export -o -` writes the graph, and `kg build -o -` (a directory) is refused in one line."""
    monkeypatch.chdir(tmp_path)
    shown = CliRunner().invoke(main, ["viz", "-o", "-", "--focus", "place:530681", "--depth", "1"])
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.lstrip().lower().startswith("<!doctype html") and shown.stdout.rstrip().endswith("</html>")
    assert shown.stderr.startswith("wrote standard output: ")
    built = CliRunner().invoke(main, ["build", "-o", "-", "--no-docs"])
    assert built.exit_code == 2
    assert built.output == "kg: error: '-' (standard output) cannot be a directory; give a directory name (./- for a directory named '-')\n"
    assert list(tmp_path.iterdir()) == []


def test_the_quick_look_for_references_agrees_with_the_whole_scan():
    """external_references asks the pattern only next to each ``//`` (viz._may_reference):
    it must find a reference exactly when scanning the whole page finds one, whatever the
    case, white space, quotes or keywords around it."""
    import random

    pieces = ["src", "SRC", "href", "data", "action", "poster", "url(", "@import", " ", "\t", "\u3000", "=", '"',
              "'", "http:", "HTTPS:", "//", "/", "x", "ſrc", "(", ":", "@", "\n", "K", "İ", "<img ", "a"]
    chosen = random.Random(20230822)
    found = 0
    for _ in range(30_000):
        text = "".join(chosen.choice(pieces) for _ in range(chosen.randint(1, 9)))
        whole = [m.group(0) for m in viz._EXTERNAL.finditer(text)]
        assert viz._may_reference(text) == bool(whole), text
        assert viz.external_references(text) == [text[max(0, m.start() - 20): m.end() + 60]
                                                 for m in viz._EXTERNAL.finditer(text)]
        found += bool(whole)
    assert found > 100  # the cases include many references

