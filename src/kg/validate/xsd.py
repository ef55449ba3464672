"""The lexical spaces of the XSD datatypes (W3C XML Schema Definition Language (XSD) 1.1
Part 2: Datatypes): whether a lexical form is one its datatype allows, and in words why not.
Plain text in, plain text out, no RDF library: ``kg query`` checks the literals of a query's
text and its typed parameters here; kg.validate.lexical applies the same rules to the data.
"""

from __future__ import annotations

import re

from kg.prefixes import XSD_NS

# -- XSD 1.1 Part 2 lexical productions ------------------------------------------------------

_YEAR = r"-?(?:[1-9][0-9]{3,}|0[0-9]{3})"  # yearFrag: at least four digits, no leading zero beyond four
_MONTH = r"(?:0[1-9]|1[0-2])"  # monthFrag
_DAY = r"(?:0[1-9]|[12][0-9]|3[01])"  # dayFrag
_TIME = r"(?:(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?|24:00:00(?:\.0+)?)"  # hour:minute:second | endOfDayFrag
_TZ = r"(?:Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))"  # timezoneFrag
_UNSIGNED_DECIMAL = r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"  # noDecimalPtNumeral | decimalPtNumeral, unsigned
_DU_YM = r"(?:[0-9]+Y(?:[0-9]+M)?|[0-9]+M)"  # duYearMonthFrag
_DU_TIME = rf"T(?:[0-9]+H(?:[0-9]+M)?(?:{_UNSIGNED_DECIMAL}S)?|[0-9]+M(?:{_UNSIGNED_DECIMAL}S)?|{_UNSIGNED_DECIMAL}S)"  # duTimeFrag
_DU_DT = rf"(?:[0-9]+D(?:{_DU_TIME})?|{_DU_TIME})"  # duDayTimeFrag

_INTEGER = r"[+-]?[0-9]+"  # integerLexicalRep (and every integer subtype's)
_FLOAT = rf"(?:[+-]?{_UNSIGNED_DECIMAL}(?:[eE][+-]?[0-9]+)?|[+-]?INF|NaN)"  # floatRep / doubleRep

#: Local name of an XSD datatype -> its lexical production as a regular expression (matched in full).
PATTERNS: dict[str, str] = {
    "boolean": r"true|false|1|0",
    "decimal": rf"[+-]?{_UNSIGNED_DECIMAL}",
    "float": _FLOAT,
    "double": _FLOAT,
    "duration": rf"-?P(?:{_DU_YM}{_DU_DT}?|{_DU_DT})",
    "yearMonthDuration": rf"-?P{_DU_YM}",
    "dayTimeDuration": rf"-?P{_DU_DT}",
    "dateTime": rf"({_YEAR})-({_MONTH})-({_DAY})T{_TIME}{_TZ}?",
    "dateTimeStamp": rf"({_YEAR})-({_MONTH})-({_DAY})T{_TIME}{_TZ}",
    "time": rf"{_TIME}{_TZ}?",
    "date": rf"({_YEAR})-({_MONTH})-({_DAY}){_TZ}?",
    "gYearMonth": rf"{_YEAR}-{_MONTH}{_TZ}?",
    "gYear": rf"{_YEAR}{_TZ}?",
    "gMonthDay": rf"--({_MONTH})-({_DAY}){_TZ}?",  # "()" groups: year absent, February has 29 days
    "gDay": rf"---{_DAY}{_TZ}?",
    "gMonth": rf"--{_MONTH}{_TZ}?",
    "language": r"[a-zA-Z]{1,8}(?:-[a-zA-Z0-9]{1,8})*",
    "integer": _INTEGER,
    "nonPositiveInteger": _INTEGER,
    "negativeInteger": _INTEGER,
    "long": _INTEGER,
    "int": _INTEGER,
    "short": _INTEGER,
    "byte": _INTEGER,
    "nonNegativeInteger": _INTEGER,
    "unsignedLong": _INTEGER,
    "unsignedInt": _INTEGER,
    "unsignedShort": _INTEGER,
    "unsignedByte": _INTEGER,
    "positiveInteger": _INTEGER,
}

#: The value bounds (inclusive; None: unbounded) that restrict the integer subtypes' lexical spaces.
INTEGER_BOUNDS: dict[str, tuple[int | None, int | None]] = {
    "nonPositiveInteger": (None, 0), "negativeInteger": (None, -1),
    "long": (-2**63, 2**63 - 1), "int": (-2**31, 2**31 - 1), "short": (-2**15, 2**15 - 1), "byte": (-2**7, 2**7 - 1),
    "nonNegativeInteger": (0, None), "positiveInteger": (1, None),
    "unsignedLong": (0, 2**64 - 1), "unsignedInt": (0, 2**32 - 1), "unsignedShort": (0, 2**16 - 1), "unsignedByte": (0, 2**8 - 1),
}

