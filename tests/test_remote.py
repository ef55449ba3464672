"""`kg query --endpoint` and `kg push` against a local server made to misbehave (loopback only,
stopped after the module): every failure is one line and exit code 2, never a traceback."""

from __future__ import annotations

import base64
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.query.remote import declare_prefixes
from kg.publish.virtuoso import free_port

ASK_TRUE = json.dumps({"head": {}, "boolean": True}).encode()
SELECT = json.dumps({"head": {"vars": ["s", "n"]}, "results": {"bindings": [
    {"s": {"type": "uri", "value": "https://w3id.org/county-kg/id/place/530681"},
     "n": {"type": "typed-literal", "datatype": "http://www.w3.org/2001/XMLSchema#integer", "value": "7"}}]}}).encode()
XML = (b'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head><variable name="s"/>'
       b'<variable name="n"/></head><results><result><binding name="s"><uri>https://w3id.org/county-kg/id/place/530681'
       b'</uri></binding><binding name="n"><literal datatype="http://www.w3.org/2001/XMLSchema#integer">7</literal>'
       b'</binding></result></results></sparql>')
#: A CONSTRUCT answer: two triples (kg analyze reads one program and its label).
NT = ('<https://w3id.org/county-kg/id/program/p1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> '
      '<https://w3id.org/county-kg/ontology#Program> .\n'
      '<https://w3id.org/county-kg/id/program/p1> <http://www.w3.org/2000/01/rdf-schema#label> "program one"@en .\n'
      ).encode()


def count(n: int) -> bytes:
    """The SPARQL JSON answer of a COUNT query."""
    return json.dumps({"head": {"vars": ["n"]}, "results": {"bindings": [
        {"n": {"type": "literal", "datatype": "http://www.w3.org/2001/XMLSchema#integer", "value": str(n)}}]}}).encode()


def _one(term: dict) -> bytes:
    return json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": [{"x": term}]}}).encode()


#: Answers that are not SPARQL 1.1 results, and what kg must say of each.
MALFORMED = {
    "triple": _one({"type": "triple", "value": {}}),
    "bogus": _one({"type": "bogus", "value": "x"}),
    "not-an-iri": _one({"type": "uri", "value": "not an iri"}),
    "boolean-string": json.dumps({"head": {}, "boolean": "yes"}).encode(),
    "no-head": json.dumps({"results": {"bindings": []}}).encode(),
    "no-value": _one({"type": "literal"}),
    "bindings-string": json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": ["x"]}}).encode(),
    "xml-triple": (b'<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head><variable name="x"/></head>'
                   b'<results><result><binding name="x"><triple/></binding></result></results></sparql>'),
    "xml-boolean": (b'<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/><boolean>yes</boolean>'
                    b'</sparql>'),
}
SAID = {
    "triple": "row 1, ?x: an RDF-star triple term",
    "bogus": 'row 1, ?x: unknown term type "bogus" (SPARQL 1.1 has uri, literal, bnode)',
    "not-an-iri": 'row 1, ?x: "not an iri" is not an absolute IRI',
    "boolean-string": '"boolean" is "yes", not true or false',
    "no-head": 'no "head" object',
    "no-value": 'row 1, ?x: a literal term without a string "value"',
    "bindings-string": "row 1 is not a JSON object",
    "xml-triple": "row 1, ?x: an RDF-star triple term",
    "xml-boolean": "<boolean> is 'yes', not true or false",
}

USER, PASSWORD = "analyst", "s3cret"
QUERY = "SELECT ?s ?n WHERE { ?s ckg:divisionCode ?n }"


