"""`kg query` under control: a row limit and a timeout with protective defaults, rows written
as they come, a quiet stop when the reader of the output goes away, and Ctrl-C within a
second -- each checked on a real subprocess where the behaviour is the process's."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time

from click.testing import CliRunner

from kg.cli import main
from kg.cli.options import EXIT_CLOSED_OUTPUT
from kg.cli.query import DEFAULT_LIMIT, DEFAULT_TIMEOUT

CROSS_JOIN = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"  # 3 billion rows on the project
CROSS_JOIN_SORTED = CROSS_JOIN + " ORDER BY ?a"  # one step that would take hours
CROSS_JOIN_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def kg_query(*args: str, **popen) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kg", "query", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env={**os.environ, "PYTHONUNBUFFERED": "1"}, **popen)


def test_defaults_protect_a_laptop():
    assert 0 < DEFAULT_TIMEOUT <= 60 and 0 < DEFAULT_LIMIT <= 100_000
    help_text = CliRunner().invoke(main, ["query", "--help"]).output
    assert f"[default: {DEFAULT_TIMEOUT}" in help_text and f"[default: {DEFAULT_LIMIT}" in help_text


def test_limit_cuts_the_answer_and_says_so():
    result = CliRunner().invoke(main, ["query", "--sparql", CROSS_JOIN, "--format", "csv", "--limit", "5"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert len(rows) == 6 and rows[0] == ["a", "b", "c", "d", "e", "f"]
    assert "stopped at 5 rows (--limit 5)" in result.stderr

    table = CliRunner().invoke(main, ["query", "--sparql", CROSS_JOIN, "--limit", "3"])
    assert table.exit_code == 0 and "(3 rows, more not shown)" in table.stdout

    one = CliRunner().invoke(main, ["query", "--sparql", CROSS_JOIN, "--limit", "1"])
    assert one.exit_code == 0 and "(1 row, more not shown)" in one.stdout
    assert "stopped at 1 row (--limit 1)" in one.stderr

    whole = CliRunner().invoke(main, ["query", "07", "--format", "json", "--limit", "0"])
    assert whole.exit_code == 0 and json.loads(whole.stdout)["results"]["bindings"]
    assert "--limit" not in whole.stderr


def test_timeout_stops_a_query_in_one_step():
    """A sort of three billion rows is one step Oxigraph cannot be interrupted in: the process
    ends at the deadline all the same, its memory with it. (A subprocess: in this one the
    sort would go on after the answer, as it does in any process that outlives its query.)"""
    process = kg_query("--sparql", CROSS_JOIN_SORTED, "--timeout", "1")
    _out, error = process.communicate(timeout=120)
    assert process.returncode == 2
    assert error.decode().strip() == "kg: error: the query was stopped after 1 s " \
                                     "(raise the limit with --timeout SECONDS, 0 for none)"


def test_ask_in_json_is_a_boolean_result():
    result = CliRunner().invoke(main, ["query", "--sparql", "ASK { ?s ?p ?o }", "--format", "json"])
    assert result.exit_code == 0 and json.loads(result.stdout) == {"head": {}, "boolean": True}


def test_a_closed_output_stops_the_query_quietly_and_at_once():
    """`kg query ... | head -3` on a cross join: the query stops when head exits, within a
    second, with exit status 141 and nothing on standard error; memory stays that of the load
    (of a one-row query on the same store, asked first: what the store costs depends on what
    the session's store holds, not on this query)."""
    baseline = kg_query("--sparql", "SELECT * WHERE { ?a ?b ?c } LIMIT 1", "--format", "csv")
    baseline.stdout.read(), baseline.stderr.read()
    load_mb = _peak_mb(baseline)
    process = kg_query("--sparql", CROSS_JOIN, "--format", "csv", "--limit", "0")
    lines = [process.stdout.readline() for _ in range(3)]
    assert lines[0].startswith(b"a,b,c,d,e,f")
    process.stdout.close()  # as head does once it has its lines
    closed = time.monotonic()
    peak_mb = _peak_mb(process)
    assert time.monotonic() - closed < 1.0
    assert process.returncode == EXIT_CLOSED_OUTPUT
    assert process.stderr.read() == b""
    assert peak_mb < load_mb + 500, f"peak {peak_mb:.0f} MB, {load_mb:.0f} MB for a one-row query"


def _peak_mb(process: subprocess.Popen) -> float:
    """The process's own peak memory (MB) once it ended, not any earlier child's."""
    if process.returncode is not None:  # already waited for by communicate(): ask /proc no more
        raise AssertionError("wait for the process with _peak_mb, not communicate()")
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_maxrss / 1024


def test_rows_are_written_as_they_come():
    """The first rows of a three-billion-row answer are out long before the answer could end."""
    process = kg_query("--sparql", CROSS_JOIN, "--format", "tsv", "--limit", "0", "--timeout", "60")
    try:
        header = process.stdout.readline()
        started = time.monotonic()
        rows = [process.stdout.readline() for _ in range(1000)]
        assert header.startswith(b"?a\t?b") and all(row.count(b"\t") == 5 for row in rows)
        assert time.monotonic() - started < 5
    finally:
        process.kill()
        process.wait()


def test_tsv_rows_are_one_line_each():
    """A literal holding a newline or a tab is written on its row's one line, escaped (SPARQL 1.1
    TSV), not in Turtle's long form across lines."""
    import io

    from rdflib import Literal

    from kg.store.results import write_tsv

    out = io.StringIO()
    write_tsv(["a", "b"], [(Literal("小市”辦大健康\n", lang="zh-Hant"), Literal("x\ty"))], out)
    lines = out.getvalue().splitlines()
    assert lines == ["?a\t?b", '"小市”辦大健康\\n"@zh-Hant\t"x\\ty"']


def test_ctrl_c_stops_a_running_query_within_a_second():
    process = kg_query("--sparql", CROSS_JOIN_COUNT, "--timeout", "0")
    try:
        # the query starts once the project is loaded: wait until the process is busy in it
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and _threads(process.pid) < 2:
            time.sleep(0.1)
        time.sleep(1.0)
        assert process.poll() is None
        sent = time.monotonic()
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
        assert time.monotonic() - sent < 1.0
        error = process.stderr.read().decode()
        assert "Traceback" not in error and process.returncode != 0, error
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _threads(pid: int) -> int:
    """Threads of ``pid``: the query runs in a worker thread of its own."""
    try:
        return len(os.listdir(f"/proc/{pid}/task"))
    except OSError:
        return 0


def test_a_query_stopped_at_its_deadline_ends_with_its_one_line():
    """The engine may still be evaluating in its thread when the command ends: finalizing the
    interpreter under it printed a Rust panic after the message (8 runs in 12), or crashed."""
    for _attempt in range(5):
        process = kg_query("11", "--timeout", "0.01")
        _out, error = process.communicate(timeout=120)
        assert process.returncode == 2, error
        assert error.decode().splitlines() == ["kg: error: the query was stopped after 0.01 s (raise the limit "
                                               "with --timeout SECONDS, 0 for none)"], error.decode()


def test_the_timeout_covers_reading_the_graph_into_rdflib(monkeypatch):
    """`--engine rdflib --timeout 2` stopped after 6 s: the project's graph was read into
    rdflib (seconds: 8 s here for 120,000 triples) before the query's clock started."""
    import pyoxigraph as ox
    import pytest
    from rdflib import Dataset

    from kg.query.engines import Engines
    from kg.store.sparql import Limits, QueryTimeout

    def slow_graph(_self):
        end = time.monotonic() + 3
        while time.monotonic() < end:  # a parser at work, holding the GIL between switches
            pass
        return Dataset()

    monkeypatch.setattr(Engines, "graph", property(slow_graph))
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        Engines(store=ox.Store()).run("ASK {}", {}, "rdflib", limits=Limits(timeout=0.5))
    assert time.monotonic() - started < 1.5
