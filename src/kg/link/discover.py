"""``kg link OTHER``: link discovery between our places (and organizations) and another dataset.

OTHER is an RDF file or a SPARQL endpoint URL. Its entities are the subjects with a label
(rdfs:label, skos:prefLabel, skos:altLabel, schema:name, foaf:name), an identifier-like
property (below) or a type (rdf:type): each is counted and ends linked, to review or
unmatched with the reason. From each we read:

- codes: literals of identifier-like properties (skos:notation, dcterms:identifier,
  schema:identifier, ckg:divisionCode, Wikidata P442, any property named *code*) that are
  division codes in any form other datasets write them (kg.link.resolve.parse_code: 2, 4, 6,
  9 or 12 digits, with separators or spaces, as numbers, with a country prefix), whatever
  the literal's datatype (its lexical form is read). An identifier given as an IRI is read as
  a code only when its last path segment is a 6- or 12-digit GB/T 2260 / NBS code
  (``<http://example.org/division/530681>``): the method then says "read from the IRI", and
  without a label to confirm it the match goes to review, never straight into the link set
  (the number may be another database's own key). Any other IRI leaves the entity unmatched
  by code ("division code given as an IRI, not a literal");
- its parent: ckg:parentDivision, schema:containedInPlace, skos:broader, Wikidata P131,
  dbo:isPartOf, dcterms:isPartOf (an entity of OTHER, or a literal name);
- its kind: organization or place, and the levels a place can be (province, prefecture,
  county, township) from its classes' names, its code or its name's suffix. A suffix can
  mean several levels: 市 is a municipality (province-level), a prefecture-level city or a
  county-level city (县级市 such as 水富市), 区 a district or (地区, 自治区) larger, so a
  name never narrows the levels more than its suffix allows.

Matching, in this order, one target per entity:

1. **exact keys**: a division code in any form (530681, 530600 for 5306, 530681000000,
   532131 for 水富县 of 1981-2001: the code history is part of our places) -> ``skos:exactMatch``
   with score 1.0 to the division that held the code (the one whose name agrees when a code
   was reused), unless the labels plainly disagree (then review);
2. **labels**: normalised (NFKC, Traditional -> Simplified with OpenCC, no spaces, English
   lower-cased; administrative suffixes 省/市/县/区/自治县/... and their English words
   stripped for the short form) and scored with rapidfuzz; candidates must have the same
   kind and level and, when the entity's parent is linked (parents are linked first), lie
   within it (a place directly under the linked parent before one under a division the
   parent replaced).
   Same full name 1.0; same short name 0.97 when the entity's name has no suffix, 0.90 when
   the suffixes differ (水富县/水富市); otherwise 0.9 × the rapidfuzz ratio.

Score >= ``exact`` (0.95) -> skos:exactMatch; >= ``close`` (0.85) -> skos:closeMatch; >= ``review``
(0.60), or two candidates within 0.03 of each other -> the review file only. Every entity
left without a link or a review candidate is listed in the review file too, with the reason
(``unmatched: ...``): nothing is dropped.

The link set is a named graph ``graph/links/<slug>`` (``<workspace>/links/<slug>.ttl``): the
mapping triples themselves, and each mapping described the SSSOM way, as an OWL axiom
annotation (``owl:annotatedSource/Property/Target``) with ``sssom:confidence``,
``sssom:mapping_justification`` (SEMAPV), ``dcterms:date``, the method in ``rdfs:comment``.
"""

from __future__ import annotations


import hashlib
import json
import re
import unicodedata
import urllib.parse
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

from kg.outputs import OutputFile, claim_file, claim_workspace, replaced_source, source_text
from kg.errors import KgError
from kg.labels import LANGUAGES
from kg.link.gazetteer import short_name, to_simplified
from kg.link.resolve import code_forms, parse_code
from kg.namespaces import BASE, CKG, GRAPH, ORG, SCHEMA, bind_prefixes
from kg.query.readers import Origin
from kg.store.load import Loaded, default_workspace

#: The line of a link set's header naming the dataset it was made from (kg.outputs.source_text),
#: so that another dataset whose name makes the same link set says whose it replaces.
DATASET_LINE = "# dataset: "

