"""county-kg interactive benchmarks: the commands a person types, each in a fresh process, on a
workspace holding a national county table, side by side with the floor in the same run.

The floor: a fresh Python process that opens the same on-disk store with pyoxigraph
(read-only) and runs the same query text; nothing can answer from that store faster.

Sizes: the project plus a table made by ``kg.synth.table`` from the real division codes
(S: 14 counties, M: 270, L: all 2,978; 8 indicators x 3 years each: L is the national table
of 71,472 rows), imported with ``kg import``. Writes the "Interactive" section of
benchmarks/RESULTS.md (``bench.py`` keeps the rest). Run:
``.venv/bin/python benchmarks/interactive.py [--sizes S,M,L]``.
"""

from __future__ import annotations

import argparse
import compileall
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = Path(os.environ.get("KG_BENCH_DIR", "/tmp/county-kg-bench")) / "interactive"
SIZES = {"S": 14, "M": 270, "L": 2978}
#: Before the store (the issue that asked for it; the same machine): seconds and MB.
TODAY = {"query": 2.53, "county question L": 36.7, "county question L MB": 2900, "import L": 158.0,
         "import L MB": 5200, "one county L": 41.0, "build L": 22.13, "export": 10.7, "validate": 6.2}
MARK = "<!-- interactive -->"


def measured(command: list[str], env: dict, cwd: Path, timeout: float = 1800) -> dict:
    """:func:`run` with the process's own peak RSS (os.wait4 on it)."""
    started = time.perf_counter()
    with open(cwd / ".out", "wb") as out, open(cwd / ".err", "wb") as err:
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rss_mb": usage.ru_maxrss / 1024, "code": os.waitstatus_to_exitcode(status),
            "out": (cwd / ".out").read_text(encoding="utf-8", errors="replace"),
            "err": (cwd / ".err").read_text(encoding="utf-8", errors="replace")}


KG = [sys.executable, "-m", "kg"]

FLOOR = """
import sys, pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
result = store.query(open(sys.argv[2], encoding="utf-8").read())
rows = [row for row in result] if not isinstance(result, bool) else [result]
print(len(rows))
"""


def generation(store: Path) -> Path:
    return store / (store / "CURRENT").read_text(encoding="utf-8").strip() / "oxigraph"


def floor(store: Path, text: str, env: dict, cwd: Path) -> dict:
    query = cwd / ".query.rq"
    query.write_text(text, encoding="utf-8")
    return measured([sys.executable, "-c", FLOOR, str(generation(store)), str(query)], env, cwd)


