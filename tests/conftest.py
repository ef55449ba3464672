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


@pytest.fixture
def project_store_copy(private_store, tmp_path):
    """A copy of the session's store, current for the project's own workspace: tests that link
    or import with another --workspace leave the shared store holding theirs, so it is brought
    back first (a test that damages or changes its copy then sees only what it does)."""
    import os
    import shutil

    from kg.store.persistent import GraphStore
    from kg.store.project import refresh

    workspace = os.environ.pop("KG_WORKSPACE", None)
    try:
        refresh(GraphStore(private_store), say=lambda _message: None)
    finally:
        if workspace is not None:
            os.environ["KG_WORKSPACE"] = workspace
    copy = tmp_path / "store"
    shutil.copytree(private_store, copy, ignore=shutil.ignore_patterns(".lock", "readers"))
    return copy


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


#: The test files that take longest, slowest first (each file's summed test durations in a
#: `pytest --junitxml` run of the whole suite on a 2-core machine). `make test` runs the files
#: in two processes, each file in one (pytest-xdist ``--dist loadfile``, with
#: ``--no-loadscope-reorder`` so that this order is kept), and hands a process its next file
#: when it is nearly done. Started first, the long files run beside the many short ones; left
#: to the end (xdist's default orders files by their number of tests, and these have few),
#: one of them ran alone for many minutes while the other process had nothing left to do.
SLOWEST_FILES = (
    "test_build.py",
    "test_store_commands.py",
    "test_import.py",
    "test_reading_endpoints.py",
    "test_wheel.py",
    "test_reproducible.py",
    "test_jena.py",
    "test_virtuoso.py",
    "test_history.py",
    "test_curate.py",
    "test_link.py",
    "test_cli.py",
    "test_shacl_engines.py",
    "test_endpoint.py",
    "test_outputs.py",
    "test_persistent_store.py",
    "test_check_scope.py",
    "test_ontology.py",
    "test_catalog.py",
    "test_federation.py",
    "test_viz.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slowest files (:data:`SLOWEST_FILES`) first, every other file after them in the
    order pytest collected it; the order of the tests within a file unchanged."""
    rank = {name: place for place, name in enumerate(SLOWEST_FILES)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))
