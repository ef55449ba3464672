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
EXPECTED_CATALOG_SIZE = 25


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
    assert json.loads(honest.output)["results"]["bindings"]
    attack = '港") || true || CONTAINS("x'
    injected = runner.invoke(main, ["query", search.name, "--param", f"text={attack}", "--format", "json"])
    assert injected.exit_code == 0, injected.output
    assert json.loads(injected.output)["results"]["bindings"] == []
    iri_query = next(q for q in QUERIES if any(p.type == "iri" for p in q.params))
    iri_param = next(p for p in iri_query.params if p.type == "iri")
    bad_iri = runner.invoke(main, ["query", iri_query.name, "--param", iri_param.name + "=x> } UNION { ?s ?p ?o"])
    assert bad_iri.exit_code == 2 and "not an IRI" in bad_iri.output


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
    assert right.exit_code == 0 and len(right.output.splitlines()) > 1
    full = "https://w3id.org/county-kg/id/theme/health"
    for given in (full, f"<{full}>"):
        same = runner.invoke(main, ["query", "01", "--param", f"theme={given}", "--format", "csv"])
        assert same.exit_code == 0 and same.output == right.output, given
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
        parsed = json.loads(result.output)
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
