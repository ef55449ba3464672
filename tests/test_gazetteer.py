"""The national gazetteer: every division code as a place, in its own named graph."""

from __future__ import annotations

import time

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from kg.link import gazetteer
from kg.cli import main
from kg.store.load import Loaded
from kg.namespaces import CKG, GRAPH, PLACE, SCHEMA, SRC


@pytest.fixture(scope="module")
def places() -> Graph:
    return Graph().parse(gazetteer.output_file(), format="turtle")


def test_the_committed_file_is_generated_from_the_division_codes():
    assert gazetteer.is_up_to_date(), "data/gazetteer/places.ttl is stale: run `kg gazetteer`"
    assert gazetteer.generate() == gazetteer.generate(), "generation must be deterministic"


def test_cli_check_and_write(tmp_path):
    runner = CliRunner()
    checked = runner.invoke(main, ["gazetteer", "--check"])
    assert checked.exit_code == 0 and "up to date" in checked.output
    written = runner.invoke(main, ["gazetteer", "-o", str(tmp_path / "places.ttl")])
    assert written.exit_code == 0 and "4813 places" in written.output
    assert (tmp_path / "places.ttl").read_text(encoding="utf-8") == gazetteer.output_file().read_text(encoding="utf-8")
    stale = tmp_path / "stale.ttl"
    stale.write_text("# old\n", encoding="utf-8")
    assert runner.invoke(main, ["gazetteer", "--check", "-o", str(stale)]).exit_code == 1


def test_every_division_is_a_place(places):
    levels = {CKG.Province: 31, CKG.PrefectureLevelDivision: 342, CKG.CountyLevelDivision: 2978 + 1,
              CKG.TownshipLevelDivision: 1461}
    for cls, count in levels.items():
        assert len(set(places.subjects(RDF.type, cls))) == count, cls
    for place in places.subjects(RDF.type, None):
        code = str(place).rsplit("/", 1)[1]
        assert places.value(place, CKG.divisionCode) == Literal(code)
        assert places.value(place, SKOS.notation) == Literal(code, datatype=CKG.DivisionCode)
        assert places.value(place, DCTERMS.source) == SRC["nbs-division-codes-2023"]
        assert places.value(place, CKG.parentDivision) is not None
        assert sorted(l.language for l in places.objects(place, RDFS.label)) == ["en", "zh-Hans", "zh-Hant"]


def test_hierarchy_of_zhaotong(places):
    counties = {str(p).rsplit("/", 1)[1] for p in places.subjects(CKG.parentDivision, PLACE["5306"])
                if (p, DCTERMS.isReplacedBy, None) not in places}
    assert counties == {"530602", "530621", "530622", "530623", "530624", "530625", "530626", "530627",
                        "530628", "530629", "530681"}
    assert places.value(PLACE["5306"], CKG.parentDivision) == PLACE["53"]
    assert places.value(PLACE["53"], CKG.parentDivision) == PLACE["CN"]
    assert places.value(PLACE["530681101"], CKG.parentDivision) == PLACE["530681"]


def test_external_code_forms(places):
    """dcterms:identifier: the 6-digit GB/T 2260 / Wikidata P442 form, 12 digits for townships."""
    assert places.value(PLACE["53"], DCTERMS.identifier) == Literal("530000")
    assert places.value(PLACE["5306"], DCTERMS.identifier) == Literal("530600")
    assert places.value(PLACE["530681"], DCTERMS.identifier) == Literal("530681")
    assert places.value(PLACE["530681101"], DCTERMS.identifier) == Literal("530681101000")


def test_shuifu_2018_change(places):
    old, new = PLACE["530630"], PLACE["530681"]
    assert places.value(old, DCTERMS.isReplacedBy) == new
    assert places.value(new, DCTERMS.replaces) == old
    assert places.value(old, SCHEMA.dissolutionDate) == Literal("2018", datatype=XSD.gYear)
    assert places.value(new, SCHEMA.foundingDate) == Literal("2018", datatype=XSD.gYear)
    assert places.value(old, CKG.parentDivision) == PLACE["5306"]


