"""`kg query` refuses what it cannot answer as asked, in one line, exit 2: a parameter given
twice, a parameter value outside its datatype's lexical space, a NAME that is a file or a
directory rather than a catalog question."""

from __future__ import annotations

import pytest

from test_query_refusals import one_error, query  # (the same runner and one-line check)


def test_a_parameter_given_twice_is_refused():
    """--param theme=theme:health --param theme=theme:safety answered for safety alone."""
    message = one_error(*query("01", "--param", "theme=theme:health", "--param", "theme=theme:safety"))
    assert "--param theme is given twice" in message and "theme:health" in message and "theme:safety" in message


TYPED = """#+ summary: typed parameters
#+ param: d date default=2023-01-01 a day
#+ param: x decimal default=1.5 a number
#+ param: n integer default=1 a count
SELECT ?d ?x ?n WHERE { BIND(?d AS ?dd) }
"""


@pytest.fixture(scope="module")
def typed(tmp_path_factory):
    path = tmp_path_factory.mktemp("queries") / "typed.rq"
    path.write_text(TYPED, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("value, datatype, reason", [
    ("d=2023-02-30", "date", "day 30 does not exist in month 02"),
    ("d=2023-2-3", "date", "not in the lexical space of xsd:date"),
    ("x=NaN", "decimal", "not in the lexical space of xsd:decimal"),
    ("x=1e3", "decimal", "not in the lexical space of xsd:decimal"),
    ("x=1_000", "decimal", "not in the lexical space of xsd:decimal"),
    ("n=1_000", "integer", "not in the lexical space of xsd:integer"),
    ("n=\u0661", "integer", "not in the lexical space of xsd:integer"),
    ("n=abc", "integer", "not in the lexical space of xsd:integer"),
    # representable in the store (kg.validate.lexical.unrepresentable): Oxigraph took these for
    # errors, so `?d > 0` was empty where rdflib answered
    ("x=0.0000000000000000000001", "decimal", "beyond what the store's engine (Oxigraph) computes with"),
    ("x=1000000000000000000000", "decimal", "beyond about +-1.7e20"),
    ("n=9223372036854775808", "integer", "outside -2^63..2^63-1"),
])
def test_a_typed_parameter_outside_its_lexical_space_is_refused(typed, value, datatype, reason):
    """--param d=2023-02-30 and --param x=NaN were bound as given, exit 0; int() took 1_000
    and Arabic-Indic digits for integers."""
    value = value.encode().decode("unicode_escape")
    name, _, text = value.partition("=")
    message = one_error(*query(typed, "--param", value, "--format", "csv"))
    assert message.startswith(f"kg: error: parameter {name}={text!r}: ") and f"xsd:{datatype}" in message, message
    assert reason in message, message


def test_typed_parameters_in_their_lexical_space_are_bound(typed):
    code, output = query(typed, "--param", "d=2024-02-29", "--param", "x=-0.50", "--param", "n=+007",
                         "--format", "csv")
    assert code == 0, output
    assert output.splitlines()[1] == "2024-02-29,-0.5,7", output  # (Oxigraph gives values in canonical form)


def test_a_name_that_is_a_file_or_a_directory_is_said_to_be_one(tmp_path):
    """`kg query notes.txt` and `kg query mine` (a directory) said "no catalog query named"."""
    notes = tmp_path / "my notes.txt"
    notes.write_text("SELECT * WHERE { ?s ?p ?o } LIMIT 1\n", encoding="utf-8")
    message = one_error(*query(str(notes)))
    assert f"{notes} is a file" in message and ".rq" in message and f"--sparql \"$(cat '{notes}')\"" in message
    assert "no catalog query named" not in message
    message = one_error(*query(str(tmp_path)))
    assert f"{tmp_path} is a directory" in message and "no catalog query named" not in message
    missing = str(tmp_path / "nothing-here")
    assert f"no catalog query named {missing!r}" in one_error(*query(missing))
