"""Every command that reads a file the user names, given a directory or a missing file: one
line saying which, exit 2, before any work. A directory is refused, not searched: the user
names the files (kg validate mydata/*.ttl), so nothing is read that was not asked for."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from kg.cli import main

from conftest import FIXTURES

TABLE = FIXTURES / "linking" / "zhaotong-2022.csv"


def commands(given: str, workspace: str) -> dict[str, list[str]]:
    """Each command with ``given`` where it expects a file to read."""
    return {
        "validate": ["validate", given],
        "build --add": ["build", "--no-docs", "--no-site", "--add", given, "-o", f"{workspace}/dist"],
        "import": ["import", given, "--workspace", workspace],
        "import --mapping": ["import", str(TABLE), "--mapping", given, "--workspace", workspace],
        "link": ["link", given, "--workspace", workspace],
        "link --format": ["link", given, "--format", "turtle", "--workspace", workspace],
        "query FILE.rq": ["query", given],
        "gazetteer --check": ["gazetteer", "--check", "-o", given],
    }


WHAT = {"import": "table", "import --mapping": "mapping file", "query FILE.rq": "query file"}
RDF = {"validate", "build --add", "link", "link --format"}


@pytest.mark.parametrize("command", sorted(commands("x", "w")))
def test_a_directory_is_refused_in_one_line(tmp_path, command):
    given = tmp_path / "given.rq"  # (a query file is recognised by its suffix)
    given.mkdir()
    result = CliRunner().invoke(main, commands(str(given), str(tmp_path / "ws"))[command])
    what = WHAT.get(command, "file")
    hint = f" (name the RDF files in it, e.g. {given}/*.ttl)" if command in RDF else ""
    assert (result.exit_code, result.stderr) == (2, f"kg: error: {given}: is a directory, not a {what}{hint}\n")
    assert not (tmp_path / "ws").exists()


@pytest.mark.parametrize("command", sorted(set(commands("x", "w")) - {"gazetteer --check"}))
def test_a_missing_file_is_refused_in_one_line(tmp_path, command):
    given = tmp_path / "missing.rq"
    result = CliRunner().invoke(main, commands(str(given), str(tmp_path / "ws"))[command])
    what = WHAT.get(command, "file")
    assert (result.exit_code, result.stderr) == (2, f"kg: error: {given}: no such {what}\n")
    assert not (tmp_path / "ws").exists()


def test_gazetteer_check_of_a_missing_file_says_no_such_file(tmp_path):
    """A missing file is no file to check (exit 2), not an out-of-date one (exit 1)."""
    result = CliRunner().invoke(main, ["gazetteer", "--check", "-o", str(tmp_path / "places.ttl")])
    assert result.exit_code == 2 and "no such file" in result.output and len(result.output.splitlines()) == 1


def test_a_workspace_that_is_a_file_is_an_error(tmp_path, monkeypatch):
    """$KG_WORKSPACE naming a file was silently ignored: the imports and link sets it was
    meant to add were left out of every answer without a word."""
    odd = tmp_path / "workspace.txt"
    odd.write_text("", encoding="utf-8")
    monkeypatch.setenv("KG_WORKSPACE", str(odd))
    result = CliRunner().invoke(main, ["validate"])
    assert (result.exit_code, result.stderr) == (
        2, f"kg: error: {odd}: the workspace is not a directory (see --workspace and $KG_WORKSPACE)\n")


@pytest.mark.parametrize("command", ["query FILE.rq", "import --mapping"])
def test_a_file_that_is_not_utf8_names_its_line(tmp_path, command):
    given = tmp_path / "latin1.rq"
    given.write_bytes("# 水富\n\nSELECT * WHERE { ?s ?p \"caf\xe9\" }\n".encode("latin-1", "replace"))
    result = CliRunner().invoke(main, commands(str(given), str(tmp_path / "ws"))[command])
    what = WHAT[command]
    assert (result.exit_code, result.stderr) == (
        2, f"kg: error: {given}:3: not UTF-8 text (byte 0xe9); save the {what} as UTF-8\n")


STRANGE_NAMES = ["my data", "a>b", "x#y", "100%", "p%20q", "水富 县", "tab\tand\"quote", "ctl\x1b"]


def test_a_file_name_becomes_a_valid_iri_of_its_own():
    """`kg validate 'my data.ttl'` said "the store could not load its inputs: ... Invalid IRI
    code point ' ' (.load.nq, line 3201)": a file's name became its graph's IRI unencoded.
    Every name gives a valid IRI (RFC 3987: what a path does not hold is percent-encoded,
    letters of any script kept), and two names never the same one."""
    import pyoxigraph as ox

    from kg.store.load import graph_name, iri_path

    names = [str(graph_name(f"/elsewhere/{name}.ttl")) for name in STRANGE_NAMES]
    assert len(set(names)) == len(names)
    for name in names:
        ox.NamedNode(name)  # (raises ValueError for an invalid IRI)
    assert [iri_path(n) for n in ("my data", "a>b", "x#y", "100%", "p%20q", "水富 县")] == [
        "my%20data", "a%3Eb", "x%23y", "100%25", "p%2520q", "水富%20县"]
    assert iri_path("data/gazetteer/places") == "data/gazetteer/places"  # the project's names are unchanged


def test_a_valid_file_with_spaces_and_brackets_in_its_name_is_validated(tmp_path):
    given = tmp_path / "my data>#%水.ttl"
    given.write_text('@prefix ex: <http://example.org/> .\nex:a ex:p "x" .\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(given)])
    assert result.exit_code == 0 and "Conforms" in result.output, result.output