SSSOM = Namespace("https://w3id.org/sssom/")
SEMAPV = Namespace("https://w3id.org/semapv/vocab/")
LINK = Namespace(BASE + "id/link/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
DBO = Namespace("http://dbpedia.org/ontology/")

LABEL_PROPERTIES = (RDFS.label, SKOS.prefLabel, SKOS.altLabel, SCHEMA.name, FOAF.name)
CODE_PROPERTIES = (SKOS.notation, DCTERMS.identifier, SCHEMA.identifier, CKG.divisionCode, WDT.P442)
PARENT_PROPERTIES = (CKG.parentDivision, SCHEMA.containedInPlace, SKOS.broader, WDT.P131, DBO.isPartOf,
                     DCTERMS.isPartOf, SCHEMA.containedIn)
LEVELS = ("province", "prefecture", "county", "township")
PLACE_LEVELS = frozenset(LEVELS)
# Words of class names -> the levels a place of that class can be (checked in this order).
_CLASS_WORDS = (
    ("organization", ("organization", "organisation", "agency", "governmentbody", "party", "company", "enterprise")),
    (frozenset({"county"}), ("countylevelcity", "countylevel", "county", "district", "banner")),
    (frozenset({"township"}), ("township", "subdistrict", "town")),
    (frozenset({"prefecture"}), ("prefecture", "league")),
    (frozenset({"province"}), ("province", "autonomousregion", "municipality", "specialadministrativeregion")),
    (frozenset({"prefecture", "county"}), ("city",)),
)
# Chinese suffixes -> the levels a name ending with one can be, longest first.
_SUFFIX_LEVELS = tuple(sorted({
    "特别行政区": {"province"}, "自治区": {"province"}, "省": {"province"},
    "地区": {"prefecture"}, "自治州": {"prefecture"}, "州": {"prefecture"}, "盟": {"prefecture"},
    "市": {"province", "prefecture", "county"},       # 北京市, 昭通市, 水富市 (县级市)
    "自治县": {"county"}, "县": {"county"}, "自治旗": {"county"}, "旗": {"county"}, "区": {"county"},
    "林区": {"county"}, "特区": {"county"}, "矿区": {"county"},
    "镇": {"township"}, "乡": {"township"}, "街道": {"township"}, "苏木": {"township"},
}.items(), key=lambda item: -len(item[0])))
_EN_SUFFIXES = re.compile(
    r"\b(province|autonomous region|municipality|prefecture|autonomous prefecture|league|"
    r"county[- ]level city|city|county|autonomous county|district|banner|town|township|subdistrict|"
    r"districts|counties)\b")
# A record's years of use, as our English labels qualify a retired record: "(until 2001)",
# "(2001-2018)". Not part of the name: "Shuifu County (until 2001)" is named "Shuifu County".
_EN_YEARS = re.compile(r"\s*\(\s*(?:until|since|from)?\s*\d{4}(?:\s*[-–—]\s*\d{4})?\s*\)")


@dataclass
class Thresholds:
    exact: float = 0.95
    close: float = 0.85
    review: float = 0.60
    tie: float = 0.03

    @classmethod
    def default(cls) -> Thresholds:
        return cls()


@dataclass
class Entity:
    iri: URIRef
    labels: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)   # division codes, digits only
    parent: URIRef | str | None = None
    kind: str | None = None               # 'place', 'organization', or None (unknown)
    levels: frozenset = frozenset()       # the levels a place can be; empty: any
    unlinkable: str | None = None         # why it cannot be linked at all (a blank node, an empty label)
    code_iris: dict = field(default_factory=dict)  # a code read from an IRI (IRI_CODE) -> that IRI
    notes: list[str] = field(default_factory=list)  # said with the reason when it ends unmatched


@dataclass
class Ours:
    iri: URIRef
    kind: str                             # a level, or 'organization'
    labels: list[str]
    code: str | None = None
    ancestors: frozenset = frozenset()
    successors: frozenset = frozenset()   # dcterms:isReplacedBy
    current: bool = True                  # no ckg:validUntil: in use today


@dataclass
class Link:
    ours: URIRef
    theirs: URIRef
    relation: str                         # 'exact', 'close' or 'review'
    score: float
    method: str
    their_label: str = ""
    our_label: str = ""


@dataclass
class Unmatched:
    """An entity of the other dataset left without a link or a review candidate, and why."""

    theirs: URIRef | BNode
    label: str
    reason: str


@dataclass
class LinkResult:
    slug: str
    graph: URIRef
    path: Path
    review_path: Path
    entities: list[Entity]
    links: list[Link]
    review: list[Link]
    unmatched_entities: list[Unmatched] = field(default_factory=list)
    #: the dataset whose link set this one replaced (another whose name makes the same slug)
    replaces: Path | str | None = None

    @property
    def unmatched(self) -> int:
        return len(self.unmatched_entities)

    def count(self, relation: str) -> int:
        return sum(1 for link in self.links if link.relation == relation)

    def pairs(self) -> set[tuple[str, str]]:
        """(their IRI, our IRI) of every exactMatch and closeMatch."""
        return {(str(link.theirs), str(link.ours)) for link in self.links}


# --- normalisation ------------------------------------------------------------------------


def is_chinese(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in text)


def normalise(text: str) -> str:
    """NFKC, Simplified characters, no spaces or brackets; English lower-cased."""
    text = unicodedata.normalize("NFKC", str(text))
    if is_chinese(text):
        text = re.sub(r"[(（][^)）]*[)）]", "", text)
        return re.sub(r"[\s·・•]+", "", to_simplified(text))
    return re.sub(r"\s+", " ", _EN_YEARS.sub("", text.lower())).strip()


def short_key(key: str) -> str:
    """The name without its kind: 玉龙纳西族自治县 -> 玉龙; "shuifu (county-level city)" -> shuifu."""
    if is_chinese(key):
        return short_name(key)
    stripped = re.sub(r"[()'’\-,.]", " ", _EN_SUFFIXES.sub(" ", key))
    return re.sub(r"\s+", "", stripped).strip() or re.sub(r"\s+", "", key)


