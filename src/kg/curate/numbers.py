"""The figures a text reports: where each is, its value in base units, unit and qualifier.

A figure is a number with its unit as the text writes it, with the qualifier words around
it: ``突破100萬美元``, ``1000余名``, ``8.08億元以上``, ``兩家以上``, ``年產5萬噸``. Numbers
are read by cn2an (Chinese numerals: 兩, 十二, 三千五百) and the figure by the link step's
parser (:func:`kg.link.values.parse_value`: magnitudes, units, qualifiers), so a figure in a
text and in a table mean the same.

Not every number is a figure. Skipped, each with its reason (:class:`Skipped`):

- a number without a unit (years, grades such as 4A, the code name 82864), unless it is a
  sum of money the indicator names (``生產總值首次突破百億大關``: yuan);
- a number inside quotation marks: the name of a policy or slogan (``“8個不變”``,
  ``“五個中心”``), not a count of anything;
- an ordinal (``第五``, ``第四批``) or a rank cut-off (``前50名``): rankings are recognitions;
- 一 with a classifier alone (``一批``, ``一個``): the indefinite article, not a count;
- a threshold: a bound that qualifies the noun counted next (``年經營性收入20萬元以上村(社區)16個``:
  the figure is the 16; 20萬元以上 says which villages are counted).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from rdflib import URIRef

from kg.link.values import UNITS, ValueParseError, parse_value
from kg.namespaces import UNIT
from kg.sources.clean import to_simplified

_DIGITS = "0-9\uff10-\uff19"
_CHINESE_DIGITS = "零〇一二两兩三四五六七八九"
_CHINESE = _CHINESE_DIGITS + "十百千万萬亿億"
_MAGNITUDES = "十百千万萬亿億"
PREFIX_QUALIFIERS = ("突破", "超过", "超過", "逾", "将近", "將近", "接近", "近", "大约", "大約", "约", "約",
                     "不足", "不到", "不超过", "不超過")
SUFFIX_QUALIFIERS = ("以上", "以下", "左右", "以内", "以內", "余", "餘", "多")
CAPACITY_PREFIXES = ("年产", "年產", "年处理", "年處理")
#: A milestone written after a sum (突破百億大關): part of the figure, not a unit.
MILESTONES = ("大关", "大關", "关口", "關口")
#: Words of an indicator that is a sum of money: a figure of it without a unit is in yuan.
MONEY_WORDS = ("生产总值", "生產總值", "GDP", "产值", "產值", "总值", "總值", "增加值", "收入", "投资", "投資",
               "资金", "資金", "营业额", "營業額", "销售额", "銷售額", "税收", "稅收", "财政", "財政", "存款",
               "贷款", "貸款", "金额", "金額", "利润", "利潤", "消费", "消費", "资产", "資產")
_QUOTE_PAIRS = {"“": "”", "「": "」", "『": "』", "《": "》", "‘": "’", '"': '"'}
_CLAUSE_END = "，,、；;。！!？?：:\n"

_UNIT_WORDS = sorted((w for w in UNITS if not w.isascii() or w in ("%",)), key=len, reverse=True)
_UNIT = "|".join(re.escape(w) for w in _UNIT_WORDS)
_PREFIX = "|".join(re.escape(w) for w in sorted(PREFIX_QUALIFIERS, key=len, reverse=True))
_SUFFIX = "|".join(re.escape(w) for w in sorted(SUFFIX_QUALIFIERS, key=len, reverse=True))
_CAPACITY = "|".join(re.escape(w) for w in CAPACITY_PREFIXES)
_MILESTONE = "|".join(re.escape(w) for w in MILESTONES)

# capacity? prefix-qualifier? number magnitudes? mid-qualifier? unit? suffix-qualifier? milestone?
_FIGURE = re.compile(
    f"(?P<capacity>{_CAPACITY})?"
    f"(?P<prefix>{_PREFIX})?"
    f"(?P<number>[{_DIGITS}]+(?:[,，][{_DIGITS}]{{3}})*(?:[.．][{_DIGITS}]+)?[{_MAGNITUDES}]*"
    f"|[{_CHINESE}]*[{_CHINESE_DIGITS}十][{_CHINESE}]*"
    f"|[{_MAGNITUDES}]{{1,3}}(?=(?:{_MILESTONE})))"
    f"(?P<mid>余|餘|多)?"
    f"(?P<unit>{_UNIT})?"
    f"(?P<suffix>{_SUFFIX})?"
    f"(?P<milestone>{_MILESTONE})?"
)


@dataclass(frozen=True)
class Figure:
    """A figure found in a text: ``start``/``end`` the offsets of ``reported`` (the figure
    as written, qualifiers included, fillers such as 共 and 達 not), ``value`` in base units,
    ``unit`` a QUDT or ckg unit IRI, ``qualifier`` ckg:Exact/LowerBound/UpperBound/
    Approximate; ``unit_from`` says where the unit comes from: 'text', or 'indicator' when
    the text writes none and the indicator names a sum of money."""

    start: int
    end: int
    reported: str
    value: Decimal
    unit: URIRef
    qualifier: URIRef
    unit_from: str = "text"


@dataclass(frozen=True)
class Skipped:
    """A number that is not a figure, and why (for the review's record)."""

    start: int
    end: int
    text: str
    reason: str
    with_unit: bool = False   # written with a unit (五個, 20萬元以上), not a bare numeral (九, 2022)


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """The spans inside quotation marks (“…”, 「…」, 《…》), within one line."""
    spans = []
    for opening, closing in _QUOTE_PAIRS.items():
        pattern = re.compile(re.escape(opening) + "[^" + re.escape(closing) + "\n]{1,40}" + re.escape(closing))
        spans += [(m.start(), m.end()) for m in pattern.finditer(text)]
    return sorted(spans)


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(a < start and end < b for a, b in spans)


def read_number(text: str) -> Decimal:
    """A number as written, digits or Chinese numerals (cn2an): ``兩`` -> 2, ``三千五百`` ->
    3500, ``12.76`` -> 12.76; magnitudes alone (``百億``) are 1 times them. Raises
    ValueParseError for anything else."""
    import cn2an

    simplified = to_simplified(text)
    if re.fullmatch(f"[{_MAGNITUDES}]+", simplified):
        return Decimal(1)
    if re.fullmatch(f"[{_DIGITS},，.．]+", simplified):
        return Decimal(re.sub("[,，]", "", simplified.translate(str.maketrans("０１２３４５６７８９．", "0123456789."))))
    try:
        return Decimal(str(cn2an.cn2an(simplified, "smart")))
    except (ValueError, KeyError) as exc:
        raise ValueParseError(f"not a number: {text!r} ({exc})") from None


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause around [start, end): between the punctuation marks that end clauses."""
    left = max(text.rfind(ch, 0, start) for ch in _CLAUSE_END) + 1
    rights = [i for i in (text.find(ch, end) for ch in _CLAUSE_END) if i != -1]
    return left, min(rights) if rights else len(text)


def _is_money(phrase: str) -> bool:
    return any(word in phrase for word in MONEY_WORDS)


def find_figures(text: str) -> tuple[list[Figure], list[Skipped]]:
    """Every figure in ``text`` and every number skipped, each with offsets (see the
    module's docstring for what is skipped and why)."""
    quotes = quoted_spans(text)
    figures: list[Figure] = []
    skipped: list[Skipped] = []
    matches = [m for m in _FIGURE.finditer(text) if m.group("number")]
    for index, match in enumerate(matches):
        number_start, number_end = match.span("number")
        start = match.start("prefix") if match.group("prefix") else number_start
        if match.group("capacity"):
            start = match.start("capacity")
        end = match.end()
        if match.group("milestone"):
            end = match.start("milestone")
        literal = text[start:end]

        def skip(reason: str) -> None:
            skipped.append(Skipped(start, end, literal, reason, bool(match.group("unit"))))

        before = text[max(0, number_start - 1):number_start]
        after = text[match.end():match.end() + 1]
        if _inside(quotes, start, end):
            skip("inside quotation marks: part of a name")
            continue
        if before == "第" or text[number_start:number_start + 1] == "第":
            skip("an ordinal")
            continue
        if before == "前" and match.group("unit") in ("名", "位"):
            skip("a rank cut-off")
            continue
        if before.isascii() and before.isalnum() or (after.isascii() and after.isalpha() and not match.group("unit")):
            skip("part of a code or a grade")
            continue
        digits = match.group("number")
        if digits in ("一", "壹") and match.group("unit") and not match.group("suffix") and not match.group("mid"):
            skip("一 with a classifier: the indefinite article")
            continue
        if match.group("suffix") in ("以上", "以下") and after and re.match(f"[{_HAN_CLASS}]", after):
            clause_start, clause_end = _clause(text, start, end)
            if any(clause_start <= other.start("number") < clause_end for other in matches[index + 1:]):
                skip("a threshold: it says which things the next figure counts")
                continue
        body = text[match.start("number") if not match.group("prefix") else match.start("prefix"):end]
        try:
            parsed = parse_value(_normalised(body, digits))
        except ValueParseError as exc:
            skip(f"not read: {exc}")
            continue
        unit, unit_from = parsed.unit, "text"
        if match.group("capacity") and unit == UNIT.TONNE:
            unit = UNIT["TONNE-PER-YR"]
        if unit is None:
            clause_start, _clause_end = _clause(text, start, end)
            if (_only_magnitudes(digits) or _trailing_magnitudes(digits)) and _is_money(text[clause_start:start]):
                unit, unit_from = UNIT.CCY_CNY, "indicator"
            else:
                skip("no unit")
                continue
        figures.append(Figure(start, end, literal, parsed.value, unit, parsed.qualifier, unit_from))
    return figures, skipped


_HAN_CLASS = "\u3400-\u9fff\uf900-\ufaff"


def _only_magnitudes(digits: str) -> bool:
    return bool(re.fullmatch(f"[{_MAGNITUDES}]+", digits))


def _trailing_magnitudes(digits: str) -> str:
    """The magnitudes after an Arabic number (10萬 -> 萬); "" for Chinese numerals, which
    carry theirs inside the number cn2an reads (三千五百萬)."""
    match = re.fullmatch(f"([{_DIGITS},，.．]+)([{_MAGNITUDES}]*)", digits)
    return match.group(2) if match else ""


def _normalised(body: str, digits: str) -> str:
    """``body`` with its number in plain digits for parse_value: Chinese numerals read by
    cn2an (兩家以上 -> 2家以上), full-width digits folded; magnitudes alone (百億) kept."""
    if _only_magnitudes(digits):
        return body
    trailing = _trailing_magnitudes(digits)
    core = digits[: len(digits) - len(trailing)] if trailing else digits
    return body.replace(digits, _plain(read_number(core)) + trailing, 1)


def _plain(number: Decimal) -> str:
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
