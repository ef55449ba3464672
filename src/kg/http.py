"""HTTP for endpoints: credentials from the environment and one-line errors.

Credentials never come from the command line (where they would end up in shell history and
process listings), only from the environment:

- ``KG_ENDPOINT_TOKEN``: a bearer token (RFC 6750), sent with every request;
- ``KG_ENDPOINT_USER`` and ``KG_ENDPOINT_PASSWORD``: HTTP Basic (RFC 7617) or Digest
  (RFC 7616), whichever the server's ``WWW-Authenticate`` challenge asks for. Virtuoso's
  authenticated endpoints (``/sparql-auth``, ``/sparql-graph-crud-auth``) ask for Digest;
  Fuseki and most proxies for Basic.

The HTTP itself (connections, timeouts, Digest) is httpx's.
"""

from __future__ import annotations

import html
import os
import re
import time
import urllib.parse
from collections.abc import Generator, Iterator
from contextlib import contextmanager

import httpx

from kg.errors import KgError
# (redacted and os_reason live in kg.words, which imports no HTTP client: a SERVICE call's relay
# and its messages use them without importing httpx, 0.2 s of a query's start)
from kg.words import os_reason, printable, redacted  # noqa: F401 (re-exported)

TOKEN_ENV = "KG_ENDPOINT_TOKEN"
USER_ENV = "KG_ENDPOINT_USER"
PASSWORD_ENV = "KG_ENDPOINT_PASSWORD"
#: How much of a server's error page a message quotes.
MESSAGE_CHARS = 300


class BearerAuth(httpx.Auth):
    """``Authorization: Bearer TOKEN`` on every request."""

    def __init__(self, token: str):
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request


class ChallengeAuth(httpx.Auth):
    """User and password, sent the way the server's challenge asks: Digest or Basic.

    The first request goes without credentials; its 401 names the scheme, which is then used
    for every later request through this object (Digest with the server's nonce, so later
    requests carry their credentials from the start and a large body is sent once)."""

    requires_request_body = True

    def __init__(self, user: str, password: str):
        self._digest = httpx.DigestAuth(user, password)
        self._basic = httpx.BasicAuth(user, password)
        self.scheme: str | None = None

    def assume_basic(self) -> None:
        """Send Basic credentials from now on if no challenge has named a scheme yet."""
        self.scheme = self.scheme or "basic"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self.scheme == "digest":
            yield from self._digest.auth_flow(request)
            return
        if self.scheme == "basic":
            yield from self._basic.auth_flow(request)
            return
        response = yield request
        if response.status_code != 401:
            return
        self.scheme = "digest" if "digest" in challenge_schemes(response) else "basic"
        yield from (self._digest if self.scheme == "digest" else self._basic).auth_flow(request)


def challenge_schemes(response: httpx.Response) -> set[str]:
    """The authentication schemes a 401 response offers (lower case), e.g. ``{"digest"}``."""
    return {value.split(None, 1)[0].lower() for value in response.headers.get_list("www-authenticate") if value.strip()}


def auth_from_environment() -> httpx.Auth | None:
    """The credentials the environment gives (see the module docstring), or None.

    Raises KgError when only one of user and password is set."""
    token = os.environ.get(TOKEN_ENV)
    if token:
        # a header carries visible ASCII and spaces only (RFC 9110, 5.5); the token itself is
        # never printed: it is a secret
        if not all(" " <= ch <= "~" for ch in token.strip()):
            raise KgError(f"{TOKEN_ENV} holds characters a header cannot carry (a line break, a control "
                          "character or a non-ASCII letter): set it to the token alone")
        return BearerAuth(token.strip())
    user, password = os.environ.get(USER_ENV), os.environ.get(PASSWORD_ENV)
    if user is None and password is None:
        return None
    if user is None or password is None:
        raise KgError(f"set both {USER_ENV} and {PASSWORD_ENV}, or neither")
    return ChallengeAuth(user, password)