def _kind_from_class(words: str) -> str | frozenset | None:
    """'organization', the levels a class name allows, or None."""
    lowered = re.sub(r"[\s_\-]", "", words.lower())
    for kind, hints in _CLASS_WORDS:
        if any(h in lowered for h in hints):
            return kind
    return None


def levels_of_name(name: str) -> frozenset:
    """The levels a Chinese name's suffix allows (empty: no suffix known): 水富市 -> province,
    prefecture or county (a 县级市 is county-level); 昭阳区 -> county; 昭通地区 -> prefecture."""
    key = normalise(name)
    for suffix, levels in _SUFFIX_LEVELS:
        if key.endswith(suffix) and len(key) > len(suffix):
            return frozenset(levels)
    return frozenset()


def _levels_of_code(code: str) -> frozenset:
    forms = code_forms(code)
    return frozenset({{2: "province", 4: "prefecture", 6: "county", 9: "township"}[len(forms[0])]}) if forms else frozenset()


# --- reading the other dataset ------------------------------------------------------------


#: Seconds to wait for another dataset's endpoint (``kg link --other-timeout``).
OTHER_TIMEOUT = 60.0


def fetch_endpoint(url: str, timeout: float = OTHER_TIMEOUT) -> Graph:
    """The labels, types, codes and parents of a SPARQL endpoint's entities (one CONSTRUCT,
    through kg.query.remote: its one-line errors), the whole answer within ``timeout``
    seconds. No credentials are sent: those in the environment are for the endpoint holding
    our own graph (``--endpoint``), not for OTHER."""
    from kg.query.remote import Endpoint

    predicates = ", ".join(f"<{p}>" for p in (*LABEL_PROPERTIES, *CODE_PROPERTIES, *PARENT_PROPERTIES, RDF.type))
    where = f"?s ?p ?o . FILTER (?p IN ({predicates}) || (isLiteral(?o) && REGEX(STR(?o), \"^[0-9]{{2,12}}$\")))"
    with Endpoint(url, timeout=timeout, credentials=False, timeout_option="--other-timeout") as endpoint:
        return endpoint.triples(where)


def read_other(other: str, fmt: str | None = None, timeout: float = OTHER_TIMEOUT) -> Graph:
    """The other dataset: an endpoint URL (:func:`fetch_endpoint`, within ``timeout`` seconds)
    or an RDF file (``fmt``: its rdflib format name, default from its extension)."""
    if re.match(r"^https?://", other):
        return fetch_endpoint(other, timeout)
    from kg.store.load import parse_into

    return parse_into(Graph(), Path(other), fmt=fmt)


def labels_in_order(graph: Graph, subject, properties) -> list[str]:
    """The subject's labels (literals of ``properties``, stripped, empty ones left out) in an
    order that does not depend on the order the graph yields them (a file's or a server's):
    by property as listed, then language (the project's, kg.labels.LANGUAGES, first; then
    untagged; then others), then text. Which label a link set names comes first from here."""
    def key(item):
        index, label = item
        tag = label.language or ""
        rank = LANGUAGES.index(tag) if tag in LANGUAGES else len(LANGUAGES) + (tag != "")
        return index, rank, tag, str(label)

    found = [(index, label) for index, predicate in enumerate(properties) for label in graph.objects(subject, predicate)
             if isinstance(label, Literal) and str(label).strip()]
    return [str(label).strip() for _index, label in sorted(found, key=key)]


def _is_code_property(predicate) -> bool:
    """A property other datasets give division codes by: skos:notation, dcterms:identifier,
    schema:identifier, ckg:divisionCode, Wikidata's P442, or any property named ``...code...``."""
    local = re.split(r"[#/]", str(predicate))[-1].lower()
    return predicate in CODE_PROPERTIES or "code" in local or local == "p442"


def _code_of(value) -> str | None:
    """The division code a literal gives, in any datatype: its lexical form (``"530681"^^xsd:boolean``
    is read as written), or the integer an xsd:integer stands for (``"0530681"^^xsd:integer``)."""
    if not isinstance(value, Literal):
        return None
    number = value.toPython()
    # a bool is an int to Python: an ill-typed "530681"^^xsd:boolean would be False
    return parse_code(number if isinstance(number, int) and not isinstance(number, bool) else str(value))


#: The last path segment of an identifier's IRI that is read as a division code: 6 or 12
#: digits (GB/T 2260 and the NBS statistical codes), not starting with 0. Shorter numbers (2,
#: 4, 9 digits) are as likely any database's own keys, so an IRI ending in one is not read.
IRI_CODE = re.compile(r"[1-9]\d{5}(?:\d{6})?")


def code_in_iri(value) -> str | None:
    """The division code an IRI ends with (:data:`IRI_CODE`, the last segment of its path:
    ``<http://example.org/division/530681>`` -> ``"530681"``), else None."""
    if not isinstance(value, URIRef):
        return None
    segment = urllib.parse.urlsplit(str(value)).path.rstrip("/").rsplit("/", 1)[-1]
    return segment if IRI_CODE.fullmatch(segment) else None


