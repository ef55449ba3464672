"""Numbers as Chinese tables and articles write them -> a value in base units, a unit, a qualifier.

``parse_value("12.76亿元")`` is 1276000000 yuan (``unit:CCY_CNY``), exact;
``parse_value("8.08亿元以上")`` is 808000000 yuan, a lower bound; ``parse_value("123.42萬人次")``
is 1234200 person-visits. What is understood:

- digits with thousands separators (``1,234``, full-width ``１，２３４``), decimals, a sign, and
  the Chinese numerals 一 二 两 三 ... 十 百 千 (``三千``, ``十二``; ``百亿`` alone is 1 × 百亿);
- magnitudes after the number, multiplied: 十 10, 百 100, 千 1000, 万/萬 10^4, 亿/億 10^8
  (``3.5万亿`` is 3.5 × 10^12);
- units (see ``UNITS``): 元, 美元, 人, 人次, 吨/噸, 平方公里, 公顷, 亩, 个/個, 家, 项/項, 名, %, ...;
- qualifiers: 以上 突破 超过/超過 逾 余/餘 多 -> ``ckg:LowerBound``; 约/約 近 左右 大约 ->
  ``ckg:Approximate``; 以下 不足 不到 以内 -> ``ckg:UpperBound``; otherwise ``ckg:Exact``.

Anything else raises :class:`ValueParseError` with the reason.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from rdflib import URIRef

from kg.errors import KgError
from kg.namespaces import CKG, CUNIT, UNIT

EXACT, LOWER, UPPER, APPROX = CKG.Exact, CKG.LowerBound, CKG.UpperBound, CKG.Approximate

# Unit words -> (unit IRI, factor to the base unit). Simplified and Traditional forms both.
UNITS: dict[str, tuple[URIRef, Decimal]] = {}


def _unit(iri: URIRef, factor: str | int, *words: str) -> None:
    for word in words:
        UNITS[word] = (iri, Decimal(factor))


_unit(UNIT.CCY_CNY, 1, "元", "人民币", "人民幣", "元人民币", "元人民幣", "人民币元", "人民幣元", "rmb", "cny", "yuan")
_unit(UNIT.CCY_USD, 1, "美元", "usd", "us$")
_unit(UNIT.PERCENT, 1, "%", "％", "百分比", "个百分点", "個百分點", "百分点", "百分點")
_unit(UNIT.NUM, 1, "人", "个", "個", "家", "项", "項", "名", "户", "戶", "所", "座", "辆", "輛", "件", "次",
      "处", "處", "条", "條", "套", "台", "张", "張", "批", "村", "口", "位", "只", "头", "頭", "棵", "株")
_unit(CUNIT["person-visit"], 1, "人次")
_unit(UNIT.TONNE, 1, "吨", "噸", "t")
_unit(UNIT["TONNE-PER-YR"], 1, "吨/年", "噸/年", "吨每年", "噸每年")
_unit(UNIT.KiloM2, 1, "平方公里", "平方千米", "km2", "km²")
_unit(UNIT.M2, 1, "平方米", "m2", "m²")
_unit(UNIT.HA, 1, "公顷", "公頃")
_unit(CUNIT.mu, 1, "亩", "畝")
_unit(UNIT.KiloM, 1, "公里", "千米", "km")
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

_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?")


class ValueParseError(KgError):
    """A cell that is not a number this module understands; the message says why."""


@dataclass(frozen=True)
class ParsedValue:
    value: Decimal          # in base units (yuan, persons, person-visits, tonnes, ...)
    unit: URIRef | None     # None when the text has no unit and no default was given
    qualifier: URIRef       # ckg:Exact, ckg:LowerBound, ckg:UpperBound or ckg:Approximate
    reported: str           # the text as written
    number: Decimal         # the number before magnitudes (12.76 in 12.76亿元)
    multiplier: Decimal     # the magnitudes (10^8 in 12.76亿元)

    @property
    def lexical(self) -> str:
        """xsd:decimal lexical form with a decimal point (1276000000.0), as the data files write it."""
        return decimal_lexical(self.value)


def decimal_lexical(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text if "." in text else text + ".0"


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)  # full-width digits, comma, percent -> ASCII
    return re.sub(r"\s+", "", text)


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


def _strip_qualifiers(text: str) -> tuple[str, URIRef]:
    qualifier = EXACT
    changed = True
    while changed:
        changed = False
        for word in sorted(FILLERS, key=len, reverse=True):
            if text.startswith(word) and len(text) > len(word):
                text, changed = text[len(word):], True
        for word, kind in sorted(PREFIX_QUALIFIERS.items(), key=lambda kv: -len(kv[0])):
            if text.startswith(word) and len(text) > len(word):
                text, qualifier, changed = text[len(word):], kind, True
                break
        for word, kind in sorted(SUFFIX_QUALIFIERS.items(), key=lambda kv: -len(kv[0])):
            if text.endswith(word) and len(text) > len(word):
                text, qualifier, changed = text[: -len(word)], kind, True
                break
    return text, qualifier


def _split_unit(text: str) -> tuple[str, tuple[URIRef, Decimal] | None]:
    lowered = text.lower()
    for word in sorted(UNITS, key=len, reverse=True):
        if lowered.endswith(word):
            return text[: len(text) - len(word)], UNITS[word]
    return text, None


def parse_unit(text: str) -> tuple[URIRef, Decimal]:
    """A unit column's cell: ``亿元`` -> (unit:CCY_CNY, 10^8), ``万人次`` -> (cunit:person-visit, 10^4)."""
    rest, unit = _split_unit(_normalise(text))
    if unit is None:
        raise ValueParseError(f"unknown unit {text!r}")
    multiplier = Decimal(1)
    for ch in rest:
        if ch not in MAGNITUDES:
            raise ValueParseError(f"unknown unit {text!r}: {rest!r} is not a magnitude (十 百 千 万 亿)")
        multiplier *= MAGNITUDES[ch]
    return unit[0], unit[1] * multiplier


