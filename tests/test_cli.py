"""The command line, driven through click's CliRunner: exit codes, messages, formats."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

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
    """The project has warnings and no violation: exit code 0 and the human summary says it
    conforms (no violation); the Turtle report says sh:conforms false, as SHACL defines it
    (any result, a warning too) and as Jena SHACL writes it (the JSON report too:
    tests/test_shacl_engines.py)."""
    text = run("validate")
    assert text.exit_code == 0, text.output
    warnings = int(re.search(r"Conforms: 0 violations, (\d+) warnings?\.", text.output).group(1))
    assert warnings > 0
    as_turtle = run("validate", "--format", "turtle")
    assert as_turtle.exit_code == 0
    graph = Graph().parse(data=as_turtle.output, format="turtle")
    assert set(graph.objects(None, SH.conforms)) == {Literal(False, datatype=XSD.boolean)}
    assert len(set(graph.subjects(RDF.type, SH.ValidationResult))) == warnings


def test_validate_malformed_turtle_names_file_and_line(run):
    result = run("validate", CLI / "malformed.ttl")
    assert result.exit_code == 2
    assert "malformed.ttl:6:" in result.output
    assert "Traceback" not in result.output


def test_validate_missing_file_is_one_line(run):
    result = run("validate", CLI / "no-such-file.ttl")
    assert result.exit_code == 2
    assert result.output.strip() == f"kg: error: {CLI / 'no-such-file.ttl'}: no such file"


def test_a_blank_node_is_reported_as_it_can_be_found(run, tmp_path):
    """A blank node was reported with rdflib's random label (`[n12e2565...]`), another on
    every run and in no file: it is shown by the statement naming it or by what is said of it."""
    data = tmp_path / "blank.ttl"
    data.write_text("@prefix ckg: <https://w3id.org/county-kg/ontology#> .\n"
                    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                    '[] a ckg:Observation ; rdfs:label "x"@en .\n', encoding="utf-8")
    first, second = run("validate", data), run("validate", data)
    assert first.exit_code == 1, first.output
    assert first.output == second.output
    assert 'Violation: x [[] (a ckg:Observation; rdfs:label "x"@en)]' in first.output
    assert "_:" not in first.output and f"file:       {data}" in first.output
    as_json = json.loads(run("validate", data, "--format", "json").output)
    assert {r["focusNode"] for r in as_json["results"]} == {'[] (a ckg:Observation; rdfs:label "x"@en)'}


def test_blank_nodes_are_named_by_the_statement_naming_them():
    from rdflib import BNode, URIRef

    from kg.labels import compact
    from kg.namespaces import bind_prefixes

    graph, node = bind_prefixes(Graph()), BNode()
    graph.add((URIRef("https://w3id.org/county-kg/id/observation/x"), RDFS.seeAlso, node))
    graph.add((node, RDFS.label, Literal("y")))
    assert compact(graph, node) == "[] (rdfs:seeAlso of obs:x)"


def test_two_files_of_one_name_are_two_graphs_or_refused(run, tmp_path):
    """`kg build --add a/x.ttl --add b/x.ttl` put both files in one named graph
    <.../graph/file/x> without a word (and a report named one file for both)."""
    from kg.errors import KgError
    from kg.store.project import inputs

    for folder, subject in (("a", "s1"), ("b", "s2")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.ttl").write_text(f'<http://example.org/{subject}> <http://example.org/p> "1" .\n',
                                                 encoding="utf-8")
    first, second = tmp_path / "a" / "x.ttl", tmp_path / "b" / "x.ttl"
    result = run("validate", first, second)
    assert result.exit_code == 2, result.output
    assert result.output.strip() == (f"kg: error: {second}: would be the named graph "
                                     f"<https://w3id.org/county-kg/graph/file/x>, as {first} is (a file outside the "
                                     f"project is named by its file name): rename one of them")
    with pytest.raises(KgError, match="rename one of them"):
        inputs(data=[], add=[first, second])
    assert first in [given.path for given in inputs(data=[], add=[first, first])]  # the same file twice is one graph


def test_conflicting_values_are_reported(run):
    result = run("validate", "--format", "json", *core_files(), CLI / "conflict.ttl")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
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
    report = json.loads(as_json.stdout)
    assert report["conforms"] is False and report["violations"] >= 1
    first = report["results"][0]
    assert {"focusNode", "focusLabel", "path", "constraintComponent", "severity", "message", "files"} <= first.keys()

    as_turtle = run("validate", "--format", "turtle", invalid)
    assert as_turtle.exit_code == 1
    graph = Graph().parse(data=as_turtle.output, format="turtle")
    assert (None, SH.conforms, Literal(False, datatype=XSD.boolean)) in graph


#: SHACL 1.0, 3.6 (validation report and results) as shapes, with the spec's own shape of a
#: well-formed property path (Appendix C, shsh:PathShape, as pySHACL ships it) for every
#: sh:resultPath: a path is an IRI or a path's blank node, never its name as text.
REPORT_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix shsh: <http://www.w3.org/ns/shacl-shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix t: <urn:report-shapes#> .
t:Report a sh:NodeShape ; sh:targetClass sh:ValidationReport ;
    sh:property [ sh:path sh:conforms ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype xsd:boolean ] ;
    sh:property [ sh:path sh:result ; sh:class sh:ValidationResult ] .
t:Result a sh:NodeShape ; sh:targetClass sh:ValidationResult ;
    sh:property [ sh:path sh:focusNode ; sh:minCount 1 ; sh:maxCount 1 ] ;
    sh:property [ sh:path sh:resultPath ; sh:maxCount 1 ; sh:node shsh:PathShape ] ;
    sh:property [ sh:path sh:value ; sh:maxCount 1 ] ;
    sh:property [ sh:path sh:sourceShape ; sh:maxCount 1 ; sh:nodeKind sh:BlankNodeOrIRI ] ;
    sh:property [ sh:path sh:sourceConstraint ; sh:maxCount 1 ; sh:nodeKind sh:BlankNodeOrIRI ] ;
    sh:property [ sh:path sh:sourceConstraintComponent ; sh:minCount 1 ; sh:maxCount 1 ; sh:nodeKind sh:IRI ] ;
    sh:property [ sh:path sh:resultSeverity ; sh:minCount 1 ; sh:maxCount 1 ; sh:nodeKind sh:IRI ] ;
    sh:property [ sh:path sh:resultMessage ; sh:nodeKind sh:Literal ] .
"""


