"""What a query text says wrong is told before it runs, in plain words, the same on both
engines: ill-formed literals, updates, undeclared prefixes, a byte order mark, a graph
asked for as rows, a SERVICE endpoint that is no HTTP endpoint."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from kg.cli import main

ENGINES = ["oxigraph", "rdflib"]
XSD = "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"


def query(*args: str):
    # no time limit unless the test sets one: reading the project into rdflib is counted in
    # --timeout (30 s by default), and took longer than that on a loaded machine
    limit = [] if "--timeout" in args else ["--timeout", "0"]
    result = CliRunner().invoke(main, ["query", *limit, *args], catch_exceptions=False)
    return result.exit_code, result.output


def one_error(code: int, output: str) -> str:
    assert code == 2, output
    assert output.startswith("kg: error: ") and output.count("\n") == 1, output
    assert "Traceback" not in output
    return output


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("literal, datatype", [('"5.8e8"', "xsd:decimal"), ('"abc"', "xsd:integer"),
                                              ('"2023-02-29"', "xsd:date"),
                                              ('"""12 """', "<http://www.w3.org/2001/XMLSchema#int>")])
def test_an_ill_formed_literal_in_a_query_is_refused_on_both_engines(engine, literal, datatype):
    """BIND("5.8e8"^^xsd:decimal + 1) was 580000001 on rdflib and unbound on Oxigraph;
    "abc"^^xsd:integer + 1 sent rdflib into a RecursionError (exit 1)."""
    code, output = query("--engine", engine, "--sparql", f"{XSD}SELECT ?y WHERE {{\n  BIND({literal}^^{datatype} + 1 AS ?y) }}")
    message = one_error(code, output)
    assert message.startswith(f"kg: error: <--sparql>:3:8: {literal}^^"), message
    assert "is ill-formed" in message and "not in the lexical space" in message


@pytest.mark.parametrize("engine", ENGINES)
def test_a_literal_the_store_cannot_represent_is_refused_on_both_engines(engine):
    """"123456789012345678901234567890"^^xsd:integer + 1 was unbound on Oxigraph (its integers
    are 64-bit) and computed by rdflib (kg.validate.lexical.unrepresentable)."""
    code, output = query("--engine", engine, "--sparql",
                         f'{XSD}SELECT ?y WHERE {{ BIND("123456789012345678901234567890"^^xsd:integer + 1 AS ?y) }}')
    message = one_error(code, output)
    assert "xsd:integer is beyond what the store's engine (Oxigraph) computes with" in message, message


@pytest.mark.parametrize("engine", ENGINES)
def test_well_formed_literals_and_lookalikes_run(engine):
    text = (f'{XSD}SELECT ?y ?z WHERE {{ BIND("58"^^xsd:decimal + 1 AS ?y) '
            f'BIND("\\"5.8e8\\"^^xsd:decimal" AS ?z) }}')  # an ill-formed literal inside a string is text
    code, output = query("--engine", engine, "--sparql", text, "--format", "csv")
    assert code == 0, output
    assert output.splitlines()[1] == '59,"""5.8e8""^^xsd:decimal"'


@pytest.mark.parametrize("text, operation", [
    ("INSERT DATA { <http://e.org/a> <http://e.org/b> <http://e.org/c> }", "INSERT"),
    ("PREFIX ex: <http://e.org/>\nLOAD <http://e.org/data>", "LOAD"),
    ("DELETE WHERE { ?s ?p ?o }", "DELETE"),
    ("# a comment first\nCLEAR ALL", "CLEAR"),
])
def test_an_update_is_refused_as_an_update(text, operation):
    """INSERT and LOAD were answered "1:9 expected CONSTRUCT"."""
    message = one_error(*query("--sparql", text))
    assert f"a SPARQL update ({operation}) is refused" in message and "CONSTRUCT" not in message


@pytest.mark.parametrize("where", ["?s foo:bar ?o", "?s ?p ?o . SERVICE <http://127.0.0.1:9/> { ?s foo:bar ?o }"])
def test_an_undeclared_prefix_is_named_with_its_place(where):
    """Oxigraph's parser answered with a dump of Rust character classes."""
    message = one_error(*query("--sparql", f"SELECT ?s WHERE {{\n {where} }}"))
    column = where.index("foo:") + 2
    assert message.startswith(f"kg: error: <--sparql>:2:{column}: SPARQL syntax error: the prefix foo: is not declared")
    assert "theme" in message  # the project's prefixes, declared for every query
    assert not re.search(r"\[\s*'|\.\.=|\\u\{", message), message


