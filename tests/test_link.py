"""`kg link`: link discovery against another county dataset, measured against a reference link set.

The "other" dataset is built here: a county database in Traditional characters with its own
IRIs and classes, old and 12-digit codes, names without suffixes, spacing, an English-only
record, two 朝陽區 under different parents, a renamed county, decoys (a hydropower station
named like a town, invented places) and two organizations. The reference link set says which
of our resources each record is; precision and recall of `kg link` are measured against it.
"""

from __future__ import annotations

import csv
import socket
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from kg.cli import main
from kg.link.discover import Linker, Thresholds, entities_of, link_dataset, our_entities
from kg.namespaces import GRAPH, PLACE, SCHEMA

EX = Namespace("http://example.org/other/")
EXO = Namespace("http://example.org/other/ontology#")
AGENT = Namespace("https://w3id.org/county-kg/id/agent/")

# their id: (labels, class, code, parent id, our IRI or None)
RECORDS: dict[str, tuple] = {
    # provinces and prefectures
    "yn": (["雲南省"], "Province", "530000", None, PLACE["53"]),
    "sc": (["四川"], "Province", None, None, PLACE["51"]),
    "bj": (["北京"], "Province", None, None, PLACE["11"]),
    "jl": (["吉林省"], "Province", None, None, PLACE["22"]),
    "zt": (["昭通市"], "Prefecture", None, "yn", PLACE["5306"]),
    "yb": (["宜賓市"], "Prefecture", None, "sc", PLACE["5115"]),
    "cc": (["長春市"], "Prefecture", "220100", "jl", PLACE["2201"]),
    # Zhaotong's county-level divisions, as another database writes them
    "zy": (["昭陽區"], "County", "530602", "zt", PLACE["530602"]),
    "ld": (["魯甸"], "County", None, "zt", PLACE["530621"]),
    "qj": (["巧家 縣"], "County", None, "zt", PLACE["530622"]),
    "yj": (["鹽津縣"], "County", "530623000000", "zt", PLACE["530623"]),
    "dg": (["大關"], "County", None, "zt", PLACE["530624"]),
    "ys": (["永善縣"], "County", None, "zt", PLACE["530625"]),
    "sj": (["綏江縣"], "County", None, "zt", PLACE["530626"]),
    "zx": (["鎮雄縣"], "County", None, "zt", PLACE["530627"]),
    "yl": (["彝良"], "County", None, "zt", PLACE["530628"]),
    "wx": ([Literal("Weixin County", lang="en")], "County", None, "zt", PLACE["530629"]),
    "sfx": (["水富縣"], "County", "530630", "zt", PLACE["530630"]),
    "sf": (["水富市"], "County", "530681", "zt", PLACE["530681"]),
    "sf-old-name": (["水富县"], "County", None, "zt", PLACE["530630"]),
    # Sichuan neighbours: 長寧 is also a district of Shanghai; 宜賓縣 was renamed 叙州区 in 2018
    "cn": (["長寧縣"], "County", None, "yb", PLACE["511524"]),
    "xz": (["敘州區"], "County", None, "yb", PLACE["511504"]),
    "ps": (["屏山"], "County", None, "yb", PLACE["511529"]),
    "ybx": (["宜賓縣"], "County", None, "yb", PLACE["511521"]),
    # two districts with the same name, told apart by their parents
    "cy-bj": (["朝陽區"], "District", None, "bj", PLACE["110105"]),
    "cy-cc": (["朝陽區"], "District", None, "cc", PLACE["220104"]),
    # townships of Shuifu
    "xjb": (["向家壩鎮"], "Town", None, "sf", PLACE["530681101"]),
    "yc": (["雲富街道"], "Subdistrict", "530681001", "sf", PLACE["530681001"]),
    # organizations
    "cpc-sf": (["中共水富市委"], "GovernmentOrganization", None, None, AGENT["shuifu-party-committee"]),
    "gov-yn": (["雲南省人民政府"], "GovernmentOrganization", None, None, AGENT["yunnan-government"]),
    # decoys: nothing of ours is the same thing
    "xjb-station": (["向家壩水電站"], "PowerStation", None, "sf", None),
    "thy": (["桃花源縣"], "County", None, "zt", None),
    "yw": (["雲霧鎮"], "Town", None, "sf", None),
    "atlantis": ([Literal("Atlantis District", lang="en")], "District", None, "zt", None),
    "wrong-code": (["九寨溝縣"], "County", None, "zt", None),
}


