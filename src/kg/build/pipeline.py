"""``kg build``: sources -> curated Turtle -> load -> validate -> dist/.

The build writes into a temporary directory beside ``dist/`` and swaps it in only when
every step succeeded, so a failed build leaves the previous ``dist/`` as it was.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kg import outputs
from kg.sources.clean import clean_source as clean_one, load_sources
from kg.build.outcome import BuildFailed, Progress, quiet as _quiet
from kg.errors import KgError
from kg.publish.export import EXTENSIONS, serialize
from kg.store.load import Loaded, load
from kg.store.syntax import check as check_syntax, rdf_file
from kg.build.summary import Summary, summarize
from kg.validate.report import ValidationReport, validate_loaded
from kg.explore.viz import write_graphs



#: Above this many bytes of data files (about 200k triples), ``kg build`` takes the pipeline for
#: large graphs (kg.build.large): Oxigraph, SHACL by partition, exports in a second process, and no
#: interactive graph pages. Below it, the rdflib pipeline writes everything.
LARGE_INPUT_BYTES = 32_000_000
PIPELINES = ("auto", "full", "fast")


@dataclass
class BuildResult:
    output: Path
    summary: Summary
    report: ValidationReport
    files: list[Path]
    seconds: dict[str, float] = field(default_factory=dict)
    pipeline: str = "full"
    total: float = 0.0  # wall-clock seconds (steps of the fast pipeline overlap)


def write_catalog_answers(loaded: Loaded, directory: Path) -> list[Path]:
    """Every catalog answer as CSV in ``queries/``, and one readable page with the question,
    its SPARQL and its answer for each."""
    from kg.query.catalog import catalog
    from kg.query.engines import Engines, run_query

    engines = Engines(loaded)
    answers = directory / "queries"
    answers.mkdir()
    page = ["# county-kg question catalog", "",
            "Each question with its SPARQL (in `queries/`) and its answer on this build.", ""]
    for item in catalog():
        results = run_query(item, engines=engines)
        (answers / f"{item.name}.csv").write_text(results.to_csv(), encoding="utf-8")
        results.labeler = engines.labeler("en")
        page += [f"## {item.name}", "", f"**{item.summary}**", "", item.description, "",
                 "```sparql", item.text.strip(), "```", "", results.to_markdown(),
                 f"{len(results.rows)} row(s)", ""]
    (directory / "queries.md").write_text("\n".join(page), encoding="utf-8")
    return [answers, directory / "queries.md"]


@dataclass(frozen=True)
class Inputs:
    """The data files of a build and the named graph each goes to."""

    files: list[Path]
    workspace: list[Path]

    @property
    def size(self) -> int:
        return sum(path.stat().st_size for path in self.files if path.is_file())

    def graph_name(self, path: Path) -> str:
        from kg.store.load import graph_name, workspace_graph_name

        return str(workspace_graph_name(path) if path in self.workspace else graph_name(path))


def inputs(add: Sequence[Path | str] = (), data: Sequence[Path | str] | None = None) -> Inputs:
    """The project's data, the default workspace's imports and link sets, and ``add``; or,
    given ``data``, those files instead of the project's data and workspace."""
    from kg.store.load import _workspace_for, data_files, one_graph_per_file, workspace_files

    space = _workspace_for(None, None) if data is None else None
    workspace = workspace_files(space) if space is not None else []
    base = data_files() if data is None else [Path(p) for p in data]
    added = [Path(p) for p in add]
    for path in [*base, *added]:
        rdf_file(path)
    given = Inputs([*base, *added, *workspace], workspace)
    named: dict[str, Path] = {}
    for path in given.files:  # each file its own named graph, on either pipeline
        name = given.graph_name(path)
        one_graph_per_file(name, path, named)
        named[name] = path
    return given


def choose_pipeline(pipeline: str, given: Inputs) -> str:
    if pipeline not in PIPELINES:
        raise KgError(f"unknown pipeline {pipeline!r} (expected {', '.join(PIPELINES)})")
    if pipeline == "auto":
        return "fast" if given.size > LARGE_INPUT_BYTES else "full"
    return pipeline


def clean_sources(progress: Progress = _quiet) -> None:
    for src in load_sources():
        # Cleaning is cheap and rewrites only files whose content would change, so an
        # installed (read-only) package with up-to-date texts is never written to.
        report = clean_one(src)
        if report.written:
            progress(f"  cleaned {src.key}: wrote {len(report.written)} file(s)")


