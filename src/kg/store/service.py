"""SERVICE calls with a deadline: a loopback relay between the engine and remote endpoints.

Neither engine bounds a SERVICE call in time. Oxigraph's HTTP client has a timeout
(SparqlEvaluator::with_http_timeout in Rust) that pyoxigraph does not expose (its
Store.query takes no timeout, nor any cancellation token: oxigraph issues #1926 and #1336),
and rdflib's SERVICE calls urlopen without one. An endpoint that accepts the connection and
never answers held a query, and Ctrl-C, for as long as it liked.

So each SERVICE endpoint a query names is rewritten, at the token level (outside strings,
IRIs and comments; kg.store.sparqltext), to a URL on a relay that this process runs on
127.0.0.1 for the query's lifetime: ``http://127.0.0.1:PORT/TOKEN/N``. The relay forwards the
request as the engine made it (method, query string, body, Content-Type, Accept) to the
endpoint, follows redirects itself (so the engine never goes around it), and answers what the
endpoint answered, or, once the call's deadline passes, 504 with a one-line reason. For the
engine that is a failed SERVICE call like any other: SERVICE SILENT gives the empty solution
(as when nothing listens), a SERVICE without SILENT fails the query, and the error is
reported with the endpoint's own IRI. The relay answers only its own random token's paths,
so it cannot be used to reach anything else.

Which endpoints may be called is the operator's choice (``allowed``: :func:`relay_services`).
A SPARQL server that runs any client's SERVICE calls makes requests from its own place in
the network on their behalf (server-side request forgery: hosts behind the firewall,
loopback ports, a cloud's metadata service at 169.254.169.254). The field's practice is an
operator's list of allowed endpoints, off or empty for a public service: QLever's
``service-allowed-iri-prefixes`` (ad-freiburg/qlever pull request #2728), Apache Jena ARQ's
``arq:httpServiceAllowed`` (https://jena.apache.org/documentation/query/service.html), the
policy Eclipse RDF4J applies to constant and bound SERVICE targets (eclipse-rdf4j/rdf4j
issue #5990). Oxigraph has none (its server federates unconditionally). Here an allowed
endpoint is one under a listed URL prefix, compared by scheme, host, port and path
segments (:func:`endpoint_allowed`); an endpoint outside the list is refused before the
query runs (a QueryError: the client's fault), SERVICE SILENT included, and the relay
checks every call and every redirect it follows again, so nothing outside the list is ever
contacted.

``SERVICE ?var`` is relayed when ``?var`` is a parameter (bound before the query runs, SPARQL
SEP-0007): the clause is written with the parameter's IRI in place of the variable, which is
what substitution means there, and every other use of ``?var`` keeps the endpoint's own IRI.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from kg.errors import KgError, QueryError
from kg.prefixes import PREFIX_IRIS
from kg.store.sparqltext import replace_spans, service_calls

if TYPE_CHECKING:  # (the HTTP modules are imported when a query has a SERVICE call: most have none)
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

#: Seconds a SERVICE call may take, from request to the last byte of the answer.
SERVICE_TIMEOUT = 10.0
#: Redirects the relay follows for one call.
REDIRECTS = 5
_FORWARDED_HEADERS = ("Content-Type", "Accept")
_PREFIXES = PREFIX_IRIS


@dataclass
class _Answer:
    status: int = 504
    content_type: str = "text/plain; charset=utf-8"
    body: bytes = b""
    failure: str | None = None


def _new_token() -> str:
    """A relay's secret path segment (imported here: the secrets module costs a query that
    calls no endpoint a millisecond at start)."""
    import secrets

    return secrets.token_urlsafe(16)


@dataclass
class Relay:
    """The relay for one query: started by :func:`relay_services`, stopped by :meth:`close`."""

    timeout: float
    allowed: tuple[str, ...] | None = None  # URL prefixes of the endpoints it may call; None: any
    routes: dict[str, str] = field(default_factory=dict)  # path -> endpoint IRI
    failures: dict[str, str] = field(default_factory=dict)  # endpoint IRI -> why it failed
    _server: ThreadingHTTPServer | None = None
    base: str = ""  # http://127.0.0.1:PORT
    _token: str = field(default_factory=_new_token)

    def start(self) -> Relay:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        relay = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                relay._forward(self, "GET")

            def do_POST(self):  # noqa: N802
                relay._forward(self, "POST")

            def log_message(self, *_args):  # a relay keeps quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        host, port = self._server.server_address[:2]
        self.base = f"http://{host}:{port}"
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                         name="kg-service-relay", daemon=True).start()
        return self

    def url_for(self, endpoint: str) -> str:
        for path, known in self.routes.items():
            if known == endpoint:
                break
        else:
            path = f"/{self._token}/{len(self.routes)}"
            self.routes[path] = endpoint
        return self.base + path

    def rewrite(self, text: str, bindings: dict[str, object]) -> str:
        """``text`` with every SERVICE endpoint it names, and every ``SERVICE ?var`` whose
        variable is bound in ``bindings`` to an IRI, replaced by its relay URL."""
        spans = []
        for call in service_calls(text, _PREFIXES):
            endpoint = call.iri if call.var is None else _bound_iri(bindings.get(call.var))
            if endpoint is not None and call.var is not None:
                _refuse_credentials(endpoint)  # (an IRI written in the text: relay_services)
                _refuse_unless_allowed(endpoint, self.allowed)
            elif call.var is not None and self.allowed is not None:
                raise QueryError(_not_allowed(f"?{call.var}", self.allowed, variable=True))
            if endpoint is not None:  # (any scheme: the relay refuses all but http and https)
                spans.append((call.start, call.end, f"<{self.url_for(endpoint)}>"))
        return replace_spans(text, spans)

    def describe(self, exc: BaseException) -> BaseException:
        """A failed query's error in the user's terms: a SERVICE call that failed here is
        named by its endpoint's IRI and the reason; relay URLs in other messages become the
        endpoints' IRIs again."""
        message = str(exc)
        for path, endpoint in self.routes.items():
            url = self.base + path
            if url in message and endpoint in self.failures:
                return KgError(f"SERVICE <{endpoint}>: {self.failures[endpoint]}")
            message = message.replace(url, endpoint)
        if not isinstance(exc, KgError) and self.failures and isinstance(exc, OSError):
            endpoint, reason = next(iter(self.failures.items()))  # rdflib's urlopen error names no URL
            return KgError(f"SERVICE <{endpoint}>: {reason}")
        return KgError(message) if isinstance(exc, KgError) else exc

    def close(self) -> None:
        if self._server is not None:
            server, self._server = self._server, None
            threading.Thread(target=lambda: (server.shutdown(), server.server_close()), daemon=True).start()

    # -- forwarding -------------------------------------------------------------------------

    def _forward(self, request: BaseHTTPRequestHandler, method: str) -> None:
        path, _, query = request.path.partition("?")
        endpoint = self.routes.get(path)
        if endpoint is None:
            self._reply(request, _Answer(404, body=b"not a relayed SERVICE endpoint\n"))
            return
        if not endpoint.lower().startswith(("http://", "https://")):
            # A SPARQL endpoint is reached over HTTP (SPARQL 1.1 Protocol); file: or ftp: would
            # read local files or other servers (urllib opens both), and the engines answered
            # "invalid format": refused, so SERVICE SILENT gives no rows and SERVICE fails.
            reason = "only http: and https: SPARQL endpoints can be called"
            self.failures.setdefault(endpoint, reason)
            self._reply(request, _Answer(504, body=(reason + "\n").encode()))
            return
        if self.allowed is not None and not endpoint_allowed(endpoint, self.allowed):
            # (refused before the query ran, by relay_services and rewrite: this is the last guard)
            reason = "not an endpoint this server allows"
            self.failures.setdefault(endpoint, reason)
            self._reply(request, _Answer(504, body=(reason + "\n").encode()))
            return
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else None
        headers = {name: request.headers[name] for name in _FORWARDED_HEADERS if request.headers.get(name)}
        target = endpoint + ("&" if "?" in endpoint else "?") + query if query else endpoint
        answer = _Answer(failure=f"no answer within {self.timeout:g} s")
        # The call runs in a thread of its own, so the deadline holds whatever the endpoint
        # does (a socket timeout bounds each read, not the whole answer); a call still
        # running at the deadline ends with its socket timeout, unread.
        worker = threading.Thread(target=_fetch, args=(target, method, body, headers, self.timeout, answer,
                                                       self.allowed), daemon=True)
        worker.start()
        worker.join(self.timeout)
        if worker.is_alive() or answer.failure is not None:
            reason = answer.failure or f"no answer within {self.timeout:g} s"
            self.failures.setdefault(endpoint, reason)
            answer = _Answer(504, body=(reason + "\n").encode())
        else:
            reason = _malformed(answer)
            if reason is not None:
                # a failed call like the others: the engines failed the whole query on a body
                # they could not parse, SERVICE SILENT included ("Parser error at line 1 ...",
                # the endpoint not named), where SILENT means the empty solution
                self.failures.setdefault(endpoint, reason)
                answer = _Answer(502, body=(reason + "\n").encode())
        self._reply(request, answer)

    @staticmethod
    def _reply(request: BaseHTTPRequestHandler, answer: _Answer) -> None:
        try:
            request.send_response(answer.status)
            request.send_header("Content-Type", answer.content_type)
            request.send_header("Content-Length", str(len(answer.body)))
            request.send_header("Connection", "close")
            request.end_headers()
            request.wfile.write(answer.body)
        except OSError:
            pass  # the engine went away (its query was stopped)


