"""The ontology: metadata, labels, naming, agreement with docs/model.md, and OWL 2 consistency.

The consistency tests run HermiT through owlready2 and need ``java`` on PATH.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

import kg
from kg.namespaces import CKG, ONTOLOGY_IRI, ORG, PREFIXES, PROV, SCHEMA
from kg.validate.reasoner import check_consistency, prepare_for_hermit

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_FILE = ROOT / "ontology" / "county-kg.ttl"
MODEL_DOC = ROOT / "docs" / "model.md"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "reasoner"

# A plain namespace: pytest inspects module globals while collecting, and rdflib's closed
# XSD namespace warns about every attribute it does not define.
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
ONTOLOGY = URIRef(ONTOLOGY_IRI)
VANN = "http://purl.org/vocab/vann/"
LABEL_LANGUAGES = {"zh-Hans", "zh-Hant", "en"}
DEFINITION_LANGUAGES = {"en", "zh-Hans"}
DIVISION_CODE_PATTERN = "[1-9][0-9]([0-9]{2}([0-9]{2}([0-9]{3})?)?)?"

CLASS_TYPES = {OWL.Class, RDFS.Datatype}
PROPERTY_TYPES = {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


def own_terms(graph: Graph) -> set[URIRef]:
    return {s for s in graph.subjects() if isinstance(s, URIRef) and s.startswith(str(CKG))}


def local_name(term: URIRef) -> str:
    return str(term)[len(str(CKG)):]


def curie(text: str) -> URIRef:
    prefix, name = text.split(":", 1)
    return URIRef(str(PREFIXES[prefix]) + name)


def list_members(graph: Graph, node) -> list:
    return list(Collection(graph, node))


# --------------------------------------------------------------------------- metadata


def test_ontology_header(ontology: Graph) -> None:
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in ontology
    titles = {t.language for t in ontology.objects(ONTOLOGY, DCTERMS.title)}
    assert titles == LABEL_LANGUAGES
    assert ontology.value(ONTOLOGY, DCTERMS.description) is not None
    assert ontology.value(ONTOLOGY, DCTERMS.creator) == Literal("county-kg contributors")
    assert ontology.value(ONTOLOGY, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    for prop in (DCTERMS.created, DCTERMS.modified):
        value = ontology.value(ONTOLOGY, prop)
        assert value is not None and value.datatype == XSD.date
    assert str(ontology.value(ONTOLOGY, URIRef(VANN + "preferredNamespacePrefix"))) == "ckg"
    assert str(ontology.value(ONTOLOGY, URIRef(VANN + "preferredNamespaceUri"))) == str(CKG)


def test_version_matches_package(ontology: Graph) -> None:
    assert str(ontology.value(ONTOLOGY, OWL.versionInfo)) == kg.__version__
    version_iri = ontology.value(ONTOLOGY, OWL.versionIRI)
    assert version_iri == URIRef(f"{ONTOLOGY_IRI}/{kg.__version__}")
    assert str(version_iri).endswith(kg.__version__)


def test_imports_nothing(ontology: Graph) -> None:
    """The reasoner runs offline, so external vocabularies are declared, never imported."""
    assert list(ontology.objects(None, OWL.imports)) == []


# --------------------------------------------------------------------------- own terms


def test_own_terms_are_labelled_and_defined(ontology: Graph) -> None:
    problems = []
    for term in sorted(own_terms(ontology)):
        name = local_name(term)
        labels = [label for label in ontology.objects(term, RDFS.label) if isinstance(label, Literal)]
        languages = [label.language for label in labels]
        if sorted(languages) != sorted(LABEL_LANGUAGES):
            problems.append(f"{name}: rdfs:label languages {languages}")
        definitions = {d.language for d in ontology.objects(term, SKOS.definition)}
        if not DEFINITION_LANGUAGES <= definitions:
            problems.append(f"{name}: skos:definition languages {sorted(definitions, key=str)}")
        if (term, RDFS.isDefinedBy, ONTOLOGY) not in ontology:
            problems.append(f"{name}: no rdfs:isDefinedBy <{ONTOLOGY_IRI}>")
    assert not problems, "\n".join(problems)


def test_own_terms_are_typed_and_named_by_kind(ontology: Graph) -> None:
    problems = []
    for term in sorted(own_terms(ontology)):
        name = local_name(term)
        kinds = set(ontology.objects(term, RDF.type))
        if not kinds:
            problems.append(f"{name}: no rdf:type")
        if kinds & CLASS_TYPES and not re.fullmatch(r"[A-Z][A-Za-z0-9]*", name):
            problems.append(f"{name}: a class or datatype must be PascalCase")
        if kinds & PROPERTY_TYPES and not re.fullmatch(r"[a-z][A-Za-z0-9]*", name):
            problems.append(f"{name}: a property must be camelCase")
        if not kinds & (CLASS_TYPES | PROPERTY_TYPES) and not re.fullmatch(r"[A-Z][A-Za-z0-9]*", name):
            problems.append(f"{name}: an individual must be PascalCase")
    assert not problems, "\n".join(problems)


def test_used_terms_are_declared(ontology: Graph) -> None:
    """Self-contained: every term an axiom mentions is declared in the file itself."""
    annotation_properties = set(ontology.subjects(RDF.type, OWL.AnnotationProperty))
    builtin = (str(RDF), str(RDFS), str(OWL), str(XSD))
    undeclared = set()
    for s, p, o in ontology:
        if p in annotation_properties or p in (RDFS.label, RDFS.isDefinedBy, OWL.versionIRI):
            continue
        for term in (p, o):
            if not isinstance(term, URIRef) or str(term).startswith(builtin):
                continue
            if (term, RDF.type, None) not in ontology:
                undeclared.add(ontology.namespace_manager.normalizeUri(term))
    assert not undeclared, f"used but not declared: {sorted(undeclared)}"


# --------------------------------------------------------------------------- the model contract


def model_text() -> str:
    return MODEL_DOC.read_text(encoding="utf-8")


def model_table_rows(heading: str) -> list[list[str]]:
    """The body rows of the first table under ``## heading`` in docs/model.md, as cells."""
    section = model_text().split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        if not line.startswith("| `"):
            continue
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        rows.append(cells)
    return rows


