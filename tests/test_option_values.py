"""Option values that mean nothing are refused at the command line, one line and exit 2: an
empty string where it was taken for "not given", a whole number written otherwise, options
that a command would ignore, an empty query."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from kg.cli import main


def run(*args) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.output


def one_line_error(code: int, output: str) -> str:
    assert code == 2, output
    assert output.startswith("kg: error: ") and output.count("\n") == 1 and "Traceback" not in output, output
    return output


@pytest.mark.parametrize(("args", "option"), [
    (["query", "01", "--endpoint", ""], "--endpoint"),
    (["analyze", "rank", "--endpoint", ""], "--endpoint"),
    (["viz", "-o", "{tmp}/x.html", "--focus", ""], "--focus"),
    (["viz", "-o", "{tmp}/x.html", "--theme", " "], "--theme"),
    (["import", "{tmp}/t.csv", "--name", ""], "--name"),
    (["link", "{tmp}/t.csv", "--name", ""], "--name"),
    (["query", "--sparql", ""], "--sparql"),
    (["push", "--endpoint", ""], "--endpoint"),
])
def test_an_empty_value_is_refused_not_taken_for_not_given(tmp_path, args, option):
    (tmp_path / "t.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    line = one_line_error(*run(*[a.replace("{tmp}", str(tmp_path)) for a in args]))
    assert f"'{option}'" in line and "an empty value" in line and "means nothing here" in line, line
    assert not (tmp_path / "x.html").exists()


def _every_command(command=main, path=()):
    if isinstance(command, click.Group):
        context = click.Context(command)  # (the commands are loaded when asked for: kg.cli.main.COMMANDS)
        for name in command.list_commands(context):
            yield from _every_command(command.get_command(context, name), (*path, name))
    else:
        yield path, command


#: Every option and argument of every command that takes a value: (command words, parameter).
VALUED = [(path, param) for path, command in _every_command() for param in command.params
          if not (isinstance(param, click.Option) and (param.is_flag or param.count))]


def test_no_parameter_takes_a_plain_string():
    """A string option or argument takes one of kg's types (kg.cli.options.Given, PathParam,
    RdfFile), which refuse '': click's own string type takes '' as a value, and an option whose
    value was tested for truth took it for "not given" (`kg import --place ''`)."""
    plain = [(" ".join(path), param.name) for path, param in VALUED
             if type(param.type) in (click.types.StringParamType, click.Path, click.File)]
    assert not plain, plain


@pytest.mark.parametrize(("path", "param"), VALUED,
                         ids=[" ".join([*path, max(param.opts, key=len)]) for path, param in VALUED])
def test_every_value_refuses_an_empty_string(path, param):
    """`kg serve --bind ''`, `kg analyze path '' obs:x`, `kg import --theme ''`: every option and
    argument of every command (walked here, so a new one cannot be missed) refuses '' as a usage
    error, one line naming it, before any work."""
    if isinstance(param, click.Option):
        args = [*path, max(param.opts, key=len), ""]
        named = f"'{max(param.opts, key=len)}'"
    else:
        command = dict(_every_command())[path]
        before = [p for p in command.params if isinstance(p, click.Argument)]
        args = [*path, *["x"] * before.index(param), ""]
        named = param.name.upper()
    line = one_line_error(*run(*args))
    assert "Invalid value for " in line and named in line, line


def test_list_refuses_what_it_would_ignore():
    line = one_line_error(*run("query", "--list", "--sparql", "SELECT * WHERE { ?s ?p ?o }"))
    assert "--list lists the catalog and asks no query: leave out --sparql" in line


def test_a_whole_number_option_says_what_it_wants():
    line = one_line_error(*run("query", "01", "--limit", "1e3"))
    assert "'1e3' is not a whole number (digits only, such as 1000)" in line, line


@pytest.mark.parametrize("text", ["", "# nothing but a comment\n", "PREFIX ex: <http://example.org/>\n"])
def test_an_empty_query_is_said_to_be_empty(tmp_path, text):
    query = tmp_path / "empty.rq"
    query.write_text(text, encoding="utf-8")
    line = one_line_error(*run("query", query))
    assert f"{query}: the query is empty" in line, line


def test_viz_refuses_a_depth_without_a_focus(tmp_path):
    """`kg viz --depth 2` without --focus drew the whole graph and exited 0: the depth was ignored."""
    line = one_line_error(*run("viz", "-o", tmp_path / "v.html", "--depth", "2"))
    assert "--depth counts edges away from the --focus node: give --focus NODE" in line, line
    assert not (tmp_path / "v.html").exists()
