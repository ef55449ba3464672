"""Shared fixtures: the project's graph is loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.store import load
from kg import paths

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session", autouse=True)
def private_store(tmp_path_factory):
    """Every command that reads the graph opens the project's store ($KG_STORE): one for the
    test session, never the checkout's dist/store (subprocesses inherit it)."""
    import os

    from kg.store.persistent import GraphStore
    from kg.store.project import refresh

    saved = os.environ.get("KG_STORE")
    os.environ["KG_STORE"] = str(tmp_path_factory.mktemp("kg-store") / "store")
    # made once here, so that a command's first use does not say "no store yet" in its output
    refresh(GraphStore(os.environ["KG_STORE"]), say=lambda _message: None)
    yield Path(os.environ["KG_STORE"])
    if saved is None:
        os.environ.pop("KG_STORE", None)
    else:
        os.environ["KG_STORE"] = saved


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
