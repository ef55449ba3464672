"""Representable in the store: the numbers the store's engine computes with.

A well-formed xsd:decimal or xsd:integer (XSD 1.1 Part 2) can still be beyond what Oxigraph
holds; it then parses the literal as an opaque term, SPARQL arithmetic and comparisons on it
are errors, and the value silently drops out of sums, maxima and filters, while rdflib
computes with it. :func:`unrepresentable` is the one rule validation (kg.validate.lexical),
import (kg.link.importer), query parameters and literals (kg.query.engines) and the reasoner's
input (kg.validate.reasoner) apply.
"""

from __future__ import annotations

import re

XSD_NS = "http://www.w3.org/2001/XMLSchema#"
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")  # decimalLexicalRep
_INTEGER = re.compile(r"[+-]?[0-9]+")  # integerLexicalRep
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
#: The prefix of every reason :func:`unrepresentable` gives.
UNREPRESENTABLE = "beyond what the store's engine (Oxigraph) computes with"


def unrepresentable(lexical: str, datatype: str) -> str | None:
    """Why the well-formed ``lexical`` of XSD ``datatype`` (an IRI) is not *representable in the
    store*, or None when it is (or is not a decimal or integer type: not decided here).

    The rule is Oxigraph's (pyoxigraph 0.5, crate oxsdatatypes; see :data:`DECIMAL_SCALED_BOUNDS`
    and :data:`INTEGER_STORE_BOUNDS`), checked against the engine by experiment in
    tests/test_lexical.py: a value outside it is parsed as an opaque term, so SPARQL arithmetic
    and comparisons on it are errors and it silently drops out of SUM, MAX and FILTERs, while
    rdflib computes with it. Examples: "1000000000000000000000"^^xsd:decimal (1e21),
    "0.1234567890123456789"^^xsd:decimal (19 fractional digits),
    "9223372036854775808"^^xsd:integer (2^63). An ill-formed ``lexical``
    (kg.validate.lexical.ill_formed) is not decided here: None."""
    if not datatype.startswith(XSD_NS):
        return None
    name = datatype[len(XSD_NS):]
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
            return f"{UNREPRESENTABLE}: an xsd:decimal beyond about +-1.7e20, 2^127 / 10^18"
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
