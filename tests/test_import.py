"""`kg import`: a realistic multi-county table -> observations, a report of bad rows, queries.

The table (tests/fixtures/linking/zhaotong-2022.csv; figures are made up for the tests) has
Zhaotong's eleven county-level divisions and the prefecture itself, Shuifu under its old code
530630 and old name 水富县, Traditional names, names without suffix, spacing, a value with
its own unit and qualifier, thousands separators, neighbours in Sichuan including 长宁 (also
a district of Shanghai) once with and once without its prefecture, and bad rows: an unknown
place, an unparsable value and a missing period. It is imported as UTF-8, UTF-8 with BOM
and GB18030.

Imported observations carry dcterms:source (the file) instead of a ckg:evidence quote and a
reported value tagged with the table's own script (@zh-Hans or @zh-Hant), as the shapes allow.
"""

from __future__ import annotations

import csv
import hashlib
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import BNode, Graph, Literal
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from kg.store import load as load_module
from kg.cli import main
from kg.link.importer import (EXIT_PARTIAL, ImportMapping, ImportRefused, Importer, decode, parse_period, read_table,
                         slugify)
from kg.store.load import data_files, load
from kg.namespaces import (CKG, GRAPH, IND, OBS, PERIOD, PLACE, SDMX_ATTRIBUTE, SDMX_DIMENSION, SDMX_MEASURE,
                           SPDX, SRC, UNIT)

