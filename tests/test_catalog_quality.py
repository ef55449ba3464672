"""The catalog's quality questions find exactly the defects planted in a small fixture graph.

On the project's curated data these questions may rightly return no rows, which proves
nothing; tests/fixtures/catalog/defects.ttl plants one or two defects per question next to
near misses that must not be reported, and each question must name exactly the planted
ones, on both engines.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.query.catalog import catalog
from kg.store.load import load
from kg.query.engines import ENGINES, Engines, run_query

FIXTURE = Path(__file__).parent / "fixtures" / "catalog" / "defects.ttl"
ID = "https://w3id.org/county-kg/id/"

# question -> (column naming the defect, the planted defects)
PLANTED = {
    "12-missing-english-label": ("entity", {
        ID + "place/defect-town-without-english-label",
    }),
    "13-observations-without-program": ("observation", {
        ID + "observation/defect-orphan-observation",
    }),
    "14-programs-without-measured-result": ("program", {
        ID + "program/defect-unmeasured-program",
        ID + "program/defect-project-without-results",
    }),
}

QUALITY = {q.name: q for q in catalog() if "quality" in q.tags}


@pytest.fixture(scope="module")
def engines():
    return Engines(load(data=[FIXTURE]))


def test_every_quality_question_has_planted_defects():
    assert set(QUALITY) == set(PLANTED)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", sorted(PLANTED))
def test_quality_question_finds_exactly_the_planted_defects(name, engine, engines):
    column, planted = PLANTED[name]
    results = run_query(QUALITY[name], engine=engine, engines=engines)
    assert column in results.variables
    index = results.variables.index(column)
    found = [str(row[index]) for row in results.rows]
    assert sorted(found) == sorted(planted), f"{name} on {engine}"


@pytest.mark.parametrize("name", sorted(PLANTED))
def test_engines_agree_on_the_fixture(name, engines):
    ox = run_query(QUALITY[name], engine="oxigraph", engines=engines)
    rdf = run_query(QUALITY[name], engine="rdflib", engines=engines)
    assert ox.variables == rdf.variables
    assert ox.canonical() == rdf.canonical()


def test_program_without_measured_result_reports_its_unmeasured_results(engines):
    results = run_query(QUALITY["14-programs-without-measured-result"], engine="oxigraph", engines=engines)
    counts = {str(row[0]): int(row[results.variables.index("results")]) for row in results.rows}
    assert counts == {ID + "program/defect-unmeasured-program": 1, ID + "program/defect-project-without-results": 0}