def check_url(url: str, what: str = "endpoint URL") -> str:
    """``url`` if it is an absolute http(s) URL, else a KgError "not an http(s) ``what``"
    (also for a URL Python's parser refuses, such as an unclosed IPv6 address ``http://[::1``
    or a port that is no number).

    A URL holding user information (``http://user:password@host/``) is a KgError too, which
    names the environment variables to use and never repeats the password: credentials never
    come from the command line (module docstring), and a URL is printed in every message."""
    shown = redacted(url)
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - parsed here so that a bad port is this error, not a later one
    except ValueError as exc:
        raise KgError(f"not an http(s) {what}: {shown!r} ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise KgError(f"not an http(s) {what}: {shown!r}")
    if "@" in parts.netloc:
        raise KgError(f"the {what} {shown} holds a user name or password: kg takes credentials from the "
                      f"environment only ({USER_ENV} and {PASSWORD_ENV}, or {TOKEN_ENV}); give the URL without them")
    return url


#: The wait of "no limit" (a timeout of 0 on the command line): a day, since the HTTP client
#: needs a finite one.
NO_LIMIT = 86_400.0


def client(timeout: float) -> httpx.Client:
    """An httpx client with ``timeout`` seconds for connecting and for each read and write.
    Redirects are followed by :func:`send` (httpx would turn a POST redirected by 301 or 302
    into a GET without its body: the query would be lost)."""
    return httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=False,
                        event_hooks={"request": [_sent], "response": [_headed]})


#: The response header by which ``kg serve`` tells its clients its time limit for a query, in
#: seconds. Past the limit with its answer begun, the server can no longer change the status it
#: sent (and HTTP/1.1 trailers reach no common client): it ends the response unfinished, and
#: a client that knows the limit says why the answer broke off (:func:`_broken_off`).
TIME_LIMIT_HEADER = "Query-Time-Limit"


def _sent(request: httpx.Request) -> None:
    request.extensions["kg_sent"] = time.monotonic()


def _headed(response: httpx.Response) -> None:
    """Remember, on the request, the time limit the server declared (before its body is read:
    a body that breaks off leaves no response to ask)."""
    response.request.extensions["kg_time_limit"] = response.headers.get(TIME_LIMIT_HEADER)


def _broken_off(endpoint: str, exc: httpx.RemoteProtocolError) -> str:
    """What to say of an answer that broke off: if the server declared a time limit and that
    long has passed since the request was sent, the server stopped the query at its limit;
    otherwise the transport's reason."""
    try:
        request = exc.request
    except RuntimeError:  # (an error raised without a request)
        request = None
    extensions = request.extensions if request is not None else {}
    limit, sent = extensions.get("kg_time_limit"), extensions.get("kg_sent")
    try:
        seconds = float(limit) if limit is not None else None
    except ValueError:
        seconds = None
    if seconds is not None and sent is not None and time.monotonic() - sent >= seconds:
        return (f"{endpoint} stopped the query at its time limit of {seconds:g} s, after it had begun its answer: "
                "the answer is incomplete (ask for fewer rows, or raise the server's limit: kg serve --timeout)")
    return f"{endpoint} broke off its answer: {_reason(exc)}"


#: Redirects followed for one request before it is given up.
MAX_REDIRECTS = 5
#: The redirect statuses; a request is sent again as it was, except after 303 (See Other),
#: which asks for a GET of the new location (RFC 9110, 15.4).
_REDIRECTS = {301, 302, 303, 307, 308}
#: Seconds the transport's own time-out is given over the total limit, so that its more
#: precise message ("no connection within") comes first when it applies.
_GRACE = 0.25


def send(session: httpx.Client, method: str, url: str, *, endpoint: str, slow: str = "queries",
         option: str = "--timeout", total: float | None = None, auth: httpx.Auth | None = None,
         hint: str = "", **kwargs) -> httpx.Response:
    """One request, its whole body read; a transport failure becomes a one-line KgError:
    unreachable, no answer within the timeout, an answer cut off, a connection lost. ``slow``
    and ``option``: what the request was and the option that sets its time, for the hint
    ("raise --timeout for slow queries"); ``hint``: said after a time-out as well (what else
    may be wrong, e.g. the URL).

    ``total``: seconds for the whole exchange, redirects and the answer's last byte included:
    a server that keeps sending a little at a time is stopped then (the client's own timeout
    applies to each read). Redirects are followed as :func:`follow` says."""
    if total is None:
        return follow(session, method, url, endpoint=endpoint, slow=slow, option=option, auth=auth, hint=hint,
                      **kwargs)
    import threading

    outcome: dict = {}
    done = threading.Event()

    def exchange() -> None:
        try:
            outcome["response"] = follow(session, method, url, endpoint=endpoint, slow=slow, option=option,
                                         auth=auth, hint=hint, **kwargs)
        except BaseException as exc:  # handed to the waiting thread
            outcome["error"] = exc
        finally:
            done.set()

    # a daemon thread: one left reading a slow answer does not keep the program from ending
    threading.Thread(target=exchange, name="kg-http", daemon=True).start()
    if not done.wait(total + _GRACE):
        raise KgError(f"{endpoint} did not answer within {total:g} s (raise {option} for slow {slow}){hint}")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["response"]


