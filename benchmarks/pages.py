"""county-kg benchmarks of the pages (kg.pages), against the targets they were built for, each
beside a floor measured in the same run:

- render: a page rendered on the server (read with SPARQL, views, HTML) for a sample of every
  class's resources, with the L graph (~1.07M triples: the curated data and 2,978 synthetic
  counties) loaded; target p95 <= 50 ms. Floor: the page's DESCRIBE query alone.
- site: the static site of the project (`kg build` writes it to dist/site/); target <= 15 s.
  Floor: the same documents read and written as Turtle and JSON-LD only, without HTML.
- article: the article view in headless chromium, from navigation to every highlight
  interactive; target <= 1 s. Floor: the home page's load in the same browser.

Run: ``.venv/bin/python benchmarks/pages.py`` (``make bench`` runs it after bench.py); writes
benchmarks/PAGES.md. Times are wall clock and CPU time of this process (the machine may be
shared: the load average is reported). No test asserts any of them.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

WORK = Path(os.environ.get("KG_BENCH_DIR", "/tmp/county-kg-bench"))
SEED = 42
PER_CLASS = 25
CHROMIUM = Path("/usr/bin/chromium")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


_HELD = None


def held_store(files: list[Path]):
    """A kg.store.persistent store of the ontology and ``files`` in a temporary directory, as
    kg.store.persistent.Reader (the pages read its ``store``); held until the process ends."""
    import contextlib

    from kg.store import project

    global _HELD
    _HELD = _HELD or contextlib.ExitStack()
    return _HELD.enter_context(project.temporary(files))


def project_store():
    from kg.store.load import data_files

    return held_store(data_files())


def large_store(counties: int):
    from kg import synth

    path = WORK / f"synth-pages-{counties}.nt"
    if not path.exists():
        WORK.mkdir(parents=True, exist_ok=True)
        synth.write(path, counties, SEED, base=synth.curated_files(), force=True)
    return held_store([*synth.curated_files(), path])


def sample(pages, per_class: int) -> list[tuple[str, str]]:
    """Up to ``per_class`` documents of each class (their main resource's first type), drawn
    with a fixed seed."""
    index = pages.reader.index()
    by_class: dict[str, list[str]] = defaultdict(list)
    for document, resources in index.documents.items():
        types = index.types.get(resources[0], [])
        by_class[types[0] if types else ""].append(document)
    chosen = []
    rng = random.Random(SEED)
    for cls, documents in sorted(by_class.items()):
        for document in rng.sample(documents, min(per_class, len(documents))):
            chosen.append((cls, document))
    return chosen


def render(store, label: str) -> dict:
    from kg.pages.iris import compact
    from kg.pages.publisher import Pages

    pages = Pages(store, static=False, editor=True)
    started = time.perf_counter()
    pages.reader.index()
    index_seconds = time.perf_counter() - started
    chosen = sample(pages, PER_CLASS)
    for _cls, document in chosen[:20]:  # warm: property and class names cached, as on a running server
        pages.resource(document)
    wall, cpu, floor, slowest = [], [], [], []
    by_class: dict[str, list[float]] = defaultdict(list)
    for cls, document in chosen:
        resources = pages.reader.index().documents[document]
        started = time.perf_counter()
        list(store.query("DESCRIBE " + " ".join(f"<{r}>" for r in resources)))
        floor.append(time.perf_counter() - started)
        started, cpu_started = time.perf_counter(), time.process_time()
        html = pages.resource(document)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
        by_class[compact(cls) if cls else "-"].append(wall[-1])
        slowest.append((wall[-1], document, len(html)))
    slowest.sort(reverse=True)
    return {"label": label, "triples": len(store), "documents": len(pages.reader.index().documents),
            "index_seconds": index_seconds, "pages": len(chosen),
            "p50": percentile(wall, 0.5), "p95": percentile(wall, 0.95), "max": max(wall),
            "cpu_p95": percentile(cpu, 0.95), "floor_p95": percentile(floor, 0.95),
            "by_class": {cls: percentile(times, 0.95) for cls, times in sorted(by_class.items())},
            "slowest": slowest[:5]}


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def site(view) -> dict:
    from kg.pages.describe import description
    from kg.pages.publisher import Pages
    from kg.pages.site import write_site

    store = view.store
    location = str(view.generation / "oxigraph")

    directory = Path(tempfile.mkdtemp(dir=WORK, prefix="site-"))
    try:
        started, cpu_started, children = time.perf_counter(), time.process_time(), _children_cpu()
        # as kg build writes it: each worker process opens the generation itself
        result = write_site(store, directory / "site", location=location)
        # this process and its worker processes (kg.pages.site.Writers)
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu_started + _children_cpu() - children
        files = len(result.files)
        size = sum(p.stat().st_size for p in result.files)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    pages = Pages(store, static=True)
    documents = pages.documents()
    started = time.perf_counter()
    for start in range(0, len(documents), 200):
        for data in pages.reader.documents(documents[start:start + 200]):
            description(data, "ttl")
            description(data, "jsonld")
    floor = time.perf_counter() - started
    index = pages.reader.index()
    classes = Counter()
    for document in documents:
        types = index.types.get(index.documents[document][0], [])
        classes[types[0] if types else ""] += 1
    return {"seconds": seconds, "cpu": cpu, "pages": result.pages, "files": files, "bytes": size,
            "floor": floor, "by_class": classes, "documents": len(documents)}


def article(runs: int) -> dict | None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not CHROMIUM.exists():
        return None
    sys.path.insert(0, str(ROOT / "tests"))
    from serving import app_in_thread

    from kg.publish.source import GivenStore

    import pyoxigraph as ox

    store = ox.Store()  # in memory: a query process forked by the server may read it
    store.extend(project_store().store.quads_for_pattern(None, None, None, None))
    ready, click, home = [], [], []
    with app_in_thread(GivenStore(store)) as (url, _app), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                             args=["--headless", "--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(url + "/") else r.abort())
        page.goto(url + "/article/shuifu-2023-08-22")  # the server renders it once; then it is cached
        page.goto(url + "/")
        for _run in range(runs):
            page.goto(url + "/", wait_until="load")
            home.append(page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd") / 1000)
            page.goto(url + "/article/shuifu-2023-08-22", wait_until="commit")
            page.wait_for_selector("html[data-article-ready]")
            # every highlight has its handler once article.js has run; measured from navigation start
            ready.append(page.evaluate("performance.now()") / 1000)
            count = page.locator("a.hl").count()
            started = time.perf_counter()
            page.locator("a.hl").last.click()
            page.wait_for_selector("#facts li[data-quote]:not([hidden])")
            click.append(time.perf_counter() - started)
        browser.close()
    return {"ready": statistics.median(ready), "ready_max": max(ready), "click": statistics.median(click),
            "home": statistics.median(home), "highlights": count, "runs": runs}


def report(results: dict) -> str:
    load = results["load"]
    lines = ["# county-kg pages: benchmark results", "",
             f"Generated by `benchmarks/pages.py` on {results['started']} in {results['elapsed'] / 60:.1f} min; "
             f"load average before {load[0]:.2f}, after {load[1]:.2f} (2 shared cores: wall times are upper "
             "bounds for an idle machine; CPU times are this process's own).", "",
             "| target | measured | floor in the same run | target met |", "| --- | ---: | ---: | :---: |"]
    for entry in results["render"]:
        lines.append(f"| page render p95, {entry['label']} ({entry['triples']:,} triples), {entry['pages']} pages "
                     f"<= 50 ms | {entry['p95'] * 1000:.1f} ms wall, {entry['cpu_p95'] * 1000:.1f} ms CPU "
                     f"(p50 {entry['p50'] * 1000:.1f} ms, max {entry['max'] * 1000:.0f} ms) | DESCRIBE alone p95 "
                     f"{entry['floor_p95'] * 1000:.2f} ms | {'yes' if entry['p95'] <= 0.05 else 'no'} |")
    s = results["site"]
    lines.append(f"| static site of the project <= 15 s | {s['seconds']:.1f} s wall, {s['cpu']:.1f} s CPU of all its "
                 f"processes "
                 f"({s['pages']} pages, {s['files']} files, {s['bytes'] / 1e6:.0f} MB) | data files only: "
                 f"{s['floor']:.1f} s | {'yes' if s['seconds'] <= 15 else 'no'} |")
    a = results.get("article")
    if a:
        lines.append(f"| article view, all {a['highlights']} highlights interactive <= 1 s | {a['ready'] * 1000:.0f} ms "
                     f"(median of {a['runs']}, max {a['ready_max'] * 1000:.0f} ms); a click to its facts "
                     f"{a['click'] * 1000:.0f} ms | home page loaded: {a['home'] * 1000:.0f} ms | "
                     f"{'yes' if a['ready'] <= 1 else 'no'} |")
    else:
        lines.append("| article view <= 1 s | not measured (needs Playwright and chromium: `make install-test`) | | |")
    lines += ["", "## Render p95 by class", ""]
    for entry in results["render"]:
        lines.append(f"- {entry['label']} (index of {entry['documents']:,} documents read in "
                     f"{entry['index_seconds']:.2f} s at start): " + ", ".join(
                         f"{cls} {t * 1000:.1f} ms" for cls, t in entry["by_class"].items()))
        lines.append("  slowest: " + ", ".join(f"{doc.rsplit('/', 2)[-2]}/{doc.rsplit('/', 1)[-1]} "
                                               f"{t * 1000:.0f} ms ({size // 1000} kB)"
                                               for t, doc, size in entry["slowest"]))
    lines += ["", "## Pages of the project's static site by class", "", "| class | pages |", "| --- | ---: |"]
    from kg.pages.iris import compact

    for cls, count in s["by_class"].most_common():
        lines.append(f"| {compact(cls) if cls else '-'} | {count} |")
    lines.append(f"| the site's own pages (home, index, classes, catalog, search, article, 404) | "
                 f"{s['pages'] - s['documents'] + 1} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counties", type=int, default=2978, help="synthetic counties of the large graph (L: 2978)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--output", default=str(HERE / "PAGES.md"))
    args = parser.parse_args()
    started = time.perf_counter()
    results = {"started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    load_before = os.getloadavg()[0]
    print("rendering pages of the project's graph", flush=True)
    project = project_store()
    results["render"] = [render(project.store, "the project")]
    print(f"rendering pages with {args.counties} synthetic counties", flush=True)
    large = large_store(args.counties)
    results["render"].append(render(large.store, "L" if args.counties == 2978 else f"{args.counties} counties"))
    del large
    print("writing the project's static site", flush=True)
    results["site"] = site(project)
    print("the article view in chromium", flush=True)
    results["article"] = article(args.runs)
    results["load"] = (load_before, os.getloadavg()[0])
    results["elapsed"] = time.perf_counter() - started
    text = report(results)
    Path(args.output).write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
