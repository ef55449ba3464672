"""Cleaning the scraped article: pinyin, brackets, header, credit line, determinism."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

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


# -- the forms scraped county pages come in ------------------------------------------------

TRADITIONAL_WITH_PINYIN = (
    "來源:鹽津縣融媒體中心\r\n"
    "2023-09-15 10:20鹽津縣(xiàn)今年上半年實現(xiàn)地區(qū)生產(chǎn)總值45.6億元。\r\n"
    "\r\n"
    "  全縣(xian)網絡(wangluo)覆蓋率達到98%(kg)。  \r\n"
    "記者 張三 李四\r\n"
    "（責任編輯：王五）\r\n"
)
SIMPLIFIED_FULL_WIDTH = (
    "\ufeff来源：盐津县融媒体中心　发布时间：２０２３年９月１５日\n"
    "盐津县今年上半年实现地区生产总值45.6亿元，同比增长5.2%。\n"
    "文/张三 图/李四\n"
)


def test_traditional_text_with_pinyin_header_run_into_the_first_sentence_and_credits():
    article = source.clean(TRADITIONAL_WITH_PINYIN)
    assert article.publisher == "鹽津縣融媒體中心"
    assert article.published == datetime(2023, 9, 15, 10, 20, tzinfo=timezone(timedelta(hours=8)))
    assert article.paragraphs == ("鹽津縣今年上半年實現地區生產總值45.6億元。", "全縣網絡覆蓋率達到98%(kg)。")
    assert article.credit_line == "記者 張三 李四\n（責任編輯：王五）"
    assert article.authors == ("張三", "李四") and article.photographers == ()
    assert article.text.endswith("（責任編輯：王五）\n") and "\r" not in article.text


def test_simplified_text_with_full_width_header_on_its_own_line():
    article = source.clean(SIMPLIFIED_FULL_WIDTH)
    assert article.publisher == "盐津县融媒体中心"
    assert article.published == date(2023, 9, 15)
    assert article.paragraphs == ("盐津县今年上半年实现地区生产总值45.6亿元，同比增长5.2%。",)
    assert article.authors == ("张三",) and article.photographers == ("李四",)
    assert source.detect_language(article.text) == "zh-Hans"
    assert source.detect_language(source.clean(TRADITIONAL_WITH_PINYIN).text) == "zh-Hant"


def test_a_document_without_header_or_credits_is_all_body():
    article = source.clean("水富市地区生产总值突破百亿。\n")
    assert (article.publisher, article.published, article.credit_line) == (None, None, "")
    assert article.text == "水富市地区生产总值突破百亿。\n"


@pytest.mark.parametrize(("token", "syllables"), [("wangluo", 2), ("wǎngluò", 2), ("xian", 1), ("kg", 0), ("Wi", 0)])
def test_pinyin_syllables(token, syllables):
    assert source.pinyin_syllables(token) == syllables


def test_a_run_of_pinyin_is_stripped_only_after_as_many_characters():
    assert source.strip_pinyin("網絡(wangluo)") == "網絡"
    assert source.strip_pinyin("A網(wangluo)") == "A網(wangluo)"  # one character, two syllables: not an annotation


@pytest.mark.parametrize(("raw", "message"), [
    ("", r"<raw>: the document is empty"),
    ("\n  \n", r"<raw>: the document is empty"),
    ("來源:昭通新聞網\n通訊員:甲\\文\n", r"<raw>: no text after the header and credit lines"),
])
def test_documents_with_no_body_are_refused(raw, message):
    with pytest.raises(KgError, match=message):
        source.clean(raw)


def test_raw_bytes_that_are_not_text_or_not_in_their_encoding_name_the_line():
    with pytest.raises(KgError, match=r"doc.txt: not a text file \(a NUL byte at offset 3\)"):
        source.decode_raw(b"abc\x00def", "utf-8", "doc.txt")
    gb = "第一行\n水富市\n".encode("gb18030")
    with pytest.raises(KgError, match=r"doc.txt:1: not utf-8 text .*give the file's encoding"):
        source.decode_raw(gb, "utf-8", "doc.txt")
    assert source.decode_raw(gb, "gb18030", "doc.txt") == "第一行\n水富市\n"
    for name in ("klingon", "rot13", "base64"):
        with pytest.raises(KgError, match=rf"^doc.txt: unknown or unusable text encoding '{name}' \(for example"):
            source.decode_raw(b"abc", name, "doc.txt")
    assert source.decode_raw("水富".encode("utf-16"), "utf-8", "doc.txt") == "水富"


@pytest.mark.parametrize(("raw", "title", "publisher", "published"), [
    # a title line above the header (the county sites' layout), each field on its own line
    ("鹽津縣經濟運行平穩\n來源:昭通新聞網\n2023-10-20\n鹽津縣今年生產總值45.6億元。\n",
     "鹽津縣經濟運行平穩", "昭通新聞網", date(2023, 10, 20)),
    # date with a time, then the publisher, on one line
    ("2023-10-20 09:30 來源：昭通新聞網\n鹽津縣今年生產總值45.6億元。\n",
     None, "昭通新聞網", datetime(2023, 10, 20, 9, 30, tzinfo=timezone(timedelta(hours=8)))),
    # publisher, then the date
    ("來源：昭通新聞網 2023-10-20\n鹽津縣今年生產總值45.6億元。\n", None, "昭通新聞網", date(2023, 10, 20)),
    # a title, then date and publisher in Simplified characters with a full-width colon
    ("大关县经济运行情况\n2023-07-25 来源：大关县人民政府\n大关县今年生产总值45.6亿元。\n",
     "大关县经济运行情况", "大关县人民政府", date(2023, 7, 25)),
])
def test_header_layouts_are_read_and_left_out_of_the_text(raw, title, publisher, published):
    article = source.clean(raw)
    assert (article.title, article.publisher, article.published) == (title, publisher, published)
    assert article.text in ("鹽津縣今年生產總值45.6億元。\n", "大关县今年生产总值45.6亿元。\n")
    assert article.notes == ()


def test_a_header_line_not_understood_is_kept_and_said():
    article = source.clean("發布時間：昨天上午\n鹽津縣今年生產總值45.6億元。\n", name="doc.txt")
    assert article.text.startswith("發布時間：昨天上午\n")
    assert article.notes == ("doc.txt:1: looks like a header line but is not understood; kept in the text: "
                             "'發布時間：昨天上午'",)


def test_a_first_line_is_a_title_only_above_a_header():
    article = source.clean("鹽津縣經濟運行平穩\n鹽津縣今年生產總值45.6億元。\n")
    assert article.title is None and article.text.startswith("鹽津縣經濟運行平穩\n")


@pytest.mark.parametrize(("raw", "clean"), [
    ("鹽津(yán jīn)縣", "鹽津縣"),  # a syllable per word after a two-character word
    ("增长(zēng zhǎng)5.2%", "增长5.2%"),
    ("接待游客80萬人次(rén cì)", "接待游客80萬人次"),
    ("鹽津(yan jin)縣", "鹽津縣"),  # toneless
    ("鹽津（yán jīn）縣", "鹽津縣"),  # full-width brackets
    ("A津(yan jin)縣", "A津(yan jin)縣"),  # two syllables after one character: not an annotation
    ("設備(Wi Fi)", "設備(Wi Fi)"),  # latin words that are not pinyin stay
    ("單位(kg m)", "單位(kg m)"),
])
def test_pinyin_of_a_word_written_a_syllable_at_a_time_is_stripped(raw, clean):
    assert source.strip_pinyin(raw) == clean