class Misbehaving(BaseHTTPRequestHandler):
    """One path per way an endpoint can fail; ``server.requests`` records what came in."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *_args) -> None:  # keep the test output clean
        pass

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _send(self, status: int, body: bytes, content_type: str, headers: dict | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # a client that stopped waiting (/slow)
            self.close_connection = True

    def _moved(self) -> bool:
        """/moved-STATUS/REST: a redirect of that status to /REST, the query string dropped."""
        route = self.path.split("?")[0]
        if not route.startswith("/moved-"):
            return False
        status, _, rest = route[len("/moved-"):].partition("/")
        self._send(int(status), b"", "text/plain", {"Location": "/" + rest})
        return True

    def do_HEAD(self) -> None:
        self.server.requests.append(("HEAD", self.path, self.headers.get("Authorization"), 0))
        if self.path.split("?")[0] != "/slow" and not self._authorized():  # /slow: only slow to write
            self._send(401, b"", "text/plain", {"WWW-Authenticate": 'Basic realm="store"'})
        elif self._moved():
            pass
        else:
            self._send(200, b"", "text/plain")

    def do_PUT(self) -> None:
        body = self._body()
        self.server.requests.append(("PUT", self.path, self.headers.get("Authorization"), len(body)))
        if self.path.split("?")[0] == "/slow":
            time.sleep(3)
            self._send(201, b"", "text/plain")
        elif not self._authorized():
            self._send(401, b"", "text/plain", {"WWW-Authenticate": 'Basic realm="store"'})
        elif self._moved():
            pass
        elif self.path.split("?")[0] == "/see-other":  # the graph kept, but a GET asked for
            self._send(303, b"", "text/plain", {"Location": "/store?" + self.path.partition("?")[2]})
        elif self.path.split("?")[0] == "/empty-html":  # as Virtuoso answers: no page, labelled text/html
            self._send(201, b"", "text/html; charset=UTF-8")
        elif self.path.split("?")[0] == "/portal":  # a login page that answers everything with 200
            self._send(200, b"<html><head><title>Sign in - Data Portal</title></head></html>", "text/html")
        else:
            self._send(201, b"", "text/plain")

    def _authorized(self) -> bool:
        expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        return self.headers.get("Authorization") == expected

    def do_GET(self) -> None:  # the SPARQL 1.1 Protocol's query via GET: the query in the URL
        self.do_POST(urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query), "GET")

    def do_POST(self, form: dict | None = None, method: str = "POST") -> None:
        form = urllib.parse.parse_qs(self._body().decode("utf-8")) if form is None else form
        self.server.requests.append((method, self.path.split("?")[0] if method == "GET" else self.path,
                                     self.headers.get("Accept"), form))
        self.server.credentials.append((self.headers.get("Host"), self.path, self.headers.get("Authorization")))
        route = self.path.split("?")[0]
        if route.startswith("/moved-"):  # /moved-301/sparql: a redirect of that status to /sparql
            status, _, rest = route[len("/moved-"):].partition("/")
            self._send(int(status), b"", "text/plain", {"Location": "/" + rest})
        elif route == "/elsewhere":  # the same server under another name: another origin
            self._send(307, b"", "text/plain", {"Location": f"http://localhost:{self.server.server_address[1]}/basic"})
        elif route == "/to-ftp":
            self._send(302, b"", "text/plain", {"Location": "ftp://x/y"})
        elif route == "/to-secret":
            self._send(302, b"", "text/plain", {"Location": "http://u:sekret@127.0.0.1:1/sparql"})
        elif route == "/nowhere":  # a redirect without a Location
            self._send(302, b"", "text/plain")
        elif route == "/loop":
            self._send(302, b"", "text/plain", {"Location": "/loop"})
        elif route == "/drip":  # an answer sent one byte at a time, each well within any read time-out
            try:
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(SELECT)))
                self.end_headers()
                for byte in SELECT:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.5)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True
        elif route == "/huge":  # /huge?n=N: N rows of JSON, made as they are sent
            self._rows(int(urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)["n"][0]))
        elif route == "/forever":  # XML rows, one every 50 ms, never ending
            self._rows(None)
        elif route == "/empty":  # a default graph that holds nothing; the store's named graphs listed
            query = form["query"][0]
            if "GRAPH ?g" in query:
                self._send(200, json.dumps({"head": {"vars": ["g"]}, "results": {"bindings": [
                    {"g": {"type": "uri", "value": "https://w3id.org/county-kg/graph/county-kg"}}]}}).encode(),
                    "application/sparql-results+json")
            elif query.lstrip().upper().startswith("ASK") or "ASK {" in query:
                self._send(200, json.dumps({"head": {}, "boolean": False}).encode(), "application/sparql-results+json")
            elif "COUNT(*)" in query:
                self._send(200, count(0), "application/sparql-results+json")
            elif "CONSTRUCT" in query:
                self._send(200, b"", "application/n-triples")
            else:
                self._send(200, json.dumps({"head": {"vars": ["s", "n"]}, "results": {"bindings": []}}).encode(),
                           "application/sparql-results+json")
        elif route == "/sparql":
            self._send(200, ASK_TRUE if form["query"][0].lstrip().upper().startswith("ASK") else SELECT,
                       "application/sparql-results+json; charset=utf-8")
        elif route == "/terms":  # a language tag in lower case and an xsd:string, as Virtuoso writes them
            self._send(200, json.dumps({"head": {"vars": ["l", "s"]}, "results": {"bindings": [
                {"l": {"type": "literal", "xml:lang": "zh-hant", "value": "水富"},
                 "s": {"type": "typed-literal", "datatype": "http://www.w3.org/2001/XMLSchema#string", "value": "港"}}]}}
                ).encode(), "application/sparql-results+json")
        elif route == "/xml":
            self._send(200, XML, "application/sparql-results+xml")
        elif route == "/slow":
            time.sleep(3)
            self._send(200, SELECT, "application/sparql-results+json")
        elif route == "/html":
            self._send(200, b"<html><head><title>Sign in - Data Portal</title></head><body>...</body></html>",
                       "text/html; charset=utf-8")
        elif route == "/error":
            self._send(500, b"Virtuoso 42000 Error SR186: No permission to execute procedure", "text/plain")
        elif route == "/control":  # terminal escape sequences and a backspace in its message
            self._send(500, b"\x1b[2J\x1b[31mbad\x1b[0m query\x08!", "text/plain")
        elif route == "/basic":
            if self._authorized():
                self._send(200, SELECT, "application/sparql-results+json")
            else:
                self._send(401, b"", "text/plain", {"WWW-Authenticate": 'Basic realm="sparql"'})
        elif route == "/cut":  # promises more than it sends
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(SELECT)))
            self.end_headers()
            self.wfile.write(SELECT[:40])
            self.close_connection = True
        elif route == "/truncated":  # no length given: the body just stops
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(SELECT[:40])
            self.close_connection = True
        elif route == "/maxrows":  # as Virtuoso marks a SELECT answer cut at ResultSetMaxRows
            self._send(200, SELECT, "application/sparql-results+json", {"X-SPARQL-MaxRows": "1"})
        elif route == "/notacceptable":
            self._send(406, b"only text/turtle here", "text/plain")
        elif route.startswith("/answer/"):  # /answer/NAME: the body of MALFORMED[NAME], as JSON or XML
            body = MALFORMED[route[len("/answer/"):]]
            self._send(200, body, "application/sparql-results+xml" if body.startswith(b"<") else
                       "application/sparql-results+json")
        elif route == "/csv":
            self._send(200, b"s,n\r\nx,7\r\n", "text/csv")
        elif route.startswith("/graph"):
            self._graph(route, form["query"][0])
        else:
            self._send(404, b"no such endpoint", "text/plain")

    def _rows(self, n: int | None) -> None:
        """An answer of ``n`` rows (JSON) or of rows without end (XML, one every 50 ms), written
        as it is made, without a length: a client must read it as it comes."""
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json" if n is not None
                             else "application/sparql-results+xml")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            if n is None:
                self.wfile.write(b'<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>'
                                 b'<variable name="x"/></head><results>')
                while True:
                    self.wfile.write(b'<result><binding name="x"><literal>row</literal></binding></result>')
                    self.wfile.flush()
                    time.sleep(0.05)
            self.wfile.write(b'{"head": {"vars": ["x"]}, "results": {"bindings": [')
            row = b'{"x": {"type": "uri", "value": "https://w3id.org/county-kg/id/program/p%d"}}'
            for start in range(0, n, 1000):
                self.wfile.write(b",".join(row % i for i in range(start, min(n, start + 1000)))
                                 + (b"," if start + 1000 < n else b""))
            self.wfile.write(b"]}}")
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _graph(self, route: str, query: str) -> None:
        """A graph-reading endpoint: CONSTRUCT answers NT (or its faults), COUNT answers 2, ASK
        (whether the default graph holds anything) true."""
        if query.lstrip().upper().startswith("ASK"):
            self._send(200, ASK_TRUE, "application/sparql-results+json")
        elif "COUNT(*)" in query:
            self._send(200, count(5 if route == "/graph-cut" else 2), "application/sparql-results+json")
        elif route in ("/graph", "/graph-cut"):
            self._send(200, NT, "application/n-triples")
        elif route == "/graph-plain":  # N-Triples as older servers label it
            self._send(200, NT, "text/plain; charset=utf-8")
        elif route == "/graph-malformed":
            self._send(200, NT + b'<https://w3id.org/county-kg/id/program/p2> <http://x/y> "no end .\n',
                       "application/n-triples")
        elif route == "/graph-turtle-cut":  # a Turtle answer that stops inside a statement
            self._send(200, b"@prefix ckg: <https://w3id.org/county-kg/ontology#> .\n<urn:x:a> a ckg:Program ;\n  ckg:",
                       "text/turtle")
        elif route == "/graph-rdfxml":
            self._send(200, b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>',
                       "application/rdf+xml")
        else:
            self._send(200, b"<html><head><title>Query editor</title></head></html>", "text/html")


class Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        """Quiet when a client went away: kg closes an answer it stops reading (at --limit, at
        a fault) without reading the rest, as it should; anything else is printed."""
        import sys

        if not isinstance(sys.exc_info()[1], (ConnectionError, BrokenPipeError)):
            super().handle_error(request, client_address)


@pytest.fixture(scope="module")
def server():
    httpd = Server(("127.0.0.1", 0), Misbehaving)
    httpd.daemon_threads = True
    httpd.requests = []
    httpd.credentials = []  # (Host, path, Authorization) of every POST
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd, f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def ask(url: str, *extra: str, env: dict | None = None):
    return CliRunner().invoke(main, ["query", "--endpoint", url, "--sparql", QUERY, "--format", "csv", *extra],
                              env={"KG_ENDPOINT_USER": None, "KG_ENDPOINT_PASSWORD": None, "KG_ENDPOINT_TOKEN": None,
                                   **(env or {})})


def one_line_error(result) -> str:
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kg: error: "), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return lines[0]


def test_an_answer_in_json_and_in_xml(server):
    httpd, url = server
    for route in ("/sparql", "/xml"):
        result = ask(url + route, "--default-graph", "https://example.org/g")
        assert result.exit_code == 0, result.output
        assert result.output.splitlines() == ["s,n", "https://w3id.org/county-kg/id/place/530681,7"]
    method, _path, accept, form = httpd.requests[-1]
    assert method == "POST" and "application/sparql-results+json" in accept
    assert form["default-graph-uri"] == ["https://example.org/g"]
    assert form["query"][0].startswith("PREFIX ckg: <https://w3id.org/county-kg/ontology#>\n")


def test_a_table_asks_the_endpoint_for_labels(server):
    httpd, url = server
    before = len(httpd.requests)
    result = CliRunner().invoke(main, ["query", "--endpoint", url + "/sparql", "--sparql", QUERY])
    assert result.exit_code == 0, result.output
    label_queries = [r for r in httpd.requests[before:] if "rdfs" in r[3]["query"][0] or "label" in r[3]["query"][0]]
    assert len(label_queries) == 1 and "<https://w3id.org/county-kg/id/place/530681>" in label_queries[0][3]["query"][0]


@pytest.mark.parametrize("text", ["INSERT DATA { GRAPH <urn:kg:evil> { <urn:a> <urn:b> <urn:c> } }",
                                  "PREFIX x: <urn:x#>\nDROP SILENT GRAPH <urn:kg:evil>"])
def test_an_update_is_refused_before_anything_is_sent(server, text):
    """`kg query --endpoint` sent INSERT DATA and DROP to the endpoint, which ran them; locally
    the same text is refused. Refused alike, and nothing reaches the server."""
    httpd, url = server
    before = len(httpd.requests)
    result = CliRunner().invoke(main, ["query", "--endpoint", url + "/sparql", "--sparql", text])
    assert "a SPARQL update (" in one_line_error(result) and "kg reads the graph and never changes it" in result.output
    assert len(httpd.requests) == before


def test_an_ask_answer_in_json_is_a_boolean_as_locally(server):
    """ASK in --format json gave a SELECT-shaped answer binding a variable "ASK"."""
    _httpd, url = server
    result = CliRunner().invoke(main, ["query", "--endpoint", url + "/sparql", "--sparql", "ASK { ?s ?p ?o }",
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"head": {}, "boolean": True}


def test_terms_come_back_as_the_local_files_give_them(server):
    """Virtuoso lower-cases language tags and types plain strings as xsd:string: kg showed
    "zh-hant" and "港"^^xsd:string where the local files give zh-Hant and "港"."""
    _httpd, url = server
    result = CliRunner().invoke(main, ["query", "--endpoint", url + "/terms", "--sparql", "SELECT ?l ?s {}",
                                       "--format", "tsv"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["?l\t?s", '"水富"@zh-Hant\t"港"']


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_a_graph_query_names_the_format_asked_for(server, fmt):
    _httpd, url = server
    result = CliRunner().invoke(main, ["query", "--endpoint", url + "/sparql", "--sparql",
                                       "CONSTRUCT WHERE { ?s a ckg:Program }", "--format", fmt])
    assert f"--format {fmt}" in one_line_error(result)


def test_a_catalog_question_binds_its_parameters_as_terms(server):
    httpd, url = server
    attack = '港") || true || CONTAINS("x'
    result = CliRunner().invoke(main, ["query", "15", "--param", f"text={attack}", "--endpoint", url + "/sparql",
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    sent = httpd.requests[-1][3]["query"][0]
    assert 'VALUES (?text) { ("港\\") || true || CONTAINS(\\"x") }' in sent


def test_unreachable(server):
    url = f"http://127.0.0.1:{free_port()}/sparql"
    assert one_line_error(ask(url)).startswith(f"kg: error: cannot reach {url}: ")


def test_slower_than_the_timeout(server):
    _httpd, url = server
    assert "did not answer within 0.5 s" in one_line_error(ask(url + "/slow", "--timeout", "0.5"))
    # kg push waits as long as it is told, as every command reading an endpoint does
    push = CliRunner().invoke(main, ["push", "--endpoint", url + "/slow", "--timeout", "0.5"])
    line = one_line_error(push)
    assert "did not answer within 0.5 s (raise --timeout for slow uploads) (is this the Graph Store Protocol URL?" in line


def test_the_timeout_bounds_the_whole_answer(server):
    """A server sending its answer a byte every half second was never stopped (the time-out
    was for each read): --timeout is the whole exchange's limit, for every reading command."""
    _httpd, url = server
    started = time.monotonic()
    line = one_line_error(ask(url + "/drip", "--timeout", "1"))
    assert "did not answer within 1 s (raise --timeout for slow queries)" in line
    assert time.monotonic() - started < 30  # the answer itself would take over two minutes


