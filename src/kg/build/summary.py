"""Counts that tell a reader what the graph holds: entities by class, observations by theme
and period, quotes, and how many relations the sources state and how many curation inferred.

Every count is of distinct resources (or of triples, a set too), as a SPARQL
``COUNT(DISTINCT ...)`` over the data gives it (tests/test_build.py compares them): an
observation whose indicator has two themes is one observation, listed under both themes in the
table by theme and period, which therefore does not add up to the total."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from kg.labels import compact, label
from kg.namespaces import CKG
from kg.words import counted
from kg.store.graph import StoreGraph
from kg.store.oxigraph import store_from_graph
from kg.validate.store import StoreLabels

_BY_THEME_AND_PERIOD = """
PREFIX ckg: <https://w3id.org/county-kg/ontology#>
PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
SELECT ?theme ?period (COUNT(DISTINCT ?obs) AS ?n) WHERE {
  ?obs a ckg:Observation ; sdmx-dimension:refPeriod ?period .
  OPTIONAL { ?obs ckg:indicator/ckg:theme ?t }
  BIND (COALESCE(?t, ckg:NoTheme) AS ?theme)
} GROUP BY ?theme ?period
"""


# Relations of the cited properties (ckg:citedRelation) whose subject is taken from a text, by
# the theme of the subject (an observation's through its indicator, a component's through its
# whole) and by status: inferred when a recorded rdf:Statement says so, stated otherwise (the
# check queries/checks/unsupported-statement-violation.rq holds that a quote then names both
# ends). A relation counts once per theme of its subject, and once in the totals.
#
# STATEMENTS_BY_THEME and STATEMENT_TOTALS define the counts (tests/test_summary.py compares);
# count_statements computes them from _RELATIONS and _SUBJECT_THEMES: Oxigraph evaluates the
# OPTIONAL property path of STATEMENTS_BY_THEME from every node of the graph (0.7 s at a
# national table's million triples), and the same path joined to the few hundred subjects
# takes milliseconds.
_STATEMENTS = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX ckg: <https://w3id.org/county-kg/ontology#>
SELECT %s ?status (COUNT(DISTINCT ?key) AS ?n) WHERE {
  ?p ckg:citedRelation true .
  ?s ?p ?o .
  FILTER EXISTS { ?s ckg:evidence ?quote }
  %s
  BIND (IF(EXISTS { ?recorded rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
                              ckg:assertionStatus ckg:Inferred }, ckg:Inferred, ckg:Stated) AS ?status)
  BIND (CONCAT(STR(?s), " ", STR(?p), " ", STR(?o)) AS ?key)
} GROUP BY %s ?status
"""
_THEME_PATH = "(ckg:indicator|^ckg:hasComponent)*/ckg:theme"
STATEMENTS_BY_THEME = _STATEMENTS % (
    "?theme", f"OPTIONAL {{ ?s {_THEME_PATH} ?t }}\n  BIND (COALESCE(?t, ckg:NoTheme) AS ?theme)",
    "?theme")
STATEMENT_TOTALS = _STATEMENTS % ("", "", "")
_RELATIONS = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX ckg: <https://w3id.org/county-kg/ontology#>
SELECT ?s ?p ?o ?status WHERE {
  ?p ckg:citedRelation true .
  ?s ?p ?o .
  FILTER EXISTS { ?s ckg:evidence ?quote }
  BIND (IF(EXISTS { ?recorded rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
                              ckg:assertionStatus ckg:Inferred }, ckg:Inferred, ckg:Stated) AS ?status)
}
"""
_SUBJECT_THEMES = f"""
PREFIX ckg: <https://w3id.org/county-kg/ontology#>
SELECT DISTINCT ?s ?theme WHERE {{
  ?p ckg:citedRelation true .
  ?s ?p ?o .
  FILTER EXISTS {{ ?s ckg:evidence ?quote }}
  ?s {_THEME_PATH} ?theme .
}}
"""
INFERRED_RESOURCES = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX ckg: <https://w3id.org/county-kg/ontology#>
SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE {
  ?r ckg:assertionStatus ckg:Inferred .
  FILTER NOT EXISTS { ?r a rdf:Statement }
}
"""


@dataclass(frozen=True)
class StatementCounts:
    """Stated and inferred relations (see STATEMENTS_BY_THEME), resources curation made up, and
    per theme (English label, or "(no theme)") the stated and inferred relations."""

    stated: int = 0
    inferred: int = 0
    inferred_resources: int = 0
    by_theme: tuple[tuple[str, int, int], ...] = ()


