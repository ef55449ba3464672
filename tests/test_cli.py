"""The command line, driven through click's CliRunner: exit codes, messages, formats."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph, Literal
from rdflib.namespace import XSD

from kg import __version__
from kg.cli import main
from kg.store.load import data_files
from kg.namespaces import SH

from conftest import FIXTURES

CLI = FIXTURES / "cli"


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return invoke


def core_files() -> list[Path]:
    return [p for p in data_files() if p.parent.name in ("core", "sources")]


def test_version(run):
    result = run("--version")
    assert result.exit_code == 0 and __version__ in result.output


def test_validate_project_conforms(run):
    result = run("validate")
    assert result.exit_code == 0, result.output
    assert "Conforms" in result.output


def test_validate_malformed_turtle_names_file_and_line(run):
    result = run("validate", CLI / "malformed.ttl")
    assert result.exit_code == 2
    assert "malformed.ttl:6:" in result.output
    assert "Traceback" not in result.output


def test_validate_missing_file_is_one_line(run):
    result = run("validate", CLI / "no-such-file.ttl")
    assert result.exit_code == 2
    assert result.output.strip() == f"kg: error: {CLI / 'no-such-file.ttl'}: no such file"


def test_conflicting_values_are_reported(run):
    result = run("validate", "--format", "json", *core_files(), CLI / "conflict.ttl")
    assert result.exit_code == 1
    report = json.loads(result.output)
    conflicts = [r for r in report["results"] if "conflicts with" in r["message"]]
    assert {r["focusNode"].rsplit("/", 1)[1] for r in conflicts} == {"land-area-a", "land-area-b"}
    assert all(r["constraintComponent"] == "sh:SPARQLConstraintComponent" for r in conflicts)
    assert all(r["files"] == [str(CLI / "conflict.ttl")] for r in conflicts)


def test_violation_report_in_three_formats(run):
    invalid = sorted((FIXTURES / "shapes").glob("*/invalid.ttl"))[0]
    text = run("validate", invalid)
    assert text.exit_code == 1
    assert "Violation:" in text.output and "constraint:" in text.output and str(invalid) in text.output

    as_json = run("validate", "--format", "json", invalid)
    assert as_json.exit_code == 1
    report = json.loads(as_json.output)
    assert report["conforms"] is False and report["violations"] >= 1
    first = report["results"][0]
    assert {"focusNode", "focusLabel", "path", "constraintComponent", "severity", "message", "files"} <= first.keys()

    as_turtle = run("validate", "--format", "turtle", invalid)
    assert as_turtle.exit_code == 1
    graph = Graph().parse(data=as_turtle.output, format="turtle")
    assert (None, SH.conforms, Literal(False, datatype=XSD.boolean)) in graph


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld"])
def test_export_to_stdout_round_trips(fmt, project):
    result = CliRunner().invoke(main, ["export", "--format", fmt, "-o", "-"])
    assert result.exit_code == 0
    parse_format = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}[fmt]
    graph = Graph().parse(data=result.stdout_bytes, format=parse_format)
    assert len(graph) == len(project.union())


def test_export_trig_keeps_one_named_graph_per_file(project):
    result = CliRunner().invoke(main, ["export", "--format", "trig", "-o", "-"])
    assert result.exit_code == 0
    dataset = Dataset().parse(data=result.stdout_bytes, format="trig")
    exported = {g.identifier: len(g) for g in dataset.graphs() if len(g)}
    expected = {name: len(project.dataset.graph(name)) for name, path in project.files.items()
                if path.parent.name != "shapes"}
    assert exported == expected


def test_export_to_file(run, tmp_path):
    target = tmp_path / "graph.nt"
    result = run("export", "--format", "nt", "-o", target)
    assert result.exit_code == 0
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines == sorted(lines) and len(lines) > 1000


def test_source_quote_prints_a_checked_block(run):
    result = run("source", "quote", "水富市委")
    assert result.exit_code == 0
    assert "q:151-155 a ckg:Quote" in result.output and 'oa:exact "水富市委"@zh-Hant' in result.output
    ambiguous = run("source", "quote", "水富市")
    assert ambiguous.exit_code == 2 and "--occurrence" in ambiguous.output


def test_the_program_keeps_exit_codes_and_freezes_its_objects_at_exit(monkeypatch):
    """`kg` (kg.cli.run) is the command line plus a quick exit: the exit code passes through,
    and what is left is frozen so the final garbage collection does not walk it."""
    import gc

    from kg.cli import run

    monkeypatch.setattr(sys, "argv", ["kg", "validate", "no-such-file.ttl"])
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        with pytest.raises(SystemExit) as exited:
            run()
        assert exited.value.code == 2
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