def test_limit_stops_reading_a_huge_answer(server):
    """--limit was ignored with --endpoint: a million-row answer was downloaded, parsed and
    printed whole (61 s, 1.5 GB). The answer is read as it comes and the connection closed at
    the limit, which is said on standard error as locally."""
    _httpd, url = server
    started = time.monotonic()
    result = ask(url + "/huge?n=1000000", "--limit", "3", "--timeout", "20")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["x"] + [f"https://w3id.org/county-kg/id/program/p{i}" for i in range(3)]
    assert "kg query: stopped at 3 rows (--limit 3); the answer has more" in result.stderr
    assert time.monotonic() - started < 10  # the whole answer takes longer than that to send and read
    whole = ask(url + "/huge?n=2500", "--limit", "0")
    assert whole.exit_code == 0 and len(whole.stdout.splitlines()) == 2501 and whole.stderr == ""


def test_the_timeout_bounds_an_answer_that_never_ends(server):
    """The timeout covered the download, not the reading after it: an answer begun in time ran
    on. Rows are written as they come, and the stream stops at --timeout, exit 2."""
    _httpd, url = server
    started = time.monotonic()
    result = ask(url + "/forever", "--timeout", "1", "--limit", "0")
    assert result.exit_code == 2
    assert result.stdout.startswith("x\nrow\n")
    assert result.stderr.strip().splitlines() == [
        f"kg: error: {url}/forever did not finish its answer within 1 s (raise --timeout for slow queries)"]
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_keeps_the_posted_query(server, status):
    """httpx turns a POST redirected by 301 or 302 into a GET without its body: the query was
    lost. The query goes to the new location as it was sent."""
    httpd, url = server
    result = ask(url + f"/moved-{status}/sparql", "--default-graph", "https://example.org/g")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["s,n", "https://w3id.org/county-kg/id/place/530681,7"]
    method, path, _accept, form = httpd.requests[-1]
    assert (method, path) == ("POST", "/sparql") and form["query"][0].endswith(QUERY)
    assert form["default-graph-uri"] == ["https://example.org/g"]


