"""county-kg benchmarks: the build's steps on the store (kg.store, kg.validate, kg.build) and the
plain rdflib + pySHACL pipeline at S, M and L (~10k, ~100k, ~1M triples), written to
benchmarks/RESULTS.md; then the interactive rows (benchmarks/interactive.py).

Run: ``make bench`` (or ``.venv/bin/python benchmarks/bench.py [--sizes S,M] [--runs 3]``).

Beside the embedded store, two external engines load the same graph (as N-Triples) and answer
the same catalog: Apache Jena (TDB2 bulk loader, ARQ; Debian's jars) and Virtuoso (its bulk
loader; SPARQL 1.1 Protocol), installed by scripts/system-deps.sh. Only these, into the
Engines section of an existing RESULTS.md (the rest of it left as it was):
``benchmarks/bench.py --engines-only``.

Every measurement runs in a fresh child process (``bench.py --child STEP ...``), so its peak
RSS is that of the step (plus what it needs loaded first) and no cache survives between runs.
Times are medians of ``--runs`` runs; a baseline step that takes longer than a minute runs
once, and one that hits its time cap is reported as "> cap".
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = Path(os.environ.get("KG_BENCH_DIR", "/tmp/county-kg-bench"))
SEED = 42
SIZES = {"S": 14, "M": 270, "L": 2978}  # counties: with the curated data ~10k, ~100k, ~1.07M triples
CAPS = {"pyshacl": 300, "rdflib_query": 120, "rudof": 120}
DEFAULT_CAP = 600


# -- the steps, each run in a child process -----------------------------------------------------


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


_HELD = None


def _graph(files: list[Path]):
    """The files (with the ontology) in a temporary store, as kg.store.graph.StoreGraph; held
    until the child process ends."""
    import contextlib

    from kg.store import project
    from kg.store.graph import StoreGraph

    global _HELD
    _HELD = _HELD or contextlib.ExitStack()
    return StoreGraph.of(_HELD.enter_context(project.temporary(files)))


def _files(size: str) -> list[Path]:
    from kg import synth

    return [*synth.curated_files(), WORK / f"synth-{size}.nt"]


class Capped(BaseException):
    pass


def _cap(seconds: float) -> None:
    """Stop the step (not its set-up) after ``seconds``: SIGALRM interrupts pure-Python work
    such as pySHACL and rdflib's SPARQL."""
    import signal

    def stop(_signum, _frame):
        raise Capped()

    signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)


def child(step: str, size: str) -> dict:
    try:
        return _child(step, size)
    except Capped:
        return {"capped": CAPS.get(step, DEFAULT_CAP), "rss_mb": _rss_mb()}


