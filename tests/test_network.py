"""The RDF -> networkx conversion shared by `kg viz` and `kg analyze`.

The helpers here (a small graph with known answers, a malicious one, a synthetic large one)
are also used by test_viz, test_analyze and test_browser.
"""

from __future__ import annotations

import networkx as nx
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from kg.errors import KgError
from kg.store.load import load, project
from kg.namespaces import CKG, PLACE, PROG, bind_prefixes, sparql_prologue
from kg.explore import network
from kg.explore.network import (EXPLORABLE_KEY, GAZETTEER_PROPERTIES, GAZETTEER_SOURCES, ID_NAMESPACE, OUTSIDE_WHERE,
                                build_view, explorable_graph, resolve_class, resolve_node, resolve_theme, select,
                                theme_members)
from kg.query.engines import record_name
from kg.query.readers import Origin
from kg.store.sparqltext import triples_query

SMALL_TTL = """
pol:strategy a ckg:Strategy ;
    rdfs:label "战略"@zh-Hans , "戰略"@zh-Hant , "the strategy"@en ;
    ckg:responsibleOrganization agent:gov ; ckg:theme theme:industry ;
    ckg:hasComponent pol:strategy-part ; ckg:evidence q:0-10 .
pol:strategy-part a ckg:Component ;
    rdfs:label "组成部分"@zh-Hans , "組成部分"@zh-Hant , "a part"@en ; ckg:position 1 ; ckg:evidence q:0-10 .
prog:p1 a ckg:Program ;
    rdfs:label "举措一"@zh-Hans , "舉措一"@zh-Hant , "program one"@en ;
    ckg:implements pol:strategy ; ckg:producesResult res:r1 ; ckg:responsibleOrganization agent:gov ;
    ckg:location place:530681 ; ckg:theme theme:industry ; ckg:period period:2022 ; ckg:evidence q:0-10 .
prog:p2 a ckg:Project ;
    rdfs:label "项目二"@zh-Hans , "項目二"@zh-Hant , "project two"@en ;
    ckg:location place:530681 ; ckg:theme theme:tourism ; ckg:evidence q:20-30 .
res:r1 a ckg:Output ;
    rdfs:label "产出一"@zh-Hans , "產出一"@zh-Hant , "output one"@en ; ckg:evidence q:0-10 .
res:r2 a ckg:Outcome ;
    rdfs:label "成效二"@zh-Hans , "成效二"@zh-Hant , "outcome two"@en ; ckg:evidence q:20-30 .
obs:o1 a ckg:Observation , qb:Observation ;
    rdfs:label "观测一"@zh-Hans , "觀測一"@zh-Hant , "observation one"@en ;
    ckg:indicator ind:i1 ; sdmx-dimension:refArea place:530681 ; sdmx-dimension:refPeriod period:2022 ;
    sdmx-measure:obsValue 1276000000.0 ; sdmx-attribute:unitMeasure unit:CCY_CNY ;
    ckg:valueQualifier ckg:LowerBound ; ckg:reportedValue "12.76億元"@zh-Hant ;
    ckg:measures res:r1 ; ckg:evidence q:0-10 .
obs:o2 a ckg:Observation , qb:Observation ;
    rdfs:label "观测二"@zh-Hans , "觀測二"@zh-Hant , "observation two"@en ;
    ckg:indicator ind:i1 ; sdmx-dimension:refArea place:530681 ; sdmx-dimension:refPeriod period:2022 ;
    sdmx-measure:obsValue 5 ; sdmx-attribute:unitMeasure unit:CCY_CNY ; ckg:valueQualifier ckg:Exact ;
    ckg:reportedValue "5元"@zh-Hant ; ckg:measures res:r2 ; ckg:evidence q:20-30 .
ind:i1 a ckg:Indicator , skos:Concept ;
    rdfs:label "指标"@zh-Hans , "指標"@zh-Hant , "indicator"@en ; ckg:theme theme:industry .
agent:gov a ckg:GovernmentBody , org:Organization ;
    rdfs:label "市政府"@zh-Hans , "市政府"@zh-Hant , "city government"@en ;
    skos:altLabel "政府"@zh-Hant ; ckg:jurisdiction place:530681 .
agent:lonely a ckg:Person ; rdfs:label "孤人"@zh-Hans , "孤人"@zh-Hant , "a lonely person"@en .
place:530681 a ckg:CountyLevelDivision ; rdfs:label "水富市"@zh-Hans , "水富市"@zh-Hant , "Shuifu"@en .
theme:industry a ckg:Theme , skos:Concept ; rdfs:label "产业"@zh-Hans , "產業"@zh-Hant , "industry"@en .
theme:tourism a ckg:Theme , skos:Concept ; rdfs:label "旅游"@zh-Hans , "旅遊"@zh-Hant , "tourism"@en .
period:2022 a ckg:Period , time:ProperInterval ; rdfs:label "2022年"@zh-Hans , "2022年"@zh-Hant , "2022"@en ;
    time:hasBeginning instant:2022-01-01 .
instant:2022-01-01 a time:Instant ; time:inXSDDate "2022-01-01"^^xsd:date .
unit:CCY_CNY a qudt:Unit ; rdfs:label "人民币元"@zh-Hans , "人民幣元"@zh-Hant , "yuan"@en .
q:0-10 a ckg:Quote ; oa:hasSelector q:0-10-text , q:0-10-position .
q:0-10-text a oa:TextQuoteSelector ; oa:exact "水富市委以小市的大格局"@zh-Hant .
q:0-10-position a oa:TextPositionSelector ; oa:start 0 ; oa:end 10 .
q:20-30 a ckg:Quote ; oa:hasSelector q:20-30-text , q:20-30-position .
q:20-30-text a oa:TextQuoteSelector ; oa:exact "旅游綜合收入"@zh-Hant .
q:20-30-position a oa:TextPositionSelector ; oa:start 20 ; oa:end 30 .
"""