def test_a_303_sends_the_query_in_the_url(server):
    """After a 303 (See Other) kg sent a GET without the query (Virtuoso answered 406): the
    query and its default graphs now go in the new URL, the Protocol's query via GET."""
    httpd, url = server
    result = ask(url + "/moved-303/sparql", "--default-graph", "https://example.org/g")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["s,n", "https://w3id.org/county-kg/id/place/530681,7"]
    method, path, _accept, form = httpd.requests[-1]
    assert (method, path) == ("GET", "/sparql") and form["query"][0].endswith(QUERY)
    assert form["default-graph-uri"] == ["https://example.org/g"]


@pytest.mark.parametrize("route, said", [
    ("/to-ftp", "redirected (HTTP 302 Found) to a URL kg does not follow: not an http(s) URL: 'ftp://x/y'"),
    ("/nowhere", "answered HTTP 302 Found, a redirect, without a Location to follow"),
    ("/to-secret", "redirected (HTTP 302 Found) to a URL kg does not follow: the URL http://***@127.0.0.1:1/sparql "
                   "holds a user name or password")])
def test_a_redirect_kg_cannot_follow_says_so(server, route, said):
    _httpd, url = server
    line = one_line_error(ask(url + route))
    assert said in line and "sekret" not in line


ENV = {"KG_ENDPOINT_USER": USER, "KG_ENDPOINT_PASSWORD": PASSWORD, "KG_ENDPOINT_TOKEN": None}


