"""``kg build`` for large graphs: load, validate by partition while the checks, summary and
catalog run on the store and a second process writes the exports; ``output`` is replaced
only when the graph has no violation (warnings are reported, not refused).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path


from kg.store import ntriples
from kg.build.outcome import BuildFailed, Progress, quiet as _quiet
from kg.build.summary import summarize_store as summarize
from kg.publish.ntexport import _graph_name, write_exports
from kg.query.answers import answer_catalog
from kg.store.fast import load
from kg.synth.generate import SourceTexts
from kg.validate.partitions import PendingShacl, start_shacl
from kg.validate.store import build_report, project_texts, store_results



@dataclass
class FastBuild:
    output: Path
    report: object
    summary: object
    files: list[Path]
    seconds: dict[str, float]
    catalog_seconds: dict[str, float]
    export_seconds: dict[str, float] = field(default_factory=dict)
    export_peak_rss_mb: float = 0.0  # of the exporting child process (0: exported in this one)


def build(output: Path | str = "dist", data: Sequence[Path | str] | None = None, **options) -> FastBuild:
    """``kg build`` for large graphs into ``output``, claimed before any work and replaced
    only when the graph has no violation (kg.outputs.replaced_directory); ``options`` as for
    :func:`write`. Raises kg.build.BuildFailed with the report when the graph has violations."""
    from kg import outputs

    output = Path(output)
    with outputs.replaced_directory(output) as staging:
        result = write(staging, data, **options)
    result.output = output
    result.files = [output / path.name for path in result.files]
    return result


def write(staging: Path, data: Sequence[Path | str] | None = None, *,
          progress: Progress = _quiet, workers: int = 2, texts: dict[str, str] | None = None,
          naming: Callable[[Path], str] | None = None, background: bool = True,
          extras: Callable[[Path], list[Path]] | None = None) -> FastBuild:
    """Load, validate, then (only if the graph has no violation) exports, summary, validation report
    and catalog answers into the directory ``staging``, which the caller claimed (and drops
    if this raises). Raises kg.build.BuildFailed with the report when the graph has violations.

    The files are read once as N-Triples (:func:`kg.ntriples.dump`); with ``background`` a
    forked process writes the exports from that text while this one loads, validates and
    answers the catalog (2 cores: both busy). ``naming`` gives each file's named graph in the
    TriG export; ``extras`` writes more files into the staging directory (it returns them)."""
    from kg.publish import ntexport as fastexport
    from kg.store.load import data_files as project_data
    from kg.store.load import ontology_files

    naming = naming or _graph_name
    if texts is None:  # the project's texts, and the synthetic ones kg.synth regenerates
        texts = SourceTexts(project_texts())
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    data_paths = [Path(p) for p in (project_data() if data is None else data)]
    progress("reading the files as N-Triples")
    files = [*ontology_files(), *data_paths]
    text = ntriples.dump(files)
    seconds["read"] = time.perf_counter() - started
    exporter = None
    try:
        if background:
            progress("  writing the exports (ttl, nt, jsonld, trig) in a second process")
            exporter = fastexport.Background(files, text, staging, naming)
        step = time.perf_counter()
        progress("loading (pyoxigraph)")
        graph = load(data_paths)
        graph._source_nt = (tuple(graph.files), text)
        del text
        seconds["load"] = time.perf_counter() - step
        progress(f"  {len(graph.files)} files, {graph.data_triples} data triples")
        step = time.perf_counter()
        progress("validating (pyshacl-turbo by partition, SPARQL checks, quotes)")
        pending = start_shacl(graph, workers=workers, progress=progress)
        seconds["SHACL started"] = time.perf_counter() - step
        if background:
            graph._source_nt = None  # the partitions are cut; the exporting process has its copy
        try:
            # While the worker threads validate the partitions, this thread queries the
            # store: the checks, the quotes, the summary and the catalog (the last two
            # are written into the staging directory, dropped if the graph does not conform).
            mark = time.perf_counter()
            extra = store_results(graph, texts=texts)
            seconds["checks and quotes"] = time.perf_counter() - mark
            mark = time.perf_counter()
            summary = summarize(graph)
            (staging / "summary.md").write_text(summary.to_markdown(), encoding="utf-8")
            (staging / "summary.json").write_text(summary.to_json(), encoding="utf-8")
            seconds["summary"] = time.perf_counter() - mark
            mark = time.perf_counter()
            progress("answering the question catalog (Oxigraph)")
            answers = answer_catalog(graph, staging)
            seconds["catalog"] = time.perf_counter() - mark
        except BaseException:
            # (Ctrl-C included) the partitions not yet started are dropped instead of awaited
            if isinstance(pending, PendingShacl):
                pending.pool.shutdown(wait=False, cancel_futures=True)
            raise
        mark = time.perf_counter()
        shacl = pending.result() if isinstance(pending, PendingShacl) else pending
        seconds["SHACL (waited for)"] = time.perf_counter() - mark
        graph.seconds["shacl"] = shacl.seconds
        report = build_report(graph, shacl, extra=extra)
        seconds["validate"] = time.perf_counter() - step  # (with summary and catalog)
        if report.violations:  # warnings are reported, not refused
            raise BuildFailed(report)
        progress(f"  no violations ({len(report.warnings)} warning(s))")
        (staging / "validation.txt").write_text(report.to_text(), encoding="utf-8")
        if exporter is None:
            step = time.perf_counter()
            progress("exporting (ttl, nt, jsonld, trig)")
            exports = fastexport.Done(write_exports(graph, staging, naming), 0.0, 0.0)
            seconds["export"] = time.perf_counter() - step
        graph._source_nt = None
        more = []
        if extras is not None:
            step = time.perf_counter()
            more = extras(staging)
            seconds["extras"] = time.perf_counter() - step
        if exporter is not None:
            step = time.perf_counter()
            exports = exporter.result()
            seconds["export (waited for)"] = time.perf_counter() - step
    except BaseException:
        if exporter is not None:
            exporter.cancel()
        raise
    names = [p.name for p, _s in exports.written.values()] + [
        "summary.md", "summary.json", "validation.txt", "queries", "queries.md", *(p.name for p in more)]
    seconds["total"] = time.perf_counter() - started
    return FastBuild(staging, report, summary, [staging / n for n in names], seconds,
                     {name: s for name, (_r, s) in answers.items()},
                     {fmt: s for fmt, (_p, s) in exports.written.items()}, exports.peak_rss_mb)
