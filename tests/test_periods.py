"""Periods as bulletins and yearbooks write them -> one interval (begin, end), one IRI."""

from __future__ import annotations

import pytest

from kg.link.periods import PeriodParseError, parse_period

CASES = [
    # text, slug, begin, end, kind
    ("2022", "2022", "2022-01-01", "2022-12-31", "year"),
    ("2022年", "2022", "2022-01-01", "2022-12-31", "year"),
    ("2022年度", "2022", "2022-01-01", "2022-12-31", "year"),
    ("２０２２年", "2022", "2022-01-01", "2022-12-31", "year"),
    ("2023年上半年", "2023-H1", "2023-01-01", "2023-06-30", "half"),
    ("2023年下半年", "2023-H2", "2023-07-01", "2023-12-31", "half"),
    ("2023-H2", "2023-H2", "2023-07-01", "2023-12-31", "half"),
    ("2023年第一季度", "2023-Q1", "2023-01-01", "2023-03-31", "quarter"),
    ("2023年一季度", "2023-Q1", "2023-01-01", "2023-03-31", "quarter"),
    ("2023年二季度", "2023-Q2", "2023-04-01", "2023-06-30", "quarter"),
    ("2023Q3", "2023-Q3", "2023-07-01", "2023-09-30", "quarter"),
    ("2023年第四季度", "2023-Q4", "2023-10-01", "2023-12-31", "quarter"),
    ("2023年前三季度", "2023-01-to-09", "2023-01-01", "2023-09-30", "months"),
    ("2023年1-9月", "2023-01-to-09", "2023-01-01", "2023-09-30", "months"),   # the same period, one IRI
    ("2023年1-8月", "2023-01-to-08", "2023-01-01", "2023-08-31", "months"),
    ("2023年1—8月", "2023-01-to-08", "2023-01-01", "2023-08-31", "months"),   # em dash
    ("2023年1–8月", "2023-01-to-08", "2023-01-01", "2023-08-31", "months"),   # en dash
    ("2023年1～8月", "2023-01-to-08", "2023-01-01", "2023-08-31", "months"),  # wave dash
    ("2023年1至8月份", "2023-01-to-08", "2023-01-01", "2023-08-31", "months"),
    ("2023年1〜8月", "2023-01-to-08", "2023-01-01", "2023-08-31", "months"),  # wave dash U+301C
    ("2023年1‐8月", "2023-01-to-08", "2023-01-01", "2023-08-31", "months"),   # hyphen U+2010
    ("2023年1‑8月", "2023-01-to-08", "2023-01-01", "2023-08-31", "months"),   # non-breaking hyphen
    ("2023年1‒8月", "2023-01-to-08", "2023-01-01", "2023-08-31", "months"),   # figure dash
    ("2023年1﹘8月份", "2023-01-to-08", "2023-01-01", "2023-08-31", "months"),  # small em dash
    ("2023年1−8月", "2023-01-to-08", "2023-01-01", "2023-08-31", "months"),   # minus sign
    ("2023年1－8月", "2023-01-to-08", "2023-01-01", "2023-08-31", "months"),   # full-width hyphen-minus
    ("2023年1月-8月", "2023-01-to-08", "2023-01-01", "2023-08-31", "months"),
    ("2024年1-2月", "2024-01-to-02", "2024-01-01", "2024-02-29", "months"),   # leap year
    ("2023年1-6月", "2023-H1", "2023-01-01", "2023-06-30", "half"),          # a half is a half
    ("2023年1-3月份", "2023-Q1", "2023-01-01", "2023-03-31", "quarter"),
    ("2023年1-12月", "2023", "2023-01-01", "2023-12-31", "year"),
    ("2023年3月", "2023-03", "2023-03-01", "2023-03-31", "month"),
    ("2023年3月份", "2023-03", "2023-03-01", "2023-03-31", "month"),
    ("2023年末", "asof-2023-12-31", "2023-12-31", "2023-12-31", "instant"),
    ("2023年底", "asof-2023-12-31", "2023-12-31", "2023-12-31", "instant"),
    ("十三五", "2016-2020", "2016-01-01", "2020-12-31", "years"),
    ("“十三五”时期", "2016-2020", "2016-01-01", "2020-12-31", "years"),
    ("十四五期间", "2021-2025", "2021-01-01", "2025-12-31", "years"),
    ("2016-2020年", "2016-2020", "2016-01-01", "2020-12-31", "years"),
    ("2016—2020年", "2016-2020", "2016-01-01", "2020-12-31", "years"),
]


@pytest.mark.parametrize("text, slug, begin, end, kind", CASES, ids=[c[0] for c in CASES])
def test_periods(text, slug, begin, end, kind):
    period = parse_period(text)
    assert (period.slug, period.begin, period.end, period.kind) == (slug, begin, end, kind)


def test_the_year_of_the_codes_is_the_last_year():
    """A table's divisions are those of its period's last year (十三五 totals use 2020's)."""
    assert parse_period("十三五").year == 2020
    assert parse_period("2023年末").year == 2023
    assert parse_period("2023年末").instant and not parse_period("2023").instant


def test_labels():
    assert (parse_period("2023年1-8月").label_zh, parse_period("2023年1-8月").label_en) == \
        ("2023年1-8月", "January-August 2023")
    assert parse_period("十四五").label_en == "14th Five-Year Plan period (2021-2025)"
    assert parse_period("2023年末").label_en == "end of 2023"


@pytest.mark.parametrize("text", ["", "去年", "22", "2022年7月以来", "2023年13月", "2023年8-3月", "二〇二二年",
                                  "1900", "2023年第五季度", "十三五以来", "2020-2016年"])
def test_unreadable_periods(text):
    with pytest.raises(PeriodParseError):
        parse_period(text)
