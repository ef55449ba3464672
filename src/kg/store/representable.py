"""Representable in the store: the numbers and dates the store's engine computes with.

A well-formed xsd:decimal, xsd:integer or date (XSD 1.1 Part 2) can still be beyond what
Oxigraph holds; it then parses the literal as an opaque term, SPARQL arithmetic and
comparisons on it are errors, and the value silently drops out of sums, maxima and filters,
while rdflib computes with it. A well-formed xsd:float or xsd:double beyond its type's range
is held, but as INF or 0 (XSD 1.1 Part 2, 3.3.4.3: the lexical mapping rounds), not as the
number written. :func:`unrepresentable` is the one rule validation (kg.validate.lexical),
import (kg.link.importer), query parameters and literals (kg.query.engines) and the reasoner's
input (kg.validate.reasoner) apply.
"""

from __future__ import annotations

import re
from decimal import Decimal

XSD_NS = "http://www.w3.org/2001/XMLSchema#"
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")  # decimalLexicalRep
_INTEGER = re.compile(r"[+-]?[0-9]+")  # integerLexicalRep
_FLOAT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")  # floatRep, INF and NaN aside
#: xsd:integer and the types derived from it (XSD 1.1 Part 2, 3.4).
INTEGER_TYPES = frozenset(
    "integer nonPositiveInteger negativeInteger long int short byte nonNegativeInteger unsignedLong "
    "unsignedInt unsignedShort unsignedByte positiveInteger".split())

#: The store's engine (Oxigraph, crate oxsdatatypes) holds an xsd:decimal as an i128 integer
#: scaled by 10^18 (``struct Decimal { value: i128 }``, ``DECIMAL_PART_DIGITS = 18`` in
#: lib/oxsdatatypes/src/decimal.rs): at most 18 fractional digits (trailing zeros aside) and
#: a value within [-2^127, 2^127 - 1] / 10^18, about +-1.7e20.
DECIMAL_FRACTION_DIGITS = 18
DECIMAL_SCALED_BOUNDS = (-2**127, 2**127 - 1)
#: ... and xsd:integer and every type derived from it as an i64 (``struct Integer { value: i64 }``
#: in lib/oxsdatatypes/src/integer.rs): xsd:unsignedLong's upper half included, it is not held.
INTEGER_STORE_BOUNDS = (-2**63, 2**63 - 1)
#: A date's point on the time line (Oxigraph's ``time_on_timeline`` in
#: lib/oxsdatatypes/src/date_time.rs: whole seconds from year 1 as an i128, then a Decimal, with
#: the seconds' fraction added) must be a Decimal: within :data:`DECIMAL_SCALED_BOUNDS` once
#: scaled by 10^18, a year within about +-5.39e12. Types with a year: a date outside is not held.
DATE_TYPES = frozenset(("date", "dateTime", "dateTimeStamp", "gYear", "gYearMonth"))
#: Types whose seconds are a Decimal (``second_frag``: at most 18 fractional digits).
SECONDS_TYPES = frozenset(("dateTime", "dateTimeStamp", "time"))
_DATE = re.compile(r"(-?[0-9]{4,})(?:-([0-9]{2}))?(?:-([0-9]{2}))?"  # year, month, day
                   r"(?:T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?)?"  # hour, minute, second, fraction
                   r"(Z|([+-])([0-9]{2}):([0-9]{2}))?")  # time zone
_TIME = re.compile(r"[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.([0-9]+))?(?:Z|[+-][0-9]{2}:[0-9]{2})?")
#: xsd:float and xsd:double (IEEE 754 binary32, binary64; Rust's f32 and f64 ``from_str``,
#: which round to nearest, ties to even): a magnitude at or above the first bound is INF
#: (the largest finite value plus half a unit in the last place), one at or below the second
#: is 0 (half the smallest subnormal).
FLOAT_BOUNDS = {"float": (Decimal(2**128 - 2**103), Decimal((0, tuple(map(int, str(5**150))), -150))),
                "double": (Decimal(2**1024 - 2**970), Decimal((0, tuple(map(int, str(5**1075))), -1075)))}
