"""A SPARQL 1.1 Protocol client: the catalog, ad-hoc queries and graphs asked of any endpoint.

``kg query --endpoint URL`` sends the query by POST (form-encoded, so long queries fit),
asks for SPARQL Query Results JSON (or XML), and reads the answer as it comes
(:meth:`Endpoint.stream`: ijson for JSON, the standard library's pull parser for XML) into the
same :class:`kg.store.sparql.Stream` of rows the embedded engines give, so every output format,
``--limit`` (the connection closed there) and ``--timeout`` (the whole answer, its last row
included) work alike, and memory holds a few rows whatever the answer's size. JSON stays the
first choice because every endpoint gives it; TSV, which some do not, would need a parser of
its Turtle terms of our own.
A CONSTRUCT query (:meth:`Endpoint.construct`, and :meth:`Endpoint.triples`, through which
``kg analyze``, ``kg viz`` and ``kg link`` read their graph: kg.query.readers) asks for
N-Triples or Turtle and gives an rdflib graph, language tags in registered case.

Parameters are bound as the embedded engines bind them: a VALUES block opening the WHERE
clause, each value an RDF term written by pyoxigraph's serializer (:func:`kg.query.with_values`),
never pasted text. Project prefixes a query uses without declaring them are declared in front
of it (the embedded engines know them; a remote endpoint does not).

A SPARQL update is refused before anything is sent, as locally (kg never changes a graph),
and so is a query on a ``--default-graph`` that holds nothing.

Every failure is one KgError line: unreachable, no answer within the timeout, HTTP 4xx/5xx
(with the server's own message), refused or missing credentials, an HTML page instead of
results, a format the server cannot give (406, or another content type), an answer cut off
(by the connection, or by the server's own row limit), a malformed graph (its line and column).
"""

from __future__ import annotations

import logging
import re
import urllib.parse
from collections.abc import Callable, Iterable

from pyparsing import ParseException
import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS
from rdflib.plugins.sparql.parser import parseQuery

from kg.query.catalog import CatalogQuery
from kg.errors import KgError
from kg.words import counted
from kg.labels import LANGUAGES
from kg.namespaces import PREFIXES, bind_prefixes
from kg.query.engines import bind_parameters
from kg.store.load import add_parsed
from kg.store.sparql import Limits, Results, Stream, with_values
from kg.store.resultsformat import JSON_MEDIA, XML_MEDIA
from kg.store.sparqltext import count_query, triples_query
from kg import http

#: SPARQL Query Results JSON first, XML second (both W3C Recommendations; every SPARQL 1.1
#: endpoint gives one of them).
ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
JSON_TYPES, XML_TYPES = JSON_MEDIA, XML_MEDIA  # the results formats' types (kg.store.resultsformat)
#: An RDF graph (CONSTRUCT, DESCRIBE): N-Triples first (one triple a line, the simplest to
#: parse), Turtle second; both W3C Recommendations every SPARQL endpoint can write.
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9"
#: Content types of graph answers and the syntax each is parsed as (N-Triples predates its own
#: media type: servers such as Virtuoso still label it text/plain).
GRAPH_TYPES = {"application/n-triples": ox.RdfFormat.N_TRIPLES, "text/plain": ox.RdfFormat.N_TRIPLES,
               "text/turtle": ox.RdfFormat.TURTLE, "application/x-turtle": ox.RdfFormat.TURTLE}
log = logging.getLogger(__name__)

#: The header Virtuoso adds when its ResultSetMaxRows cut an answer short.
MAX_ROWS_HEADER = "x-sparql-maxrows"
DEFAULT_TIMEOUT = 60.0
#: IRIs per label lookup (a VALUES block of this many IRIs stays well under any server's limit).
LABEL_BATCH = 200

_DECLARED = re.compile(r"^\s*PREFIX\s+([A-Za-z][\w.\-]*)?:", re.IGNORECASE | re.MULTILINE)
_USED = re.compile(r"(?<![\w<?$:/#])([A-Za-z][\w\-]*(?:\.[\w\-]+)*):(?!//)")