def _local(predicate) -> str:
    return re.split(r"[#/]", str(predicate))[-1]


def entities_of(graph: Graph) -> list[Entity]:
    """The records of another dataset to link: every subject with a label (LABEL_PROPERTIES),
    an identifier-like property (:func:`_is_code_property`) or a type, with its codes, parent,
    kind and levels. A record with a code and no label is linked by its code, never left out.

    Every such subject comes back, so that each is counted and either linked, reviewed or
    listed unmatched: one that cannot be linked comes back with ``unlinkable`` saying why --
    a blank node (a link needs an IRI to point at), or an IRI with no label and no code: its
    identifier an IRI that is not one (see :func:`code_in_iri`) or a literal that is not one,
    its labels all empty, or nothing but a type."""
    entities: dict[URIRef | BNode, Entity] = {}
    subjects = {subject for subject, predicate, _value in graph
                if isinstance(subject, (URIRef, BNode))
                and (predicate in LABEL_PROPERTIES or predicate == RDF.type or _is_code_property(predicate))}
    for subject in sorted(subjects, key=str):
        entities[subject] = Entity(subject, labels_in_order(graph, subject, LABEL_PROPERTIES))
    for entity in entities.values():
        iris, not_codes, literal_codes = [], [], set()
        for predicate, value in sorted(graph.predicate_objects(entity.iri), key=lambda pv: (str(pv[0]), str(pv[1]))):
            if not _is_code_property(predicate):
                continue
            digits = _code_of(value) if isinstance(value, Literal) else code_in_iri(value)
            if digits is not None:
                entity.codes.append(digits)
                if isinstance(value, URIRef):
                    entity.code_iris.setdefault(digits, value)
                else:
                    literal_codes.add(digits)
            elif isinstance(value, URIRef):
                iris.append(f"{_local(predicate)} <{value}>")
            elif isinstance(value, Literal):
                not_codes.append(f"{_local(predicate)} {json.dumps(str(value), ensure_ascii=False)}")
        for code in literal_codes & set(entity.code_iris):  # also given as a literal: nothing to guess
            del entity.code_iris[code]
        given_as_iri = f"division code given as an IRI, not a literal ({', '.join(iris)})" if iris else ""
        if isinstance(entity.iri, BNode):
            entity.unlinkable = "a blank node: cannot be linked by IRI (give the record an IRI to link it)"
        elif entity.labels or entity.codes:
            entity.notes = [given_as_iri] if given_as_iri else []
        elif given_as_iri:
            entity.unlinkable = f"{given_as_iri}, and no label"
        elif not_codes:
            entity.unlinkable = f"{'; '.join(not_codes)} is not a division code (and no label)"
        elif any(True for p in LABEL_PROPERTIES for _ in graph.objects(entity.iri, p)):
            entity.unlinkable = "empty label (and no division code)"
        else:
            types = ", ".join(sorted({_local(t) for t in graph.objects(entity.iri, RDF.type)}))
            entity.unlinkable = f"no label or division code to match by (only its type: {types})"
    for entity in entities.values():
        parents = []
        for predicate, value in graph.predicate_objects(entity.iri):
            if predicate in PARENT_PROPERTIES:
                parents.append((PARENT_PROPERTIES.index(predicate), not isinstance(value, URIRef), str(value), value))
        if parents:  # the first by property order, then IRIs before names: not the order the graph gave
            value = min(parents)[3]
            entity.parent = value if isinstance(value, URIRef) else str(value)
        types = sorted(re.split(r"[#/]", str(t))[-1] for t in graph.objects(entity.iri, RDF.type))
        levels: frozenset = frozenset()
        for name in types:
            kind = _kind_from_class(name)
            if kind == "organization":
                entity.kind = "organization"
            elif kind:
                levels = levels | kind if levels else kind
        if entity.kind != "organization":
            if not levels and entity.codes:
                levels = _levels_of_code(entity.codes[0])
            if not levels:
                for label in entity.labels:
                    if is_chinese(label) and levels_of_name(label):
                        levels = levels_of_name(label)
                        break
            entity.kind = "place" if levels or entity.codes else None
        entity.levels = levels
        entity.codes = sorted(set(entity.codes), key=lambda c: (-len(c), c))
    return sorted(entities.values(), key=lambda e: str(e.iri))


# --- our side -----------------------------------------------------------------------------

_LEVEL_CLASSES = {CKG.Province: "province", CKG.PrefectureLevelDivision: "prefecture",
                  CKG.CountyLevelDivision: "county", CKG.TownshipLevelDivision: "township"}


#: What linking needs of our graph (:func:`our_entities`): the triples ?s ?p ?o this WHERE
#: clause binds, asked of the local files or of the endpoint holding it (kg.query.readers).
OURS_WHERE = f"""
  VALUES ?class {{ {" ".join(f"<{c}>" for c in (CKG.Province, CKG.PrefectureLevelDivision, CKG.CountyLevelDivision,
                                              CKG.TownshipLevelDivision, ORG.Organization))} }}
  ?s a ?class ; ?p ?o .
  FILTER (?p IN ({", ".join(f"<{p}>" for p in (RDF.type, RDFS.label, SKOS.altLabel, CKG.parentDivision,
                                                CKG.divisionCode, DCTERMS.isReplacedBy, CKG.validUntil))}))
"""