# Labels, a class name and a quote as imported data might carry them: markup and script.
EVIL_LABEL = "<img src=x onerror=alert(1)>"
EVIL_TTL = """
agent:evil a ckg:GovernmentBody ;
    rdfs:label "<img src=x onerror=alert(1)>"@en , "</script><script>alert(2)</script>"@zh-Hans ,
        "\\" onmouseover=\\"alert(3)"@zh-Hant ;
    ckg:jurisdiction place:530681 ; ckg:evidence q:40-50 .
q:40-50 a ckg:Quote ; oa:hasSelector q:40-50-text .
q:40-50-text a oa:TextQuoteSelector ; oa:exact "<svg onload=alert(4)>惡意引語"@zh-Hant .
"""


def small_graph(extra: str = "") -> Graph:
    """The project's ontology plus SMALL_TTL (and ``extra``)."""
    graph = bind_prefixes(Graph())
    for triple in project().ontology:
        graph.add(triple)
    prefixes = "".join(line.replace("PREFIX", "@prefix", 1) + " .\n" for line in sparql_prologue().splitlines())
    graph.parse(data=prefixes + SMALL_TTL + extra, format="turtle")
    return graph


def synthetic_graph(nodes: int = 2000, seed: int = 7) -> Graph:
    """A scale-free graph of programs (a networkx random graph written as RDF)."""
    graph = bind_prefixes(Graph())
    for triple in project().ontology:
        graph.add(triple)
    shape = nx.barabasi_albert_graph(nodes, 2, seed=seed)
    iri = [PROG[f"synthetic-{n:05d}"] for n in range(nodes)]
    for n in shape:
        graph.add((iri[n], RDF.type, CKG.Program))
        for lang, text in (("zh-Hans", f"举措{n}"), ("zh-Hant", f"舉措{n}"), ("en", f"program {n}")):
            graph.add((iri[n], RDFS.label, Literal(text, lang=lang)))
    for a, b in shape.edges():
        graph.add((iri[max(a, b)], CKG.partOfProgram, iri[min(a, b)]))
    return graph


SECTIONS = {"pol": "policy", "prog": "program", "res": "result", "obs": "observation", "ind": "indicator",
            "agent": "agent", "place": "place", "theme": "theme", "period": "period"}


def iri(curie: str) -> str:
    """The full IRI of a compact one, as node ids are."""
    prefix, local = curie.split(":", 1)
    return f"{ID_NAMESPACE}{SECTIONS[prefix]}/{local}"


@pytest.fixture(scope="module")
def small():
    return build_view(small_graph())


