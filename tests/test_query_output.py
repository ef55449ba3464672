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

    stream = small_engines().stream(text, {}, engine, rdflib_terms=False)  # (as kg query asks)
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


# -- the answer written from pyoxigraph's terms, without rdflib -------------------------------

FORMATS = ("csv", "tsv", "json", "xml", "table", "markdown", "canonical")


def written(variables: list[str], rows: list[tuple], fmt: str, labeler) -> str:
    """Rows in ``fmt``, by the writers every output of kg query and kg serve uses."""
    import io

    from kg.store.results import Results, write_rows, write_xml

    if fmt in ("csv", "tsv", "json", "xml"):
        out = io.StringIO()
        (write_xml if fmt == "xml" else lambda v, r, o: write_rows(fmt, v, r, o))(variables, rows, out)
        return out.getvalue()
    results = Results(variables, rows, labeler=labeler)
    return results.to_csv() if fmt == "canonical" else results.render(fmt)


#: Labels in every language and case of tag, besides the catalog's (mostly English) answers.
LABELS = 'SELECT ?s ?l WHERE { ?s rdfs:label ?l FILTER(lang(?l) != "en") } ORDER BY ?s ?l LIMIT 60'


def test_every_catalog_answer_is_written_the_same_from_either_kind_of_term():
    """kg query writes pyoxigraph's terms as the engine gives them (language tags lower-cased,
    xsd:string explicit), never converting them to rdflib's: every catalog question's answer,
    in every format, is byte for byte what the same rows as rdflib terms give."""
    from kg.query.catalog import catalog
    from kg.query.engines import Engines, bind_parameters

    engines = Engines()
    try:
        labeler = engines.labeler("en")
        questions = [(item.name, item.text, bind_parameters(item, {})) for item in catalog()] + [("labels", LABELS, {})]
        for name, text, bindings in questions:
            stream = engines.stream(text, bindings, rdflib_terms=False)
            variables, native = list(stream.variables), stream.results().rows
            converted = engines.stream(text, bindings, rdflib_terms=True).results().rows
            for fmt in FORMATS:
                assert written(variables, native, fmt, labeler) == written(variables, converted, fmt, labeler), \
                    (name, fmt)
        assert '"xml:lang": "zh-Hans"' in written(variables, native, "json", labeler)
    finally:
        engines.close()


def test_a_graph_answer_is_written_the_same_from_either_kind_of_term():
    """N-Triples and Turtle (kg serve's CONSTRUCT answers), ASK in JSON and XML."""
    import io

    from kg.query.engines import Engines
    from kg.store.results import boolean, write_ntriples, write_turtle

    text = ('CONSTRUCT { ?s rdfs:label ?l ; ckg:divisionCode ?c } WHERE { ?s rdfs:label ?l '
            'OPTIONAL { ?s ckg:divisionCode ?c } FILTER(lang(?l) = "zh-Hans") } LIMIT 40')
    engines = Engines()
    try:
        for write in (write_ntriples, write_turtle):
            out = {}
            for kind in (False, True):
                buffer = io.StringIO()
                write(engines.stream(text, {}, rdflib_terms=kind), buffer)
                out[kind] = buffer.getvalue()
            assert out[False] == out[True] and "@zh-Hans" in out[False], write.__name__
        for ask, truth in (("ASK { ?s rdfs:label ?l }", True), ("ASK { ?s rdfs:label 42 }", False)):
            assert [boolean(next(iter(engines.stream(ask, {}, rdflib_terms=kind)))[0]) for kind in (False, True)] \
                == [truth, truth]
    finally:
        engines.close()


def imported_modules(*args: str) -> tuple[str, set[str]]:
    """The output of ``kg query ARGS`` in a process of its own, and every module it imported
    (python -X importtime names each on standard error as it is imported)."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "kg", "query", *args], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    modules = {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines()
               if line.startswith("import time:") and line.count("|") == 2}
    return done.stdout, modules


@pytest.mark.parametrize("args", [("11", "--format", "csv"), ("11", "--format", "table"),
                                  ("--sparql", "ASK { ?s ?p ?o }", "--format", "json")])
def test_a_question_asked_of_the_store_never_imports_rdflib(args):
    """`kg query 11` took five times as long as opening the store and asking it: a third of a
    second went on importing rdflib (and importlib.metadata, urllib.request through it) to
    convert every answer term to rdflib's and back. The default engine's answer is written
    from pyoxigraph's terms; rdflib is for --engine rdflib and for building graphs."""
    output, modules = imported_modules(*args)
    assert output.strip(), "the question must answer something"
    assert "pyoxigraph" in modules and "kg.store.results" in modules, sorted(modules)  # (the listing is real)
    assert not {m for m in modules if m == "rdflib" or m.startswith("rdflib.")}, sorted(modules)
    assert "urllib.request" not in modules


#: Modules `kg query` does not need to answer from a current store: rdflib (0.1 s to import:
#: the other engine), the XML parsers (reading RDF/XML files), tempfile, shutil, hashlib and
#: secrets (writing outputs, updating the store, calling endpoints). Each one costs a command a
#: person types again and again milliseconds at start.
NOT_FOR_A_QUERY = ("rdflib", "xml.sax", "xml.parsers.expat", "tempfile", "shutil", "hashlib", "secrets")


def test_kg_query_from_a_current_store_loads_no_module_it_does_not_need():
    import subprocess
    import sys

    program = ("import runpy, sys\nsys.argv = ['kg', 'query', '16-indicators', '--format', 'csv']\n"
               "try:\n    runpy.run_module('kg', run_name='__main__')\nexcept SystemExit as exc:\n    code = exc.code\n"
               f"print('loaded:', ','.join(m for m in {NOT_FOR_A_QUERY!r} if m in sys.modules), file=sys.stderr)\n"
               "sys.exit(code)\n")
    subprocess.run([sys.executable, "-m", "kg", "query", "16-indicators", "--format", "csv"], capture_output=True,
                   check=True)  # (the store brought up to date, if it was not)
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("place,indicator,")
    assert result.stderr.strip().splitlines()[-1] == "loaded:", result.stderr
