"""The SHACL shapes (ontology/shapes/): every node shape has a conforming and a violating
fixture (tests/fixtures/shapes/<ShapeLocalName>/valid.ttl, invalid.ttl), the shapes stay
within documented SHACL Core, and the project's own data conforms to them.

Fixtures are validated together with tests/fixtures/shapes/_support.ttl (shared, valid
resources: a quote, places, a theme, a period, ...), the ontology and all shapes. The first
line of every invalid.ttl names the constraint component it must fail on::

    # expect: sh:MinCountConstraintComponent

pySHACL is called directly, with the ontology merged into the data graph instead of passed
as ``ont_graph``. Both make class targets and sh:class follow rdfs:subClassOf; the merge is
what kg.validate.run_shacl does too, because pySHACL 0.40's ``ont_graph`` mixing deep-copies
every owl:NamedIndividual recursively and takes minutes on this ontology (its concept
schemes and their top concepts point at each other).
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
import rdflib
from pyshacl import validate
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF, RDFS

from kg import paths

SH = Namespace("http://www.w3.org/ns/shacl#")
CKGSH = Namespace("https://w3id.org/county-kg/shapes#")

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
SUPPORT = FIXTURES / "_support.ttl"
EXPECT = re.compile(r"^# expect: sh:(\w+ConstraintComponent)\s*$")

FIXTURE_DIRS = sorted(p for p in FIXTURES.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))

# Constraint parameters of SHACL Core (https://www.w3.org/TR/shacl/#core-components) and the
# shape-describing terms the shapes may use. Anything else under sh: (sh:sparql, sh:rule,
# sh:js, sh:target with SPARQL, sh:closed ...) is out of bounds.
CORE_TERMS = {SH[t] for t in """
    NodeShape PropertyShape path inversePath alternativePath zeroOrMorePath oneOrMorePath zeroOrOnePath
    targetClass targetNode targetSubjectsOf targetObjectsOf
    class datatype nodeKind IRI BlankNode Literal BlankNodeOrIRI BlankNodeOrLiteral IRIOrLiteral
    minCount maxCount minExclusive minInclusive maxExclusive maxInclusive minLength maxLength
    pattern flags languageIn uniqueLang equals disjoint lessThan lessThanOrEquals
    not and or xone node property qualifiedValueShape qualifiedMinCount qualifiedMaxCount
    qualifiedValueShapesDisjoint hasValue in
    name description message severity Violation Warning Info order group deactivated
""".split()}


# -- helpers ------------------------------------------------------------------------------


@dataclass
class Schema:
    ontology: Graph
    shapes: Graph


@pytest.fixture(scope="module")
def schema() -> Schema:
    """The project's ontology and all its shapes."""
    shapes = Graph()
    for path in sorted(paths.shapes_dir().glob("*.ttl")):
        shapes.parse(path, format="turtle")
    return Schema(Graph().parse(paths.ontology_file(), format="turtle"), shapes)


@pytest.fixture(scope="module")
def support() -> Graph:
    return Graph().parse(SUPPORT, format="turtle")


def shacl(data: Graph, schema: Schema) -> Graph:
    """Validate ``data`` with the ontology merged in; return the results graph."""
    merged = Graph()
    for triple in schema.ontology:
        merged.add(triple)
    for triple in data:
        merged.add(triple)
    normalize = rdflib.NORMALIZE_LITERALS
    try:
        _conforms, results, _text = validate(
            merged, shacl_graph=schema.shapes, ont_graph=None, inference="none",
            allow_warnings=True, advanced=False, abort_on_first=False,
        )
    finally:  # pySHACL switches rdflib's literal normalisation back on; county-kg keeps it off
        rdflib.NORMALIZE_LITERALS = normalize
    return results


def violations(results: Graph) -> list[dict]:
    found = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        if results.value(result, SH.resultSeverity) != SH.Violation:
            continue
        found.append({
            "focus": results.value(result, SH.focusNode),
            "path": results.value(result, SH.resultPath),
            "component": results.value(result, SH.sourceConstraintComponent),
            "shape": results.value(result, SH.sourceShape),
            "value": results.value(result, SH.value),
            "message": str(results.value(result, SH.resultMessage) or ""),
        })
    return found


def describe(found: list[dict]) -> str:
    def short(node) -> str:
        text = str(node)
        return text.rsplit("#", 1)[-1] if "#" in text else text.rsplit("/", 1)[-1]
    return "\n".join(
        f"  {short(v['component'])} from {short(v['shape'])} on {short(v['focus'])}: {v['message']}"
        for v in found
    ) or "  (none)"


def fixture_graph(path: Path, support: Graph) -> Graph:
    graph = Graph()
    for triple in support:
        graph.add(triple)
    graph.parse(path, format="turtle")
    return graph


def expected_component(path: Path) -> URIRef:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = EXPECT.match(first)
    assert match, f"{path}: the first line must be '# expect: sh:<Component>ConstraintComponent', not {first!r}"
    return SH[match.group(1)]


def reachable_shapes(shapes: Graph, start: URIRef) -> set:
    """``start`` and every shape reachable from it through sh:property, sh:node, sh:not,
    sh:qualifiedValueShape and the members of sh:or, sh:and and sh:xone."""
    seen, todo = set(), [start]
    while todo:
        shape = todo.pop()
        if shape in seen:
            continue
        seen.add(shape)
        for predicate in (SH.property, SH.node, SH["not"], SH.qualifiedValueShape):
            todo.extend(shapes.objects(shape, predicate))
        for predicate in (SH["or"], SH["and"], SH.xone):
            for members in shapes.objects(shape, predicate):
                todo.extend(shapes.items(members))
    return seen


