"""`kg query` refuses what it cannot answer as asked, in one line, exit 2: a parameter given
twice, a parameter value outside its datatype's lexical space, a NAME that is a file or a
directory rather than a catalog question."""

from __future__ import annotations

from click.testing import CliRunner

from kg.cli import main


def query(*args: str):
    result = CliRunner().invoke(main, ["query", *args], catch_exceptions=False)
    return result.exit_code, result.output


def one_error(code: int, output: str) -> str:
    assert code == 2, output
    assert output.startswith("kg: error: ") and output.count("\n") == 1, output
    return output


def test_a_parameter_given_twice_is_refused():
    """--param theme=theme:health --param theme=theme:safety answered for safety alone."""
    message = one_error(*query("01", "--param", "theme=theme:health", "--param", "theme=theme:safety"))
    assert "--param theme is given twice" in message and "theme:health" in message and "theme:safety" in message