def _refuse_credentials(endpoint: str) -> None:
    """A QueryError for a SERVICE endpoint holding a user name or password: as for --endpoint
    (kg.http.check_url), credentials never come from the command line or a query's text, and
    the IRI is printed in messages and answers (written here as ``***@``)."""
    from kg.words import redacted

    if redacted(endpoint) != endpoint:
        raise QueryError(f"SERVICE <{redacted(endpoint)}>: the endpoint IRI holds a user name or password: kg "
                         f"takes credentials from the environment only; give the IRI without them")


def _bound_iri(value) -> str | None:
    """The IRI a parameter is bound to (an rdflib IRI, which is a str, or a pyoxigraph
    NamedNode), or None when it is bound to no IRI."""
    if isinstance(value, str):
        return str(value)
    from pyoxigraph import NamedNode

    return value.value if isinstance(value, NamedNode) else None


def _fetch(url: str, method: str, body: bytes | None, headers: dict, timeout: float, answer: _Answer,
           allowed: tuple[str, ...] | None = None) -> None:
    import urllib.error
    import urllib.request

    no_proxy, limited_redirects = _handlers()
    opener = urllib.request.build_opener(no_proxy(), limited_redirects(allowed))
    request = urllib.request.Request(url, data=body, headers=headers, method=method)
    try:
        with opener.open(request, timeout=timeout) as response:
            data = response.read()
            answer.status, answer.body = response.status, data
            answer.content_type = response.headers.get("Content-Type", "application/octet-stream")
            answer.failure = None
    except urllib.error.HTTPError as exc:
        answer.failure = f"HTTP {exc.code} {exc.reason}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError):  # the socket's timeout is the call's deadline, met first
            answer.failure = f"no answer within {timeout:g} s"
        else:
            from kg.words import os_reason

            answer.failure = f"cannot reach it: {os_reason(getattr(reason, 'strerror', None) or reason)}"