def test_a_syntax_error_lists_words_not_character_classes():
    message = one_error(*query("--sparql", 'SELECT ?s WHERE { ?s ?p "x"@ }'))
    assert message.startswith("kg: error: <--sparql>:1:") and not re.search(r"\[_\]|\.\.=", message), message


def test_a_query_file_with_a_byte_order_mark_is_read(tmp_path):
    """A .rq saved by a Windows editor failed with "1:9 expected CONSTRUCT"."""
    path = tmp_path / "bom.rq"
    path.write_bytes("\ufeff#+ summary: one theme\nSELECT ?t WHERE { ?t a ckg:Theme } LIMIT 1\n".encode("utf-8"))
    code, output = query(str(path), "--format", "csv")
    assert code == 0, output
    assert output.splitlines()[0] == "t" and output.splitlines()[1].startswith("https://w3id.org/county-kg/id/theme/")


@pytest.mark.parametrize("fmt", ["json", "csv", "table"])
def test_a_graph_asked_for_as_rows_says_so(fmt):
    """CONSTRUCT with --format json said "cannot be shown as a table"."""
    message = one_error(*query("--sparql", "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", "--format", fmt))
    assert "answers with a graph" in message and f"--format {fmt}" in message and "table;" not in message


@pytest.mark.parametrize("engine", ENGINES)
def test_a_service_that_is_no_http_endpoint_is_refused(engine):
    """SERVICE <file:...> failed with "query failed: invalid format" (and HTTP 500 on kg
    serve); the relay that calls endpoints would have read the file."""
    message = one_error(*query("--engine", engine, "--sparql", "SELECT * WHERE { SERVICE <file:///etc/passwd> { ?s ?p ?o } }"))
    assert message == "kg: error: SERVICE <file:///etc/passwd>: only http: and https: SPARQL endpoints can be called\n"
    code, output = query("--engine", engine, "--format", "csv", "--sparql",
                         "SELECT * WHERE { SERVICE SILENT <file:///etc/passwd> { ?s ?p ?o } }")
    assert code == 0 and "root:" not in output, output


def test_link_refuses_an_unknown_format_as_a_usage_error(tmp_path):
    """`kg link x.ttl --format nonsense` said "no plugin registered for (nonsense, <class ...>)"."""
    other = tmp_path / "x.ttl"
    other.write_text("<http://e.org/a> <http://www.w3.org/2000/01/rdf-schema#label> \"a\" .\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["link", str(other), "--format", "nonsense", "--workspace", str(tmp_path / "ws")])
    assert result.exit_code == 2
    assert "'nonsense' is not an RDF format kg reads (one of " in result.output and "plugin" not in result.output
    assert not (tmp_path / "ws").exists()


def test_a_query_with_service_is_checked_by_oxigraph_without_calling_the_endpoint():
    """The syntax check runs the text on an empty store with its endpoints replaced: an ASK
    (answered at once) calls nothing, a syntax error after the endpoint keeps its column, and
    rdflib's parser (half a second to import) is not needed."""
    import subprocess
    import sys
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    calls = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            calls.append(self.path)
            self.send_response(500)
            self.end_headers()

        do_POST = do_GET  # noqa: N815

        def log_message(self, *_args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/sparql"
    try:
        script = (
            "import sys\n"
            "from kg.errors import QueryError\n"
            "from kg.store.sparql import check_syntax\n"
            f"check_syntax('ASK {{ SERVICE <{url}> {{ ?s ?p ?o }} }}', 'q')\n"
            "try:\n"
            f"    check_syntax('ASK {{ SERVICE <{url}> {{ ?s ?p ?o }} FILTER( }}', 'q')\n"
            "except QueryError as exc:\n"
            "    print(exc)\n"
            "print('rdflib' in sys.modules)\n")
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    finally:
        server.shutdown()
        server.server_close()
    message, imported = out.strip().splitlines()
    column = len(f"ASK {{ SERVICE <{url}> {{ ?s ?p ?o }} FILTER( ") + 1
    assert message.startswith(f"q:1:{column}: SPARQL syntax error"), message
    assert imported == "False" and calls == []
