"""`kg serve` and `kg push` against real Oxigraph servers on loopback."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.errors import KgError
from kg.publish.serve import Server, check_port_free, load_store, oxigraph_binary

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(url: str, *, data: bytes | None = None, headers: dict | None = None, method: str | None = None):
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`kg serve` as a user runs it: a subprocess, stopped with SIGINT (Ctrl-C)."""
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-m", "kg", "serve", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    banner = ""
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        banner += line
        if "SPARQL endpoint" in line or process.poll() is not None:
            break
    yield url, banner, process
    process.send_signal(signal.SIGINT)
    process.wait(timeout=20)


def test_serve_prints_url_and_example(served):
    url, banner, _ = served
    assert f"{url}/query" in banner


def test_query_over_get_and_post_in_json_and_csv(served, project):
    url, _, _ = served
    encoded = urllib.parse.urlencode({"query": COUNT})
    status, body = http(f"{url}/query?{encoded}", headers={"Accept": "application/sparql-results+json"})
    assert status == 200
    count = int(json.loads(body)["results"]["bindings"][0]["n"]["value"])
    assert count == len(project.union())

    status, body = http(f"{url}/query", data=COUNT.encode(), method="POST",
                        headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"})
    assert status == 200
    assert list(csv.reader(io.StringIO(body)))[1] == [str(count)]

    status, body = http(f"{url}/query", data=urllib.parse.urlencode({"query": COUNT}).encode(), method="POST",
                        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/csv"})
    assert status == 200 and body.splitlines()[1] == str(count)


def test_query_editor_is_served(served):
    url, _, _ = served
    status, body = http(url + "/", headers={"Accept": "text/html"})
    assert status == 200 and "<html" in body.lower()


def test_updates_are_refused(served):
    url, _, _ = served
    status, _ = http(f"{url}/update", data=b"INSERT DATA { <urn:a> <urn:b> <urn:c> }", method="POST",
                     headers={"Content-Type": "application/sparql-update"})
    assert status in (403, 404, 405)
    status, _ = http(f"{url}/store?default", data=b"<urn:a> <urn:b> <urn:c> .", method="PUT",
                     headers={"Content-Type": "application/n-triples"})
    assert status in (403, 404, 405)
    _, body = http(f"{url}/query?" + urllib.parse.urlencode({"query": "ASK { <urn:a> ?p ?o }"}),
                   headers={"Accept": "application/sparql-results+json"})
    assert json.loads(body)["boolean"] is False


def test_serve_refuses_a_taken_port(served):
    url, _, _ = served
    port = url.rsplit(":", 1)[1]
    result = CliRunner().invoke(main, ["serve", "--port", port])
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.output and "--port" in result.output


def test_serve_refuses_a_public_bind_without_public():
    result = CliRunner().invoke(main, ["serve", "--bind", "0.0.0.0", "--port", str(free_port())])
    assert result.exit_code == 2 and "--public" in result.output


def test_ctrl_c_stops_the_server_cleanly(served):
    url, _, process = served
    # the module fixture stops it with SIGINT; here check the child is an Oxigraph server
    assert process.poll() is None
    assert oxigraph_binary().endswith("oxigraph")


@pytest.fixture
def writable_server(tmp_path):
    with Server(tmp_path / "store", port=free_port(), read_only=False) as server:
        yield server


def test_push_replaces_the_named_graph(writable_server, project, monkeypatch):
    runner = CliRunner()
    endpoint = writable_server.url + "/store"
    graph = "https://example.org/graph/shuifu"
    for _ in range(2):  # twice: the second upload replaces, it does not add
        result = runner.invoke(main, ["push", "--endpoint", endpoint, "--graph", graph])
        assert result.exit_code == 0, result.output
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    _, body = http(writable_server.url + "/query?" + urllib.parse.urlencode({"query": query}),
                   headers={"Accept": "text/csv"})
    assert int(body.splitlines()[1]) == len(project.union())
    assert "replaced <https://example.org/graph/shuifu>" in result.output


def test_push_sends_credentials_from_the_environment_only(monkeypatch):
    import httpx

    from kg.http import auth_from_environment

    monkeypatch.setenv("KG_ENDPOINT_USER", "analyst")
    monkeypatch.setenv("KG_ENDPOINT_PASSWORD", "s3cret")
    request = httpx.Request("PUT", "http://127.0.0.1/store")
    flow = auth_from_environment().auth_flow(request)
    assert "Authorization" not in next(flow).headers  # the server's challenge names the scheme
    challenge = httpx.Response(401, headers={"WWW-Authenticate": 'Basic realm="store"'}, request=request)
    assert flow.send(challenge).headers["Authorization"] == "Basic YW5hbHlzdDpzM2NyZXQ="
    monkeypatch.setenv("KG_ENDPOINT_TOKEN", "tok")
    assert next(auth_from_environment().auth_flow(request)).headers["Authorization"] == "Bearer tok"
    options = {p.name for p in main.commands["push"].params}
    assert not options & {"user", "password", "token"}


def test_push_to_an_unreachable_endpoint_fails_clearly():
    result = CliRunner().invoke(main, ["push", "--endpoint", f"http://127.0.0.1:{free_port()}/store"])
    assert result.exit_code == 2
    assert "cannot reach" in result.output


def test_push_to_a_refusing_endpoint_fails_clearly(tmp_path, project):
    load_store(tmp_path / "store", project)
    with Server(tmp_path / "store", port=free_port(), read_only=True) as server:
        result = CliRunner().invoke(main, ["push", "--endpoint", server.url + "/store"])
    assert result.exit_code == 2
    assert "refused the upload: HTTP" in result.output


def test_server_start_failure_is_an_error(tmp_path):
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen()
    try:
        with pytest.raises(KgError, match="cannot listen"):
            Server(tmp_path / "s", port=blocker.getsockname()[1]).start()
    finally:
        blocker.close()


def _time_wait_on(port: int) -> bool:
    """Whether a connection with this local port is in TIME_WAIT (state 06 in /proc/net/tcp)."""
    with open("/proc/net/tcp") as table:
        rows = [line.split() for line in table.readlines()[1:]]
    return any(int(row[1].split(":")[1], 16) == port and row[3] == "06" for row in rows)


def test_a_port_left_in_time_wait_is_free(tmp_path, project):
    """A server stopped a moment ago leaves its connections in TIME_WAIT on its port for a
    minute. Oxigraph listens there again at once, so `kg serve` must not call the port taken."""
    port = free_port()
    load_store(tmp_path / "store", project)
    with Server(tmp_path / "store", port=port) as server:
        status, _ = http(server.url + "/query?" + urllib.parse.urlencode({"query": "ASK {}"}),
                         headers={"Accept": "application/sparql-results+json"})
        assert status == 200
    assert _time_wait_on(port)  # the server closed its connections first
    check_port_free("127.0.0.1", port)  # does not raise
    with Server(tmp_path / "store", port=port) as again:
        assert http(again.url + "/query?" + urllib.parse.urlencode({"query": "ASK {}"}),
                    headers={"Accept": "application/sparql-results+json"})[0] == 200
