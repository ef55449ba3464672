"""Servers for tests: `kg serve` as a user runs it (a subprocess), and the same application
in this process (a thread) over a small store, for quick protocol tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field

from oxigraph_server import free_port


@dataclass
class Served:
    url: str
    banner: str
    process: subprocess.Popen
    errors: list[str] = field(default_factory=list)

    def stderr(self) -> str:
        return "".join(self.errors)

    def stop(self, signum: int = signal.SIGINT, timeout: float = 20) -> float:
        """Send ``signum``; seconds until the process was gone."""
        started = time.monotonic()
        self.process.send_signal(signum)
        self.process.wait(timeout=timeout)
        return time.monotonic() - started


def children(pid: int) -> list[int]:
    """The live child processes of ``pid`` (the query processes of a server)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry))
    return found


@contextmanager
def kg_serve(*args: str, start_timeout: float = 180):
    """`python -m kg serve --port P ARGS`, until its banner; stopped with SIGINT at the end."""
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-m", "kg", "serve", "--port", str(port), *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    served = Served(f"http://127.0.0.1:{port}", "", process)
    threading.Thread(target=lambda: served.errors.extend(iter(process.stderr.readline, "")), daemon=True).start()
    deadline = time.monotonic() + start_timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        served.banner += line
        if "curl " in line or process.poll() is not None:  # the banner's last line
            break
    threading.Thread(target=process.stdout.read, daemon=True).start()
    try:
        yield served
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def app_in_thread(source, settings=None, base=None):
    """kg.publish.serve's application on a free loopback port, in a thread of this process."""
    import uvicorn

    from kg.publish.serve import create_app

    port = free_port()
    app = create_app(source, settings, base=base)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, log_level="warning",
                                           access_log=False, lifespan="on", timeout_graceful_shutdown=0.5))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        server.should_exit = True
        thread.join(10)


def http(url: str, *, data: bytes | None = None, headers: dict | None = None, method: str | None = None,
         timeout: float = 180):
    """(status, headers, body text) of a request; HTTP errors are answers too. The wait is long:
    these tests check answers, not speed, and a loaded machine made a first page take over 30 s."""
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read().decode("utf-8")