# -- which nodes and edges ---------------------------------------------------------------------


def test_nodes_are_the_entities(small):
    curies = {data["curie"] for _n, data in small.nodes(data=True)}
    assert curies == {"pol:strategy", "pol:strategy-part", "prog:p1", "prog:p2", "res:r1", "res:r2", "obs:o1",
                      "obs:o2", "ind:i1", "agent:gov", "agent:lonely", "place:530681"}
    assert not any(data["schema"] for _n, data in small.nodes(data=True))


def test_edges_are_object_properties_between_entities(small):
    edges = {(small.nodes[u]["curie"], key, small.nodes[v]["curie"]) for u, v, key in small.edges(keys=True)}
    assert ("prog:p1", "ckg:producesResult", "res:r1") in edges
    assert ("obs:o1", "ckg:measures", "res:r1") in edges
    assert ("obs:o1", "sdmx-dimension:refArea", "place:530681") in edges
    keys = {key for _u, _v, key in small.edges(keys=True)}
    # typing and evidence are attributes; themes, periods, units and qualifiers are schema nodes
    assert not keys & {"rdf:type", "ckg:evidence", "ckg:theme", "ckg:period", "sdmx-dimension:refPeriod",
                       "sdmx-attribute:unitMeasure", "ckg:valueQualifier"}
    for _u, _v, key, data in small.edges(keys=True, data=True):
        assert data["predicate"] == key and set(data["labels"]) == {"zh-Hans", "zh-Hant", "en"}


def test_node_attributes(small):
    p2 = small.nodes[iri("prog:p2")]
    assert p2["cls"] == "ckg:Project" and {"ckg:Project", "ckg:Program"} <= p2["classes"]
    assert p2["labels"] == {"zh-Hans": "项目二", "zh-Hant": "項目二", "en": "project two"}
    assert p2["class_labels"]["en"] == "Project"
    assert p2["themes"] == ("theme:tourism",)
    assert [q.exact for q in p2["quotes"]] == ["旅游綜合收入"]
    gov = small.nodes[iri("agent:gov")]
    assert gov["cls"] == "ckg:GovernmentBody"  # the most specific of its two types
    assert gov["alt_labels"] == ("政府",)


def test_figures_are_on_the_observation_and_on_what_it_measures(small):
    (figure,) = small.nodes[iri("obs:o1")]["figures"]
    assert figure.reported == "12.76億元" and figure.value == "1,276,000,000"
    assert figure.unit["zh-Hans"] == "人民币元" and figure.period["en"] == "2022"
    assert figure.qualifier["en"] == "Lower bound"
    assert "12.76億元" in figure.text("en") and "1,276,000,000 yuan" in figure.text("en")
    assert small.nodes[iri("res:r1")]["figures"] == (figure,)
    assert {f.observation for f in small.nodes[iri("ind:i1")]["figures"]} == {"obs:o1", "obs:o2"}


def test_observations_take_the_themes_of_what_they_measure(small):
    assert small.nodes[iri("obs:o1")]["themes"] == ("theme:industry",)


def test_schema_nodes_only_on_request():
    view = build_view(small_graph(), schema=True)
    schema = {data["curie"] for _n, data in view.nodes(data=True) if data["schema"]}
    assert {"theme:industry", "theme:tourism", "period:2022", "unit:CCY_CNY", "ckg:LowerBound", "ckg:Exact"} <= schema
    assert not any(c.startswith(("q:", "instant:")) for c in schema)  # evidence machinery never shows
    keys = {key for _u, _v, key in view.edges(keys=True)}
    assert {"ckg:theme", "sdmx-dimension:refPeriod", "ckg:valueQualifier"} <= keys
    assert not keys & {"rdf:type", "ckg:evidence"}


def test_the_view_is_deterministic():
    first, second = build_view(small_graph()), build_view(small_graph())
    assert list(first.nodes) == list(second.nodes) == sorted(first.nodes)
    assert list(first.edges(keys=True)) == list(second.edges(keys=True))


# -- naming nodes ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [iri("prog:p1"), f"<{iri('prog:p1')}>", "prog:p1", "举措一", "舉措一", "program one"])
def test_resolve_node(small, name):
    assert resolve_node(small, name) == iri("prog:p1")