def our_graph(origin: Origin | None = None) -> Graph:
    """Our places and organizations as :func:`our_entities` reads them (types, labels, parents,
    codes, successors, end of use), from ``origin`` (default: the project's store brought up to
    date, kg.store.project.opened)."""
    return (origin or Origin()).triples(OURS_WHERE)


def our_entities(graph: Graph) -> list[Ours]:
    """Our places (by level) and organizations in ``graph`` (as :data:`OURS_WHERE` reads them),
    each in IRI order and with its labels in :func:`labels_in_order`: the same list whatever
    order the graph was read in (local files or an endpoint's answer)."""
    parents: dict[URIRef, URIRef] = {}
    for place, parent in sorted(graph.subject_objects(CKG.parentDivision), reverse=True):
        parents[place] = parent  # the smallest IRI when a place has two
    found = []
    for cls, level in _LEVEL_CLASSES.items():
        for place in sorted(graph.subjects(RDF.type, cls)):
            labels = labels_in_order(graph, place, (RDFS.label, SKOS.altLabel))
            ancestors = []
            node = parents.get(place)
            while node is not None and node not in ancestors:
                ancestors.append(node)
                node = parents.get(node)
            code = min(graph.objects(place, CKG.divisionCode), default=None)
            found.append(Ours(place, level, labels, str(code) if code else None, frozenset(ancestors),
                              frozenset(graph.objects(place, DCTERMS.isReplacedBy)),
                              (place, CKG.validUntil, None) not in graph))
    for organization in sorted(set(graph.subjects(RDF.type, ORG.Organization))):
        # its other names too (水富市委, written in one script only: names are compared in
        # Simplified characters, see normalise)
        labels = labels_in_order(graph, organization, (RDFS.label, SKOS.altLabel))
        found.append(Ours(organization, "organization", labels))
    return found