def test_every_model_term_is_declared(ontology: Graph) -> None:
    names = set(re.findall(r"(?<![\w-])ckg:([A-Za-z]+)", model_text()))
    assert names, "no ckg: terms found in docs/model.md"
    missing = sorted(n for n in names if (CKG[n], RDF.type, None) not in ontology)
    assert not missing, f"in docs/model.md but not declared in the ontology: {missing}"


def test_model_classes_and_superclasses(ontology: Graph) -> None:
    problems = []
    for cells in model_table_rows("Classes (ontology `ckg:`)"):
        classes = re.findall(r"`ckg:([A-Za-z]+)`", cells[0])
        supers = re.findall(r"`([a-z-]+:[A-Za-z]+)`", cells[1])
        assert classes and supers, cells
        for name in classes:
            if (CKG[name], RDF.type, OWL.Class) not in ontology:
                problems.append(f"ckg:{name} is not an owl:Class")
            for sup in supers:
                if (CKG[name], RDFS.subClassOf, curie(sup)) not in ontology:
                    problems.append(f"ckg:{name} is not declared a subclass of {sup}")
    assert not problems, "\n".join(problems)


def test_model_properties_kinds_and_superproperties(ontology: Graph) -> None:
    problems = []
    for cells in model_table_rows("Properties (ontology `ckg:` unless prefixed)"):
        match = re.fullmatch(r"`ckg:([A-Za-z]+)`", cells[0])
        if not match:
            continue  # a standard property the data uses directly
        prop = CKG[match.group(1)]
        literal_valued = re.search(r"\b(xsd:|rdf:langString)", cells[1]) is not None
        kind = OWL.DatatypeProperty if literal_valued else OWL.ObjectProperty
        if (prop, RDF.type, kind) not in ontology:
            problems.append(f"ckg:{match.group(1)} should be a {kind.n3()}")
        for sup in re.findall(r"sub-property of `([a-z-]+:[A-Za-z]+)`", cells[2]):
            if (prop, RDFS.subPropertyOf, curie(sup)) not in ontology:
                problems.append(f"ckg:{match.group(1)} is not a sub-property of {sup}")
    assert not problems, "\n".join(problems)


