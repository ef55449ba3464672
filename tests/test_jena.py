"""Apache Jena (Debian's libapache-jena-java) as an independent second opinion on what county-kg
writes and asks:

- the catalog and the checks, loaded into TDB2 with its bulk loader (tdb2.tdbloader) and asked
  with ARQ as strict SPARQL 1.1, give the embedded engine's answers (tests/engine_cases.py);
- every export passes `riot --validate --strict` with no warning;
- Jena SHACL and `kg validate` report the same results (focus node, path, constraint
  component, severity) on the project and on synthetic graphs with planted violations.

`make test` installs the package (scripts/system-deps.sh); without it these tests fail.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import BNode, Graph
from rdflib.namespace import RDF

from engine_cases import (QUERIES, CHECKS, assert_same_answer, catalog_reference, catalog_texts, check_reference,
                          check_texts, defects, require, write_ntriples)
from kg import synth
from kg.cli import main
from kg.publish.jena import Jena
from kg.store.load import load
from kg.namespaces import SH
from kg.validate.report import run_shacl

pytestmark = pytest.mark.slow

S_COUNTIES, SEED, PLANTED = 14, 42, 22  # the synthetic S graph of tests/test_shacl_engines.py


@pytest.fixture(scope="module")
def jena(tmp_path_factory) -> Jena:
    # a fresh cache folder: the class-path fix and the batch are built from the jars each run
    engine = Jena(cache=tmp_path_factory.mktemp("jena-cache"))
    require(engine.missing(), "libapache-jena-java")
    return engine


@pytest.fixture(scope="module")
def catalog_answers(jena, project, tmp_path_factory):
    folder = tmp_path_factory.mktemp("jena-project")
    jena.tdb2_load(folder / "tdb2", [write_ntriples(project, folder / "county-kg.nt")])
    return jena.query_batch(folder / "tdb2", catalog_texts()), catalog_reference(project)


@pytest.fixture(scope="module")
def check_answers(jena, tmp_path_factory):
    folder = tmp_path_factory.mktemp("jena-defects")
    loaded = defects()
    jena.tdb2_load(folder / "tdb2", [write_ntriples(loaded, folder / "defects.nt")])
    return jena.query_batch(folder / "tdb2", check_texts()), check_reference(loaded)


def test_the_class_path_names_its_jars_and_one_logging_binding(jena):
    entries = jena.classpath.split(":")
    assert not any("*" in entry for entry in entries)
    bindings = [e for e in entries if Path(e).name.startswith("slf4j-") and Path(e).name != "slf4j-api.jar"]
    assert bindings == ["/usr/share/java/slf4j-simple.jar"]
    fix = Path(entries[0])
    assert (fix / "xerces" / "impl" / "msg" / "XMLSchemaMessages.properties").is_file()
    assert (fix / "JenaQueryBatch.class").is_file()


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_catalog_on_jena_equals_the_embedded_engine(catalog_answers, query):
    batch, reference = catalog_answers
    assert query.name not in batch.errors, batch.errors.get(query.name)
    assert_same_answer(reference[query.name], batch.answers[query.name])


@pytest.mark.parametrize("check", CHECKS, ids=[p.stem for p in CHECKS])
def test_checks_on_jena_equal_the_embedded_engine(check_answers, check):
    batch, reference = check_answers
    assert reference[check.stem].rows, "the fixtures must give every check something to find"
    assert check.stem not in batch.errors, batch.errors.get(check.stem)
    assert_same_answer(reference[check.stem], batch.answers[check.stem], ordered=False)


def test_every_export_passes_riot_strict_without_warnings(jena, tmp_path):
    files = []
    for fmt in ("ttl", "nt", "jsonld", "trig"):
        path = tmp_path / f"county-kg.{fmt}"
        result = CliRunner().invoke(main, ["export", "--format", fmt, "-o", str(path)])
        assert result.exit_code == 0, result.output
        files.append(path)
    found = jena.riot_validate(files)
    assert {path.name: messages for path, messages in found.items()} == {path.name: [] for path in files}


def test_riot_warnings_reach_us_and_name_their_file(jena, tmp_path):
    """RIOT reports a bad lexical form or language tag as a logged warning: the logging
    binding must print it (slf4j-nop would not), and a file validated with others is named."""
    clean, control = tmp_path / "clean.nt", tmp_path / "control.ttl"
    clean.write_text('<http://example.org/a> <http://example.org/b> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .\n')
    control.write_text('<http://example.org/a> <http://example.org/b> "x"^^<http://www.w3.org/2001/XMLSchema#integer>, "y"@en-zz-1234567890 .\n')
    found = jena.riot_validate([clean, control])
    assert found[clean] == []
    assert any("Lexical form 'x' not valid" in m for m in found[control]), found[control]
    assert any("Language not valid: en-zz-1234567890" in m for m in found[control]), found[control]


# -- SHACL ---------------------------------------------------------------------------------------


def result_keys(report: Graph) -> Counter:
    """(focus node, path, constraint component, severity) of every result in a report graph;
    a path as its IRI or ^IRI, a blank focus node as one label (labels are engine-specific)."""
    keys = Counter()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        if isinstance(path, BNode):
            inverse = report.value(path, SH.inversePath)
            path = f"^{inverse}" if inverse is not None else "(complex path)"
        keys[("_:b" if isinstance(focus, BNode) else str(focus), None if path is None else str(path),
              str(report.value(result, SH.sourceConstraintComponent)), str(report.value(result, SH.resultSeverity)))] += 1
    return keys


def conforms(report: Graph) -> bool:
    return bool(next(report.objects(None, SH.conforms)).toPython())


@pytest.fixture(scope="module", params=["project", "violations"])
def shacl_case(request, project, tmp_path_factory):
    if request.param == "project":
        return request.param, project
    folder = tmp_path_factory.mktemp("synth-violations")
    path = folder / f"synth-s-{PLANTED}.nt"
    synth.write(path, S_COUNTIES, SEED, PLANTED, base=synth.curated_files())
    return request.param, load([*synth.curated_files(), path])


def test_jena_shacl_agrees_with_kg_validate(jena, shacl_case, tmp_path):
    name, loaded = shacl_case
    data, shapes = tmp_path / "data.nt", tmp_path / "shapes.ttl"
    (loaded.data + loaded.ontology).serialize(data, format="nt", encoding="utf-8")
    loaded.shapes.serialize(shapes, format="turtle", encoding="utf-8")
    jena_report = jena.shacl(data, shapes)
    kg_report, _rows = run_shacl(loaded.data, loaded.ontology, loaded.shapes)

    expected = result_keys(kg_report)
    assert result_keys(jena_report) == expected
    violations = sum(n for key, n in expected.items() if key[3] == str(SH.Violation))
    warnings = sum(n for key, n in expected.items() if key[3] == str(SH.Warning))
    assert violations == (PLANTED if name == "violations" else 0)
    assert warnings > 0, "both graphs have warnings (the project's sh:MinCountConstraintComponent ones)"
    # Both write sh:conforms as SHACL defines it: false as soon as there is any result, a
    # warning too (kg validate's exit code is about violations only: 0 on the project).
    assert conforms(kg_report) is conforms(jena_report) is False
