"""queries/checks/*-violation.rq: each finds exactly the problems planted in its fixture
(and, in test_catalog, nothing on the project's valid data)."""

from __future__ import annotations

import re

import pytest
from rdflib import Graph

from conftest import FIXTURES
from kg.store.load import load
from kg.validate.report import check_queries, run_checks

CHECKS = check_queries()


def test_every_check_has_a_fixture():
    names = {p.name.removesuffix("-violation.rq") for p in CHECKS}
    fixtures = {p.stem for p in (FIXTURES / "checks").glob("*.ttl")}
    assert names == fixtures and len(names) == 8


@pytest.mark.parametrize("check", CHECKS, ids=[p.stem for p in CHECKS])
def test_check_finds_the_planted_problems(check):
    fixture = FIXTURES / "checks" / f"{check.name.removesuffix('-violation.rq')}.ttl"
    expected = set(re.search(r"^# expect: (.+)$", fixture.read_text(encoding="utf-8"), re.M).group(1).split())
    graph = Graph().parse(fixture)
    if check.stem.startswith("undefined-term"):
        # the ontology defines the real terms; only the made-up ones must be reported
        for triple in load(data=[]).ontology:
            graph.add(triple)
    found = {str(row["focus"]) for path, row in run_checks(graph, [check])}
    assert found == expected
