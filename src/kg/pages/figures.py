"""Numbers written as people write them, in each of the project's languages.

An observation holds its value in base units (``sdmx-measure:obsValue 1276000000.0`` with
``unit:CCY_CNY``) and a qualifier (``ckg:LowerBound`` for 突破, 以上, 餘 ...). A reader expects
the figure as a newspaper or a statistical bulletin would print it:

- Chinese groups by 萬/万 (10^4) and 億/亿 (10^8), the unit after the magnitude:
  ``12.76亿元`` / ``12.76億元``, ``123.42万人次``, ``5万吨/年``;
- English by thousand, million and billion: ``1.276 billion yuan``, ``1.2342 million
  person-visits``, ``50,000 tonnes per year``;
- a lower bound as 以上 after the figure in Chinese and "more than" before it in English, an
  upper bound as 不超过/不超過 and "at most", an approximate value as 约/約 and "about".

The unit words are those of kg.link.values (the units it reads); a unit without words here is
written with its label from the graph. Digits are never rounded: a magnitude is used only when
it divides the value without losing digits beyond four decimals, else the full number is
grouped (``1,234,567 yuan``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from kg.namespaces import CKG, CUNIT, UNIT

LANGUAGES = ("zh-Hans", "zh-Hant", "en")

#: unit IRI -> (Simplified word, Traditional word, English singular, English plural, space before in English)
UNIT_WORDS: dict[str, tuple[str, str, str, str]] = {
    str(UNIT.CCY_CNY): ("元", "元", "yuan", "yuan"),
    str(UNIT.CCY_USD): ("美元", "美元", "US dollar", "US dollars"),
    str(UNIT.PERCENT): ("%", "%", "%", "%"),
    str(UNIT.NUM): ("", "", "", ""),
    str(CUNIT["person-visit"]): ("人次", "人次", "person-visit", "person-visits"),
    str(UNIT.TONNE): ("吨", "噸", "tonne", "tonnes"),
    str(UNIT["TONNE-PER-YR"]): ("吨/年", "噸/年", "tonne per year", "tonnes per year"),
    str(UNIT.KiloM2): ("平方公里", "平方公里", "square kilometre", "square kilometres"),
    str(UNIT.M2): ("平方米", "平方米", "square metre", "square metres"),
    str(UNIT.HA): ("公顷", "公頃", "hectare", "hectares"),
    str(CUNIT.mu): ("亩", "畝", "mu", "mu"),
    str(UNIT.KiloM): ("公里", "公里", "kilometre", "kilometres"),
    str(UNIT["KiloW-HR"]): ("千瓦时", "千瓦時", "kilowatt hour", "kilowatt hours"),
    str(UNIT.KiloW): ("千瓦", "千瓦", "kilowatt", "kilowatts"),
}

#: qualifier IRI -> {language: (before, after)}
QUALIFIERS: dict[str, dict[str, tuple[str, str]]] = {
    str(CKG.LowerBound): {"zh-Hans": ("", "以上"), "zh-Hant": ("", "以上"), "en": ("more than ", "")},
    str(CKG.UpperBound): {"zh-Hans": ("不超过", ""), "zh-Hant": ("不超過", ""), "en": ("at most ", "")},
    str(CKG.Approximate): {"zh-Hans": ("约", ""), "zh-Hant": ("約", ""), "en": ("about ", "")},
}

_CHINESE_MAGNITUDES = {"zh-Hans": ((Decimal(10) ** 8, "亿"), (Decimal(10) ** 4, "万")),
                       "zh-Hant": ((Decimal(10) ** 8, "億"), (Decimal(10) ** 4, "萬"))}
_ENGLISH_MAGNITUDES = ((Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million"))
#: A magnitude is used only if the number before it needs at most this many decimals.
MAX_DECIMALS = 4


def _plain(number: Decimal, group: bool) -> str:
    text = format(number.normalize(), ",f" if group else "f")
    return text


def _scaled(value: Decimal, magnitudes) -> tuple[str, str] | None:
    """(number, magnitude word) for the largest magnitude that reads without losing digits."""
    for size, word in magnitudes:
        if abs(value) >= size:
            scaled = (value / size).normalize()
            exponent = scaled.as_tuple().exponent
            if isinstance(exponent, int) and -exponent <= MAX_DECIMALS:
                return _plain(scaled, group=False), word
    return None


def number_text(value: Decimal, lang: str) -> str:
    """``value`` with the magnitude words of ``lang`` (no unit): 12.76亿, 1.276 billion."""
    if lang in _CHINESE_MAGNITUDES:
        scaled = _scaled(value, _CHINESE_MAGNITUDES[lang])
        return "".join(scaled) if scaled else _plain(value, group=False)
    scaled = _scaled(value, _ENGLISH_MAGNITUDES)
    return f"{scaled[0]} {scaled[1]}" if scaled else _plain(value, group=True)


def figure_text(value: Decimal, unit: str | None, qualifier: str | None, lang: str,
                unit_labels: dict[str, str] | None = None) -> str:
    """A value as written in ``lang``: ``figure_text(Decimal(1276000000), UNIT.CCY_CNY, ckg:Exact,
    "zh-Hans")`` is 12.76亿元, in "en" 1.276 billion yuan; with ``ckg:LowerBound`` 12.76亿元以上
    and "more than 1.276 billion yuan". ``unit_labels``: the unit's labels by language, for a
    unit this module has no words for."""
    number = number_text(value, lang)
    words = UNIT_WORDS.get(unit or "")
    if words is None:
        label = (unit_labels or {}).get(lang) or next(iter((unit_labels or {}).values()), "")
        unit_text = label
        spaced = True
    elif lang == "en":
        unit_text = words[2] if value == 1 else words[3]
        spaced = unit_text not in ("%", "")
    else:
        unit_text = words[0] if lang == "zh-Hans" else words[1]
        spaced = False
    body = f"{number} {unit_text}" if spaced and unit_text else f"{number}{unit_text}"
    before, after = QUALIFIERS.get(qualifier or "", {}).get(lang, ("", ""))
    return f"{before}{body}{after}"


@dataclass(frozen=True)
class Figure:
    """An observed value in every language, with what it needs to be read correctly."""

    text: dict[str, str]        # language -> the figure as written in it
    exact: str                  # the value in base units, grouped: 1,276,000,000
    value: Decimal

    @classmethod
    def of(cls, value: Decimal, unit: str | None, qualifier: str | None,
           unit_labels: dict[str, str] | None = None) -> Figure:
        return cls({lang: figure_text(value, unit, qualifier, lang, unit_labels) for lang in LANGUAGES},
                   _plain(value, group=True), value)