def _malformed(answer: _Answer) -> str | None:
    """Why a 2xx answer to a SERVICE call is no SPARQL results document (JSON or XML, the
    formats the engines ask for), checked in full as ``--endpoint`` answers are
    (kg.store.resultsformat.check_results: the head, every row and term), or None when it
    is one or is of another type (left to the engine)."""
    from kg.store.resultsformat import JSON_MEDIA, XML_MEDIA, check_results

    kind = answer.content_type.split(";")[0].strip().lower()
    name = "JSON" if kind in JSON_MEDIA else "XML"
    if kind in XML_MEDIA and _declares_entity(answer.body):
        return "answered malformed SPARQL results XML (it declares an XML entity)"
    fault = check_results(answer.body, answer.content_type)
    return None if fault is None else f"answered malformed SPARQL results {name} ({fault})"


def _declares_entity(body: bytes) -> bool:
    """Whether an XML body declares an entity (which no results document needs): refused
    before any parser expands one, so a document of nested entities cannot grow in memory."""
    import xml.parsers.expat

    class Declared(Exception):
        pass

    class Begun(Exception):
        pass

    def entity(*_args):
        raise Declared

    def element(*_args):
        raise Begun  # the document type declaration, where entities are declared, is behind

    parser = xml.parsers.expat.ParserCreate()
    parser.EntityDeclHandler = entity
    parser.StartElementHandler = element
    try:
        parser.Parse(body, True)
    except Declared:
        return True
    except (Begun, xml.parsers.expat.ExpatError):
        pass  # the full check says whether the rest is a results document
    return False


@cache
def _handlers():
    """urllib's handlers for a relayed call: no proxy, and redirects limited to http(s)."""
    import urllib.error
    import urllib.request

    class NoProxy(urllib.request.ProxyHandler):
        def __init__(self):
            super().__init__({})  # straight to the endpoint, as the engines themselves connect

    class LimitedRedirects(urllib.request.HTTPRedirectHandler):
        max_redirections = REDIRECTS

        def __init__(self, allowed: tuple[str, ...] | None = None):
            self.allowed = allowed

        def redirect_request(self, req, fp, code, msg, headers, newurl):
            # 307/308 keep the method and body; urllib turns only GET/HEAD into a redirect, so a
            # POSTed SERVICE query is re-sent as it was.
            if not newurl.lower().startswith(("http://", "https://")):  # (urllib would follow one to ftp:)
                raise urllib.error.HTTPError(newurl, code, "redirected to an endpoint that is not http: or https:",
                                             headers, fp)
            if self.allowed is not None and not endpoint_allowed(newurl, self.allowed):
                # an allowed endpoint must not lead the server on to one that is not
                raise urllib.error.HTTPError(newurl, code, "redirected to an endpoint this server does not allow",
                                             headers, fp)
            if code in (307, 308) and req.get_method() == "POST":
                return urllib.request.Request(newurl, data=req.data, headers=dict(req.header_items()), method="POST")
            return super().redirect_request(req, fp, code, msg, headers, newurl)

    return NoProxy, LimitedRedirects