def test_model_disjointness(ontology: Graph) -> None:
    line = re.search(r"^Disjoint: (.+)\.$", model_text(), re.MULTILINE)
    assert line, "docs/model.md has no 'Disjoint:' line"
    wanted = {curie(n) if ":" in n else CKG[n] for n in (x.strip() for x in line.group(1).split(","))}
    groups = [
        set(list_members(ontology, members))
        for node in ontology.subjects(RDF.type, OWL.AllDisjointClasses)
        for members in ontology.objects(node, OWL.members)
    ]
    assert any(wanted <= group for group in groups), "no owl:AllDisjointClasses holds " + str(wanted)


@pytest.mark.parametrize(
    ("prop", "sup"),
    [
        (CKG.evidence, PROV.wasDerivedFrom),
        (CKG.responsibleOrganization, PROV.wasAssociatedWith),
        (CKG.location, PROV.atLocation),
        (CKG.theme, DCTERMS.subject),
        (CKG.producesResult, PROV.generated),
        (CKG.hasComponent, DCTERMS.hasPart),
        (CKG.partOfProgram, DCTERMS.isPartOf),
        (CKG.issuedBy, PROV.wasAttributedTo),
        (CKG.parentDivision, SCHEMA.containedInPlace),
        (CKG.photographer, DCTERMS.contributor),
    ],
)
def test_sub_properties_of_standard_vocabularies(ontology: Graph, prop: URIRef, sup: URIRef) -> None:
    assert (prop, RDFS.subPropertyOf, sup) in ontology
    assert (sup, RDF.type, OWL.ObjectProperty) in ontology


@pytest.mark.parametrize(
    ("prop", "datatype"),
    [
        (CKG.position, XSD.integer),
        (CKG.componentCount, XSD.integer),
        (CKG.rank, XSD.positiveInteger),
        (CKG.divisionCode, XSD.string),
        (CKG.reportedValue, RDF.langString),
    ],
)
def test_datatype_property_ranges(ontology: Graph, prop: URIRef, datatype: URIRef) -> None:
    assert (prop, RDF.type, OWL.DatatypeProperty) in ontology
    assert ontology.value(prop, RDFS.range) == datatype


@pytest.mark.parametrize("prop", [CKG.indicator, CKG.valueQualifier, CKG.reportedValue])
def test_exactly_one_properties_are_functional(ontology: Graph, prop: URIRef) -> None:
    assert (prop, RDF.type, OWL.FunctionalProperty) in ontology


def test_division_code_datatype(ontology: Graph) -> None:
    assert (CKG.DivisionCode, RDF.type, RDFS.Datatype) in ontology
    definition = ontology.value(CKG.DivisionCode, OWL.equivalentClass)
    assert isinstance(definition, BNode)
    assert ontology.value(definition, OWL.onDatatype) == XSD.string
    facets = list_members(ontology, ontology.value(definition, OWL.withRestrictions))
    patterns = [str(ontology.value(f, XSD.pattern)) for f in facets]
    assert patterns == [DIVISION_CODE_PATTERN]
    # xsd:pattern is anchored, like re.fullmatch: 2, 4, 6 or 9 digits, no leading zero.
    for code in ("53", "5306", "530681", "530681100"):
        assert re.fullmatch(patterns[0], code), code
    for code in ("5", "530", "53068", "5306811", "53068110", "5306811000", "05", "a3"):
        assert not re.fullmatch(patterns[0], code), code


@pytest.mark.parametrize(
    ("scheme", "cls", "members"),
    [
        (CKG.ValueQualifierScheme, CKG.ValueQualifier,
         [CKG.Exact, CKG.LowerBound, CKG.UpperBound, CKG.Approximate]),
        (CKG.AdministrativeLevelScheme, CKG.AdministrativeLevel,
         [CKG.NationalLevel, CKG.ProvincialLevel, CKG.PrefecturalLevel, CKG.CountyLevel]),
    ],
)
def test_controlled_individuals(ontology: Graph, scheme: URIRef, cls: URIRef, members: list) -> None:
    assert (scheme, RDF.type, SKOS.ConceptScheme) in ontology
    assert (cls, RDFS.subClassOf, SKOS.Concept) in ontology
    for member in members:
        assert (member, RDF.type, cls) in ontology
        assert (member, SKOS.inScheme, scheme) in ontology
    different = [
        set(list_members(ontology, m))
        for node in ontology.subjects(RDF.type, OWL.AllDifferent)
        for m in ontology.objects(node, OWL.distinctMembers)
    ]
    assert set(members) in different