def other_graph() -> Graph:
    g = Graph()
    g.bind("ex", EX)
    g.bind("exo", EXO)
    for key, (labels, cls, code, parent, _ours) in RECORDS.items():
        node = EX[key]
        g.add((node, RDF.type, EXO[cls]))
        for label in labels:
            g.add((node, SKOS.prefLabel if key.startswith("sf") else RDFS.label,
                   label if isinstance(label, Literal) else Literal(label, lang="zh-Hant")))
        if code:
            g.add((node, DCTERMS.identifier if len(code) != 6 else URIRef("http://www.wikidata.org/prop/direct/P442"),
                   Literal(code)))
        if parent:
            g.add((node, SCHEMA.containedInPlace, EX[parent]))
    return g


def reference() -> set[tuple[str, str]]:
    return {(str(EX[key]), str(ours)) for key, (*_rest, ours) in RECORDS.items() if ours is not None}


def precision_recall(found: set[tuple[str, str]], expected: set[tuple[str, str]]) -> tuple[float, float]:
    correct = len(found & expected)
    return (correct / len(found) if found else 1.0), correct / len(expected)


@pytest.fixture(scope="module")
def other_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("other") / "other-county-db.ttl"
    other_graph().serialize(path, format="turtle")
    return path


@pytest.fixture(scope="module")
def linked(other_file, tmp_path_factory, project):
    workspace = tmp_path_factory.mktemp("workspace")
    return link_dataset(str(other_file), workspace=workspace, loaded=project, today=date(2024, 1, 15))


def test_the_other_dataset_is_big_enough():
    assert len(RECORDS) >= 30
    assert len(reference()) >= 28


def test_precision_and_recall(linked):
    precision, recall = precision_recall(linked.pairs(), reference())
    wrong = linked.pairs() - reference()
    missed = reference() - linked.pairs()
    print(f"\nkg link: precision {precision:.3f}, recall {recall:.3f} "
          f"({len(linked.pairs())} links, {len(reference())} in the reference); wrong: {sorted(wrong)}; "
          f"missed: {sorted(missed)}")
    assert precision >= 0.95, wrong
    assert recall >= 0.90, missed


def test_codes_link_first_with_score_one(linked):
    by_theirs = {str(l.theirs): l for l in linked.links}
    for key in ("yn", "zy", "yj", "sfx", "sf", "cc", "yc"):
        link = by_theirs[str(EX[key])]
        assert link.relation == "exact" and link.score == 1.0 and "division code" in link.method, link
    # the old code links to the old division, which the graph records as replaced by the new one
    assert by_theirs[str(EX["sfx"])].ours == PLACE["530630"]
    assert by_theirs[str(EX["yj"])].ours == PLACE["530623"]  # 12-digit form


def test_same_name_is_told_apart_by_parent(linked):
    by_theirs = {str(l.theirs): l.ours for l in linked.links}
    assert by_theirs[str(EX["cy-bj"])] == PLACE["110105"]
    assert by_theirs[str(EX["cy-cc"])] == PLACE["220104"]
    assert by_theirs[str(EX["cn"])] == PLACE["511524"]  # not 长宁区 of Shanghai


def test_decoys_are_not_linked(linked):
    linked_theirs = {str(l.theirs) for l in linked.links}
    for key in ("xjb-station", "thy", "yw", "atlantis", "wrong-code"):
        assert str(EX[key]) not in linked_theirs, key