class Endpoint:
    """A SPARQL 1.1 Protocol query endpoint.

    ``url``: the query URL (e.g. ``http://host:8890/sparql``); ``default_graphs``: IRIs sent as
    ``default-graph-uri`` (the graphs the query reads as its default graph; none: the
    endpoint's own default); ``timeout``: seconds for connecting and for each read.
    Credentials from the environment (:mod:`kg.http`), unless ``credentials`` is False (an
    endpoint other than the one they are for). Use as a context manager, or call
    :meth:`close`."""

    def __init__(self, url: str, *, default_graphs: Iterable[str] = (), timeout: float = DEFAULT_TIMEOUT,
                 credentials: bool = True, timeout_option: str = "--timeout"):
        self.url = http.check_url(url)
        self.default_graphs = [_graph_iri(iri) for iri in default_graphs]
        self.timeout = timeout
        self.timeout_option = timeout_option
        self._credentials = credentials
        self._empty: bool | None = None  # whether the default graph holds nothing (asked once, when needed)
        self._auth = http.auth_from_environment() if credentials else None
        self._session = http.client(timeout)

    def __enter__(self) -> Endpoint:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def close(self) -> None:
        self._session.close()

    def select(self, text: str) -> Results:
        """The answer to a SELECT or ASK query (``text`` as it is sent) as :class:`Results`,
        every row in memory, within the endpoint's timeout for the whole answer; ``seconds``
        is the time from sending the request to the last row read."""
        return self.stream(text).results()

    def stream(self, text: str, limits: Limits | None = None) -> Stream:
        """A SELECT or ASK query (``text`` as it is sent) started; its answer read as it comes
        (kg.store.resultsformat.stream_results) and handed over row by row
        (kg.store.sparql.Stream), so memory holds a few rows whatever the answer's size.
        ``limits.timeout`` bounds the whole exchange, from the request to the last row
        (None: the endpoint's own timeout; a Limits without one: none); ``limits.limit`` stops
        reading there and marks the answer truncated, as locally. Closing the stream closes
        the connection: nothing more is downloaded.

        Refused before anything is sent: a SPARQL update (kg never changes a graph), and a
        query on a ``default_graphs`` that holds nothing (:meth:`require_default_graph`)."""
        from kg.store.sparql import refuse_update

        refuse_update(text, "<--sparql>")
        self.require_default_graph()
        limits = limits if limits is not None else Limits(timeout=self.timeout)
        opened: dict = {}

        def start():
            response = self._open(text, ACCEPT)
            opened["response"] = response
            media = self._media(response, "SPARQL results as JSON or XML")
            if media in JSON_TYPES:
                fmt = "json"
            elif media in XML_TYPES:
                fmt = "xml"
            else:
                raise self._unexpected(response, media, "SPARQL results JSON or XML", _beginning(self, response))
            variables, boolean, rows = self._read(response, fmt)
            opened["head"] = True
            if boolean is not None:
                return "ASK", ["ASK"], iter([(Literal(boolean),)])
            return "SELECT", variables, rows

        def close() -> None:
            response = opened.get("response")
            if response is not None:
                try:
                    response.close()
                except Exception:  # noqa: BLE001 - the worker may be reading it; it stops either way
                    pass

        def too_long() -> KgError:
            seconds = limits.timeout
            if opened.get("head"):
                return KgError(f"{self.url} did not finish its answer within {seconds:g} s "
                               f"(raise {self.timeout_option} for slow queries)")
            return KgError(f"{self.url} did not answer within {seconds:g} s (raise {self.timeout_option} for slow queries)")

        return Stream(start, limits, on_close=close, timeout_error=too_long)

    def _read(self, response, fmt: str):
        """The streamed body of ``response`` as stream_results gives it; transport errors and
        malformed results as one-line KgErrors naming the endpoint, from the rows too."""
        from kg.store.resultsformat import MalformedResults, stream_results

        read = [0]

        def chunks():
            with http.transport_errors(self._session, self.url, option=self.timeout_option):
                for chunk in response.iter_bytes():
                    read[0] += len(chunk)
                    yield chunk

        def malformed(exc: MalformedResults) -> KgError:
            return KgError(f"{self.url} sent incomplete or malformed SPARQL results {fmt.upper()} "
                           f"(after {counted(read[0], 'byte')}): {exc}")

        try:
            variables, boolean, rows = stream_results(chunks(), fmt)
        except MalformedResults as exc:
            raise malformed(exc) from None

        def checked():
            try:
                yield from rows
            except MalformedResults as exc:
                raise malformed(exc) from None
            finally:
                response.close()

        return variables, boolean, checked()

    def construct(self, text: str) -> Graph:
        """The graph a CONSTRUCT (or DESCRIBE) query answers, as an rdflib graph with the
        project's prefixes bound; project prefixes the query uses are declared for it."""
        return self._construct(text)[0]

    def _construct(self, text: str) -> tuple[Graph, int]:
        from kg.store.sparql import refuse_update

        text = declare_prefixes(text)
        refuse_update(text, "<query>")
        self.require_default_graph()
        response = self._post(text, GRAPH_ACCEPT)
        media = self._media(response, "a graph as N-Triples or Turtle")
        if media not in GRAPH_TYPES:
            raise self._unexpected(response, media, "N-Triples or Turtle")
        return parse_graph(response.content, GRAPH_TYPES[media], self.url)

    def triples(self, where: str) -> Graph:
        """The triples ``?s ?p ?o`` that ``where`` binds (kg.query.readers), then their number
        asked separately: an answer holding fewer is a KgError, since a server may cut a
        CONSTRUCT answer at its result limit without a word (Virtuoso 7.2 does, at
        ResultSetMaxRows, while it marks a cut SELECT answer with X-SPARQL-MaxRows)."""
        graph, stated = self._construct(triples_query(where))
        counted = self.select(declare_prefixes(count_query(where)))
        expected = int(counted.rows[0][0]) if counted.rows and counted.rows[0][0] is not None else 0
        if stated < expected:
            raise KgError(f"{self.url} sent {stated:,} of the {expected:,} triples asked for: it cut its "
                          "answer short, at its own result limit (Virtuoso: ResultSetMaxRows in the [SPARQL] "
                          "section of virtuoso.ini)")
        return graph

    def require_default_graph(self) -> None:
        """A KgError (:meth:`empty_default_graph`) if the graphs given as the default graph
        hold no triple at all: an IRI mistyped or a graph not loaded, which would otherwise
        read as an empty answer (the README: exit 2). Asked once, before the first query."""
        if not self.default_graphs or self._empty is not None:
            return
        self._empty = False  # (the questions asked on the way are not checked again)
        answer = self.select("ASK { ?s ?p ?o }")
        if not (answer.rows and answer.rows[0][0] is not None and answer.rows[0][0].toPython()):
            self._empty = True
            raise KgError(self.empty_default_graph())

    def empty_default_graph(self) -> str:
        given = ", ".join(f"<{iri}>" for iri in self.default_graphs)
        try:
            named = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g LIMIT 6")
            graphs = [f"<{row[0]}>" for row in named.rows if row[0] is not None]
        except KgError:  # (an endpoint may not list its graphs)
            graphs = []
        there = (f"; graphs there include {', '.join(graphs[:5])}" + (" ..." if len(graphs) > 5 else "")
                 if graphs else "")
        return f"--default-graph {given}: no triples at {self.url} (is the IRI right?){there}"

    def remembered(self, key: str, answer: Callable[[], Graph]) -> Graph:
        """``answer()``, asked again each time (kg.query.readers: nothing is kept of an
        endpoint's answers; its graph may change between two commands)."""
        return answer()

    def _form(self, text: str) -> tuple[bytes, dict[str, str]]:
        form = urllib.parse.urlencode([("query", text)] + [("default-graph-uri", iri) for iri in self.default_graphs])
        return form.encode("utf-8"), {"Content-Type": "application/x-www-form-urlencoded"}

    def _post(self, text: str, accept: str):
        body, headers = self._form(text)
        return http.send(self._session, "POST", self.url, endpoint=self.url, auth=self._auth,
                         total=self.timeout, option=self.timeout_option, content=body,
                         headers={"Accept": accept, **headers})

    def _open(self, text: str, accept: str):
        """The response to ``text`` POSTed, redirects followed, its body not yet read."""
        body, headers = self._form(text)
        return http.follow(self._session, "POST", self.url, endpoint=self.url, auth=self._auth, stream=True,
                           option=self.timeout_option, content=body, headers={"Accept": accept, **headers})

    def _media(self, response, wanted: str) -> str:
        """The media type of a successful answer; a refusal, or an answer the server cut at its
        own row limit, is a KgError (a streamed answer's body is read for the message)."""
        if response.status_code >= 400 and not response.is_closed:
            with http.transport_errors(self._session, self.url, option=self.timeout_option):
                response.read()
        if response.status_code == 406:
            raise KgError(f"{self.url} cannot give {wanted} (HTTP 406 Not Acceptable)" + _detail(response))
        if response.status_code >= 400:
            raise KgError(http.refusal(response, self.url, self._auth, "the query", withheld=not self._credentials))
        if MAX_ROWS_HEADER in response.headers:
            limit = response.headers[MAX_ROWS_HEADER]
            raise KgError(f"{self.url} cut its answer short at its own result limit ({limit} rows; Virtuoso: "
                          "ResultSetMaxRows in the [SPARQL] section of virtuoso.ini)")
        return response.headers.get("content-type", "").split(";")[0].strip().lower()

    def _unexpected(self, response, media: str, wanted: str, body: bytes | None = None) -> KgError:
        """The error for an answer in a format not asked for; ``body``: its beginning (a
        streamed answer), else its whole content."""
        content = response.content if body is None else body
        if media in ("text/html", "application/xhtml+xml") or re.match(rb"\s*<(!doctype\s+html|html)\b",
                                                                       content[:200], re.IGNORECASE):
            title = re.search(rb"(?is)<title[^>]*>(.*?)</title>", content)
            shown = " ".join(title.group(1).decode("utf-8", "replace").split()) if title else http.server_message(response)
            return KgError(f"{self.url} answered with an HTML page, not {wanted} (is it the query URL?)"
                           + (f": {shown[:120]}" if shown else ""))
        return KgError(f"{self.url} answered {media or 'without a content type'}, not {wanted}")

    def labeler(self, lang: str, results: Results) -> Callable[[URIRef], str | None]:
        """Labels for the IRIs in ``results``, in ``lang`` first, asked of the endpoint in
        batches on first use (a format that shows no labels asks nothing)."""
        preference = [tag.lower() for tag in (lang, *(other for other in LANGUAGES if other != lang))]
        found: dict[str, dict[str, str]] | None = None

        def lookup(iri: URIRef) -> str | None:
            nonlocal found
            if found is None:
                iris = sorted({str(t) for row in results.rows for t in row if isinstance(t, URIRef)})
                found = self._labels(iris)
            labels = found.get(str(iri), {})
            return next((labels[tag] for tag in preference if tag in labels), None)

        return lookup

    def _labels(self, iris: list[str]) -> dict[str, dict[str, str]]:
        found: dict[str, dict[str, str]] = {}
        for start in range(0, len(iris), LABEL_BATCH):
            values = " ".join(f"<{iri}>" for iri in iris[start:start + LABEL_BATCH] if _plain_iri(iri))
            if not values:
                continue
            answer = self.select(f"SELECT ?s ?label WHERE {{ VALUES ?s {{ {values} }} ?s <{RDFS.label}> ?label }}")
            for subject, label in answer.rows:
                if isinstance(label, Literal):
                    found.setdefault(str(subject), {})[(label.language or "").lower()] = str(label)
        return found