def test_names(places):
    def label(code, lang):
        return str(next(l for l in places.objects(PLACE[code], RDFS.label) if l.language == lang))

    assert label("530602", "zh-Hans") == "昭阳区" and label("530602", "zh-Hant") == "昭陽區"
    expected = {
        "15": "Inner Mongolia Autonomous Region", "61": "Shaanxi Province", "50": "Chongqing Municipality",
        "54": "Xizang (Tibet) Autonomous Region", "45": "Guangxi Zhuang Autonomous Region",
        "6101": "Xi'an City", "5329": "Dali Bai Autonomous Prefecture", "530602": "Zhaoyang District",
        "530721": "Yulong Naxi Autonomous County", "511524": "Changning County", "110105": "Chaoyang District",
        "530681101": "Xiangjiaba Town", "530681001": "Yunfu Subdistrict", "530721205": "Liming Lisu Ethnic Township",
        "1525": "Xilin Gol League", "1529": "Alxa League",
    }
    for code, name in expected.items():
        assert label(code, "en") == name, code
    assert label("1101", "zh-Hans") == "北京市市辖区" and label("1101", "en") == "Beijing Municipality (districts)"
    assert label("5002", "zh-Hans") == "重庆市辖县"
    assert label("4290", "zh-Hans") == "湖北省直辖县级行政区划"


def test_core_places_keep_their_labels(places, project_union):
    """Identical triples merge: the union still has one label per language for the core places."""
    for code in ("53", "5306", "530681", "530630"):
        labels = list(project_union.objects(PLACE[code], RDFS.label))
        assert sorted(l.language for l in labels) == ["en", "zh-Hans", "zh-Hant"], (code, labels)
    assert Literal("Shuifu (county-level city)", lang="en") in set(places.objects(PLACE["530681"], RDFS.label))


def test_romanised_names_say_so(places):
    comment = Literal(gazetteer.ROMANISED, lang="en")
    assert (PLACE["530602"], RDFS.comment, comment) in places
    assert (PLACE["530681"], RDFS.comment, comment) not in places  # its English name is curated


def test_gazetteer_is_its_own_named_graph(project):
    name = GRAPH["data/gazetteer/places"]
    assert name in project.files
    assert len(project.dataset.graph(name)) > 40_000


def test_a_sample_conforms_to_the_shapes(project):
    """Zhaotong's subtree (its counties, their townships, their ancestors) against the project's
    shapes and checks, quickly; the whole graph is validated by `kg validate` (see below)."""
    from kg.validate.report import validate_loaded

    data = project.data
    keep = {PLACE["CN"], PLACE["53"], PLACE["5306"]}
    keep |= {s for s in data.subjects(CKG.parentDivision, PLACE["5306"])}
    keep |= {s for c in list(keep) for s in data.subjects(CKG.parentDivision, c)}
    sample = Graph()
    for node in keep:
        for triple in data.triples((node, None, None)):
            sample.add(triple)
    for triple in data.triples((None, None, None)):
        if triple[0] in (SRC["nbs-division-codes-2023"],) or str(triple[0]).startswith(str(PLACE["CN"])):
            sample.add(triple)
    for quote_triple in list(sample):
        if quote_triple[1] == CKG.evidence:
            for triple in data.triples((quote_triple[2], None, None)):
                sample.add(triple)
    report = validate_loaded(Loaded(project.dataset, project.ontology, project.shapes, sample, {}),
                             checks=False, quotes=False)
    assert not [r for r in report.violations if str(r.focus).startswith(str(PLACE))
                and r.path != "ckg:evidence" and "Quote" not in r.message], report.to_text()


@pytest.mark.slow
def test_the_whole_project_with_the_gazetteer_validates(project):
    from kg.validate.report import validate_loaded

    started = time.perf_counter()
    report = validate_loaded(project)
    seconds = time.perf_counter() - started
    print(f"\nvalidation of the whole project with the gazetteer: {seconds:.1f} s, "
          f"{len(project.data)} data triples, {len(report.violations)} violations")
    assert not report.violations, report.to_text()