def parse_value(text: str, default_unit: str | None = None) -> ParsedValue:
    """Parse a value as written. ``default_unit`` (a unit cell such as ``亿元``) applies when
    the text itself has no unit; its magnitude multiplies the number (12.76 with 亿元)."""
    if text is None or not str(text).strip():
        raise ValueParseError("empty value")
    reported = str(text).strip()
    body = _normalise(reported)
    if body in {"-", "—", "–", "…", "...", "/", "x", "X", "NA", "N/A", "n/a", "无", "無"}:
        raise ValueParseError(f"no value: {reported!r} marks a missing figure")
    body, qualifier = _strip_qualifiers(body)
    body, unit = _split_unit(body)
    body, qualifier2 = _strip_qualifiers(body)  # 8.08亿余元: the qualifier may precede the unit
    if qualifier2 != EXACT:
        qualifier = qualifier2
    match = _NUMBER.match(body)
    if match:
        number = Decimal(match.group(0).replace(",", ""))
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
                raise ValueParseError(f"not a number: {reported!r}")
    rest, qualifier3 = _strip_qualifiers(rest) if rest else (rest, EXACT)
    if qualifier3 != EXACT:
        qualifier = qualifier3
    multiplier = Decimal(1)
    for ch in rest:
        if ch not in MAGNITUDES:
            raise ValueParseError(f"cannot read {reported!r}: {rest!r} after the number is neither a magnitude nor a unit")
        multiplier *= MAGNITUDES[ch]
    unit_iri = None
    if unit is not None:
        unit_iri, factor = unit
        multiplier *= factor
    elif default_unit:
        unit_iri, factor = parse_unit(default_unit)
        multiplier *= factor
    return ParsedValue(number * multiplier, unit_iri, qualifier, reported, number, multiplier)


# --- script -------------------------------------------------------------------------------


def detect_script(text: str) -> str | None:
    """'zh-Hant' or 'zh-Hans' when ``text`` has characters of only one script, else None
    (digits only, or characters the two scripts share)."""
    from kg.link.gazetteer import to_simplified, to_traditional

    han = "".join(ch for ch in text if "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff")
    if not han:
        return None
    traditional = to_simplified(han) != han
    simplified = to_traditional(han) != han
    if traditional and not simplified:
        return "zh-Hant"
    if simplified and not traditional:
        return "zh-Hans"
    return None
