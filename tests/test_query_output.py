"""What `kg query` writes for people and programs: every digit of a number, the special values
of xsd:double in their XSD form, distinct blank nodes told apart."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef

from kg.cli import main
from kg.store.results import lexical

ENGINES = ["oxigraph", "rdflib"]
XSD = "http://www.w3.org/2001/XMLSchema#"
INTEGER, DECIMAL, DOUBLE = (URIRef(XSD + name) for name in ("integer", "decimal", "double"))
BIG = "99999999999999999999999999999"
LONG = "1234567890.123456789012345678901"
NUMBERS = (f'SELECT ?x ?y ?z WHERE {{ BIND({BIG} AS ?x) BIND({LONG} AS ?y) '
           f'BIND("INF"^^xsd:double AS ?z) }}')


def query(*args: str):
    result = CliRunner().invoke(main, ["query", *args], catch_exceptions=False)
    return result.exit_code, result.output


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("fmt", ["csv", "table"])
def test_numbers_keep_every_digit(engine, fmt):
    """CSV and the table printed 100000000000000000000000000000 and
    1234567890.123456789012345679 (Decimal's 28-digit context), and Infinity for INF."""
    code, output = query("--engine", engine, "--sparql", NUMBERS, "--format", fmt)
    assert code == 0, output
    row = output.splitlines()[1] if fmt == "csv" else output.splitlines()[2].split()
    assert row == (f"{BIG},{LONG},INF" if fmt == "csv" else [BIG, LONG, "INF"]), output


def test_the_canonical_text_of_numbers_is_exact():
    assert lexical(Literal(BIG, datatype=INTEGER)) == BIG
    assert lexical(Literal(LONG + "000", datatype=DECIMAL, normalize=False)) == LONG
    assert lexical(Literal("1.50", datatype=DECIMAL, normalize=False)) == "1.5"
    assert lexical(Literal("1E3", datatype=DOUBLE, normalize=False)) == "1000"
    assert lexical(Literal("1.25E-30", datatype=DOUBLE, normalize=False)) == "0." + "0" * 29 + "125"
    assert [lexical(Literal(t, datatype=DOUBLE, normalize=False)) for t in ("INF", "-INF", "NaN")] == \
        ["INF", "-INF", "NaN"]