def node_shapes(shapes: Graph) -> list[URIRef]:
    return sorted(s for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef))


# -- the shapes themselves ---------------------------------------------------------------


def test_every_node_shape_has_fixtures(schema):
    names = {str(s).removeprefix(str(CKGSH)) for s in node_shapes(schema.shapes)}
    dirs = {p.name for p in FIXTURE_DIRS}
    assert names == dirs, (f"node shapes without fixtures: {sorted(names - dirs)}; "
                           f"fixture directories without a node shape: {sorted(dirs - names)}")
    assert len(FIXTURE_DIRS) == len(node_shapes(schema.shapes)) > 30
    for directory in FIXTURE_DIRS:
        assert (directory / "valid.ttl").is_file() and (directory / "invalid.ttl").is_file(), directory


def test_shapes_are_core_and_documented(schema):
    shapes = schema.shapes
    outside_core = {p for _s, p, _o in shapes if str(p).startswith(str(SH)) and p not in CORE_TERMS}
    outside_core |= {o for _s, _p, o in shapes if isinstance(o, URIRef) and str(o).startswith(str(SH))
                     and o not in CORE_TERMS and not str(o).endswith("ConstraintComponent")}
    assert not outside_core, f"not SHACL Core: {sorted(outside_core)}"
    assert not list(shapes.subjects(SH.closed, None)), "sh:closed is not wanted"

    problems = []
    for shape in node_shapes(shapes):
        if not str(shape).startswith(str(CKGSH)) or not str(shape).endswith("Shape"):
            problems.append(f"{shape}: node shapes are named ckgsh:<Name>Shape")
        if shapes.value(shape, RDFS.label) is None or shapes.value(shape, SH.description) is None:
            problems.append(f"{shape}: needs rdfs:label and sh:description")
        node_level = {p for p, _o in shapes.predicate_objects(shape)} - {
            RDF.type, RDFS.label, SH.description, SH.message, SH.property, SH.targetClass,
            SH.targetSubjectsOf, SH.targetNode, SH.targetObjectsOf, SH.severity, SH.name}
        if node_level and shapes.value(shape, SH.message) is None:
            problems.append(f"{shape}: node-level constraints {sorted(node_level)} need a sh:message")
        if not any(shapes.objects(shape, p) for p in (SH.targetClass, SH.targetSubjectsOf)):
            problems.append(f"{shape}: a node shape without a class or subjects-of target")
    for prop in set(shapes.objects(None, SH.property)):
        if shapes.value(prop, SH.message) is None:
            problems.append(f"{prop}: property shapes need an English sh:message")
        if isinstance(prop, URIRef) and shapes.value(prop, SH.name) is None:
            problems.append(f"{prop}: named property shapes need a sh:name")
    assert not problems, "\n".join(problems)


def test_support_conforms(schema, support):
    found = violations(shacl(support, schema))
    assert not found, f"{SUPPORT} must conform on its own:\n{describe(found)}"


# -- fixtures -----------------------------------------------------------------------------


@pytest.mark.parametrize("directory", FIXTURE_DIRS, ids=[p.name for p in FIXTURE_DIRS])
def test_valid_fixture_conforms(directory, schema, support):
    found = violations(shacl(fixture_graph(directory / "valid.ttl", support), schema))
    assert not found, f"{directory.name}/valid.ttl must have no violations:\n{describe(found)}"


@pytest.mark.parametrize("directory", FIXTURE_DIRS, ids=[p.name for p in FIXTURE_DIRS])
def test_invalid_fixture_violates_its_shape(directory, schema, support):
    path = directory / "invalid.ttl"
    component = expected_component(path)
    shape = CKGSH[directory.name]
    own = reachable_shapes(schema.shapes, shape)
    found = violations(shacl(fixture_graph(path, support), schema))
    assert found, f"{directory.name}/invalid.ttl conforms, but must fail on {component}"
    matching = [v for v in found if v["component"] == component and v["shape"] in own]
    assert matching, (f"{directory.name}/invalid.ttl must fail on {component} from ckgsh:{directory.name} "
                      f"or one of its property shapes; it failed on:\n{describe(found)}")


# -- the project's data --------------------------------------------------------------------


def test_project_data_has_no_violations(schema):
    """THE PROJECT'S DATA: data/core, data/sources/article.ttl and data/themes together
    conform to the shapes (warnings allowed). A failure here is a data problem (or a shape
    that disagrees with docs/model.md): the message lists every violation."""
    data_dir = paths.data_dir()
    files = [*sorted((data_dir / "core").glob("*.ttl")), data_dir / "sources" / "article.ttl",
             *sorted((data_dir / "themes").glob("*.ttl"))]
    data = Graph()
    for path in files:
        data.parse(path, format="turtle")
    started = time.perf_counter()
    results = shacl(data, schema)
    seconds = time.perf_counter() - started
    found = violations(results)
    warnings = Counter(str(results.value(r, SH.sourceShape)).rsplit("#", 1)[-1]
                       for r in results.subjects(SH.resultSeverity, SH.Warning))
    print(f"\nvalidated {len(data)} triples from {len(files)} files in {seconds:.1f} s: "
          f"{len(found)} violation(s), warnings by shape: {dict(warnings)}")
    assert not found, f"{len(found)} violation(s) in the project's data:\n{describe(found)}"
