"""The static site: every page of kg.pages.publisher written as files (``kg build`` writes it
to ``dist/site/``), usable from ``file://`` and from any static host.

Layout (every link relative):

- ``index.html`` (home), ``classes.html`` and ``classes/<class>.html``, ``catalog.html``,
  ``search.html`` with ``search-index.js``, ``article/<source>.html``, ``404.html``;
- a document's page at its IRI's path: ``id/place/530681.html``, with its data beside it,
  ``id/place/530681.ttl`` and ``id/place/530681.jsonld``; ``ontology.html`` for the ontology;
- ``assets/``: the stylesheet and scripts, and vis-network (from the copy pyvis ships).

The site is written into a directory the caller claimed (kg.outputs: ``kg build`` writes it
inside its staging directory, so a failed build leaves the previous site untouched); this
module only ever creates files there. A quote that cannot be anchored in its text fails the
writing (kg.pages.article.AnchorError).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

import pyoxigraph as ox

from kg.pages.describe import description
from kg.pages.iris import file_path, path_of
from kg.pages.publisher import ArticleSource, Pages
from kg.pages.render import ASSETS

#: Documents read together (kg.pages.reader.Reader.documents).
BATCH = 200
#: The data files written beside each page.
DATA_FORMATS = ("ttl", "jsonld")


@dataclass
class SiteResult:
    """What was written: the directory, its files, pages by class and the seconds taken."""

    directory: Path
    files: list[Path] = field(default_factory=list)
    pages: int = 0
    by_class: Counter = field(default_factory=Counter)
    seconds: float = 0.0


def vis_network_assets() -> dict[str, str]:
    """vis-network's script and stylesheet, from pyvis's copy (kg.explore.viz)."""
    from kg.explore.viz import vis_assets

    script, style = vis_assets()
    return {"vis-network.min.js": script, "vis-network.css": style}


def asset_text(name: str) -> str:
    """An asset of the site: one of kg/pages/static, or vis-network's."""
    if name in ASSETS:
        return (files("kg.pages") / "static" / name).read_text(encoding="utf-8")
    vis = vis_network_assets()
    if name in vis:
        return vis[name]
    raise KeyError(name)


def asset_names() -> list[str]:
    return [*ASSETS, "vis-network.min.js", "vis-network.css"]


def write_site(store: ox.Store, directory: Path | str, *, sources: list[ArticleSource] | None = None,
               progress: Callable[[str], None] = lambda _m: None) -> SiteResult:
    """Write the static site of ``store`` into ``directory`` (made if absent; the caller
    claimed it). Returns what was written."""
    started = time.perf_counter()
    directory = Path(directory)
    pages = Pages(store, static=True, sources=sources)
    result = SiteResult(directory)

    def write(relative: str, content: str | bytes) -> None:
        target = directory / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = content.encode("utf-8")
        target.write_bytes(content)
        result.files.append(target)

    for name in asset_names():
        write(f"assets/{name}", asset_text(name))
    write("search-index.js", pages.search_index())
    for path in pages.site_pages():
        html = pages.page_at(path)
        write(f"{path or 'index'}.html", html)
        result.pages += 1
    write("404.html", pages.not_found("404", ""))
    documents = pages.documents()
    progress(f"  {len(documents)} resource pages")
    index = pages.reader.index()
    for start in range(0, len(documents), BATCH):
        for data in pages.reader.documents(documents[start:start + BATCH]):
            target = file_path(path_of(data.iri))
            write(f"{target}.html", pages.render_document(data))
            for fmt in DATA_FORMATS:
                write(f"{target}.{fmt}", description(data, fmt))
            result.pages += 1
            main_types = index.types.get(data.resources[0], [])
            result.by_class[main_types[0] if main_types else ""] += 1
    result.seconds = time.perf_counter() - started
    return result