FIXTURES = Path(__file__).parent / "fixtures" / "linking"
TABLE = FIXTURES / "zhaotong-2022.csv"
MAPPING = FIXTURES / "zhaotong-2022.toml"
NOW = datetime(2024, 1, 15, 8, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def base():
    """The project's data (no workspace), shared by the imports here."""
    return load(data=data_files(), workspace=False)


def run_import(table: Path, workspace: Path, base, **options):
    mapping = ImportMapping.from_file(MAPPING)
    importer = Importer(table, mapping=mapping, workspace=workspace, now=NOW, base=base, **options)
    return importer.run()


@pytest.fixture(scope="module")
def imported(tmp_path_factory, base):
    workspace = tmp_path_factory.mktemp("workspace")
    result, graph = run_import(TABLE, workspace, base)
    return result, graph, workspace


# -- the done criteria: resolution rate on the realistic table ------------------------------

def test_resolution_rate_on_the_zhaotong_table(imported):
    result, _graph, _ws = imported
    print(f"\nkg import zhaotong-2022.csv: places resolved {result.places_resolved} of {result.place_rows} "
          f"({result.resolution_rate:.1%}); rows imported {result.imported} of {result.rows}; "
          f"methods {dict(result.methods)}")
    assert result.rows == 20 and result.place_rows == 20
    assert result.places_resolved == 18  # unresolved: 不存在县 (no such place), 长宁 (ambiguous, no prefecture)
    assert result.imported == 16
    assert result.methods["code, replaced"] == 1  # 530630 -> 530681


def test_bad_rows_are_reported_with_reason_and_row_number(imported):
    result, _graph, _ws = imported
    reasons = {bad.row: (bad.column, bad.reason) for bad in result.bad_rows}
    assert set(reasons) == {17, 19, 20, 21}  # the header is row 1
    assert reasons[17][0] == "place" and "ambiguous: 2 places named '长宁'" in reasons[17][1]
    assert reasons[19][0] == "place" and "no place named '不存在县'" in reasons[19][1]
    assert reasons[20][0] == "value" and "not a number: '待核实'" in reasons[20][1]
    assert reasons[21][0] == "period" and "no period given" in reasons[21][1]
    with result.report_path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [int(r["row"]) for r in rows] == [17, 19, 20, 21]
    raw_lines = TABLE.read_text(encoding="utf-8").splitlines()
    for row in rows:
        assert next(csv.reader([row["raw"]])) == next(csv.reader([raw_lines[int(row["row"]) - 1]]))
    assert result.exit_code == EXIT_PARTIAL


def observation(graph: Graph, place: str, indicator: str = "gdp", period: str = "2022"):
    found = [o for o in graph.subjects(SDMX_DIMENSION.refArea, PLACE[place])
             if (o, CKG.indicator, IND[indicator]) in graph and (o, SDMX_DIMENSION.refPeriod, PERIOD[period]) in graph]
    assert len(found) == 1, (place, found)
    return found[0]


def test_values_in_base_units_with_qualifiers(imported):
    _result, g, _ws = imported
    cases = {
        "5306": ("151560000000.0", CKG.Exact, "1515.6亿元"),
        "530621": ("13020000000.0", CKG.Exact, "130.2億元"),
        "530624": ("7020000000.0", CKG.Approximate, "約70.2億元"),
        "530625": ("15010000000.0", CKG.Exact, "1,501,000万元"),
        "530627": ("30000000000.0", CKG.LowerBound, "300亿元以上"),
        "530681": ("10120000000.0", CKG.Exact, "101.2亿元"),   # keyed on 530630 / 水富县 in the table
        "511524": ("25740000000.0", CKG.Exact, "257.4億元"),   # 長寧 told apart by 宜賓市
    }
    for place, (value, qualifier, reported) in cases.items():
        obs = observation(g, place)
        assert g.value(obs, SDMX_MEASURE.obsValue) == Literal(value, datatype=XSD.decimal)
        assert g.value(obs, SDMX_ATTRIBUTE.unitMeasure) == UNIT.CCY_CNY
        assert g.value(obs, CKG.valueQualifier) == qualifier
        assert str(g.value(obs, CKG.reportedValue)) == reported
    assert g.value(observation(g, "530624"), CKG.reportedValue).language == "zh-Hant"
    assert g.value(observation(g, "530627"), CKG.reportedValue).language == "zh-Hans"


def test_indicators_match_existing_or_are_minted(imported):
    _result, g, _ws = imported
    assert (observation(g, "530681"), CKG.indicator, IND.gdp) in g  # 地区生产总值 / 地區生產總值 -> ind:gdp
    population = IND["resident-population"]
    assert {str(l) for l in g.objects(population, RDFS.label)} == {"常住人口", "resident population"}
    assert g.value(population, CKG.theme) is not None and g.value(population, DCTERMS.source) is not None
    assert (population, RDF.type, CKG.Indicator) in g
    obs = observation(g, "530681", "resident-population")
    assert g.value(obs, SDMX_MEASURE.obsValue) == Literal("105800.0", datatype=XSD.decimal)


def test_observations_follow_the_project_model(imported):
    _result, g, _ws = imported
    dataset = g.value(observation(g, "530681"), _qb("dataSet"))
    for obs in g.subjects(RDF.type, CKG.Observation):
        assert str(obs).startswith(str(OBS["zhaotong-2022-"]))
        assert g.value(obs, _qb("dataSet")) == dataset
        assert g.value(obs, DCTERMS.source) == SRC["import-zhaotong-2022"]
        assert sorted(l.language for l in g.objects(obs, RDFS.label)) == ["en", "zh-Hans", "zh-Hant"]
        assert g.value(obs, DCTERMS.bibliographicCitation) is not None
    english = {str(l) for o in g.subjects(RDF.type, CKG.Observation) for l in g.objects(o, RDFS.label) if l.language == "en"}
    assert "Shuifu (county-level city), 2022: gross domestic product (GDP)" in english


def _qb(name):
    from kg.namespaces import QB

    return QB[name]


def test_provenance_of_the_import(imported):
    result, g, _ws = imported
    graph_iri = GRAPH["import/zhaotong-2022"]
    source = SRC["import-zhaotong-2022"]
    assert result.graph == graph_iri
    assert g.value(graph_iri, PROV.wasDerivedFrom) == source
    assert g.value(graph_iri, PROV.generatedAtTime) == Literal(NOW.isoformat(), datatype=XSD.dateTime)
    assert str(g.value(source, _schema("name"))) == "zhaotong-2022.csv"
    checksum = g.value(source, SPDX.checksum)
    assert g.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
    assert str(g.value(checksum, SPDX.checksumValue)) == hashlib.sha256(TABLE.read_bytes()).hexdigest()


def _schema(name):
    from kg.namespaces import SCHEMA

    return SCHEMA[name]


def test_import_is_its_own_named_graph_in_the_project(imported):
    result, _g, workspace = imported
    assert result.path == workspace / "imports" / "zhaotong-2022.ttl"
    loaded = load(workspace=workspace)
    assert GRAPH["import/zhaotong-2022"] in loaded.files
    assert GRAPH["data/gazetteer/places"] in loaded.files
    assert len(list(loaded.dataset.graph(GRAPH["import/zhaotong-2022"]).subjects(RDF.type, CKG.Observation))) == 16


# -- encodings --------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding, prefix, expected", [
    ("gb18030", b"", "gb18030"), ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"), ("utf-8", b"", "utf-8"),
])
def test_encodings_give_the_same_graph(tmp_path, base, imported, encoding, prefix, expected):
    _result, reference, _ws = imported
    table = tmp_path / "zhaotong-2022.csv"
    table.write_bytes(prefix + TABLE.read_text(encoding="utf-8").encode(encoding))
    result, graph = run_import(table, tmp_path / "ws", base)
    assert result.encoding == expected
    assert (result.imported, len(result.bad_rows), result.places_resolved) == (16, 4, 18)
    ours = {t for t in graph if t[0] != SRC["import-zhaotong-2022"] and not isinstance(t[0], BNode)}
    theirs = {t for t in reference if t[0] != SRC["import-zhaotong-2022"] and not isinstance(t[0], BNode)}
    assert ours == theirs


