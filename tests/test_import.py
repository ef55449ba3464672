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
import io
import hashlib
from datetime import datetime, timezone
from pathlib import Path

import pytest

from kg.errors import KgError
from click.testing import CliRunner
from rdflib import BNode, Graph, Literal
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, TIME, XSD

from kg.store import load as load_module
from kg.cli import main
from kg.link.importer import (EXIT_PARTIAL, MAX_CELL, IllFormedLiteral, ImportMapping, ImportRefused, Importer,
                              check_literals, decode, read_rows, read_table, slugify)
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
    with result.report_path.open(encoding="utf-8-sig", newline="") as handle:
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
    assert result.bad_rows[0].row == 3 and "conflicts with row 2" in result.bad_rows[0].reason


def test_a_value_the_store_cannot_represent_is_a_bad_row(tmp_path, base):
    """1e21 yuan and 19 fractional digits were imported (exit 0) and then dropped out of SUM and
    MAX on the default engine (Oxigraph's decimals are i128 / 10^18): a row of the report."""
    table = tmp_path / "huge.csv"
    table.write_text("地区,指标,年份,数值,单位\n水富市,地区生产总值,2022,101.2,亿元\n"
                     "盐津县,地区生产总值,2022,1000000000000000000000,元\n"
                     "昭阳区,地区生产总值,2022,0.1234567890123456789,元\n"
                     "绥江县,地区生产总值,2022,2000000000000,亿元\n"
                     "威信县,地区生产总值,2022,1e400,元\n", encoding="utf-8")
    result, graph = Importer(table, workspace=tmp_path, now=NOW, base=base).run(write=False)
    assert result.imported == 1 and [b.row for b in result.bad_rows] == [3, 4, 5, 6]
    assert all(b.column == "value" and "beyond what the store's engine (Oxigraph) computes with" in b.reason
               for b in result.bad_rows)
    assert "more than 18 fractional digits" in result.bad_rows[1].reason
    assert "'2000000000000' is 200000000000000000000.0 in base units" in result.bad_rows[2].reason  # after 亿
    # the cell as written and its value in short: the report line wrote out all 401 digits
    assert result.bad_rows[3].reason.startswith("'1e400' is 1e400 in base units, beyond what")
    assert len(result.bad_rows[3].reason) < 250
    assert {str(v) for v in graph.objects(None, SDMX_MEASURE.obsValue)} == {"10120000000.0"}


def test_excels_delimiter_line_declares_the_delimiter(tmp_path, base):
    """A CSV Excel writes for a locale whose lists use ";" begins with the line sep=; : it was
    read as a one-cell header (no place column, exit 2), and with a comma table after it, as
    a data row. It names the delimiter, is no row, and the summary says it was read so."""
    rows = read_rows("sep=;\n地区;指标;年份;数值\n水富市;地区生产总值;2022;101,2亿元\n")
    assert (rows.delimiter, rows.declared) == (";", True)
    assert rows.rows == [(2, ["地区", "指标", "年份", "数值"]), (3, ["水富市", "地区生产总值", "2022", "101,2亿元"])]
    assert read_rows("sep=|\r\n地区|指标\r\n").rows == [(2, ["地区", "指标"])]
    assert read_rows("地区,指标\nsep=;,x\n").rows == [(1, ["地区", "指标"]), (2, ["sep=;", "x"])]  # only line 1
    with pytest.raises(KgError, match="declares a quote as the delimiter"):
        read_rows('sep="\n地区\n')
    table = tmp_path / "excel.csv"
    table.write_text("sep=;\n地区;指标;年份;数值;单位\n水富市;地区生产总值;2022;101.2;亿元\n"
                     "绥江县;地区生产总值;2022;60.3;亿元\n", encoding="utf-8")
    result, graph = Importer(table, workspace=tmp_path, now=NOW, base=base).run(write=False)
    assert (result.rows, result.imported, result.bad_rows) == (2, 2, [])
    assert result.notes == ["line 1 (sep=;) declares the delimiter ';': the table was read with it, and line 1 is no row"]
    assert len(set(graph.objects(None, SDMX_MEASURE.obsValue))) == 2


def test_a_code_with_excels_text_marker_is_read_and_said(tmp_path, base):
    """'530681 (Excel's text marker, written into some CSV exports) named no place: each row
    was a bad row. Before digits the apostrophe means nothing else: the code is read without
    it, and the summary names the rows; an apostrophe before anything else is left as it is."""
    from kg.link.importer import without_text_marker

    assert without_text_marker("'530681") == "530681"
    assert [without_text_marker(t) for t in ("530681", "'", "'水富市", "'53 0681", "''530681", "'５３")] == [None] * 6
    table = tmp_path / "marked.csv"
    table.write_text("代码,指标,年份,数值,单位\n'530681,地区生产总值,2022,101.2,亿元\n"
                     "530626,地区生产总值,2022,60.3,亿元\n'530602,地区生产总值,2022,300,亿元\n"
                     "'水富市,地区生产总值,2021,90,亿元\n", encoding="utf-8")
    result, graph = Importer(table, workspace=tmp_path, now=NOW, base=base).run(write=False)
    assert result.imported == 3 and [(b.row, b.column) for b in result.bad_rows] == [(5, "place")]
    assert result.notes == ["the code of 2 rows began with an apostrophe, Excel's text marker ('530681), and was "
                            "read without it: rows 2, 4"]
    assert {PLACE["530681"], PLACE["530602"]} <= set(graph.objects(None, SDMX_DIMENSION.refArea))
    cli = CliRunner().invoke(main, ["import", str(table), "--workspace", str(tmp_path / "ws")])
    assert "read: the code of 2 rows began with an apostrophe" in cli.output, cli.output