def parse_results(body: bytes, fmt: str, url: str = "the endpoint") -> Results:
    """SPARQL Query Results JSON or XML (``fmt``) as :class:`Results`, checked against the
    format (kg.store.resultsformat); a body cut off or not in the format is a KgError naming
    ``url`` and saying what is wrong where."""
    from kg.store.resultsformat import MalformedResults, read_json, read_xml

    try:
        variables, rows, boolean = (read_json if fmt == "json" else read_xml)(body)
    except MalformedResults as exc:
        raise KgError(f"{url} sent incomplete or malformed SPARQL results {fmt.upper()} "
                      f"({counted(len(body), 'byte')}): {exc}") from None
    if boolean is not None:
        return Results(["ASK"], [(Literal(boolean),)])
    return Results(variables, rows)


def parse_graph(body: bytes, fmt: ox.RdfFormat, url: str = "the endpoint") -> tuple[Graph, int]:
    """An N-Triples or Turtle answer (``fmt``) as an rdflib graph with the project's prefixes
    bound (kg.store.load.add_parsed: language tags in registered case, blank nodes fresh), and
    the number of triples it stated; a body that does not parse, or stops inside a statement,
    is a KgError with its line and column."""
    graph = bind_prefixes(Graph())
    try:
        return graph, add_parsed(graph, body, fmt)
    except SyntaxError as exc:
        reason = " ".join(str(exc).split())
        raise KgError(f"{url} sent a malformed or incomplete graph ({fmt.name}, "
                      f"{counted(len(body), 'byte')}): {reason}") from None