def count_statements(store: ox.Store, theme_name: Callable[[str], str]) -> StatementCounts:
    """The counts STATEMENT_TOTALS, STATEMENTS_BY_THEME and INFERRED_RESOURCES give on
    ``store`` (its default graph), from two cheaper queries; ``theme_name(iri)`` gives a
    theme's English label. Themes of the same label are added up, as rows of the same name."""
    inferred_iri, no_theme = str(CKG.Inferred), str(CKG.NoTheme)
    themes_of: dict[ox.Term, list[str]] = {}
    for row in store.query(_SUBJECT_THEMES):
        themes_of.setdefault(row["s"], []).append(row["theme"].value)
    totals: dict[str, set[str]] = {}
    by_theme: dict[tuple[str, str], set[str]] = {}
    for row in store.query(_RELATIONS):
        subject, value, status = row["s"], row["o"], row["status"].value
        # the key as CONCAT(STR(?s), " ", STR(?p), " ", STR(?o)): none when an end is a blank
        # node (STR of one is an error), so the relation is not counted, though its group is
        key = None if isinstance(subject, ox.BlankNode) or isinstance(value, ox.BlankNode) else (
            f"{subject.value} {row['p'].value} {value.value}")
        groups = [totals.setdefault(status, set())]
        groups += [by_theme.setdefault((theme, status), set()) for theme in themes_of.get(subject, [no_theme])]
        if key is not None:
            for group in groups:
                group.add(key)
    themes: dict[str, list[int]] = {}
    for (theme, status), keys in by_theme.items():
        name = "(no theme)" if theme == no_theme else theme_name(theme)
        themes.setdefault(name, [0, 0])[1 if status == inferred_iri else 0] += len(keys)
    resources = sum(int(row["n"].value) for row in store.query(INFERRED_RESOURCES))
    return StatementCounts(
        stated=len(totals.get(str(CKG.Stated), ())), inferred=len(totals.get(inferred_iri, ())),
        inferred_resources=resources, by_theme=tuple((name, s, i) for name, (s, i) in sorted(themes.items())))