def test_decode():
    text = "地区,数值\n水富市,1\n"
    assert decode(text.encode("gb18030")) == (text, "gb18030")
    assert decode(b"\xef\xbb\xbf" + text.encode("utf-8")) == (text, "utf-8-sig")
    assert decode(text.encode("utf-8")) == (text, "utf-8")
    assert read_table("a\tb\n1\t2\n") == [["a", "b"], ["1", "2"]]


# -- re-import, periods, names ------------------------------------------------------------------

def test_importing_the_same_file_again_replaces_it(tmp_path, base):
    workspace = tmp_path / "ws"
    first, _ = run_import(TABLE, workspace, base)
    second, _ = run_import(TABLE, workspace, base)
    assert first.path == second.path
    assert [p.name for p in sorted((workspace / "imports").glob("*.ttl"))] == ["zhaotong-2022.ttl"]
    loaded = load(workspace=workspace)
    observations = list(loaded.union().subjects(RDF.type, CKG.Observation))
    imported_obs = [o for o in observations if str(o).startswith(str(OBS["zhaotong-2022-"]))]
    assert len(imported_obs) == len(set(imported_obs)) == 16
    values = list(loaded.union().objects(observation(loaded.union(), "530626"), SDMX_MEASURE.obsValue))
    assert len(values) == 1


def test_duplicate_rows_are_reported(tmp_path, base):
    table = tmp_path / "dup.csv"
    table.write_text("地区,指标,年份,数值\n水富市,地区生产总值,2022,101.2亿元\n水富县,地区生产总值,2022年,101.3亿元\n",
                     encoding="utf-8")
    result, _ = Importer(table, workspace=tmp_path, now=NOW, base=base).run(write=False)
    assert result.imported == 1
    assert result.bad_rows[0].row == 3 and "duplicate of row 2" in result.bad_rows[0].reason


@pytest.mark.parametrize("text, slug, begin, end", [
    ("2022", "2022", "2022-01-01", "2022-12-31"), ("2022年", "2022", "2022-01-01", "2022-12-31"),
    ("2023年上半年", "2023-H1", "2023-01-01", "2023-06-30"), ("2023-H2", "2023-H2", "2023-07-01", "2023-12-31"),
    ("2023年第一季度", "2023-Q1", "2023-01-01", "2023-03-31"), ("2023Q3", "2023-Q3", "2023-07-01", "2023-09-30"),
])
def test_periods(text, slug, begin, end):
    period = parse_period(text)
    assert (period.slug, period.begin, period.end) == (slug, begin, end)


@pytest.mark.parametrize("text", ["", "去年", "22", "2022年7月"])
def test_unreadable_periods(text):
    with pytest.raises(ValueError):
        parse_period(text)


def test_new_periods_are_minted_like_the_core_ones(tmp_path, base):
    table = tmp_path / "h1.csv"
    table.write_text("地区,指标,年份,数值\n水富市,接待游客人次,2021年上半年,80万人次\n", encoding="utf-8")
    result, g = Importer(table, workspace=tmp_path, now=NOW, base=base).run()
    assert result.imported == 1 and result.exit_code == 0
    period = PERIOD["2021-H1"]
    assert {str(l) for l in g.objects(period, RDFS.label)} == {"2021年上半年", "first half of 2021"}
    assert (period, RDF.type, CKG.Period) in g
    assert (observation(g, "530681", "tourist-visits", "2021-H1"), CKG.indicator, IND["tourist-visits"]) in g


def test_slugs():
    assert slugify("zhaotong-2022") == "zhaotong-2022"
    assert slugify("昭通 2022年") == "zhao-tong-2022-nian"
    assert slugify("Table (1).CSV") == "table-1-csv"


# -- validation -------------------------------------------------------------------------------

def test_a_non_conforming_import_is_refused_and_nothing_written(tmp_path, base):
    table = tmp_path / "bad-theme.csv"
    table.write_text("地区,指标,年份,数值,单位\n水富市,新指标,2022,5,个\n", encoding="utf-8")
    mapping = ImportMapping(defaults={"theme": "no-such-theme"})
    importer = Importer(table, mapping=mapping, workspace=tmp_path, now=NOW, base=base)
    with pytest.raises(ImportRefused) as refused:
        importer.run()
    assert not refused.value.report.conforms
    assert "no-such-theme" in refused.value.report.to_text()
    assert not (tmp_path / "imports" / "bad-theme.ttl").exists()