#: In the reason for a float or double beyond its range: what the store holds instead.
HELD_AS = "it is held as"
#: The prefix of every reason :func:`unrepresentable` gives.
UNREPRESENTABLE = "beyond what the store's engine (Oxigraph) computes with"


def unrepresentable(lexical: str, datatype: str) -> str | None:
    """Why the well-formed ``lexical`` of XSD ``datatype`` (an IRI) is not *representable in the
    store*, or None when it is (or is not a decimal, integer, float, double or date type: not
    decided here).

    The rule is Oxigraph's (pyoxigraph 0.5, crate oxsdatatypes; see :data:`DECIMAL_SCALED_BOUNDS`,
    :data:`INTEGER_STORE_BOUNDS`, :data:`DATE_TYPES`, :data:`SECONDS_TYPES` and
    :data:`FLOAT_BOUNDS`), checked against the engine by experiment in tests/test_lexical.py: a
    number or date outside it is parsed as an opaque term, so SPARQL arithmetic and comparisons
    on it are errors and it silently drops out of SUM, MAX and FILTERs, while rdflib computes
    with it; a float or double outside it is computed with as INF or 0. Examples:
    "1000000000000000000000"^^xsd:decimal (1e21), "0.1234567890123456789"^^xsd:decimal (19
    fractional digits), "9223372036854775808"^^xsd:integer (2^63),
    "5400000000000-01-01"^^xsd:date (a year beyond about 5.39e12), "1e39"^^xsd:float (INF). An
    ill-formed ``lexical`` (kg.validate.lexical.ill_formed) is not decided here: None."""
    if not datatype.startswith(XSD_NS):
        return None
    name = datatype[len(XSD_NS):]
    if name in DATE_TYPES or name == "time":
        return _date(lexical, name)
    if name in FLOAT_BOUNDS:
        return _float(lexical, name)
    if name == "decimal":
        if len(lexical) <= 19 or not _DECIMAL.fullmatch(lexical):
            return None  # 19 characters hold at most 19 integer digits or 18 fractional ones
        whole, _, fraction = lexical.lstrip("+-").partition(".")
        fraction = fraction.rstrip("0")
        if len(fraction) > DECIMAL_FRACTION_DIGITS:
            return (f"{UNREPRESENTABLE}: an xsd:decimal with more than {DECIMAL_FRACTION_DIGITS} "
                    f"fractional digits ({len(fraction)})")
        digits = (whole + fraction).lstrip("0")
        if len(digits) > 45:  # beyond 2**127 whatever the scale; int() of it would be slow
            scaled = None
        else:
            scaled = int(digits or "0") * 10 ** (DECIMAL_FRACTION_DIGITS - len(fraction))
            scaled = -scaled if lexical.startswith("-") else scaled
        low, high = DECIMAL_SCALED_BOUNDS
        if scaled is None or not low <= scaled <= high:
            whole = whole.lstrip("0")
            return (f"{UNREPRESENTABLE}: an xsd:decimal whose integer part ({len(whole)} digits) is beyond "
                    f"about +-1.7e20 (+-2^127 / 10^18)")
        return None
    if name in INTEGER_TYPES:
        if len(lexical) <= 18 or not _INTEGER.fullmatch(lexical):
            return None
        digits = lexical.lstrip("+-").lstrip("0")
        low, high = INTEGER_STORE_BOUNDS
        value = None if len(digits) > 30 else int(lexical)
        if value is None or not low <= value <= high:
            return f"{UNREPRESENTABLE}: an xsd:{name} outside -2^63..2^63-1"
    return None


def _fraction_digits(fraction: str | None) -> int:
    return len((fraction or "").rstrip("0"))


