"""``kg build``: sources -> curated Turtle -> load -> validate -> dist/.

The build writes into a temporary directory beside ``dist/`` and swaps it in only when
every step succeeded, so a failed build leaves the previous ``dist/`` as it was.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import atomic, source
from .errors import KgError
from .export import EXTENSIONS, serialize
from .load import Loaded, load
from .summary import Summary, summarize
from .validate import ValidationReport, validate_loaded
from .viz import write_graphs

Progress = Callable[[str], None]


class BuildFailed(KgError):
    """The graph does not conform: the build stops and ``dist/`` is left untouched."""

    def __init__(self, report: ValidationReport):
        super().__init__(f"validation failed: {len(report.violations)} violation(s)")
        self.report = report


@dataclass
class BuildResult:
    output: Path
    summary: Summary
    report: ValidationReport
    files: list[Path]
    seconds: dict[str, float] = field(default_factory=dict)


def _quiet(_message: str) -> None:
    pass


def write_catalog_answers(loaded: Loaded, directory: Path) -> list[Path]:
    """Every catalog answer as CSV in ``queries/``, and one readable page with the question,
    its SPARQL and its answer for each."""
    from .catalog import catalog
    from .query import Engines, run_query

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


def build(output: Path | str = "dist", *, progress: Progress = _quiet, docs: bool = True) -> BuildResult:
    output = Path(output)
    seconds: dict[str, float] = {}

    def step(name: str, message: str):
        progress(message)
        return name, time.perf_counter()

    name, started = step("clean", "cleaning sources")
    for src in source.load_sources():
        # Cleaning is cheap and rewrites only files whose content would change, so an
        # installed (read-only) package with up-to-date texts is never written to.
        report = source.clean_source(src)
        if report.written:
            progress(f"  cleaned {src.key}: wrote {len(report.written)} file(s)")
    seconds[name] = time.perf_counter() - started

    name, started = step("load", "loading ontology, shapes and data")
    loaded: Loaded = load()
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
    with atomic.replaced_directory(output) as staging:
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
            from .ontology_docs import write_html  # pyLODE is slow to import; only the build needs it

            write_html(staging / "ontology.html")
            written.append(staging / "ontology.html")
    files = [output / p.name for p in written]
    seconds[name] = time.perf_counter() - started
    return BuildResult(output, summary, report, files, seconds)
