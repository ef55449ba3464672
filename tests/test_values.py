"""Numbers as Chinese tables write them -> value in base units, unit, qualifier."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kg.namespaces import CKG, CUNIT, UNIT
from kg.link.values import ValueParseError, decimal_lexical, detect_script, parse_unit, parse_value

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
    ("—", "missing figure"),
    ("12.5公斤", "neither a magnitude nor a unit"),
])
def test_unparsable(text, reason):
    with pytest.raises(ValueParseError, match=reason):
        parse_value(text)


def test_unknown_unit_cell():
    with pytest.raises(ValueParseError, match="unknown unit"):
        parse_value("12", "斤")
    assert parse_unit("亿元") == (UNIT.CCY_CNY, Decimal(100_000_000))
    assert parse_unit("萬人次") == (CUNIT["person-visit"], Decimal(10_000))


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
