"""Shared fixtures: the project's graph is loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.store import load
from kg import paths

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def project():
    """The project's graph as loaded by `kg build` (do not modify)."""
    return load.project()


@pytest.fixture(scope="session")
def project_union(project):
    return project.union()


@pytest.fixture(scope="session")
def root() -> Path:
    return paths.root()