#: What each lexical space allows, in words (for messages).
_WRITTEN = {
    "decimal": "digits with an optional sign and decimal point, no exponent (1276000000.0, -0.5)",
    "float": "a decimal number with an optional exponent, INF, -INF or NaN (1.5E8)",
    "double": "a decimal number with an optional exponent, INF, -INF or NaN (1.5E8)",
    "boolean": "true, false, 1 or 0",
    "dateTime": "YYYY-MM-DDThh:mm:ss with an optional fraction and time zone (2023-08-22T15:51:00+08:00)",
    "dateTimeStamp": "YYYY-MM-DDThh:mm:ss with a time zone (2023-08-22T15:51:00+08:00)",
    "time": "hh:mm:ss with an optional fraction and time zone (15:51:00)",
    "date": "YYYY-MM-DD with an optional time zone (2023-08-22)",
    "gYearMonth": "YYYY-MM (2023-08)",
    "gYear": "YYYY (2023)",
    "gMonthDay": "--MM-DD (--08-22)",
    "gDay": "---DD (---22)",
    "gMonth": "--MM (--08)",
    "duration": "PnYnMnDTnHnMnS (P1Y2M, PT36H)",
    "yearMonthDuration": "PnYnM (P1Y2M)",
    "dayTimeDuration": "PnDTnHnMnS (P2DT3H)",
    "language": "a language tag (zh-Hans, en)",
}

_COMPILED: dict[str, re.Pattern] = {}  # compiled when first asked for: see _pattern
#: The datatype IRIs checked here.
CHECKED: frozenset[str] = frozenset(XSD_NS + name for name in PATTERNS)
_WITH_DAY = {"dateTime", "dateTimeStamp", "date"}


def _days_in_month(year: int | None, month: int) -> int:
    """XSD 1.1 Part 2, appendix D (daysInMonth): February has 29 days when the year is absent
    or a leap year of the proleptic Gregorian calendar (the year as written, 0000 included)."""
    if month == 2:
        return 29 if year is None or (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _pattern(name: str) -> re.Pattern | None:
    """The compiled pattern of the XSD datatype ``name`` (None: not checked here), compiled on
    first use: compiling them all took every command that imports this module (`kg query`
    checks a query's typed literals) 3 ms at start, and most never check one."""
    pattern = _COMPILED.get(name)
    if pattern is None and name in PATTERNS:
        pattern = _COMPILED[name] = re.compile(PATTERNS[name])
    return pattern


def ill_formed(lexical: str, datatype: str) -> str | None:
    """Why ``lexical`` is not in the lexical space of the XSD datatype ``datatype`` (an IRI), or
    None when it is (or when the datatype is not one of :data:`CHECKED`: not decided here)."""
    if not datatype.startswith(XSD_NS):
        return None
    name = datatype[len(XSD_NS):]
    pattern = _pattern(name)
    if pattern is None:
        return None
    match = pattern.fullmatch(lexical)
    if match is None:
        return f"not in the lexical space of xsd:{name}: {_WRITTEN.get(name, 'ASCII digits with an optional sign')}"
    if name in _WITH_DAY or name == "gMonthDay":
        if name == "gMonthDay":
            year, month, day = None, int(match.group(1)), int(match.group(2))
        else:  # (the year modulo 400 is all a leap year depends on: its last four digits suffice)
            year, month, day = int(match.group(1)[:1].strip("0123456789") + match.group(1)[-4:]), \
                int(match.group(2)), int(match.group(3))
        if day > _days_in_month(year, month):
            return f"not in the lexical space of xsd:{name}: day {day} does not exist in month {month:02d}" + (
                f" of {match.group(1)}" if year is not None and len(match.group(1)) <= 12 else
                " of that year" if year is not None else "")
    bounds = INTEGER_BOUNDS.get(name)
    if bounds is not None:
        low, high = bounds
        digits = lexical.lstrip("+-").lstrip("0")
        if len(digits) > 30:  # beyond every bounded subtype (2**64 has 20 digits); int() would be slow
            value = None
        else:
            value = int(lexical)
        negative = lexical.startswith("-") and digits != ""
        if value is None:
            out = (high is not None and not negative) or (low is not None and negative)
        else:
            out = (low is not None and value < low) or (high is not None and value > high)
        if out:
            span = f"{'' if low is None else low}..{'' if high is None else high}"
            return f"not in the lexical space of xsd:{name}: outside {span}"
    return None


def fault(lexical: str, datatype: str) -> str | None:
    """Why a literal of ``lexical`` and XSD ``datatype`` cannot be computed with: ill-formed
    (:func:`ill_formed`) or not representable in the store
    (kg.store.representable.unrepresentable); None when it can. The one rule validation,
    import and query parameters apply to typed values."""
    from kg.store.representable import unrepresentable

    return ill_formed(lexical, datatype) or unrepresentable(lexical, datatype)
