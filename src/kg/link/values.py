"""Numbers as Chinese tables and yearbooks write them -> a value in base units, a unit, a qualifier.

``parse_value("12.76亿元")`` is 1276000000 yuan (``unit:CCY_CNY``), exact;
``parse_value("8.08亿元以上")`` is 808000000 yuan, a lower bound; ``parse_value("123.42萬人次")``
is 1234200 person-visits; ``parse_value("85.31①", "亿元")`` is 8531000000 yuan with the
footnote mark ① recorded. What is understood:

- digits with thousands separators (``1,234``, full-width ``１，２３４``, a space or thin
  space), decimals, exponent notation from spreadsheets (``1.2E+03`` is 1200), a sign
  (``-``, ``−``, ``－``, ``负``), and the Chinese numerals 一 二 两 三 ... 十 百 千 (``三千``,
  ``十二``; ``百亿`` alone is 1 × 百亿);
- **footnote and reference marks** before or after the figure -- circled, parenthesized
  and dotted numbers and letters (① ⑴ ⒈ ⓐ), superscript digits (¹ ² ³, except ² ³ after m:
  m², km³ are units), ``*`` ``※`` ``†`` ``‡`` ``Δ`` ``△`` ``▲``, bracketed letters or numbers
  (``[a]``, ``[1]``, ``[注1]``, ``【注1】``, ``(a)``, ``(A)``) -- are removed and returned in ``footnotes``, never read as
  digits (Unicode NFKC would fold ① and ¹ into 1: it is not used);
- **missing and confidential data**: a cell that is only ``…``, ``...``, ``—``, ``——``, ``-``,
  ``–``, ``/``, ``x``, ``X``, ``×``, ``*``, ``NA``, ``N/A``, ``无``, ``空``, ``不详`` or ``保密``
  raises :class:`MissingValue` (a ValueParseError): reported as missing, never read as zero;
- magnitudes after the number, multiplied: 十 10, 百 100, 千 1000, 万/萬 10^4, 亿/億 10^8
  (``3.5万亿`` is 3.5 × 10^12);
- units (see ``UNITS``), QUDT where it has them: 元, 美元, 人, 人次, 户, 吨/噸, 公斤/千克, 克,
  斤 (0.5 kg), 平方公里, 平方米, 公顷, 亩, 立方米, 公里, 米, 天, 小时, 千瓦, 千瓦时, 个/個,
  家, 项/項, 名, 辆, 所, 张, 床, %, ‰, per-capita 元/人 (人均), 人/平方公里 ...; a magnitude
  before the unit multiplies it (万立方米, 万千瓦时, 万元/人);
- qualifiers: 以上 突破 超过/超過 逾 余/餘 多 -> ``ckg:LowerBound``; 约/約 近 左右 大约 ->
  ``ckg:Approximate``; 以下 不足 不到 以内 -> ``ckg:UpperBound``; otherwise ``ckg:Exact``.

Anything else -- any character the parser does not understand -- raises
:class:`ValueParseError` with the reason: a value it is not sure of is reported, never changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from decimal import Decimal, InvalidOperation, localcontext

from rdflib import URIRef

from kg.errors import KgError
from kg.link.text import fold_width
from kg.namespaces import CKG, CUNIT, UNIT
from kg.words import quoted

EXACT, LOWER, UPPER, APPROX = CKG.Exact, CKG.LowerBound, CKG.UpperBound, CKG.Approximate

# Unit words -> (unit IRI, factor to the base unit). Simplified and Traditional forms both.
UNITS: dict[str, tuple[URIRef, Decimal]] = {}


def _unit(iri: URIRef, factor: str | int, *words: str) -> None:
    for word in words:
        UNITS[word] = (iri, Decimal(factor))


_unit(UNIT.CCY_CNY, 1, "元", "人民币", "人民幣", "元人民币", "元人民幣", "人民币元", "人民幣元", "rmb", "cny", "yuan")
_unit(UNIT.CCY_USD, 1, "美元", "usd", "us$")
_unit(UNIT.PERCENT, 1, "%", "百分比", "个百分点", "個百分點", "百分点", "百分點")
_unit(UNIT.PERMILLE, 1, "‰", "千分之")
_unit(UNIT.NUM, 1, "人", "个", "個", "家", "项", "項", "名", "户", "戶", "所", "座", "辆", "輛", "件", "次",
      "处", "處", "条", "條", "套", "台", "张", "張", "批", "村", "口", "位", "只", "头", "頭", "棵", "株",
      "床", "间", "間", "艘", "架", "部", "根", "块", "塊", "篇", "册", "冊", "场", "場", "起", "例", "人口")
_unit(CUNIT["person-visit"], 1, "人次")
_unit(CUNIT["yuan-per-person"], 1, "元/人", "元每人", "元/人·年", "元/人年")
_unit(CUNIT["person-per-square-kilometre"], 1, "人/平方公里", "人/平方千米", "人/km2", "人/km²")
_unit(UNIT.TONNE, 1, "吨", "噸", "t")
_unit(UNIT["TONNE-PER-YR"], 1, "吨/年", "噸/年", "吨每年", "噸每年")
_unit(UNIT.KiloGM, 1, "公斤", "千克", "kg")
_unit(UNIT.KiloGM, "0.5", "斤")
_unit(UNIT.GM, 1, "克", "g")
_unit(UNIT.KiloM2, 1, "平方公里", "平方千米", "km2", "km²")
_unit(UNIT.M2, 1, "平方米", "m2", "m²")
_unit(UNIT.HA, 1, "公顷", "公頃", "ha")
_unit(CUNIT.mu, 1, "亩", "畝")
_unit(UNIT.M3, 1, "立方米", "m3", "m³")
_unit(UNIT.KiloM, 1, "公里", "千米", "km")
_unit(UNIT.M, 1, "米", "m")
_unit(UNIT.DAY, 1, "天")
_unit(UNIT.HR, 1, "小时", "小時", "h")
_unit(UNIT["KiloW-HR"], 1, "千瓦时", "千瓦時", "kwh")
_unit(UNIT.KiloW, 1, "千瓦", "kw")

LOWER_WORDS = ("以上", "突破", "超过", "超過", "逾", "余", "餘", "多", "过", "過", "达到以上")
APPROX_WORDS = ("大约", "大約", "约", "約", "近", "左右", "将近", "將近", "接近")
UPPER_WORDS = ("以下", "不足", "不到", "以内", "以內", "不超过", "不超過")
PREFIX_QUALIFIERS = {"突破": LOWER, "超过": LOWER, "超過": LOWER, "逾": LOWER, "过": LOWER, "過": LOWER,
                     "大约": APPROX, "大約": APPROX, "约": APPROX, "約": APPROX, "近": APPROX,
                     "将近": APPROX, "將近": APPROX, "接近": APPROX,
                     "不足": UPPER, "不到": UPPER, "不超过": UPPER, "不超過": UPPER}
SUFFIX_QUALIFIERS = {"以上": LOWER, "余": LOWER, "餘": LOWER, "多": LOWER, "左右": APPROX,
                     "以下": UPPER, "以内": UPPER, "以內": UPPER}
# Filler words that do not change the value: 达/達 (reached), 共/共计 (in total), 累计 (cumulative).
FILLERS = ("达到", "達到", "达", "達", "共计", "共計", "累计", "累計", "共", "约计", "計", "计")

MAGNITUDES = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000, "万": 10_000, "萬": 10_000,
              "亿": 100_000_000, "億": 100_000_000}
CHINESE_DIGITS = {"零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "貳": 2, "两": 2, "兩": 2, "三": 3,
                  "叁": 3, "參": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "陸": 6, "七": 7,
                  "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9}

#: Cells that mark a figure as missing, not available or confidential (after full-width folding).
MISSING_MARKS = frozenset({"…", "……", "...", "..", "—", "——", "-", "--", "–", "/", "x", "X", "×", "*", "**",
                           "NA", "N/A", "n/a", "na", "无", "無", "空", "不详", "不詳", "保密", "缺", "暂缺", "暫缺"})

_MARK_CHARS = ("\u2460-\u249b"   # ① - ⒛: circled, parenthesized and dotted numbers
               "\u249c-\u24ff"   # ⒜ - ⓿: parenthesized and circled letters, negative circled numbers
               "\u2776-\u2793"   # ❶ - ➓
               "\u3251-\u325f\u32b1-\u32bf"  # ㉑ - ㉟, ㊱ - ㊿
               "*※†‡Δ△▲▼▽◆◇#")
_SUPERSCRIPTS = "\u00b9\u00b2\u00b3\u2070\u2074-\u2079"
# One mark: a mark character, a run of superscript digits not after m (m², km³ are units), a
# bracketed reference ([a], [1], [注1], 【注1】, (a), (A)). A number in round brackets after a
# figure, 7.5(1), is not taken for one (it can also number items): that cell is reported.
_MARK = re.compile(
    f"(?:[{_MARK_CHARS}]|(?<![mM])[{_SUPERSCRIPTS}]+|\\[(?:注)?[A-Za-z0-9]{{1,3}}\\]|【(?:注)?[A-Za-z0-9]{{1,3}}】"
    f"|\\((?:注)?[A-Za-z]\\)|（注?[A-Za-z0-9]）)")
_LEADING_MARKS = re.compile(f"^(?:{_MARK.pattern})+")
_TRAILING_MARKS = re.compile(f"(?:{_MARK.pattern})+$")
_INNER_MARKS = re.compile(r"^([+-]?[\d.,]+)((?:" + _MARK.pattern + r")+)(?=\D)")
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?([eE][+-]?\d{1,3}(?![0-9]))?")


class ValueParseError(KgError):
    """A cell that is not a number this module understands; the message says why."""


class MissingValue(ValueParseError):
    """A cell marking a figure as missing, not available or confidential (…, —, x, 保密)."""


@dataclass(frozen=True)
class ParsedValue:
    value: Decimal          # in base units (yuan, persons, person-visits, tonnes, ...)
    unit: URIRef | None     # None when the text has no unit and no default was given
    qualifier: URIRef       # ckg:Exact, ckg:LowerBound, ckg:UpperBound or ckg:Approximate
    reported: str           # the text as written
    number: Decimal         # the number before magnitudes (12.76 in 12.76亿元)
    multiplier: Decimal     # the magnitudes (10^8 in 12.76亿元)
    footnotes: tuple[str, ...] = field(default=())   # marks removed before reading (①, ¹, *, [a])

    @property
    def lexical(self) -> str:
        """xsd:decimal lexical form with a decimal point (1276000000.0), as the data files write it."""
        return decimal_lexical(self.value)


_DECIMAL_LEXICAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def decimal_lexical(value: Decimal) -> str:
    """The canonical-style xsd:decimal lexical form of a finite Decimal: digits, a point and at
    least one digit after it (1.2E+3 -> 1200.0, -0.50 -> -0.5); never exponent notation, which
    xsd:decimal does not allow. Raises ValueError for NaN or infinity."""
    if not value.is_finite():
        raise ValueError(f"{value} is not a finite decimal")
    with localcontext() as exact:  # normalize() rounds to the context's precision (28 digits by default)
        exact.prec = max(28, len(value.as_tuple().digits))
        text = format(value.normalize(), "f")
    text = text if "." in text else text + ".0"
    return "0.0" if text in ("-0.0", "+0.0") else text


def strip_footnotes(text: str) -> tuple[str, tuple[str, ...]]:
    """``text`` without the footnote and reference marks before or after it (and between the
    number and its unit), and the marks in order: ``85.31①`` -> (``85.31``, (``①``,)). A mark
    inside the digits is left in place (the caller reports the cell)."""
    marks: list[str] = []
    leading = _LEADING_MARKS.match(text)
    if leading:
        marks += _MARK.findall(leading.group(0))
        text = text[leading.end():]
    trailing = _TRAILING_MARKS.search(text)
    if trailing and trailing.start() > 0:
        marks += _MARK.findall(trailing.group(0))
        text = text[:trailing.start()]
    # between the number and its unit: 85.31①亿元
    inner = _INNER_MARKS.match(text)
    if inner:
        marks += _MARK.findall(inner.group(2))
        text = inner.group(1) + text[inner.end():]
    return text, tuple(marks)


_SPACES = "[\\s\u00a0\u2009\u202f]+"
_THOUSANDS_SPACE = re.compile(r"(?<=\d)" + _SPACES + r"(?=\d{3}(?!\d))")
_DIGITS_SPACE = re.compile(r"(?<=\d)" + _SPACES + r"(?=\d)")
_ANY_SPACE = re.compile(_SPACES)


def _normalise(text: str) -> str:
    """Full-width forms as ASCII (not NFKC: see kg.link.text), a space between groups of three
    digits as a thousands separator (1 234 567), no other spaces. Digits on both sides of any
    other space stay apart (12 34 is not a number)."""
    text = fold_width(text).strip()
    text = _THOUSANDS_SPACE.sub(",", text)
    text = _DIGITS_SPACE.sub("\u2423", text)  # ␣ keeps them apart: not one number
    return _ANY_SPACE.sub("", text)


def _chinese_integer(text: str) -> int | None:
    """十二 -> 12, 三千五百 -> 3500, 两 -> 2; None if ``text`` is not a Chinese numeral."""
    if not text or any(ch not in CHINESE_DIGITS and ch not in "十拾百佰千仟" for ch in text):
        return None
    total, digit = 0, None
    for ch in text:
        if ch in CHINESE_DIGITS:
            digit = CHINESE_DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * MAGNITUDES[ch]
            digit = None
    return total + (digit or 0)


# The word lists longest first (a longer word wins over one it ends or begins with), sorted
# once here rather than on every call: parse_value runs once or twice per row of a table.
_FILLERS_LONGEST = sorted(FILLERS, key=len, reverse=True)
_PREFIXES_LONGEST = sorted(PREFIX_QUALIFIERS.items(), key=lambda kv: -len(kv[0]))
_SUFFIXES_LONGEST = sorted(SUFFIX_QUALIFIERS.items(), key=lambda kv: -len(kv[0]))
# Every character a qualifier or filler word holds: a text with none of them has no such word.
_QUALIFIER_CHARS = frozenset("".join([*FILLERS, *PREFIX_QUALIFIERS, *SUFFIX_QUALIFIERS]))


def _strip_qualifiers(text: str) -> tuple[str, URIRef]:
    qualifier = EXACT
    if _QUALIFIER_CHARS.isdisjoint(text):
        return text, qualifier
    changed = True
    while changed:
        changed = False
        for word in _FILLERS_LONGEST:
            if text.startswith(word) and len(text) > len(word):
                text, changed = text[len(word):], True
        for word, kind in _PREFIXES_LONGEST:
            if text.startswith(word) and len(text) > len(word):
                text, qualifier, changed = text[len(word):], kind, True
                break
        for word, kind in _SUFFIXES_LONGEST:
            if text.endswith(word) and len(text) > len(word):
                text, qualifier, changed = text[: -len(word)], kind, True
                break
    return text, qualifier


_UNIT_WORDS = sorted(UNITS, key=len, reverse=True)
# The unit words (longest first, as above) by the last character of their lower-case form: a
# text can end with a word only if it ends with that character, so only those are tried.
_UNIT_WORDS_BY_LAST: dict[str, list[tuple[str, str]]] = {}
for _word in _UNIT_WORDS:
    _UNIT_WORDS_BY_LAST.setdefault(_word.lower()[-1:], []).append((_word, _word.lower()))
del _word


def _split_unit(text: str) -> tuple[str, tuple[URIRef, Decimal] | None]:
    lowered = text.lower()
    for word, lowered_word in _UNIT_WORDS_BY_LAST.get(lowered[-1:], ()):
        if lowered.endswith(lowered_word):
            rest = text[: len(text) - len(word)]
            if word[:1].isascii() and word[:1].isalpha() and rest[-1:].isascii() and rest[-1:].isalpha():
                continue  # a Latin unit (t, kg, m) ends a word only as a word: "unit" is not a tonne
            return rest, UNITS[word]
    return text, None


def parse_unit(text: str) -> tuple[URIRef, Decimal]:
    """A unit as a unit column or an indicator name writes it -> (unit IRI, factor to base
    units): ``亿元`` -> (unit:CCY_CNY, 10^8), ``万人次`` -> (cunit:person-visit, 10^4), ``‰`` ->
    (unit:PERMILLE, 1), ``万元/人`` -> (cunit:yuan-per-person, 10^4). Raises ValueParseError."""
    return _parse_unit(text)


@lru_cache(maxsize=4096)
def _parse_unit(text: str) -> tuple[URIRef, Decimal]:
    # Cached: a table's unit column holds a few units, read again on every row. The answer
    # (an IRI and a Decimal) is immutable; an error is raised again on every call (not cached).
    body = _normalise(text or "")
    rest, unit = _split_unit(body)
    if unit is None:
        raise ValueParseError(f"unknown unit {quoted(text)}")
    multiplier = Decimal(1)
    for ch in rest:
        if ch not in MAGNITUDES:
            raise ValueParseError(f"unknown unit {quoted(text)}: {quoted(rest)} is not a magnitude (十 百 千 万 亿)")
        multiplier *= MAGNITUDES[ch]
    return unit[0], unit[1] * multiplier


def parse_value(text: str, default_unit: str | None = None) -> ParsedValue:
    """Parse a value as written (see the module's docstring). ``default_unit`` (a unit cell
    such as ``亿元``) applies when the text itself has no unit; its magnitude multiplies the
    number (12.76 with 亿元). Raises :class:`MissingValue` for a missing-data mark and
    :class:`ValueParseError` for anything not understood."""
    if text is None or not str(text).strip():
        raise ValueParseError("empty value")
    reported = str(text).strip()
    if _PLAIN_NUMBER.fullmatch(reported):
        # The common cell, ASCII digits with perhaps a sign and decimals (661.19, -3, 1200):
        # nothing to normalise, no mark, qualifier, unit or magnitude; read as the general
        # way below reads it (tests/test_values.py compares the two on every fixture cell).
        number, unit, qualifier, footnotes, rest, match = Decimal(reported), None, EXACT, (), "", None
    else:
        number, unit, qualifier, footnotes, rest, match = _read_number(reported)
    return _finish(reported, default_unit, number, unit, qualifier, footnotes, rest, match)


def _parse_value_general(text: str, default_unit: str | None = None) -> ParsedValue:
    """:func:`parse_value` without its short way for plain numbers: what that way must agree
    with (the tests compare the two)."""
    if text is None or not str(text).strip():
        raise ValueParseError("empty value")
    reported = str(text).strip()
    return _finish(reported, default_unit, *_read_number(reported))


#: A number :func:`parse_value` can read without the general way (ASCII digits only: ``\d``
#: would also take other scripts' digits, which the general way folds or refuses).
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


def _read_number(reported: str):
    """The general way of :func:`parse_value` up to the number: (number, unit word's
    (IRI, factor) or None, qualifier, footnote marks, the text after the number, the match
    of the number or None for a Chinese numeral). Raises as parse_value does."""
    body = _normalise(reported)
    if body in MISSING_MARKS:
        raise MissingValue(f"no value: {quoted(reported)} marks a missing or confidential figure")
    body, footnotes = strip_footnotes(body)
    if not body or body in MISSING_MARKS:
        raise MissingValue(f"no value: {quoted(reported)} marks a missing or confidential figure")
    negative = body.startswith(("负", "負"))
    if negative:
        body = body[1:]
    body, qualifier = _strip_qualifiers(body)
    body, unit = _split_unit(body)
    body, qualifier2 = _strip_qualifiers(body)  # 8.08亿余元: the qualifier may precede the unit
    if qualifier2 != EXACT:
        qualifier = qualifier2
    body, more = strip_footnotes(body)  # 85.31①亿元: the mark between the number and the unit
    footnotes += more
    match = _NUMBER.match(body)
    if match:
        try:
            number = Decimal(match.group(0).replace(",", ""))
        except InvalidOperation:
            raise ValueParseError(f"not a number: {quoted(reported)}") from None
        rest = body[match.end():]
    else:
        # a Chinese numeral: the longest prefix that reads as one (三千五百万 -> 三千五百 + 万)
        number, rest = None, body
        for end in range(len(body), 0, -1):
            value = _chinese_integer(body[:end])
            if value is not None:
                number, rest = Decimal(value), body[end:]
                break
        if number is None:
            if body and all(ch in MAGNITUDES for ch in body):
                number, rest = Decimal(1), body  # 百亿: one hundred-hundred-million
            else:
                raise ValueParseError(f"not a number: {quoted(reported)}")
    if negative:
        if number < 0 or body.startswith(("+", "-")):
            raise ValueParseError(f"cannot read {quoted(reported)}: two signs")
        number = -number
    rest, qualifier3 = _strip_qualifiers(rest) if rest else (rest, EXACT)
    if qualifier3 != EXACT:
        qualifier = qualifier3
    return number, unit, qualifier, footnotes, rest, match


def _finish(reported: str, default_unit: str | None, number: Decimal, unit, qualifier: URIRef,
            footnotes: tuple[str, ...], rest: str, match) -> ParsedValue:
    """The end of :func:`parse_value`: the magnitudes after the number, the unit (the text's
    or the one given), the value in base units."""
    multiplier = Decimal(1)
    for ch in rest:
        if ch not in MAGNITUDES:
            raise ValueParseError(f"cannot read {quoted(reported)}: {quoted(rest)} after the number is neither a magnitude nor a unit")
        multiplier *= MAGNITUDES[ch]
    unit_iri = None
    given = parse_unit(default_unit) if default_unit else None
    if unit is not None:
        unit_iri, factor = unit
        multiplier *= factor
        if given is not None and given[0] != unit_iri:
            # 12亿元 in a 万人 column, 12% in a 亿元 one: which is meant cannot be told
            raise ValueParseError(f"{quoted(reported)} is in {_unit_name(unit_iri)} but the unit given for it, "
                                  f"{quoted(default_unit)}, is {_unit_name(given[0])}; correct the cell or the unit")
    elif given is not None:
        unit_iri, factor = given
        if rest and factor != 1:
            # 12.76亿 in a 亿元 column: read as 12.76 亿 亿元 it would be 10^16 times the number
            raise ValueParseError(f"{quoted(reported)} has a magnitude ({rest}) and so has the unit given for it, "
                                  f"{quoted(default_unit)}: both would multiply the number; write the number alone "
                                  f"({match.group(0) if match else rest}) or the whole unit in the cell")
        multiplier *= factor
    with localcontext() as exact:  # every digit as written: Decimal's default context keeps 28
        exact.prec = len(number.as_tuple().digits) + len(multiplier.as_tuple().digits) + 2
        value = number * multiplier
    return ParsedValue(value, unit_iri, qualifier, reported, number, multiplier, footnotes)


def _unit_name(iri: URIRef) -> str:
    """A unit as a reader knows it: the first word UNITS has for it (元, 人, %)."""
    return next((word for word, (known, factor) in UNITS.items() if known == iri and factor == 1), str(iri))


# --- script -------------------------------------------------------------------------------


def detect_script(text: str) -> str | None:
    """'zh-Hant' or 'zh-Hans' when ``text`` has characters of only one script, else None
    (digits only, or characters the two scripts share)."""
    han = "".join(ch for ch in text if "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff")
    if not han:
        return None
    # Short ones cached: an import asks for every value it writes (661.19亿元, 15.41亿元 ...),
    # whose Han characters are a table's few units; each answer is two conversions by OpenCC.
    return _short_han_script(han) if len(han) <= 32 else _han_script(han)


def _han_script(han: str) -> str | None:
    from kg.link.gazetteer import to_simplified, to_traditional

    traditional = to_simplified(han) != han
    simplified = to_traditional(han) != han
    if traditional and not simplified:
        return "zh-Hant"
    if simplified and not traditional:
        return "zh-Hans"
    return None


_short_han_script = lru_cache(maxsize=65536)(_han_script)
