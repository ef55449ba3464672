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


def small_engines():
    """Both engines over two blank nodes (rdflib on the project's graph takes seconds to load)."""
    import pyoxigraph as ox

    from kg.query.engines import Engines

    store = ox.Store()
    store.load(b"_:x <http://example.org/p> 1 . _:y <http://example.org/p> 2 .", format=ox.RdfFormat.TURTLE)
    return Engines(store=store)


def answer(engine: str, fmt: str, text: str) -> str:
    """``text``'s answer in ``fmt`` as kg query writes it (kg.cli.query: streamed or rendered)."""
    import io

    from kg.store.results import STREAMED, write_rows

    stream = small_engines().stream(text, {}, engine)
    if fmt in STREAMED:
        out = io.StringIO()
        write_rows(fmt, stream.variables, stream, out)
        return out.getvalue()
    return stream.results().render(fmt)


@pytest.mark.parametrize("fmt", ["csv", "table"])
def test_numbers_keep_every_digit(fmt):
    """CSV and the table printed 100000000000000000000000000000 and
    1234567890.123456789012345679 (Decimal's 28-digit context), and Infinity for INF."""
    code, output = query("--sparql", NUMBERS, "--format", fmt)
    assert code == 0, output
    row = output.splitlines()[1] if fmt == "csv" else output.splitlines()[2].split()
    assert row == (f"{BIG},{LONG},INF" if fmt == "csv" else [BIG, LONG, "INF"]), output
    assert answer("rdflib", fmt, NUMBERS) == answer("oxigraph", fmt, NUMBERS)


def test_the_canonical_text_of_numbers_is_exact():
    assert lexical(Literal(BIG, datatype=INTEGER)) == BIG
    assert lexical(Literal(LONG + "000", datatype=DECIMAL, normalize=False)) == LONG
    assert lexical(Literal("1.50", datatype=DECIMAL, normalize=False)) == "1.5"
    assert lexical(Literal("1E3", datatype=DOUBLE, normalize=False)) == "1000"
    assert lexical(Literal("1.25E-30", datatype=DOUBLE, normalize=False)) == "0." + "0" * 29 + "125"
    assert [lexical(Literal(t, datatype=DOUBLE, normalize=False)) for t in ("INF", "-INF", "NaN")] == \
        ["INF", "-INF", "NaN"]


BLANK = "SELECT ?a ?same WHERE { ?a ?p ?o FILTER isBlank(?a) BIND(?a AS ?same) }"


def distinct_labels(fmt: str, output: str, rows: int) -> None:
    lines = output.splitlines()[1:1 + rows] if fmt != "table" else output.splitlines()[2:2 + rows]
    cells = [line.split("," if fmt == "csv" else None) for line in lines]
    assert len({a for a, _ in cells}) == rows, output
    assert all(a == same and a.startswith("_:") for a, same in cells), output


@pytest.mark.parametrize("fmt", ["csv", "tsv", "table"])
def test_distinct_blank_nodes_stay_distinct(fmt):
    """CSV (and the table) wrote every blank node as _:b: four distinct nodes were four equal
    rows. Each has its label, the same wherever it recurs in the answer."""
    code, output = query("--format", fmt, "--sparql",
                         "SELECT ?a ?same WHERE { { SELECT DISTINCT ?a WHERE { ?a ?b ?c FILTER isBlank(?a) } LIMIT 4 } "
                         "BIND(?a AS ?same) }")
    assert code == 0, output
    distinct_labels(fmt, output, 4)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("fmt", ["csv", "table"])
def test_distinct_blank_nodes_stay_distinct_on_both_engines(engine, fmt):
    distinct_labels(fmt, answer(engine, fmt, BLANK), 2)


def test_the_expected_answers_keep_blank_nodes_anonymous():
    from rdflib import BNode

    from kg.store.results import Results

    results = Results(["a"], [(BNode("x1"),), (BNode("x2"),)])
    assert results.to_csv() == "a\r\n_:b\r\n_:b\r\n"
    assert results.render("csv") == "a\r\n_:x1\r\n_:x2\r\n"
