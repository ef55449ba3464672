"""The national gazetteer: every division code since 1981 as a place, in its own named graph.

Places come from two data sets: the NBS statistical codes of 2023 (today's divisions and
Yunnan's townships) and the code history 1981-2024 (every record a code, name and years of
use; data/reference/division-history). The counts below are the data's own: 6,823 rows of the
history, 3,213 of them in use today (3,206 also in the NBS list; 7 only in the history: Taiwan,
Hong Kong, Macao, 三沙's 西沙区 and 南沙区, 和田's 和康县 and 和安县), 1,606 NBS units without
history (townships, development zones, the NBS groupings such as 1101 北京市市辖区).
"""

from __future__ import annotations

import time
from collections import Counter

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from kg.cli import main
from kg.link import gazetteer
from kg.namespaces import CKG, GRAPH, PLACE, SRC
from kg.store.load import Loaded


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
    assert written.exit_code == 0 and "8429 places" in written.output
    assert (tmp_path / "places.ttl").read_text(encoding="utf-8") == gazetteer.output_file().read_text(encoding="utf-8")
    stale = tmp_path / "stale.ttl"
    stale.write_text("# old\n", encoding="utf-8")
    outdated = runner.invoke(main, ["gazetteer", "--check", "-o", str(stale)])
    # the way out names the file it was given, not the default one
    assert outdated.exit_code == 1 and f"out of date: run `kg gazetteer -o {stale}`" in outdated.output
    # a file that is not there is no out-of-date file: one line, exit 2
    missing = runner.invoke(main, ["gazetteer", "--check", "-o", str(tmp_path / "nope.ttl")])
    assert missing.exit_code == 2 and missing.output == f"kg: error: {tmp_path / 'nope.ttl'}: no such file\n", missing.output
    binary = tmp_path / "binary.ttl"
    binary.write_bytes(b"\xff\xfe\x00x")
    assert runner.invoke(main, ["gazetteer", "--check", "-o", str(binary)]).exit_code == 1


def test_every_division_is_a_place(places):
    levels = {CKG.Province: 34, CKG.PrefectureLevelDivision: 342 + 211, CKG.CountyLevelDivision: 2982 + 3399,
              CKG.TownshipLevelDivision: 1461}
    for cls, count in levels.items():
        assert len(set(places.subjects(RDF.type, cls))) == count, cls
    sources = Counter()
    for place in set().union(*(places.subjects(RDF.type, cls) for cls in levels)):
        key = str(place).rsplit("/", 1)[1]
        code = str(places.value(place, CKG.divisionCode))
        assert key == code or (key.startswith(code + "-") and key[len(code) + 1:] == str(places.value(place, CKG.validFrom)))
        assert places.value(place, SKOS.notation) == Literal(code, datatype=CKG.DivisionCode)
        sources[tuple(sorted(str(s).rsplit("/", 1)[1] for s in places.objects(place, DCTERMS.source)))] += 1
        assert places.value(place, CKG.parentDivision) is not None
        assert sorted(l.language for l in places.objects(place, RDFS.label)) == ["en", "zh-Hans", "zh-Hant"]
    assert sources == {("division-code-history",): 3617, ("division-code-history", "nbs-division-codes-2023"): 3206,
                       ("nbs-division-codes-2023",): 1606}


def test_every_record_of_the_history_is_a_place_with_its_years(places):
    from kg.link.history import load_history

    history = load_history()
    assert len(history) == 6823
    for record in history:
        place = PLACE[history.key(record)]
        assert places.value(place, CKG.validFrom) == Literal(str(record.start), datatype=XSD.gYear), record
        until = places.value(place, CKG.validUntil)
        assert until == (Literal(str(record.end), datatype=XSD.gYear) if record.end else None), record
        assert {str(l) for l in places.objects(place, RDFS.label) if l.language == "zh-Hans"} == {record.name}


def test_reused_codes_get_their_own_iris(places):
    """思茅市 (prefecture-level, 2003-2007) became 普洱市 under the same code 530800: the place in
    use today keeps place:5308, the earlier holder is place:5308-2003."""
    assert str(places.value(PLACE["5308"], RDFS.label)) in ("普洱市", "普洱市")
    labels = {l.language: str(l) for l in places.objects(PLACE["5308-2003"], RDFS.label)}
    assert labels == {"zh-Hans": "思茅市", "zh-Hant": "思茅市", "en": "Simao City (2003-2007)"}
    assert places.value(PLACE["5308-2003"], DCTERMS.isReplacedBy) == PLACE["5308"]
    assert places.value(PLACE["530802-2003"], CKG.parentDivision) == PLACE["5308-2003"]  # 翠云区 under 思茅市
    assert places.value(PLACE["532701"], DCTERMS.isReplacedBy) == PLACE["530802-2003"]    # county-level 思茅市