def test_a_cell_that_does_not_print_is_quoted_readably(tmp_path, base):
    # a NUL in a value cell was reported as Python writes it: cannot read '1\x002': '\x002' ...
    table = tmp_path / "nul.csv"
    table.write_text("地区,指标,年份,数值\n水富市,地区生产总值,2022,101.2亿元\n水富市,地方财政收入,2022,1\x002\n",
                     encoding="utf-8")
    result, _ = Importer(table, workspace=tmp_path, now=NOW, base=base).run(write=False)
    assert result.imported == 1 and result.bad_rows[0].row == 3
    assert result.bad_rows[0].reason == ("cannot read '1<U+0000>2': '<U+0000>2' after the number is neither a "
                                         "magnitude nor a unit")


def test_a_second_figure_for_the_same_key_is_a_duplicate_or_a_conflict(tmp_path, base):
    """Two rows of one indicator, place and period: the same figure is a duplicate, two
    figures a conflict naming both rows and both values (as across imports)."""
    table = tmp_path / "twice.csv"
    table.write_text("地区,指标,年份,数值,单位\n"
                     "水富市,旅游收入,2023年1-3月,10.5,亿元\n"
                     "水富市,旅游收入,2023年第一季度,10.6,亿元\n"
                     "水富市,旅游收入,2023年一季度,10.5,亿元\n", encoding="utf-8")
    result, _ = Importer(table, workspace=tmp_path, now=NOW, base=base).run(write=False)
    assert result.imported == 1
    (conflict, duplicate) = result.bad_rows
    assert conflict.row == 3 and conflict.column == "value"
    assert conflict.reason == ("conflicts with row 2: '10.6亿元' here, '10.5亿元' in row 2 (imported), for the same "
                               "indicator, place and period")
    assert duplicate.row == 4 and duplicate.reason.startswith("duplicate of row 2")


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


@pytest.mark.parametrize("name", ["one-county", "Table (1).CSV", "  --a__b..c--  ", "ABC123def", "x y\tz",
                                  "2023 Table (v2)", "!@#$%^&*()", "", "ｔａｂｌｅ１", "Ⅻ ﬁle", "naïve"])
def test_a_name_without_han_characters_is_slugged_as_pypinyin_slugs_it_without_loading_it(name):
    """pypinyin's dictionaries take 0.4 s to load, and a file named one-county.csv needs none:
    a name that is ASCII once NFKC-normalised gets the slug the pypinyin path gives it."""
    import re
    import subprocess
    import sys
    import unicodedata

    from pypinyin import lazy_pinyin

    words = [w for part in lazy_pinyin(unicodedata.normalize("NFKC", name))
             for w in re.findall(r"[a-z0-9]+", part.lower().replace("ü", "u"))]
    assert slugify(name) == "-".join(words).strip("-")
    if name == "one-county":
        loaded = subprocess.run([sys.executable, "-c", "import sys; from kg.link.importer import import_slug; "
                                 "from pathlib import Path; print(import_slug(Path('one-county.csv')), "
                                 "'pypinyin' in sys.modules)"], capture_output=True, text=True, check=True)
        assert loaded.stdout.split() == ["one-county", "False"]


def test_an_import_into_the_store_reads_the_resolver_from_its_index_in_the_store(tmp_path, project_store_copy,
                                                                               monkeypatch):
    """The place resolver (a second to make: the gazetteer read, every name folded) is kept as
    an index in the store's cache by the first import and read back by the next."""
    from kg.link.placeindex import index_digest
    from kg.link.resolve import PlaceResolver

    monkeypatch.setenv("KG_STORE", str(project_store_copy))
    table = tmp_path / "small.csv"
    table.write_text("地区,指标,年份,数值,单位\n水富市,地区生产总值,2022,101.2,亿元\n", encoding="utf-8")
    first = CliRunner().invoke(main, ["import", str(table), "--workspace", str(tmp_path / "ws"), "-q"])
    assert first.exit_code == 0, first.output
    assert [p.name for p in (project_store_copy / "cache").glob("places-*")] == [f"places-{index_digest()}.index"]

    def not_made(*_args, **_kwargs):
        raise AssertionError("made again")

    monkeypatch.setattr(PlaceResolver, "__init__", not_made)
    second = CliRunner().invoke(main, ["import", str(table), "--workspace", str(tmp_path / "ws"), "-q"])
    assert second.exit_code == 0, second.output
    assert "imported 1 of 1 row " in second.output


# -- validation -------------------------------------------------------------------------------

def test_an_unknown_theme_is_refused_before_any_work(tmp_path, base):
    """`kg import --theme nosuch` did 30 s of work, then failed validation (exit 1)."""
    table = tmp_path / "bad-theme.csv"
    table.write_text("地区,指标,年份,数值,单位\n水富市,新指标,2022,5,个\n", encoding="utf-8")
    for mapping in (ImportMapping(defaults={"theme": "no-such-theme"}),
                    ImportMapping(indicators={"新指标": {"en": "a new one", "theme": "no-such-theme"}})):
        with pytest.raises(KgError, match=r"^no theme 'no-such-theme' \(.*\); themes: agriculture, economy, "):
            Importer(table, mapping=mapping, workspace=tmp_path, now=NOW, base=base)
    assert not (tmp_path / "imports").exists()


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