def serve_first_answer(env: dict, cwd: Path) -> float:
    """Seconds from starting `kg serve` to its first answer to a query."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.perf_counter()
    process = subprocess.Popen([*KG, "serve", "--port", str(port)], env=env, cwd=cwd,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    query = urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/county-kg/ontology#Program> }")
    try:
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/query?query={query}", timeout=30) as answer:
                    answer.read()
                    return time.perf_counter() - started
            except OSError:
                if process.poll() is not None or time.perf_counter() - started > 300:
                    return float("nan")
                time.sleep(0.05)
    finally:
        process.terminate()
        process.wait(30)


def catalog_texts() -> dict[str, str]:
    sys.path.insert(0, str(ROOT / "src"))
    from kg.query.catalog import catalog
    from kg.query.remote import bound_text

    return {item.name: bound_text(item) for item in catalog()}


def whole_graph_reports() -> set[str]:
    """The catalog's quality reports (tag ``quality``): each lists what the whole graph holds
    (every observation of a national table), so its time grows with the graph, unlike a
    question about a county."""
    from kg.query.catalog import catalog

    return {item.name for item in catalog() if "quality" in item.tags}


def measure_size(size: str, texts: dict[str, str], with_project: bool) -> dict:
    sys.path.insert(0, str(ROOT / "src"))
    from kg.synth import table

    place = WORK / size
    shutil.rmtree(place, ignore_errors=True)
    place.mkdir(parents=True)
    env = {**os.environ, "KG_STORE": str(place / "store"), "KG_WORKSPACE": str(place / "ws"),
           "PYTHONPATH": str(ROOT / "src")}
    out: dict = {}

    def step(name: str, command: list[str], timeout: float = 3600) -> dict:
        result = measured(command, env, place, timeout)
        out[name] = {"seconds": result["seconds"], "rss_mb": result["rss_mb"], "code": result["code"]}
        print(f"  {size} {name}: {result['seconds']:.2f} s, {result['rss_mb']:.0f} MB, exit {result['code']}"
              + ("" if result["code"] in (0, 3) else f"\n{result['err'][-2000:]}"), flush=True)
        return result

    step("build project", [*KG, "build", "--no-docs", "-q", "-o", str(place / "dist")])
    # the same pipeline without the static site, into a store of its own (the first is current)
    result = measured([*KG, "build", "--no-docs", "--no-site", "-q", "-o", str(place / "dist-no-site")],
                      {**env, "KG_STORE": str(place / "store-no-site")}, place)
    out["build project, no site"] = {"seconds": result["seconds"], "rss_mb": result["rss_mb"], "code": result["code"]}
    print(f"  {size} build project, no site: {result['seconds']:.2f} s, {result['rss_mb']:.0f} MB", flush=True)
    shutil.rmtree(place / "store-no-site", ignore_errors=True)
    if with_project:
        mine = [step("query 11 (project)", [*KG, "query", "11", "--format", "csv"])["seconds"] for _ in range(3)]
        floors = [floor(place / "store", texts["11-shuifu-2018-change"], env, place)["seconds"] for _ in range(3)]
        out["query 11 (project)"]["seconds"] = statistics.median(mine)
        out["floor 11 (project)"] = {"seconds": statistics.median(floors)}
    rows = table.write(place / "national.csv", SIZES[size])
    out["rows"] = rows
    step("import table", [*KG, "import", str(place / "national.csv"), "-q"])
    table.write(place / "one-county.csv", 1, seed=11, indicators=5, years=4, first_year=2010)
    step("import one county (20 rows)", [*KG, "import", str(place / "one-county.csv"), "-q"])
    from kg.store.persistent import GraphStore

    out["triples"] = GraphStore(place / "store").manifest().triples
    questions = {}
    for name, text in sorted(texts.items()):
        mine = measured([*KG, "query", name, "--format", "csv", "--limit", "0"], env, place)
        bottom = floor(place / "store", text, env, place)
        questions[name] = {"seconds": mine["seconds"], "rss_mb": mine["rss_mb"], "code": mine["code"],
                           "floor": bottom["seconds"], "floor_rss_mb": bottom["rss_mb"]}
    out["questions"] = questions
    worst = max(questions.items(), key=lambda item: item[1]["seconds"])
    print(f"  {size} catalog: slowest {worst[0]} {worst[1]['seconds']:.2f} s (floor {worst[1]['floor']:.2f} s)",
          flush=True)
    step("build with the table", [*KG, "build", "--no-docs", "-q", "-o", str(place / "dist")])
    step("build unchanged", [*KG, "build", "--no-docs", "-q", "-o", str(place / "dist")])
    step("export unchanged (ttl)", [*KG, "export", "--format", "ttl", "-o", str(place / "export.ttl"), "--force"])
    step("validate unchanged", [*KG, "validate", "--format", "json"])
    out["serve first answer"] = {"seconds": serve_first_answer(env, place)}
    print(f"  {size} serve first answer: {out['serve first answer']['seconds']:.2f} s", flush=True)
    return out


def exponent(points: list[tuple[float, float]]) -> float | None:
    points = [(math.log(n), math.log(t)) for n, t in points if n > 0 and t and t > 0]
    if len(points) < 2:
        return None
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    sxx = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else None


def fmt(seconds: float | None) -> str:
    if seconds is None or seconds != seconds:
        return "-"
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def section(results: dict, started: str, elapsed: float, load: tuple) -> str:
    sizes = [s for s in SIZES if s in results]
    lines = [MARK, "## Interactive", "",
             f"Measured by `benchmarks/interactive.py` on {started} in {elapsed / 60:.1f} min; load average "
             f"(1, 5, 15 min) at the end {', '.join(f'{x:.2f}' for x in load)} on 2 shared cores: other "
             "processes used the CPU during the run, so the times are upper bounds. Each command is a "
             "fresh process (`python -m kg ...`), its peak RSS its own. Workspace: the project plus the "
             "national county table (`kg.synth.table`: the real division codes, 8 indicators x 3 years; "
             "S 14, M 270, L 2,978 counties, L = 71,472 rows). The floor: a fresh Python process "
             "opening the same store with pyoxigraph (read-only) and running the same query text.", "",
             "| row | " + " | ".join(f"{s}" for s in sizes) + " | exponent | target | before the store |",
             "| --- |" + " ---: |" * len(sizes) + " ---: | --- | --- |"]
    triples = {s: results[s].get("triples", 0) for s in sizes}
    lines.append("| triples in the store (union) | " + " | ".join(f"{triples[s]:,}" for s in sizes) + " | | | |")
    lines.append("| table rows | " + " | ".join(f"{results[s].get('rows', 0):,}" for s in sizes) + " | | | |")

    def row(label: str, key: str, target: str, today: str, rss: bool = False) -> None:
        values = [results[s].get(key, {}) for s in sizes]
        cells = []
        for v in values:
            text = fmt(v.get("seconds"))
            if rss and v.get("rss_mb"):
                text += f", {v['rss_mb']:.0f} MB"
            cells.append(text)
        slope = exponent([(triples[s], results[s].get(key, {}).get("seconds")) for s in sizes])
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {'-' if slope is None else f'{slope:.2f}'} | "
                     f"{target} | {today} |")

    first = sizes[0]
    if "query 11 (project)" in results[first]:
        mine = results[first]["query 11 (project)"]["seconds"]
        bottom = results[first]["floor 11 (project)"]["seconds"]
        lines.append(f"| `kg query 11` on the project (median of 3) / floor | {fmt(mine)} / {fmt(bottom)} = "
                     f"{mine / bottom:.1f}x floor |" + " |" * (len(sizes) - 1) +
                     f" - | <= 3x floor | {TODAY['query']:.2f} s ({TODAY['query'] / bottom:.0f}x floor) |")
    row("`kg build --no-docs`, project only (store new; with the static site)", "build project", "<= 5 s", "-",
        rss=True)
    row("`kg build --no-docs --no-site`, project only (store new)", "build project, no site", "<= 5 s", "-", rss=True)
    row("`kg import` of the table", "import table", "<= 20 s, <= 1.5 GB at L",
        f"{TODAY['import L']:.0f} s, {TODAY['import L MB']} MB at L", rss=True)
    row("`kg import` of one county's 20 rows into it", "import one county (20 rows)", "<= 2 s at L",
        f"{TODAY['one county L']:.0f} s at L", rss=True)
    for s in sizes:
        questions = results[s].get("questions", {})
        results[s]["slowest question"] = {"seconds": max((q["seconds"] for q in questions.values()), default=None),
                                          "rss_mb": max((q["rss_mb"] for q in questions.values()), default=0)}
        results[s]["median question"] = {"seconds": statistics.median([q["seconds"] for q in questions.values()])
                                         if questions else None}
        results[s]["median floor"] = {"seconds": statistics.median([q["floor"] for q in questions.values()])
                                      if questions else None}
    row("`kg query` of each catalog question: slowest (its RSS: the largest)", "slowest question",
        "<= 1 s, <= 500 MB", f"{TODAY['county question L']:.1f} s, {TODAY['county question L MB']} MB (question 23 at L)",
        rss=True)
    reports = whole_graph_reports()
    for s in sizes:
        questions = {n: q for n, q in results[s].get("questions", {}).items() if n not in reports}
        results[s]["slowest county question"] = {
            "seconds": max((q["seconds"] for q in questions.values()), default=None),
            "rss_mb": max((q["rss_mb"] for q in questions.values()), default=0)}
    row("the same, the quality reports (" + ", ".join(sorted(n.split("-", 1)[0] for n in reports))
        + ": the whole graph's rows) left out", "slowest county question", "<= 1 s, <= 500 MB", "-", rss=True)
    row("`kg query`, median over the catalog", "median question", "<= 3x floor", "-")
    row("floor (pyoxigraph, fresh process), median over the catalog", "median floor", "-", "-")
    lines.append("| `kg query` / floor, medians | " + " | ".join(
        f"{results[s]['median question']['seconds'] / results[s]['median floor']['seconds']:.1f}x"
        if results[s]["median floor"]["seconds"] else "-" for s in sizes) + " | | <= 3x | |")
    row("`kg build --no-docs` with the table (validation incremental from the import's record)",
        "build with the table", "<= 15 s at L", f"{TODAY['build L']:.0f} s at L (synthetic L graph)", rss=True)
    row("`kg build --no-docs`, nothing changed", "build unchanged", "-", "-", rss=True)
    row("`kg export --format ttl`, nothing changed", "export unchanged (ttl)", "<= 1 s",
        f"{TODAY['export']:.1f} s (project)", rss=True)
    row("`kg validate`, nothing changed", "validate unchanged", "-", f"{TODAY['validate']:.1f} s (project)", rss=True)
    row("`kg serve`: start to first answer", "serve first answer", "<= 2 s at L", "-")
    lines += ["", "Every catalog question at each size (`kg query` / floor, seconds):", ""]
    for s in sizes:
        questions = results[s].get("questions", {})
        lines.append(f"- {s}: " + ", ".join(f"{n.split('-', 1)[0]} {q['seconds']:.2f}/{q['floor']:.2f}"
                                             for n, q in sorted(questions.items())))
    lines += ["", MARK]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="S,M,L")
    parser.add_argument("--output", default=str(HERE / "RESULTS.md"))
    args = parser.parse_args()
    main_for(args.sizes.split(","), args.output)


def main_for(sizes: list[str], output: str) -> None:
    """Measure ``sizes`` and write the Interactive section into ``output``."""
    started_at = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    started = time.perf_counter()
    # the package compiled first, as an installed one is: a process that may not write its
    # bytecode (PYTHONDONTWRITEBYTECODE) would otherwise compile every module edited since
    # in each run, tens of milliseconds of a query's hundred
    compileall.compile_dir(str(ROOT / "src" / "kg"), quiet=1)
    texts = catalog_texts()
    results = {}
    sizes = [s for s in sizes if s in SIZES]
    for size in sizes:
        results[size] = measure_size(size, texts, with_project=size == sizes[0])
        WORK.mkdir(parents=True, exist_ok=True)
        (WORK / "results.json").write_text(json.dumps(results, default=str), encoding="utf-8")
    text = section(results, started_at, time.perf_counter() - started, os.getloadavg())
    output = Path(output)
    current = output.read_text(encoding="utf-8") if output.exists() else "# county-kg benchmark results\n"
    if MARK in current:
        before, _old, after = current.split(MARK, 2)
        current = before + text + after.lstrip("\n")
    else:
        current = current.rstrip("\n") + "\n\n" + text
    output.write_text(current, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