def test_push_refuses_a_redirect_that_loses_the_graph(server, monkeypatch):
    """A redirect to a URL without ?graph= was followed and the upload reported as replacing
    the graph; now it is refused before the graph is loaded or anything uploaded."""
    import kg.store.load

    monkeypatch.setattr(kg.store.load, "project", lambda *a, **k: pytest.fail("the graph was loaded"))
    httpd, url = server
    before = len(httpd.requests)
    line = one_line_error(CliRunner().invoke(main, ["push", "--endpoint", url + "/moved-307/gsp"], env=ENV))
    assert f"redirected the upload to {url}/gsp, which does not name the graph" in line and "kg sent nothing" in line
    assert not [r for r in httpd.requests[before:] if r[0] == "PUT"]


def test_push_redirected_by_303_is_refused(server, project):
    """A 303 turned the PUT into a GET, reported as a refusal of the upload (HTTP 405)."""
    _httpd, url = server
    line = one_line_error(CliRunner().invoke(main, ["push", "--endpoint", url + "/see-other"], env=ENV))
    assert "redirected the PUT with HTTP 303 See Other to " in line and "kg does not send it as a GET" in line


def test_push_answered_by_an_html_page_is_warned_about(server, project):
    _httpd, url = server
    result = CliRunner().invoke(main, ["push", "--endpoint", url + "/portal"], env=ENV)
    assert result.exit_code == 0, result.output
    assert "answered the upload with an HTML page (HTTP 200: Sign in - Data Portal)" in result.stderr
    virtuoso = CliRunner().invoke(main, ["push", "--endpoint", url + "/empty-html"], env=ENV)
    assert virtuoso.exit_code == 0 and virtuoso.stderr == "", virtuoso.output


@pytest.mark.parametrize("command", [["query", "20", "--endpoint", "{url}"], ["analyze", "rank", "--endpoint", "{url}"],
                                     ["viz", "-o", "{tmp}/v.html", "--endpoint", "{url}"], ["link", "{url}"],
                                     ["link", "{tmp}/other.ttl", "--endpoint", "{url}"], ["push", "--endpoint", "{url}"]])
def test_credentials_in_an_endpoint_url_are_refused_unechoed(command, tmp_path):
    """`--endpoint http://u:p@host/` sent Basic credentials from the URL, and every error
    repeated the password; credentials come from the environment only."""
    url = "http://u:sekret@127.0.0.1:1/sparql"
    args = [a.format(tmp=tmp_path, url=url) for a in command]
    (tmp_path / "other.ttl").write_text('<urn:x:a> <http://www.w3.org/2000/01/rdf-schema#label> "水富市" .\n')
    line = one_line_error(CliRunner().invoke(main, [*args, "--workspace", str(tmp_path / "ws")] if args[0] == "link"
                                             else args))
    assert "holds a user name or password" in line and "KG_ENDPOINT_USER" in line and "sekret" not in line