def test_concept_classes_are_not_disjoint_with_skos_concept(ontology: Graph) -> None:
    for node in ontology.subjects(RDF.type, OWL.AllDisjointClasses):
        for members in ontology.objects(node, OWL.members):
            assert SKOS.Concept not in list_members(ontology, members)
    assert (SKOS.Concept, OWL.disjointWith, None) not in ontology
    assert (None, OWL.disjointWith, SKOS.Concept) not in ontology


def test_output_and_outcome_are_disjoint(ontology: Graph) -> None:
    assert (CKG.Output, OWL.disjointWith, CKG.Outcome) in ontology
    assert (CKG.Recognition, RDFS.subClassOf, CKG.Outcome) in ontology
    assert (ORG.Organization, RDF.type, OWL.Class) in ontology


# --------------------------------------------------------------------------- pre-processing


def test_prepare_for_hermit_rewrites() -> None:
    data = Graph().parse(
        data="""
        @prefix ckg: <https://w3id.org/county-kg/ontology#> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        @prefix time: <http://www.w3.org/2006/time#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        ckg:DivisionCode a rdfs:Datatype ; owl:equivalentClass [ a rdfs:Datatype ;
            owl:onDatatype xsd:string ; owl:withRestrictions ( [ xsd:pattern "[0-9]+" ] ) ] .
        <http://x/p> a owl:DatatypeProperty ; rdfs:range xsd:gYear .
        <http://x/q> rdfs:range <http://www.w3.org/1999/02/22-rdf-syntax-ns#langString> .
        <http://x/d> rdfs:label "d"@en ; skos:notation "530681"^^ckg:DivisionCode .
        <http://x/i> time:inXSDDate "2022-01-01"^^xsd:date ; <http://x/n> 5 .
        <http://x/o> owl:imports <http://x/other> .
        """,
        format="turtle",
    )
    prep = prepare_for_hermit(data)
    out = prep.graph
    assert (URIRef("http://x/d"), RDFS.label, None) not in out
    assert (URIRef("http://x/d"), SKOS.notation, Literal("530681", datatype=XSD.string)) in out
    assert (URIRef("http://x/i"), URIRef("http://www.w3.org/2006/time#inXSDDate"), None) not in out
    assert (URIRef("http://x/i"), URIRef("http://x/n"), Literal(5)) in out
    assert (URIRef("http://x/p"), RDFS.range, RDFS.Literal) in out
    lang_range = out.value(URIRef("http://x/q"), RDFS.range)
    assert isinstance(lang_range, BNode) and out.value(lang_range, OWL.onDatatype) == RDF.PlainLiteral
    assert (None, OWL.imports, None) not in out
    assert prep.dropped_literals == {"xsd:date": 1}
    assert prep.retyped == {"ckg:DivisionCode": 1}
    assert not prep.ill_typed


def test_a_decimal_beyond_a_double_is_left_out_and_said() -> None:
    """`kg import` of a value 1e400 wrote a valid 401-digit xsd:decimal; `kg reason` then ended
    in "HermiT failed: ... MalformedLiteralException: Literal "inf"": owlready2 hands HermiT
    decimals as doubles. Such a value is left out of the reasoner's input, and the summary says
    which, instead of a Java error."""
    huge = "1" + "0" * 400
    data = Graph()
    data.add((URIRef("http://x/o"), URIRef("http://x/v"), Literal(huge, datatype=XSD.decimal)))
    data.add((URIRef("http://x/o"), URIRef("http://x/w"), Literal("5.8", datatype=XSD.decimal)))
    prep = prepare_for_hermit(data)
    assert (URIRef("http://x/o"), URIRef("http://x/v"), None) not in prep.graph
    assert (URIRef("http://x/o"), URIRef("http://x/w"), Literal("5.8", datatype=XSD.decimal)) in prep.graph
    assert len(prep.unrepresentable) == 1 and "<http://x/o> <http://x/v> 100000000000...(401 characters)" in \
        prep.unrepresentable[0]
    assert "1 number beyond what the store computes with not checked" in prep.summary()


