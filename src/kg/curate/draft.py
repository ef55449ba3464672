"""The Turtle a review becomes: each row in the project's model (docs/model.md), with its quote.

- a **figure** is a ckg:Observation in the source's data set (``ds:<key>``): its indicator
  (the row's ``indicator_iri``, or a new ckg:Indicator named by ``indicator`` and
  ``label_en``, in ``ind:scheme``, with the row's ``theme``), ``place``, ``period``, value in
  base units, unit, qualifier and the figure as written (``ckg:reportedValue``, in the
  document's script);
- a **recognition** is a resource of its class with recipient, period, level, issuer (an
  IRI), and rank and scope for a ranking;
- a **name** already in the graph (``link`` known) gets the quote as one more
  ``ckg:evidence``; a new one becomes a resource of the row's class, labelled in both
  scripts (OpenCC) and in English (``label_en``, required), with its place (a facility's
  ``schema:containedInPlace`` and type, an organization's ``ckg:jurisdiction``, a program's
  ``ckg:location``), theme and responsible body where the class asks for them;
- every row's quote is a ckg:Quote in the source's quote namespace, with its selectors;
- the periods the rows name that the graph lacks are defined, with their instants;
- every cited relation a row writes (a recognition's recipient, period, level, issuer and
  scope; a new name's place and responsible body) is stated or inferred
  (:mod:`kg.curate.support`): stated by the row's quote, or by the sentence around it,
  recorded as an ``rdf:Statement`` citing the sentence, or recorded as inferred with the
  reason (docs/model.md, "Stated and inferred").

Rows that cannot become Turtle (an unknown unit, a new resource without an English label)
are :class:`Problem`\\ s naming the row and the column, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, TIME, XSD

from kg.curate.extract import slug
from kg.curate.lexicon import curated_graph_for
from kg.curate.review import Row
from kg.curate.support import RELATIONS, Assessor, Support, describe
from kg.curate.timex import period_from_slug
from kg.errors import KgError
from kg.link.periods import PeriodSpec
from kg.link.values import decimal_lexical
from kg.validate.lexical import UNREPRESENTABLE, fault
from kg.namespaces import (CKG, IND, INSTANT, OA, OBS, PERIOD, PREFIXES, QB, RES, SCHEMA, SDMX_ATTRIBUTE,
                           SDMX_DIMENSION, SDMX_MEASURE, STMT, bind_prefixes)
from kg.sources.clean import PREFIX_SUFFIX_LENGTH, Source, convert, other_language, to_traditional

QUALIFIERS = ("Exact", "LowerBound", "UpperBound", "Approximate")
RECOGNITION_CLASSES = {str(CKG[c]) for c in ("Designation", "Award", "Ranking", "Acceptance", "PilotSelection")}
NAME_KINDS = ("place", "organization", "facility", "policy", "program", "indicator")


@dataclass(frozen=True)
class Problem:
    row: Row
    column: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.row.line}, " if self.row.line else ""
        return f"{where}row {self.row.id}, {self.column}: {self.message}"


@dataclass
class Draft:
    """The draft graph, the problems of the rows left out, and which row made each node."""

    graph: Graph
    problems: list[Problem] = field(default_factory=list)
    rows_of: dict[URIRef, str] = field(default_factory=dict)
    #: row id -> the review's ``assertion`` cell: each cited relation the row writes, stated or inferred
    assertions: dict[str, str] = field(default_factory=dict)
    #: what the rows say that the facts do not check: an edited value its reported figure contradicts
    warnings: list[str] = field(default_factory=list)


class _RowError(Exception):
    def __init__(self, column: str, message: str):
        self.column, self.message = column, message


def expand(text: str, column: str) -> URIRef:
    """``place:530681`` or a full IRI -> URIRef; a _RowError for anything else."""
    text = (text or "").strip()
    if re.match(r"^https?://\S+$", text):
        return URIRef(text)
    match = re.fullmatch(r"([a-z][a-z0-9-]*):([A-Za-z0-9_][A-Za-z0-9_.-]*)", text)
    if match and match.group(1) in PREFIXES and match.group(1) != "q":
        return URIRef(str(PREFIXES[match.group(1)]) + match.group(2))
    raise _RowError(column, f"{text!r} is not an IRI (prefix:name such as place:530681, or http...)" if text
                    else "empty: an IRI is needed")


class Drafter:
    """Builds the draft of one source's rows against the curated graph."""

    def __init__(self, source: Source, graph: Graph | None = None):
        self.source = source
        self.known = curated_graph_for(source) if graph is None else graph
        self.graph = bind_prefixes(Graph())
        self.graph.bind("q", source.quotes, override=True, replace=True)
        self.draft = Draft(self.graph)
        self.obs_names: dict[str, int] = {}
        self.subjects: list[tuple[URIRef, Row]] = []  # rows whose relations are recorded once all are drafted
        self._assessor: Assessor | None = None
        self.row_spans: dict[URIRef, list[tuple[int, int]]] = {}  # the names the rows propose, drafted or not
        self.row_names: dict[URIRef, str] = {}

    # -- helpers ---------------------------------------------------------------------------

    def labels(self, node: URIRef) -> dict[str, str]:
        """zh-Hans, zh-Hant and en labels of a resource of the graph, the draft, the ontology
        (the administrative levels) or the gazetteer."""
        found = {}
        for graph in (self.graph, self.known, ontology_graph()):
            for label in graph.objects(node, RDFS.label):
                if getattr(label, "language", None) in ("zh-Hans", "zh-Hant", "en"):
                    found.setdefault(label.language, str(label))
        if len(found) < 3 and str(node).startswith(str(PREFIXES["place"])):
            from kg.link.gazetteer import labels_for, load_gazetteer

            division = load_gazetteer().get(str(node).rsplit("/", 1)[-1])
            if division is not None:
                for language, label in labels_for(division).items():
                    found.setdefault(language, label)
        return found

    def exists(self, node: URIRef) -> bool:
        return (node, RDF.type, None) in self.known or (node, RDF.type, None) in self.graph or bool(
            str(node).startswith(str(PREFIXES["place"])) and self.labels(node))

    def add_labels(self, node: URIRef, zh: str, en: str) -> None:
        language = self.source.language
        self.graph.add((node, RDFS.label, Literal(zh, lang=language)))
        self.graph.add((node, RDFS.label, Literal(convert(zh, other_language(language)), lang=other_language(language))))
        self.graph.add((node, RDFS.label, Literal(en, lang="en")))

    @property
    def text(self) -> str:
        if not hasattr(self, "_text"):
            self._text = self.source.text_path.read_text(encoding="utf-8")
        return self._text

    def quote(self, row: Row) -> URIRef:
        return self.quote_at(int(row["start"]), int(row["end"]))

    def quote_at(self, start: int, end: int) -> URIRef:
        """The ckg:Quote of ``start``-``end`` of the source's cleaned text, with its selectors."""
        text = self.text
        iri = self.source.quotes[f"{start}-{end}"]
        text_selector, position = URIRef(f"{iri}-text"), URIRef(f"{iri}-position")
        lang = self.source.language
        g = self.graph
        g.add((iri, RDF.type, CKG.Quote))
        g.add((iri, OA.hasSource, self.source.text_iri))
        g.add((iri, OA.hasSelector, text_selector))
        g.add((iri, OA.hasSelector, position))
        g.add((text_selector, RDF.type, OA.TextQuoteSelector))
        g.add((text_selector, OA.exact, Literal(text[start:end], lang=lang)))
        prefix = text[max(0, start - PREFIX_SUFFIX_LENGTH):start]
        suffix = text[end:end + PREFIX_SUFFIX_LENGTH]
        if prefix:
            g.add((text_selector, OA.prefix, Literal(prefix, lang=lang)))
        if suffix:
            g.add((text_selector, OA.suffix, Literal(suffix, lang=lang)))
        g.add((position, RDF.type, OA.TextPositionSelector))
        g.add((position, OA.start, Literal(start, datatype=XSD.integer)))
        g.add((position, OA.end, Literal(end, datatype=XSD.integer)))
        return iri

    def period(self, row: Row, column: str = "period") -> URIRef:
        try:
            spec = period_from_slug(row[column])
        except KgError as exc:
            raise _RowError(column, str(exc)) from None
        iri = PERIOD[spec.slug]
        if not self.exists(iri):
            self.define_period(iri, spec)
        return iri

    def define_period(self, iri: URIRef, spec: PeriodSpec) -> None:
        g = self.graph
        g.add((iri, RDF.type, CKG.Period))
        g.add((iri, RDF.type, TIME.Interval if spec.instant else TIME.ProperInterval))
        g.add((iri, RDFS.label, Literal(to_traditional(spec.label_zh), lang="zh-Hant")))
        g.add((iri, RDFS.label, Literal(spec.label_zh, lang="zh-Hans")))
        g.add((iri, RDFS.label, Literal(spec.label_en, lang="en")))
        g.add((iri, RDFS.comment, Literal(spec.comment, lang="en")))
        for prop, day in ((TIME.hasBeginning, spec.begin), (TIME.hasEnd, spec.end)):
            instant = INSTANT[day]
            g.add((iri, prop, instant))
            g.add((instant, RDF.type, TIME.Instant))
            g.add((instant, TIME.inXSDDate, Literal(day, datatype=XSD.date)))

    def required(self, row: Row, column: str, why: str) -> str:
        value = row[column].strip()
        if not value:
            raise _RowError(column, f"empty: {why}")
        return value

    def check_reported(self, row: Row, value: Decimal) -> None:
        """Warn (:attr:`Draft.warnings`) when a figure row's value is not what its ``text`` (the
        figure as the quote writes it, kept as ``ckg:reportedValue``) reads as, by the reader
        kg extract used (kg.curate.numbers.find_figures): the value was edited after
        extraction, and the facts would record one number beside a quote saying another. A
        text that does not read as exactly one figure is not compared."""
        from kg.curate.numbers import find_figures

        figures, _skipped = find_figures(row["text"])
        if len(figures) == 1 and figures[0].value != value:
            self.draft.warnings.append(
                f"row {row.id}: value {row['value'].strip()} is not what the reported figure {row['text']!r} reads as "
                f"({decimal_lexical(figures[0].value)}); the facts record {decimal_lexical(value)} beside that quote")

    def iri_of(self, row: Row, default_namespace: str) -> URIRef:
        if row["iri"]:
            return expand(row["iri"], "iri")
        return URIRef(str(PREFIXES[default_namespace]) + slug(row["label_zh"] or row["text"]))

    # -- rows ------------------------------------------------------------------------------

    def figure(self, row: Row) -> None:
        g = self.graph
        place = expand(row["place"], "place")
        if not self.exists(place):
            raise _RowError("place", f"{row['place']} is not a place of the graph or the gazetteer")
        period = self.period(row)
        written = self.required(row, "value", "the value in base units")
        try:
            value = Decimal(written)
        except InvalidOperation:
            raise _RowError("value", f"{row['value']!r} is not a number") from None
        if not value.is_finite():  # Decimal reads NaN and Infinity, which no xsd:decimal is
            raise _RowError("value", f"{row['value']!r} is not a finite number")
        # Decimal also reads 5.8e8, " 12" and full-width digits: the cell must be an xsd:decimal
        # the store computes with (the rule kg validate applies to the data), not rewritten silently
        reason = fault(written, str(XSD.decimal))
        if reason is not None:
            raise _RowError("value", f"{written!r} is no xsd:decimal value in base units: {reason}"
                                     + ("" if reason.startswith(UNREPRESENTABLE) else f" (write {decimal_lexical(value)})"))
        self.check_reported(row, value)
        unit = expand(row["unit"], "unit")
        if (unit, RDF.type, None) not in self.known:
            raise _RowError("unit", f"{row['unit']} is not a unit of the graph (data/core/units.ttl, data/linking/units.ttl)")
        qualifier = self.required(row, "qualifier", "Exact, LowerBound, UpperBound or Approximate")
        if qualifier not in QUALIFIERS:
            raise _RowError("qualifier", f"{qualifier!r} is not one of {', '.join(QUALIFIERS)}")
        quote = self.quote(row)
        indicator = self.indicator(row, quote)
        indicator_labels = self.labels(indicator)
        place_labels, period_labels = self.labels(place), self.labels(period)
        name = f"{self.source.key}-{indicator.rsplit('/', 1)[-1]}-{period.rsplit('/', 1)[-1].lower()}"
        self.obs_names[name] = self.obs_names.get(name, 0) + 1
        observation = OBS[name if self.obs_names[name] == 1 else f"{name}-{self.obs_names[name]}"]
        self.draft.rows_of[observation] = row.id
        g.add((observation, RDF.type, CKG.Observation))
        g.add((observation, RDF.type, QB.Observation))
        for language in ("zh-Hant", "zh-Hans"):
            g.add((observation, RDFS.label, Literal(
                f"{place_labels.get(language, '')}{period_labels.get(language, '')}{indicator_labels.get(language, '')}",
                lang=language)))
        g.add((observation, RDFS.label, Literal(
            f"{place_labels.get('en', '')}, {period_labels.get('en', '')}: {indicator_labels.get('en', '')}", lang="en")))
        g.add((observation, QB.dataSet, self.source.dataset))
        g.add((observation, CKG.indicator, indicator))
        g.add((observation, SDMX_DIMENSION.refArea, place))
        g.add((observation, SDMX_DIMENSION.refPeriod, period))
        g.add((observation, SDMX_MEASURE.obsValue, Literal(decimal_lexical(value), datatype=XSD.decimal)))
        g.add((observation, SDMX_ATTRIBUTE.unitMeasure, unit))
        g.add((observation, CKG.valueQualifier, CKG[qualifier]))
        g.add((observation, CKG.reportedValue, Literal(row["text"], lang=self.source.language)))
        g.add((observation, CKG.evidence, quote))

    def indicator(self, row: Row, quote: URIRef) -> URIRef:
        if row["indicator_iri"]:
            indicator = expand(row["indicator_iri"], "indicator_iri")
            if (indicator, RDF.type, CKG.Indicator) in self.known:
                return indicator
        else:
            indicator = IND[slug(self.required(row, "indicator", "what the figure measures"))]
            if (indicator, RDF.type, CKG.Indicator) in self.known:
                return indicator
        name = self.required(row, "indicator", "the new indicator's name")
        english = self.required(row, "label_en", f"the English name of the new indicator {name}")
        theme = expand(self.required(row, "theme", "the new indicator's theme (theme:economy ...)"), "theme")
        g = self.graph
        g.add((indicator, RDF.type, CKG.Indicator))
        g.add((indicator, RDF.type, SKOS.Concept))
        g.add((indicator, SKOS.inScheme, IND.scheme))
        if not list(g.objects(indicator, RDFS.label)):
            self.add_labels(indicator, name, english)
        g.add((indicator, CKG.theme, theme))
        g.add((indicator, CKG.evidence, quote))
        self.draft.rows_of.setdefault(indicator, row.id)
        return indicator

    def recognition(self, row: Row) -> None:
        g = self.graph
        cls = expand(row["class"], "class")
        if str(cls) not in RECOGNITION_CLASSES:
            raise _RowError("class", f"{row['class']} is not a recognition class (ckg:Designation, ckg:Award, "
                                     f"ckg:Ranking, ckg:Acceptance, ckg:PilotSelection)")
        node = self.iri_of(row, "res")
        if row["iri"] == "":
            node = RES[f"{self.source.key}-{slug(row['label_zh'] or row['text'])}"]
        recipient = expand(self.required(row, "recipient", "who or what received it"), "recipient")
        level = expand(self.required(row, "level", "ckg:NationalLevel, ckg:ProvincialLevel, ckg:PrefecturalLevel "
                                                  "or ckg:CountyLevel"), "level")
        english = self.required(row, "label_en", "the recognition's English name")
        period = self.period(row)
        quote = self.quote(row)
        g.add((node, RDF.type, cls))
        self.add_labels(node, self.required(row, "label_zh", "the recognition's name"), english)
        g.add((node, CKG.recipient, recipient))
        g.add((node, CKG.period, period))
        g.add((node, CKG.recognitionLevel, level))
        if row["issuer"]:
            g.add((node, CKG.issuedBy, expand(row["issuer"], "issuer")))
        if cls == CKG.Ranking:
            rank = self.required(row, "rank", "a ranking's rank (1 = first)")
            if not rank.isdigit() or int(rank) < 1:
                raise _RowError("rank", f"{rank!r} is not a rank (1, 2, ...)")
            g.add((node, CKG.rank, Literal(int(rank), datatype=XSD.positiveInteger)))
            g.add((node, CKG.rankScope, expand(self.required(row, "scope", "the place ranked over"), "scope")))
        if row["theme"]:
            g.add((node, CKG.theme, expand(row["theme"], "theme")))
        g.add((node, CKG.evidence, quote))
        self.draft.rows_of[node] = row.id
        self.subjects.append((node, row))

    def name(self, row: Row) -> None:
        g = self.graph
        if row["link"] == "known":
            node = expand(row["iri"], "iri")
            g.add((node, CKG.evidence, self.quote(row)))
            self.draft.rows_of.setdefault(node, row.id)
            return
        cls = expand(self.required(row, "class", "the new resource's class"), "class")
        node = self.iri_of(row, {"place": "place", "facility": "fac", "organization": "agent", "policy": "pol",
                                 "program": "prog", "indicator": "ind"}[row["kind"]])
        english = self.required(row, "label_en", f"the English name of the new {row['kind']} {row['label_zh']}")
        quote = self.quote(row)
        g.add((node, RDF.type, cls))
        if row["kind"] == "indicator":
            g.add((node, RDF.type, SKOS.Concept))
            g.add((node, SKOS.inScheme, IND.scheme))
        self.add_labels(node, self.required(row, "label_zh", "the name"), english)
        g.add((node, CKG.evidence, quote))
        place = expand(row["place"], "place") if row["place"] else None
        if row["kind"] == "facility":
            g.add((node, CKG.facilityType, expand(self.required(row, "facility_type", "the facility's type (ftype:...)"),
                                                  "facility_type")))
            g.add((node, SCHEMA.containedInPlace, expand(self.required(row, "place", "the place it is in"), "place")))
        elif row["kind"] == "organization" and place is not None:
            g.add((node, CKG.jurisdiction, place))
        elif row["kind"] == "place" and place is not None:
            g.add((node, SCHEMA.containedInPlace, place))
        elif row["kind"] in ("policy", "program", "indicator"):
            g.add((node, CKG.theme, expand(self.required(row, "theme", "its theme (theme:...)"), "theme")))
            if row["issuer"]:
                g.add((node, CKG.responsibleOrganization, expand(row["issuer"], "issuer")))
            if row["kind"] == "program" and place is not None:
                g.add((node, CKG.location, place))
        self.draft.rows_of[node] = row.id
        self.subjects.append((node, row))

    # -- stated or inferred ----------------------------------------------------------------

    def assessor(self) -> Assessor:
        if self._assessor is None:
            from kg.curate.extract import published_date
            from kg.curate.timex import find_periods

            published = published_date(self.source)
            self._assessor = Assessor(
                self.text, self.names_of, self.spans_of,
                lambda node: (self.labels(node).get("en") or self.row_names.get(node)
                              or _kebab(_local(node)).replace("-", " ")),
                self.source.place or "", published,
                lambda sentence: [(p.text, p.period.slug) for p in find_periods(sentence, published) if p.period])
        return self._assessor

    def names_of(self, node: URIRef) -> set[str]:
        """The names of ``node`` in the source's language (labels, alternative labels; a
        division's gazetteer label), as the check reads them."""
        language = self.source.language
        found = {str(label) for graph in (self.graph, self.known, ontology_graph()) for prop in (RDFS.label, SKOS.altLabel)
                 for label in graph.objects(node, prop) if getattr(label, "language", None) == language}
        if str(node).startswith(str(PREFIXES["place"])) and language in self.labels(node):
            found.add(self.labels(node)[language])
        return found

    def spans_of(self, node: URIRef) -> list[tuple[int, int]]:
        """``node``'s evidence quotes in the source's text, as (start, end)."""
        spans = list(self.row_spans.get(node, ()))
        for graph in (self.graph, self.known):
            for quote in graph.objects(node, CKG.evidence):
                local = str(quote)[len(str(self.source.quotes)):] if str(quote).startswith(str(self.source.quotes)) else ""
                match = re.fullmatch(r"(\d+)-(\d+)", local)
                if match:
                    spans.append((int(match.group(1)), int(match.group(2))))
        return spans

    def supports(self, row: Row) -> list[Support]:
        """The cited relations ``row`` writes, each stated or inferred (:mod:`kg.curate.support`);
        cells that are not IRIs are left to the drafting to report."""
        kind = row["kind"]
        if kind != "recognition" and (kind not in RELATIONS or row["link"] == "known"):
            return []
        issuer = None
        if row["issuer"]:
            try:
                issuer = expand(row["issuer"], "issuer")
            except _RowError:
                pass
        found = []
        start, end = int(row["start"]), int(row["end"])
        for column, prop, _role in RELATIONS[kind]:
            if not row[column] or (column == "scope" and expand_or_none(row["class"]) != CKG.Ranking):
                continue
            if column == "period":
                try:
                    obj = PERIOD[period_from_slug(row[column]).slug]
                except KgError:
                    continue
            else:
                obj = expand_or_none(row[column])
                if obj is None:
                    continue
            scope = expand_or_none(row["scope"]) if row["scope"] and prop == CKG.recognitionLevel else None
            found.append(self.assessor().judge(kind, column, prop, obj, start, end,
                                               issuer if prop == CKG.recognitionLevel else None, scope))
        return found

    def record(self, subject: URIRef, row: Row) -> None:
        """Record the relations of ``row``'s resource that its quote does not state."""
        g = self.graph
        for support in self.supports(row):
            if support.stated and support.evidence is None:
                continue
            statement = STMT[f"{_local(subject)}--{_kebab(_local(support.prop))}--{_kebab(_local(support.obj))}"]
            g.add((statement, RDF.type, RDF.Statement))
            g.add((statement, RDF.subject, subject))
            g.add((statement, RDF.predicate, support.prop))
            g.add((statement, RDF.object, support.obj))
            if support.stated:
                g.add((statement, CKG.assertionStatus, CKG.Stated))
                g.add((statement, CKG.evidence, self.quote_at(*support.evidence)))
            else:
                g.add((statement, CKG.assertionStatus, CKG.Inferred))
                g.add((statement, CKG.inferenceReason, Literal(support.reason[0].upper() + support.reason[1:] + ".",
                                                               lang="en")))
                g.add((statement, CKG.inferredFrom, self.quote(row)))
            self.draft.rows_of.setdefault(statement, row.id)

    def add(self, row: Row) -> None:
        before = set(self.graph)
        try:
            if row["kind"] == "figure":
                self.figure(row)
            elif row["kind"] == "recognition":
                self.recognition(row)
            elif row["kind"] in NAME_KINDS:
                self.name(row)
            else:
                raise _RowError("kind", f"unknown kind {row['kind']!r}")
        except _RowError as exc:
            for triple in set(self.graph) - before:
                self.graph.remove(triple)
            self.draft.problems.append(Problem(row, exc.column, exc.message))


