"""Place resolution: codes in every form, names in both scripts, historical names, parents."""

from __future__ import annotations

import pytest

from kg.link.resolve import PlaceResolver, Resolved, Unresolved, code_forms, parse_code


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
    result = resolver.resolve(text, year=2015)
    assert isinstance(result, Resolved) and result.code == "530681"
    assert result.replaced and result.matched.key == "530630"
    assert "replaced 530630 -> 530681" in result.method


@pytest.mark.parametrize("args, year, reported", [
    (("532131",), 1995, "532131"),            # the 1981-2000 code
    (("530630",), 2015, "530630"),            # the 2001-2017 code
    (("530681",), 2022, "530681"),
    (("水富县",), 1995, "532131"),            # the same name, two records: the year decides
    (("水富县",), 2010, "530630"),
    (("水富县", "昭通地区"), 1995, "532131"),
    (("水富县", "昭通市"), 2010, "530630"),
    (("水富縣", "昭通地區"), 1990, "532131"),
    (("水富县",), 2022, "530630"),            # no longer in use: the nearest record, same place today
])
def test_shuifu_in_the_codes_of_each_year(resolver, args, year, reported):
    """532131 (1981-2001) -> 530630 (2001-2018) -> 530681: a row of any year lands on 水富市 and
    keeps the division it named."""
    result = resolver.resolve(*args, year=year)
    assert isinstance(result, Resolved), result
    assert result.key == "530681"
    assert result.matched.key == reported


def test_without_a_year_the_record_is_not_guessed(resolver):
    """水富县 was two records (532131, 530630): without a year the place today is certain, the
    record is not, and none is claimed."""
    result = resolver.resolve("水富县")
    assert isinstance(result, Resolved) and result.key == "530681"
    assert result.matched is None


@pytest.mark.parametrize("args, year, key, reported", [
    # the list of about 2006: the prefecture 思茅市 (530800, renamed 普洱市 in 2007), not 思茅区
    (("思茅市",), 2006, "5308", "5308-2003"),
    (("思茅市", "云南省"), 2006, "5308", "5308-2003"),
    (("景谷傣族彝族自治县", "思茅市"), 2006, "530824", "530824-2003"),
    (("景谷", "思茅"), 2006, "530824", "530824-2003"),
    (("翠云区", "思茅市"), 2006, "530802", "530802-2003"),
    (("思茅市",), 2000, "530802", "532701"),   # the county-level city of 1993-2003
    (("思茅区",), 2010, "530802", "530802"),
    # 昭通市: a county-level city until 2001, the prefecture since
    (("昭通市",), 1995, "530602", "532101"),
    (("昭通市",), 2005, "5306", "5306"),
    (("昭通地区",), 1995, "5306", "5321"),
    (("昭通",), 1995, None, None),                # 昭通地区 and the county-level 昭通市: ambiguous
    # 中甸县 -> 香格里拉县 (2001) -> 香格里拉市 (2014)
    (("中甸县",), 1995, "533401", "533421-1981"),     # 533421 was reused by the renamed county
    (("香格里拉县",), 2010, "533401", "533421"),
    (("香格里拉市",), 2020, "533401", "533401"),
])
def test_names_of_their_year(resolver, args, year, key, reported):
    result = resolver.resolve(*args, year=year)
    if key is None:
        assert isinstance(result, Unresolved) and result.kind == "ambiguous", result
        return
    assert isinstance(result, Resolved), result
    assert (result.key, result.matched.key if result.matched else None) == (key, reported)