def test_a_token_a_header_cannot_carry_is_not_echoed(server):
    _httpd, url = server
    line = one_line_error(ask(url + "/sparql", env={"KG_ENDPOINT_TOKEN": "abc\nsecret-part"}))
    assert "KG_ENDPOINT_TOKEN holds characters a header cannot carry" in line and "secret-part" not in line


def test_credentials_never_follow_a_redirect_to_another_origin(server):
    httpd, url = server
    result = ask(url + "/elsewhere", env={"KG_ENDPOINT_USER": USER, "KG_ENDPOINT_PASSWORD": PASSWORD})
    port = httpd.server_address[1]
    sent = [(host, auth) for host, path, auth in httpd.credentials[-3:] if path == "/basic"]
    assert sent and all(auth is None for _host, auth in sent) and all(host == f"localhost:{port}" for host, _ in sent)
    assert f"redirected to http://localhost:{port}/basic, which asks for credentials (HTTP 401" in one_line_error(result)


def test_a_redirect_loop_is_one_line(server):
    _httpd, url = server
    assert "redirected more than 5 times" in one_line_error(ask(url + "/loop"))


@pytest.mark.parametrize("value", ["https://example.org/g> <https://example.org/other", "not an iri", "zz:g"])
def test_a_default_graph_that_is_no_iri_is_refused(server, value):
    """Unchecked, a value holding '>' was pasted by Virtuoso into its query: another graph read."""
    _httpd, url = server
    before = len(_httpd.requests)
    line = one_line_error(ask(url + "/sparql", "--default-graph", value))
    assert line.startswith("kg: error: --default-graph: ") and len(_httpd.requests) == before