def follow(session: httpx.Client, method: str, url: str, *, endpoint: str, slow: str = "queries",
           option: str = "--timeout", auth: httpx.Auth | None = None, stream: bool = False, hint: str = "",
           **kwargs) -> httpx.Response:
    """The final response to a request, redirects followed; ``stream``: its body not yet read
    (read it with :func:`transport_errors` around, then close it), else read whole.

    Redirects (301, 302, 307, 308) are followed with the same method and body, up to
    :data:`MAX_REDIRECTS`. A 303 (See Other) asks for a GET of the new location (RFC 9110,
    15.4.4): a form-encoded body (a SPARQL query) then goes in the new URL's query string,
    as the SPARQL 1.1 Protocol's query via GET, so the query is kept; any other body (an
    upload) would be lost, so it is a KgError saying the server redirected it. A redirect
    without a Location, or to a URL that is not http(s), is a KgError saying so. Credentials
    go only to the origin (scheme, host, port) of ``url``, never to another a redirect names."""
    origin = _origin(url)
    for _hop in range(MAX_REDIRECTS + 1):
        response = _request(session, method, url, endpoint, slow, option, hint, stream=stream,
                            auth=auth if _origin(url) == origin else None, **kwargs)
        if response.status_code not in _REDIRECTS:
            return response
        if stream:  # a redirect's body is a few bytes at most: read, then let the connection go
            with transport_errors(session, endpoint, slow, option, hint):
                response.read()
            response.close()
        location = response.headers.get("location")
        status = f"HTTP {response.status_code} {response.reason_phrase}".rstrip()
        if not location:
            raise KgError(f"{endpoint} answered {status}, a redirect, without a Location to follow")
        target = urllib.parse.urljoin(url, location)
        try:
            target = check_url(target, "URL")
        except KgError as exc:
            raise KgError(f"{endpoint} redirected ({status}) to a URL kg does not follow: {exc}") from None
        if response.status_code == 303 and method not in ("GET", "HEAD"):
            headers = kwargs.get("headers") or {}
            form = next((value for key, value in headers.items() if key.lower() == "content-type"), "")
            if form.split(";")[0].strip().lower() != "application/x-www-form-urlencoded":
                raise KgError(f"{endpoint} redirected the {method} with {status} to {redacted(target)}, which asks "
                              f"for a GET there: kg does not send it as a GET (is this the right URL?)")
            parts = urllib.parse.urlsplit(target)
            body = kwargs.get("content") or b""
            body = body.decode("utf-8") if isinstance(body, bytes) else str(body)
            target = urllib.parse.urlunsplit(parts._replace(query="&".join(p for p in (parts.query, body) if p)))
            method = "GET"
            kwargs = {key: value for key, value in kwargs.items() if key not in ("content", "data", "files")}
            kwargs["headers"] = {key: value for key, value in headers.items()
                                 if key.lower() not in ("content-type", "content-length")}
        url = target
    raise KgError(f"{endpoint} redirected more than {MAX_REDIRECTS} times (last to {redacted(url)})")


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port or {"http": 80, "https": 443}.get(parts.scheme)


@contextmanager
def transport_errors(session: httpx.Client, endpoint: str, slow: str = "queries", option: str = "--timeout",
                     hint: str = "") -> Iterator[None]:
    """Within it, httpx's transport errors (sending a request, or reading a streamed answer)
    become one-line KgErrors naming ``endpoint``: unreachable, no answer within the client's
    timeout (``option`` raises it for ``slow`` requests; ``hint`` said after), cut off, lost."""
    try:
        yield
    except httpx.ConnectTimeout:
        raise KgError(f"cannot reach {endpoint}: no connection within {_seconds(session)}") from None
    except httpx.ConnectError as exc:
        raise KgError(f"cannot reach {endpoint}: {_reason(exc)}") from None
    except httpx.TimeoutException:
        raise KgError(f"{endpoint} did not answer within {_seconds(session)} (raise {option} for slow {slow})"
                      f"{hint}") from None
    except httpx.RemoteProtocolError as exc:
        raise KgError(_broken_off(endpoint, exc)) from None
    except (httpx.ReadError, httpx.WriteError) as exc:
        raise KgError(f"lost the connection to {endpoint}: {_reason(exc)}") from None
    except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
        raise KgError(f"not an http(s) endpoint URL: {endpoint!r} ({exc})") from None
    except httpx.HTTPError as exc:
        raise KgError(f"request to {endpoint} failed: {_reason(exc)}") from None


def _request(session: httpx.Client, method: str, url: str, endpoint: str, slow: str, option: str, hint: str,
             *, stream: bool = False, auth: httpx.Auth | None = None, **kwargs) -> httpx.Response:
    with transport_errors(session, endpoint, slow, option, hint):
        request = session.build_request(method, url, **kwargs)
        return session.send(request, auth=auth, stream=stream)