@pytest.mark.parametrize("args, year, key, reported", [
    # the county-level 昭通市 of 1995 had no counties: a parent 昭通市 is the prefecture of that name
    (("水富县", "昭通市"), 1995, "530681", "532131"),
    (("水富县", "云南省", "昭通市"), 1990, "530681", "532131"),
    # 思茅市 in a 2010 table: the prefecture (2003-2007, 普洱市 since), not 思茅区 (思茅 without suffix)
    (("景谷", "思茅市"), 2010, "530824", "530824"),
    # 普洱市 in a 2006 table: the prefecture renamed so in 2007, not the county 普洱 of 2006
    (("翠云区", "普洱市"), 2006, "530802", "530802-2003"),
])
def test_a_parent_named_as_in_another_year(resolver, args, year, key, reported):
    """A parent cell is read in the row's year first; when nothing of the name that year holds
    the place, another year's division of exactly that name does (never one named otherwise)."""
    result = resolver.resolve(*args, year=year)
    assert isinstance(result, Resolved), result
    assert (result.key, result.matched.key) == (key, reported)


def test_a_full_parent_name_is_never_shortened(resolver):
    """吉林市 has no 朝阳区; the 朝阳区 of 吉林省 (in 长春) is not offered in its place."""
    result = resolver.resolve("朝阳区", "吉林市")
    assert isinstance(result, Unresolved) and result.kind == "parent"
    assert "no place named '朝阳区' in 吉林市" in result.reason


def test_a_split_is_reported_with_the_candidates(resolver):
    """宜宾县 (1996-2018) was divided between 翠屏区 and 叙州区: never guessed."""
    result = resolver.resolve("宜宾县", "宜宾市", year=2015)
    assert isinstance(result, Unresolved) and result.kind == "split"
    assert {d.key for d in result.candidates} == {"511502", "511504"}
    assert "511521 宜宾县 (1996-2018) was split" in result.reason and "翠屏区" in result.reason
    by_code = resolver.resolve("511521", year=2015)
    assert isinstance(by_code, Unresolved) and by_code.kind == "split"


def test_a_failing_parent_is_named(resolver):
    """The parent's failure is the parent's: not a reason that blames the child's name."""
    result = resolver.resolve("景谷傣族彝族自治县", "思茅专区", year=2006)
    assert isinstance(result, Unresolved) and result.kind == "parent"
    assert result.reason == "unknown parent place '思茅专区'" and result.parent == "思茅专区"
    elsewhere = resolver.resolve("绥江县", "曲靖市", year=2022)
    assert isinstance(elsewhere, Unresolved) and "no place named '绥江县' in 曲靖市 in 2022" in elsewhere.reason
    assert "530626 绥江县" in elsewhere.reason  # where it is


def test_a_code_and_a_name_that_disagree(resolver):
    result = resolver.resolve("530602", year=2022, name="水富县")
    assert isinstance(result, Unresolved) and result.kind == "conflict"
    assert "the code names 530602 昭阳区" in result.reason and "'水富县'" in result.reason
    agree = resolver.resolve("530630", year=2022, name="水富市")  # the old code, today's name: one place
    assert isinstance(agree, Resolved) and agree.key == "530681"


@pytest.mark.parametrize("text", [
    "530681", "530681000000", "53 06 81", "53-06-81", "530681-000-000", "530681.0", "5.30681E+05",
    "５３０６８１", "CN530681", "CN-530681", "CHN 530681", "cn:530681", 530681,
])
def test_code_forms_other_datasets_write(resolver, text):
    assert parse_code(text) in ("530681", "530681000000")
    result = resolver.resolve(text)
    assert isinstance(result, Resolved) and result.key == "530681" and result.method.startswith("code")


@pytest.mark.parametrize("text", ["12345", "5306811", "0530681", "530681.5", "①", "53O681", "530681①"])
def test_not_codes(text):
    assert parse_code(text) is None


def test_six_digit_codes_name_prefectures_first(resolver):
    """GB/T 2260's 441900 is the prefecture-level 东莞市 (the NBS list also has a county-level
    unit 441900 for the same territory)."""
    assert resolver.resolve("441900").key == "4419"
    assert resolver.resolve("530600").key == "5306"
    assert resolver.resolve("530000").key == "53"


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
    assert code_forms("530600000000") == ["5306", "530600"]
    assert code_forms("530000") == ["53", "530000"]
    assert code_forms("530600") == ["5306", "530600"]
    assert code_forms("530681101000") == ["530681101"]
