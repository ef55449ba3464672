"""The names the graph and the gazetteer already know, for finding them in a new text.

Two sources, each name with the resource it names:

- the gazetteer (:mod:`kg.link.gazetteer`): every division's full name (水富市, 鹽津縣 in
  either script) and, for county level and above, its name without the suffix (水富); a
  match is resolved by the link step's :class:`kg.link.resolve.PlaceResolver` among the
  divisions of that name, the document's province and prefecture first;
- the curated graph (every data file but the gazetteer): the ``rdfs:label`` and
  ``skos:altLabel`` values, in either script, of places, facilities, regions,
  organizations, programs, policy instruments and indicators.

``exclude_source``: leave out the resources whose every quote is into that source, to
measure on a document how much would be found if it were new (kg.curate.evaluate).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg.curate.segment import aligned_simplified
from kg.link.gazetteer import load_gazetteer, short_name
from kg.namespaces import CKG, OA, ORG, SRC
from kg.sources.clean import to_simplified

#: Classes whose names are looked for in texts, most specific first, and the kind of mention.
KINDS: tuple[tuple[URIRef, str], ...] = (
    (CKG.Indicator, "indicator"), (CKG.Project, "program"), (CKG.Program, "program"),
    (CKG.Component, "policy"), (CKG.Goal, "policy"), (CKG.Strategy, "policy"), (CKG.Campaign, "policy"),
    (CKG.Framework, "policy"), (CKG.GovernanceModel, "policy"), (CKG.PolicyInstrument, "policy"),
    (CKG.PartyOrganization, "organization"), (CKG.GovernmentBody, "organization"), (CKG.Enterprise, "organization"),
    (CKG.PublicInstitution, "organization"), (CKG.MediaOrganization, "organization"), (ORG.Organization, "organization"),
    (CKG.Facility, "facility"), (CKG.Region, "place"), (CKG.NaturalFeature, "place"), (CKG.Country, "place"),
    (CKG.AdministrativeDivision, "place"), (CKG.Province, "place"), (CKG.PrefectureLevelDivision, "place"),
    (CKG.CountyLevelDivision, "place"), (CKG.TownshipLevelDivision, "place"),
)
ADMINISTRATIVE = (CKG.AdministrativeDivision, CKG.Province, CKG.PrefectureLevelDivision, CKG.CountyLevelDivision,
                  CKG.TownshipLevelDivision)
MAX_NAME = 24
LEVELS_SHORT_NAMES = ("province", "prefecture", "county")


@dataclass(frozen=True)
class Entry:
    """A name's resource: ``iri``, its ``kind`` (place, facility, organization, program,
    policy, indicator), its class, and where the name comes from (gazetteer or graph)."""

    iri: str
    kind: str
    cls: str
    origin: str


@dataclass
class Lexicon:
    """Names (Simplified, as compared) -> the resources they name; ``places``: gazetteer
    names -> the divisions' full names (resolved on a match)."""

    names: dict[str, list[Entry]] = field(default_factory=lambda: defaultdict(list))
    gazetteer_names: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    longest: int = 0

    def add(self, name: str, entry: Entry) -> None:
        key = aligned_simplified(name)
        if len(key) < 2 or len(key) > MAX_NAME:
            return
        if entry not in self.names[key]:
            self.names[key].append(entry)
        self.longest = max(self.longest, len(key))

    def add_place_name(self, name: str, full_name: str) -> None:
        key = aligned_simplified(name)
        if len(key) < 2:
            return
        self.gazetteer_names[key].add(full_name)
        self.longest = max(self.longest, len(key))

    def lookup(self, key: str) -> list[Entry]:
        return self.names.get(key, [])

    def word_list(self) -> dict[str, str]:
        """Every name as a word for the segmenter, with its part-of-speech tag."""
        # full names only: a short name added as a place word would tag every 资源 or 平安
        # as a place, and the tag is what tells a real short name from a common word
        words = {name: "ns" for name, full in self.gazetteer_names.items() if name in full}
        for name, entries in self.names.items():
            words[name] = {"place": "ns", "facility": "ns", "organization": "nt"}.get(entries[0].kind, "nz")
        return words


def graph_files():
    from kg.store.load import data_files

    return [path for path in data_files() if path.parent.name != "gazetteer"]


@cache
def _curated_graph(without: str | None = None) -> Graph:
    """The curated graph (every data file but the gazetteer), less the file ``without``."""
    from kg.store.load import parse_into

    graph = Graph()
    for path in graph_files():
        if without is None or str(path.resolve()) != without:
            parse_into(graph, path)
    return graph


def curated_graph_for(source) -> Graph:
    """The curated graph a source's review is read against: every data file but the
    gazetteer and the source's own ``facts.ttl``, which accepting the review replaces --
    what that file defines (an indicator, a period) is not yet in the graph the new file
    joins, so the new file must define it again (as an import replaces its own named graph)."""
    return _curated_graph(str(source.facts_path.resolve()))


def _quoted_only_from(graph: Graph, resource, text_iri: URIRef) -> bool:
    quotes = list(graph.objects(resource, CKG.evidence))
    return bool(quotes) and all(graph.value(q, OA.hasSource) == text_iri for q in quotes)


def build_lexicon(graph: Graph | None = None, *, exclude_source: str | None = None,
                  gazetteer: bool = True) -> Lexicon:
    """The lexicon of the project's graph (or ``graph``) and gazetteer. ``exclude_source``:
    a source key whose resources are left out (see the module's docstring)."""
    graph = _curated_graph() if graph is None else graph
    lexicon = Lexicon()
    if gazetteer:
        for division in load_gazetteer():
            if getattr(division, "placeholder", False):
                continue
            lexicon.add_place_name(division.name, division.name)
            if division.level in LEVELS_SHORT_NAMES:
                short = short_name(division.name)
                if short != division.name:
                    lexicon.add_place_name(short, division.name)
    excluded = {SRC[f"{exclude_source}-zh-Hant"], SRC[f"{exclude_source}-zh-Hans"]} if exclude_source else set()
    for cls, kind in KINDS:
        for resource in graph.subjects(RDF.type, cls):
            if any(_quoted_only_from(graph, resource, text) for text in excluded):
                continue
            if gazetteer and cls in ADMINISTRATIVE:
                continue  # divisions come from the gazetteer, resolved with their history
            entry = Entry(str(resource), kind, str(cls), "graph")
            for prop in (RDFS.label, SKOS.altLabel):
                for label in graph.objects(resource, prop):
                    if getattr(label, "language", None) in ("zh-Hans", "zh-Hant"):
                        lexicon.add(str(label), entry)
    return lexicon


def simplified_key(text: str) -> str:
    """What names are compared by: Simplified characters, no spaces or quotation marks."""
    return to_simplified("".join(ch for ch in text if not ch.isspace() and ch not in "“”\"「」『』《》"))