# -- tables as people save them (line endings, stray CRs, long cells, only a header) ------------

TABLE_ROWS = ["地区,指标,年份,数值", "水富市,地区生产总值,2021,90亿元", "绥江县,地区生产总值,2021,60.3亿元"]


@pytest.mark.parametrize("endings, bom", [(["\n"] * 3, False), (["\r\n"] * 3, False), (["\r"] * 3, False),
                                          (["\r"] * 3, True), (["\r\n", "\r", "\r\n"], False),
                                          (["\n", "\r", "\r"], True)],
                         ids=["LF", "CRLF", "CR only", "BOM and CR only", "CRLF and one CR", "BOM, LF and CRs"])
def test_line_endings(tmp_path, base, endings, bom):
    """Old Mac / Excel "CSV (Macintosh)" tables end lines with CR alone, and a table edited in
    several programs mixes endings: every CR, LF and CRLF ends a row (a row ending in a bare CR
    among CRLF rows was merged with the next into one unreadable row)."""
    table = tmp_path / "endings.csv"
    text = "".join(row + ending for row, ending in zip(TABLE_ROWS, endings))
    table.write_bytes(b"\xef\xbb\xbf" * bom + text.encode("utf-8"))
    result, _g = Importer(table, workspace=tmp_path, now=NOW, base=base).run(write=False)
    assert (result.rows, result.imported, result.bad_rows) == (2, 2, [])
    assert read_table(text) == [row.split(",") for row in TABLE_ROWS]


def test_a_cr_inside_an_unquoted_cell_is_one_report_row_and_inside_quotes_is_data():
    """In a table whose rows end in LF, a bare CR in an unquoted cell is one unreadable row
    numbered as the file's row (it was split into two short rows, so the count and the numbers
    of every row after it were off by one); a CR, LF or CRLF inside a quoted cell is part of
    the cell."""
    text = "地区,指标,年份,数值\n水富市,地区生产\r总值,2021,90亿元\n绥江县,地区生产总值,2021,60.3亿元\n"
    rows = read_rows(text)
    assert rows.rows == [(1, ["地区", "指标", "年份", "数值"]), (3, ["绥江县", "地区生产总值", "2021", "60.3亿元"])]
    (bad,) = rows.unreadable
    assert bad.row == 2 and bad.raw == ["水富市,地区生产\r总值,2021,90亿元"]
    assert bad.reason.startswith("cannot read the row (line 2): a carriage return (CR) inside a cell, or a row end?")
    assert "the parts it divides have 2 and 3 cells, the header 4" in bad.reason
    for ending in ("\r", "\n", "\r\n"):
        quoted = read_rows(f'地区,指标\r\n"水富{ending}市",GDP\r\n绥江县,GDP\r')
        assert [row for _n, row in quoted.rows] == [["地区", "指标"], [f"水富{ending}市", "GDP"], ["绥江县", "GDP"]]
        assert not quoted.unreadable


def test_a_cr_in_a_one_column_table_with_lfs_cannot_be_told_and_is_reported():
    """With one column a CR is as likely inside the cell as a row end: neither is guessed."""
    rows = read_rows("地区\n水富\r市\n绥江县\n")
    assert [n for n, _r in rows.rows] == [1, 3] and [b.row for b in rows.unreadable] == [2]


def test_a_cr_in_the_header_of_a_table_with_lfs_is_an_error():
    with pytest.raises(KgError, match=r"line 1 \(the header: .*\) holds a carriage return"):
        read_rows("地区,指\r标,数值\n水富市,GDP,1\n")


def test_cli_a_stray_cr_counts_one_row_and_keeps_the_numbers_after_it(tmp_path):
    table = tmp_path / "straycr.csv"
    table.write_bytes("县名,上级,指标,时期,数值,单位\n水富市,昭通市,地区生\r产总值,2022,126.5,亿元\n"
                      "盐津县,昭通市,地区生产总值,2022,98.3,亿元\n不存在县,昭通市,地区生产总值,2022,1,亿元\n".encode())
    result = CliRunner().invoke(main, ["import", str(table), "--workspace", str(tmp_path / "ws"), "-q",
                                       "--place", "县名", "--prefecture", "上级", "--indicator", "指标",
                                       "--period", "时期", "--value", "数值", "--unit", "单位"])
    assert result.exit_code == 3, result.output
    assert "imported 1 of 3 rows" in result.output
    assert "row 2: cannot read the row (line 2): a carriage return (CR) inside a cell, or a row end?" in result.output
    assert "row 4: no place named '不存在县'" in result.output
    assert "too few cells" not in result.output


def test_a_cell_over_the_field_limit_is_reported(tmp_path):
    long = "x" * (MAX_CELL + 1)
    rows = read_rows(f"地区,指标,年份,数值,来源\n水富市,地区生产总值,2021,90亿元,{long}\n绥江县,地区生产总值,2021,60亿元,a\n")
    (bad,) = rows.unreadable
    assert bad.row == 2 and f"has {MAX_CELL + 1} characters" in bad.reason
    assert [number for number, _row in rows.rows] == [1, 3]
    assert csv.field_size_limit() == 131072  # the module's limit is left as it was


