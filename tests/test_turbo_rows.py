"""kg.validate.turborows: the rows read from pyshacl-turbo's report text equal the rows read
from its report graph (kg.validate.engines.rows_of), term for term, on every shape fixture,
on the synthetic S graph with injected violations and on the project; the report graph is
made instead whenever the text holds what the reader does not read, a literal is marked, or
the engine's native entry point is not there."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from rdflib import BNode, Graph, URIRef

from kg import synth
from kg.namespaces import SH
from kg.store.load import load
from kg.validate import engines as shacl_engines
from kg.validate import turborows

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
SUPPORT = FIXTURES / "_support.ttl"
FIXTURE_FILES = sorted(p for p in FIXTURES.glob("*/*.ttl") if not p.parent.name.startswith(("_", ".")))


@pytest.fixture(scope="module")
def schema():
    loaded = load([], workspace=False)
    return loaded.shapes, loaded.ontology.serialize(format="nt")


def _both(text: str, shapes: Graph, focus=None) -> tuple[shacl_engines.Run, shacl_engines.Run]:
    fast = shacl_engines.validate_text(text, shapes, focus_nodes=focus, report=False)
    graph = shacl_engines.validate_text(text, shapes, focus_nodes=focus)
    return fast, graph


def _same(fast: shacl_engines.Run, graph: shacl_engines.Run) -> None:
    assert fast.report is None, "the rows were not read from the report text"
    assert graph.report is not None
    # (rdflib's terms compare by kind and value: a literal's datatype and language included)
    assert Counter(fast.rows) == Counter(graph.rows)
    assert fast.conforms == graph.conforms == (not graph.rows)


@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_every_shape_fixture_gives_the_report_graphs_rows(schema, fixture):
    shapes, ontology = schema
    data = Graph()
    data.parse(SUPPORT)
    data.parse(fixture)
    fast, graph = _both(data.serialize(format="nt") + ontology, shapes)
    _same(fast, graph)
    if fixture.stem == "invalid":
        assert fast.violations, f"{fixture}: the fixture's violation is missing from the rows"


def test_the_synthetic_graph_with_violations_gives_the_report_graphs_rows(schema, tmp_path):
    shapes, ontology = schema
    path = tmp_path / "s.nt"
    synth.write(path, 6, 42, 22, base=synth.curated_files())
    loaded = load([*synth.curated_files(), path], workspace=False)
    text = loaded.data.serialize(format="nt") + ontology
    fast, graph = _both(text, shapes)
    _same(fast, graph)
    assert len(fast.violations) >= 22
    # the paths as the report shows them: an inverse path, a complex path and IRIs
    paths = {row[1] for row in fast.rows}
    assert "(complex path)" in paths and any(p and p.startswith("ckg:") for p in paths)
    # and a focus: the rows of those nodes alone, as the report graph has them
    focus = sorted({str(row[0]) for row in graph.rows if isinstance(row[0], URIRef)})[:40]
    _same(*_both(text, shapes, focus))


def test_an_inverse_path_and_shape_blank_nodes_are_read_as_the_report_graph_has_them(schema):
    shapes, _ontology = schema
    # a result as pyshacl-turbo writes it: its path a blank node with sh:inversePath, its
    # shape one of the shapes graph's blank nodes (by the compiled shapes' label)
    shape = BNode()
    report = "\n".join([
        "_:r <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/ns/shacl#ValidationResult> .",
        "_:r <http://www.w3.org/ns/shacl#focusNode> <https://w3id.org/county-kg/id/x> .",
        "_:r <http://www.w3.org/ns/shacl#resultPath> _:p .",
        "_:p <http://www.w3.org/ns/shacl#inversePath> <https://w3id.org/county-kg/ontology#producesResult> .",
        "_:r <http://www.w3.org/ns/shacl#sourceConstraintComponent> <http://www.w3.org/ns/shacl#MinCountConstraintComponent> .",
        "_:r <http://www.w3.org/ns/shacl#resultSeverity> <http://www.w3.org/ns/shacl#Violation> .",
        '_:r <http://www.w3.org/ns/shacl#resultMessage> "needs a \\"program\\"\\n(line two)"@en .',
        '_:r <http://www.w3.org/ns/shacl#value> "12.50"^^<http://www.w3.org/2001/XMLSchema#decimal> .',
        "_:r <http://www.w3.org/ns/shacl#sourceShape> _:s .",
        ""])
    [row] = turborows.rows(report, shapes, {"s": shape})
    focus, path, component, severity, message, value, source = row
    assert focus == URIRef("https://w3id.org/county-kg/id/x")
    assert path == "^ckg:producesResult"
    assert (component, severity) == (SH.MinCountConstraintComponent, SH.Violation)
    assert message == 'needs a "program"\n(line two)'
    assert str(value) == "12.50" and value.datatype is not None  # as written: not normalised to 12.5
    assert source is shape


@pytest.mark.parametrize("line", [
    "_:r <http://www.w3.org/ns/shacl#focusNode> <https://w3id.org/county-kg/id/x>",  # no " ."
    "_:r <http://www.w3.org/ns/shacl#value> 12 .",  # a term the reader does not know
    "_:r <http://www.w3.org/ns/shacl#resultPath> _:p .\n_:p <http://www.w3.org/ns/shacl#inversePath> _:q .",
])
def test_a_report_text_it_does_not_read_is_left_to_the_report_graph(schema, line):
    shapes, _ontology = schema
    report = ("_:r <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/ns/shacl#ValidationResult> .\n"
              + line + "\n")
    with pytest.raises(turborows.Unreadable):
        turborows.rows(report, shapes, {})


def test_without_the_native_entry_point_the_report_graph_is_made(schema, monkeypatch):
    shapes, ontology = schema
    # an engine whose native entry point is not the one the reader knows: no rows
    class Native:
        def validate(self, *args):
            return (True, "", "")  # (three values, not five)

    class Compiled:
        _blank_nodes: dict = {}

    assert turborows.native_rows(Compiled(), "", None, shapes) is None
    Compiled._native = Native()
    assert turborows.native_rows(Compiled(), "", None, shapes) is None
    # and validate_text then makes the report graph, with the same rows
    data = Graph()
    data.parse(SUPPORT)
    data.parse(FIXTURES / "ObservationShape" / "invalid.ttl")
    text = data.serialize(format="nt") + ontology
    expected = shacl_engines.validate_text(text, shapes)
    monkeypatch.setattr(turborows, "native_rows", lambda *args: None)
    run = shacl_engines.validate_text(text, shapes, report=False)
    assert run.report is not None  # the public API was taken
    assert Counter(run.rows) == Counter(expected.rows) and run.violations


def test_a_marked_literal_is_reported_through_the_report_graph(schema):
    shapes, ontology = schema
    data = Graph()
    data.parse(SUPPORT)
    text = data.serialize(format="nt") + ontology
    text += ('<https://w3id.org/county-kg/id/observation/bad> <http://purl.org/linked-data/sdmx/2009/measure#obsValue> '
             '"12,5"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n')
    run = shacl_engines.validate_text(text, shapes, report=False)
    assert run.report is not None
    assert any(str(row[2]).endswith("LexicalFormCheck") for row in run.rows)