def assert_shacl_report(report: Graph) -> None:
    """``report`` is a SHACL validation report (:data:`REPORT_SHAPES`)."""
    import pyshacl

    import rdflib

    shapes = Graph().parse(Path(pyshacl.__file__).parent / "assets" / "shacl-shacl.ttl", format="turtle")
    shapes.parse(data=REPORT_SHAPES, format="turtle")
    normalize = rdflib.NORMALIZE_LITERALS
    try:
        conforms, _graph, text = pyshacl.validate(report, shacl_graph=shapes)
    finally:  # pySHACL turns rdflib's literal normalisation on, whatever it was (kg.validate.engines)
        rdflib.NORMALIZE_LITERALS = normalize
    assert conforms, text


def assert_constraints_named(report: Graph) -> None:
    """Every sh:sourceConstraint of ``report`` is a node of the project's shapes namespace (a
    check's by its file's stem), no file of this machine."""
    from kg.namespaces import CKGSH
    from kg.validate.report import check_queries

    constraints = set(report.objects(None, SH.sourceConstraint))
    assert constraints and all(str(c).startswith(str(CKGSH)) for c in constraints), constraints
    checks = {CKGSH[p.stem] for p in check_queries()}
    assert {c for c in constraints if "-violation" in c} <= checks


def test_turtle_report_is_a_shacl_report_and_the_same_bytes(run):
    """`kg validate --format turtle` wrote a check's sh:resultPath as the text "rdfs:isDefinedBy"
    and its sh:sourceConstraint as <file:///...checks/undefined-term-violation.rq> (a path of
    this machine), and wrote results in another order on every run."""
    data = CLI / "report.ttl"
    first, second = run("validate", "--format", "turtle", data), run("validate", "--format", "turtle", data)
    assert first.exit_code == 1, first.output
    assert first.output == second.output
    assert "file:" not in first.output
    report = Graph().parse(data=first.output, format="turtle")
    assert_shacl_report(report)
    assert_constraints_named(report)
    paths = {report.value(r, SH.sourceConstraint): report.value(r, SH.resultPath)
             for r in report.subjects(RDF.type, SH.ValidationResult) if report.value(r, SH.sourceConstraint)}
    from kg.namespaces import CKGSH, OA
    assert paths == {CKGSH["undefined-term-violation"]: RDFS.isDefinedBy, CKGSH.QuoteTextCheck: OA.hasSource}
    inverse = {report.value(p, SH.inversePath) for p in report.objects(None, SH.resultPath)}
    assert OA.hasSelector in inverse