def test_resolve_node_by_alternative_label(small):
    assert resolve_node(small, "政府") == iri("agent:gov")


def test_resolve_node_errors(small):
    with pytest.raises(KgError, match="did you mean .*prog:p1"):
        resolve_node(small, "program")
    with pytest.raises(KgError, match="no node named"):
        resolve_node(small, "nothing like it")


def test_resolve_theme_and_class(small):
    for name in ("theme:industry", "industry", "产业", iri("theme:industry")):
        assert resolve_theme(small, name) == "theme:industry"
    with pytest.raises(KgError, match="themes: industry, tourism"):
        resolve_theme(small, "health")
    for name in ("ckg:Program", "Program", "工作举措"):
        assert resolve_class(small, name) == "ckg:Program"


# -- cutting subgraphs -------------------------------------------------------------------------


def curies(view) -> set[str]:
    return {data["curie"] for _n, data in view.nodes(data=True)}


def test_select_theme_takes_tagged_nodes_and_their_neighbours(small):
    assert curies(select(small, theme="tourism")) == {"prog:p2", "place:530681"}
    industry = curies(select(small, theme="industry"))
    assert {"pol:strategy", "prog:p1", "ind:i1", "obs:o1", "pol:strategy-part", "agent:gov"} <= industry
    assert "agent:lonely" not in industry
    assert theme_members(small, "theme:industry") == {iri(c) for c in industry}


def test_select_focus_and_depth(small):
    assert curies(select(small, focus="res:r1", depth=0)) == {"res:r1"}
    assert curies(select(small, focus="res:r1", depth=1)) == {"res:r1", "prog:p1", "obs:o1"}
    assert "place:530681" in curies(select(small, focus="res:r1", depth=2))


def test_select_class_includes_subclasses(small):
    assert curies(select(small, classes=["ckg:Program"])) == {"prog:p1", "prog:p2"}
    assert curies(select(small, classes=["ckg:Result"])) == {"res:r1", "res:r2"}
    # res:r2 is in: obs:o2 measures it, and obs:o2 takes its indicator's theme
    assert curies(select(small, theme="industry", classes=["Result"])) == {"res:r1", "res:r2"}
    assert curies(select(small, theme="tourism", classes=["Result"])) == set()


def test_select_keeps_edges_between_kept_nodes(small):
    part = select(small, focus="prog:p1", depth=1)
    assert all(u in part and v in part for u, v in part.edges())
    assert part.number_of_edges() == sum(1 for u, v in small.edges() if u in part and v in part)


def test_select_errors(small):
    with pytest.raises(KgError):
        select(small, focus="nobody")
    with pytest.raises(KgError):
        select(small, classes=["ckg:NoSuchClass"])


# -- the project's graph -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def project_explorable():
    return explorable_graph(Origin(loaded=project()))


@pytest.fixture(scope="module")
def project_view_(project_explorable):
    return build_view(project_explorable)


def test_explorable_leaves_out_unreferenced_gazetteer_places(project_explorable):
    union, explorable = project().union(), project_explorable
    beijing_dongcheng = PLACE["110101"]
    assert (beijing_dongcheng, None, None) in union
    assert (beijing_dongcheng, None, None) not in explorable
    for code in ("530681", "530630", "5306", "53"):  # referenced by the article's data
        assert set(explorable.objects(PLACE[code], RDFS.label)) == set(union.objects(PLACE[code], RDFS.label))
    gazetteer = {s for source in GAZETTEER_SOURCES for s in union.subjects(DCTERMS.source, source)}
    kept = {s for s in explorable.subjects() if s in gazetteer}
    # the places the article's data speaks of (Shuifu, its former county, Zhaotong, Yunnan) and
    # their history (水富县 1981-2001, 昭通地区), no others
    assert kept == {PLACE[code] for code in ("530681", "530630", "5306", "53", "532131", "5321")}
    referenced = {o for s, _p, o in union if o in gazetteer and s not in gazetteer}
    described = {s for s in gazetteer if (s, CKG.evidence, None) in union}
    spoken_of = referenced | described | {o for s in described for o in union.objects(s) if o in gazetteer}
    history, todo = set(spoken_of), list(spoken_of)
    while todo:
        node = todo.pop()
        for predicate in (DCTERMS.replaces, DCTERMS.isReplacedBy):
            for other in union.objects(node, predicate):
                if other not in history:
                    history.add(other)
                    todo.append(other)
    assert kept == history
    assert len(explorable) < len(union) // 5
    # every triple of the union not about a left-out place is there (literals compared by value:
    # the embedded store keeps values, "1.0"^^xsd:decimal comes back as "1"^^xsd:decimal)
    def values(graph):
        return {(s, p, o.toPython() if isinstance(o, Literal) else o) for s, p, o in graph
                if not isinstance(s, BNode) and not isinstance(o, BNode)}
    assert values(explorable) == {t for t in values(union) if t[0] not in gazetteer - kept}