def test_cli_unreadable_rows_are_a_partial_import_not_a_traceback(tmp_path):
    table = tmp_path / "damaged.csv"
    long = "长" * (MAX_CELL + 5)
    table.write_bytes(("地区,指标,年份,数值,来源\n水富市,地区生产总值,2021,90亿元,年鉴\n"
                       "绥江县,地区生产\r总值,2021,60.3亿元,年鉴\n"
                       f"威信县,地区生产总值,2021,90.7亿元,{long}\n").encode())
    result = CliRunner().invoke(main, ["import", str(table), "--workspace", str(tmp_path / "ws")])
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    assert "imported 1 of 3 rows" in result.output
    assert "row 3: cannot read the row (line 3): a carriage return (CR) inside a cell" in result.output
    assert f"row 4: cell 5 has {MAX_CELL + 5} characters" in result.output


def test_cli_a_table_with_only_a_header_has_no_data_rows(tmp_path):
    table = tmp_path / "header-only.csv"
    table.write_text("地区,指标,年份,数值\n\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(table), "--workspace", str(tmp_path / "ws")])
    assert result.exit_code == 2, result.output
    assert "the table has no data rows, only a header (地区, 指标, 年份, 数值)" in result.output
    imports = tmp_path / "ws" / "imports"  # claimed before the table is read (kg.outputs), nothing written
    assert not list(imports.glob("header-only*")) if imports.exists() else True


# -- yearbook conventions in an import ------------------------------------------------------------

def test_footnote_marks_and_missing_figures(tmp_path, base):
    """85.31①, ①40.11 and 12.76¹ (亿元) are 85.31, 40.11 and 12.76 x 10^8 yuan with their marks
    kept; a figure marked missing (…, —, x) is a report row, never a zero."""
    table = tmp_path / "footnotes.csv"
    table.write_text("地区,指标,年份,数值,单位\n"
                     "水富市,地区生产总值,2021,85.31①,亿元\n"
                     "绥江县,地区生产总值,2021,①40.11,亿元\n"
                     "威信县,地区生产总值,2021,12.76¹,亿元\n"
                     "镇雄县,地区生产总值,2021,…,亿元\n"
                     "彝良县,地区生产总值,2021,—,亿元\n"
                     "盐津县,地区生产总值,2021,x,亿元\n", encoding="utf-8")
    result, g = Importer(table, workspace=tmp_path, now=NOW, base=base).run(write=False)
    expected = {"530681": ("8531000000.0", "①", "85.31①亿元"), "530626": ("4011000000.0", "①", "①40.11亿元"),
                "530629": ("1276000000.0", "¹", "12.76¹亿元")}
    for place, (value, mark, reported) in expected.items():
        obs = observation(g, place, period="2021")
        assert g.value(obs, SDMX_MEASURE.obsValue) == Literal(value, datatype=XSD.decimal)
        assert str(g.value(obs, CKG.footnoteMark)) == mark
        assert str(g.value(obs, CKG.reportedValue)) == reported
    assert [(b.row, b.column) for b in result.bad_rows] == [(5, "value"), (6, "value"), (7, "value")]
    assert all("missing figure" in b.reason for b in result.bad_rows)
    assert result.exit_code == EXIT_PARTIAL


def test_indicator_names_as_yearbooks_decorate_them(tmp_path, base):
    """#, 其中：, numbering and a unit in the name: one indicator, and the name's unit is used."""
    table = tmp_path / "decorated.csv"
    table.write_text("地区,指标,年份,数值\n"
                     "水富市,#第一产业增加值(亿元),2021,9.5\n"
                     "绥江县,其中：第一产业增加值（亿元）,2021,8.1\n"
                     "威信县,1.第一产业增加值(亿元),2021,20.2\n"
                     "盐津县, (一)第一產業增加值(億元),2021,12.0\n", encoding="utf-8")
    result, g = Importer(table, workspace=tmp_path, now=NOW, base=base).run(write=False)
    assert result.imported == 4, result.bad_rows
    indicators = set(g.objects(None, CKG.indicator))
    assert len(indicators) == 1
    (indicator,) = indicators
    assert {str(l) for l in g.objects(indicator, RDFS.label) if l.language == "zh-Hans"} == {"第一产业增加值"}
    obs = observation(g, "530681", str(indicator).rsplit("/", 1)[1], "2021")
    assert g.value(obs, SDMX_MEASURE.obsValue) == Literal("950000000.0", datatype=XSD.decimal)
    assert str(g.value(obs, CKG.reportedValue)) == "9.5亿元"


def test_periods_of_bulletins_are_intervals_reused_when_they_exist(tmp_path, base):
    table = tmp_path / "periods.csv"
    table.write_text("地区,指标,年份,数值\n"
                     "水富市,常住人口,2023年末,10.6万人\n"
                     "水富市,地区生产总值,2023年1—6月,52亿元\n"
                     "水富市,接待游客人次,“十四五”时期,900万人次\n", encoding="utf-8")
    result, g = Importer(table, workspace=tmp_path, now=NOW, base=base).run(write=False)
    assert result.imported == 3, result.bad_rows
    assert (PERIOD["2023-H1"], None, None) not in g  # 1—6月 is the existing period:2023-H1
    assert observation(g, "530681", "gdp", "2023-H1")
    end = PERIOD["asof-2023-12-31"]
    assert (end, RDF.type, TIME.Interval) in g and (end, RDF.type, TIME.ProperInterval) not in g
    assert g.value(end, TIME.hasBeginning) == g.value(end, TIME.hasEnd)
    plan = PERIOD["2021-2025"]
    assert {str(l) for l in g.objects(plan, RDFS.label) if l.language == "en"} == {"14th Five-Year Plan period (2021-2025)"}


def test_an_import_never_writes_an_ill_formed_literal(tmp_path, base):
    table = tmp_path / "exponents.csv"
    table.write_text("地区,指标,年份,数值,单位\n水富市,粮食产量,2021,1.2E+03,吨\n绥江县,粮食产量,2021,４．５e-2,万吨\n",
                     encoding="utf-8")
    result, g = Importer(table, workspace=tmp_path, now=NOW, base=base).run(write=False)
    assert result.imported == 2
    values = {str(v) for v in g.objects(None, SDMX_MEASURE.obsValue)}
    assert values == {"1200.0", "450.0"}
    check_literals(g)
    g.add((OBS["x"], SDMX_MEASURE.obsValue, Literal("5.8e8", datatype=XSD.decimal, normalize=False)))
    with pytest.raises(IllFormedLiteral, match="'5.8e8' is not a valid decimal"):
        check_literals(g)


# -- places in the codes and names of the table's period ------------------------------------------

def test_a_list_of_2006_names_its_prefecture_and_counties_as_they_were(tmp_path, base):
    """About 2006 the prefecture 530800 was 思茅市 (普洱市 since 2007) and its seat district 翠云区:
    rows land on today's places and keep the division they named; the prefecture is not the
    district 思茅区 and its counties are not rejected."""
    table = tmp_path / "simao-2006.csv"
    table.write_text("地区,所属地区,指标,年份,数值\n"
                     "思茅市,,地区生产总值,2006,100.1亿元\n"
                     "翠云区,思茅市,地区生产总值,2006,20.2亿元\n"
                     "景谷傣族彝族自治县,思茅市,地区生产总值,2006,15.3亿元\n"
                     "澜沧拉祜族自治县,思茅市,地区生产总值,2006,14.4亿元\n"
                     "西盟佤族自治县,思茅专区,地区生产总值,2006,3.5亿元\n", encoding="utf-8")
    result, g = Importer(table, workspace=tmp_path, now=NOW, base=base).run(write=False)
    for place, named in (("5308", "5308-2003"), ("530802", "530802-2003"), ("530824", "530824-2003"),
                         ("530828", "530828-2003")):
        obs = observation(g, place, period="2006")
        assert g.value(obs, CKG.reportedPlace) == PLACE[named]
    (bad,) = result.bad_rows
    assert (bad.row, bad.column, bad.reason) == (6, "prefecture", "unknown parent place '思茅专区'")


def test_as_of_and_splits(tmp_path, base):
    """--as-of: the table's codes are those of 2015; 宜宾县 (1996-2018) was split since, and is
    reported with its places instead of being guessed."""
    table = tmp_path / "yibin.csv"
    table.write_text("代码,地区,指标,数值\n530630,水富县,地区生产总值,45.6亿元\n511521,宜宾县,地区生产总值,400.1亿元\n",
                     encoding="utf-8")
    mapping = ImportMapping(defaults={"period": "2015"})
    result, g = Importer(table, mapping=mapping, workspace=tmp_path, now=NOW, base=base, as_of=2015).run(write=False)
    obs = observation(g, "530681", period="2015")
    assert g.value(obs, CKG.reportedPlace) == PLACE["530630"]
    (bad,) = result.bad_rows
    assert bad.column == "place" and "511521 宜宾县 (1996-2018) was split" in bad.reason
    assert "511502 翠屏区" in bad.reason and "511504 叙州区" in bad.reason


def test_divisions_merged_since_are_two_figures_two_names_of_one_division_are_one(tmp_path, base):
    """2010: 下城区 (330103) and 拱墅区 (330105) were two districts of 杭州市, merged into 拱墅区
    in 2021: two observations of today's 拱墅区, the one for 下城区 keeping it as reported, and
    the import conforms (they are no conflict). 2015 and 2022: 水富县 and 水富市 (its name since
    2018) are one division of that year, so the second row of each pair conflicts with the first."""
    table = tmp_path / "merged.csv"
    table.write_text("地区,所属地区,指标,年份,数值\n"
                     "拱墅区,杭州市,地区生产总值,2010,93.25亿元\n"
                     "下城区,杭州市,地区生产总值,2010,93.45亿元\n"
                     "水富县,昭通市,地区生产总值,2015,45.6亿元\n"
                     "水富市,昭通市,地区生产总值,2015,46.1亿元\n"
                     "水富市,昭通市,地区生产总值,2022,101.2亿元\n"
                     "水富县,昭通市,地区生产总值,2022,100.0亿元\n", encoding="utf-8")
    result, g = Importer(table, workspace=tmp_path / "ws", now=NOW, base=base).run()
    assert result.path is not None and result.path.is_file()  # validated: no conflict, written
    assert [(b.row, b.reason) for b in result.bad_rows] == [
        (5, "conflicts with row 4: '46.1亿元' here, '45.6亿元' in row 4 (imported), for the same indicator, place "
            "and period"),
        (7, "conflicts with row 6: '100.0亿元' here, '101.2亿元' in row 6 (imported), for the same indicator, place "
            "and period")]
    hangzhou = sorted((g.value(o, SDMX_MEASURE.obsValue).toPython(), g.value(o, CKG.reportedPlace))
                      for o in g.subjects(SDMX_DIMENSION.refArea, PLACE["330105"]))
    assert [(str(v), p) for v, p in hangzhou] == [("9325000000.0", None), ("9345000000.0", PLACE["330103"])]


# -- what a table says unclearly is reported, never guessed ------------------------------------

HEADER = "地区,指标,年份,数值,单位"


def test_a_table_that_is_not_gb18030_is_not_read_as_one(tmp_path, base):
    """A Big5 table decoded as GB18030 minted garbage indicators; a Latin-1 one whose accented
    letters pair up with the next byte too. The guess is said, and --encoding asked for."""
    big5 = tmp_path / "big5.csv"
    big5.write_bytes("地區,指標,年份,數值,單位\n綏江縣,地區生產總值,2022,8.1,億元\n".encode("big5"))
    with pytest.raises(KgError, match=r"read as GB18030 .* looks garbled: \d+ of its \d+ Chinese characters are rare"):
        Importer(big5, workspace=tmp_path / "ws", now=NOW, base=base).run()
    latin = tmp_path / "latin.csv"
    latin.write_bytes("place,indicator,year,value,unit\n水富市,Ménéndez index,2022,1,个\n".encode("gb18030")
                      .replace("Ménéndez".encode("gb18030"), "Ménéndez".encode("latin-1")))
    with pytest.raises(KgError, match="read as GB18030 .* looks garbled"):
        Importer(latin, workspace=tmp_path / "ws", now=NOW, base=base).run()
    assert not (tmp_path / "ws").exists()
    result, _graph = Importer(big5, workspace=tmp_path / "ws", now=NOW, base=base, encoding="big5").run()
    assert (result.imported, result.encoding) == (1, "big5")
    # a GB18030 table with one rare character and Latin letters around Chinese ones is one
    real = "地区,指标,年份,数值,单位\n磜头村,A股B股市值,2022,1,亿元\n"
    assert decode(real.encode("gb18030")) == (real, "gb18030")


def test_a_quote_never_closed_reports_every_line_it_swallowed(tmp_path, base):
    """Row 3 opening a quote it never closed gave "imported 1 of 2 rows": rows 4 to 6 were
    gone from the counts, taken into one cell."""
    table = tmp_path / "quote.csv"
    table.write_text(f'{HEADER}\n水富市,地区生产总值,2021,1,亿元\n水富市,"地区生产总值,2022,2,亿元\n'
                     "水富市,地区生产总值,2020,3,亿元\n水富市,地区生产总值,2019,4,亿元\n水富市,地区生产总值,2018,5,亿元\n",
                     encoding="utf-8")
    result, _graph = Importer(table, workspace=tmp_path, now=NOW, base=base).run()
    assert (result.imported, result.rows) == (1, 5)
    assert [bad.row for bad in result.bad_rows] == [3, 4, 5, 6]
    assert all("a quote (\") opened on line 3 is never closed" in bad.reason for bad in result.bad_rows)
    assert result.exit_code == 3


def test_two_columns_of_one_name_are_refused(tmp_path, base):
    table = tmp_path / "twice.csv"
    table.write_text("地区,指标,年份,数值,数值,单位\n水富市,地区生产总值,2022,1,2,亿元\n", encoding="utf-8")
    with pytest.raises(KgError, match=r"columns 4 and 5 of the header are both named '数值' \(the value column\)"):
        Importer(table, workspace=tmp_path, now=NOW, base=base).run()


def test_a_short_row_is_reported_as_one(tmp_path, base):
    """A ragged row was reported as "no period given"."""
    table = tmp_path / "ragged.csv"
    table.write_text(f"{HEADER}\n水富市,地区生产总值\n水富市,地区生产总值,2022,1,亿元\n", encoding="utf-8")
    result, _graph = Importer(table, workspace=tmp_path, now=NOW, base=base).run()
    assert [(bad.row, bad.reason) for bad in result.bad_rows] == [
        (2, "too few cells: 2, but the header has 5 (no 年份, 数值, 单位 cell)")]


def test_a_failed_import_keeps_the_previous_one(tmp_path, base):
    """Re-importing a name with a table nothing of which could be read removed the previous,
    good import and exited 0."""
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(f"{HEADER}\n水富市,地区生产总值,2022,1,亿元\n", encoding="utf-8")
    bad.write_text(f"{HEADER}\n火星,地区生产总值,2022,1,亿元\n", encoding="utf-8")
    Importer(good, name="t", workspace=tmp_path, now=NOW, base=base).run()
    before = (tmp_path / "imports" / "t.ttl").read_bytes()
    with pytest.raises(KgError, match=r"no row could be imported .* the previous import .*t\.ttl is kept"):
        Importer(bad, name="t", workspace=tmp_path, now=NOW, base=base).run()
    assert (tmp_path / "imports" / "t.ttl").read_bytes() == before


def test_a_table_of_the_same_name_says_whose_import_it_replaces(tmp_path):
    """a/t.csv and b/t.csv silently replaced each other's import."""
    from click.testing import CliRunner

    from kg.cli import main

    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "t.csv").write_text(f"{HEADER}\n水富市,地区生产总值,2022,1,亿元\n", encoding="utf-8")
    first = CliRunner().invoke(main, ["import", str(tmp_path / "a" / "t.csv"), "--workspace", str(tmp_path / "ws")])
    assert first.exit_code == 0 and "replaces" not in first.output, first.output
    again = CliRunner().invoke(main, ["import", str(tmp_path / "a" / "t.csv"), "--workspace", str(tmp_path / "ws")])
    assert again.exit_code == 0 and "replaces" not in again.output, again.output
    second = CliRunner().invoke(main, ["import", str(tmp_path / "b" / "t.csv"), "--workspace", str(tmp_path / "ws")])
    assert second.exit_code == 0, second.output
    assert (f"this replaces the import of {tmp_path / 'a' / 't.csv'} (a table of the same name; give --name to keep "
            f"both)") in second.output


