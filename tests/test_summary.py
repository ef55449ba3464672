"""The build summary's counts (kg.build.summary) computed by cheaper means than the queries that
define them: the same numbers on graphs with the cases that matter (several themes, themes
through an indicator or a whole, no theme, inferred relations, blank nodes)."""

from __future__ import annotations

import pyoxigraph as ox

from kg.build.summary import (INFERRED_RESOURCES, STATEMENT_TOTALS, STATEMENTS_BY_THEME, StatementCounts,
                              count_statements)

PREFIXES = """
@prefix ckg: <https://w3id.org/county-kg/ontology#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix ex: <https://example.org/> .
"""

# Relations of cited properties with a quoted subject: an observation with two themes through
# its indicator, a component whose whole has a theme (and a component of that component), a
# subject without theme, two theme IRIs with the same label, an inferred relation, relations
# with a blank object or a blank subject (not counted, though the theme is listed), a literal object,
# and relations that are not counted (no quote, not a cited property).
GRAPH = PREFIXES + """
ckg:implements ckg:citedRelation true .
ckg:hasComponent ckg:citedRelation true .
ckg:participant ckg:citedRelation true .
ex:name ckg:citedRelation true .

ex:i1 ckg:theme ex:economy, ex:health .
ex:obs1 ckg:indicator ex:i1 ; ckg:evidence ex:q1 ; ckg:participant ex:a, ex:b ; ex:name "one", "one"@en .
ex:whole ckg:theme ex:education ; ckg:hasComponent ex:part ; ckg:evidence ex:q2 .
ex:part ckg:hasComponent ex:subpart ; ckg:evidence ex:q3 ; ckg:implements ex:plan .
ex:subpart ckg:evidence ex:q4 ; ckg:participant ex:c , [ ckg:label "made up" ] .
ex:loose ckg:evidence ex:q5 ; ckg:implements ex:plan2 .
ex:twin ckg:theme ex:health2 ; ckg:evidence ex:q6 ; ckg:participant ex:d .
ex:unquoted ckg:theme ex:economy ; ckg:participant ex:e .
ex:obs1 ex:other ex:f .
_:blank ckg:evidence ex:q7 ; ckg:participant ex:g ; ckg:indicator ex:i2 .
ex:i2 ckg:theme ex:lonely .

ex:r1 a rdf:Statement ; rdf:subject ex:obs1 ; rdf:predicate ckg:participant ; rdf:object ex:b ;
  ckg:assertionStatus ckg:Inferred .
ex:r2 a rdf:Statement ; rdf:subject ex:part ; rdf:predicate ckg:implements ; rdf:object ex:plan ;
  ckg:assertionStatus ckg:Inferred .
ex:plan2 ckg:assertionStatus ckg:Inferred .
ex:made ckg:assertionStatus ckg:Inferred .
"""

LABELS = {"https://example.org/economy": "economy", "https://example.org/health": "health",
          "https://example.org/health2": "health", "https://example.org/education": "education",
          "https://example.org/lonely": "lonely"}


def store_of(turtle: str) -> ox.Store:
    store = ox.Store()
    store.load(turtle.encode(), ox.RdfFormat.TURTLE)
    return store


def by_definition(store: ox.Store, theme_name) -> StatementCounts:
    """The counts as the defining queries give them (what the summary computed before)."""
    def rows(query):
        results = store.query(query)
        names = [v.value for v in results.variables]
        for solution in results:
            yield {name: term.value for name, term in zip(names, solution) if term is not None}

    inferred = "https://w3id.org/county-kg/ontology#Inferred"
    totals = {row["status"]: int(row["n"]) for row in rows(STATEMENT_TOTALS)}
    themes: dict[str, list[int]] = {}
    for row in rows(STATEMENTS_BY_THEME):
        name = "(no theme)" if row["theme"].endswith("#NoTheme") else theme_name(row["theme"])
        themes.setdefault(name, [0, 0])[1 if row["status"] == inferred else 0] += int(row["n"])
    return StatementCounts(
        stated=totals.get("https://w3id.org/county-kg/ontology#Stated", 0), inferred=totals.get(inferred, 0),
        inferred_resources=sum(int(row["n"]) for row in rows(INFERRED_RESOURCES)),
        by_theme=tuple((name, s, i) for name, (s, i) in sorted(themes.items())))


def test_statement_counts_are_those_of_the_defining_queries():
    store = store_of(GRAPH)
    counts = count_statements(store, LABELS.__getitem__)
    assert counts == by_definition(store, LABELS.__getitem__)
    # written out, so that the comparison cannot pass on two empty answers
    assert (counts.stated, counts.inferred, counts.inferred_resources) == (7, 2, 2)
    assert counts.by_theme == (("(no theme)", 1, 0), ("economy", 2, 1), ("education", 3, 1), ("health", 3, 1),
                              ("lonely", 0, 0))


def test_statement_counts_of_a_graph_without_relations():
    store = store_of(PREFIXES + "ckg:participant ckg:citedRelation true . ex:a ckg:participant ex:b .")
    assert count_statements(store, LABELS.__getitem__) == by_definition(store, LABELS.__getitem__) == StatementCounts()