@dataclass
class Summary:
    triples: int
    by_class: dict[str, int]
    observations_by_theme_period: list[tuple[str, str, int]]
    quotes: int
    subjects: int
    extra: dict[str, int] = field(default_factory=dict)
    statements: StatementCounts = field(default_factory=StatementCounts)

    @property
    def observations(self) -> int:
        """Distinct observations (each once, whatever its themes)."""
        return self.by_class.get("ckg:Observation", 0)

    def to_json(self) -> str:
        return json.dumps({
            "triples": self.triples, "subjects": self.subjects, "observations": self.observations,
            "quotes": self.quotes,
            "entitiesByClass": self.by_class,
            "observationsByThemeAndPeriod": [
                {"theme": t, "period": p, "observations": n} for t, p, n in self.observations_by_theme_period
            ],
            "statements": {"stated": self.statements.stated, "inferred": self.statements.inferred,
                           "inferredResources": self.statements.inferred_resources},
            "statementsByTheme": [
                {"theme": t, "stated": s, "inferred": i} for t, s, i in self.statements.by_theme
            ],
        }, ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Summary:
        """The summary :meth:`to_json` wrote (``summary.json`` of a build): equal to the one
        written, ``extra`` aside (not written). Raises ValueError (json.JSONDecodeError) or
        KeyError for a text it did not write."""
        body = json.loads(text)
        statements = body["statements"]
        return cls(
            triples=body["triples"], subjects=body["subjects"], quotes=body["quotes"],
            by_class=dict(body["entitiesByClass"]),
            observations_by_theme_period=[(row["theme"], row["period"], row["observations"])
                                          for row in body["observationsByThemeAndPeriod"]],
            statements=StatementCounts(
                stated=statements["stated"], inferred=statements["inferred"],
                inferred_resources=statements["inferredResources"],
                by_theme=tuple((row["theme"], row["stated"], row["inferred"]) for row in body["statementsByTheme"])))

    def to_markdown(self) -> str:
        lines = ["# county-kg build summary", "", f"- data triples (the ontology's left out): {self.triples}",
                 f"- described resources: {self.subjects}", f"- observations: {self.observations}",
                 f"- quotes: {self.quotes}", "",
                 "## Entities by class", "", "| class | count |", "| --- | ---: |"]
        lines += [f"| {cls} | {n} |" for cls, n in self.by_class.items()]
        lines += ["", "## Observations by theme and period", "",
                  f"{counted(self.observations, 'observation')} in all; one whose indicator has several themes is "
                  "listed under each of them.", "",
                  "| theme | period | observations |", "| --- | --- | ---: |"]
        lines += [f"| {t} | {p} | {n} |" for t, p, n in self.observations_by_theme_period]
        counts = self.statements
        lines += ["", "## Statements: stated or inferred", "",
                  (f"Relations taken from the sources: {counts.stated} stated (a quote names both ends), "
                   f"{counts.inferred} inferred by curation (with the reason); {counts.inferred_resources} "
                   "resources made up by curation (groupings, coined names). A relation counts once per "
                   "theme of its subject."), "",
                  "| theme | stated | inferred |", "| --- | ---: | ---: |"]
        lines += [f"| {t} | {s} | {i} |" for t, s, i in counts.by_theme]
        return "\n".join(lines) + "\n"


def summarize(data: Graph, union: Graph) -> Summary:
    """``data`` is the instance data alone; ``union`` adds the ontology, for labels."""
    classes = Counter(compact(union, cls) for cls in data.objects(None, RDF.type))
    by_class = dict(sorted(((c, n) for c, n in classes.items() if c.startswith("ckg:")), key=lambda item: (-item[1], item[0])))
    rows = []
    for row in union.query(_BY_THEME_AND_PERIOD):
        theme = "(no theme)" if row.theme == CKG.NoTheme else label(union, row.theme, "en")
        rows.append((theme, label(union, row.period, "en"), int(row.n)))
    rows.sort(key=lambda r: (r[0], r[1]))
    # The statement counts run on Oxigraph, as in the pipeline for large graphs
    # (:func:`summarize_store`): one engine for both, and rdflib's property paths would take
    # seconds here.
    statements = count_statements(store_from_graph(union), lambda iri: label(union, URIRef(iri), "en"))
    return Summary(
        triples=len(data),
        by_class=by_class,
        observations_by_theme_period=rows,
        quotes=len(set(data.subjects(RDF.type, CKG.Quote))),
        subjects=len(set(data.subjects())),
        statements=statements,
    )


def summarize_store(graph: StoreGraph) -> Summary:
    """:func:`summarize` by SPARQL on the store (data triples only, as the rdflib one)."""
    names = StoreLabels(graph.store, graph)
    onto_types: dict[str, int] = {}
    onto_subjects: dict[str, int] = {}
    for triple in graph.ontology_only:
        if triple.predicate.value == str(RDF.type):
            key = triple.object.value if isinstance(triple.object, ox.NamedNode) else str(triple.object)
            onto_types[key] = onto_types.get(key, 0) + 1
        subject = triple.subject.value if isinstance(triple.subject, ox.NamedNode) else "_:" + triple.subject.value
        onto_subjects[subject] = onto_subjects.get(subject, 0) + 1
    classes: dict[str, int] = {}
    for row in graph.store.query("SELECT ?c (COUNT(*) AS ?n) WHERE { ?s a ?c } GROUP BY ?c"):
        term = row["c"]
        n = int(row["n"].value) - onto_types.get(term.value if isinstance(term, ox.NamedNode) else str(term), 0)
        if n > 0 and isinstance(term, ox.NamedNode):
            name = names.compact(URIRef(term.value))
            classes[name] = classes.get(name, 0) + n
    by_class = dict(sorted(((c, n) for c, n in classes.items() if c.startswith("ckg:")), key=lambda i: (-i[1], i[0])))
    rows = []
    for row in graph.store.query(_BY_THEME_AND_PERIOD):
        theme = row["theme"].value
        theme_name = "(no theme)" if theme == "https://w3id.org/county-kg/ontology#NoTheme" else names.label(URIRef(theme), "en")
        rows.append((theme_name, names.label(URIRef(row["period"].value), "en"), int(row["n"].value)))
    rows.sort(key=lambda r: (r[0], r[1]))
    quotes = int(next(iter(graph.store.query(
        "SELECT (COUNT(DISTINCT ?q) AS ?n) WHERE { ?q a <https://w3id.org/county-kg/ontology#Quote> }")))["n"].value)
    # Subjects with at least one data triple: all subjects, less those all of whose triples are
    # ontology-only (a few hundred, counted one by one: cheaper than grouping a million triples).
    subjects = int(next(iter(graph.store.query("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }")))["n"].value)
    for key, count in onto_subjects.items():
        term = ox.BlankNode(key[2:]) if key.startswith("_:") else ox.NamedNode(key)
        if sum(1 for _q in graph.store.quads_for_pattern(term, None, None, ox.DefaultGraph())) <= count:
            subjects -= 1
    statements = count_statements(graph.store, lambda iri: names.label(URIRef(iri), "en"))
    return Summary(triples=graph.data_triples, by_class=by_class, observations_by_theme_period=rows,
                   quotes=quotes, subjects=subjects, statements=statements)