class Linker:
    """Links entities of another dataset to ours (see the module's docstring for the rules)."""

    def __init__(self, ours: list[Ours], thresholds: Thresholds | None = None):
        self.ours = ours
        self.thresholds = thresholds or Thresholds.default()
        self.by_code: dict[str, list[Ours]] = {}
        for o in ours:
            if o.code:
                self.by_code.setdefault(o.code, []).append(o)
        self.by_iri = {o.iri: o for o in ours}
        self.predecessors: dict[URIRef, set[URIRef]] = {}
        for o in ours:
            for successor in o.successors:
                self.predecessors.setdefault(successor, set()).add(o.iri)
        self.keys: dict[URIRef, list[str]] = {o.iri: sorted({normalise(l) for l in o.labels}) for o in ours}
        self.by_short: dict[str, list[Ours]] = {}
        for o in ours:
            for key in self.keys[o.iri]:
                self.by_short.setdefault(short_key(key), []).append(o)
        self.short_list = sorted(self.by_short)

    # -- scoring ----------------------------------------------------------------------------

    def name_score(self, their_labels: list[str], ours: Ours) -> tuple[float, str]:
        from rapidfuzz import fuzz

        best, how = 0.0, ""
        for label in their_labels:
            theirs = normalise(label)
            their_short = short_key(theirs)
            for key in self.keys[ours.iri]:
                if is_chinese(theirs) != is_chinese(key):
                    continue
                if theirs == key:
                    score, method = 1.0, "same name"
                elif their_short == short_key(key):
                    suffixless = their_short == theirs
                    score, method = (0.97, "same name without suffix") if suffixless else (0.90, "same name, other suffix")
                else:
                    score = 0.9 * max(fuzz.ratio(theirs, key), fuzz.ratio(their_short, short_key(key))) / 100
                    method = "similar name (rapidfuzz ratio)"
                if score > best:
                    best, how = score, f"{method}: {label} ~ {key}"
        return best, how

    def _candidates(self, entity: Entity) -> list[Ours]:
        from rapidfuzz import fuzz, process

        found: dict[URIRef, Ours] = {}
        for label in entity.labels:
            short = short_key(normalise(label))
            for o in self.by_short.get(short, []):
                found[o.iri] = o
            for match, _score, _i in process.extract(short, self.short_list, scorer=fuzz.ratio, limit=5, score_cutoff=60):
                for o in self.by_short[match]:
                    found[o.iri] = o
        return list(found.values())

    def _fits(self, entity: Entity, ours: Ours) -> bool:
        """Same kind (place or organization) and a level the entity can be."""
        if entity.kind == "organization":
            return ours.kind == "organization"
        if entity.kind == "place" and ours.kind == "organization":
            return False
        return not entity.levels or ours.kind in entity.levels

    def _within(self, ours: Ours, parent: URIRef | None, parent_codes: set[str] | None) -> int:
        """How the candidate lies within the entity's linked parent: 2 directly (at the time),
        1 under a division that the parent replaced or that replaced it, 0 not at all; 2 when
        there is no parent to check."""
        if parent is None and parent_codes is None:
            return 2
        if parent is not None:
            if parent in ours.ancestors or parent == ours.iri:
                return 2
            related = set(self.by_iri[parent].successors) | self.predecessors.get(parent, set()) \
                if parent in self.by_iri else set()
            return 1 if related & ours.ancestors else 0
        codes = {str(a).rsplit("/", 1)[-1] for a in ours.ancestors}
        return 2 if parent_codes & codes else 0

    # -- linking ----------------------------------------------------------------------------

    def link(self, entities: list[Entity]) -> tuple[list[Link], list[Link], list[Unmatched]]:
        """(links, review candidates, unmatched entities with their reasons)."""
        links: dict[URIRef, Link] = {}
        review: list[Link] = []
        unmatched: list[Unmatched] = []
        by_iri = {e.iri: e for e in entities}

        def depth(entity: Entity) -> int:
            n, node, seen = 0, entity, set()
            while isinstance(node.parent, URIRef) and node.parent in by_iri and node.iri not in seen:
                seen.add(node.iri)
                node, n = by_iri[node.parent], n + 1
            return n

        for entity in sorted(entities, key=lambda e: (not e.codes, depth(e), str(e.iri))):
            if entity.unlinkable:
                unmatched.append(Unmatched(entity.iri, entity.labels[0] if entity.labels else "", entity.unlinkable))
                continue
            parent = parent_codes = None
            if isinstance(entity.parent, URIRef) and entity.parent in links:
                parent = links[entity.parent].ours
            elif isinstance(entity.parent, str) and entity.parent.strip():
                from kg.link.resolve import Resolved

                resolved = _resolver().resolve(entity.parent)
                if isinstance(resolved, Resolved):
                    parent_codes = {resolved.key} | ({resolved.matched.key} if resolved.matched else set())
            why: list[str] = []
            decided = self._by_code(entity, why) or self._by_label(entity, parent, parent_codes, why)
            if decided is None:
                label = entity.labels[0] if entity.labels else ""
                unmatched.append(Unmatched(entity.iri, label, "; ".join(why + entity.notes) or "no candidate"))
                continue
            for item in decided:
                if item.relation == "review":
                    review.append(item)
                else:
                    links[entity.iri] = item
        return sorted(links.values(), key=lambda l: (str(l.ours), str(l.theirs))), review, unmatched

    def _by_code(self, entity: Entity, why: list[str]) -> list[Link] | None:
        """The link by division code: the entity's first code that is one of ours decides,
        unless another of its codes names a different division of ours -- then both go to
        review, each naming the other, never one picked in silence. A code read from an IRI
        (:func:`code_in_iri`) says so in the method, and goes to review when no label confirms it."""
        decided: list[tuple[str, Link]] = []
        for code in entity.codes:
            candidates = [o for form in code_forms(code) for o in self.by_code.get(form, [])]
            iri = entity.code_iris.get(code)
            written = f"division code {code}" + (f" read from the IRI <{iri}>" if iri is not None else "")
            if not candidates:
                why.append(f"{written} is none of ours (1981-2024 codes and today's NBS codes)")
                continue
            label = entity.labels[0] if entity.labels else ""
            scored = sorted(((self.name_score(entity.labels, o) if entity.labels else (1.0, ""), o) for o in candidates),
                            key=lambda item: (-item[0][0], not item[1].current, str(item[1].iri)))
            (score, _how), ours = scored[0]
            our_label = next((l for l in ours.labels if is_chinese(l)), ours.labels[0] if ours.labels else "")
            if entity.labels and score < 0.5:
                decided.append((code, Link(ours.iri, entity.iri, "review", 0.5, f"{written}, but the labels "
                                                                               f"differ ({label} / {our_label})",
                                           label, our_label)))
                continue
            if iri is not None and not entity.labels:  # a number in another's IRI, nothing to confirm it
                decided.append((code, Link(ours.iri, entity.iri, "review", 0.5, f"{written}, no label to confirm it",
                                           label, our_label)))
                continue
            held = f" (held by {len(candidates)} divisions over time; the name decides)" if len(candidates) > 1 else ""
            decided.append((code, Link(ours.iri, entity.iri, "exact", 1.0, f"{written} = {ours.code}{held}",
                                       label, our_label)))
        if not decided:
            return None
        targets = {item.ours for _code, item in decided}
        if len(targets) == 1:
            return [decided[0][1]]
        codes = " and ".join(code for code, _item in decided)
        seen: set = set()
        conflicting = []
        for code, item in decided:
            if item.ours not in seen:
                seen.add(item.ours)
                conflicting.append(Link(item.ours, entity.iri, "review", 0.5,
                                        f"conflicting division codes {codes}: {code} is {item.our_label or item.ours}",
                                        item.their_label, item.our_label))
        return conflicting

    def _by_label(self, entity: Entity, parent: URIRef | None, parent_codes: set[str] | None,
                  why: list[str]) -> list[Link] | None:
        t = self.thresholds
        if not entity.labels:
            why.append("no label to match by name")
            return None
        scored = []
        candidates = self._candidates(entity)
        fitting = [o for o in candidates if self._fits(entity, o)]
        placed = [(o, self._within(o, parent, parent_codes)) for o in fitting]
        placed = [(o, w) for o, w in placed if w]
        for ours, within in placed:
            score, how = self.name_score(entity.labels, ours)
            if score >= t.review:
                scored.append((score, within, how, ours))
        label = entity.labels[0] if entity.labels else ""
        if not scored:
            if not candidates:
                why.append(f"no place or organization of ours has a name like {label!r}")
            elif not fitting:
                levels = "/".join(sorted(entity.levels)) or entity.kind or "?"
                why.append(f"names like {label!r} belong to none of ours of its kind ({levels})")
            elif not placed:
                where = str(parent) if parent is not None else ", ".join(sorted(parent_codes or ()))
                why.append(f"names like {label!r} lie outside its parent ({where})")
            else:
                best = max(self.name_score(entity.labels, o)[0] for o, _w in placed)
                why.append(f"best candidate scored {best:.2f}, below the review threshold {t.review:.2f}")
            return None
        # the better score first; at equal scores a place directly under the parent first, then
        # one in use today (a dataset without years names today's 昭通市, not the county-level
        # 昭通市 of 1981-2001 -- which the method then names)
        scored.sort(key=lambda s: (-s[0], -s[1], not s[3].current, str(s[3].iri)))
        best_score, best_within, how, best = scored[0]
        our_label = next((l for l in best.labels if is_chinese(l)), best.labels[0] if best.labels else "")
        close = [s for s in scored[1:] if best_score - s[0] < t.tie and s[1] == best_within and s[3].iri != best.iri]
        rivals = [s for s in close if s[3].current or not best.current]
        constraint = " within the linked parent" if parent is not None or parent_codes else ""
        if close and not rivals:
            constraint += "; in use today, unlike " + ", ".join(str(s[3].iri).rsplit("/", 1)[1] for s in close)
        if rivals:
            return [Link(o.iri, entity.iri, "review", round(score, 3), f"ambiguous: {h}", label,
                         next((l for l in o.labels if is_chinese(l)), ""))
                    for score, _w, h, o in [scored[0], *rivals]]
        relation = "exact" if best_score >= t.exact else "close" if best_score >= t.close else "review"
        return [Link(best.iri, entity.iri, relation, round(best_score, 3), how + constraint, label, our_label)]


