"""The build's graph pages (kg.explore.viz.write_graphs) written by a process of its own.

A module of its own, importing nothing heavy: networkx, pyvis and jinja2 (half a second) are
imported by the process that draws the pages, not by the build before it starts it.
"""

from __future__ import annotations

from pathlib import Path

from kg.background import Background


def start_graph_pages(location: Path | str, directory: Path | str, *, lang: str = "en",
                      parallel: bool = True) -> Background:
    """For the build: :func:`kg.explore.viz.write_graphs` of the explorable graph
    (kg.explore.network) of the store generation whose engine files are at ``location``
    (``STORE/gen-NNNNNN/oxigraph``, opened read-only), into ``directory``, started in a
    process of its own (kg.background), so that the build writes its exports meanwhile.
    ``parallel`` False: written when the result is asked for, here. The result: the paths
    written (text), as write_graphs gives them; a failure is a KgError there."""

    def work() -> list[str]:
        from kg.explore import viz
        from kg.explore.network import explorable_graph
        from kg.query.readers import Origin
        from kg.store.persistent import open_engine

        store = open_engine(location)
        graph = explorable_graph(Origin(loaded=store))
        return [str(path) for path in viz.write_graphs(graph, directory, lang=lang)]

    return Background(work, parallel=parallel, what="writing the graph pages")
