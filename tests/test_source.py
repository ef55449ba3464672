"""Cleaning the scraped article: pinyin, brackets, header, credit line, determinism."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from kg.sources import clean as source
from kg.sources import quote
from kg.errors import KgError


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("網(wǎng)", "網"),  # third tone
        ("綠(lǜ)色", "綠色"),  # ü with a tone mark
        ("女(nǚ)", "女"),
        ("旅(lv)", "旅"),  # ü written as v, no tone mark
        ("的(de)", "的"),  # neutral tone: no mark at all
        ("莊(zhuāng)", "莊"),  # longest initial and final
        ("村(社區(qū))", "村(社區)"),  # pinyin inside genuine brackets
        ("掛鎮(zhèn)(街道)", "掛鎮(街道)"),
        ("重量(kg)", "重量(kg)"),  # latin that is not pinyin stays
        ("免費(fèi)Wi-Fi", "免費Wi-Fi"),
        ("全覆蓋(Wi-Fi)", "全覆蓋(Wi-Fi)"),
        ("(wǎng)開頭", "(wǎng)開頭"),  # no Han character before it: not an annotation
        ("網（wǎng）", "網"),  # full-width brackets
    ],
)
def test_strip_pinyin(raw, clean):
    assert source.strip_pinyin(raw) == clean


@pytest.mark.parametrize("token", ["wǎng", "lǜ", "nv", "zhuāng", "er", "ài", "xiong"])
def test_is_pinyin(token):
    assert source.is_pinyin(token)


@pytest.mark.parametrize("token", ["kg", "Wi", "ok", "xyz", "http"])
def test_is_not_pinyin(token):
    assert not source.is_pinyin(token)


SAMPLE = (
    "來源:昭通新聞網(wǎng)\n"
    "2023-08-22 15:51水富,是昭通市國(guó)土面積最小的縣(xiàn)級市。\n"
    "“小市”抓大產(chǎn)業(yè)\n"
    "村(社區(qū))16個。\n"
    "通訊員:楊瓊玉 凌 翠\\文 王善美\\圖\n"
)


def test_clean_splits_header_body_and_credits():
    article = source.clean(SAMPLE)
    assert article.publisher == "昭通新聞網"
    assert article.published == datetime(2023, 8, 22, 15, 51, tzinfo=timezone(timedelta(hours=8)))
    assert article.paragraphs == ("水富,是昭通市國土面積最小的縣級市。", "“小市”抓大產業", "村(社區)16個。")
    assert article.credit_line == "通訊員:楊瓊玉 凌 翠\\文 王善美\\圖"
    assert article.authors == ("楊瓊玉", "凌翠")
    assert article.photographers == ("王善美",)
    assert article.text.startswith("水富,是昭通市")
    assert article.text.endswith("王善美\\圖\n")


def test_clean_is_deterministic():
    assert source.clean(SAMPLE) == source.clean(SAMPLE)


def test_a_header_without_a_date_leaves_the_date_unknown():
    article = source.clean("來源:昭通新聞網\n水富,是昭通市。\n通訊員:甲\\文\n")
    assert article.publisher == "昭通新聞網" and article.published is None
    assert article.paragraphs == ("水富,是昭通市。",)


def test_a_header_date_that_is_no_date_names_the_line():
    with pytest.raises(KgError, match=r"<raw>:2: the date '2023-02-30 10:00' is not a date"):
        source.clean("來源:昭通新聞網\n2023-02-30 10:00水富,是昭通市。\n")


def test_repairs_must_match_exactly_once():
    repair = source.Repair("不存在", "x", "test")
    with pytest.raises(KgError, match="exactly one occurrence, found 0"):
        source.clean(SAMPLE, repairs=(repair,))


def test_real_article_cleans_to_the_committed_files(tmp_path):
    """The committed cleaned texts are exactly what cleaning the raw file gives today."""
    src = source.default_source()
    article = source.clean(src.raw_path.read_text(encoding="utf-8"), repairs=src.repairs)
    assert src.hant_path.read_text(encoding="utf-8") == article.text
    assert src.hans_path.read_text(encoding="utf-8") == source.to_simplified(article.text)
    assert article.text.startswith("水富,是昭通市國土面積最小的縣級市")
    assert "(wǎng)" not in article.text and "?" not in article.text
    assert article.text.count("(社區)") == 5 and "(街道)" in article.text
    assert len(article.paragraphs) == 14  # 7 parts: 2 opening paragraphs + 6 headed sections
    assert article.authors == ("楊瓊玉", "凌翠") and article.photographers == ("王善美",)


def test_article_description(project_union):
    from rdflib import URIRef
    from kg.namespaces import DCTERMS, SCHEMA, SPDX
    import hashlib

    src = source.default_source()
    article = src.article
    g = project_union
    assert (article, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), SCHEMA.NewsArticle) in g
    assert str(g.value(article, DCTERMS.issued)) == "2023-08-22T15:51:00+08:00"
    assert len(list(g.objects(article, SCHEMA.author))) == 2
    checksum = g.value(g.value(src.raw_iri, SPDX.checksum), SPDX.checksumValue)
    assert str(checksum) == hashlib.sha256(src.raw_path.read_bytes()).hexdigest()


def test_find_quote_needs_an_occurrence_when_ambiguous():
    text = source.cleaned_text()
    with pytest.raises(KgError, match="occurs 10 times"):
        quote.find_quote(text, "水富市")
    assert quote.find_quote(text, "水富市", occurrence=1) == text.index("水富市")