def _resolver():
    from kg.link.resolve import PlaceResolver

    global _RESOLVER
    if _RESOLVER is None:
        _RESOLVER = PlaceResolver()
    return _RESOLVER


_RESOLVER = None


# --- writing ------------------------------------------------------------------------------


def link_graph(result_links: list[Link], slug: str, other: str, today: date) -> Graph:
    g = bind_prefixes(Graph())
    g.bind("sssom", SSSOM)
    g.bind("semapv", SEMAPV)
    graph_iri = GRAPH[f"links/{slug}"]
    g.add((graph_iri, RDF.type, SSSOM.MappingSet))
    g.add((graph_iri, RDF.type, PROV.Entity))
    g.add((graph_iri, DCTERMS.title, Literal(f"county-kg links to {other}", lang="en")))
    g.add((graph_iri, DCTERMS.date, Literal(today.isoformat(), datatype=XSD.date)))
    g.add((graph_iri, PROV.wasDerivedFrom, URIRef(other) if re.match(r"^https?://", other)
           else Literal(Path(other).name)))
    g.add((graph_iri, SSSOM.mapping_tool, Literal("county-kg kg link")))
    for link in result_links:
        predicate = SKOS.exactMatch if link.relation == "exact" else SKOS.closeMatch
        g.add((link.ours, predicate, link.theirs))
        digest = hashlib.sha1(f"{link.ours} {predicate} {link.theirs}".encode()).hexdigest()[:12]
        axiom = LINK[f"{slug}/{digest}"]
        g.add((axiom, RDF.type, OWL.Axiom))
        g.add((axiom, OWL.annotatedSource, link.ours))
        g.add((axiom, OWL.annotatedProperty, predicate))
        g.add((axiom, OWL.annotatedTarget, link.theirs))
        g.add((axiom, SSSOM.confidence, Literal(round(link.score, 3), datatype=XSD.double)))
        g.add((axiom, SSSOM.mapping_justification,
               SEMAPV.LexicalMatching if link.score >= 0.97 else SEMAPV.LexicalSimilarityThresholdMatching))
        g.add((axiom, DCTERMS.date, Literal(today.isoformat(), datatype=XSD.date)))
        g.add((axiom, RDFS.comment, Literal(link.method, lang="en")))
        if link.our_label:
            g.add((axiom, SSSOM.subject_label, Literal(link.our_label)))
        if link.their_label:
            g.add((axiom, SSSOM.object_label, Literal(link.their_label)))
        g.add((axiom, DCTERMS.isPartOf, graph_iri))
    return g