GAZETTEER_CASES = """
place:11 a ckg:Province ; rdfs:label "北京市"@zh-Hans ; dcterms:source src:nbs-division-codes-2023 ;
    ckg:parentDivision place:CN .
place:1101 a ckg:PrefectureLevelDivision ; rdfs:label "市辖区"@zh-Hans ; dcterms:source src:nbs-division-codes-2023 ;
    ckg:parentDivision place:11 .
place:110101 a ckg:CountyLevelDivision ; rdfs:label "东城区"@zh-Hans ; dcterms:source src:nbs-division-codes-2023 ;
    ckg:parentDivision place:1101 .
place:12 a ckg:Province ; rdfs:label "天津市"@zh-Hans ; dcterms:source src:nbs-division-codes-2023 .
place:13 a ckg:Province ; rdfs:label "河北省"@zh-Hans ; dcterms:source src:nbs-division-codes-2023 .
place:1301 a ckg:PrefectureLevelDivision ; rdfs:label "石家庄市"@zh-Hans ;
    dcterms:source src:nbs-division-codes-2023 ; ckg:parentDivision place:13 ;
    skos:exactMatch <http://www.wikidata.org/entity/Q185684> .
obs:x a ckg:Observation ; rdfs:label "an observation"@en ; sdmx-dimension:refArea place:12 .
place:1201 a ckg:Province ; rdfs:label "天津市"@zh-Hans ; dcterms:source src:division-code-history ;
    dcterms:isReplacedBy place:12 .
place:1202 a ckg:Province ; rdfs:label "天津市"@zh-Hans ; dcterms:source src:division-code-history ;
    dcterms:isReplacedBy place:1201 .
place:1102 a ckg:PrefectureLevelDivision ; rdfs:label "县"@zh-Hans ; dcterms:source src:division-code-history ;
    dcterms:isReplacedBy place:1101 ; ckg:validUntil "2010"^^xsd:gYear .
"""


@pytest.mark.parametrize("name", ["place:11", "北京市", "<https://w3id.org/county-kg/id/place/11>"])
def test_a_gazetteer_place_left_out_is_said_to_be_left_out(project_view_, name):
    """`kg viz --focus place:11` said "no node named 'place:11' in the graph", though kg query
    finds it: the network leaves out the gazetteer's places no data refers to, and says so."""
    with pytest.raises(KgError) as refused:
        resolve_node(project_view_, name, Origin(loaded=project()))
    assert str(refused.value) == (f"{name!r} names place:11 (北京市) in the gazetteer, but no data refers to it, "
                                  "so the explorable network leaves it out (it keeps only the places the data "
                                  "speaks of)")
    with pytest.raises(KgError, match="^no node named 'nothing like it' in the graph$"):  # not a place: as before
        resolve_node(project_view_, "nothing like it", Origin(loaded=project()))


def test_a_gazetteer_place_is_explored_once_something_else_speaks_of_it(tmp_path, monkeypatch):
    data = tmp_path / "places.ttl"
    prefixes = "".join(line.replace("PREFIX", "@prefix", 1) + " .\n" for line in sparql_prologue().splitlines())
    data.write_text(prefixes + GAZETTEER_CASES, encoding="utf-8")
    loaded = load([data])
    explorable = explorable_graph(Origin(loaded=loaded))
    subjects = {str(s).rsplit("/", 1)[-1] for s in explorable.subjects() if str(s).startswith(str(PLACE))}
    # 12: an observation points at it; 1301: a link set says more of it; 13: a place described
    # beyond the gazetteer (1301) points at it; 1201 and 1202: the history of 12 (what it
    # replaced, and what that replaced). Beijing's places, with the history of 1101: only the
    # gazetteer speaks of them.
    assert subjects == {"12", "13", "1301", "1201", "1202"}
    assert (PLACE["1301"], SKOS.exactMatch, URIRef("http://www.wikidata.org/entity/Q185684")) in explorable
    # more places kept than a VALUES block names: the whole graph read, the others dropped here
    monkeypatch.setattr(network, "KEPT_BATCH", 2)
    assert isomorphic(explorable_graph(Origin(loaded=loaded)), explorable)