@pytest.mark.parametrize("text, message", [
    ('[indicators]\n"地区生产总值" = "gdp"\n', "an indicator's entry is a table of what it means"),
    ('[columns]\nplace = ["地区"]\n', "[columns] place: must be a column name (text), not a list"),
    ('[indicator]\nx = 1\n', "unknown table [indicator]"),
    ('columns = "地区"\n', "columns must be a table ([columns]), not str"),
])
def test_a_mapping_of_the_wrong_shape_is_one_line(tmp_path, text, message):
    """`[indicators] "地区生产总值" = "gdp"` ended in an AttributeError (exit 1)."""
    path = tmp_path / "m.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KgError) as raised:
        ImportMapping.from_file(path)
    assert str(raised.value).startswith(f"{path}: ") and message in str(raised.value), str(raised.value)


def test_a_mapping_with_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "m.toml"
    path.write_bytes("\ufeff[defaults]\ntheme = \"economy\"\n".encode("utf-8"))
    assert ImportMapping.from_file(path).defaults == {"theme": "economy"}


def test_an_import_describes_what_only_another_import_describes(tmp_path, monkeypatch):
    """An import references indicators and periods another import described: it describes them
    too (as there), so replacing that import with another table leaves it whole; the project's
    graph still validates."""
    monkeypatch.setenv("KG_WORKSPACE", str(tmp_path / "ws"))
    t1 = tmp_path / "t1.csv"
    t1.write_text("地区,指标,年份,数值,单位\n水富市,旅游收入,2021,10.5,亿元\n水富县,旅游收入,1990,0.5,亿元\n",
                  encoding="utf-8")
    t6 = tmp_path / "t6.csv"
    t6.write_text("地区,指标,年份,数值,单位\n绥江县,地区生产总值,2022,60.3,亿元\n", encoding="utf-8")
    runner = CliRunner()
    for args in (["import", str(t1), "--name", "evil"], ["import", str(t1)], ["import", str(t6), "--name", "evil"]):
        result = runner.invoke(main, [*args, "-q"])
        assert result.exit_code == 0, result.output
    t1_graph = Graph().parse(tmp_path / "ws" / "imports" / "t1.ttl")
    indicator = t1_graph.value(None, RDF.type, CKG.Indicator)
    assert indicator is not None and (indicator, SKOS.inScheme, IND.scheme) in t1_graph
    for period in ("1990", "2021"):
        assert (PERIOD[period], RDF.type, CKG.Period) in t1_graph
        assert t1_graph.value(PERIOD[period], TIME.hasBeginning) is not None
    validated = runner.invoke(main, ["validate"])
    assert validated.exit_code == 0, validated.output