def _child(step: str, size: str) -> dict:
    sys.path.insert(0, str(ROOT / "src"))
    import kg.store.load
    from kg.query import answers
    from kg.publish import ntexport
    from kg.validate import partitions
    from kg.validate import store as vstore
    from kg import synth

    if step in ("rdflib_load", "pyshacl", "rdflib_query"):
        # The baseline is rdflib throughout: its own parser, not the pyoxigraph parser kg.load
        # takes for large files.
        kg.store.load.LARGE_FILE_BYTES = float("inf")
    files = _files(size)
    out: dict = {}
    if step == "synth":
        started = time.perf_counter()
        written = synth.write(WORK / f"synth-{size}-timed.nt", SIZES[size], SEED, base=synth.curated_files(), force=True)
        out["seconds"] = time.perf_counter() - started
        out["triples"] = written.triples
    elif step == "load":
        started = time.perf_counter()
        graph = _graph(files)
        out["seconds"] = time.perf_counter() - started
        out["triples"] = len(graph)
    elif step in ("validate", "shacl", "turbo_whole"):
        graph = _graph(files)
        started = time.perf_counter()
        if step == "validate":
            report = vstore.validate(graph, texts=synth.SourceTexts(vstore.project_texts())).report
            out["conforms"], out["results"] = report.conforms, len(report.results)
            out["shacl_seconds"] = graph.seconds.get("shacl")
        else:
            result = partitions.validate_shacl(graph, partitioned=None if step == "shacl" else False)
            out["conforms"], out["results"], out["partitions"] = result.conforms, len(result.rows), result.partitions
        out["seconds"] = time.perf_counter() - started
    elif step == "catalog":
        graph = _graph(files)
        started = time.perf_counter()
        answers = answers.answer_catalog(graph.store)
        out["seconds"] = time.perf_counter() - started
        out["queries"] = {name: s for name, (_r, s) in answers.items()}
        out["rows"] = {name: len(r.rows) for name, (r, _s) in answers.items()}
        out["engine"] = _engine_times(graph)
    elif step == "network":
        out.update(_network(files, size))
    elif step == "export":
        import tempfile

        graph = _graph(files)
        with tempfile.TemporaryDirectory(dir=WORK) as directory:
            started = time.perf_counter()
            written = ntexport.write_exports(graph, Path(directory))
            out["seconds"] = time.perf_counter() - started
            out["formats"] = {fmt: s for fmt, (_p, s) in written.items()}
            out["bytes"] = sum(p.stat().st_size for p, _s in written.values())
    elif step == "build":
        import shutil

        from kg.build.pipeline import build

        target = WORK / f"dist-{size}"
        started = time.perf_counter()
        # kg build on these files into a new store: clean, store, validate (summary and catalog
        # meanwhile), exports, graph pages (left out above 200k triples)
        shutil.rmtree(WORK / f"store-{size}", ignore_errors=True)
        result = build(target, data=files, docs=False, store=WORK / f"store-{size}")
        out["seconds"] = time.perf_counter() - started
        out["steps"] = result.seconds
        out["conforms"] = result.report.conforms
        out["export_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        shutil.rmtree(target, ignore_errors=True)
    elif step == "import":
        import shutil

        from kg.store import project
        from kg.store.graph import StoreGraph
        from kg.store.persistent import GraphStore

        location = WORK / f"import-store-{size}"
        shutil.rmtree(location, ignore_errors=True)
        store = GraphStore(location)
        base = [*synth.curated_files(), WORK / f"synth-{size}-rest.nt"]
        county = WORK / f"synth-{size}-county.nt"
        texts = synth.SourceTexts(vstore.project_texts())
        store.update(project.inputs(base))
        with store.reader() as view:
            before = vstore.validate(StoreGraph.of(view), texts=texts)
            out["full_validation_seconds"] = before.seconds.get("validate")
        started = time.perf_counter()
        store.update(project.inputs([*base, county]))
        with store.reader() as view:
            graph = StoreGraph.of(view)
            added = view.ntriples_path(project.inputs([county])[-1].graph).read_bytes()
            result = vstore.validate_changes(graph, before, added, b"", texts=texts)
        out["seconds"] = time.perf_counter() - started
        out["shacl_seconds"] = result.seconds.get("shacl")
        out["focus_nodes"] = result.shacl.focus_nodes
        out["conforms"] = result.report.conforms
        shutil.rmtree(location, ignore_errors=True)
    elif step == "rdflib_load":
        from kg.store.load import load

        started = time.perf_counter()
        loaded = load(files)
        out["seconds"] = time.perf_counter() - started
        out["triples"] = len(loaded.data) + len(loaded.ontology)
    elif step == "pyshacl":
        from kg.store.load import load
        from kg.validate.report import run_shacl

        loaded = load(files)
        started = time.perf_counter()
        _cap(CAPS["pyshacl"])
        _report_graph, rows = run_shacl(loaded.data, loaded.ontology, loaded.shapes, engine="pyshacl")
        out["seconds"] = time.perf_counter() - started
        out["results"] = len(rows)
    elif step == "rudof":
        from kg.validate import engines as shacl_engines

        graph = _graph(files)
        started = time.perf_counter()
        _cap(CAPS["rudof"])
        run = shacl_engines.validate(graph.store, graph.shapes, "rudof")
        out["seconds"] = time.perf_counter() - started
        out["results"] = len(run.rows)
    elif step in ("jena", "virtuoso"):
        out.update(_engine(step, size))
    elif step in ("rdflib_query", "oxigraph_query"):
        from kg.query.catalog import find
        from kg.store.load import load
        from kg.query.engines import Engines, run_query

        query = find("02")
        if step == "rdflib_query":
            engines = Engines(load(files))
            engines.graph  # noqa: B018 - build the union graph before timing
            engine = "rdflib"
        else:
            engines = Engines(store=_graph(files).store)
            engine = "oxigraph"
        params = {"policy": f"pol:synth-{SIZES_FIRST[size]}-county-industry-strategy"}
        started = time.perf_counter()
        if step == "rdflib_query":
            _cap(CAPS["rdflib_query"])
        results = run_query(query, params, engine=engine, engines=engines)
        out["seconds"] = time.perf_counter() - started
        out["rows"] = len(results.rows)
    else:
        raise SystemExit(f"unknown step {step}")
    out["rss_mb"] = _rss_mb()
    return out


SIZES_FIRST = {size: "110101" for size in SIZES}  # the first division is in every pick


ENGINE_GRAPH = "https://w3id.org/county-kg/graph/county-kg"
#: The external engines answer the catalog this many times; the last round is reported: a
#: server that has been running (JIT-compiled JVM, pages in memory, plans cached).
WARM_ROUNDS = 3


def _engine(step: str, size: str) -> dict:
    """Load the graph (ontology and data as one N-Triples file, written by prepare) into an
    external engine with its bulk loader, then ask it the catalog (default parameters bound as
    `kg query --endpoint` binds them). Load time: wall clock of the loader, JVM start included
    for Jena. Catalog times: each question inside Jena's JVM (parse, evaluate, write the JSON
    answer), or through the SPARQL protocol for Virtuoso (request to parsed answer); the last of
    WARM_ROUNDS rounds."""
    import shutil

    from kg.query.catalog import catalog
    from kg.query.remote import bound_text

    source = WORK / f"engines-{size}.nt"
    texts = {query.name: bound_text(query) for query in catalog()}
    if step == "jena":
        from kg.publish.jena import Jena

        jena = Jena(cache=WORK / "jena-cache", heap="8g")
        jena.classpath  # noqa: B018 - build the class-path folder before timing
        location = WORK / f"tdb2-{size}"
        shutil.rmtree(location, ignore_errors=True)
        load_seconds = jena.tdb2_load(location, [source])
        batch = jena.query_batch(location, texts, workdir=WORK, rounds=WARM_ROUNDS)
        answers, errors = batch.answers, batch.errors
        shutil.rmtree(location, ignore_errors=True)
        version = jena.version()
    else:
        from kg.query.remote import Endpoint, run_query
        from kg.publish.virtuoso import Virtuoso
        from kg.errors import KgError

        folder = WORK / f"virtuoso-{size}"
        shutil.rmtree(folder, ignore_errors=True)
        answers, errors = {}, {}
        with Virtuoso(folder, memory_gb=4, allowed=[WORK]) as server:
            load_seconds = server.bulk_load([source], ENGINE_GRAPH)
            version = server.isql("SELECT sys_stat('st_dbms_ver');").split()[-1]
            with Endpoint(server.sparql_url, default_graphs=[ENGINE_GRAPH], timeout=600) as endpoint:
                for _round in range(WARM_ROUNDS):
                    for query in catalog():
                        try:
                            answers[query.name] = run_query(query, None, endpoint)
                        except KgError as exc:
                            errors[query.name] = str(exc)[:200]
        shutil.rmtree(folder, ignore_errors=True)
    return {"seconds": load_seconds, "version": version,
            "queries": {name: r.seconds for name, r in answers.items()},
            "rows": {name: len(r.rows) for name, r in answers.items()}, "errors": errors,
            "engine_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def _engine_times(graph) -> dict[str, float]:
    """Each catalog question's time inside Oxigraph alone: evaluate and walk the solutions,
    without turning them into rdflib terms (what kg.query.Results adds) or rendering them."""
    import pyoxigraph as ox

    from kg.query.catalog import catalog
    from kg.namespaces import PREFIXES
    from kg.store.sparql import _to_ox, with_values
    from kg.query.engines import bind_parameters

    prefixes = {p: str(ns) for p, ns in PREFIXES.items()}
    times = {}
    for item in catalog():
        bound = bind_parameters(item, {})
        bindings = {ox.Variable(k): _to_ox(v) for k, v in bound.items()}
        started = time.perf_counter()
        solutions = graph.store.query(with_values(item.text, bound), prefixes=prefixes, substitutions=bindings)
        if isinstance(solutions, ox.QuerySolutions):
            for _solution in solutions:
                pass
        times[item.name] = time.perf_counter() - started
    return times


def _network(files: list[Path], size: str) -> dict:
    """Network analysis and a page for one county's subgraph (its nodes and their neighbours)."""
    import pyoxigraph as ox
    from rdflib import Graph

    from kg.validate import partitions
    from kg.explore.analyze import communities, rank
    from kg.explore.network import build_view
    from kg.explore.viz import render_html

    graph = _graph(files)
    started = time.perf_counter()
    code = SIZES_FIRST[size]
    subjects = [r[0].value for r in graph.store.query(
        f"SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(CONTAINS(STR(?s), '-{code}')) }}")]
    local = partitions.locality(graph.shapes)
    data = graph.store.query(partitions.neighbourhood_query(subjects, local.inverse)).serialize(format=ox.RdfFormat.N_TRIPLES)
    sub = Graph().parse(data=(data + partitions._ontology_nt(graph)).decode("utf-8"), format="nt")
    extracted = time.perf_counter()
    view = build_view(sub)
    rank(view, top=10)
    communities(view)
    page = render_html(view)
    return {"seconds": time.perf_counter() - started, "extract_seconds": extracted - started,
            "subgraph_triples": len(sub), "nodes": view.number_of_nodes(), "page_bytes": len(page)}


# -- the parent: prepare, run, report -------------------------------------------------------------


FAST_STEPS = ["synth", "load", "validate", "shacl", "catalog", "network", "export", "build", "import"]
BASELINE_STEPS = ["rdflib_load", "pyshacl", "rdflib_query", "oxigraph_query", "turbo_whole", "rudof"]
ENGINE_STEPS = ["jena", "virtuoso"]
LABELS = {
    "synth": "kg synth (write N-Triples)", "load": "store (a new on-disk pyoxigraph store)",
    "validate": "validate: shapes + checks + quotes", "shacl": "  of which SHACL (turbo; in partitions of ~2.5k triples above 20k)",
    "catalog": "question catalog (all queries, Oxigraph)", "network": "network analysis + viz of a county subgraph",
    "export": "exports (ttl, nt, jsonld, trig)",
    "build": "whole kg build (clean, store, validate, summary, catalog, exports, graph pages; no docs)",
    "import": "one more county into the store (incremental validation)",
    "rdflib_load": "baseline: load (rdflib, kg.load)", "pyshacl": "baseline: SHACL (pySHACL)",
    "rdflib_query": "baseline: policy->program->outcome query (rdflib)",
    "oxigraph_query": "same query on Oxigraph", "turbo_whole": "SHACL, pyshacl-turbo on the whole graph",
    "rudof": "SHACL, pyrudof (not exact, comparison only)",
    "jena": "Apache Jena: TDB2 bulk load (tdb2.tdbloader)", "virtuoso": "Virtuoso: bulk load (ld_add, rdf_loader_run)",
}


def run_child(step: str, size: str, cap: float) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", step, size]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    started = time.perf_counter()
    try:
        # the step caps itself (SIGALRM); this limit also covers its set-up (rdflib loads 1M
        # triples in about a minute) and anything that does not return to Python
        done = subprocess.run(command, capture_output=True, text=True, timeout=cap + 300, env=env, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"capped": cap, "seconds": time.perf_counter() - started}
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1][:200]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def prepare(size: str) -> int:
    """The synthetic file of a size, and the same split into 'all but one county' and 'that county'."""
    from kg import synth

    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"synth-{size}.nt"
    written = synth.write(path, SIZES[size], SEED, base=synth.curated_files(), force=True)
    code = SIZES_FIRST[size]
    name = f"<{synth.graph_name(code)}> .\n"
    with (WORK / f"synth-{size}-rest.nt").open("w", encoding="utf-8") as rest, \
            (WORK / f"synth-{size}-county.nt").open("w", encoding="utf-8") as county:
        for line in synth.synthesize(SIZES[size], SEED, graphs=True, base=synth.curated_files()):
            triple = re.sub(r" <[^>]*/graph/synth/[0-9]+> \.\n$", " .\n", line)
            (county if line.endswith(name) else rest).write(triple)
    write_engine_input(size)
    return written.triples


def write_engine_input(size: str) -> Path:
    """Ontology and data of a size as one N-Triples file: what the external engines load."""
    import pyoxigraph as ox

    graph = _graph(_files(size))
    path = WORK / f"engines-{size}.nt"
    graph.store.dump(str(path), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    return path


def measure(step: str, size: str, runs: int) -> dict:
    cap = CAPS.get(step, DEFAULT_CAP)
    samples = []
    for n in range(runs):
        result = run_child(step, size, cap)
        samples.append(result)
        print(f"  {size} {step} run {n + 1}: " + (f"> {cap} s (cap)" if "capped" in result else
              result.get("error") or f"{result['seconds']:.3f} s, {result['rss_mb']:.0f} MB"), flush=True)
        if "capped" in result or "error" in result or \
                (result.get("seconds", 0) > 60 and step in BASELINE_STEPS + ENGINE_STEPS):
            break
    good = [s for s in samples if "seconds" in s and "capped" not in s and "error" not in s]
    summary = {"runs": len(good), "samples": samples}
    if good:
        summary["seconds"] = statistics.median(s["seconds"] for s in good)
        summary["rss_mb"] = max(s["rss_mb"] for s in good)
        summary["last"] = good[-1]
    elif any("capped" in s for s in samples):
        summary["capped"] = cap
    else:
        summary["error"] = samples[-1].get("error")
    return summary


def exponent(points: list[tuple[float, float]]) -> float | None:
    """Slope of the least-squares line through (log triples, log seconds)."""
    points = [(math.log(n), math.log(t)) for n, t in points if n > 0 and t and t > 0]
    if len(points) < 2:
        return None
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    sxx = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else None


def machine() -> dict:
    info = {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        info["cpu"] = re.search(r"model name\s*:\s*(.*)", cpuinfo).group(1).strip()
        meminfo = Path("/proc/meminfo").read_text()
        info["memory_gb"] = round(int(re.search(r"MemTotal:\s*(\d+)", meminfo).group(1)) / 1024 / 1024, 1)
    except (OSError, AttributeError):
        pass
    from importlib.metadata import PackageNotFoundError, version

    packages = {}
    for name in ("rdflib", "pyshacl", "pyshacl-turbo", "pyoxigraph", "pyrudof", "networkx"):
        try:
            packages[name] = version(name)
        except PackageNotFoundError:
            packages[name] = "not installed"
    info["packages"] = packages
    return info


def fmt_time(entry: dict) -> str:
    if entry is None:
        return "-"
    if "capped" in entry:
        return f"> {entry['capped']} s"
    if "error" in entry:
        return "error"
    seconds = entry["seconds"]
    text = f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"
    return text + ("" if entry["runs"] >= 3 else f" (n={entry['runs']})")


def fmt_rss(entry: dict) -> str:
    return f"{entry['rss_mb']:.0f} MB" if entry and "rss_mb" in entry else "-"


def report(results: dict, triples: dict, info: dict, load_before, load_after, started: str, elapsed: float) -> str:
    sizes = [s for s in SIZES if s in results]
    lines = ["# county-kg benchmark results", "",
             f"Generated by `make bench` (benchmarks/bench.py) on {started}, in {elapsed / 60:.1f} min.", "",
             "## Machine", "",
             f"- CPU: {info.get('cpu', '?')}, {info['cores']} cores; memory {info.get('memory_gb', '?')} GB",
             f"- Python {info['python']} on {info['platform']}",
             "- packages: " + ", ".join(f"{k} {v}" for k, v in info["packages"].items()),
             f"- load average (1, 5, 15 min) before: {', '.join(f'{x:.2f}' for x in load_before)}; "
             f"after: {', '.join(f'{x:.2f}' for x in load_after)}",
             "- the machine is shared: other processes used CPU during the run (load average above), "
             "so times are upper bounds for an idle machine.", "",
             "## Graphs", "",
             "The project's curated data (core, sources, themes; the generated gazetteer is left out, "
             "the synthetic graph describes its divisions itself) plus `kg synth --seed 42 --base curated` "
             "counties, and the ontology:", "",
             "| size | counties | triples (ontology + data) |", "| --- | ---: | ---: |"]
    lines += [f"| {s} | {SIZES[s]} | {triples[s]:,} |" for s in sizes]
    lines += ["", "## Steps", "",
              "Median of 3 runs (baseline steps over a minute: one run), each in a fresh process; "
              "peak RSS of that process (which also loads what the step needs). A capped step is "
              "stopped after its cap (pySHACL 300 s, rdflib query 120 s), not counting the load before "
              "it. Exponent: slope of log(time) over log(triples) through S, M, L.", "",
              "| step | " + " | ".join(f"{s} time | {s} peak RSS" for s in sizes) + " | exponent |",
              "| --- |" + " ---: | ---: |" * len(sizes) + " ---: |"]
    for step in FAST_STEPS + BASELINE_STEPS:
        row = [LABELS[step]]
        points = []
        for s in sizes:
            entry = results[s].get(step)
            row += [fmt_time(entry), fmt_rss(entry)]
            if entry and "seconds" in entry and "capped" not in entry and "error" not in entry:
                points.append((triples[s], entry["seconds"]))
        slope = exponent(points) if len(points) == len(sizes) else None
        row.append(f"{slope:.2f}" if slope is not None else "-")
        lines.append("| " + " | ".join(row) + " |")
    lines += ["", "## Baseline ratios (baseline time / fast time)", "",
              "| comparison | " + " | ".join(sizes) + " |", "| --- |" + " ---: |" * len(sizes)]
    for label, slow, fast in (("load: rdflib / pyoxigraph", "rdflib_load", "load"),
                              ("SHACL: pySHACL / fast SHACL", "pyshacl", "shacl"),
                              ("SHACL: pySHACL / whole validate step", "pyshacl", "validate"),
                              ("path query: rdflib / Oxigraph", "rdflib_query", "oxigraph_query")):
        row = [label]
        for s in sizes:
            a, b = results[s].get(slow), results[s].get(fast)
            if a and b and "seconds" in b and b["seconds"] > 0:
                if "capped" in a:
                    row.append(f"> {a['capped'] / b['seconds']:.0f}x")
                elif "seconds" in a and "error" not in a:
                    row.append(f"{a['seconds'] / b['seconds']:.1f}x")
                else:
                    row.append("-")
            else:
                row.append("-")
        lines.append("| " + " | ".join(row) + " |")
    lines += engines_report(results, sizes)
    lines += ["", "## Details", ""]
    for s in sizes:
        build = results[s].get("build", {}).get("last", {})
        catalog = results[s].get("catalog", {}).get("last", {})
        imp = results[s].get("import", {}).get("last", {})
        net = results[s].get("network", {}).get("last", {})
        exp = results[s].get("export", {}).get("last", {})
        lines.append(f"### {s}")
        lines.append("")
        if build:
            lines.append("- build steps (s; the SHACL partitions run in two threads while this one answers "
                         "the checks, summary and catalog, and the exports are written by a second process "
                         "from the start): " + ", ".join(f"{k} {v:.2f}" for k, v in build.get("steps", {}).items()))
            if build.get("export_rss_mb"):
                lines.append(f"- build memory: main process {build.get('rss_mb', 0):.0f} MB peak RSS, exporting "
                             f"process {build['export_rss_mb']:.0f} MB (it counts the files' N-Triples text, "
                             "which it shares with the main process: forked, copy on write)")
        if catalog.get("queries"):
            times = sorted(catalog["queries"].values())
            slowest = sorted(catalog["queries"].items(), key=lambda i: -i[1])[:3]
            lines.append(f"- catalog ({len(times)} queries, each with its answer as kg.query.Results): median "
                         f"{statistics.median(times) * 1000:.1f} ms, max {times[-1] * 1000:.0f} ms; slowest: "
                         + ", ".join(f"{n} {t * 1000:.0f} ms ({catalog['rows'][n]} rows)" for n, t in slowest))
            lines.append("- every question (ms, rows): " + ", ".join(
                f"{n.split('-', 1)[0]} {t * 1000:.1f} ({catalog['rows'][n]})" for n, t in sorted(catalog["queries"].items())))
            if catalog.get("engine"):
                engine = sorted(catalog["engine"].values())
                lines.append(f"- catalog inside Oxigraph only (evaluate and walk the solutions): median "
                             f"{statistics.median(engine) * 1000:.1f} ms, max {engine[-1] * 1000:.0f} ms")
        if exp.get("formats"):
            lines.append("- exports (s): " + ", ".join(f"{k} {v:.2f}" for k, v in exp["formats"].items())
                         + f"; {exp.get('bytes', 0) / 1e6:.0f} MB")
        if imp:
            lines.append(f"- import of one county: {imp.get('focus_nodes')} focus nodes validated, SHACL "
                         f"{imp.get('shacl_seconds', 0):.2f} s, whole import step {imp.get('seconds', 0):.2f} s "
                         f"(validating the graph before it: {imp.get('full_validation_seconds') or 0:.2f} s)")
        if net:
            lines.append(f"- network: subgraph of {net.get('subgraph_triples')} triples, {net.get('nodes')} nodes "
                         f"(extraction {net.get('extract_seconds', 0):.2f} s)")
        shacl = results[s].get("shacl", {}).get("last", {})
        if shacl:
            lines.append(f"- SHACL: {shacl.get('partitions')} partition(s), {shacl.get('results')} results")
        lines.append("")
    return "\n".join(lines) + "\n"


def _median_ms(entry: dict | None) -> str:
    queries = (entry or {}).get("last", {}).get("queries")
    if not queries:
        return "-"
    return f"{statistics.median(queries.values()) * 1000:.1f} ms"


def engines_report(results: dict, sizes: list[str], run: str = "") -> list[str]:
    """The engines table: load time and catalog median of each engine beside the embedded store.
    ``run``: a line saying when and how it was measured, when not with the rest of the file."""
    if not any(results[s].get(step) for s in sizes for step in ENGINE_STEPS):
        return []
    versions = {step: next((results[s][step]["last"].get("version") for s in sizes
                            if results[s].get(step, {}).get("last")), "?") for step in ENGINE_STEPS}
    names = {"embedded": "embedded: Oxigraph (pyoxigraph, in process)",
             "jena": f"Apache Jena {versions['jena']}: TDB2 (tdb2.tdbloader), ARQ",
             "virtuoso": f"Virtuoso {versions['virtuoso']}: bulk loader, SPARQL protocol"}
    lines = ["", "## Engines", "",
             "The same graph (ontology and data; one N-Triples file for the external engines) loaded by "
             "each engine's bulk loader, then the 25 catalog questions with their default parameters. "
             "Load: wall clock (Jena's includes starting the JVM, about 1 s). Catalog: median time per "
             "question, measured where each is used: Oxigraph in process (answer as kg.query.Results), "
             "Jena inside its JVM (parse, evaluate, write the JSON answer), Virtuoso through the SPARQL "
             "protocol on loopback (request to parsed answer); for the external engines the third of three "
             "rounds (a server that has been running: JIT-compiled, pages in memory).", "",
             *([run, ""] if run else []),
             "| engine | " + " | ".join(f"{s} load | {s} catalog median" for s in sizes) + " |",
             "| --- |" + " ---: | ---: |" * len(sizes)]
    for key, load_step, catalog_step in (("embedded", "load", "catalog"), ("jena", "jena", "jena"),
                                         ("virtuoso", "virtuoso", "virtuoso")):
        row = [names[key]]
        for s in sizes:
            row += [fmt_time(results[s].get(load_step)), _median_ms(results[s].get(catalog_step))]
        lines.append("| " + " | ".join(row) + " |")
    lines += [""]
    for s in sizes:
        reference = results[s].get("catalog", {}).get("last", {}).get("rows", {})
        for step in ENGINE_STEPS:
            last = results[s].get(step, {}).get("last")
            if not last:
                continue
            differ = sorted(n for n, rows in last["rows"].items() if reference and reference.get(n) != rows)
            slowest = sorted(last["queries"].items(), key=lambda item: -item[1])[:3]
            lines.append(f"- {s}, {step}: engine peak RSS {last.get('engine_rss_mb', 0):.0f} MB; slowest "
                         + ", ".join(f"{n} {t * 1000:.0f} ms" for n, t in slowest)
                         + (f"; row counts unlike Oxigraph's: {', '.join(differ)}" if differ else "")
                         + (f"; errors: {', '.join(sorted(last['errors']))}" if last.get("errors") else ""))
    return lines


def merge_section(path: Path, section: list[str]) -> str:
    """``path``'s text with its "## Engines" section replaced by ``section`` (inserted before
    "## Details" if it has none); ``section`` alone if the file does not exist."""
    new = "\n".join(section).strip("\n") + "\n"
    if not path.exists():
        return new
    text = path.read_text(encoding="utf-8")
    found = re.search(r"^## Engines\n.*?(?=^## |\Z)", text, re.M | re.S)
    if found:
        return text[:found.start()] + new + "\n" + text[found.end():]
    details = re.search(r"^## Details\n", text, re.M)
    at = details.start() if details else len(text)
    return text[:at] + new + "\n" + text[at:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=2, metavar=("STEP", "SIZE"))
    parser.add_argument("--sizes", default="S,M,L")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--steps", default=",".join(FAST_STEPS + BASELINE_STEPS + ENGINE_STEPS + ["interactive"]))
    parser.add_argument("--output", default=str(HERE / "RESULTS.md"))
    parser.add_argument("--engines-only", action="store_true",
                        help="measure only the engines table (load and catalog of each engine) and write it "
                             "into the Engines section of --output, keeping the rest of the file")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child), default=str))
        return
    sys.path.insert(0, str(ROOT / "src"))
    started_at = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    started = time.perf_counter()
    load_before = os.getloadavg()
    info = machine()
    sizes = [s for s in args.sizes.split(",") if s in SIZES]
    steps = ["load", "catalog", *ENGINE_STEPS] if args.engines_only else [s for s in args.steps.split(",") if s]
    results: dict[str, dict] = {}
    triples: dict[str, int] = {}
    for size in sizes:
        print(f"{size}: preparing {SIZES[size]} counties", flush=True)
        prepare(size)
        results[size] = {}
        for step in steps:
            if step == "interactive":
                continue  # (after every size: benchmarks/interactive.py)
            if step == "rudof" and size == "L":
                continue  # minutes, and not exact: S and M say enough
            results[size][step] = measure(step, size, args.runs)
        load_entry = results[size].get("load", {}).get("last") or {}
        triples[size] = load_entry.get("triples") or 0
        (WORK / "results.json").write_text(json.dumps({"results": results, "triples": triples}, default=str))
    if args.engines_only:
        load_after = os.getloadavg()
        run = (f"Measured on {started_at} (`bench.py --engines-only`, {(time.perf_counter() - started) / 60:.1f} min; "
               f"{', '.join(f'{s} {triples[s]:,}' for s in sizes)} triples), apart from the steps above; load "
               f"average before {', '.join(f'{x:.2f}' for x in load_before)}, after "
               f"{', '.join(f'{x:.2f}' for x in load_after)}.")
        text = merge_section(Path(args.output), engines_report(results, sizes, run))
    else:
        text = report(results, triples, info, load_before, os.getloadavg(), started_at, time.perf_counter() - started)
    Path(args.output).write_text(text, encoding="utf-8")
    print(text)
    if "interactive" in steps:
        sys.path.insert(0, str(HERE))
        import interactive

        interactive.main_for(sizes, args.output)


if __name__ == "__main__":
    main()