def test_the_project_store_keeps_the_explorable_graph_alone():
    """The local store answers the explorable graph from one record of its generation, and
    keeps nothing of the queries it was computed from (kg.query.engines.Engines.remembered)."""
    explorable = explorable_graph(Origin())
    with Origin().open() as engines:
        kept = engines.view.record(record_name(EXPLORABLE_KEY))
        assert kept is not None
        assert engines.view.record(record_name(triples_query(OUTSIDE_WHERE))) is None
    assert len(Graph().parse(data=kept, format="nt")) == len(explorable) > 1000
    assert len(explorable_graph(Origin())) == len(explorable)


def test_the_gazetteer_describes_its_places_only_with_the_properties_the_explorer_expects(project):
    """If kg gazetteer starts writing another property, GAZETTEER_PROPERTIES must learn it (or
    every gazetteer place would count as described beyond the gazetteer and be explored)."""
    gazetteer = [name for name, path in project.files.items() if path.parent.name == "gazetteer"]
    assert gazetteer
    for name in gazetteer:
        graph = project.dataset.graph(name)
        assert set(graph.predicates()) <= set(GAZETTEER_PROPERTIES)
        assert set(graph.subjects()) == {s for source in GAZETTEER_SOURCES for s in graph.subjects(DCTERMS.source, source)}


def test_project_view_has_only_entities(project_view_):
    assert project_view_.number_of_nodes() > 100 and project_view_.number_of_edges() > 100
    for node, data in project_view_.nodes(data=True):
        assert node.startswith(ID_NAMESPACE)
        assert data["cls"].startswith(("ckg:", "org:")), node
        assert not data["curie"].startswith(("q:", "instant:", "theme:", "period:", "src:", "ds:", "ftype:"))
        assert all(data["labels"].values())


def test_project_evidence_becomes_quotes(project_view_):
    party = project_view_.nodes[str(URIRef(ID_NAMESPACE + "agent/shuifu-party-committee"))]
    assert party["labels"]["zh-Hans"] == "中共水富市委"
    quoted = [data for _n, data in project_view_.nodes(data=True) if data["quotes"]]
    assert len(quoted) > project_view_.number_of_nodes() // 2
    assert all(q.exact for data in quoted for q in data["quotes"])


class _AsAnEndpoint:
    """A reader that answers as an endpoint does (kg.query.readers.Reader), from the local
    store's engines: explorable_graph then takes the path every endpoint takes."""

    def __init__(self, engines):
        self.engines = engines

    def triples(self, where):
        return self.engines.triples(where)

    def remembered(self, _key, answer):
        return answer()


@pytest.mark.parametrize("batch", [network.KEPT_BATCH, 2])
def test_the_local_store_gives_the_explorable_graph_an_endpoint_gives(tmp_path, monkeypatch, batch):
    """On the local store the places kept are worked out on pyoxigraph's terms, the answers
    they come from never made rdflib terms (kg.explore.network._kept_here): the same graph,
    its triples inserted in the same order (what the graph pages are made from must not
    change), as the path every endpoint takes. With more kept places than a VALUES block
    names: the whole graph read."""
    monkeypatch.setattr(network, "KEPT_BATCH", batch)
    data = tmp_path / "places.ttl"
    prefixes = "".join(line.replace("PREFIX", "@prefix", 1) + " .\n" for line in sparql_prologue().splitlines())
    data.write_text(prefixes + GAZETTEER_CASES, encoding="utf-8")
    for origin in (Origin(loaded=load([data])), Origin(loaded=project())):
        with origin.open() as engines:
            here = network._explorable(engines)
            there = network._explorable(_AsAnEndpoint(engines))
        assert len(here) > 10
        assert list(here) == list(there)