def draft(source: Source, rows: list[Row], graph: Graph | None = None) -> Draft:
    """The draft of ``rows`` (all of them: the caller chooses which), against ``graph``
    (default: the project's curated graph without the source's own ``facts.ttl``, which the
    draft replaces: :func:`kg.curate.lexicon.curated_graph_for`)."""
    drafter = Drafter(source, graph)
    for row in rows:
        node = expand_or_none(row["iri"]) if row["kind"] in NAME_KINDS else None
        if node is not None and row["start"].isdigit() and row["end"].isdigit():
            drafter.row_spans.setdefault(node, []).append((int(row["start"]), int(row["end"])))
            drafter.row_names.setdefault(node, row["label_zh"] or row["text"])
    for row in rows:
        drafter.add(row)
    for subject, row in drafter.subjects:  # after every row: an issuer may be a name drafted later
        drafter.record(subject, row)
    for row in rows:
        drafter.draft.assertions[row.id] = describe(drafter.supports(row))
    return drafter.draft


@cache
def ontology_graph() -> Graph:
    """The ontology (its individuals' labels: ckg:ProvincialLevel is 省級, alternatively 全省)."""
    from kg import paths

    return Graph().parse(paths.ontology_file(), format="turtle")


def expand_or_none(text: str) -> URIRef | None:
    try:
        return expand(text, "")
    except _RowError:
        return None


def _local(iri) -> str:
    return re.split(r"[/#]", str(iri))[-1]


def _kebab(name: str) -> str:
    """``recognitionLevel`` -> ``recognition-level``, ``CN`` -> ``cn`` (statement IRIs, docs/model.md)."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name).lower()


def to_turtle(result: Draft, header: str) -> str:
    """The draft as Turtle, after ``header`` (comment lines), byte-identical for the same rows."""
    body = result.graph.serialize(format="turtle")
    return header + "\n" + body


__all__ = ["Draft", "Problem", "draft", "expand", "to_turtle"]