def test_link_set_graph_has_score_method_and_date(linked):
    graph = Graph().parse(linked.path, format="turtle")
    assert (PLACE["530681"], SKOS.exactMatch, EX["sf"]) in graph
    axioms = list(graph.subjects(RDF.type, OWL.Axiom))
    assert len(axioms) == len(linked.links)
    sssom = Namespace("https://w3id.org/sssom/")
    for axiom in axioms:
        assert graph.value(axiom, OWL.annotatedSource) is not None
        assert graph.value(axiom, OWL.annotatedProperty) in (SKOS.exactMatch, SKOS.closeMatch)
        assert 0 < float(graph.value(axiom, sssom.confidence)) <= 1
        assert graph.value(axiom, sssom.mapping_justification) is not None
        assert str(graph.value(axiom, DCTERMS.date)) == "2024-01-15"
        assert graph.value(axiom, RDFS.comment)
    assert linked.path.name == "other-county-db.ttl" and linked.path.parent.name == "links"
    assert linked.graph == GRAPH["links/other-county-db"]


def test_review_file_lists_uncertain_candidates(linked):
    rows = list(csv.DictReader(linked.review_path.open(encoding="utf-8-sig")))
    assert rows, "the decoy station and near-misses should be offered for review"
    assert set(rows[0]) == {"their_iri", "their_label", "our_iri", "our_label", "score", "method"}
    assert all(float(r["score"]) < 1.0 or "differ" in r["method"] or "ambiguous" in r["method"] for r in rows)


def test_link_set_loads_as_its_own_named_graph(linked):
    from kg.store.load import load

    loaded = load(workspace=linked.path.parent.parent)
    assert GRAPH["links/other-county-db"] in loaded.files
    assert (PLACE["530681"], SKOS.exactMatch, EX["sf"]) in loaded.union()


def test_linking_the_same_dataset_again_replaces_the_link_set(other_file, linked, project):
    again = link_dataset(str(other_file), workspace=linked.path.parent.parent, loaded=project, today=date(2024, 1, 15))
    assert again.path == linked.path and again.pairs() == linked.pairs()
    assert len(list((linked.path.parent).glob("*.ttl"))) == 1


def test_thresholds_decide_exact_close_and_review():
    ours = our_entities(_small_ours())
    theirs = entities_of(_small_theirs())
    links, review, _unmatched = Linker(ours, Thresholds()).link(theirs)
    by_theirs = {str(l.theirs): l for l in links}
    assert by_theirs["http://x/shuifu"].relation == "exact"       # 水富 -> 水富市: no suffix, 0.97
    assert by_theirs["http://x/shuifu-county"].relation == "close"  # 水富縣 vs 水富市: other suffix, 0.90
    assert "http://x/shuifu-town" not in by_theirs  # 水富鎮 is a town: not a county-level division
    strict = Thresholds(exact=0.99, close=0.95)
    links, review, _ = Linker(ours, strict).link(theirs)
    assert "http://x/shuifu" not in {str(l.theirs) for l in links if l.relation == "exact"}
    assert {str(l.theirs) for l in review} >= {"http://x/shuifu-county"}


def _small_ours() -> Graph:
    from kg.namespaces import CKG

    g = Graph()
    g.add((PLACE["530681"], RDF.type, CKG.CountyLevelDivision))
    g.add((PLACE["530681"], RDFS.label, Literal("水富市", lang="zh-Hans")))
    g.add((PLACE["530681"], CKG.divisionCode, Literal("530681")))
    return g


def _small_theirs() -> Graph:
    g = Graph()
    g.add((URIRef("http://x/shuifu"), RDFS.label, Literal("水富")))
    g.add((URIRef("http://x/shuifu-county"), RDFS.label, Literal("水富縣")))
    g.add((URIRef("http://x/shuifu-town"), RDFS.label, Literal("水富鎮")))
    return g


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_link_against_a_sparql_endpoint(tmp_path, project):
    """OTHER as a SPARQL endpoint: an Oxigraph server on loopback serving the same records."""
    from oxigraph_server import OxigraphServer, load_store

    data = tmp_path / "other.nt"
    other_graph().serialize(data, format="nt", encoding="utf-8")
    store = tmp_path / "store"
    load_store(store, data)
    with OxigraphServer(store) as server:
        result = link_dataset(f"{server.url}/query", name="other-endpoint", workspace=tmp_path / "ws", loaded=project,
                              today=date(2024, 1, 15))
    precision, recall = precision_recall(result.pairs(), reference())
    assert precision >= 0.95 and recall >= 0.90
    assert result.graph == GRAPH["links/other-endpoint"]


