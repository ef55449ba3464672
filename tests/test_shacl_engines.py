"""The fast SHACL paths give pySHACL's answers: on the synthetic S graph (the curated data plus
14 synthetic counties, ~14k triples), with and without injected violations, pySHACL (the
reference), pyshacl-turbo (the default engine), the partitioned validation of the store
(kg.validate.store, which every `kg build` runs) and the incremental validation of one more
county all report the same conforms value and the same results (focus node, path, constraint
component, severity; and the same messages, values and source shapes)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from stores import store_graph, validated_after_adding

from kg.validate import partitions
from kg.validate import store as vstore
from kg.validate import engines as shacl_engines
from kg import synth
from kg.store.load import load
from kg.namespaces import SH
from kg.validate.report import check_queries, run_shacl, validate_loaded

S_COUNTIES = 14
SEED = 42
BASE = synth.curated_files()


def _write(directory: Path, violations: int) -> Path:
    path = directory / f"synth-s-{violations}.nt"
    if not path.exists():
        synth.write(path, S_COUNTIES, SEED, violations, base=BASE)
    return path


@pytest.fixture(scope="module", params=[0, 22], ids=["clean", "violations"])
def s_graph(request, tmp_path_factory):
    directory = tmp_path_factory.getbasetemp() / "synth-s"
    directory.mkdir(exist_ok=True)
    files = [*BASE, _write(directory, request.param)]
    loaded = load(files)
    reference = shacl_engines.validate(loaded.data, loaded.shapes, "pyshacl", ontology=loaded.ontology)
    return request.param, files, loaded, reference


def _keys(rows) -> set:
    return {shacl_engines.key(r) for r in rows}


def _full(rows) -> set:
    return {(shacl_engines.key(r), r[4], str(r[5]), str(r[6])) for r in rows}


def test_s_graph_size(s_graph):
    _violations, _files, loaded, _reference = s_graph
    assert 8_000 <= len(loaded.data) + len(loaded.ontology) <= 16_000


def test_reference_finds_exactly_the_injected_violations(s_graph):
    violations, _files, _loaded, reference = s_graph
    found = {(str(r[0]), r[1], str(r[2]), str(r[6])) for r in reference.rows if r[3] == SH.Violation}
    planned = {(p.focus, p.path, p.component, p.shape) for p in synth.planned_violations(S_COUNTIES, SEED, violations, base=BASE)}
    assert found == planned
    assert len(planned) == violations
    assert len(reference.violations) == violations


def test_conforms_is_shacls_own_on_every_engine(s_graph):
    """sh:conforms as SHACL 1.0 (3.6.1) defines it, and pySHACL computes it when warnings are
    not allowed: false when there is any result, warnings included. The S graph has warnings
    (its places' missing evidence), so it does not conform even without violations; pySHACL's
    ``allow_warnings=True`` answers a different question, "no violations", which kg validate's
    exit code asks (Run.violations)."""
    import pyshacl
    import rdflib

    violations, _files, loaded, reference = s_graph
    mixed = shacl_engines._mixed_graph(loaded.data, loaded.ontology)
    normalize = rdflib.NORMALIZE_LITERALS
    try:
        strict, _graph, _text = pyshacl.validate(mixed, shacl_graph=loaded.shapes, inference="none",
                                                 allow_warnings=False, advanced=False)
        lenient, _graph, _text = pyshacl.validate(mixed, shacl_graph=loaded.shapes, inference="none",
                                                  allow_warnings=True, advanced=False)
    finally:
        rdflib.NORMALIZE_LITERALS = normalize
    warnings = [r for r in reference.rows if r[3] == SH.Warning]
    assert warnings and strict is False and lenient is (violations == 0)
    turbo = shacl_engines.validate(loaded.data, loaded.shapes, "turbo", ontology=loaded.ontology)
    report = validate_loaded(loaded, quotes=False)
    for run in (reference, turbo):
        assert run.conforms is strict
        assert set(run.report.objects(None, SH.conforms)) == {rdflib.Literal(strict)}
    assert report.conforms is strict
    assert set(report.shacl_graph.objects(None, SH.conforms)) == {rdflib.Literal(strict)}
    assert json.loads(report.to_json())["conforms"] is strict
    assert bool(report.violations) is bool(turbo.violations) is (violations > 0)


def test_turbo_equals_pyshacl(s_graph):
    _violations, _files, loaded, reference = s_graph
    turbo = shacl_engines.validate(loaded.data, loaded.shapes, "turbo", ontology=loaded.ontology)
    assert turbo.conforms == reference.conforms
    assert _keys(turbo.rows) == _keys(reference.rows)
    assert _full(turbo.rows) == _full(reference.rows)
    assert len(turbo.rows) == len(reference.rows)


def test_run_shacl_defaults_to_turbo_and_keeps_pyshacl(s_graph):
    _violations, _files, loaded, reference = s_graph
    assert shacl_engines.DEFAULT_ENGINE == "turbo"
    _graph, default_rows = run_shacl(loaded.data, loaded.ontology, loaded.shapes)
    _graph, pyshacl_rows = run_shacl(loaded.data, loaded.ontology, loaded.shapes, engine="pyshacl")
    assert _full(default_rows) == _full(pyshacl_rows) == _full(reference.rows)


def test_partitioned_and_whole_equal_pyshacl(s_graph):
    _violations, files, _loaded, reference = s_graph
    with store_graph(files) as graph:
        assert partitions.locality(graph.shapes).exact
        whole = partitions.validate_shacl(graph, partitioned=False)
        parts = partitions.validate_shacl(graph, partitioned=True, partition_size=800, workers=2)
    assert parts.partitions > 3
    for result in (whole, parts):
        assert result.conforms == reference.conforms
        assert _full(result.rows) == _full(reference.rows)
        assert len(result.rows) == len(reference.rows)


def _as_dicts(report) -> list[str]:
    found = []
    for result in report.results:
        row = result.as_dict()
        if row["constraintComponent"] == "sh:QualifiedMaxCountConstraintComponent" and row["path"] == "rdfs:label":
            row["focusLabel"] = None  # two labels in one language: which one names it is arbitrary
        found.append(json.dumps(row, sort_keys=True, ensure_ascii=False))
    return sorted(found)


def test_fast_report_equals_kg_validate(s_graph):
    _violations, files, loaded, _reference = s_graph
    expected = validate_loaded(loaded, quotes=False, engine="pyshacl")
    with store_graph(files) as graph:
        report = vstore.validate(graph, quotes=False, partition_size=2_000).report
    assert report.conforms == expected.conforms
    assert _as_dicts(report) == _as_dicts(expected)


@pytest.mark.parametrize("through_record,from_text", [(False, False), (True, False), (False, True)],
                         ids=["in-memory", "through-record", "changes-read-from-text"])
def test_incremental_import_equals_validating_everything(s_graph, tmp_path, monkeypatch, through_record, from_text):
    """The county validated incrementally equals the whole validation; also when the previous
    validation is its record read again (kg.validate.store.RecordedValidated: its rows kept
    as the record's lines) and the new one is recorded and read again; and when the new
    graph's changes are read from its text (kg.validate.checkscope.Changes.of_ntriples, as
    for a new graph of more than LOOKUP_AT_MOST lines)."""
    from kg.validate import checkscope

    read = []
    if from_text:
        monkeypatch.setattr(vstore, "LOOKUP_AT_MOST", 0)
        real = checkscope.Changes.of_ntriples.__func__
        monkeypatch.setattr(checkscope.Changes, "of_ntriples",
                            classmethod(lambda cls, text: (read.append(len(text)), real(cls, text))[1]))
    violations, files, _loaded, _reference = s_graph
    # a county with injected violations (if any), written to its own file as an import would be
    code = synth.planned_violations(S_COUNTIES, SEED, violations, base=BASE)[0].county if violations else \
        synth.county_codes(S_COUNTIES)[5]
    name = f"<{synth.graph_name(code)}> .\n"
    rest, county = tmp_path / "rest.nt", tmp_path / f"county-{code}.nt"
    with rest.open("w", encoding="utf-8") as a, county.open("w", encoding="utf-8") as b:
        for line in synth.synthesize(S_COUNTIES, SEED, violations, graphs=True, base=BASE):
            triple = re.sub(r" <[^>]*/graph/synth/[0-9]+> \.\n$", " .\n", line)
            (b if line.endswith(name) else a).write(triple)
    texts = synth.SourceTexts(vstore.project_texts())
    before, imported, scratch = validated_after_adding(tmp_path / "store", [*files[:-1], rest], county, texts=texts,
                                                       through_record=through_record)
    assert isinstance(imported, vstore.RecordedValidated) == through_record
    assert sorted(map(_result_key, imported.violations()), key=str) == \
        sorted(map(_result_key, scratch.report.violations), key=str)
    if not through_record:  # (a record keeps the results, not how they were found)
        assert not imported.full
        assert 30 < imported.shacl.focus_nodes < 300  # the county's nodes and those next to them, not the graph
    assert imported.report.conforms == scratch.report.conforms
    assert _full(imported.shacl.rows) == _full(scratch.shacl.rows)
    assert _as_dicts(imported.report) == _as_dicts(scratch.report)
    assert bool(read) == from_text


def test_a_large_new_graph_validates_its_checks_for_what_changed(s_graph, tmp_path, monkeypatch):
    """A new graph with more focus nodes than the incremental SHACL validation takes (the
    synthetic counties, added to the curated data: a national import at small scale) has its
    shapes validated on the whole graph, and its checks run for what it changed (the
    dangling-reference check bound to the objects it names that nothing describes, not run
    over every triple); the report equals the whole validation."""
    _violations, files, _loaded, _reference = s_graph
    from kg.validate import checkscope

    monkeypatch.setattr(vstore, "WHOLE_ABOVE", 100)
    monkeypatch.setattr(checkscope, "WHOLE_ABOVE", 100)  # (the new counties' nodes are more: judged by candidates)
    whole: list = []  # the checks each call ran whole
    run_checks = vstore.run_checks

    def spy(graph, **options):
        only = options.get("only")
        whole.append({p.stem for p in check_queries()} if only is None else set(only) - set(options.get("focus") or ()))
        return run_checks(graph, **options)

    monkeypatch.setattr(vstore, "run_checks", spy)
    before, after, scratch = validated_after_adding(tmp_path / "store", files[:-1], files[-1], quotes=False)
    assert after.full  # (the shapes: every focus node)
    # `before`, validated whole, and the change: neither reads every triple for those two;
    # `scratch`, the reference, runs every check as written
    assert not (whole[0] | whole[1]) & {"dangling-reference-violation", "undefined-term-violation"}
    assert "dangling-reference-violation" in whole[2]
    assert after.report.conforms == scratch.report.conforms
    assert _full(after.shacl.rows) == _full(scratch.shacl.rows)
    assert _as_dicts(after.report) == _as_dicts(scratch.report)


def _result_key(result) -> tuple:
    return (str(result.focus), result.path, result.component, result.message, result.value)


def test_triples_another_graph_states_change_nothing(s_graph, tmp_path):
    """A file that states again what another file states (an import declaring the indicators
    and periods another import declared) changes no result: no focus node is validated again
    (every observation pointing at the indicator was), and the report is the whole one."""
    from rdflib import BNode, Graph, URIRef

    _violations, files, _loaded, _reference = s_graph
    gdp = URIRef("https://w3id.org/county-kg/id/indicator/gdp")
    declared = Graph().parse(next(f for f in files if f.name == "overview.ttl"))
    restated = tmp_path / "restated.nt"
    restated.write_text("".join(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in declared.triples((gdp, None, None))
                                if not isinstance(o, BNode)), encoding="utf-8")
    before, after, scratch = validated_after_adding(tmp_path / "store", files, restated, quotes=False)
    assert after.shacl.focus_nodes == 0 and not after.full
    assert _as_dicts(after.report) == _as_dicts(scratch.report)


def test_a_triple_no_shape_reads_from_afar_revalidates_only_its_subject(s_graph, tmp_path):
    """A triple that joins a node many others point at, with a predicate no shape reads on a
    value node (an import's dcterms:source on a shared indicator), validates that node alone,
    not every observation pointing at it; a new skos:inScheme of the same node (read from one
    step away: Locality.deep) validates them too. Both reports equal the whole validation."""
    from rdflib import URIRef

    _violations, files, _loaded, _reference = s_graph
    gdp = "https://w3id.org/county-kg/id/indicator/gdp"
    referrers = sum(1 for f in files if f.suffix == ".nt" for line in f.open(encoding="utf-8")
                    if line.rstrip().endswith(f"<{gdp}> ."))
    assert referrers > 10  # (the synthetic counties' GDP observations)
    sourced = tmp_path / "sourced.nt"
    sourced.write_text(f"<{gdp}> <http://purl.org/dc/terms/source> <https://example.org/table.csv> .\n",
                       encoding="utf-8")
    _before, after, scratch = validated_after_adding(tmp_path / "store", files, sourced, quotes=False)
    assert after.shacl.focus_nodes == 1 and not after.full
    assert _as_dicts(after.report) == _as_dicts(scratch.report)
    in_scheme = tmp_path / "in-scheme.nt"
    in_scheme.write_text(f"<{gdp}> <{URIRef('http://www.w3.org/2004/02/skos/core#inScheme')}> "
                          "<https://example.org/scheme> .\n", encoding="utf-8")
    _before, after, scratch = validated_after_adding(tmp_path / "store2", files, in_scheme, quotes=False)
    assert after.shacl.focus_nodes > referrers and not after.full
    assert _as_dicts(after.report) == _as_dicts(scratch.report)


def test_conflicting_observation_check_on_a_synthetic_graph(tmp_path):
    """The grouped conflicting-observation check (linear on a national graph) finds a planted
    conflict among synthetic counties, from both sides, and nothing else."""
    synthetic = tmp_path / "s.nt"
    synth.write(synthetic, 3, SEED, base=BASE)
    observation = f"<https://w3id.org/county-kg/id/observation/synth-{synth.pick(3)[0].code}-gdp-2022>"
    extra = tmp_path / "conflict.nt"
    extra.write_text("".join(
        line.replace(observation, "<https://w3id.org/county-kg/id/observation/synth-conflict>")
            .replace('.0"^^<http://www.w3.org/2001/XMLSchema#decimal>', '.5"^^<http://www.w3.org/2001/XMLSchema#decimal>')
        for line in synth.synthesize(3, SEED, base=BASE) if line.startswith(observation + " ")), encoding="utf-8")
    with store_graph([*BASE, synthetic, extra]) as graph:
        found = vstore.run_checks(graph)
    assert {(path.name, str(row["focus"])) for path, row in found} == {
        ("conflicting-observation-violation.rq", observation[1:-1]),
        ("conflicting-observation-violation.rq", "https://w3id.org/county-kg/id/observation/synth-conflict"),
    }
    with store_graph([*BASE, synthetic]) as graph:
        assert vstore.run_checks(graph) == []


def test_project_shapes_are_local():
    graph_shapes = load(data=[]).shapes
    local = partitions.locality(graph_shapes)
    assert local.exact, local.problems
    assert "http://www.w3.org/ns/oa#hasSelector" in local.inverse


def test_the_build_writes_what_kg_writes(s_graph, tmp_path):
    """Summary, canonical N-Triples and catalog answers of `kg build` on the synthetic graph equal
    those of the rdflib reference (kg.build.summary, kg.publish.export, the catalog on an in-memory
    store of the files); a graph with violations is not built, and the failure carries the same
    report as pySHACL's validation on rdflib."""
    from kg.build.outcome import BuildFailed
    from kg.build.pipeline import build
    from kg.build.summary import summarize
    from kg.publish.export import serialize
    from kg.query.answers import answer_catalog
    from kg.query.engines import Engines

    violations, files, loaded, _reference = s_graph
    if violations:
        with pytest.raises(BuildFailed) as failed:
            build(tmp_path / "dist", data=files, docs=False, store=tmp_path / "store")
        assert not (tmp_path / "dist").exists()
        assert failed.value.report.violations
        assert _as_dicts(failed.value.report) == _as_dicts(validate_loaded(loaded, quotes=False, engine="pyshacl"))
        return
    result = build(tmp_path / "dist", data=files, docs=False, store=tmp_path / "store")
    assert not result.report.violations and result.report.warnings
    assert result.summary.to_json() == summarize(loaded.data, loaded.union()).to_json()
    assert (tmp_path / "dist" / "county-kg.nt").read_bytes() == serialize(loaded, "nt")
    answers = answer_catalog(None, engines=Engines(loaded))
    assert len(answers) == len(list((tmp_path / "dist" / "queries").glob("*.csv"))) >= 25
    for name, (results, _seconds) in answers.items():
        assert (tmp_path / "dist" / "queries" / f"{name}.csv").read_bytes() == results.to_csv().encode("utf-8"), name


_XSD = "http://www.w3.org/2001/XMLSchema#"


def _ill_formed(line: str) -> str:
    """A synthetic triple with its literal rewritten to an ill-formed one (or unchanged)."""
    rewrites = [
        ("/measure#obsValue> ", r'"[^"]*"\^\^<' + _XSD + 'decimal>', f'"5.8e8"^^<{_XSD}decimal>'),
        ("#start> ", r'"[^"]*"\^\^<' + _XSD + 'integer>', f'"1.5e2"^^<{_XSD}integer>'),
        ("/terms/issued> ", r'"[^"]*"\^\^<' + _XSD + 'dateTime>', f'"2023-08-22 09:00:00"^^<{_XSD}dateTime>'),
    ]
    for needle, pattern, replacement in rewrites:
        if needle in line:
            return re.sub(pattern, replacement, line)
    return line


def test_ill_formed_literals_on_every_path(tmp_path):
    """Ill-formed literals in one synthetic county (on constrained predicates, and "inf"^^xsd:double,
    which Oxigraph rewrites to "INF" on loading, on an unconstrained one): pySHACL, pyshacl-turbo,
    the whole and the partitioned validation and the incremental import give the same results,
    among them the expected ones, each naming its focus node and its value as written."""
    code = synth.county_codes(S_COUNTIES)[3]
    name = f"<{synth.graph_name(code)}> .\n"
    rest, county = tmp_path / "rest.nt", tmp_path / f"county-{code}.nt"
    rewritten: dict[str, str] = {}
    with rest.open("w", encoding="utf-8") as a, county.open("w", encoding="utf-8") as b:
        for line in synth.synthesize(S_COUNTIES, SEED, 0, graphs=True, base=BASE):
            triple = re.sub(r" <[^>]*/graph/synth/[0-9]+> \.\n$", " .\n", line)
            if not line.endswith(name):
                a.write(triple)
                continue
            changed = _ill_formed(triple)
            key = changed.split(" ", 2)[1]
            if changed != triple and key not in rewritten:  # one of each kind
                rewritten[key] = changed.split(" ", 1)[0]
                triple = changed
                if "obsValue" in key:
                    b.write(f'{changed.split(" ", 1)[0]} <https://example.org/lexical#note> "inf"^^<{_XSD}double> .\n')
            b.write(triple)
    assert len(rewritten) == 3
    files = [*BASE, rest, county]
    loaded = load(files)
    reference = shacl_engines.validate(loaded.data, loaded.shapes, "pyshacl", ontology=loaded.ontology)
    by_path = {key.split("#")[-1].split("/")[-1].rstrip(">"): focus[1:-1] for key, focus in rewritten.items()}
    expected = {
        (by_path["obsValue"], "sdmx-measure:obsValue", str(SH.DatatypeConstraintComponent), f'"5.8e8"^^<{_XSD}decimal>'),
        (by_path["start"], "oa:start", str(SH.DatatypeConstraintComponent), f'"1.5e2"^^<{_XSD}integer>'),
        (by_path["issued"], "dcterms:issued", str(SH.OrConstraintComponent), f'"2023-08-22 09:00:00"^^<{_XSD}dateTime>'),
        (by_path["obsValue"], "<https://example.org/lexical#note>", "https://w3id.org/county-kg/shapes#LexicalFormCheck",
         f'"inf"^^<{_XSD}double>'),
    }
    found = {(str(r[0]), r[1], str(r[2]), '"' + str(r[5]) + f'"^^<{r[5].datatype}>') for r in reference.rows
             if r[3] == SH.Violation}
    assert expected <= found, expected - found
    assert not reference.conforms

    turbo = shacl_engines.validate(loaded.data, loaded.shapes, "turbo", ontology=loaded.ontology)
    with store_graph(files) as graph:
        whole = partitions.validate_shacl(graph, partitioned=False)
        parts = partitions.validate_shacl(graph, partitioned=True, partition_size=800, workers=2)
    assert parts.partitions > 3
    texts = synth.SourceTexts(vstore.project_texts())
    _before, imported, scratch = validated_after_adding(tmp_path / "store", [*BASE, rest], county, texts=texts)
    assert not imported.full
    for result in (turbo, whole, parts, imported.shacl):
        assert not result.conforms
        assert _full(result.rows) == _full(reference.rows)
    assert _as_dicts(imported.report) == _as_dicts(scratch.report)
    values = {r.value for r in imported.report.violations}
    assert {'"5.8e8"^^xsd:decimal', '"1.5e2"^^xsd:integer', '"2023-08-22 09:00:00"^^xsd:dateTime',
            '"inf"^^xsd:double'} <= values