def test_ill_typed_literal_is_inconsistent(ontology: Graph) -> None:
    graph = Graph() + ontology
    graph.add((URIRef("http://x/c"), CKG.position, Literal("first", datatype=XSD.integer)))
    result = check_consistency(graph)
    assert not result.consistent
    assert "ill-typed" in result.message


# --------------------------------------------------------------------------- consistency (HermiT)


def test_ontology_alone_is_consistent(ontology: Graph) -> None:
    result = check_consistency(ontology)
    assert result.consistent, result.message
    assert result.unsatisfiable == [], result.unsatisfiable


def test_ontology_with_fixture_data_is_consistent(ontology: Graph) -> None:
    graph = Graph() + ontology
    graph.parse(FIXTURES / "consistent.ttl", format="turtle")
    result = check_consistency(graph)
    assert result.consistent, result.message
    assert result.unsatisfiable == [], result.unsatisfiable


def test_project_graph_is_consistent() -> None:
    """The ontology with every data file, as the project loads them."""
    from kg.store.load import project_graph

    result = check_consistency(project_graph())
    assert result.consistent, result.message
    assert result.unsatisfiable == [], result.unsatisfiable


def test_inconsistent_fixture_is_reported(ontology: Graph) -> None:
    """Proof that the check bites: something both a program and a place cannot exist."""
    graph = Graph() + ontology
    graph.parse(FIXTURES / "inconsistent.ttl", format="turtle")
    result = check_consistency(graph)
    assert not result.consistent
    assert result.message.startswith("inconsistent")


_VIOLATIONS = {
    "two value qualifiers": "obs:o a ckg:Observation ; ckg:valueQualifier ckg:Exact , ckg:LowerBound .",
    "reported value without language": 'obs:o a ckg:Observation ; ckg:reportedValue "12.76" .',
    "malformed typed division code": 'place:x a ckg:CountyLevelDivision ; skos:notation "5306810"^^ckg:DivisionCode .',
    "output that is an outcome": "res:r a ckg:Output , ckg:Outcome .",
    "organization as a location": "prog:p ckg:location agent:a . agent:a a ckg:Enterprise .",
    "enterprise as a government body": "agent:a a ckg:Enterprise , ckg:GovernmentBody .",
    "qualifier as an indicator": "obs:o ckg:indicator ckg:Exact .",
}


@pytest.mark.parametrize("violation", sorted(_VIOLATIONS))
def test_model_violations_are_inconsistent(ontology: Graph, violation: str) -> None:
    graph = Graph() + ontology
    graph.parse(
        data="""
        @prefix ckg: <https://w3id.org/county-kg/ontology#> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        @prefix obs: <https://w3id.org/county-kg/id/observation/> .
        @prefix place: <https://w3id.org/county-kg/id/place/> .
        @prefix res: <https://w3id.org/county-kg/id/result/> .
        @prefix prog: <https://w3id.org/county-kg/id/program/> .
        @prefix agent: <https://w3id.org/county-kg/id/agent/> .
        """
        + _VIOLATIONS[violation],
        format="turtle",
    )
    result = check_consistency(graph)
    assert not result.consistent, f"{violation}: {result.message}"


def test_unsatisfiable_class_is_reported(ontology: Graph) -> None:
    graph = Graph() + ontology
    bad = URIRef("http://example.org/ProgramPlace")
    graph.add((bad, RDF.type, OWL.Class))
    graph.add((bad, RDFS.subClassOf, CKG.Program))
    graph.add((bad, RDFS.subClassOf, CKG.Place))
    result = check_consistency(graph)
    assert result.consistent, result.message
    assert result.unsatisfiable == [str(bad)]
    assert not result.ok


# --------------------------------------------------------------------------- documentation


def test_pylode_renders(ontology: Graph, tmp_path: Path) -> None:
    """pyLODE's OntPub documents every class and property (it has no section for
    individuals)."""
    from kg.publish.docs import write_html

    destination = write_html(tmp_path / "county-kg.html", ONTOLOGY_FILE)
    html = destination.read_text(encoding="utf-8")
    assert "County knowledge graph ontology" in html
    documented = [
        term for term in own_terms(ontology)
        if set(ontology.objects(term, RDF.type)) & {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}
    ]
    missing = sorted(local_name(t) for t in documented if f"{t}<" not in html)
    assert not missing, f"not documented by pyLODE: {missing}"