def refusal(response: httpx.Response, endpoint: str, auth: httpx.Auth | None, action: str,
            withheld: bool = False) -> str:
    """A one-line message for a 4xx/5xx answer, quoting the server's own message.

    ``action`` says what was refused ("the query", "the upload"); ``withheld``: the
    environment's credentials are by design not sent to this endpoint (another dataset's,
    ``kg link OTHER``), so a request for them is answered with that, not with their names."""
    status = f"HTTP {response.status_code} {response.reason_phrase}".rstrip()
    detail = server_message(response, status_line=False)
    if response.status_code == 401:
        if withheld:
            return (f"{endpoint} asks for credentials ({status}); kg sends none to another dataset's endpoint "
                    f"({TOKEN_ENV}, {USER_ENV} and {PASSWORD_ENV} are for --endpoint): save its data to a file "
                    f"and give that file")
        answered = str(response.url)
        if auth is not None and _origin(answered) != _origin(endpoint):
            return (f"{endpoint} redirected to {answered}, which asks for credentials ({status}); kg sends them "
                    f"only to the endpoint's own host: give that URL as the endpoint if you trust it")
        if auth is None:
            return (f"{endpoint} asks for credentials ({status}): set {USER_ENV} and {PASSWORD_ENV}, "
                    f"or {TOKEN_ENV}")
        source = TOKEN_ENV if isinstance(auth, BearerAuth) else f"{USER_ENV}/{PASSWORD_ENV}"
        return f"{endpoint} refused the credentials from {source} ({status})"
    hint = " (is this the endpoint's URL?)" if response.status_code in (404, 405) else ""
    verb = "failed on" if response.status_code >= 500 else "refused"
    return f"{endpoint} {verb} {action}: {status}{hint}" + (f": {detail}" if detail else "")


def server_message(response: httpx.Response, status_line: bool = True) -> str:
    """The first :data:`MESSAGE_CHARS` characters of an answer's text, tags and runs of
    white space removed (servers explain errors in HTML pages as often as in plain text).
    ``status_line=False``: without the parts that only repeat the answer's status line
    (:func:`beyond_status`)."""
    try:
        text = response.text
    except (httpx.ResponseNotRead, UnicodeDecodeError):
        return ""
    if "html" in response.headers.get("content-type", "").lower() or text.lstrip().startswith("<"):
        text = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", text)
        # a block (title, heading, paragraph) ends a part, for beyond_status
        text = re.sub(r"(?i)</?(?:title|h[1-6]|p|div|li|tr|br|pre|body|head)\b[^>]*>", "\n", text)
        text = html.unescape(re.sub(r"<[^>]*>", " ", text))
    parts = [" ".join(part.split()) for part in text.splitlines()]
    parts = [part for part in parts if part]
    if not status_line:
        parts = beyond_status(parts, response.status_code, response.reason_phrase)
    text = " ".join(parts)
    # a server's text is printed on the user's terminal: control characters (an escape
    # sequence, a backspace) are written out, never sent to it
    text = printable(text)
    return text if len(text) <= MESSAGE_CHARS else text[:MESSAGE_CHARS - 1] + "…"


#: Words an error page uses to restate its status line ("Error response", "Error code: 501",
#: "Message: Not Implemented"): a part of the page made only of these and the status says nothing new.
_STATUS_WORDS = re.compile(r"(?i)\b(?:http|error|errors|response|code|status|message|explanation)\b")


def beyond_status(parts: list[str], status: int, reason: str = "") -> list[str]:
    """The ``parts`` (blocks or lines of an answer) that tell more than its status line
    (``status`` and its ``reason`` phrase), each once. Python's http.server answers a PUT with
    "Error response", "Error response", "Error code: 501", "Message: Unsupported method ('PUT').",
    "Error code explanation: 501 - Server does not support this operation.", of which only the
    last says more than "HTTP 501 Unsupported method ('PUT')"."""
    kept: list[str] = []
    for part in parts:
        rest = part.replace(str(status), " ")
        if reason:
            rest = re.sub(re.escape(reason), " ", rest, flags=re.IGNORECASE)
        rest = re.sub(r"[\W_]+", " ", _STATUS_WORDS.sub(" ", rest)).strip()
        if rest and part not in kept:
            kept.append(part)
    return kept


def _seconds(session: httpx.Client) -> str:
    timeout = session.timeout.read or session.timeout.connect
    return f"{timeout:g} s" if timeout is not None else "the timeout"


def _reason(exc: Exception) -> str:
    return os_reason(str(exc) or type(exc).__name__)
