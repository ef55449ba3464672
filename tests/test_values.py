"""Numbers as Chinese tables write them -> value in base units, unit, qualifier."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from kg.namespaces import CKG, CUNIT, UNIT
from kg.link.values import MissingValue, ValueParseError, decimal_lexical, detect_script, parse_unit, parse_value

CASES = [
    # text, value in base units, unit, qualifier
    ("12.76亿元", "1276000000", UNIT.CCY_CNY, CKG.Exact),
    ("12.76億元", "1276000000", UNIT.CCY_CNY, CKG.Exact),
    ("123.42万人次", "1234200", CUNIT["person-visit"], CKG.Exact),
    ("123.42萬人次", "1234200", CUNIT["person-visit"], CKG.Exact),
    ("1,234", "1234", None, CKG.Exact),
    ("１，２３４", "1234", None, CKG.Exact),
    ("8.08亿元以上", "808000000", UNIT.CCY_CNY, CKG.LowerBound),
    ("突破百億", "10000000000", None, CKG.LowerBound),
    ("超过5000万元", "50000000", UNIT.CCY_CNY, CKG.LowerBound),
    ("超過5000萬元", "50000000", UNIT.CCY_CNY, CKG.LowerBound),
    ("1万余人", "10000", UNIT.NUM, CKG.LowerBound),
    ("1000多家", "1000", UNIT.NUM, CKG.LowerBound),
    ("3.2億餘元", "320000000", UNIT.CCY_CNY, CKG.LowerBound),
    ("约3.5万亿元", "3500000000000", UNIT.CCY_CNY, CKG.Approximate),
    ("約70.2億元", "7020000000", UNIT.CCY_CNY, CKG.Approximate),
    ("近5000家", "5000", UNIT.NUM, CKG.Approximate),
    ("100人左右", "100", UNIT.NUM, CKG.Approximate),
    ("不足100人", "100", UNIT.NUM, CKG.UpperBound),
    ("50吨以下", "50", UNIT.TONNE, CKG.UpperBound),
    ("12.5%", "12.5", UNIT.PERCENT, CKG.Exact),
    ("-3.2%", "-3.2", UNIT.PERCENT, CKG.Exact),
    ("439.8平方公里", "439.8", UNIT.KiloM2, CKG.Exact),
    ("10万吨/年", "100000", UNIT["TONNE-PER-YR"], CKG.Exact),
    ("2.6万噸", "26000", UNIT.TONNE, CKG.Exact),
    ("1.2万亩", "12000", CUNIT.mu, CKG.Exact),
    ("两千", "2000", None, CKG.Exact),
    ("十二个", "12", UNIT.NUM, CKG.Exact),
    ("3项", "3", UNIT.NUM, CKG.Exact),
    ("5個", "5", UNIT.NUM, CKG.Exact),
    ("100万美元", "1000000", UNIT.CCY_USD, CKG.Exact),
    ("3万千瓦时", "30000", UNIT["KiloW-HR"], CKG.Exact),
    ("达到2.5亿元", "250000000", UNIT.CCY_CNY, CKG.Exact),
]


@pytest.mark.parametrize("text, value, unit, qualifier", CASES, ids=[c[0] for c in CASES])
def test_parse(text, value, unit, qualifier):
    parsed = parse_value(text)
    assert parsed.value == Decimal(value)
    assert parsed.unit == unit
    assert parsed.qualifier == qualifier
    assert parsed.reported == text


@pytest.mark.parametrize("text, unit_cell, value, unit", [
    ("12.76", "亿元", "1276000000", UNIT.CCY_CNY),
    ("1,501,000", "万元", "15010000000", UNIT.CCY_CNY),
    ("10.58", "万人", "105800", UNIT.NUM),
    ("39.6", "萬人次", "396000", CUNIT["person-visit"]),
    ("300亿元以上", "万元", "30000000000", UNIT.CCY_CNY),  # the cell's own unit wins
])
def test_unit_column(text, unit_cell, value, unit):
    parsed = parse_value(text, unit_cell)
    assert (parsed.value, parsed.unit) == (Decimal(value), unit)


@pytest.mark.parametrize("text, reason", [
    ("", "empty"),
    ("   ", "empty"),
    ("待核实", "not a number"),
    ("abc", "not a number"),
    ("12元3", "neither a magnitude nor a unit"),
    ("1,23", "neither a magnitude nor a unit"),
    ("—", "missing or confidential figure"),
    ("12.5斤两", "neither a magnitude nor a unit"),
    ("12 34", "neither a magnitude nor a unit"),      # digits apart are not one number
    ("85.3①1", "neither a magnitude nor a unit"),     # a mark inside the digits: not guessed
    ("12.5（初步）", "neither a magnitude nor a unit"),  # a note the parser does not know
    ("7.5(1)", "neither a magnitude nor a unit"),     # (1) also numbers items: not taken for a mark
    ("1.2.3", "neither a magnitude nor a unit"),
    ("--3", "not a number"),
    ("负-3", "two signs"),
])
def test_unparsable(text, reason):
    with pytest.raises(ValueParseError, match=reason):
        parse_value(text)


# -- yearbook conventions -------------------------------------------------------------------

FOOTNOTES = [
    # text, unit cell, value in base units, unit, marks
    ("85.31①", "亿元", "8531000000", UNIT.CCY_CNY, ("①",)),
    ("①40.11", "亿元", "4011000000", UNIT.CCY_CNY, ("①",)),
    ("12.76¹", "亿元", "1276000000", UNIT.CCY_CNY, ("¹",)),
    ("12.76²³", "亿元", "1276000000", UNIT.CCY_CNY, ("²³",)),
    ("85.31①亿元", None, "8531000000", UNIT.CCY_CNY, ("①",)),
    ("12.76亿元*", None, "1276000000", UNIT.CCY_CNY, ("*",)),
    ("1,234†", "人", "1234", UNIT.NUM, ("†",)),
    ("Δ12.3", "%", "12.3", UNIT.PERCENT, ("Δ",)),
    ("12.3△", "%", "12.3", UNIT.PERCENT, ("△",)),
    ("5.2[a]", "%", "5.2", UNIT.PERCENT, ("[a]",)),
    ("5.2［1］", "%", "5.2", UNIT.PERCENT, ("[1]",)),
    ("5.2[注1]", "%", "5.2", UNIT.PERCENT, ("[注1]",)),
    ("5.2(A)", "%", "5.2", UNIT.PERCENT, ("(A)",)),
    ("5.2（b）", "%", "5.2", UNIT.PERCENT, ("(b)",)),
    ("⑴7.5", "万吨", "75000", UNIT.TONNE, ("⑴",)),
    ("3.5※", "万人", "35000", UNIT.NUM, ("※",)),
    ("100m²", None, "100", UNIT.M2, ()),          # ² after m is the unit, not a mark
    ("439.8km²", None, "439.8", UNIT.KiloM2, ()),
]


@pytest.mark.parametrize("text, unit_cell, value, unit, marks", FOOTNOTES, ids=[c[0] for c in FOOTNOTES])
def test_footnote_marks_are_removed_and_recorded_never_read_as_digits(text, unit_cell, value, unit, marks):
    """NFKC folds ① and ¹ into 1: 85.31① would read 85.311 and 12.76¹ 12.761 (x 10^8 yuan)."""
    parsed = parse_value(text, unit_cell)
    assert (parsed.value, parsed.unit, parsed.footnotes) == (Decimal(value), unit, marks)
    assert parsed.reported == text


NUMBERS = [
    ("１２３．４５", "万元", "1234500", UNIT.CCY_CNY),     # full-width digits and point
    ("１，２３４", "人", "1234", UNIT.NUM),
    ("1 234 567", "元", "1234567", UNIT.CCY_CNY),       # spaces between thousands
    ("-3.2", "%", "-3.2", UNIT.PERCENT),
    ("−3.2", "%", "-3.2", UNIT.PERCENT),                # U+2212 minus sign
    ("－3.2", "%", "-3.2", UNIT.PERCENT),               # full-width hyphen-minus
    ("负3.2", "%", "-3.2", UNIT.PERCENT),
    ("1.2E+03", "吨", "1200", UNIT.TONNE),               # spreadsheet exponent notation
    ("1.2e3", "吨", "1200", UNIT.TONNE),
    ("4.5E-02", "%", "0.045", UNIT.PERCENT),
    ("12.5‰", None, "12.5", UNIT.PERMILLE),
    ("6.8", "‰", "6.8", UNIT.PERMILLE),
    ("3.2万元/人", None, "32000", CUNIT["yuan-per-person"]),
    ("45678", "元/人", "45678", CUNIT["yuan-per-person"]),
    ("156", "人/平方公里", "156", CUNIT["person-per-square-kilometre"]),
    ("12", "万立方米", "120000", UNIT.M3),
    ("5.6", "万千瓦时", "56000", UNIT["KiloW-HR"]),
    ("3.4", "亿千瓦时", "340000000", UNIT["KiloW-HR"]),
    ("12", "公斤", "12", UNIT.KiloGM),
    ("12", "千克", "12", UNIT.KiloGM),
    ("300", "斤", "150", UNIT.KiloGM),                  # 1 斤 = 0.5 kg
    ("365", "天", "365", UNIT.DAY),
    ("8", "小时", "8", UNIT.HR),
    ("1.5", "万公顷", "15000", UNIT.HA),
    ("3,000", "辆", "3000", UNIT.NUM),
    ("12", "所", "12", UNIT.NUM),
    ("480", "张", "480", UNIT.NUM),
    ("25", "米", "25", UNIT.M),
]


@pytest.mark.parametrize("text, unit_cell, value, unit", NUMBERS, ids=[f"{c[0]} {c[1]}" for c in NUMBERS])
def test_numbers_and_units_of_county_tables(text, unit_cell, value, unit):
    parsed = parse_value(text, unit_cell)
    assert (parsed.value, parsed.unit) == (Decimal(value), unit)
    assert "E" not in parsed.lexical and "e" not in parsed.lexical  # xsd:decimal has no exponent


@pytest.mark.parametrize("text", ["…", "……", "...", "—", "——", "-", "－", "–", "/", "x", "X", "×", "*", "NA", "N/A",
                                  "无", "空", "不详", "保密", " — ", "—①"])
def test_missing_and_confidential_marks_are_missing_never_zero(text):
    with pytest.raises(MissingValue, match="missing or confidential"):
        parse_value(text, "亿元")


def test_decimal_lexical_forms():
    assert decimal_lexical(Decimal("1.2E+3")) == "1200.0"
    assert decimal_lexical(Decimal("-0.50")) == "-0.5"
    assert decimal_lexical(Decimal("-0")) == "0.0"
    with pytest.raises(ValueError):
        decimal_lexical(Decimal("NaN"))


def test_unknown_unit_cell():
    with pytest.raises(ValueParseError, match="unknown unit"):
        parse_value("12", "担")
    assert parse_unit("亿元") == (UNIT.CCY_CNY, Decimal(100_000_000))
    assert parse_unit("萬人次") == (CUNIT["person-visit"], Decimal(10_000))
    assert parse_unit("万元/人") == (CUNIT["yuan-per-person"], Decimal(10_000))
    assert parse_unit("‰") == (UNIT.PERMILLE, Decimal(1))


def test_lexical_form_has_a_decimal_point():
    assert decimal_lexical(Decimal("1276000000.00")) == "1276000000.0"
    assert decimal_lexical(Decimal("12.50")) == "12.5"
    assert parse_value("12.76亿元").lexical == "1276000000.0"


@pytest.mark.parametrize("text, script", [
    ("12.76億元", "zh-Hant"), ("12.76亿元", "zh-Hans"), ("1,234", None), ("100人", None),
    ("123.42萬人次", "zh-Hant"), ("123.42万人次", "zh-Hans"),
])
def test_detect_script(text, script):
    assert detect_script(text) == script


def test_units_have_labels_in_the_graph(project_union):
    """Every unit the parser can return is a labelled qudt:Unit of the project graph."""
    from rdflib.namespace import RDF, RDFS

    from kg.namespaces import QUDT
    from kg.link.values import UNITS

    for iri, _factor in set(UNITS.values()):
        assert (iri, RDF.type, QUDT.Unit) in project_union, iri
        assert {l.language for l in project_union.objects(iri, RDFS.label)} == {"zh-Hans", "zh-Hant", "en"}, iri


@pytest.mark.parametrize("text, unit_cell, why", [
    ("12.76亿", "亿元", "has a magnitude (亿) and so has the unit given for it, '亿元'"),
    ("1.5万", "万人", "has a magnitude (万) and so has the unit given for it, '万人'"),
    ("12亿元", "万人", "'12亿元' is in 元 but the unit given for it, '万人', is 人"),
    ("12%", "亿元", "'12%' is in % but the unit given for it, '亿元', is 元"),
])
def test_a_cell_and_its_unit_that_disagree_are_reported_never_combined(text, unit_cell, why):
    """12.76亿 in a 亿元 column was 1.276e17 yuan ("12.76亿亿元"); a cell's own unit that the
    unit column contradicts was taken without a word."""
    with pytest.raises(ValueParseError, match=re.escape(why)):
        parse_value(text, unit_cell)


@pytest.mark.parametrize("text, unit_cell, value", [
    ("12.76亿元", "亿元", "1276000000"), ("12万元", "亿元", "120000"), ("12.76亿", "元", "1276000000"),
    ("12.76", "亿元", "1276000000"),
])
def test_a_cell_and_its_unit_that_agree_are_read(text, unit_cell, value):
    assert parse_value(text, unit_cell).value == Decimal(value)


def test_every_digit_is_kept():
    """400 nines became 1E+400 (Decimal's default context keeps 28 digits)."""
    from kg.link.values import decimal_lexical

    nines = "9" * 400
    assert parse_value(nines, "元").value == Decimal(nines)
    assert decimal_lexical(parse_value(nines + ".5", "万元").value) == nines + "5000.0"
    assert decimal_lexical(Decimal("1" + "0" * 60 + ".25")) == "1" + "0" * 60 + ".25"


def test_a_latin_unit_is_a_word_of_its_own():
    assert parse_unit("t") == (UNIT.TONNE, 1) and parse_value("12t").unit == UNIT.TONNE
    assert parse_value("3.2万kwh").value == 32000
    with pytest.raises(ValueParseError, match="^unknown unit 'nonsense unit'$"):
        parse_unit("nonsense unit")
