"""``kg serve``: the Oxigraph server (SPARQL 1.1 Protocol at /query, a query editor at /)
on a store holding the built graph, read-only and bound to loopback unless told otherwise."""

from __future__ import annotations

import gc
import ipaddress
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from kg.errors import KgError
from kg.publish.export import serialize
from kg.store.load import Loaded

DEFAULT_PORT = 7878
DEFAULT_BIND = "127.0.0.1"


def oxigraph_binary() -> str:
    """The server installed with the `oxigraph` package, beside this Python first."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.exists():
        return str(beside)
    found = shutil.which("oxigraph")
    if not found:
        raise KgError("the Oxigraph server is not installed (pip install oxigraph)")
    return found


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # The Oxigraph server binds with SO_REUSEADDR, so connections of an earlier server
        # still in TIME_WAIT (for a minute after it stops) do not keep it from listening.
        # Probe the same way: only a live listener makes the port taken.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise KgError(f"cannot listen on {host}:{port}: {exc.strerror or exc} "
                          f"(is another server running? choose another port with --port)") from None


def load_store(location: Path, loaded: Loaded) -> None:
    """Write the merged graph into the default graph of an on-disk Oxigraph store, using the
    server's own loader so the store format always matches the server."""
    location.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        nt_file = Path(scratch) / "county-kg.nt"
        nt_file.write_bytes(serialize(loaded, "nt"))
        result = subprocess.run([oxigraph_binary(), "load", "--location", str(location), "--file", str(nt_file)],
                                capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise KgError(f"oxigraph load failed: {result.stderr.strip()}")


def store_project(location: Path) -> None:
    """Load the project's graph (with the default workspace) into a store for the server, and
    let the in-memory graph go: the server answers from the store, and a process that kept
    the rdflib graph alive would spend seconds freeing it when Ctrl-C stops the server."""
    from kg.store.load import project

    load_store(location, project(cached=False))
    gc.collect()


class Server:
    """An Oxigraph server process on ``location``; a context manager that always stops it."""

    def __init__(self, location: Path, host: str = DEFAULT_BIND, port: int = DEFAULT_PORT, *,
                 read_only: bool = True, public: bool = False):
        if not is_loopback(host) and not public:
            raise KgError(f"refusing to bind {host}: it is not a loopback address; pass --public to serve on the network")
        self.location, self.host, self.port, self.read_only = location, host, port, read_only
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self, timeout: float = 20.0) -> Server:
        check_port_free(self.host, self.port)
        command = [oxigraph_binary(), "serve-read-only" if self.read_only else "serve",
                   "--location", str(self.location), "--bind", f"{self.host}:{self.port}"]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                error = self.process.stderr.read().strip() if self.process.stderr else ""
                raise KgError(f"the Oxigraph server exited at start: {error}")
            try:
                with urllib.request.urlopen(self.url + "/query?query=ASK%7B%7D", timeout=1):
                    self._drain()
                    return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        self.stop()
        raise KgError(f"the Oxigraph server did not answer on {self.url} within {timeout:.0f} s")

    def _drain(self) -> None:
        """Read the server's output for as long as it runs: it logs every request, and a pipe
        nobody reads fills up (64 KB) and then blocks the server."""
        import threading

        def drain(stream) -> None:
            try:
                for _line in iter(stream.readline, ""):
                    pass
            except (ValueError, OSError):  # closed by stop()
                pass

        for stream in (self.process.stdout, self.process.stderr):
            if stream:
                threading.Thread(target=drain, args=(stream,), daemon=True).start()

    def wait(self) -> int:
        assert self.process is not None
        return self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for stream in (self.process.stdout, self.process.stderr) if self.process else ():
            if stream:
                stream.close()

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


EXAMPLE_QUERY = """PREFIX ckg: <https://w3id.org/county-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?program ?label WHERE {
  ?program a ckg:Program ; rdfs:label ?label .
  FILTER (langMatches(lang(?label), "en"))
} LIMIT 10"""