def _named(node) -> str:
    """An entity as the review file names it: its IRI, or ``_:id`` for a blank node."""
    return node.n3() if isinstance(node, BNode) else str(node)


REVIEW_HEADER = ("their_iri", "their_label", "our_iri", "our_label", "score", "method")


def write_review(path: Path | OutputFile, review: list[Link], unmatched: list[Unmatched] = ()) -> None:
    """The review file (``path`` claimed, or claimed here): the candidates to check by hand,
    then every unmatched entity with an empty our_iri, score 0 and ``unmatched: <reason>`` as
    its method."""
    output = path if isinstance(path, OutputFile) else claim_file(path, headers=[",".join(REVIEW_HEADER)])
    from kg.spreadsheet import table_text

    rows = [[_named(item.theirs), item.their_label, str(item.ours), item.our_label, f"{item.score:.3f}", item.method]
            for item in sorted(review, key=lambda l: (str(l.theirs), -l.score, str(l.ours)))]
    rows += [[_named(item.theirs), item.label, "", "", "0.000", f"unmatched: {item.reason}"]
             for item in sorted(unmatched, key=lambda u: str(u.theirs))]
    output.write_text(table_text(REVIEW_HEADER, rows), permissions=0o644)


def link_slug(other: str, name: str | None = None) -> str:
    from kg.link.importer import slugify

    if name:
        return slugify(name)
    if re.match(r"^https?://", other):
        from kg import http

        parsed = urllib.parse.urlparse(http.check_url(other))
        return slugify(f"{parsed.hostname}-{parsed.port or ''}-{parsed.path}") or "endpoint"
    return slugify(Path(other).stem) or "links"


def link_dataset(other: str, *, name: str | None = None, workspace: Path | None = None,
                 thresholds: Thresholds | None = None, review: Path | None = None, fmt: str | None = None,
                 loaded: Loaded | None = None, origin: Origin | None = None, today: date | None = None,
                 force: bool = False, other_timeout: float = OTHER_TIMEOUT) -> LinkResult:
    """Link ``other`` (a file or an endpoint URL) to our places and organizations: those of
    ``origin`` (kg.query.readers: an endpoint holding our graph), else of ``loaded``, else of the
    project's store; write the link set and the review file into the workspace (both claimed
    before any work: kg.outputs; ``force`` replaces files kg cannot tell it wrote), and, when
    our graph is the project's store, into the store as its own named graph. The link set's
    header names ``other`` (:data:`DATASET_LINE`); when it replaces the link set of another
    dataset whose name makes the same slug, the result's ``replaces`` names that one."""
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", other) and not re.match(r"^https?://", other):
        # ftp://x/y read as a path would be reported as "ftp:/x/y: no such file"
        raise KgError(f"{other!r}: OTHER must be a file or an http(s) URL")
    if not re.match(r"^https?://", other):  # a file: known as this command's input, never one of its outputs
        from kg.store.syntax import rdf_file

        rdf_file(other)
    slug = link_slug(other, name)
    links_dir = claim_workspace(Path(workspace) if workspace else default_workspace(), "links",
                                [",".join(REVIEW_HEADER)])
    path = links_dir / f"{slug}.ttl"
    review_path = Path(review) if review else links_dir / f"{slug}.review.csv"
    link_output = claim_file(path, force=force, workspace=links_dir)
    review_output = claim_file(review_path, force=force, headers=[",".join(REVIEW_HEADER)], workspace=links_dir)
    theirs = read_other(other, fmt, other_timeout)
    entities = entities_of(theirs)
    if not entities:
        raise KgError(f"{other}: no entities to link: nothing has a label (rdfs:label, skos:prefLabel, "
                      f"schema:name ...), an identifier (skos:notation, dcterms:identifier, ...) or a type")
    if origin is None:  # the project's store following the workspace this link set goes to
        origin = Origin(loaded=loaded) if loaded is not None else Origin(workspace=workspace)
    linker = Linker(our_entities(our_graph(origin)), thresholds)
    links, to_review, unmatched = linker.link(entities)
    today = today or date.today()
    graph = link_graph(links, slug, other, today)
    header = (f"# county-kg link set for {other} -> named graph <{GRAPH[f'links/{slug}']}>\n"
              f"# written by `kg link` on {today}\n{DATASET_LINE}{source_text(other, path)}\n")
    replaces = replaced_source(path, other, DATASET_LINE)
    link_output.write_text(header + graph.serialize(format="turtle"), permissions=0o644)
    write_review(review_output, to_review, unmatched)
    if loaded is None and (origin is None or origin.endpoint is None):  # into the project's store, a named graph
        from kg.store.persistent import GraphStore
        from kg.store.project import location, refresh

        refresh(GraphStore(location()), say=lambda m: None, workspace=links_dir.parent)
    return LinkResult(slug, GRAPH[f"links/{slug}"], path, review_path, entities, links, to_review, unmatched, replaces)


__all__ = ["Entity", "Link", "LinkResult", "Linker", "Thresholds", "Unmatched", "entities_of", "levels_of_name",
           "link_dataset", "our_entities"]