def test_replacement_links_and_splits(places):
    replaced = list(places.subject_objects(DCTERMS.isReplacedBy))
    assert len(replaced) == 4066
    assert {(o, s) for s, o in replaced} == set(places.subject_objects(DCTERMS.replaces))
    # 宜宾县 (1996-2018) was split: part to 翠屏区, the rest became 叙州区
    assert set(places.objects(PLACE["511521"], DCTERMS.isReplacedBy)) == {PLACE["511502"], PLACE["511504"]}


def test_partial_transfers(places):
    """530624[2023] in 昭阳区's row: part of its area went to 大关县 in 2023; 昭阳区 stays in use."""
    transfers = list(places.objects(PLACE["530602"], CKG.areaTransfer))
    assert len(transfers) == 1
    assert places.value(transfers[0], CKG.transferredTo) == PLACE["530624"]
    assert places.value(transfers[0], CKG.transferYear) == Literal("2023", datatype=XSD.gYear)
    assert (PLACE["530602"], CKG.validUntil, None) not in places
    assert (PLACE["530602"], DCTERMS.isReplacedBy, None) not in places
    assert len(set(places.subjects(RDF.type, CKG.AreaTransfer))) == 564


def test_derived_successors_of_prefectures_say_so(places):
    """The history gives no successor for 昭通地区 (532100, 1981-2001): it is derived from where
    its counties went (昭通市 5306), and the place says so."""
    assert set(places.objects(PLACE["5321"], DCTERMS.isReplacedBy)) == {PLACE["5306"]}
    comments = {str(c) for c in places.objects(PLACE["5321"], RDFS.comment)}
    assert gazetteer.DERIVED_COMMENT in comments
    assert gazetteer.DERIVED_COMMENT not in {str(c) for c in places.objects(PLACE["530630"], RDFS.comment)}


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


def test_shuifu_history(places):
    """532131 水富县 (1981-2001, under 昭通地区) -> 530630 水富县 (2001-2018) -> 530681 水富市, from
    the code history; each place cites the data set it really comes from."""
    first, old, new = PLACE["532131"], PLACE["530630"], PLACE["530681"]
    assert places.value(first, DCTERMS.isReplacedBy) == old and places.value(old, DCTERMS.isReplacedBy) == new
    assert places.value(new, DCTERMS.replaces) == old and places.value(old, DCTERMS.replaces) == first
    assert places.value(first, CKG.parentDivision) == PLACE["5321"]
    assert places.value(old, CKG.parentDivision) == PLACE["5306"]
    assert places.value(old, CKG.validFrom) == Literal("2001", datatype=XSD.gYear)
    assert places.value(old, CKG.validUntil) == Literal("2018", datatype=XSD.gYear)
    assert places.value(new, CKG.validFrom) == Literal("2018", datatype=XSD.gYear)
    assert set(places.objects(old, DCTERMS.source)) == {SRC["division-code-history"]}  # not in the 2023 list
    assert set(places.objects(new, DCTERMS.source)) == {SRC["division-code-history"], SRC["nbs-division-codes-2023"]}
    assert set(places.objects(PLACE["530681101"], DCTERMS.source)) == {SRC["nbs-division-codes-2023"]}


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
    for code in ("53", "5306", "530681"):
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
    assert len(project.dataset.graph(name)) > 100_000


def test_a_sample_conforms_to_the_shapes(project):
    """Zhaotong's subtree since 1981 (昭通地区 and 昭通市, their counties, their townships, the
    divisions these replaced or were replaced by, their area transfers) against the project's
    shapes and checks, quickly; the whole graph is validated by `kg validate` (see below)."""
    from kg.validate.report import validate_loaded

    data = project.data
    keep = {PLACE["5306"], PLACE["5321"]}
    keep |= {s for c in list(keep) for s in data.subjects(CKG.parentDivision, c)}
    keep |= {s for c in list(keep) for s in data.subjects(CKG.parentDivision, c)}
    todo = list(keep)
    while todo:  # what these refer to, and so on: ancestors, predecessors, successors, transfers
        node = todo.pop()
        for predicate in (DCTERMS.replaces, DCTERMS.isReplacedBy, CKG.areaTransfer, CKG.transferredTo,
                          CKG.parentDivision):
            for other in data.objects(node, predicate):
                if other not in keep:
                    keep.add(other)
                    todo.append(other)
    assert {PLACE["532131"], PLACE["530630"], PLACE["530681"]} <= keep
    sample = Graph()
    for node in keep:
        for triple in data.triples((node, None, None)):
            sample.add(triple)
    for triple in data.triples((None, None, None)):
        if triple[0] in (SRC["nbs-division-codes-2023"], SRC["division-code-history"]) \
                or str(triple[0]).startswith(str(PLACE["CN"])):
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
