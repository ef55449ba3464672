"""The Oxigraph server (the `oxigraph` package's binary) as an independent SPARQL endpoint for
tests: another county's endpoint for federation, an endpoint to link against, and a Graph
Store Protocol target for `kg push`. county-kg's own endpoint is `kg serve`."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path


def oxigraph_binary() -> str:
    """The server installed with the `oxigraph` package, beside this Python first."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.exists():
        return str(beside)
    found = shutil.which("oxigraph")
    if not found:
        raise RuntimeError("the Oxigraph server is not installed (pip install oxigraph; it is a test dependency)")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load_store(location: Path, data: Path | bytes) -> None:
    """Load an N-Triples/Turtle file (or N-Triples bytes) into an on-disk store for the server."""
    location.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        nt = location.parent / f"{location.name}.nt"
        nt.write_bytes(data)
        data = nt
    result = subprocess.run([oxigraph_binary(), "load", "--location", str(location), "--file", str(data)],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"oxigraph load failed: {result.stderr.strip()}")


class OxigraphServer:
    """An Oxigraph server process on ``location``; a context manager that always stops it."""

    def __init__(self, location: Path, port: int | None = None, *, read_only: bool = True):
        self.location, self.port, self.read_only = location, port or free_port(), read_only
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> OxigraphServer:
        command = [oxigraph_binary(), "serve-read-only" if self.read_only else "serve",
                   "--location", str(self.location), "--bind", f"127.0.0.1:{self.port}"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the Oxigraph server exited at start: {self.process.stderr.read()}")
            try:
                with urllib.request.urlopen(self.url + "/query?query=ASK%7B%7D", timeout=1):
                    # the server logs every request: read its log so the pipe never fills
                    threading.Thread(target=self.process.stderr.read, daemon=True).start()
                    return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError(f"the Oxigraph server did not answer on {self.url}")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