def test_a_report_made_from_rows_is_a_shacl_report():
    """The report a partitioned or recorded validation writes from its rows wrote an inverse or
    alternative path as the text "^oa:hasSelector" or "(complex path)": it is the shape's path."""
    from kg.store.load import load
    from kg.validate.engines import report as engine_report
    from kg.validate.partitions import _rows_report

    loaded = load([CLI / "report.ttl"])
    _graph, rows = engine_report(loaded.data, loaded.shapes, ontology=loaded.ontology)
    assert {r[1] for r in rows} >= {"^oa:hasSelector", "(complex path)"}
    made = _rows_report(loaded.shapes, rows)
    paths = set(made.objects(None, SH.resultPath))
    assert not any(isinstance(p, Literal) for p in paths)
    assert {made.value(p, SH.inversePath) for p in paths} >= {URIRef("http://www.w3.org/ns/oa#hasSelector")}
    assert_shacl_report(made)


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
    for blank in ("", "  "):  # "" was "occurs 3045 times": a quote of nothing is refused as such
        empty = run("source", "quote", blank)
        assert empty.exit_code == 2 and "'TEXT'" in empty.output and "an empty quote cites nothing" in empty.output, \
            empty.output


@pytest.mark.parametrize("args, message", [
    (["serve", "--port", "99999"], "Invalid value for '--port': 99999 is not in the range 1<=x<=65535 "
                                   "(see 'kg serve --help')"),
    (["query", "--nope"], "No such option '--nope' (see 'kg query --help')"),
    (["nope"], "No such command 'nope' (see 'kg --help')"),
    (["export"], "Missing option '-o' / '--output' (see 'kg export --help')"),
])
def test_a_usage_error_is_one_line(args, message):
    """click writes a usage error in four lines (usage, hint, blank line, error); kg writes it
    as every other error, one line, exit code 2, naming the program kg however it started."""
    result = CliRunner().invoke(main, args, prog_name="python -m kg")
    assert result.exit_code == 2
    assert result.output.splitlines() == [f"kg: error: {message}"], result.output


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


# -- numeric options are range-checked at the command line ------------------------------------

import click  # noqa: E402

#: Numeric options whose every integer is valid.
UNBOUNDED = {("synth", "--seed")}


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    context = click.Context(group)  # (the commands are loaded when asked for: kg.cli.main.COMMANDS)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))
        else:
            yield (*prefix, name), command


def test_every_numeric_option_has_a_range():
    """No option of any command takes a bare int or float: each states its range (or is listed
    as unbounded by nature), so a value outside it is a usage error before any work."""
    bare = []
    for path, command in _commands(main):
        for param in command.params:
            if isinstance(param, click.Option) and param.type in (click.INT, click.FLOAT):
                if (path[-1], param.opts[-1]) not in UNBOUNDED:
                    bare.append(f"kg {' '.join(path)} {param.opts[-1]}")
    assert bare == []


def _required_options() -> list[tuple[tuple[str, ...], str]]:
    return [(path, param.opts[-1]) for path, command in _commands(main) for param in command.params
            if isinstance(param, click.Option) and param.required]


@pytest.mark.parametrize("path, option", _required_options(), ids=lambda v: " ".join(v) if isinstance(v, tuple) else v)
def test_a_required_option_left_out_is_a_usage_error(path, option):
    """`kg export` without -o ended in a TypeError traceback (exit 1): an option declared
    required with an explicit default of None was not checked (click 8.3 and later take the
    None for a value given)."""
    result = CliRunner().invoke(main, [*path])
    assert result.exit_code == 2, (result.output, result.exception)
    assert "Missing option" in result.output and option in result.output, result.output


