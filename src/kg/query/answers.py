"""Every catalog question answered on a loaded store, as the build writes them.
"""

from __future__ import annotations

import time
from pathlib import Path

from kg.store.fast import FastGraph


def engines_for(graph: FastGraph):
    """kg.query.Engines answering from this store (no second load)."""
    from kg.query.engines import Engines

    engines = Engines()
    engines._store = graph.store
    return engines


def answer_catalog(graph: FastGraph, directory: Path | None = None) -> dict[str, tuple[object, float]]:
    """Every catalog question on the store: {name: (Results, seconds)}; with ``directory``,
    written as kg.build.write_catalog_answers writes them (queries/*.csv and queries.md)."""
    from functools import lru_cache

    from kg.query.catalog import catalog
    from kg.query.engines import run_query

    engines = engines_for(graph)
    labels = lru_cache(maxsize=None)(engines.labeler("en"))  # the same label, looked up once
    answers: dict[str, tuple[object, float]] = {}
    page = ["# county-kg question catalog", "",
            "Each question with its SPARQL (in `queries/`) and its answer on this build.", ""]
    if directory is not None:
        (directory / "queries").mkdir(parents=True, exist_ok=True)
    for item in catalog():
        started = time.perf_counter()
        results = run_query(item, engines=engines)
        answers[item.name] = (results, time.perf_counter() - started)
        if directory is not None:
            (directory / "queries" / f"{item.name}.csv").write_text(results.to_csv(), encoding="utf-8")
            results.labeler = labels
            page += [f"## {item.name}", "", f"**{item.summary}**", "", item.description, "",
                     "```sparql", item.text.strip(), "```", "", results.to_markdown(),
                     f"{len(results.rows)} row(s)", ""]
    if directory is not None:
        (directory / "queries.md").write_text("\n".join(page), encoding="utf-8")
    return answers
