"""kg extract: figures, periods, names and recognitions, and the extractor measured against the
hand-curated facts of the Shuifu article."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kg.curate.numbers import find_figures
from kg.curate.recognitions import find_recognitions
from kg.curate.timex import find_periods, period_at, period_from_slug
from kg.namespaces import CKG, CUNIT, UNIT


def figures(text):
    found, _skipped = find_figures(text)
    return [(f.reported, f.value, f.unit, f.qualifier) for f in found]


@pytest.mark.parametrize(("text", "expected"), [
    ("實現旅遊綜合收入12.15億元。", ("12.15億元", Decimal("1215000000"), UNIT.CCY_CNY, CKG.Exact)),
    ("外貿出口突破100萬美元,", ("突破100萬美元", Decimal("1000000"), UNIT.CCY_USD, CKG.LowerBound)),
    ("1000余名黨員干部", ("1000余名", Decimal("1000"), UNIT.NUM, CKG.LowerBound)),
    ("培育龍頭企業兩家以上,", ("兩家以上", Decimal("2"), UNIT.NUM, CKG.LowerBound)),
    ("接待游客123.42萬人次", ("123.42萬人次", Decimal("1234200"), CUNIT["person-visit"], CKG.Exact)),
    ("建設年產5萬噸磷酸鐵鋰", ("年產5萬噸", Decimal("50000"), UNIT["TONNE-PER-YR"], CKG.Exact)),
    ("种植面积约3.5万亩", ("约3.5万亩", Decimal("35000"), CUNIT.mu, CKG.Approximate)),
    ("贫困发生率不足1%", ("不足1%", Decimal("1"), UNIT.PERCENT, CKG.UpperBound)),
    ("新建学校三所左右", ("三所左右", Decimal("3"), UNIT.NUM, CKG.Approximate)),
    ("全年招商引资超过1,200万元", ("超过1,200万元", Decimal("12000000"), UNIT.CCY_CNY, CKG.LowerBound)),
    ("全年招商引资１２万元", ("１２万元", Decimal("120000"), UNIT.CCY_CNY, CKG.Exact)),
])
def test_a_figure_is_read_with_its_unit_and_qualifier(text, expected):
    assert figures(text) == [expected]


def test_a_sum_without_a_unit_is_in_yuan_only_when_the_indicator_is_money():
    found, _ = find_figures("地區生產總值首次突破百億大關。游客首次突破百萬。")
    assert [(f.reported, f.value, f.unit, f.qualifier, f.unit_from) for f in found] == [
        ("突破百億", Decimal("10000000000"), UNIT.CCY_CNY, CKG.LowerBound, "indicator")]


@pytest.mark.parametrize(("text", "reason"), [
    ("“8個不變、2項費用包干”的“82864”管理模式", "inside quotation marks"),
    ("全國排名第五的水電站", "an ordinal"),
    ("5名高考生進入全省前50名", "a rank cut-off"),
    ("發展一批小而特的農業產業", "the indefinite article"),
    ("培育年經營性收入20萬元以上村(社區)16個", "a threshold"),
    ("國家4A級溫泉景區", "part of a code or a grade"),
])
def test_numbers_that_are_not_figures_are_skipped_with_the_reason(text, reason):
    found, skipped = find_figures(text)
    assert any(reason in s.reason for s in skipped), skipped
    assert all(f.reported not in ("8個", "五", "50名", "一批", "20萬元以上") for f in found)


def test_relative_periods_are_read_against_the_document_date():
    published = date(2023, 8, 22)
    text = "今年上半年接待游客5萬人次;去年前三季度產值3億元;2022年末存款8億元;目前有3家。截至2023年6月底共12項。"
    assert [(p.text, p.period.slug) for p in find_periods(text, published)] == [
        ("今年上半年", "2023-H1"), ("去年前三季度", "2022-01-to-09"), ("2022年末", "asof-2022-12-31"),
        ("目前", "asof-2023-08-22"), ("2023年6月底", "asof-2023-06-30")]
    assert find_periods("今年上半年", None) == []  # relative, and no date to read it against


def test_a_figure_takes_the_last_period_of_its_sentence_else_the_document_date():
    published = date(2023, 8, 22)
    text = "2022年產值3億元,增長5%。完成投資2億元,2023年上半年出口1億元。"
    periods = find_periods(text, published)
    slugs = [period_at(text, text.index(figure), periods, published)[0].slug for figure in ("3億元", "5%", "2億元", "1億元")]
    assert slugs == ["2022", "2022", "asof-2023-08-22", "2023-H1"]
    assert period_at(text, text.index("2億元"), periods, None) == (None, "no period in the sentence and no document date")


def test_a_date_in_the_sentence_is_its_day_and_a_period_phrase_nearer_the_figure_wins():
    from kg.sources.clean import clean

    # the dateline run into the first sentence, the stated period after it
    text = "鹽津縣訊 2023年10月20日 今年前三季度,鹽津縣接待遊客突破80萬人次,實現旅遊綜合收入45.6億元。\n"
    periods = find_periods(text, date(2023, 10, 20))
    assert [p.period.slug for p in periods] == ["asof-2023-10-20", "2023-01-to-09"]
    for figure in ("80萬", "45.6"):
        assert period_at(text, text.index(figure), periods, date(2023, 10, 20))[0].slug == "2023-01-to-09"
    # a date alone is the day, never its month
    dated = "2023年10月20日,鹽津縣接待遊客突破80萬人次。\n"
    assert period_at(dated, dated.index("80"), find_periods(dated, None), None)[0].slug == "asof-2023-10-20"
    # the date line of the reported layout is the document's date, the period the sentence's
    article = clean("2023年10月20日 鹽津縣訊 今年前三季度，鹽津縣接待遊客突破80萬人次，實現旅遊綜合收入45.6億元。\n")
    assert article.published == date(2023, 10, 20)
    found = find_periods(article.text, article.published)
    assert period_at(article.text, article.text.index("45.6"), found, article.published)[0].slug == "2023-01-to-09"


@pytest.mark.parametrize("slug", ["2022", "2023-H1", "2023-Q3", "2023-01-to-09", "2023-03", "2016-2020", "asof-2023-08-22"])
def test_a_period_cell_is_read_back_from_its_slug(slug):
    assert period_from_slug(slug).slug == slug


def test_recognitions_with_level_issuer_rank_and_batch():
    text = ("2022年,它被中組部確定為黨建引領鄉村治理試點,還被評為全省首批“作風革命、效能建設”先進典型。"
            "全國排名第五的向家壩水電站。“五個中心”分別通過國家級、省級驗收。"
            "農村人居環境、愛衛專項行動省級考核均獲昭通市第一。助力水富蟬聯全國平安建設最高獎“長安杯”。")
    found = [(r.cls.split("#")[-1], r.level.split("#")[-1] if r.level else None, r.issuer, r.rank, r.batch)
             for r in find_recognitions(text)]
    assert found == [
        ("PilotSelection", "NationalLevel", "中組部", None, None),
        ("Designation", "ProvincialLevel", None, None, 1),
        ("Ranking", "NationalLevel", None, 5, None),
        ("Acceptance", "NationalLevel", None, None, None),
        ("Acceptance", "ProvincialLevel", None, None, None),
        ("Ranking", "ProvincialLevel", None, 1, None),
        ("Ranking", "ProvincialLevel", None, 1, None),
        ("Award", "NationalLevel", None, None, None),
    ]


def test_a_superlative_over_a_place_is_a_ranking_and_a_numbered_level_is_a_grade():
    """是昭通市國土面積最小的縣級市 ranks first over 昭通市; 通過一級、二級備案 names grades of a
    laboratory (biosafety levels, modelled as ckg:grade of an outcome), not a recognition."""
    text = "水富,是昭通市國土面積最小的縣級市,僅有439.8平方公里。生物實驗室分別通過一級、二級備案。"
    found = [(r.cls.split("#")[-1], r.name, r.rank, r.scope) for r in find_recognitions(text)]
    assert found == [("Ranking", "昭通市國土面積最小的縣級市", 1, "昭通市")]


@pytest.fixture(scope="module")
def shuifu_evaluation():
    from kg.curate.evaluate import evaluate

    return evaluate("shuifu-2023-08-22")


def test_extraction_of_the_shuifu_article_against_its_curated_facts(shuifu_evaluation):
    """The thresholds the extractor is held to (the names are found with a lexicon that leaves
    out the article's own curated resources, as for a new document)."""
    scores = shuifu_evaluation.scores
    report = shuifu_evaluation.report()
    assert scores["figures"].gold == 29
    assert scores["figures"].recall >= 0.90, report
    assert scores["figures"].precision >= 0.85, report
    named = scores["places"].matched + scores["organizations"].matched
    assert named / (scores["places"].gold + scores["organizations"].gold) >= 0.95, report
    assert scores["places"].recall >= 0.95 and scores["organizations"].recall >= 0.95, report
    # 14: the land-area ranking (rank 1 over 昭通市) is one; the laboratory filing levels are grades, not recognitions
    assert scores["recognitions"].gold == 14
    assert scores["recognitions"].recall >= 0.90, report
    assert scores["recognitions"].precision >= 0.90, report
    assert scores["places"].precision >= 0.80 and scores["organizations"].precision >= 0.80, report
    # every organization the curation takes from the article is one the article names (where a
    # sentence's subject is 水富市 itself, the facts are attributed to the place, not to a body)
    assert shuifu_evaluation.unnamed == []


def test_every_candidate_quotes_the_text_at_its_offsets(shuifu_evaluation):
    extraction = shuifu_evaluation.extraction
    for candidate in extraction.candidates:
        assert extraction.text[candidate.start:candidate.end] == candidate.quote, candidate.id
        if candidate.kind != "recognition":  # a recognition's text is its name, which may be composed
            assert extraction.text[candidate.span[0]:candidate.span[1]] == candidate.text, candidate.id
        assert candidate.start <= candidate.span[0] and candidate.span[1] <= candidate.end, candidate.id
    assert len({c.id for c in extraction.candidates}) == len(extraction.candidates)


def test_names_are_linked_to_the_graph_when_it_knows_them():
    from kg.curate.extract import extract

    extraction = extract("shuifu-2023-08-22")
    known = {c.fields["iri"] for c in extraction.candidates if c.fields.get("status") == "known"}
    assert {"place:530681", "place:5306", "place:CN", "agent:organization-department-cpc", "agent:ministry-of-education",
            "place:yangtze-river-economic-belt", "fac:shuifu-port", "ind:gdp"} <= known
    gdp = next(c for c in extraction.of_kind("figure") if c.text == "突破百億")
    assert gdp.fields["indicator_iri"] == "ind:gdp"


def test_segmentation_and_numerals_need_no_network(monkeypatch):
    """jieba and cn2an ship their dictionaries: nothing is fetched when they are used."""
    import socket

    def refuse(*_args, **_kwargs):
        raise AssertionError("a connection was attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    from kg.curate.numbers import read_number
    from kg.curate.segment import Segmenter

    tokens = Segmenter().tokens("水富市今年上半年接待游客123.42萬人次")
    assert "".join(t.text for t in tokens) == "水富市今年上半年接待游客123.42萬人次"
    assert read_number("三千五百") == Decimal(3500) and read_number("兩") == Decimal(2)


def test_the_extractor_proposes_only_themes_of_the_graph():
    from kg.curate.extract import _THEME_WORDS, _theme, graph_themes
    from kg.curate.lexicon import _curated_graph

    themes = graph_themes(_curated_graph())
    assert {"tourism", "economy", "industry"} <= themes and "overview" not in themes
    assert {theme for _word, theme in _THEME_WORDS} <= themes  # each word's theme is a ckg:Theme
    assert _theme("全縣國土面積", themes) == "" and _theme("常住人口", themes) == ""
    assert _theme("接待遊客", themes) == "theme:tourism"
    assert _theme("接待遊客", frozenset()) == ""  # a theme the graph lacks is never proposed


def test_a_rate_of_nothing_is_printed_as_not_applicable():
    from kg.curate.evaluate import Score

    assert Score("recognitions", gold=0, found=0, matched=0).line() == \
        "recognitions: recall n/a (0/0), precision n/a (0/0)"
    assert Score("figures", gold=8, found=0, matched=0).line() == "figures: recall 0.0% (0/8), precision n/a (0/0)"
    assert Score("places", gold=4, found=5, matched=4).line() == "places: recall 100.0% (4/4), precision 80.0% (4/5)"