def declare_prefixes(text: str) -> str:
    """``text`` with PREFIX declarations in front for the project prefixes it uses (``ckg:x``)
    without declaring them; a query that declares all of its prefixes is returned unchanged."""
    declared = {m.group(1) or "" for m in _DECLARED.finditer(text)}
    used = {m.group(1) for m in _USED.finditer(_without_strings_and_iris(text))}
    missing = [p for p in PREFIXES if p in used and p not in declared]
    return "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in missing) + text


def query_form(text: str) -> str:
    """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE`` (the text must parse)."""
    try:
        return parseQuery(text)[1].name.removesuffix("Query").upper()
    except (ParseException, IndexError, AttributeError):
        return "SELECT"  # perhaps an engine's extension: the endpoint judges it


def run_text(text: str, endpoint: Endpoint, fmt: str = "table") -> Results:
    """An ad-hoc SELECT or ASK query's whole answer (:func:`start_text`)."""
    return start_text(text, endpoint, fmt=fmt).results()


def start_text(text: str, endpoint: Endpoint, limits: Limits | None = None, fmt: str = "table") -> Stream:
    """An ad-hoc SELECT or ASK query started (:meth:`Endpoint.stream`). The endpoint's own
    parser judges it (it may accept its engine's extensions, such as Virtuoso's ``bif:``
    functions) and explains a syntax error; a CONSTRUCT or DESCRIBE is refused here as locally
    (kg.store.sparql.graph_answer, naming ``fmt``), an update by the endpoint's stream."""
    from kg.store.sparql import refuse_update

    refuse_update(text, "<--sparql>")
    if query_form(text) not in ("SELECT", "ASK"):
        from kg.store.sparql import graph_answer

        raise KgError(graph_answer(fmt))
    return endpoint.stream(declare_prefixes(text), limits)


