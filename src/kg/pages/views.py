"""From a document's data (kg.pages.reader.Document) to what its page shows: the resource's
names, types and definition, its properties grouped as a person reads them, its figures
written as people write numbers, its evidence quotes, who links to it, and for places and
indicators their observations as a table and a chart.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

import pyoxigraph as ox

from kg.namespaces import CKG, DCTERMS, OA, OWL, PROV, QB, RDF, RDFS, SCHEMA, SDMX_ATTRIBUTE, SDMX_DIMENSION, \
    SDMX_MEASURE, SKOS, TIME
from kg.pages.charts import Chart, line_chart
from kg.pages.describe import content_signature
from kg.pages.figures import Figure
from kg.pages.iris import compact, fragment_of
from kg.pages.links import Linker
from kg.pages.reader import Document, Observation, Quote, Reader, registered_tag
from kg.pages.text import LANGUAGES, Text, ui, ui_per_language

S = str  # IRIs as strings


def _set(*terms) -> frozenset[str]:
    return frozenset(str(t) for t in terms)


NAME_PROPERTIES = _set(RDFS.label, SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel, SCHEMA.name, SKOS.notation,
                       CKG.divisionCode, DCTERMS.identifier)
DESCRIPTION_PROPERTIES = _set(RDFS.comment, SKOS.definition, SKOS.scopeNote, SKOS.note, DCTERMS.description,
                              SCHEMA.text, CKG.inferenceReason)
CLASSIFICATION_PROPERTIES = _set(RDF.type, CKG.theme, CKG.facilityType, CKG.recognitionLevel, DCTERMS.subject,
                                 SKOS.inScheme, SKOS.broader, SKOS.narrower, SKOS.topConceptOf, SKOS.hasTopConcept,
                                 RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, RDFS.isDefinedBy,
                                 OWL.equivalentClass, OWL.disjointWith, OWL.inverseOf, OWL.unionOf, CKG.grade,
                                 CKG.assertionStatus)
PLACE_TIME_PROPERTIES = _set(CKG.location, CKG.period, SDMX_DIMENSION.refArea, SDMX_DIMENSION.refPeriod,
                             CKG.parentDivision, SCHEMA.containedInPlace, CKG.jurisdiction, TIME.hasBeginning,
                             TIME.hasEnd, TIME.inXSDDate, DCTERMS.spatial, CKG.attributedToPlace, CKG.rankScope,
                             CKG.reportedPlace)
HISTORY_PROPERTIES = _set(DCTERMS.replaces, DCTERMS.isReplacedBy, CKG.validFrom, CKG.validUntil,
                          SCHEMA.foundingDate, SCHEMA.dissolutionDate, CKG.areaTransfer, CKG.transferredTo,
                          CKG.transferYear)
FIGURE_PROPERTIES = _set(SDMX_MEASURE.obsValue, SDMX_ATTRIBUTE.unitMeasure, CKG.valueQualifier, CKG.reportedValue,
                         CKG.indicator, QB.dataSet, CKG.footnoteMark)
EVIDENCE_PROPERTIES = _set(CKG.evidence, CKG.inferredFrom, OA.hasSource, OA.hasSelector, OA.exact, OA.prefix,
                           OA.suffix, OA.start, OA.end)
PROVENANCE_PROPERTIES = _set(DCTERMS.source, PROV.wasDerivedFrom, DCTERMS.created, DCTERMS.issued, DCTERMS.license,
                             DCTERMS.creator, DCTERMS.publisher, DCTERMS.contributor, PROV.wasAttributedTo,
                             PROV.wasGeneratedBy, DCTERMS.isVersionOf, CKG.photographer)
#: (group key, properties) in the order a page shows them; "relations" and "other" take the rest.
GROUPS = (("names", NAME_PROPERTIES), ("description", DESCRIPTION_PROPERTIES),
          ("classification", CLASSIFICATION_PROPERTIES), ("figure", FIGURE_PROPERTIES),
          ("place_time", PLACE_TIME_PROPERTIES), ("history", HISTORY_PROPERTIES), ("relations", None),
          ("evidence", EVIDENCE_PROPERTIES), ("provenance", PROVENANCE_PROPERTIES), ("other", None))
#: Properties shown in the page's heading rather than in a group.
HEADING_PROPERTIES = _set(RDFS.label, SKOS.definition)
#: On a place's page, links to it that get a heading of their own.
PLACE_INCOMING = {S(CKG.location): "programs_here", S(CKG.recipient): "designations",
                  S(CKG.parentDivision): "children"}
_TYPE, _DEFINITION = S(RDF.type), S(SKOS.definition)
_INFERRED, _ASSERTION_STATUS, _INFERENCE_REASON = S(CKG.Inferred), S(CKG.assertionStatus), S(CKG.inferenceReason)
_QUOTING = _set(CKG.evidence, CKG.inferredFrom)
#: Names for properties the graph does not label.
PROPERTY_NAMES = {
    S(RDF.type): ui("type"),
    S(RDFS.comment): Text.of({"zh-Hans": "注释", "zh-Hant": "註釋", "en": "comment"}),
    S(RDFS.subClassOf): Text.of({"zh-Hans": "上位类", "zh-Hant": "上位類", "en": "subclass of"}),
    S(RDFS.subPropertyOf): Text.of({"zh-Hans": "上位属性", "zh-Hant": "上位屬性", "en": "subproperty of"}),
    S(RDFS.domain): Text.of({"zh-Hans": "定义域", "zh-Hant": "定義域", "en": "domain"}),
    S(RDFS.range): Text.of({"zh-Hans": "值域", "zh-Hant": "值域", "en": "range"}),
    S(RDFS.isDefinedBy): Text.of({"zh-Hans": "定义于", "zh-Hant": "定義於", "en": "defined by"}),
    S(SCHEMA.name): Text.of({"zh-Hans": "名称", "zh-Hant": "名稱", "en": "name"}),
    S(DCTERMS.issued): Text.of({"zh-Hans": "发布时间", "zh-Hant": "發布時間", "en": "issued"}),
    S(DCTERMS.language): Text.of({"zh-Hans": "语言", "zh-Hant": "語言", "en": "language"}),
    S(DCTERMS.identifier): Text.of({"zh-Hans": "标识符", "zh-Hant": "標識符", "en": "identifier"}),
}


@dataclass
class QuoteView:
    iri: str
    exact: str
    lang: str
    page: str | None      # the quote's own page
    in_article: str | None  # its highlight in the article view
    start: int | None
    end: int | None


@dataclass
class Status:
    """Whether a statement is stated by the source or inferred by curation (and why)."""

    inferred: bool
    reason: Text | None = None
    quotes: list[QuoteView] = field(default_factory=list)


@dataclass
class Value:
    text: Text
    href: str | None = None
    title: str = ""              # the compact IRI (a tooltip) or the datatype
    nested: list = field(default_factory=list)   # rows of a blank node
    quote: QuoteView | None = None
    status: Status | None = None
    sort: str = ""


@dataclass
class Row:
    label: Text
    curie: str
    href: str | None
    values: list[Value]
    note: Text | None = None


@dataclass
class Group:
    key: str
    title: Text
    rows: list[Row]


@dataclass
class FigureView:
    text: Text
    exact: str
    reported: Text | None
    unit: Value | None
    qualifier: Value | None
    period: Value | None
    area: Value | None
    indicator: Value | None


@dataclass
class ResourceView:
    iri: str
    curie: str
    anchor: str
    title: Text
    types: list[Value]
    kinds: list[Value]          # its most specific types, for its heading
    definition: Text | None
    groups: list[Group]
    figure: FigureView | None = None
    quote: QuoteView | None = None
    status: Status | None = None


@dataclass
class ObservationRow:
    href: str | None
    subject: Value            # the place (indicator page) or the indicator (place page)
    period: Value
    period_sort: str
    figure: Text
    value_sort: str
    reported: Text | None
    qualifier: Value | None


@dataclass
class ObservationTable:
    by: str                   # "area": the observations of a place; "indicator": of an indicator
    rows: list[ObservationRow]
    total: int
    charts: list[Chart]

    @property
    def truncated(self) -> bool:
        return self.total > len(self.rows)


@dataclass
class PageView:
    iri: str
    path: str
    title: Text
    resources: list[ResourceView]
    sections: list[Group]      # links to it that a place's page names (programs, designations, divisions)
    incoming: list[Group]      # every other link to it
    observations: ObservationTable | None
    graph: dict | None
    describe: str
    kind: str                  # "place", "indicator", "observation", "quote" or "resource"
    statuses: bool = False     # some relation or resource on the page is recorded as stated or inferred


class Views:
    """Builds pages' views with ``linker`` (links relative to the page) from ``reader``'s data;
    ``articles`` maps a source text's IRI to the site path of its article view."""

    def __init__(self, reader: Reader, linker: Linker, articles: dict[str, str], names: dict | None = None):
        self.reader, self.linker, self.articles = reader, linker, articles
        # An IRI's name is the same on every page (labels are the store's): kept across pages.
        self.names: dict[str, Text] = {} if names is None else names

    # -- terms ----------------------------------------------------------------------------

    def name(self, document: Document, iri: str) -> Text:
        found = self.names.get(iri)
        if found is None:
            found = self.names[iri] = Text.of(document.labels.get(iri), compact(iri))
        return found

    def link(self, document: Document, iri: str) -> Value:
        return Value(self.name(document, iri), self.linker.iri(iri), compact(iri), sort=iri)

    def property_name(self, document: Document, iri: str) -> Text:
        if document.labels.get(iri):
            return self.name(document, iri)
        return PROPERTY_NAMES.get(iri) or Text.plain(compact(iri))

    def quote_view(self, quote: Quote) -> QuoteView:
        article = self.articles.get(quote.source)
        in_article = (self.linker.page(article, f"q-{quote.start}-{quote.end}")
                      if article and quote.start is not None else None)
        return QuoteView(quote.iri, quote.exact, quote.lang, self.linker.iri(quote.iri), in_article,
                         quote.start, quote.end)

    def literal(self, term: ox.Literal) -> Value:
        lang = term.language and _registered(term.language)
        datatype = term.datatype.value if term.datatype else ""
        title = "" if lang or datatype.endswith("#string") else compact(datatype)
        return Value(Text.plain(term.value, lang or ""), title=title, sort=term.value)

    # -- a resource -----------------------------------------------------------------------

    def resource(self, document: Document, iri: str, by_subject: dict, depth: int = 0) -> ResourceView:
        triples = by_subject.get(iri, [])
        types = [self.link(document, t.object.value) for t in triples
                 if t.predicate.value == _TYPE and isinstance(t.object, ox.NamedNode)]
        definitions = {_registered(t.object.language): t.object.value for t in triples
                       if t.predicate.value == _DEFINITION and isinstance(t.object, ox.Literal)}
        kinds = [t for t in types if not any(t.sort != other.sort and t.sort in self.reader.supers(other.sort)
                                             for other in types)]
        view = ResourceView(iri, compact(iri), fragment_of(iri) or "top", self.name(document, iri), types, kinds,
                            Text.of(definitions) if definitions else None,
                            self.groups(document, iri, triples, by_subject))
        view.status = self.resource_status(triples, document)
        if iri in document.quotes:
            view.quote = self.quote_view(document.quotes[iri])
        for observation in document.observations:
            if observation.iri == iri:
                view.figure = self.figure(document, observation)
        return view

    def groups(self, document: Document, iri: str, triples: list[ox.Triple], by_subject: dict,
               depth: int = 0) -> list[Group]:
        by_property: dict[str, list[ox.Triple]] = defaultdict(list)
        for triple in triples:
            if depth == 0 and triple.predicate.value in HEADING_PROPERTIES:
                continue
            by_property[triple.predicate.value].append(triple)
        found: dict[str, list[Row]] = defaultdict(list)
        for predicate in sorted(by_property, key=lambda p: (self.property_name(document, p).get("en").lower(), p)):
            values = by_property[predicate]
            row = Row(self.property_name(document, predicate), compact(predicate), self.linker.iri(predicate),
                      self.values(document, iri, predicate, values, by_subject, depth))
            found[self._group_of(predicate, values)].append(row)
        return [Group(key, ui(key), found[key]) for key, _members in GROUPS if found.get(key)]

    @staticmethod
    def _group_of(predicate: str, triples: list[ox.Triple]) -> str:
        for key, members in GROUPS:
            if members is not None and predicate in members:
                return key
        return "other" if all(isinstance(t.object, ox.Literal) for t in triples) else "relations"

    def values(self, document: Document, subject: str, predicate: str, triples: list[ox.Triple],
               by_subject: dict, depth: int) -> list[Value]:
        literals = [t.object for t in triples if isinstance(t.object, ox.Literal)]
        languages = [_registered(l.language) if l.language else "" for l in literals]
        values: list[Value] = []
        if len(literals) >= 2 and len(set(languages)) == len(literals) and all(languages):
            # one text in several languages: shown in the reader's language
            values.append(Value(Text.of(dict(zip(languages, (l.value for l in literals)))),
                                sort=literals[0].value))
            literals = []
        for term in (t.object for t in triples):
            if isinstance(term, ox.Literal):
                if term in literals:
                    values.append(self.literal(term))
            elif isinstance(term, ox.NamedNode):
                value = self.link(document, term.value)
                if term.value in document.quotes and predicate in _QUOTING:
                    value.quote = self.quote_view(document.quotes[term.value])
                value.status = self.status(document, subject, predicate, term.value)
                values.append(value)
            elif isinstance(term, ox.BlankNode):
                nested = by_subject.get(f"_:{term.value}", [])
                rows = [row for group in self.groups(document, f"_:{term.value}", nested, by_subject, depth + 1)
                        for row in group.rows] if depth < 4 else []
                # ordered by what they hold: a blank node's label differs from load to load
                values.append(Value(Text.plain(""), nested=rows,
                                    sort="~" + content_signature(term.value, _by_label(by_subject))))
        values.sort(key=lambda v: (v.sort.startswith("~"), v.sort))
        return values

    def status(self, document: Document, subject: str, predicate: str, obj: str) -> Status | None:
        record = document.statements.get((subject, predicate, obj))
        if record is None:
            return None
        inferred = record["status"] == _INFERRED
        quotes = [self.quote_view(document.quotes[q]) for q in sorted(record["evidence"]) if q in document.quotes]
        return Status(inferred, Text.of(record["reasons"]) if record["reasons"] else None, quotes)

    def resource_status(self, triples: list[ox.Triple], document: Document) -> Status | None:
        status = [t.object.value for t in triples if t.predicate.value == _ASSERTION_STATUS]
        if _INFERRED not in status:
            return None
        reasons = {_registered(t.object.language): t.object.value for t in triples
                   if t.predicate.value == _INFERENCE_REASON and isinstance(t.object, ox.Literal)}
        return Status(True, Text.of(reasons) if reasons else None)

    # -- figures --------------------------------------------------------------------------

    def figure_text(self, document: Document, observation: Observation) -> Text:
        if observation.value is None:
            return Text.plain(observation.reported, observation.reported_lang)
        unit_labels = document.labels.get(observation.unit or "", {})
        figure = Figure.of(observation.value, observation.unit, observation.qualifier, unit_labels)
        return Text(tuple(((lang,), lang, figure.text[lang]) for lang in LANGUAGES))

    def figure(self, document: Document, observation: Observation) -> FigureView:
        exact = ""
        if observation.value is not None:
            exact = Figure.of(observation.value, observation.unit, observation.qualifier).exact
        optional = (lambda iri: self.link(document, iri) if iri else None)
        return FigureView(self.figure_text(document, observation), exact,
                          Text.plain(observation.reported, observation.reported_lang) if observation.reported else None,
                          optional(observation.unit), optional(observation.qualifier), optional(observation.period),
                          optional(observation.area), optional(observation.indicator))

    def observation_table(self, document: Document) -> ObservationTable | None:
        if not document.observations_by:
            return None
        by = document.observations_by
        rows = []
        for observation in document.observations:
            subject_iri = observation.indicator if by == "area" else observation.area
            period = document.periods.get(observation.period or "")
            rows.append(ObservationRow(
                self.linker.iri(observation.iri),
                self.link(document, subject_iri) if subject_iri else Value(Text.plain("")),
                self.link(document, observation.period) if observation.period else Value(Text.plain("")),
                (period.begin + "/" + period.end) if period else (observation.period or ""),
                self.figure_text(document, observation),
                _sortable(observation.value),
                Text.plain(observation.reported, observation.reported_lang) if observation.reported else None,
                self.link(document, observation.qualifier) if observation.qualifier else None))
        return ObservationTable(by, rows, document.observations_total, self.charts(document))

    def charts(self, document: Document) -> list[Chart]:
        period_names = {p: self.name(document, p) for p in document.periods}
        if document.observations_by == "indicator":
            names = {o.area: self.name(document, o.area) for o in document.observations if o.area}
            chart = line_chart(document.observations, document.periods, series_of="area",
                               title=self.name(document, document.resources[0]), names=names,
                               period_names=period_names, note=self._chart_note(document, document.observations))
            return [chart] if chart else []
        charts = []
        by_indicator: dict[str, list[Observation]] = defaultdict(list)
        for observation in document.observations:
            by_indicator[observation.indicator or ""].append(observation)
        for indicator, found in sorted(by_indicator.items()):
            chart = line_chart(found, document.periods, series_of="area", title=self.name(document, indicator),
                               names={document.resources[0]: self.name(document, document.resources[0])},
                               period_names=period_names, note=self._chart_note(document, found))
            if chart:
                charts.append(chart)
        return charts

    def _chart_note(self, document: Document, observations: list[Observation]) -> Text | None:
        units = {o.unit for o in observations if o.value is not None}
        if len(units) > 1:
            from collections import Counter

            unit = Counter(o.unit for o in observations if o.value is not None).most_common(1)[0][0]
            name = self.name(document, unit or "")
            return ui_per_language("chart_note_unit", {"unit": {lang: name.get(lang) for lang in LANGUAGES}})
        return None

    # -- the page -------------------------------------------------------------------------

    def page(self, document: Document, path: str) -> PageView:
        by_subject: dict[str, list[ox.Triple]] = defaultdict(list)
        for triple in document.triples:
            key = triple.subject.value if isinstance(triple.subject, ox.NamedNode) else f"_:{triple.subject.value}"
            by_subject[key].append(triple)
        resources = [self.resource(document, iri, by_subject) for iri in document.resources]
        main = document.resources[0]
        types = document.types.get(main, [])
        kind = ("observation" if self.reader.is_a(types, QB.Observation) else
                "place" if self.reader.is_a(types, CKG.Place) else
                "indicator" if self.reader.is_a(types, CKG.Indicator) else
                "quote" if S(CKG.Quote) in types else "resource")
        incoming = self.incoming(document, kind)
        sections = [g for g in incoming if g.key != "incoming"]
        others = [g for g in incoming if g.key == "incoming"]
        statuses = bool(document.statements) or any(r.status for r in resources)
        return PageView(document.iri, path, resources[0].title, resources, sections, others,
                        self.observation_table(document), self.graph(document), describe_query(document), kind,
                        statuses)

    def incoming(self, document: Document, kind: str) -> list[Group]:
        groups: dict[str, list[Row]] = defaultdict(list)
        for resource in document.resources:
            for predicate, (count, subjects) in document.incoming.get(resource, {}).items():
                values = sorted((self.link(document, s) for s in subjects),
                                key=lambda v: (v.text.get("en").lower(), v.sort))
                for value in values:
                    value.status = self.status(document, value.sort, predicate, resource)
                note = ui("more_than_shown", shown=len(values), total=count) if count > len(values) else None
                row = Row(self.property_name(document, predicate), compact(predicate), self.linker.iri(predicate),
                          values, note)
                key = PLACE_INCOMING.get(predicate, "incoming") if kind == "place" else "incoming"
                groups[key].append(row)
        order = ["programs_here", "designations", "children", "incoming"]
        return [Group(key, ui(key), sorted(groups[key], key=lambda r: (r.label.get("en").lower(), r.curie)))
                for key in order if groups.get(key)]

    def graph(self, document: Document) -> dict | None:
        """The neighbourhood graph's data for the page's script: nodes and edges as `kg viz`
        draws them (colours by class, the same vis-network options)."""
        from kg.explore.viz import class_colour, short_label

        neighbours = self.reader.neighbours(document)
        if len(neighbours) < 3:  # one link is read more easily in the page's own list
            return None
        centre = neighbours[0]
        nodes = []
        for iri in neighbours:
            cls = self._most_specific(document.types.get(iri, []))
            name = self.name(document, iri)
            nodes.append({"id": iri, "label": {lang: short_label(name.get(lang), lang) for lang in LANGUAGES},
                          "title": name.data(), "color": class_colour(compact(cls) if cls else ""),
                          "size": 26 if iri == centre else 14, "href": self.linker.iri(iri) or "",
                          "shape": "dot"})
        edges = [{"from": a, "to": b, "label": self.property_name(document, p).data(), "id": f"e{n}"}
                 for n, (a, p, b) in enumerate(document.neighbour_edges)]
        if not edges:
            return None
        return {"nodes": nodes, "edges": edges, "options": _options(len(nodes), len(edges)), "centre": centre}

    def _most_specific(self, types: list[str]) -> str | None:
        specific = [t for t in types if not any(t != other and t in self.reader.supers(other) for other in types)]
        own = [t for t in specific if t.startswith(str(CKG))]
        return sorted(own or specific)[0] if (own or specific) else None


@lru_cache(maxsize=64)
def _options_for(nodes: int) -> dict:
    from kg.explore.viz import vis_options

    return vis_options(nodes, 0)


def _options(nodes: int, edges: int) -> dict:
    """`kg viz`'s vis-network options for a graph this size (they depend on the node count
    only; kept per count, and never changed)."""
    return _options_for(nodes)


def _by_label(by_subject: dict[str, list[ox.Triple]]) -> dict[str, list[ox.Triple]]:
    return {key[2:]: triples for key, triples in by_subject.items() if key.startswith("_:")}


def describe_query(document: Document) -> str:
    """The SPARQL query whose answer is the page's data (with the labels of what it links to)."""
    if len(document.resources) == 1:
        return f"DESCRIBE <{document.resources[0]}>"
    return f"DESCRIBE {' '.join(f'<{r}>' for r in document.resources)}"


def _registered(tag: str | None) -> str:
    return registered_tag(tag) if tag else ""


def _sortable(value) -> str:
    return "" if value is None else format(value.normalize(), "f")
