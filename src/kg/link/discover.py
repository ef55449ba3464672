"""``kg link OTHER``: link discovery between our places (and organizations) and another dataset.

OTHER is an RDF file or a SPARQL endpoint URL. Its entities are the subjects with a label
(rdfs:label, skos:prefLabel, skos:altLabel, schema:name, foaf:name); from each we read:

- codes: literals of identifier-like properties (skos:notation, dcterms:identifier,
  schema:identifier, ckg:divisionCode, Wikidata P442, any property named *code*) that are
  2, 4, 6, 9 or 12 digits;
- its parent: ckg:parentDivision, schema:containedInPlace, skos:broader, Wikidata P131,
  dbo:isPartOf, dcterms:isPartOf (an entity of OTHER, or a literal name);
- its kind: province, prefecture, county, township (from its classes' names, its code's
  length or its name's suffix), or organization.

Matching, in this order, one target per entity:

1. **exact keys**: a division code in any form (530681, 530600 for 5306, 530681000000)
   -> ``skos:exactMatch`` with score 1.0, unless the labels plainly disagree (then review);
2. **labels**: normalised (NFKC, Traditional -> Simplified with OpenCC, no spaces, English
   lower-cased; administrative suffixes 省/市/县/区/自治县/... and their English words
   stripped for the short form) and scored with rapidfuzz; candidates must have the same
   kind and, when the entity's parent is linked (parents are linked first), lie within it.
   Same full name 1.0; same short name 0.97 when the entity's name has no suffix, 0.90 when
   the suffixes differ (水富县/水富市); otherwise 0.9 × the rapidfuzz ratio.

Score >= ``exact`` (0.95) -> skos:exactMatch; >= ``close`` (0.85) -> skos:closeMatch; >= ``review``
(0.60), or two candidates within 0.03 of each other -> the review file only.

The link set is a named graph ``graph/links/<slug>`` (``<workspace>/links/<slug>.ttl``): the
mapping triples themselves, and each mapping described the SSSOM way, as an OWL axiom
annotation (``owl:annotatedSource/Property/Target``) with ``sssom:confidence``,
``sssom:mapping_justification`` (SEMAPV), ``dcterms:date``, the method in ``rdfs:comment``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

from kg.outputs import OutputFile, claim_file, claim_workspace
from kg.errors import KgError
from kg.link.gazetteer import short_name, to_simplified
from kg.link.resolve import code_forms
from kg.namespaces import BASE, CKG, GRAPH, ORG, SCHEMA, bind_prefixes
from kg.store.load import Loaded, default_workspace, load

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
_CODE = re.compile(r"^[1-9]\d(\d{2}(\d{2}(\d{3}(\d{3})?)?)?)?$")
_KIND_WORDS = (
    ("township", ("township", "town", "subdistrict", "乡", "镇", "街道", "鄉", "鎮")),
    ("county", ("county", "district", "banner", "县", "区", "縣", "區")),
    ("prefecture", ("prefecture", "city", "league", "地区", "州", "市", "盟")),
    ("province", ("province", "region", "municipality", "省", "自治区", "自治區")),
    ("organization", ("organization", "organisation", "agency", "governmentbody", "party", "company", "enterprise")),
)
_EN_SUFFIXES = re.compile(
    r"\b(province|autonomous region|municipality|prefecture|autonomous prefecture|league|city|"
    r"county-level city|county|autonomous county|district|banner|town|township|subdistrict|"
    r"until \d{4}|districts|counties)\b")


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
    codes: list[str] = field(default_factory=list)
    parent: URIRef | str | None = None
    kind: str | None = None               # a level, 'organization', or None (unknown)


@dataclass
class Ours:
    iri: URIRef
    kind: str
    labels: list[str]
    code: str | None = None
    ancestors: frozenset = frozenset()
    replaced_by: URIRef | None = None


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
class LinkResult:
    slug: str
    graph: URIRef
    path: Path
    review_path: Path
    entities: list[Entity]
    links: list[Link]
    review: list[Link]
    unmatched: int

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
    return re.sub(r"\s+", " ", text.lower()).strip()


def short_key(key: str) -> str:
    """The name without its kind: 玉龙纳西族自治县 -> 玉龙; "shuifu (county-level city)" -> shuifu."""
    if is_chinese(key):
        return short_name(key)
    stripped = _EN_SUFFIXES.sub(" ", re.sub(r"[()'’\-,.]", " ", key))
    return re.sub(r"\s+", "", stripped).strip() or re.sub(r"\s+", "", key)


def _kind_from_words(words: str) -> str | None:
    lowered = words.lower()
    for kind, hints in _KIND_WORDS:
        if any(h in lowered for h in hints):
            return kind
    return None


def _level_of_code(code: str) -> str | None:
    forms = code_forms(code)
    return {2: "province", 4: "prefecture", 6: "county", 9: "township"}.get(len(forms[0])) if forms else None


# --- reading the other dataset ------------------------------------------------------------


def fetch_endpoint(url: str, timeout: float = 60) -> Graph:
    """The labels, types, codes and parents of a SPARQL endpoint's entities (CONSTRUCT)."""
    predicates = " ".join(f"<{p}>" for p in (*LABEL_PROPERTIES, *CODE_PROPERTIES, *PARENT_PROPERTIES, RDF.type))
    query = ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o . "
             f"FILTER (?p IN ({predicates.replace('> <', '>, <')}) || "
             "(isLiteral(?o) && REGEX(STR(?o), \"^[0-9]{2,12}$\"))) }")
    request = urllib.request.Request(url, data=urllib.parse.urlencode({"query": query}).encode(),
                                     headers={"Accept": "application/n-triples",
                                              "Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
    except urllib.error.HTTPError as exc:
        raise KgError(f"{url}: the endpoint refused the query: HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise KgError(f"cannot reach {url}: {getattr(exc, 'reason', exc)}") from None
    graph = Graph()
    try:
        graph.parse(data=body, format="nt")
    except Exception as exc:  # noqa: BLE001 - any parser failure is the endpoint's answer being unusable
        raise KgError(f"{url}: the endpoint's answer is not N-Triples: {exc}") from None
    return graph


def read_other(other: str, fmt: str | None = None) -> Graph:
    if re.match(r"^https?://", other):
        return fetch_endpoint(other)
    from kg.store.load import parse_into

    return parse_into(Graph(), Path(other), fmt=fmt)


def entities_of(graph: Graph) -> list[Entity]:
    entities: dict[URIRef, Entity] = {}
    for predicate in LABEL_PROPERTIES:
        for subject, label in graph.subject_objects(predicate):
            if isinstance(subject, URIRef) and isinstance(label, Literal) and str(label).strip():
                entities.setdefault(subject, Entity(subject)).labels.append(str(label).strip())
    for entity in entities.values():
        for predicate, value in graph.predicate_objects(entity.iri):
            local = re.split(r"[#/]", str(predicate))[-1].lower()
            if isinstance(value, Literal) and (predicate in CODE_PROPERTIES or "code" in local or local == "p442"):
                text = str(value).strip()
                if _CODE.match(text) and len(text) in (2, 4, 6, 9, 12):
                    entity.codes.append(text)
            if predicate in PARENT_PROPERTIES and entity.parent is None:
                entity.parent = value if isinstance(value, URIRef) else str(value)
        types = " ".join(re.split(r"[#/]", str(t))[-1] for t in graph.objects(entity.iri, RDF.type))
        kind = _kind_from_words(types) if types else None
        if kind is None and entity.codes:
            kind = _level_of_code(entity.codes[0])
        if kind is None:
            zh = [normalise(l) for l in entity.labels if is_chinese(l)]
            for key in zh:
                if short_name(key) != key:
                    suffix = key[len(short_name(key)):]
                    kind = _kind_from_words(suffix)
                    break
        entity.kind = kind
        entity.codes = sorted(set(entity.codes), key=lambda c: (-len(c), c))
    return sorted(entities.values(), key=lambda e: str(e.iri))


# --- our side -----------------------------------------------------------------------------

_LEVEL_CLASSES = {CKG.Province: "province", CKG.PrefectureLevelDivision: "prefecture",
                  CKG.CountyLevelDivision: "county", CKG.TownshipLevelDivision: "township"}


def our_entities(graph: Graph) -> list[Ours]:
    parents: dict[URIRef, URIRef] = {s: o for s, o in graph.subject_objects(CKG.parentDivision)}
    found = []
    for cls, level in _LEVEL_CLASSES.items():
        for place in graph.subjects(RDF.type, cls):
            labels = [str(l) for p in (RDFS.label, SKOS.altLabel) for l in graph.objects(place, p)]
            ancestors = []
            node = parents.get(place)
            while node is not None and node not in ancestors:
                ancestors.append(node)
                node = parents.get(node)
            code = graph.value(place, CKG.divisionCode)
            found.append(Ours(place, level, labels, str(code) if code else None, frozenset(ancestors),
                              graph.value(place, DCTERMS.isReplacedBy)))
    for organization in set(graph.subjects(RDF.type, ORG.Organization)):
        labels = [str(l) for l in graph.objects(organization, RDFS.label)]
        found.append(Ours(organization, "organization", labels))
    return found


class Linker:
    def __init__(self, ours: list[Ours], thresholds: Thresholds | None = None):
        self.ours = ours
        self.thresholds = thresholds or Thresholds.default()
        self.by_code = {o.code: o for o in ours if o.code}
        self.by_iri = {o.iri: o for o in ours}
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

    def _compatible(self, entity: Entity, ours: Ours, parent: URIRef | None, parent_codes: set[str] | None) -> bool:
        if entity.kind and entity.kind != ours.kind:
            return False
        if parent is not None and parent not in ours.ancestors and parent != ours.iri:
            # the parent may have been linked to a replaced or replacing division
            if not any(self.by_iri.get(a) and self.by_iri[a].replaced_by == parent for a in ours.ancestors):
                return False
        if parent_codes is not None and not parent_codes & {str(a).rsplit("/", 1)[-1] for a in ours.ancestors}:
            return False
        return True

    # -- linking ----------------------------------------------------------------------------

    def link(self, entities: list[Entity]) -> tuple[list[Link], list[Link], int]:
        links: dict[URIRef, Link] = {}
        review: list[Link] = []
        unmatched = 0
        by_iri = {e.iri: e for e in entities}

        def depth(entity: Entity) -> int:
            n, node, seen = 0, entity, set()
            while isinstance(node.parent, URIRef) and node.parent in by_iri and node.iri not in seen:
                seen.add(node.iri)
                node, n = by_iri[node.parent], n + 1
            return n

        for entity in sorted(entities, key=lambda e: (not e.codes, depth(e), str(e.iri))):
            parent = parent_codes = None
            if isinstance(entity.parent, URIRef) and entity.parent in links:
                parent = links[entity.parent].ours
            elif isinstance(entity.parent, str) and entity.parent.strip():
                from kg.link.resolve import Resolved

                resolved = _resolver().resolve(entity.parent)
                if isinstance(resolved, Resolved):
                    parent_codes = {resolved.code}
            decided = self._by_code(entity) or self._by_label(entity, parent, parent_codes)
            if decided is None:
                unmatched += 1
                continue
            for item in decided:
                if item.relation == "review":
                    review.append(item)
                else:
                    links[entity.iri] = item
        return sorted(links.values(), key=lambda l: (str(l.ours), str(l.theirs))), review, unmatched

    def _by_code(self, entity: Entity) -> list[Link] | None:
        for code in entity.codes:
            for form in code_forms(code):
                ours = self.by_code.get(form)
                if ours is None:
                    continue
                label = entity.labels[0] if entity.labels else ""
                our_label = next((l for l in ours.labels if is_chinese(l)), ours.labels[0] if ours.labels else "")
                score, how = self.name_score(entity.labels, ours) if entity.labels else (1.0, "")
                if entity.labels and score < 0.5:
                    return [Link(ours.iri, entity.iri, "review", 0.5, f"division code {code}, but the labels differ "
                                                                        f"({label} / {our_label})", label, our_label)]
                return [Link(ours.iri, entity.iri, "exact", 1.0, f"division code {code} = {form}", label, our_label)]
        return None

    def _by_label(self, entity: Entity, parent: URIRef | None, parent_codes: set[str] | None) -> list[Link] | None:
        t = self.thresholds
        scored = []
        for ours in self._candidates(entity):
            if not self._compatible(entity, ours, parent, parent_codes):
                continue
            score, how = self.name_score(entity.labels, ours)
            if score >= t.review:
                scored.append((score, how, ours))
        if not scored:
            return None
        scored.sort(key=lambda s: (-s[0], str(s[2].iri)))
        best_score, how, best = scored[0]
        label = entity.labels[0]
        our_label = next((l for l in best.labels if is_chinese(l)), best.labels[0] if best.labels else "")
        rivals = [s for s in scored[1:] if best_score - s[0] < t.tie and s[2].iri != best.iri]
        constraint = " within the linked parent" if parent is not None or parent_codes else ""
        if rivals:
            return [Link(o.iri, entity.iri, "review", round(score, 3), f"ambiguous: {h}", label,
                         next((l for l in o.labels if is_chinese(l)), "")) for score, h, o in scored[: len(rivals) + 1]]
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


REVIEW_HEADER = ("their_iri", "their_label", "our_iri", "our_label", "score", "method")


def write_review(path: Path | OutputFile, review: list[Link]) -> None:
    """The review file: a CSV of the candidates to check by hand (``path`` claimed, or claimed here)."""
    output = path if isinstance(path, OutputFile) else claim_file(path, headers=[",".join(REVIEW_HEADER)])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(REVIEW_HEADER)
    for item in sorted(review, key=lambda l: (str(l.theirs), -l.score, str(l.ours))):
        writer.writerow([str(item.theirs), item.their_label, str(item.ours), item.our_label, f"{item.score:.3f}", item.method])
    output.write_text(out.getvalue(), permissions=0o644)


def link_slug(other: str, name: str | None = None) -> str:
    from kg.link.importer import slugify

    if name:
        return slugify(name)
    if re.match(r"^https?://", other):
        parsed = urllib.parse.urlparse(other)
        return slugify(f"{parsed.hostname}-{parsed.port or ''}-{parsed.path}") or "endpoint"
    return slugify(Path(other).stem) or "links"


def link_dataset(other: str, *, name: str | None = None, workspace: Path | None = None,
                 thresholds: Thresholds | None = None, review: Path | None = None, fmt: str | None = None,
                 loaded: Loaded | None = None, today: date | None = None, force: bool = False) -> LinkResult:
    """Link ``other`` (a file or an endpoint URL) to the project's places and organizations;
    write the link set and the review file into the workspace (both claimed before any work:
    kg.outputs; ``force`` replaces files kg cannot tell it wrote). A file ``other`` is checked
    first, so that it is known as this command's input: never one of its outputs."""
    if not re.match(r"^https?://", other):
        from kg.store.syntax import rdf_file

        rdf_file(other)
    slug = link_slug(other, name)
    links_dir = claim_workspace(Path(workspace) if workspace else default_workspace(), "links",
                                [",".join(REVIEW_HEADER)])
    path = links_dir / f"{slug}.ttl"
    review_path = Path(review) if review else links_dir / f"{slug}.review.csv"
    link_output = claim_file(path, force=force, workspace=links_dir)
    review_output = claim_file(review_path, force=force, headers=[",".join(REVIEW_HEADER)], workspace=links_dir)
    theirs = read_other(other, fmt)
    entities = entities_of(theirs)
    if not entities:
        raise KgError(f"{other}: no labelled entities to link (looked for rdfs:label, skos:prefLabel, schema:name ...)")
    loaded = loaded or load(workspace=False)
    linker = Linker(our_entities(loaded.union()), thresholds)
    links, to_review, unmatched = linker.link(entities)
    today = today or date.today()
    graph = link_graph(links, slug, other, today)
    header = f"# county-kg link set for {other} -> named graph <{GRAPH[f'links/{slug}']}>\n# written by `kg link` on {today}\n"
    link_output.write_text(header + graph.serialize(format="turtle"), permissions=0o644)
    write_review(review_output, to_review)
    return LinkResult(slug, GRAPH[f"links/{slug}"], path, review_path, entities, links, to_review, unmatched)


__all__ = ["Entity", "Link", "LinkResult", "Linker", "Thresholds", "entities_of", "link_dataset", "our_entities"]
