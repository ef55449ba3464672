"""Place resolution: codes in every form, names in both scripts, historical names, parents."""

from __future__ import annotations

import pytest

from kg.link.resolve import PlaceResolver, Resolved, Unresolved, code_forms


@pytest.fixture(scope="module")
def resolver() -> PlaceResolver:
    return PlaceResolver()


@pytest.mark.parametrize("args, code, method", [
    (("530681",), "530681", "code"),
    (("530681000000",), "530681", "code"),
    (("530600",), "5306", "code"),
    (("5306",), "5306", "code"),
    (("530000",), "53", "code"),
    (("53",), "53", "code"),
    (("530681101",), "530681101", "code"),
    (("530681101000",), "530681101", "code"),
    (("１１０１０５",), "110105", "code"),           # full-width digits
    (("水富市",), "530681", "name"),
    (("水富",), "530681", "short-name"),
    (("昭陽區",), "530602", "name"),                  # Traditional
    (("玉龍納西族自治縣",), "530721", "name"),
    (("玉龙",), "530721", "short-name"),               # without suffix and ethnic groups
    (("雲南",), "53", "short-name"),
    ((" 昭 通 市 ",), "5306", "name"),                # spacing
    (("鲁甸",), "530621", "short-name"),              # the county, not 鲁甸乡 of Yulong
    (("鲁甸乡",), "530721206", "name"),              # ... unless the suffix says township
    (("朝阳区", "北京"), "110105", "name, parent"),
    (("朝陽區", "長春市"), "220104", "name, parent"),
    (("朝阳区", "吉林省", "长春"), "220104", "name, parent"),
    (("朝阳区", "2201"), "220104", "name, parent"),    # parent by code
    (("绥江", "昭通"), "530626", "short-name"),
    (("长宁", "宜宾市"), "511524", "short-name, parent"),
])
def test_resolves(resolver, args, code, method):
    result = resolver.resolve(*args)
    assert isinstance(result, Resolved), result
    assert (result.code, result.method) == (code, method)
    assert result.iri == f"https://w3id.org/county-kg/id/place/{code}"


@pytest.mark.parametrize("text", ["530630", "水富县", "水富縣", "530630000000"])
def test_shuifu_before_2018_is_shuifu(resolver, text):
    """Data keyed on the old county (530630, 水富县) lands on the same place as 水富市."""
    result = resolver.resolve(text)
    assert isinstance(result, Resolved) and result.code == "530681"
    assert result.replaced and result.matched.code == "530630"
    assert "replaced 530630 -> 530681" in result.method


@pytest.mark.parametrize("args, reason", [
    (("",), "no place given"),
    (("不存在县",), "no place named"),
    (("99",), "unknown division code"),
    (("530699",), "unknown division code"),
    (("12345",), "not a division code"),
    (("绥江", "曲靖"), "no place named '绥江' in 曲靖"),
    (("朝阳区", "火星省"), "unknown parent place"),
])
def test_unresolved_says_why(resolver, args, reason):
    result = resolver.resolve(*args)
    assert isinstance(result, Unresolved)
    assert reason in result.reason


def test_ambiguous_names_list_the_candidates(resolver):
    result = resolver.resolve("朝阳区")
    assert isinstance(result, Unresolved) and result.reason.startswith("ambiguous: 2 places")
    assert {d.code for d in result.candidates} == {"110105", "220104"}
    assert "give the province or prefecture" in result.reason
    many = resolver.resolve("朝阳")
    assert isinstance(many, Unresolved) and {"2113", "211321", "110105", "220104"} <= {d.code for d in many.candidates}


def test_level_restricts_names(resolver):
    assert isinstance(resolver.resolve("朝阳", "辽宁", level="county"), Resolved)
    assert resolver.resolve("朝阳", "辽宁", level="county").code == "211321"
    assert resolver.resolve("朝阳", "辽宁", level="prefecture").code == "2113"


def test_code_forms():
    assert code_forms("530681000000") == ["530681"]
    assert code_forms("530600000000") == ["530600", "5306"]
    assert code_forms("530000") == ["530000", "53"]
    assert code_forms("530600") == ["530600", "5306"]
    assert code_forms("530681101000") == ["530681101"]