def test_cli_link(other_file, tmp_path):
    result = CliRunner().invoke(main, ["link", str(other_file), "--workspace", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "exactMatch" in result.output and "to review" in result.output
    assert (tmp_path / "links" / "other-county-db.ttl").exists()
    assert (tmp_path / "links" / "other-county-db.review.csv").exists()


def test_cli_link_unreachable_endpoint_is_an_error(tmp_path):
    result = CliRunner().invoke(main, ["link", f"http://127.0.0.1:{free_port()}/query", "--workspace", str(tmp_path)])
    assert result.exit_code == 2 and "cannot reach" in result.output


def test_cli_link_refuses_a_url_of_another_scheme_as_given(tmp_path):
    # read as a path, ftp://x/y became "ftp:/x/y: no such file"
    result = CliRunner().invoke(main, ["link", "ftp://x/y", "--workspace", str(tmp_path / "ws")])
    assert result.exit_code == 2 and result.output == "kg: error: 'ftp://x/y': OTHER must be a file or an http(s) URL\n"
    assert not (tmp_path / "ws").exists()


def test_cli_link_counts_are_distinct_entities(tmp_path):
    """Each count `kg link` prints is of distinct entities, as SPARQL counts them in the link set
    and the review file: an ambiguous 朝陽區 (two candidates) is one entity to review, and the
    counts add up to the entities of the other dataset."""
    import re

    from kg.namespaces import sparql_prologue
    from kg.store.oxigraph import store_from_graph

    other = Graph()
    for key, label, cls in (("cy", "朝陽區", "District"), ("sf", "水富市", "County"), ("no", "桃花源縣", "County")):
        other.add((EX[key], RDF.type, EXO[cls]))
        other.add((EX[key], RDFS.label, Literal(label, lang="zh-Hant")))
    path = tmp_path / "ambiguous.ttl"
    other.serialize(path, format="turtle")
    result = CliRunner().invoke(main, ["link", str(path), "--workspace", str(tmp_path / "ws")])
    assert result.exit_code == 0, result.output
    printed = re.search(r"(\d+) entit(?:y|ies) in .*: (\d+) exactMatch, (\d+) closeMatch, (\d+) to review "
                        r"\((\d+) candidates?\), (\d+) unmatched", result.output)
    assert printed, result.output
    entities, exact, close, review, candidates, unmatched = map(int, printed.groups())

    def count(graph: Graph, query: str) -> int:
        return int(next(iter(store_from_graph(graph).query(sparql_prologue() + query)))[0].value)

    links = Graph().parse(tmp_path / "ws" / "links" / "ambiguous.ttl")
    assert entities == count(other, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s rdfs:label ?l }") == 3
    assert exact == count(links, "SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?o skos:exactMatch ?t }") == 1
    assert close == count(links, "SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?o skos:closeMatch ?t }")
    with (tmp_path / "ws" / "links" / "ambiguous.review.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    to_check = [r for r in rows if not r["method"].startswith("unmatched: ")]
    assert (review, candidates) == (len({r["their_iri"] for r in to_check}), len(to_check)) == (2, 3)
    assert unmatched == len({r["their_iri"] for r in rows}) - review
    assert exact + close + review + unmatched == entities


# -- codes in every form, levels by suffix, nothing dropped ------------------------------------

@pytest.fixture(scope="module")
def our_linker(project_union):
    return Linker(our_entities(project_union))


def _entities(*records) -> list:
    g = Graph()
    for key, label, code, cls in records:
        node = EX[key]
        g.add((node, RDFS.label, Literal(label, lang="zh-Hans")))
        if code is not None:
            g.add((node, DCTERMS.identifier, code if isinstance(code, Literal) else Literal(code)))
        if cls:
            g.add((node, RDF.type, EXO[cls]))
    return entities_of(g)


def test_division_codes_in_every_form_through_the_history(our_linker):
    from rdflib.namespace import XSD

    records = [
        ("dash", "水富市", "53-06-81", None), ("space", "水富市", "530 681", None),
        ("prefix", "水富市", "CN530681", None), ("prefix-dash", "水富市", "CN-530681", None),
        ("integer", "水富市", Literal(530681, datatype=XSD.integer), None),
        ("float", "水富市", Literal("530681.0", datatype=XSD.decimal), None),
        ("twelve", "水富市", "530681000000", None), ("nine", "向家坝镇", "530681101", None),
        ("prefecture", "昭通市", "530600", None), ("province", "云南省", Literal(53, datatype=XSD.integer), None),
        ("old", "水富县", "532131", None),               # the code of 1981-2001
        ("reused", "思茅市", "530800", None),            # 思茅市 held 530800 in 2003-2007, 普洱市 since
    ]
    links, review, unmatched = our_linker.link(_entities(*records))
    found = {str(l.theirs).rsplit("/", 1)[1]: (str(l.ours).rsplit("/", 1)[1], l.relation) for l in links}
    assert found == {
        "dash": ("530681", "exact"), "space": ("530681", "exact"), "prefix": ("530681", "exact"),
        "prefix-dash": ("530681", "exact"), "integer": ("530681", "exact"), "float": ("530681", "exact"),
        "twelve": ("530681", "exact"), "nine": ("530681101", "exact"), "prefecture": ("5306", "exact"),
        "province": ("53", "exact"), "old": ("532131", "exact"), "reused": ("5308-2003", "exact"),
    }, (review, unmatched)


def test_a_county_level_city_is_county_level(our_linker):
    """水富市 ends in 市 like a prefecture-level city, but a 县级市 is county-level: a suffix
    allows every level it can mean, never only one."""
    g = Graph()
    g.add((EX["zt2"], RDFS.label, Literal("昭通市", lang="zh-Hans")))
    g.add((EX["sf2"], RDFS.label, Literal("水富市", lang="zh-Hans")))
    g.add((EX["sf2"], SCHEMA.containedInPlace, EX["zt2"]))
    g.add((EX["sf3"], RDFS.label, Literal("水富市", lang="zh-Hans")))
    g.add((EX["sf3"], RDF.type, EXO["City"]))
    g.add((EX["sf3"], SCHEMA.containedInPlace, EX["zt2"]))
    g.add((EX["yn2"], RDFS.label, Literal("云南", lang="zh-Hans")))
    g.add((EX["yn2"], RDF.type, EXO["Province"]))
    links, _review, _unmatched = our_linker.link(entities_of(g))
    found = {str(l.theirs): l.ours for l in links}
    assert found[str(EX["sf2"])] == PLACE["530681"] and found[str(EX["sf3"])] == PLACE["530681"]
    assert found[str(EX["zt2"])] == PLACE["5306"]
    assert found[str(EX["yn2"])] == PLACE["53"]
    from kg.link.discover import levels_of_name

    assert levels_of_name("水富市") == {"province", "prefecture", "county"}
    assert levels_of_name("昭通地区") == {"prefecture"} and levels_of_name("昭阳区") == {"county"}
    assert levels_of_name("西藏自治区") == {"province"} and levels_of_name("向家坝镇") == {"township"}


def test_every_unmatched_entity_is_listed_with_its_reason(linked):
    rows = list(csv.DictReader(linked.review_path.open(encoding="utf-8-sig")))
    unmatched = {r["their_iri"].rsplit("/", 1)[1]: r["method"] for r in rows if r["method"].startswith("unmatched: ")}
    linked_or_reviewed = {str(l.theirs) for l in linked.links} | {str(l.theirs) for l in linked.review}
    every = {str(EX[key]) for key in RECORDS}
    assert every == linked_or_reviewed | {str(EX[k]) for k in unmatched}, "an entity was dropped"
    assert len(unmatched) == linked.unmatched > 0
    assert all(r["our_iri"] == "" and r["score"] == "0.000" for r in rows if r["method"].startswith("unmatched"))
    for key, reason in unmatched.items():
        assert len(reason) > len("unmatched: ") + 10, (key, reason)


def test_an_unknown_code_says_so(our_linker):
    links, review, unmatched = our_linker.link(_entities(("nowhere", "乌有之乡县", "539999", None)))
    assert not links and not review
    (item,) = unmatched
    assert "division code 539999 is none of ours" in item.reason
    assert "no place or organization of ours has a name like '乌有之乡县'" in item.reason


def test_what_a_link_set_says_does_not_depend_on_the_order_triples_were_read(project):
    """Our graph read from a file and from an endpoint yields its triples in different orders:
    labels, parents and the list of our places must come out the same, so the link set names
    the same labels (the Simplified name first, as kg.labels.LANGUAGES orders the languages)."""
    from kg.link.discover import labels_in_order, our_graph

    ours = our_graph()
    triples = sorted(ours, key=lambda t: (str(t[0]), str(t[1]), str(t[2])))
    forward, backward = Graph(), Graph()
    forward.addN((*t, forward) for t in triples)
    backward.addN((*t, backward) for t in reversed(triples))
    assert our_entities(forward) == our_entities(backward)
    assert labels_in_order(forward, PLACE["530625"], (RDFS.label,)) == ["永善县", "永善縣", "Yongshan County"]
    theirs = other_graph()
    ordered = sorted(theirs, key=lambda t: (str(t[0]), str(t[1]), str(t[2])))
    first, second = Graph(), Graph()
    first.addN((*t, first) for t in ordered)
    second.addN((*t, second) for t in reversed(ordered))
    assert entities_of(first) == entities_of(second)


def test_records_with_a_code_and_no_label_are_linked_by_their_code(our_linker):
    """A record with a division code and no label is linked by the code or listed as
    unmatched with its reason, never left out."""
    from rdflib.namespace import XSD

    g = Graph()
    g.add((EX["b"], DCTERMS.identifier, Literal("53-06-81")))
    g.add((EX["c"], SKOS.notation, Literal(530681)))
    g.add((EX["s"], DCTERMS.identifier, Literal("530681", datatype=XSD.integer)))
    g.add((EX["y"], EXO["countyCode"], Literal("530681")))
    g.add((EX["n"], DCTERMS.identifier, Literal("539999")))
    entities = entities_of(g)
    assert sorted(str(e.iri).rsplit("/", 1)[1] for e in entities) == ["b", "c", "n", "s", "y"]
    links, review, unmatched = our_linker.link(entities)
    found = {str(l.theirs).rsplit("/", 1)[1]: (str(l.ours).rsplit("/", 1)[1], l.relation) for l in links}
    assert found == {key: ("530681", "exact") for key in ("b", "c", "s", "y")}, (review, unmatched)
    (item,) = unmatched
    assert item.theirs == EX["n"] and "division code 539999 is none of ours" in item.reason
    assert "no label to match by name" in item.reason


def test_cli_link_a_file_of_records_with_codes_only(tmp_path):
    other = tmp_path / "codes.ttl"
    other.write_text('@prefix dcterms: <http://purl.org/dc/terms/> .\n'
                     '<http://example.org/other/b> dcterms:identifier "53-06-81" .\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["link", str(other), "--workspace", str(tmp_path / "ws")])
    assert result.exit_code == 0, result.output
    assert "530681" in (tmp_path / "ws" / "links" / "codes.ttl").read_text(encoding="utf-8")


def test_english_labels_of_records_retired_and_in_use(project):
    """Our English labels qualify a retired record by its years ("Shuifu County (until
    2001)"): the years are not part of the name, a retired record is not today's place (read
    from the store, as kg link reads it), and two records of the same name go to review."""
    from kg.link.discover import our_graph

    linker = Linker(our_entities(our_graph()))
    g = Graph()
    g.add((EX["d"], RDFS.label, Literal("Shuifu", lang="en")))
    g.add((EX["e"], RDFS.label, Literal("Shuifu County", lang="en")))
    g.add((EX["f"], RDFS.label, Literal("水富县", lang="zh-Hans")))
    links, review, unmatched = linker.link(entities_of(g))
    found = {str(l.theirs).rsplit("/", 1)[1]: (str(l.ours).rsplit("/", 1)[1], l.relation) for l in links}
    assert found == {"d": ("530681", "exact")}, (review, unmatched)
    assert "in use today, unlike 530630, 532131" in links[0].method
    reviewed = {(str(l.theirs).rsplit("/", 1)[1], str(l.ours).rsplit("/", 1)[1]) for l in review}
    assert reviewed == {("e", "530630"), ("e", "532131"), ("f", "530630"), ("f", "532131")}
    assert not unmatched


def test_an_organization_by_its_other_name_in_either_script(our_linker):
    """agent:shuifu-party-committee's skos:altLabel is 水富市委 in Traditional characters only;
    the same name in Simplified characters is the same name."""
    g = Graph()
    g.add((EX["w"], RDFS.label, Literal("水富市委", lang="zh-Hans")))
    g.add((EX["w"], RDF.type, EXO["GovernmentOrganization"]))
    links, review, unmatched = our_linker.link(entities_of(g))
    assert [(l.ours, l.relation, l.score) for l in links] == [(AGENT["shuifu-party-committee"], "exact", 1.0)], \
        (review, unmatched)


def test_the_store_follows_the_workspace_given(tmp_path):
    """`kg link OTHER --workspace W` brought the store up to date with the default workspace
    (./county-kg-data) instead of W, and said so on every run, each run undoing the last."""
    other = tmp_path / "other.ttl"
    other_graph().serialize(other, format="turtle")
    runs = [CliRunner().invoke(main, ["link", str(other), "--workspace", str(tmp_path / "ws")]) for _ in range(2)]
    assert [r.exit_code for r in runs] == [0, 0], runs[-1].output
    assert "not current" not in runs[1].output, runs[1].output


def link_records(tmp_path, records: str):
    """`kg link` of ``records`` (Turtle with the ex:, rdfs:, dcterms: and xsd: prefixes) written
    as other.ttl, into the workspace tmp_path/ws."""
    other = tmp_path / "other.ttl"
    other.write_text(
        '@prefix ex: <http://ex.org/> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . '
        '@prefix dcterms: <http://purl.org/dc/terms/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n'
        + records, encoding="utf-8")
    return CliRunner().invoke(main, ["link", str(other), "--workspace", str(tmp_path / "ws")])


def test_every_candidate_is_counted_and_conflicting_codes_go_to_review(tmp_path):
    """A blank node, an empty label and two codes naming different divisions: each entity is
    counted and linked, reviewed or listed unmatched with its reason; nothing dropped, no
    code picked in silence."""
    result = link_records(tmp_path, 'ex:a rdfs:label "水富市"@zh ; dcterms:identifier "530681" .\n'
                                    'ex:d rdfs:label "" .\n'
                                    'ex:f dcterms:identifier "530681", "530623" .\n'
                                    '_:x rdfs:label "昭通市" .\n')
    assert result.exit_code == 0, result.output
    assert "4 entities in" in result.output, result.output
    assert "1 exactMatch, 0 closeMatch, 1 to review (2 candidates), 2 unmatched" in result.output, result.output
    rows = list(csv.DictReader((tmp_path / "ws" / "links" / "other.review.csv").open(encoding="utf-8-sig")))
    by_iri: dict = {}
    for row in rows:
        by_iri.setdefault(row["their_iri"], []).append(row)
    reviewed = by_iri.pop("http://ex.org/f")
    assert sorted(r["our_iri"].rsplit("/", 1)[1] for r in reviewed) == ["530623", "530681"]
    assert all("conflicting division codes 530623 and 530681" in r["method"] for r in reviewed), reviewed
    assert by_iri.pop("http://ex.org/d")[0]["method"] == "unmatched: empty label (and no division code)"
    ((blank_iri, (blank,)),) = by_iri.items()
    assert blank_iri.startswith("_:") and blank["their_label"] == "昭通市"
    assert blank["method"].startswith("unmatched: a blank node: cannot be linked by IRI"), blank


def test_codes_given_as_iris_or_other_datatypes_and_typed_records_are_counted(tmp_path):
    """An identifier given as an IRI is read as a code only when its last path segment is a
    6- or 12-digit code, and the method says so (unconfirmed by a label: review); any other
    IRI, a record with only a type and an identifier that is no code end unmatched with the
    reason; a code typed as another datatype (xsd:boolean) is still read as written."""
    result = link_records(tmp_path, 'ex:a rdfs:label "水富市"@zh ; dcterms:identifier <http://ex.org/division/530681> .\n'
                                    'ex:b dcterms:identifier <http://ex.org/division/530623000000> .\n'
                                    'ex:c dcterms:identifier <http://ex.org/division/shuifu> .\n'
                                    'ex:e a ex:County .\n'
                                    'ex:g dcterms:identifier "530629"^^xsd:boolean .\n'
                                    'ex:h dcterms:identifier "abc" .\n')
    assert result.exit_code == 0, result.output
    assert "6 entities in" in result.output, result.output
    assert "2 exactMatch, 0 closeMatch, 1 to review (1 candidate), 3 unmatched" in result.output, result.output
    links = Graph().parse(tmp_path / "ws" / "links" / "other.ttl", format="turtle")
    assert (PLACE["530681"], SKOS.exactMatch, URIRef("http://ex.org/a")) in links
    assert (PLACE["530629"], SKOS.exactMatch, URIRef("http://ex.org/g")) in links
    methods = {str(o) for o in links.objects(None, RDFS.comment)}
    assert "division code 530681 read from the IRI <http://ex.org/division/530681> = 530681" in methods, methods
    rows = {row["their_iri"]: row for row in
            csv.DictReader((tmp_path / "ws" / "links" / "other.review.csv").open(encoding="utf-8-sig"))}
    assert rows["http://ex.org/b"]["our_iri"] == str(PLACE["530623"])
    assert rows["http://ex.org/b"]["method"] == ("division code 530623000000 read from the IRI "
                                                 "<http://ex.org/division/530623000000>, no label to confirm it")
    assert rows["http://ex.org/c"]["method"] == ("unmatched: division code given as an IRI, not a literal "
                                                 "(identifier <http://ex.org/division/shuifu>), and no label")
    assert rows["http://ex.org/e"]["method"] == "unmatched: no label or division code to match by (only its type: County)"
    assert rows["http://ex.org/h"]["method"] == 'unmatched: identifier "abc" is not a division code (and no label)'
    assert set(rows) == {"http://ex.org/b", "http://ex.org/c", "http://ex.org/e", "http://ex.org/h"}


def test_a_dataset_whose_name_makes_the_same_link_set_says_whose_it_replaces(tmp_path):
    """Two files whose names make one link set name (as kg import says of two tables): the
    second replaces the first's link set, and says so, naming the first file; the same file
    linked again would say nothing."""
    from kg.link.discover import DATASET_LINE
    from kg.outputs import replaced_source

    first, second = tmp_path / "other data #1.ttl", tmp_path / "more" / "other-data 1.ttl"
    second.parent.mkdir()
    for path in (first, second):
        path.write_text('@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n'
                        '<http://ex.org/a> rdfs:label "水富市"@zh .\n', encoding="utf-8")
    workspace = ["--workspace", str(tmp_path / "ws")]
    runs = [CliRunner().invoke(main, ["link", str(path), *workspace]) for path in (first, second)]
    assert [run.exit_code for run in runs] == [0, 0], [run.output for run in runs]
    assert "replaces" not in runs[0].output, runs[0].output
    assert (f"this replaces the link set of {first} (a dataset of the same name, other-data-1; give --name to keep "
            f"both)") in runs[1].output, runs[1].output
    link_set = tmp_path / "ws" / "links" / "other-data-1.ttl"
    assert replaced_source(link_set, second, DATASET_LINE) is None
    assert replaced_source(link_set, first, DATASET_LINE) == second.resolve()