def test_conflicting_figures_across_imports_are_refused(tmp_path, base):
    workspace = tmp_path / "ws"
    first = tmp_path / "a.csv"
    first.write_text("地区,指标,年份,数值\n绥江县,地区生产总值,2022,60.3亿元\n", encoding="utf-8")
    second = tmp_path / "b.csv"
    second.write_text("地区,指标,年份,数值\n绥江县,地区生产总值,2022,61.0亿元\n", encoding="utf-8")
    Importer(first, workspace=workspace, now=NOW, base=base).run()
    loaded = load(data=data_files(), workspace=workspace)
    loaded.shapes = base.shapes
    with pytest.raises(ImportRefused) as refused:
        Importer(second, workspace=workspace, now=NOW, base=loaded).run()
    assert "conflicts with" in refused.value.report.to_text()


def test_import_conforms_to_the_project_shapes(imported):
    result, graph, workspace = imported
    report = Importer(TABLE, mapping=ImportMapping.from_file(MAPPING), workspace=workspace).validate(graph)
    assert not report.violations, report.to_text()


# -- the command line and the cross-county questions ---------------------------------------------

def test_cli_import_exit_codes_and_report(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["import", str(TABLE), "--mapping", str(MAPPING), "--workspace", str(tmp_path)])
    assert result.exit_code == 3, result.output
    assert "imported 16 of 20 rows" in result.output and "row 19: no place named '不存在县'" in result.output
    assert "places: 18 of 20 resolved (90%" in result.output
    assert (tmp_path / "imports" / "zhaotong-2022.report.csv").exists()
    good = tmp_path / "good.csv"
    good.write_text("地区,指标,年份,数值\n水富市,地区生产总值,2021,90亿元\n", encoding="utf-8")
    clean = runner.invoke(main, ["import", str(good), "--workspace", str(tmp_path)])
    assert clean.exit_code == 0, clean.output
    help_text = runner.invoke(main, ["import", "--help"]).output
    assert "0 every row imported" in help_text and "3 partial import" in help_text


def test_cli_import_by_flags_with_workspace_from_the_environment(tmp_path, monkeypatch):
    table = tmp_path / "wide-names.csv"
    table.write_text("县名,上级,GDP\n綏江縣,昭通,60.3\n威信,昭通市,90.7\n", encoding="utf-8")
    monkeypatch.setenv("KG_WORKSPACE", str(tmp_path / "env-ws"))
    result = CliRunner().invoke(main, ["import", str(table), "--place", "县名", "--prefecture", "上级",
                                       "--value", "GDP", "--default-indicator", "地区生产总值",
                                       "--default-period", "2022", "--default-unit", "亿元"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "env-ws" / "imports" / "wide-names.ttl").exists()


def test_cli_missing_column_is_an_error(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("foo,bar\n1,2\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(table), "--workspace", str(tmp_path)])
    assert result.exit_code == 2 and "no place and no value" in result.output


def test_cross_county_questions_on_the_imported_table(imported, monkeypatch):
    """23: GDP 2022 across Zhaotong's eleven county-level divisions; 24: Shuifu against Zhaotong."""
    from kg.query.catalog import find
    from kg.query.engines import Engines, run_query

    _result, _g, workspace = imported
    monkeypatch.setenv("KG_WORKSPACE", str(workspace))
    loaded = load_module.project()
    assert GRAPH["import/zhaotong-2022"] in loaded.files
    engines = Engines(loaded)
    comparison = run_query(find("23"), engine="oxigraph", engines=engines)
    rows = [dict(zip(comparison.variables, row)) for row in comparison.canonical()]
    counties = {r["code"] for r in rows}
    assert len(counties) == 11
    with_values = {r["code"] for r in rows if r["value"]}
    assert with_values == counties, "every Zhaotong county has a 2022 GDP figure once the table is imported"
    shuifu = sorted(r["value"] for r in rows if r["code"] == "530681")
    assert shuifu == ["10000000000", "10120000000"]  # the article's lower bound and the table's figure
    assert run_query(find("23"), engine="rdflib", engines=engines).canonical() == comparison.canonical()

    against = run_query(find("24"), engine="oxigraph", engines=engines)
    gdp = [dict(zip(against.variables, r)) for r in against.canonical()
           if r[2].endswith("/gdp") and r[3].endswith("/2022")]
    assert {r["value"]: r["sharePercent"] for r in gdp} == {"10000000000": "6.6", "10120000000": "6.68"}
    assert {r["prefectureValue"] for r in gdp} == {"151560000000"}
    assert run_query(find("24"), engine="rdflib", engines=engines).canonical() == against.canonical()
