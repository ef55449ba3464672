"""What the external engines (tests/test_jena.py, tests/test_virtuoso.py) are checked on, and
the embedded engine's answers they are compared with.

- the catalog: every question with its default parameters bound as `kg query` binds them for
  an endpoint (kg.query.remote.bound_text: a VALUES block of escaped RDF terms), asked of
  the project's graph (its N-Triples export);
- the checks: every queries/checks/*-violation.rq, asked of the project's graph plus every
  check fixture (tests/fixtures/checks), so that each check has rows to compare;
- answers are compared canonically (kg.query.Results.canonical: numbers by value, blank nodes
  as one label), the catalog's in order (each question has an ORDER BY), the checks' as
  multisets (they have none).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from conftest import FIXTURES
from kg.query.catalog import catalog
from kg.query.remote import bound_text
from kg.publish.export import serialize
from kg.store.load import data_files, load
from kg.query.engines import Engines, run_query
from kg.store.sparql import Results
from kg.validate.report import check_queries

QUERIES = catalog()
CHECKS = check_queries()
CHECK_FIXTURES = sorted((FIXTURES / "checks").glob("*.ttl"))


def catalog_texts() -> dict[str, str]:
    """Each catalog question's text as sent to an engine (default parameters bound)."""
    return {query.name: bound_text(query) for query in QUERIES}


def check_texts() -> dict[str, str]:
    return {path.stem: path.read_text(encoding="utf-8") for path in CHECKS}


def catalog_reference(loaded) -> dict[str, Results]:
    """The embedded engine's (Oxigraph's) answers, as `kg query` gives them."""
    engines = Engines(loaded)
    return {query.name: run_query(query, engine="oxigraph", engines=engines) for query in QUERIES}


def defects():
    """The project's graph with every check fixture added (a Loaded)."""
    return load([*data_files(), *CHECK_FIXTURES], workspace=False)


def check_reference(loaded) -> dict[str, Results]:
    engines = Engines(loaded)
    return {name: engines.run(text, {}, "oxigraph", name=name) for name, text in check_texts().items()}


def write_ntriples(loaded, path: Path) -> Path:
    """The graph as `kg export --format nt` writes it."""
    path.write_bytes(serialize(loaded, "nt"))
    return path


def assert_same_answer(expected: Results, actual: Results, ordered: bool = True) -> None:
    assert actual.variables == expected.variables
    if ordered:
        assert actual.canonical() == expected.canonical()
    else:
        assert Counter(actual.canonical()) == Counter(expected.canonical())


def require(missing: list[str], package: str) -> None:
    """Fail (never skip) when an engine is not installed: `make test` installs it first
    (scripts/system-deps.sh), so a missing engine is a broken set-up, not an optional test."""
    if missing:
        pytest.fail(f"{package} is not installed ({', '.join(missing[:3])} missing): "
                    "run scripts/system-deps.sh as root (`make test` does)", pytrace=False)
