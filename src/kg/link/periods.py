"""Periods as Chinese tables and bulletins write them -> an interval with begin and end dates.

``parse_period("2023年1-6月")`` is the first half of 2023 (``period:2023-H1``, 2023-01-01 to
2023-06-30); what is understood (full-width digits and any dash: ``-`` ``‐`` ``‒`` ``–`` ``—``
``―`` ``～`` ``〜`` ``~`` ``至`` ``到``):

- a year: ``2022``, ``2022年``, ``2022年度`` -> ``2022``;
- halves: ``2023年上半年``, ``2023-H1``, ``2023年下半年`` -> ``2023-H1`` / ``2023-H2``;
- quarters: ``2023年第一季度`` (一季度, 1季度, Q1) ... ``第四季度`` -> ``2023-Q1`` ... ``2023-Q4``;
- the first three quarters, ``2023年前三季度`` -> January-September, ``2023-01-to-09``;
- months: ``2023年3月`` (``3月份``) -> ``2023-03``; a range ``2023年1-8月``, ``2023年1月-8月``,
  ``2023年1—8月份`` -> ``2023-01-to-08``; a range that is a half, a quarter or the whole year
  is that period (1-6月 is ``2023-H1``, 1-3月 ``2023-Q1``, 1-12月 ``2023``), so one period has
  one IRI however it is written;
- the year's end, ``2023年末`` / ``2023年底`` -> an instant, ``asof-2023-12-31`` (begin = end);
- five-year plans, ``十三五`` (“十三五”, 十三五时期, 十三五期间) -> 2016-2020, ``十四五`` ->
  2021-2025 (十五 2001-2005, 十一五 2006-2010, 十二五 2011-2015); a year range
  ``2016-2020年`` -> ``2016-2020``.

Anything else (去年, 2022年7月以来, 二〇二二年, a year outside 1949-2100) raises
:class:`PeriodParseError` saying what was expected: a period is never guessed.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from kg.errors import KgError
from kg.link.gazetteer import to_simplified
from kg.link.text import fold_width
from kg.words import quoted

# Any dash people type between two months or years: hyphen-minus, hyphen, non-breaking hyphen,
# figure dash, en dash, em dash, horizontal bar, hyphen bullet, small em dash, wave dash,
# tilde (full-width forms are folded to ASCII first), and the words 至 / 到 ("to").
DASH = "[-\u2010\u2011\u2012\u2013\u2014\u2015\u2043\ufe58\u301c~至到]"
FIVE_YEAR_PLANS = {"十五": (2001, 2005, 10), "十一五": (2006, 2010, 11), "十二五": (2011, 2015, 12),
                   "十三五": (2016, 2020, 13), "十四五": (2021, 2025, 14), "十五五": (2026, 2030, 15)}
CHINESE_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
MONTH_NAMES = tuple(calendar.month_name)  # '', 'January', ...
_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth"}
_QUARTER_ZH = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}
EXPECTED = "expected a year such as 2022, 2022年, 2023年上半年, 2023年第一季度, 2023年1-6月, 2023年末 or 十四五"


class PeriodParseError(KgError, ValueError):
    """A period cell this module does not read; the message says what was expected."""


@dataclass(frozen=True)
class PeriodSpec:
    """A period: ``slug`` is the local name of its IRI (``period:<slug>``), ``begin`` and
    ``end`` ISO dates (equal for an instant), ``year`` the year whose division codes and
    names a table of this period uses (its last year), ``kind`` one of year, half, quarter,
    months, month, instant, years."""

    slug: str
    begin: str
    end: str
    label_zh: str        # Simplified Chinese label
    label_en: str
    comment: str
    year: int = 0
    kind: str = "year"

    @property
    def instant(self) -> bool:
        return self.begin == self.end


def _last_day(year: int, month: int) -> str:
    return f"{year}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


def year_period(year: int) -> PeriodSpec:
    return PeriodSpec(str(year), f"{year}-01-01", f"{year}-12-31", f"{year}年", str(year), "calendar year", year)


def half_period(year: int, half: int) -> PeriodSpec:
    first = half == 1
    return PeriodSpec(f"{year}-H{half}", f"{year}-01-01" if first else f"{year}-07-01",
                      f"{year}-06-30" if first else f"{year}-12-31",
                      f"{year}年{'上' if first else '下'}半年", f"{'first' if first else 'second'} half of {year}",
                      "half year", year, "half")


def quarter_period(year: int, quarter: int) -> PeriodSpec:
    return PeriodSpec(f"{year}-Q{quarter}", f"{year}-{3 * quarter - 2:02d}-01", _last_day(year, 3 * quarter),
                      f"{year}年{_QUARTER_ZH[quarter]}", f"{_ORDINALS[quarter]} quarter of {year}",
                      "quarter", year, "quarter")


def month_period(year: int, first: int, last: int) -> PeriodSpec:
    """Months ``first`` to ``last`` of ``year``; a whole year, half or quarter is that period."""
    if not 1 <= first <= last <= 12:
        if first == last:
            raise PeriodParseError(f"month {first} is not a month of the year (1-12)")
        raise PeriodParseError(f"months {first}-{last} are not a range of months of one year")
    if (first, last) == (1, 12):
        return year_period(year)
    if (first, last) in ((1, 6), (7, 12)):
        return half_period(year, 1 if first == 1 else 2)
    if first % 3 == 1 and last == first + 2:
        return quarter_period(year, (first + 2) // 3)
    if first == last:
        return PeriodSpec(f"{year}-{first:02d}", f"{year}-{first:02d}-01", _last_day(year, first),
                          f"{year}年{first}月", f"{MONTH_NAMES[first]} {year}", "month", year, "month")
    return PeriodSpec(f"{year}-{first:02d}-to-{last:02d}", f"{year}-{first:02d}-01", _last_day(year, last),
                      f"{year}年{first}-{last}月", f"{MONTH_NAMES[first]}-{MONTH_NAMES[last]} {year}",
                      f"months {first} to {last}" + (" (the first three quarters)" if (first, last) == (1, 9) else ""),
                      year, "months")


def year_end(year: int) -> PeriodSpec:
    return PeriodSpec(f"asof-{year}-12-31", f"{year}-12-31", f"{year}-12-31", f"{year}年末", f"end of {year}",
                      "the end of the year (年末, 年底): an instant", year, "instant")


def years_period(first: int, last: int, plan: int | None = None) -> PeriodSpec:
    if plan is not None:
        name = next(k for k, v in FIVE_YEAR_PLANS.items() if v[2] == plan)
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(plan % 10 if plan not in (11, 12, 13) else 0, "th")
        return PeriodSpec(f"{first}-{last}", f"{first}-01-01", f"{last}-12-31", f"“{name}”时期（{first}-{last}年）",
                          f"{plan}{suffix} Five-Year Plan period ({first}-{last})", "five-year plan period", last, "years")
    return PeriodSpec(f"{first}-{last}", f"{first}-01-01", f"{last}-12-31", f"{first}-{last}年", f"{first}-{last}",
                      "years", last, "years")


def parse_period(text: str) -> PeriodSpec:
    """Read a period cell (see the module's docstring). Raises :class:`PeriodParseError`
    (also a ValueError) for an empty or unreadable cell."""
    raw = fold_width(text or "").strip()
    if not raw:
        raise PeriodParseError("no period given")
    compact = re.sub(r"[\s_/“”\"'‘’「」『』]", "", to_simplified(raw)).lower()
    plan = re.fullmatch(r"(十[一二三四五]?五)(?:规划|计划)?(?:时期|期间|期)?", compact)
    if plan and plan.group(1) in FIVE_YEAR_PLANS:
        first, last, number = FIVE_YEAR_PLANS[plan.group(1)]
        return years_period(first, last, number)
    match = re.fullmatch(r"(\d{4})(.*)", compact)
    if not match or not 1949 <= int(match.group(1)) <= 2100:
        raise PeriodParseError(f"cannot read the period {quoted(raw)} ({EXPECTED})")
    year, rest = int(match.group(1)), match.group(2)
    span = re.fullmatch(DASH + r"(\d{4})年?度?", rest)
    if span:
        last = int(span.group(1))
        if not year < last <= 2100:
            raise PeriodParseError(f"cannot read the period {quoted(raw)}: {year}-{last} is not a range of years")
        return years_period(year, last)
    rest = re.sub(r"^年度?", "", rest).removeprefix("-") if not rest.startswith(("年末", "年底")) else rest
    if not rest:
        return year_period(year)
    if rest in ("年末", "年底", "末", "底"):
        return year_end(year)
    if rest in ("上半年", "h1"):
        return half_period(year, 1)
    if rest in ("下半年", "h2"):
        return half_period(year, 2)
    if rest in ("前三季度", "1-3季度", "1-3季"):
        return month_period(year, 1, 9)
    quarter = re.fullmatch(r"(?:第?([一二三四1234])季度?|q([1-4]))", rest)
    if quarter:
        return quarter_period(year, CHINESE_QUARTERS[quarter.group(1) or quarter.group(2)])
    months = re.fullmatch(r"(\d{1,2})月?" + DASH + r"(\d{1,2})月份?", rest) or re.fullmatch(r"(\d{1,2})月份?()", rest)
    if months:
        first = int(months.group(1))
        last = int(months.group(2)) if months.group(2) else first
        return month_period(year, first, last)
    raise PeriodParseError(f"cannot read the period {quoted(raw)} ({EXPECTED})")
