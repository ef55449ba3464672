"""``kg build``: one pipeline for every size of graph.

sources (cleaned) -> store (every input file its own named graph, only the changed ones
loaded again) -> validate (SHACL by partition above 20k triples, incrementally when only some
named graphs changed; the SPARQL checks; the quote check) -> summary and question catalog
(answered on the store while the SHACL partitions run) -> exports (from the store's cache of
the files' N-Triples) -> graph pages, the static site (a page per resource, read from the
store) and ontology documentation -> ``dist/``.

The output directory is claimed before any work and its files are replaced only when the
graph has no violation (kg.outputs.replaced_directory; warnings are reported, not refused); a
failed build leaves them as they were. The store (``dist/store`` by default, see
kg.store.project.location) always holds the inputs as they are, with the validation of each
generation recorded beside it: the next build, and ``kg validate``, reuse it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from kg import outputs
from kg.errors import KgError
from kg.build.outcome import BuildFailed, Progress, quiet as _quiet
from kg.build.summary import Summary, summarize_store
from kg.sources.clean import clean_source as clean_one, load_sources
from kg.store import project
from kg.store.graph import StoreGraph
from kg.store.persistent import Draft, GraphStore, recorded_recipe
from kg.store.results import counted
from kg.validate import store as validation
from kg.validate.report import ValidationReport

#: Above this many resources (the summary's count), ``kg build`` leaves the static site out
#: unless asked for it (``--site``): the project has 10,265 (9,745 pages), a workspace with a
#: national county table 150,000, whose site of 440,000 files took longer than everything
#: else the build does; ``kg serve`` renders each of those pages when it is asked for.
SITE_PAGES_UP_TO = 50_000

#: Above this many triples outside the ontology and the gazetteer, the interactive graph pages
#: are left out: a page drawing every node of a national graph is of no use (``kg viz --focus
#: NODE --depth N`` draws a neighbourhood of it).
GRAPH_PAGES_UP_TO = 50_000


@dataclass
class BuildResult:
    output: Path
    summary: Summary
    report: ValidationReport
    files: list[Path]
    store: Path
    seconds: dict[str, float] = field(default_factory=dict)
    total: float = 0.0  # wall-clock seconds (some steps overlap)
    validation: str = "whole"  # whole, incremental (only what changed) or recorded (nothing changed)
    site_pages: int = 0  # pages of the static site (site/), 0 when none was written
    unchanged: bool = False  # nothing to do: the output was current, nothing written


def clean_sources(progress: Progress = _quiet) -> None:
    for src in load_sources():
        # Cleaning is cheap and rewrites only files whose content would change, so an
        # installed (read-only) package with up-to-date texts is never written to.
        report = clean_one(src)
        if report.written:
            progress(f"  cleaned {src.key}: wrote {counted(len(report.written), 'file')}")


def source_texts() -> Mapping[str, str]:
    """The texts quotes are checked against: the project's cleaned sources, and the synthetic
    texts kg.synth regenerates on demand (a graph ``kg synth`` wrote quotes them)."""
    from kg.synth import SourceTexts

    return SourceTexts(validation.project_texts())


def build(output: Path | str = "dist", *, progress: Progress = _quiet, docs: bool = True,
          add: Sequence[Path | str] = (), data: Sequence[Path | str] | None = None,
          store: Path | str | None = None, texts: Mapping[str, str] | None = None,
          workers: int = 2, site: bool | None = None) -> BuildResult:
    """Clean the sources, bring the store up to date, validate, and write ``output``.

    ``add``: more RDF files to build with the project's data (another team's county graph);
    ``data``: files to build instead of the project's data and workspace; ``store``: the
    store's directory (default kg.store.project.location(output)); ``texts``: the source
    texts quotes are checked against (default :func:`source_texts`); ``site``: write the
    static site (``site/``, kg.pages.site) from the store's generation just validated (None:
    when the graph has at most :data:`SITE_PAGES_UP_TO` resources).

    Raises BuildFailed (with the report) when the graph has violations (the store's new
    generation is then not published: it keeps what the last accepted build held), KgError for an
    input that cannot be read (file, line and column) or an output kg may not write. A failed
    (or interrupted) build into a directory that did not exist leaves none: the store it made
    there is removed, then the directory and the folders made for it."""
    started = time.perf_counter()
    named, output = output, Path(output)  # (the claim is given the name: Path('') would be '.')
    seconds: dict[str, float] = {}
    fresh = _missing_folders(output) if str(named) else []  # made by this build: removed again if it fails
    if not fresh and str(named):
        unchanged = _unchanged_output(named, output, store=store, data=data, add=add, docs=docs, site=site,
                                      texts=texts, progress=progress, started=started)
        if unchanged is not None:
            return unchanged
    try:
        return _build(named, output, seconds, started, progress=progress, docs=docs, add=add, data=data, store=store,
                      texts=texts, workers=workers, site=site)
    except BaseException:
        if fresh:
            _remove_made(fresh, Path(store) if store is not None else project.location(output))
        raise


#: The record, beside a store generation, of the output directory a build wrote from it: the
#: directory, the options, what else the files depend on (:func:`_output_key`) and the SHA-256
#: of the directory's manifest (which holds every file's). The next build with the same
#: inputs, options and output finds the directory current and writes nothing.
OUTPUT_RECORD = "build-output.json"


def _output_key(validator_key: str) -> str:
    """What a build's files depend on besides the store's generation and the options: the
    validation's key (package version, shapes, checks, source texts) and the catalog's
    questions (``queries/*.rq``, answered into ``queries/``)."""
    import hashlib

    from kg.query.catalog import catalog

    digest = hashlib.sha256(validator_key.encode())
    for item in catalog():
        digest.update(item.path.name.encode() + b"\0" + item.path.read_bytes())
    return digest.hexdigest()


def _written_state(output: Path) -> str | None:
    """A digest of the output's manifest and of each file it lists as the file system sees it
    now (size and modification time, as the store judges its inputs: kg.store.persistent);
    None when one is missing. Equal digests: every file is as the build left it."""
    import hashlib

    try:
        text = (output / outputs.MANIFEST).read_bytes()
        manifest = outputs.read_manifest(output)
    except (OSError, KgError):
        return None
    if manifest is None:
        return None
    digest = hashlib.sha256(text)
    root = str(output)
    for rel in sorted(manifest.files):
        try:
            stat = os.stat(os.path.join(root, rel))  # (string paths: a site lists 29,000 files)
        except OSError:
            return None
        digest.update(f"{rel}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def _output_record(output: Path, generation: int, key: str, docs: bool, site: bool | None, pages: int) -> bytes:
    import json

    return json.dumps({"directory": os.path.realpath(output), "generation": generation, "key": key, "docs": docs,
                       "site": site, "sitePages": pages, "written": _written_state(output)},
                      indent=1, sort_keys=True).encode("utf-8")


def _unchanged_output(named: Path | str, output: Path, *, store, data, add, docs: bool, site: bool | None, texts,
                      progress: Progress, started: float) -> BuildResult | None:
    """The result of a build that has nothing to do, or None when it has: the store is current
    (the same inputs, nothing to load or validate), and ``output`` holds what the build of the
    store's generation wrote there with the same options and the same catalog, shapes and
    texts, every file of its manifest present with the size and modification time the build
    left it with (as the store judges its inputs), nothing else there. Then nothing is
    rewritten: the files are what the build would write again, byte for byte
    (tests/test_build.py). ``texts`` is not compared: the quote check's texts are the
    project's (in the validation's key) or regenerated ones."""
    import json

    location = Path(store) if store is not None else project.location(output)
    if not outputs.is_store(location):
        return None
    # (refused here exactly as the build would refuse it; the files are judged by the record)
    previous = outputs.claim_directory(named, contents=False)
    if previous is None:
        return None
    graphs = GraphStore(location)
    try:  # first what the build wrote there, before any work (reading the inputs)
        with graphs.reader() as view:
            record = json.loads(view.record(OUTPUT_RECORD) or b"null")
            generation = view.manifest.generation
    except (KgError, ValueError):
        return None
    written = _written_state(output)
    if written is None or not isinstance(record, dict) or record != {
            **record, "directory": os.path.realpath(output), "docs": docs, "site": site, "written": written,
            "generation": generation}:
        return None
    clean_sources(_quiet)
    given = project.inputs(data, add)
    changes = graphs.changes(given)
    manifest = graphs.manifest()
    if (not changes.current or manifest is None or manifest.recipe != recorded_recipe(given, project.recipe(data, add))
            or manifest.generation != generation):
        return None
    key = validation.validator_key()
    if record.get("key") != _output_key(key):
        return None
    with graphs.reader() as view:
        if view.manifest.generation != generation:
            return None
        validated = validation.from_record(StoreGraph.of(view), view.record(validation.RECORD), key)
        if validated is None:
            return None
        report = validated.report
    try:
        summary = Summary.from_json((output / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError):
        return None
    progress(f"{output}/ is current: written from the store's generation {generation} with these "
             f"options, every file unchanged; nothing to do")
    files = sorted({output / rel.split("/")[0] for rel in previous.files})
    return BuildResult(output, summary, report, files, location, {}, time.perf_counter() - started, "recorded",
                       record.get("sitePages", 0), unchanged=True)


def _missing_folders(output: Path) -> list[Path]:
    """``output`` and those of its folders that do not exist yet (the nearest first)."""
    missing, item = [], output.absolute()
    while not os.path.lexists(item) and item != item.parent:
        missing.append(item)
        item = item.parent
    return missing


def _remove_made(made: list[Path], location: Path) -> None:
    """After a failed build into a directory this build made (``made``: it and its new
    folders, the nearest first): the store it made there, then each of those folders that is
    empty. Nothing else: a folder holding anything else stays."""
    import shutil

    inside = location.absolute()
    if inside.parent == made[0] and outputs.is_store(inside):
        shutil.rmtree(inside, ignore_errors=True)  # made in this run: the directory was not there before
    for folder in made:
        try:
            folder.rmdir()
        except OSError:
            return


def _build(named: Path | str, output: Path, seconds: dict[str, float], started: float, *, progress: Progress, docs: bool,
           add: Sequence[Path | str], data: Sequence[Path | str] | None, store: Path | str | None,
           texts: Mapping[str, str] | None, workers: int, site: bool | None) -> BuildResult:
    with outputs.replaced_directory(named) as staging:
        mark = time.perf_counter()
        progress("cleaning sources")
        clean_sources(progress)
        seconds["clean"] = time.perf_counter() - mark
        given = project.inputs(data, add)
        location = Path(store) if store is not None else project.location(output)
        texts = source_texts() if texts is None else texts
        key = validation.validator_key()
        answered: dict = {}

        def answers(graph: StoreGraph) -> None:
            """Summary and catalog into the staging directory (dropped if the graph has
            violations), while the SHACL partitions are validated."""
            mark = time.perf_counter()
            summary = summarize_store(graph)
            (staging / "summary.md").write_text(summary.to_markdown(), encoding="utf-8")
            (staging / "summary.json").write_text(summary.to_json(), encoding="utf-8")
            seconds["summary"] = time.perf_counter() - mark
            mark = time.perf_counter()
            progress("answering the question catalog")
            from kg.query.answers import answer_catalog

            answer_catalog(graph.store, staging)
            seconds["catalog"] = time.perf_counter() - mark
            answered["summary"] = summary

        def validate(draft: Draft) -> None:
            graph = StoreGraph.of(draft)
            # the graph pages drawn from the new generation meanwhile, on the core the
            # validation leaves idle part of the time; waited for before the draft closes
            pages = answered["graph pages"] = _GraphPagesBeside(graph, staging, progress)
            try:
                validated = answered["validated"] = _validate(draft, graph, key, texts, progress, answers, workers)
            finally:
                pages.wait()
            if validated.report.violations:
                # refused before it is published: the store keeps the last generation a build
                # accepted (and its recipe), so no reading command answers from a refused --add
                raise BuildFailed(validated.report)
            draft.write_record(validation.RECORD, validation.to_record(validated, key))

        early = []  # the exports, when started while the store loads

        def start_exports(entries: list, paths: dict[str, Path]) -> None:
            """The exports started from the new generation's cached inputs (all they read),
            on the core the store's load leaves idle; stopped if the generation is refused."""
            from kg.publish.ntexport import ExportsInBackground

            early.append(ExportsInBackground(StoreGraph(None, entries, paths), staging))

        mark = time.perf_counter()
        progress(f"updating the store ({location})")
        graphs = GraphStore(location)
        try:  # (exports started while the store loaded are stopped if anything fails)
            _manifest, changes = graphs.update(given, before_publish=validate, recipe=project.recipe(data, add),
                                               progress=progress, loading=start_exports)
            seconds["store and validate"] = time.perf_counter() - mark
            with graphs.reader() as view:
                graph = StoreGraph.of(view)
                graph_generation = view.manifest.generation
                if early and graph_generation != _manifest.generation:  # (another writer's since)
                    early.pop().stop()
                validated = answered.get("validated")
                how = "whole" if validated is None or validated.full else "incremental"
                if validated is None:  # the store was current: its recorded validation, if any
                    validated = validation.from_record(graph, view.record(validation.RECORD), key)
                    how = "recorded"
                    if validated is None:
                        progress("validating (SHACL shapes, SPARQL checks, quotes)")
                        validated = validation.validate(graph, texts=texts, workers=workers, progress=progress)
                        graphs.add_record(view, validation.RECORD, validation.to_record(validated, key))
                        how = "whole"
                report = validated.report
                if report.violations:  # warnings are reported, not refused
                    raise BuildFailed(report)
                progress(f"  no violations ({counted(len(report.warnings), 'warning')}"
                         + (f"; {counted(report.quotes_not_checked, 'quote')} not checked" if report.quotes_not_checked
                            else "")
                         + ")")
                progress("writing the exports (ttl, nt, jsonld, trig)")

                def meanwhile() -> tuple[list[Path], int]:
                    """What reads the store while the exports are written: the summary and catalog
                    (if not answered yet), the report, the graph pages and the static site. Their
                    files, and the site's pages."""
                    _answers_and_report(graph, staging, report, answers, "summary" not in answered)
                    drawn = answered.get("graph pages")  # (drawn while the generation was validated)
                    if drawn is not None:
                        files, seconds["graph pages"] = drawn.result(), drawn.seconds
                    else:
                        mark = time.perf_counter()
                        files = _graph_pages(graph, staging, progress)
                        seconds["graph pages"] = time.perf_counter() - mark
                    resources = answered["summary"].subjects
                    if site is None and resources > SITE_PAGES_UP_TO:
                        progress(f"the static site left out: {counted(resources, 'resource')} is more than "
                                 f"{SITE_PAGES_UP_TO:,} (kg serve renders each page when asked; kg build --site writes "
                                 f"them all)")
                        return files, 0
                    if site is False:
                        return files, 0
                    mark = time.perf_counter()
                    site_pages = _write_site(view, staging / "site", progress)
                    seconds["site"] = time.perf_counter() - mark
                    return [*files, staging / "site"], site_pages

                written, (drawn, pages) = _exports_meanwhile(graph, staging, seconds, meanwhile,
                                                             early[0] if early else None)
                written += drawn
        finally:
            for exports in early:
                exports.stop()
        if docs:
            mark = time.perf_counter()
            progress("ontology documentation (pyLODE)")
            from kg.publish.docs import write_html  # pyLODE is slow to import; only the build needs it

            write_html(staging / "ontology.html")
            written.append(staging / "ontology.html")
            seconds["docs"] = time.perf_counter() - mark
        written += [staging / n for n in ("summary.md", "summary.json", "validation.txt", "queries", "queries.md")]
    del changes
    from kg.publish.export import EXPORTS_RECORD, exports_record

    with graphs.reader() as view:  # where this generation's exports are: `kg export` copies them
        if view.manifest.generation == graph_generation:
            graphs.add_record(view, EXPORTS_RECORD, exports_record(
                {fmt: output / f"county-kg{suffix}" for fmt, suffix in
                 (("nt", ".nt"), ("ttl", ".ttl"), ("jsonld", ".jsonld"), ("trig", ".trig"))}))
            # what was written, and from what: the next build with nothing changed writes nothing
            graphs.add_record(view, OUTPUT_RECORD, _output_record(output, graph_generation, _output_key(key), docs,
                                                                  site, pages))
    files = sorted(output / p.name for p in written)
    return BuildResult(output, answered["summary"], report, files, location, seconds,
                       time.perf_counter() - started, how, pages)


def validate(files: Sequence[Path | str] | None = None, *, lang: str = "en", texts: Mapping[str, str] | None = None,
             say: Progress = _quiet, progress: Progress = _quiet) -> ValidationReport:
    """``kg validate``: the project's graph (its store brought up to date; the validation
    recorded beside the store's generation when nothing changed since, else only what changed
    validated again and recorded) or ``files`` with the project's ontology and shapes (in a
    temporary store). ``say``: the one line saying the store was not current."""
    texts = source_texts() if texts is None else texts
    if files:
        with project.temporary(files) as view:
            return validation.validate(StoreGraph.of(view), texts=texts, lang=lang, progress=progress).report
    key = validation.validator_key()
    graphs = GraphStore(project.location())
    given, made = project.recorded_inputs(graphs)
    changes = graphs.changes(given)
    if not changes.current:
        say(f"kg: the store in {graphs.directory} is not current ({changes.describe()}); updating it"
            + project.workspace_note(graphs, changes, None))

    def record(draft: Draft) -> None:
        validated = _validate(draft, StoreGraph.of(draft), key, texts, progress, None, 2)
        draft.write_record(validation.RECORD, validation.to_record(validated, key))

    graphs.update(given, recipe=made, before_publish=record, progress=progress)
    project.record_workspace(graphs, None)
    with graphs.reader() as view:
        graph = StoreGraph.of(view)
        found = validation.from_record(graph, view.record(validation.RECORD), key, lang=lang)
        if found is None:
            found = validation.validate(graph, texts=texts, lang=lang, progress=progress)
            graphs.add_record(view, validation.RECORD, validation.to_record(found, key))
        return found.report


def _validate(draft: Draft, graph: StoreGraph, key: str, texts, progress: Progress, answers, workers: int):
    """The new generation validated: incrementally from the previous generation's record when
    only some data graphs changed (not the ontology), else whole."""
    changes = draft.changes
    previous = None
    if draft.previous is not None and not changes.rebuild:
        before = StoreGraph.of(draft.previous)
        previous = validation.from_record(before, draft.previous.record(validation.RECORD), key)
    touched = [*changes.added, *changes.changed]
    ontology_changed = draft.previous is None or any(i.role == "ontology" for i in touched) or any(
        draft.previous.manifest.entries[g].role == "ontology" for g in changes.removed)
    if previous is None or ontology_changed:
        progress("validating (SHACL shapes, SPARQL checks, quotes)")
        return validation.validate(graph, texts=texts, workers=workers, progress=progress,
                                   meanwhile=answers and (lambda: answers(graph)))
    progress("validating what changed (SHACL shapes, SPARQL checks, quotes)")
    added = b"".join(draft.ntriples_path(i.graph).read_bytes() for i in touched)
    removed = b"".join(draft.previous.ntriples_path(g).read_bytes()
                       for g in [*changes.removed, *(i.graph for i in changes.changed)])
    return validation.validate_changes(graph, previous, added, removed, texts=texts, progress=progress,
                                       meanwhile=answers and (lambda: answers(graph)),
                                       touched={*(i.graph for i in touched), *changes.removed})


_Done = TypeVar("_Done")


def _exports_meanwhile(graph: StoreGraph, staging: Path, seconds: dict[str, float],
                       meanwhile: Callable[[], _Done], started=None) -> tuple[list[Path], _Done]:
    """The exports written in a process of their own (kg.publish.ntexport.ExportsInBackground:
    they read only the store's cached files) while this one does ``meanwhile()`` (the summary,
    the catalog, the report, the graph pages, the site: what reads the store), on two cores.
    Their files, and what ``meanwhile`` returned; the exports are stopped if ``meanwhile``
    fails or is interrupted. ``started``: the exports (an ExportsInBackground) already started
    while the store loaded the same inputs (then they are not started again)."""
    from kg.publish.ntexport import ExportsInBackground

    exports = started if started is not None else ExportsInBackground(graph, staging)
    try:
        done = meanwhile()
        written = exports.result()
    finally:
        exports.stop()
    seconds["exports"] = sum(s for _path, s in written.values())
    return [path for path, _s in written.values()], done


def _answers_and_report(graph: StoreGraph, staging: Path, report: ValidationReport, answers, answer: bool) -> None:
    if answer:
        answers(graph)
    (staging / "validation.txt").write_text(report.to_text(), encoding="utf-8")


def _write_site(view, directory: Path, progress: Progress) -> int:
    """``directory`` (inside the build's staging directory): the pages of the store's
    generation ``view`` (a kg.store.persistent Reader), as `kg serve` reads them. Each process
    writing pages opens the generation read-only itself rather than sharing the parent's
    handle."""
    from kg.pages.site import write_site

    progress("the static site (a page per resource, the article view, search)")
    result = write_site(view.store, directory, progress=progress, location=view.generation / "oxigraph")
    progress(f"  {result.pages} pages in {result.seconds:.1f} s")
    return result.pages


class _GraphPagesBeside:
    """:func:`_graph_pages` in a thread of its own, started now: the store's calls from a thread
    other than the main one run in it (kg.store.engine), beside the main thread's. The project's
    pages took 1.2 s after the validation, one core idle. :meth:`wait` before ``graph``'s store
    closes or ``staging`` is removed (a failure, Ctrl-C: the pages take about a second);
    :meth:`result` gives the files, or raises what the drawing raised."""

    def __init__(self, graph: StoreGraph, staging: Path, progress: Progress):
        import threading

        self.files: list[Path] | None = None
        self.error: BaseException | None = None
        self.seconds = 0.0

        def draw() -> None:
            started = time.perf_counter()
            try:
                self.files = _graph_pages(graph, staging, progress)
            except BaseException as exc:  # noqa: BLE001 - raised again in the main thread (result)
                self.error = exc
            self.seconds = time.perf_counter() - started

        self.thread = threading.Thread(target=draw, name="kg-graph-pages", daemon=True)
        self.thread.start()

    def wait(self) -> None:
        """Until the drawing ended. A Ctrl-C meanwhile waits too (the program ignores a second
        one: kg.cli.signals), so that no page is written after its directory went."""
        try:
            self.thread.join()
        except KeyboardInterrupt:
            self.thread.join()
            raise

    def result(self) -> list[Path]:
        self.wait()
        if self.error is not None:
            raise self.error
        return self.files or []


def _graph_pages(graph: StoreGraph, staging: Path, progress: Progress) -> list[Path]:
    """``graph.html`` and one page per theme, for a graph small enough to draw whole."""
    size = sum(e.triples for e in graph.data_entries if Path(e.path).parent.name != "gazetteer")
    if size > GRAPH_PAGES_UP_TO:
        progress(f"interactive graph pages left out: {size} triples is too many to draw (use kg viz --focus NODE)")
        return []
    progress("interactive graphs (whole graph and one per theme)")
    from kg.explore.network import explorable_graph
    from kg.explore.viz import write_graphs
    from kg.query.readers import Origin

    return write_graphs(explorable_graph(Origin(loaded=graph.store)), staging)