def relay_services(text: str, timeout: float | None, allowed: tuple[str, ...] | None = None) -> Relay | None:
    """A started relay for a query that has SERVICE clauses (None for one that has none).
    ``timeout`` None means :data:`SERVICE_TIMEOUT`: a SERVICE call is never unbounded.

    ``allowed``: the URL prefixes of the endpoints the query may call (:func:`endpoint_allowed`);
    None: any http(s) endpoint; empty: none (federated queries off). A SERVICE clause naming
    another endpoint, or naming it by a variable that is no parameter bound to an allowed
    IRI (:meth:`Relay.rewrite`), is a QueryError before anything is called, SILENT or not."""
    try:
        calls = service_calls(text, _PREFIXES)
    except KgError:
        return None  # an undeclared prefix: the engine's parser reports it
    if not calls:
        return None
    for call in calls:
        if call.iri is None:
            continue  # (SERVICE ?var: checked when the parameter is bound, Relay.rewrite)
        _refuse_credentials(call.iri)
        if not call.silent and not call.iri.lower().startswith(("http://", "https://")):
            raise QueryError(f"SERVICE <{call.iri}>: only http: and https: SPARQL endpoints can be called")
        _refuse_unless_allowed(call.iri, allowed)
    return Relay(SERVICE_TIMEOUT if timeout is None else timeout, allowed).start()


# -- the endpoints a server allows ----------------------------------------------------------

_DEFAULT_PORTS = {"http": 80, "https": 443}


def check_allowed_prefix(prefix: str) -> str:
    """An operator's allowed-endpoint prefix (``kg serve --allow-service``) if it is an
    absolute http(s) URL with a host and without user information, query or fragment; a
    KgError saying so else."""
    from urllib.parse import urlsplit

    from kg.http import check_url

    check_url(prefix, "--allow-service URL")
    parts = urlsplit(prefix)
    if not parts.hostname or parts.query or parts.fragment or _odd_path(parts.path):
        raise KgError(f"--allow-service {prefix!r}: give an http or https URL prefix with a host, such as "
                      f"https://query.example.org/sparql (no query, fragment or '..')")
    return prefix


def endpoint_allowed(endpoint: str, allowed: tuple[str, ...]) -> bool:
    """Whether ``endpoint`` is under one of the ``allowed`` URL prefixes: the same scheme,
    host and port (80 and 443 when not written; host names compared without case), and a
    path that is the prefix's path or continues it past a ``/`` (``/sparql`` allows
    ``/sparql`` and ``/sparql/x``, not ``/sparql-admin``). A query string is the endpoint's
    own; user information, a ``.`` or ``..`` segment (plain or percent-encoded) or an
    encoded ``/`` never match: what is compared is what the request reaches."""
    target = _url_parts(endpoint)
    if target is None:
        return False
    for prefix in allowed:
        known = _url_parts(prefix)
        if known is None or known[:3] != target[:3]:
            continue
        path, under = target[3], known[3]
        if path == under or path.startswith(under if under.endswith("/") else under + "/"):
            return True
    return False


def _url_parts(url: str) -> tuple[str, str, int, str] | None:
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        port = parts.port or _DEFAULT_PORTS.get(scheme)
    except ValueError:
        return None
    if scheme not in _DEFAULT_PORTS or not parts.hostname or "@" in parts.netloc or _odd_path(parts.path):
        return None
    return scheme, parts.hostname.lower(), port, parts.path or "/"


def _odd_path(path: str) -> bool:
    """A path a server may read otherwise than it is written: dot segments, encoded or not,
    and encoded slashes or backslashes (RFC 3986, 5.2.4; servers differ on the encoded ones)."""
    from urllib.parse import unquote

    return "\\" in path or any(unquote(segment) in (".", "..") or "/" in unquote(segment) or "\\" in unquote(segment)
                                for segment in path.split("/"))


def _not_allowed(endpoint: str, allowed: tuple[str, ...], variable: bool = False) -> str:
    shown = endpoint if variable else f"<{endpoint}>"
    if not allowed:
        return (f"SERVICE {shown}: federated queries are off on this public endpoint (its operator allows no "
                f"SERVICE endpoints)")
    if variable:
        return (f"SERVICE {shown}: on this endpoint a SERVICE endpoint must be named by its IRI, one its operator "
                f"allows")
    return f"SERVICE {shown}: not an endpoint this server allows federated queries to call"


def _refuse_unless_allowed(endpoint: str, allowed: tuple[str, ...] | None) -> None:
    if allowed is not None and not endpoint_allowed(endpoint, allowed):
        raise QueryError(_not_allowed(endpoint, allowed))
