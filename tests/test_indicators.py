"""Indicator names as yearbooks decorate them -> one name, one key, the unit written in the name."""

from __future__ import annotations

import pytest

from kg.link.indicators import indicator_key, indicator_name

CASES = [
    # cell, name, unit in the name, decorations removed
    ("#第一产业增加值", "第一产业增加值", None, ("#",)),
    ("＃第一产业增加值", "第一产业增加值", None, ("＃",)),
    ("##第一产业增加值", "第一产业增加值", None, ("##",)),
    ("其中：第一产业增加值", "第一产业增加值", None, ("其中：",)),
    ("  其中: 第一产业增加值", "第一产业增加值", None, ("其中:",)),
    ("　　其中：第一产业增加值", "第一产业增加值", None, ("其中：",)),   # ideographic spaces indent
    ("地区生产总值：", "地区生产总值", None, ("：",)),
    ("1.地区生产总值", "地区生产总值", None, ("1.",)),
    ("1．地区生产总值", "地区生产总值", None, ("1．",)),
    ("1、地区生产总值", "地区生产总值", None, ("1、",)),
    ("(一)地区生产总值", "地区生产总值", None, ("(一)",)),
    ("（一）地区生产总值", "地区生产总值", None, ("（一）",)),
    ("（1）地区生产总值", "地区生产总值", None, ("（1）",)),
    ("一、地区生产总值", "地区生产总值", None, ("一、",)),
    ("Ⅰ.地区生产总值", "地区生产总值", None, ("Ⅰ.",)),
    ("地区生产总值(亿元)", "地区生产总值", "亿元", ("(亿元)",)),
    ("地区生产总值（亿元）", "地区生产总值", "亿元", ("（亿元）",)),
    ("地区生产总值 （亿元）", "地区生产总值", "亿元", ("（亿元）",)),
    ("地区生产总值（单位：亿元）", "地区生产总值", "亿元", ("（单位：亿元）",)),
    ("地区生产总值,亿元", "地区生产总值", "亿元", (",亿元",)),
    ("人均地区生产总值(元/人)", "人均地区生产总值", "元/人", ("(元/人)",)),
    ("#其中：公路里程（公里）", "公路里程", "公里", ("#", "其中：", "（公里）")),
    ("第一产业(农林牧渔业)", "第一产业(农林牧渔业)", None, ()),          # a bracket that is no unit stays
    (" 地区 生产总值 ", "地区 生产总值", None, ()),
]


@pytest.mark.parametrize("cell, name, unit, removed", CASES, ids=[c[0] for c in CASES])
def test_decorations_are_removed(cell, name, unit, removed):
    read = indicator_name(cell)
    assert (read.name, read.unit, read.removed) == (name, unit, removed)


@pytest.mark.parametrize("cell", ["#第一产业增加值", "其中：第一产业增加值", "1.第一产业增加值", "(一)第一產業增加值",
                                  "第一产业 增加值", "第一產業增加值（億元）", "第一产业增加值："])
def test_one_indicator_whatever_the_decoration(cell):
    """The key names are matched by: Simplified, no spaces, decorations gone."""
    assert indicator_name(cell).key == indicator_key("第一产业增加值") == "第一产业增加值"


def test_an_empty_cell_is_an_empty_name():
    assert indicator_name("").name == "" and indicator_name("   ").name == ""