def test_a_reading_command_says_which_workspace_the_store_follows(tmp_path, monkeypatch):
    """`kg import --workspace DIR`, then a reading command without it: the store held DIR's
    imports and this command reads another workspace: it says both and how to keep DIR."""
    monkeypatch.delenv("KG_WORKSPACE", raising=False)
    monkeypatch.chdir(tmp_path)
    table = tmp_path / "t1.csv"
    table.write_text("地区,指标,年份,数值\n绥江县,地区生产总值,2022,60.3亿元\n", encoding="utf-8")
    chosen = tmp_path / "chosen"
    runner = CliRunner()
    imported = runner.invoke(main, ["import", str(table), "--workspace", str(chosen), "-q"])
    assert imported.exit_code == 0, imported.output
    query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/county-kg/graph/import/t1> { ?s ?p ?o } }"
    result = runner.invoke(main, ["query", "--sparql", query, "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert "(removed: t1)" in result.output
    assert f"it held the workspace {chosen.resolve()}, this command reads {(tmp_path / 'county-kg-data').resolve()}" \
        in result.output
    assert f"set KG_WORKSPACE={chosen.resolve()} to keep reading it" in result.output
    monkeypatch.setenv("KG_WORKSPACE", str(chosen))
    again = runner.invoke(main, ["query", "--sparql", query, "--format", "csv"])
    assert again.exit_code == 0 and "(new: t1.ttl)" in again.output and "it held" not in again.output, again.output
    assert again.output.splitlines()[-1] != "0"  # the import is back in the store


def test_table_level_errors_name_the_file_and_say_what_failed(tmp_path, base):
    from kg.errors import KgError
    from kg.link.periods import PeriodParseError, parse_period
    from kg.link.resolve import parse_code

    no_columns = tmp_path / "no-columns.csv"
    no_columns.write_text("地区,数值\n水富市,5\n", encoding="utf-8")
    with pytest.raises(KgError) as error:
        Importer(no_columns, workspace=tmp_path, now=NOW, base=base).run(write=False)
    assert str(error.value).startswith(f"{no_columns}: the table has no ")
    undecodable = tmp_path / "latin.csv"
    undecodable.write_bytes("地区,指标,年份,数值\n".encode("utf-8") + b"\xff\xfe\n")
    with pytest.raises(KgError) as error:
        Importer(undecodable, workspace=tmp_path, now=NOW, base=base, encoding="utf-8").run(write=False)
    assert str(error.value) == (f"{undecodable}: line 2: not utf-8 text (byte 0xff at offset 28); give the "
                                "table's encoding (for example utf-8, gb18030, big5)")
    # a codec that is no text encoding is named as such, not with Python's advice to call codecs.decode()
    for name in ("rot13", "klingon"):
        with pytest.raises(KgError) as error:
            Importer(undecodable, workspace=tmp_path, now=NOW, base=base, encoding=name).run(write=False)
        assert str(error.value) == (f"{undecodable}: unknown or unusable text encoding {name!r} (for example "
                                    "utf-8, gb18030, big5)")
    with pytest.raises(PeriodParseError, match=r"^month 13 is not a month of the year \(1-12\)$"):
        parse_period("2023年13月")
    assert parse_code("530,681") == "530681" and parse_code("5,306") == "5306"
    nothing = tmp_path / "nothing.csv"
    nothing.write_text("地区,指标,年份,数值\n不存在县,地区生产总值,2021,90亿元\n水富市,地区生产总值,2021,abc\n",
                       encoding="utf-8")
    result, _ = Importer(nothing, workspace=tmp_path, now=NOW, base=base).run(write=False)
    assert result.imported == 0 and len(result.bad_rows) == 2 and result.exit_code == 2
    coded = tmp_path / "coded.csv"
    coded.write_text('地区,指标,年份,数值\n"530,681",地区生产总值,2021,90亿元\n', encoding="utf-8")
    result, _ = Importer(coded, workspace=tmp_path, now=NOW, base=base).run(write=False)
    assert result.imported == 1, result.bad_rows


def test_footnote_marks_on_place_names_and_periods(tmp_path, base):
    """水富市①, 绥江县*, 2022①: the marks are removed (and recorded on the observation) as on
    values; a cell that still names nothing is quoted as written."""
    table = tmp_path / "marked.csv"
    table.write_text("地区,指标,年份,数值\n水富市①,地区生产总值,2021,90亿元\n绥江县*,地区生产总值,2022①,60.3亿元\n"
                     "不存在县②,地区生产总值,2021,1亿元\n", encoding="utf-8")
    result, g = Importer(table, workspace=tmp_path, now=NOW, base=base).run(write=False)
    assert result.imported == 2, result.bad_rows
    assert {str(m) for m in g.objects(observation(g, "530681", period="2021"), CKG.footnoteMark)} == {"①"}
    assert {str(m) for m in g.objects(observation(g, "530626", period="2022"), CKG.footnoteMark)} == {"*", "①"}
    (bad,) = result.bad_rows
    assert bad.column == "place" and "'不存在县②'" in bad.reason and "不存在县2" not in bad.reason


@pytest.mark.parametrize("option, value, message", [
    ("--default-unit", "nonsense unit", "Invalid value for '--default-unit': unknown unit 'nonsense unit'"),
    ("--default-unit", "x万元", "Invalid value for '--default-unit': unknown unit 'x万元': 'x万' is not a magnitude"),
    ("--default-period", "2023-02-30", "Invalid value for '--default-period': cannot read the period '2023-02-30'"),
])
def test_cli_default_options_are_checked_before_any_row(tmp_path, option, value, message):
    """--default-unit 'nonsense unit' was reported on every row as "'nonsenseuni' is not a
    magnitude" (the t of "unit" read as tonnes), exit 3; --default-period 2023-02-30 likewise.
    Each is read by the parser the rows use, before the table: one line, exit 2, nothing written."""
    table = tmp_path / "z.csv"
    table.write_text("地区,指标,数值\n水富市,地区生产总值,12\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(table), "--default-period", "2022", "--default-unit", "亿元",
                                       option, value, "--workspace", str(tmp_path / "ws")])
    assert result.exit_code == 2, result.output
    assert message in result.output and result.output.count("\n") == 1, result.output
    assert not (tmp_path / "ws").exists()



def test_a_mapping_files_defaults_are_checked_before_any_row(tmp_path):
    table = tmp_path / "z.csv"
    table.write_text("地区,指标,数值\n水富市,地区生产总值,12\n", encoding="utf-8")
    mapping = tmp_path / "m.toml"
    mapping.write_text('[defaults]\nperiod = "2022"\nunit = "nonsense unit"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(table), "--mapping", str(mapping), "--workspace", str(tmp_path / "ws")])
    assert result.exit_code == 2, result.output
    assert f"{mapping}: [defaults] unit = 'nonsense unit': unknown unit 'nonsense unit'" in result.output, result.output
    assert not (tmp_path / "ws").exists()


def test_the_report_opens_in_a_spreadsheet_without_garbling_or_formulas(tmp_path, base):
    """The report is for Excel: a byte order mark (else Chinese shows garbled) and a cell that
    begins as a formula (CSV injection) written with a single quote in front."""
    table = tmp_path / "formula.csv"
    table.write_text("地区,指标,年份,数值\n水富市,地区生产总值,2022,101.2亿元\n=1+2,地区生产总值,2022,1\n",
                     encoding="utf-8")
    result, _ = Importer(table, workspace=tmp_path / "ws", now=NOW, base=base).run()
    assert result.bad_rows[0].row == 3
    data = result.report_path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfrow,")
    (row,) = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert row["raw"] == "'=1+2,地区生产总值,2022,1"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_a_table_with_a_utf16_or_utf32_byte_order_mark_is_read(tmp_path, base, codec):
    """Excel's "Unicode Text" is UTF-16 with a byte order mark: it was "neither UTF-8 nor GB18030"."""
    table = tmp_path / "unicode.csv"
    text = "地区,指标,年份,数值\n水富市,地区生产总值,2022,101.2亿元\n"
    table.write_bytes(("\ufeff" + text).encode(codec) if codec.endswith("-be") else text.encode(codec))
    result, _ = Importer(table, workspace=tmp_path / "ws", now=NOW, base=base).run(write=False)
    assert result.imported == 1 and not result.bad_rows
    assert result.encoding == ("utf-32" if codec == "utf-32" else "utf-16")