def bound_text(query: CatalogQuery, params: dict[str, str] | None = None) -> str:
    """A catalog query's text with its parameters (given or default) bound as kg query binds
    them: a VALUES block of escaped RDF terms opening the WHERE clause."""
    return with_values(query.text, bind_parameters(query, params or {}))


def run_query(query: CatalogQuery, params: dict[str, str] | None, endpoint: Endpoint) -> Results:
    """A catalog question asked of ``endpoint``, its parameters bound as RDF terms."""
    return start_query(query, params, endpoint).results()


def start_query(query: CatalogQuery, params: dict[str, str] | None, endpoint: Endpoint,
                limits: Limits | None = None) -> Stream:
    """A catalog question started on ``endpoint``, its parameters bound as RDF terms."""
    return endpoint.stream(declare_prefixes(bound_text(query, params)), limits)


def ask(url: str, *, query: CatalogQuery | None = None, sparql: str | None = None,
        params: dict[str, str] | None = None, default_graphs: Iterable[str] = (),
        timeout: float = DEFAULT_TIMEOUT, lang: str = "en", fmt: str = "table") -> str:
    """A catalog question (``query``, with ``params``) or an ad-hoc ``sparql`` text asked of
    ``url``, its whole answer rendered in ``fmt`` with labels in ``lang``. (``kg query
    --endpoint`` writes the answer as it comes instead: kg.cli.query.)"""
    with Endpoint(url, default_graphs=default_graphs, timeout=timeout) as endpoint:
        if sparql is not None:
            if params:
                raise KgError("--param applies to catalog queries, which declare their parameters")
            results = run_text(sparql, endpoint, fmt)
        else:
            results = run_query(query, params, endpoint)
        results.labeler = endpoint.labeler(lang, results)
        return results.render(fmt)


def _graph_iri(value: str) -> str:
    """A --default-graph value as an absolute IRI (kg.namespaces.read_iri: ``graph:county-kg``
    expanded); anything else is a KgError naming the option. Unchecked, a value holding ``>``
    was pasted by Virtuoso into its own query text: another graph was read, without a word."""
    from kg.namespaces import read_iri

    try:
        return read_iri(value)
    except KgError as exc:
        raise KgError(f"--default-graph: {exc}") from None


#: Bytes of an answer in a format not asked for that are read to say what it is.
_BEGINNING = 65_536


def _beginning(endpoint: Endpoint, response) -> bytes:
    """The first :data:`_BEGINNING` bytes or so of a streamed answer; the connection closed."""
    read = b""
    with http.transport_errors(endpoint._session, endpoint.url, option=endpoint.timeout_option):
        for chunk in response.iter_bytes():
            read += chunk
            if len(read) >= _BEGINNING:
                break
    response.close()
    return read


def _detail(response) -> str:
    message = http.server_message(response)
    return f": {message}" if message else ""


def _plain_iri(iri: str) -> bool:
    return not re.search(r"[\s<>\"{}|^`\\]", iri)


def _without_strings_and_iris(text: str) -> str:
    """The query text with comments, string literals and <IRIs> blanked out, so that a colon
    inside them is not taken for a prefixed name."""
    text = re.sub(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'', " ", text, flags=re.S)
    text = re.sub(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'', " ", text)
    text = re.sub(r"<[^<>\"{}|^`\\\s]*>", " ", text)
    return re.sub(r"#[^\n]*", " ", text)