@pytest.mark.parametrize("sparql", [QUERY, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "ASK WHERE { ?s a ?t }"])
def test_an_empty_default_graph_is_refused_before_the_query(server, sparql):
    """A mistyped --default-graph gave an empty table with a warning and exit 0, a count of 0 or
    ASK false without a word, while kg analyze stopped: every reading command now checks the
    graph before its query and stops with one line naming the graphs there (the README's exit 2)."""
    httpd, url = server
    line = one_line_error(analyze(url + "/empty", "--default-graph", "https://example.org/typo"))
    assert ("--default-graph <https://example.org/typo>: no triples at " in line
            and "graphs there include <https://w3id.org/county-kg/graph/county-kg>" in line)
    before = len(httpd.requests)
    result = CliRunner().invoke(main, ["query", "--endpoint", url + "/empty", "--sparql", sparql,
                                       "--default-graph", "https://example.org/typo"])
    line = one_line_error(result)
    assert "--default-graph <https://example.org/typo>: no triples at " in line
    asked = [r[3]["query"][0] for r in httpd.requests[before:]]
    # the check and the list of graphs; the query itself was never sent
    assert asked == ["ASK { ?s ?p ?o }", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g LIMIT 6"]


def test_another_datasets_endpoint_has_its_own_timeout_and_no_credentials(server, tmp_path):
    """`kg link OTHER-URL`: OTHER is sent no credentials by design, and its wait is
    --other-timeout (the hint named --timeout, which is for --endpoint)."""
    _httpd, url = server
    ws = str(tmp_path / "ws")
    env = {"KG_ENDPOINT_USER": USER, "KG_ENDPOINT_PASSWORD": PASSWORD, "KG_ENDPOINT_TOKEN": None}
    slow = CliRunner().invoke(main, ["link", url + "/slow", "--workspace", ws, "--other-timeout", "0.5"], env=env)
    assert "did not answer within 0.5 s (raise --other-timeout for slow queries)" in one_line_error(slow)
    protected = CliRunner().invoke(main, ["link", url + "/basic", "--workspace", ws], env=env)
    assert "kg sends none to another dataset's endpoint" in one_line_error(protected)
    assert not (tmp_path / "ws" / "links").exists() or not any((tmp_path / "ws" / "links").iterdir())


def test_an_html_page_instead_of_results(server):
    _httpd, url = server
    line = one_line_error(ask(url + "/html"))
    assert "answered with an HTML page, not SPARQL results" in line and "Sign in - Data Portal" in line


def test_a_server_error_quotes_the_server(server):
    _httpd, url = server
    line = one_line_error(ask(url + "/error"))
    assert "HTTP 500 Internal Server Error: Virtuoso 42000 Error SR186: No permission" in line


def test_control_characters_of_a_server_message_are_written_out(server):
    """A server's message is printed on the user's terminal: an escape sequence that would
    clear it or colour it is shown as text, never sent to it; written out as every message
    writes such characters (kg.words.printable), not in Python's \\x1b."""
    _httpd, url = server
    line = one_line_error(ask(url + "/control"))
    assert "\x1b" not in line and "\x08" not in line
    assert line.endswith("<U+001B>[2J<U+001B>[31mbad<U+001B>[0m query<U+0008>!")


def test_push_asks_the_endpoint_before_it_loads_the_graph(server, monkeypatch):
    """`kg push --timeout 3` to a refused port failed after 27-41 s: the graph was loaded and
    serialized first. Now an unreachable endpoint and refused credentials are reported
    without loading anything (the load fails this test if it is reached)."""
    import kg.store.load

    def no_load(*_args, **_kwargs):
        raise AssertionError("the graph was loaded before the endpoint answered")

    monkeypatch.setattr(kg.store.load, "project", no_load)
    _httpd, url = server
    unreachable = CliRunner().invoke(main, ["push", "--endpoint", f"http://127.0.0.1:{free_port()}/store"])
    assert one_line_error(unreachable).startswith("kg: error: cannot reach")
    for env in ({"KG_ENDPOINT_USER": USER, "KG_ENDPOINT_PASSWORD": "wrong", "KG_ENDPOINT_TOKEN": None},
                {"KG_ENDPOINT_USER": None, "KG_ENDPOINT_PASSWORD": None, "KG_ENDPOINT_TOKEN": None}):
        refused = CliRunner().invoke(main, ["push", "--endpoint", url + "/store"], env=env)
        assert "(HTTP 401" in one_line_error(refused)


def test_credentials_missing_refused_and_accepted(server):
    _httpd, url = server
    assert "asks for credentials (HTTP 401 Unauthorized): set KG_ENDPOINT_USER" in one_line_error(ask(url + "/basic"))
    refused = ask(url + "/basic", env={"KG_ENDPOINT_USER": USER, "KG_ENDPOINT_PASSWORD": "wrong"})
    assert "refused the credentials from KG_ENDPOINT_USER/KG_ENDPOINT_PASSWORD" in one_line_error(refused)
    assert ask(url + "/basic", env={"KG_ENDPOINT_USER": USER, "KG_ENDPOINT_PASSWORD": PASSWORD}).exit_code == 0
    half = ask(url + "/basic", env={"KG_ENDPOINT_USER": USER})
    assert "set both KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD" in one_line_error(half)


@pytest.mark.parametrize("route", ["/cut", "/truncated"])
def test_an_answer_cut_off(server, route):
    _httpd, url = server
    line = one_line_error(ask(url + route))
    assert "broke off its answer" in line or "incomplete or malformed SPARQL results JSON" in line


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_results_not_in_the_format_are_said_in_words(server, name):
    """A term type SPARQL 1.1 does not define, a boolean that is a string, a uri that is no IRI,
    a missing head: one line naming the endpoint and what is wrong where, never Python's words."""
    _httpd, url = server
    # (a table: csv is written as the rows come, so a fault after the head follows the header line)
    line = one_line_error(ask(f"{url}/answer/{name}", "--format", "table"))
    kind = "XML" if name.startswith("xml") else "JSON"
    assert f"{url}/answer/{name} sent incomplete or malformed SPARQL results {kind}" in line, line
    assert SAID[name] in line and "Error" not in line and "object has" not in line, line


def test_an_answer_the_server_cut_at_its_row_limit(server):
    _httpd, url = server
    line = one_line_error(ask(url + "/maxrows"))
    assert "cut its answer short at its own result limit (1 rows; Virtuoso: ResultSetMaxRows" in line


def test_a_format_the_server_cannot_give(server):
    _httpd, url = server
    assert "cannot give SPARQL results as JSON or XML (HTTP 406" in one_line_error(ask(url + "/notacceptable"))
    assert "answered text/csv, not SPARQL results JSON or XML" in one_line_error(ask(url + "/csv"))


def test_options_that_need_an_endpoint():
    result = CliRunner().invoke(main, ["query", "01", "--default-graph", "https://example.org/g"])
    assert "--default-graph applies to --endpoint" in one_line_error(result)
    result = CliRunner().invoke(main, ["query", "01", "--engine", "rdflib", "--endpoint", "http://127.0.0.1:1/sparql"])
    assert "--engine chooses an embedded engine" in one_line_error(result)


def test_push_learns_basic_from_a_head_request_and_sends_the_body_once(server, project):
    httpd, url = server
    before = len(httpd.requests)
    result = CliRunner().invoke(main, ["push", "--endpoint", url + "/store", "--graph", "https://example.org/g"],
                                env={"KG_ENDPOINT_USER": USER, "KG_ENDPOINT_PASSWORD": PASSWORD, "KG_ENDPOINT_TOKEN": None})
    assert result.exit_code == 0, result.output
    puts = [r for r in httpd.requests[before:] if r[0] == "PUT"]
    assert len(puts) == 1 and puts[0][2].startswith("Basic ") and puts[0][3] > 1_000_000
    assert "(HTTP 201)" in result.output


def test_push_with_a_refused_password(server):
    _httpd, url = server
    result = CliRunner().invoke(main, ["push", "--endpoint", url + "/store"],
                                env={"KG_ENDPOINT_USER": USER, "KG_ENDPOINT_PASSWORD": "wrong", "KG_ENDPOINT_TOKEN": None})
    assert "refused the credentials from KG_ENDPOINT_USER/KG_ENDPOINT_PASSWORD (HTTP 401" in one_line_error(result)


def test_undeclared_project_prefixes_are_declared_and_others_left_alone():
    text = 'PREFIX ckg: <urn:mine#>\nSELECT * WHERE { ?s ckg:x ?o ; rdfs:label "a:b" ; <http://x/y:z> ?o }  # sh:c'
    declared = declare_prefixes(text)
    assert declared.endswith(text)
    added = declared[:-len(text)]
    assert added == "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"


# -- graphs: kg analyze, kg viz and kg link read their graph with one CONSTRUCT -------------------


def analyze(url: str, *extra: str):
    return CliRunner().invoke(main, ["analyze", "rank", "--endpoint", url, "--format", "json", *extra],
                              env={"KG_ENDPOINT_USER": None, "KG_ENDPOINT_PASSWORD": None, "KG_ENDPOINT_TOKEN": None})


@pytest.mark.parametrize("route", ["/graph", "/graph-plain"])
def test_a_graph_in_ntriples(server, route):
    httpd, url = server
    before = len(httpd.requests)
    result = analyze(url + route, "--default-graph", "https://example.org/g")
    assert result.exit_code == 0, result.output
    ranking = json.loads(result.output)["ranking"]
    assert [(r["curie"], r["label"]) for r in ranking] == [("prog:p1", "program one")]
    construct, counted = httpd.requests[-2:]
    asked = [r[3]["query"][0] for r in httpd.requests[before:]]
    assert asked[0] == "ASK { ?s ?p ?o }" and asked.count("ASK { ?s ?p ?o }") == 1  # the graph checked once, first
    assert construct[2].startswith("application/n-triples") and "text/turtle" in construct[2]
    assert "CONSTRUCT { ?s ?p ?o }" in construct[3]["query"][0] and "COUNT(*)" in counted[3]["query"][0]
    assert construct[3]["default-graph-uri"] == counted[3]["default-graph-uri"] == ["https://example.org/g"]


def test_a_graph_cut_at_the_servers_limit(server):
    _httpd, url = server
    line = one_line_error(analyze(url + "/graph-cut"))
    assert "sent 2 of the 5 triples asked for: it cut its answer short, at its own result limit" in line


def test_a_malformed_graph_names_its_line(server):
    _httpd, url = server
    line = one_line_error(analyze(url + "/graph-malformed"))
    assert "sent a malformed or incomplete graph (N-Triples, " in line and "line 3" in line


def test_a_turtle_graph_cut_inside_a_statement(server):
    _httpd, url = server
    line = one_line_error(analyze(url + "/graph-turtle-cut"))
    assert "sent a malformed or incomplete graph (Turtle, " in line and "line 3" in line


def test_a_graph_in_a_format_not_asked_for(server):
    _httpd, url = server
    assert "answered application/rdf+xml, not N-Triples or Turtle" in one_line_error(analyze(url + "/graph-rdfxml"))
    line = one_line_error(analyze(url + "/graph-html"))
    assert "answered with an HTML page, not N-Triples or Turtle" in line and "Query editor" in line


@pytest.mark.parametrize("command", [["analyze", "coverage"], ["analyze", "communities"],
                                     ["analyze", "path", "prog:p1", "prog:p2"], ["viz", "-o", "{tmp}/g.html"],
                                     ["link", "{tmp}/other.ttl", "--workspace", "{tmp}/ws"]])
def test_every_reading_command_fails_on_an_endpoint_in_one_line(server, command, tmp_path):
    _httpd, url = server
    args = [a.format(tmp=tmp_path) for a in command]
    (tmp_path / "other.ttl").write_text('<urn:x:a> <http://www.w3.org/2000/01/rdf-schema#label> "水富市" .\n')
    unreachable = f"http://127.0.0.1:{free_port()}/sparql"
    line = one_line_error(CliRunner().invoke(main, [*args, "--endpoint", unreachable]))
    assert line.startswith(f"kg: error: cannot reach {unreachable}: ")
    slow = one_line_error(CliRunner().invoke(main, [*args, "--endpoint", url + "/slow", "--timeout", "0.5"]))
    assert "did not answer within 0.5 s" in slow
    assert not (tmp_path / "g.html").exists() and not (tmp_path / "ws" / "links" / "other.ttl").exists()


@pytest.mark.parametrize("command", [["analyze", "rank"], ["viz", "-o", "{tmp}/g.html"]])
def test_endpoint_options_without_an_endpoint(command, tmp_path):
    args = [a.format(tmp=tmp_path) for a in command]
    line = one_line_error(CliRunner().invoke(main, [*args, "--default-graph", "https://example.org/g"]))
    assert "--default-graph applies to --endpoint" in line
    assert "--timeout applies to --endpoint" in one_line_error(CliRunner().invoke(main, [*args, "--timeout", "5"]))
    assert "not an http(s) endpoint URL" in one_line_error(CliRunner().invoke(main, [*args, "--endpoint", "ftp://x/y"]))


@pytest.mark.parametrize("command", [["query", "20", "--endpoint", "{url}"], ["analyze", "rank", "--endpoint", "{url}"],
                                     ["viz", "-o", "{tmp}/v.html", "--endpoint", "{url}"], ["link", "{url}"],
                                     ["push", "--endpoint", "{url}"]])
@pytest.mark.parametrize("url", ["http://[::1", "http://example.org:port/"])
def test_a_url_python_cannot_parse_is_a_one_line_error(command, url, tmp_path):
    """An unclosed IPv6 address ended in a ValueError traceback from urllib, exit 1."""
    args = [a.format(tmp=tmp_path, url=url) for a in command]
    line = one_line_error(CliRunner().invoke(main, [*args, "--workspace", str(tmp_path / "ws")] if args[0] == "link"
                                             else args))
    assert f"not an http(s) endpoint URL: {url!r}" in line