def build(output: Path | str = "dist", *, progress: Progress = _quiet, docs: bool = True,
          add: Sequence[Path | str] = (), pipeline: str = "auto",
          data: Sequence[Path | str] | None = None) -> BuildResult:
    """Clean the sources, then load, validate and write ``output`` with the pipeline for the
    graph's size (``pipeline``: auto, full or fast). ``add``: more RDF files to build with the
    project's data (for instance another team's county graph); ``data``: files to build
    instead of the project's data and workspace."""
    started_build = time.perf_counter()
    output = Path(output)
    # Claimed before any work: a directory kg did not write is refused here, and the staging
    # directory beside it becomes ``output`` only when every step succeeded.
    with outputs.replaced_directory(output) as staging:
        given = inputs(add, data)
        if choose_pipeline(pipeline, given) == "fast":
            return _build_large(output, staging, given, progress, docs, started_build)
        for path in given.files:  # a syntax error now, not after loading everything before it
            check_syntax(path)
        return _build_full(output, staging, given, progress, docs, add, data, started_build)


def _build_full(output: Path, staging: Path, given: Inputs, progress: Progress, docs: bool,
                add: Sequence[Path | str], data: Sequence[Path | str] | None, started_build: float) -> BuildResult:
    """The rdflib pipeline, writing into ``staging`` (which becomes ``output``)."""
    seconds: dict[str, float] = {}

    def step(name: str, message: str):
        progress(message)
        return name, time.perf_counter()

    name, started = step("clean", "cleaning sources")
    clean_sources(progress)
    seconds[name] = time.perf_counter() - started

    name, started = step("load", "loading ontology, shapes and data")
    loaded: Loaded = load() if not add and data is None else load(
        data=[p for p in given.files if p not in given.workspace], workspace=data is None)
    progress(f"  {len(loaded.files)} files, {len(loaded.data)} data triples, {len(loaded.ontology)} ontology triples")
    seconds[name] = time.perf_counter() - started

    name, started = step("validate", "validating (SHACL shapes, SPARQL checks, quotes)")
    report = validate_loaded(loaded)
    seconds[name] = time.perf_counter() - started
    if not report.conforms:
        raise BuildFailed(report)
    progress(f"  conforms ({len(report.warnings)} warning(s))")

    name, started = step("write", f"writing {output}/")
    union = loaded.union()
    summary = summarize(loaded.data, union)
    written = []
    for fmt in ("ttl", "nt", "jsonld", "trig"):
        target = staging / f"county-kg{EXTENSIONS[fmt]}"
        target.write_bytes(serialize(loaded, fmt))
        written.append(target)
    (staging / "summary.md").write_text(summary.to_markdown(), encoding="utf-8")
    (staging / "summary.json").write_text(summary.to_json(), encoding="utf-8")
    (staging / "validation.txt").write_text(report.to_text(), encoding="utf-8")
    written += [staging / "summary.md", staging / "summary.json", staging / "validation.txt"]
    progress("  answering the question catalog")
    written += write_catalog_answers(loaded, staging)
    progress("  interactive graphs (whole graph and one per theme)")
    written += write_graphs(loaded, staging)
    if docs:
        progress("  ontology documentation (pyLODE)")
        from kg.publish.docs import write_html  # pyLODE is slow to import; only the build needs it

        write_html(staging / "ontology.html")
        written.append(staging / "ontology.html")
    files = [output / p.name for p in written]
    seconds[name] = time.perf_counter() - started
    return BuildResult(output, summary, report, files, seconds, "full", time.perf_counter() - started_build)


def _build_large(output: Path, staging: Path, given: Inputs, progress: Progress, docs: bool,
                 started: float) -> BuildResult:
    """The pipeline for large graphs (kg.build.large.build), with the ontology documentation; the
    interactive graph pages are left out (a page of every node of a national graph is of no
    use: ``kg viz --focus NODE --depth N`` draws a neighbourhood)."""
    from kg.build import large

    progress(f"large input ({given.size / 1e6:.0f} MB of data files): the pipeline for large graphs")
    mark = time.perf_counter()
    progress("cleaning sources")
    clean_sources(progress)
    cleaned = time.perf_counter() - mark

    def documentation(staging: Path) -> list[Path]:
        progress("interactive graph pages left out for a graph this large (use kg viz --focus NODE)")
        if not docs:
            return []
        progress("ontology documentation (pyLODE)")
        from kg.publish.docs import write_html

        write_html(staging / "ontology.html")
        return [staging / "ontology.html"]

    result = large.write(staging, given.files, progress=progress, naming=given.graph_name, extras=documentation)
    seconds = {"clean": cleaned, **result.seconds}
    return BuildResult(output, result.summary, result.report, [output / p.name for p in result.files], seconds,
                       "fast", time.perf_counter() - started)