@pytest.mark.parametrize("args, named", [
    (["serve", "--port", "99999"], "--port"), (["serve", "--port", "-1"], "--port"), (["serve", "--port", "0"], "--port"),
    (["serve", "--port", "65536"], "--port"), (["serve", "--port", "many"], "--port"),
    (["link", "other.ttl", "--exact-threshold", "2"], "--exact-threshold"),
    (["link", "other.ttl", "--close-threshold", "-0.1"], "--close-threshold"),
    (["link", "other.ttl", "--close-threshold", "0.97"], "--close-threshold"),  # above the default 0.95
    (["link", "other.ttl", "--exact-threshold", "0.5"], "--close-threshold"),  # below the default 0.85
    (["link", "other.ttl", "--exact-threshold", "0.8", "--close-threshold", "0.9"], "--close-threshold"),
    (["viz", "-o", "graph.html", "--focus", "place:530681", "--depth", "-1"], "--depth"),
    (["analyze", "rank", "--top", "-1"], "--top"),
    (["source", "quote", "水富", "--occurrence", "0"], "--occurrence"),
    (["synth", "--counties", "0", "-o", "-"], "--counties"), (["synth", "--violations", "-1", "-o", "-"], "--violations"),
    (["synth", "--counties", "3", "--violations", "1000", "-o", "-"], "violations"),
])
def test_out_of_range_options_are_usage_errors(args, named, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "other.ttl").write_text("<urn:a> <http://www.w3.org/2000/01/rdf-schema#label> \"a\" .\n", encoding="utf-8")
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, (args, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    message = result.output.strip().splitlines()[-1]
    assert message.startswith(("Error: Invalid value", "kg: error:")) and named in message, message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.ttl"]  # nothing written: no work was done


@pytest.mark.parametrize("command, option, good, bad", [
    (("serve",), "--port", ["1", "7878", "65535"], ["0", "65536"]),
    (("link",), "--exact-threshold", ["0", "0.95", "1"], ["1.01", "-0.01"]),
    (("link",), "--close-threshold", ["0", "0.85", "1"], ["1.5"]),
    (("viz",), "--depth", ["0", "3"], ["-1"]),
    (("analyze", "rank"), "--top", ["0", "10"], ["-1"]),
    (("source", "quote"), "--occurrence", ["1", "19"], ["0"]),
    (("synth",), "--counties", ["1", "2978", "5000"], ["0"]),
    (("synth",), "--violations", ["0", "22"], ["-1"]),
])
def test_ranges_take_their_bounds(command, option, good, bad):
    found = dict(_commands(main))[command]
    param = next(p for p in found.params if option in p.opts)
    for value in good:
        param.type.convert(value, param, None)
    for value in bad:
        with pytest.raises(click.BadParameter):
            param.type.convert(value, param, None)


@pytest.mark.parametrize(("args", "remedy"), [
    (["export", "--format", "ttl", "-o", "{tmp}/x.nt"], "name it x.ttl, or give --format nt\n"),
    (["export", "-o", "{tmp}/x.rdf"], "name it x.ttl\n"),  # RDF/XML: no --format writes it
    (["gazetteer", "-o", "{tmp}/g.nt"], "name it g.ttl\n"),  # gazetteer has no --format
    (["synth", "--format", "ttl", "-o", "{tmp}/s.nt"], "name it s.ttl, or give --format nt\n")])
def test_an_output_named_for_another_syntax_is_refused(run, tmp_path, args, remedy):
    """`kg export --format ttl -o x.nt` wrote Turtle into x.nt, which kg validate (like every
    reader) then refused as N-Triples. The message offers only what the command has: `kg
    gazetteer -o g.nt` was told to choose a format it has no option for."""
    result = run(*[a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == 2, result.output
    assert "the name says " in result.output and "but this writes Turtle" in result.output
    assert result.output.endswith(f"but this writes Turtle: {remedy}"), result.output
    assert list(tmp_path.iterdir()) == []
