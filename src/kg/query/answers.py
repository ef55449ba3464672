"""Every catalog question answered on a store, as the build writes them.
"""

from __future__ import annotations

import time
from pathlib import Path

import pyoxigraph as ox


#: Rows of each answer shown in ``queries.md``, a page for reading (the project's longest
#: answer has 86): a quality report on a national table lists every observation (70,000
#: rows), all of them in the question's CSV file, and looking up the labels of each row for
#: the page took most of a national build.
MARKDOWN_ROWS = 500


def answer_catalog(store: ox.Store, directory: Path | None = None, engines=None) -> dict[str, tuple[object, float]]:
    """Every catalog question on ``store`` (or on ``engines``, a kg.query.engines.Engines):
    {name: (Results, seconds)}; with ``directory``, written into it: ``queries/NAME.csv``
    and ``queries.md``, one readable page with each question, its SPARQL and its answer."""
    from functools import lru_cache

    from kg.query.catalog import catalog
    from kg.query.engines import Engines, run_query
    from kg.store.results import counted

    engines = engines or Engines(store=store)
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
            shown = results.to_markdown(MARKDOWN_ROWS)
            if len(results.rows) > MARKDOWN_ROWS:
                shown += (f"\nThe first {MARKDOWN_ROWS} rows; every row is in "
                          f"[queries/{item.name}.csv](queries/{item.name}.csv).\n")
            page += [f"## {item.name}", "", f"**{item.summary}**", "", item.description, "",
                     "```sparql", item.text.strip(), "```", "", shown,
                     counted(len(results.rows), "row"), ""]
    if directory is not None:
        (directory / "queries.md").write_text("\n".join(page), encoding="utf-8")
    return answers
