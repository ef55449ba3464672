"""The question catalog: headers, expected answers on both engines, parameters bound safely."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from rdflib import Literal

from kg.query.catalog import catalog
from kg.cli import main
from kg.errors import KgError
from kg.query.engines import Engines, run_query
from kg.validate.report import check_queries, run_checks

QUERIES = catalog()
EXPECTED_CATALOG_SIZE = 27


@pytest.fixture(scope="module")
def engines(project):
    return Engines(project)


def test_the_catalog_was_found():
    assert len(QUERIES) == EXPECTED_CATALOG_SIZE
    assert len({q.name.split("-", 1)[0] for q in QUERIES}) == len(QUERIES), "NN- prefixes must be unique"


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_headers(query):
    assert query.summary and "/" in query.summary, "summary in English / Chinese"
    assert query.description and query.tags
    assert query.text.lstrip().startswith("#+ summary:")
    assert "ORDER BY" in query.text.upper(), "answers must come in a stable order"


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_expected_answer(query, engines):
    expected = query.expected_path.read_text(encoding="utf-8")
    actual = run_query(query, engine="oxigraph", engines=engines).to_csv()
    assert list(csv.reader(io.StringIO(actual))) == list(csv.reader(io.StringIO(expected)))
    if "quality" not in query.tags:
        assert len(expected.splitlines()) > 1, "an expected answer with no rows proves nothing"


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_both_engines_agree(query, engines):
    ox = run_query(query, engine="oxigraph", engines=engines)
    rdf = run_query(query, engine="rdflib", engines=engines)
    assert ox.variables == rdf.variables
    assert ox.canonical() == rdf.canonical()
    # and the same language tags, in registered case (rdflib's == ignores a tag's case)
    assert [[t.language for t in row if isinstance(t, Literal)] for row in ox.rows] == \
        [[t.language for t in row if isinstance(t, Literal)] for row in rdf.rows]


def test_checks_return_nothing_on_valid_data(project_union):
    assert len(check_queries()) >= 4
    assert run_checks(project_union) == []


def test_param_is_bound_as_a_term_not_spliced():
    runner = CliRunner()
    search = next(q for q in QUERIES if any(p.name == "text" for p in q.params))
    honest = runner.invoke(main, ["query", search.name, "--param", "text=港", "--format", "json"])
    assert honest.exit_code == 0, honest.output
    assert json.loads(honest.stdout)["results"]["bindings"]
    attack = '港") || true || CONTAINS("x'
    injected = runner.invoke(main, ["query", search.name, "--param", f"text={attack}", "--format", "json"])
    assert injected.exit_code == 0, injected.output
    assert json.loads(injected.stdout)["results"]["bindings"] == []
    iri_query = next(q for q in QUERIES if any(p.type == "iri" for p in q.params))
    iri_param = next(p for p in iri_query.params if p.type == "iri")
    bad_iri = runner.invoke(main, ["query", iri_query.name, "--param", iri_param.name + "=x> } UNION { ?s ?p ?o"])
    assert bad_iri.exit_code == 2 and "not an IRI" in bad_iri.output


def test_a_compact_iri_parameter_means_what_the_querys_prologue_says(tmp_path):
    """A .rq file declaring `PREFIX place: <http://example.org/>` got `--param p=place:530681`
    expanded with the project's place: namespace instead; its own declarations now come
    first (BASE-relative ones resolved), the project's prefixes where it declares none."""
    query = tmp_path / "own.rq"
    query.write_text("#+ summary: a parameter echoed\n#+ param: p iri\n#+ param: q iri\n"
                     "BASE <http://example.org/base/>\nPREFIX place: <http://example.org/>\nPREFIX rel: <rel/>\n"
                     "SELECT ?p ?q WHERE { }\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["query", str(query), "--param", "p=place:530681", "--param", "q=rel:x",
                                       "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["p,q", "http://example.org/530681,http://example.org/base/rel/x"]
    result = CliRunner().invoke(main, ["query", str(query), "--param", "p=theme:health", "--param", "q=rel:x",
                                       "--format", "csv"])
    assert result.output.splitlines()[1].startswith("https://w3id.org/county-kg/id/theme/health,"), result.output


@pytest.mark.parametrize("given, refused", [("thme:x", "unknown prefix 'thme'"), ("not an iri", "not an IRI"),
                                            ("<a b>", "not an IRI")])
def test_push_reads_its_graph_as_an_iri_before_any_work(given, refused, monkeypatch):
    """`kg push --graph theme:health` PUT the graph named "theme:health"; thme:x and
    'not an iri' were sent as graph names too."""
    import kg.store.load

    monkeypatch.setattr(kg.store.load, "project", lambda: pytest.fail("loaded the graph before reading --graph"))
    result = CliRunner().invoke(main, ["push", "--endpoint", "http://127.0.0.1:9/store", "--graph", given])
    assert result.exit_code == 2 and refused in result.output, result.output
    assert len(result.output.splitlines()) == 1


def test_push_expands_a_compact_graph_iri(monkeypatch, project):
    import httpx

    import kg.publish.push
    import kg.store.load

    sent = []

    def send(_session, method, url, **_options):
        sent.append((method, url))
        return httpx.Response(201, request=httpx.Request(method, url))

    monkeypatch.setattr(kg.store.load, "project", lambda: project)
    monkeypatch.setattr(kg.publish.push.http, "send", send)
    result = CliRunner().invoke(main, ["push", "--endpoint", "http://127.0.0.1:9/store", "--graph", "theme:health"])
    assert result.exit_code == 0, result.output
    graph_url = "http://127.0.0.1:9/store?graph=https%3A%2F%2Fw3id.org%2Fcounty-kg%2Fid%2Ftheme%2Fhealth"
    assert sent == [("HEAD", graph_url), ("PUT", graph_url)]  # (the endpoint asked before the graph is loaded)


def test_an_undeclared_prefix_is_an_error_and_absolute_iris_still_work():
    """`thme:health` is a compact IRI with an undeclared prefix, not an IRI of scheme `thme`:
    exit 2, naming the prefix and the known ones. http:, https: and urn: IRIs may be written
    bare, any absolute IRI in <...>."""
    from kg.query.engines import expand_iri

    runner = CliRunner()
    typo = runner.invoke(main, ["query", "01", "--param", "theme=thme:health"])
    assert typo.exit_code == 2
    assert "unknown prefix 'thme'" in typo.output and "theme, " in typo.output and "ckg, " in typo.output
    assert "Traceback" not in typo.output and len(typo.output.strip().splitlines()) == 1
    right = runner.invoke(main, ["query", "01", "--param", "theme=theme:health", "--format", "csv"])
    assert right.exit_code == 0 and len(right.stdout.splitlines()) > 1
    full = "https://w3id.org/county-kg/id/theme/health"
    for given in (full, f"<{full}>"):
        same = runner.invoke(main, ["query", "01", "--param", f"theme={given}", "--format", "csv"])
        assert same.exit_code == 0 and same.stdout == right.stdout, given
    assert str(expand_iri("urn:isbn:9787010000000")) == "urn:isbn:9787010000000"
    assert str(expand_iri("HTTP://example.org/x")) == "HTTP://example.org/x"
    assert str(expand_iri("<mailto:office@shuifu.gov.cn>")) == "mailto:office@shuifu.gov.cn"
    for compact_or_not in ("mailto:office@shuifu.gov.cn", "Theme:health", "health"):
        with pytest.raises(KgError):
            expand_iri(compact_or_not)


def test_syntax_error_names_line_and_column():
    result = CliRunner().invoke(main, ["query", "--sparql", "SELECT ?x WHERE {\n  ?x ?y \n}"])
    assert result.exit_code == 2
    assert "<--sparql>:3:1: SPARQL syntax error" in result.output


def test_list_shows_every_question():
    result = CliRunner().invoke(main, ["query", "--list"])
    assert result.exit_code == 0
    for query in QUERIES:
        assert query.name in result.output and query.summary in result.output


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json", "markdown"])
def test_formats(fmt):
    result = CliRunner().invoke(main, ["query", QUERIES[0].name, "--format", fmt, "--lang", "zh-Hant"])
    assert result.exit_code == 0, result.output
    if fmt == "json":
        parsed = json.loads(result.stdout)
        assert set(parsed) == {"head", "results"} and parsed["results"]["bindings"]


def test_table_aligns_chinese_by_display_width():
    from kg.store.sparql import Results, display_width
    from rdflib import Literal

    table = Results(["name", "n"], [(Literal("水富市"), Literal(1)), (Literal("Zhaotong"), Literal(22))]).to_table()
    lines = table.splitlines()
    assert display_width("水富市") == 6
    def column(line: str, text: str) -> int:
        return display_width(line[:line.rindex(text)])

    assert column(lines[2], "1") == column(lines[3], "22") == column(lines[0], "n") == 10


def test_a_value_with_line_breaks_or_markup_keeps_the_table_and_the_markdown_whole():
    """A label with a line break split the table's row in two; Markdown passed an imported
    label's HTML through as an element."""
    from rdflib import Literal

    from kg.store.sparql import Results

    answer = Results(["label", "n"], [(Literal("水富\n市\t港"), Literal(1)), (Literal("<img src=x onerror=alert(1)> | a"), Literal(2))])
    table = answer.to_table().splitlines()
    assert len(table) == 5 and table[2].startswith("水富<U+000A>市<U+0009>港")
    markdown = answer.to_markdown().splitlines()
    assert len(markdown) == 4
    assert markdown[3] == "| &lt;img src=x onerror=alert(1)&gt; \\| a | 2 |"
    assert "<img" not in answer.to_markdown()
