"""The periods a text names, resolved against the document's date, and the period of a figure.

Absolute expressions are read by the link step's parser (:func:`kg.link.periods.parse_period`:
``2022年``, ``2023年上半年``, ``2023年前三季度``, ``2023年1-6月``, ``2022年末``, ``十四五``);
relative ones are first written out against the document's date -- in a document published
on 2023-08-22, ``今年上半年`` is ``2023年上半年``, ``去年`` ``2022年``, ``前三季度`` (no year)
``2023年前三季度``; ``目前`` (``截至目前``, ``當前``, ``至今``) is the publication date
itself, an instant (``period:asof-2023-08-22``), and so is a full date (``2023年10月20日``
is the day, never its month). Vague expressions (``近年來``) are not periods.

A figure's period (:func:`period_at`) is the last period named before it in the same
sentence (sentences end at 。！？ and line ends); a figure after none is reported as of the
document's date, the convention of the curated data (an undated status); without a
document date it has no period and the review must give one.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from kg.link.periods import PeriodParseError, PeriodSpec, parse_period
from kg.curate.segment import aligned_simplified
from kg.sources.clean import to_simplified

MONTHS = ("", "January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
RELATIVE_YEARS = {"今年": 0, "本年": 0, "当年": 0, "去年": -1, "上年": -1, "前年": -2, "明年": 1}
CURRENT = ("截至目前", "截止目前", "目前", "当前", "至今", "现阶段")
_SUFFIX = (r"(?:上半年|下半年|前三季度|第?[一二三四1-4]季度|[0-9]{1,2}\s*[-—–~至到]\s*[0-9]{1,2}\s*月份?"
           r"|[0-9]{1,2}月份?(?:底|末)?|年?末|年?底|年度)?")
_EXPRESSION = re.compile(
    r"(?P<day>(?:19|20)[0-9]{2}\s*年\s*[0-9]{1,2}\s*月\s*[0-9]{1,2}\s*[日号])"  # a day, not its month
    r"|(?P<plan>“?十[一二三四五]?五”?(?:规划|时期|期间)?)"
    r"|(?P<year>(?:19|20)[0-9]{2})\s*年" + _SUFFIX.replace("年?末|年?底", "末|底")
    + r"|(?P<relative>今年|本年|当年|去年|上年|前年|明年)" + _SUFFIX.replace("年?末|年?底", "末|底|年末|年底")
    + r"|(?P<bare>上半年|下半年|前三季度|第[一二三四]季度|[一二三四]季度)"
    r"|(?P<current>截至目前|截止目前|目前|当前|至今)"
)
_SENTENCE_END = "。！？!?\n"


@dataclass(frozen=True)
class PeriodMention:
    """A period named in a text: ``start``/``end`` offsets of ``text``, the period it is."""

    start: int
    end: int
    text: str
    period: PeriodSpec


def as_of(day: date) -> PeriodSpec:
    """The instant ``day`` as a period (``asof-2023-08-22``), for undated and current figures."""
    return PeriodSpec(f"asof-{day.isoformat()}", day.isoformat(), day.isoformat(),
                      f"截至{day.year}年{day.month}月{day.day}日", f"as of {day.day} {MONTHS[day.month]} {day.year}",
                      "the document's date: statuses reported as current (目前) or undated", day.year, "instant")


def _resolve(match: re.Match, published: date | None) -> PeriodSpec | None:
    simplified = re.sub(r"\s+", "", to_simplified(match.group(0)))
    if match.group("current"):
        return as_of(published) if published else None
    if match.group("day"):
        year, month, day = (int(n) for n in re.findall(r"[0-9]+", simplified))
        try:
            return as_of(date(year, month, day))
        except ValueError:
            return None
    if match.group("plan") or match.group("year"):
        written = simplified
    elif match.group("relative"):
        if published is None:
            return None
        word = next(w for w in RELATIVE_YEARS if simplified.startswith(w))
        written = f"{published.year + RELATIVE_YEARS[word]}年{simplified[len(word):]}"
    else:
        if published is None:
            return None
        written = f"{published.year}年{simplified}"
    month_end = re.fullmatch(r"(\d{4})年(\d{1,2})月(?:底|末)", written)
    if month_end:
        year, month = int(month_end.group(1)), int(month_end.group(2))
        if 1 <= month <= 12:
            return as_of(date(year, month, calendar.monthrange(year, month)[1]))
        return None
    try:
        return parse_period(written)
    except PeriodParseError:
        return None


def find_periods(text: str, published: date | None) -> list[PeriodMention]:
    """Every period named in ``text`` that can be resolved (relative ones need
    ``published``), in order."""
    found = []
    for match in _EXPRESSION.finditer(aligned_simplified(text)):
        period = _resolve(match, published)
        if period is not None:
            found.append(PeriodMention(match.start(), match.end(), text[match.start():match.end()], period))
    return found


def sentence_start(text: str, offset: int) -> int:
    return max(text.rfind(ch, 0, offset) for ch in _SENTENCE_END) + 1


def period_at(text: str, offset: int, periods: list[PeriodMention], published: date | None) -> tuple[PeriodSpec | None, str]:
    """The period of something at ``offset``: (period, how) -- how is 'text: <expression>'
    or 'the document's date (no period in the sentence)'; (None, why) when the sentence
    names none and the document has no date."""
    start = sentence_start(text, offset)
    before = [p for p in periods if start <= p.start and p.end <= offset]
    if before:
        return before[-1].period, f"text: {before[-1].text}"
    if published is not None:
        return as_of(published), "the document's date (no period in the sentence)"
    return None, "no period in the sentence and no document date"


_MONTHS = re.compile(r"^(\d{4})-(\d{2})-to-(\d{2})$")
_AS_OF = re.compile(r"^asof-(\d{4}-\d{2}-\d{2})$")


def period_from_slug(slug: str) -> PeriodSpec:
    """The period a review cell names by its IRI's local name: ``2022``, ``2023-H1``,
    ``2023-Q3``, ``2023-01-to-09``, ``2023-03``, ``2016-2020``, ``asof-2023-08-22``. Raises
    PeriodParseError (a KgError) saying what was expected."""
    from kg.link.periods import month_period

    slug = (slug or "").strip().removeprefix("period:")
    as_of_match = _AS_OF.match(slug)
    if as_of_match:
        try:
            return as_of(date.fromisoformat(as_of_match.group(1)))
        except ValueError:
            raise PeriodParseError(f"{slug!r}: {as_of_match.group(1)} is not a date") from None
    months = _MONTHS.match(slug)
    if months:
        return month_period(int(months.group(1)), int(months.group(2)), int(months.group(3)))
    single = re.fullmatch(r"(\d{4})-(\d{2})", slug)
    if single:
        return month_period(int(single.group(1)), int(single.group(2)), int(single.group(2)))
    quarter = re.fullmatch(r"(\d{4})-Q([1-4])", slug)
    if quarter:
        from kg.link.periods import quarter_period

        return quarter_period(int(quarter.group(1)), int(quarter.group(2)))
    return parse_period(slug)