def _date(lexical: str, name: str) -> str | None:
    """:func:`unrepresentable` for the types with a year or seconds (:data:`DATE_TYPES`,
    :data:`SECONDS_TYPES`)."""
    if name == "time":
        match = _TIME.fullmatch(lexical)
        if match is not None and _fraction_digits(match.group(1)) > DECIMAL_FRACTION_DIGITS:
            return (f"{UNREPRESENTABLE}: an xsd:time whose seconds have more than {DECIMAL_FRACTION_DIGITS} "
                    f"fractional digits ({_fraction_digits(match.group(1))})")
        return None
    match = _DATE.fullmatch(lexical)
    if match is None:
        return None  # ill-formed: ill_formed's to say
    year_text, month, day, hour, minute, second, fraction, zone, sign, zone_hours, zone_minutes = match.groups()
    if name in SECONDS_TYPES and _fraction_digits(fraction) > DECIMAL_FRACTION_DIGITS:
        return (f"{UNREPRESENTABLE}: an xsd:{name} whose seconds have more than {DECIMAL_FRACTION_DIGITS} "
                f"fractional digits ({_fraction_digits(fraction)})")
    if len(year_text.lstrip("-")) <= 11:
        return None  # a year below 10^11 is some 3e18 seconds from year 1, far within the bounds
    beyond = (f"{UNREPRESENTABLE}: an xsd:{name} whose year ({year_text}) is beyond about +-5.39e12 (its "
              f"seconds from year 1 must be an xsd:decimal within +-2^127 / 10^18)")
    if len(year_text.lstrip("-")) > 20:
        return beyond  # beyond 10^20 years whatever the rest; int() of it would be slow
    offset = 0 if zone in (None, "Z") else (int(zone_hours) * 60 + int(zone_minutes)) * (-1 if sign == "-" else 1)
    seconds = _time_on_timeline(int(year_text), int(month) if month else None, int(day) if day else None,
                                int(hour or 0), int(minute or 0) - offset)
    low, high = DECIMAL_SCALED_BOUNDS
    scale = 10 ** DECIMAL_FRACTION_DIGITS
    whole = seconds * scale
    total = whole + int(second or 0) * scale + int((fraction or "").ljust(DECIMAL_FRACTION_DIGITS, "0") or "0")
    if not (low <= whole <= high and low <= total <= high):
        return beyond
    return None


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _time_on_timeline(year: int, month: int | None, day: int | None, hour: int, minutes: int) -> int:
    """Whole seconds of a date's point on the time line (the seconds themselves aside), as
    Oxigraph computes them (``time_on_timeline``, lib/oxsdatatypes/src/date_time.rs, after XSD
    1.1 Part 2, E.3.4 timeOnTimeline): ``minutes`` are the minute less the time zone offset."""
    yr = year - 1
    mo = 12 if month is None else month
    da = _days_in_month(yr + 1, mo) - 1 if day is None else day - 1
    return (31_536_000 * yr + 86_400 * (yr // 400 - yr // 100 + yr // 4)
            + 86_400 * sum(_days_in_month(yr + 1, m) for m in range(1, mo))
            + 86_400 * da + 3_600 * hour + 60 * minutes)


def _float(lexical: str, name: str) -> str | None:
    """:func:`unrepresentable` for xsd:float and xsd:double (:data:`FLOAT_BOUNDS`)."""
    if "e" not in lexical and "E" not in lexical and len(lexical) <= 38:
        return None  # without an exponent, 38 characters hold neither 3.4e38 nor 2^-150
    if not _FLOAT.fullmatch(lexical):
        return None  # INF, -INF and NaN are values of the type; anything else is ill-formed
    value = Decimal(lexical).copy_abs()  # exact, whatever the exponent (abs() rounds to 28 digits)
    if value == 0:
        return None
    overflow, underflow = FLOAT_BOUNDS[name]
    largest = "3.4028235e38" if name == "float" else "1.7976931348623157e308"
    if value >= overflow:
        return (f"{UNREPRESENTABLE}: an xsd:{name} beyond its largest value, about {largest}: "
                f"{HELD_AS} {'-' if lexical.startswith('-') else ''}INF")
    if value <= underflow:
        return (f"{UNREPRESENTABLE}: an xsd:{name} nearer 0 than its smallest value "
                f"({'about 1.4e-45' if name == 'float' else 'about 4.9e-324'}): {HELD_AS} 0")
    return None
