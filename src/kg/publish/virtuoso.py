"""A private Virtuoso server (Debian's ``virtuoso-opensource``): its own database folder and
configuration file, loopback ports, started and stopped from Python, loaded by ``kg push``
(SPARQL 1.1 Graph Store Protocol) or by its bulk loader.

The server is ``virtuoso-t +foreground +configfile FOLDER/virtuoso.ini``: nothing of the
package's own instance (/var/lib/virtuoso-opensource-7, ports 1111 and 8890) is used. The
configuration follows the package's default file with what differs written out:

- ports on 127.0.0.1 only (free ones unless given), the database, logs and lock in FOLDER;
- ``DirsAllowed``: FOLDER and the folders given (the bulk loader reads only from these);
- ``NumberOfBuffers``/``MaxDirtyBuffers``: pages (8 KB each) kept in memory, sized as the
  table in the package's virtuoso.ini does (170,000 and 130,000 per 2 GB of free memory:
  Virtuoso then uses about two thirds of it);
- ``[SPARQL] ResultSetMaxRows``: raised from the package's 10,000, so a large answer is not
  cut short without notice; ``MaxQueryCostEstimationTime`` left out (no limit): Virtuoso's
  estimate of a path query over the code history is no estimate ("estimated execution time
  0 (sec) exceeds the limit", openlink/virtuoso-opensource#246), and its maintainers call the
  setting one for debugging (#1395); ``MaxQueryExecutionTime`` bounds a query instead.

The ``dba`` account keeps the password a new database starts with (``dba``): the server
listens on loopback only. A deployment sets its own (docs/deployment.md).

Endpoints: ``/sparql`` (SPARQL 1.1 Protocol, read), ``/sparql-graph-crud-auth`` (Graph Store
Protocol, HTTP Digest as ``dba``).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx

from kg.errors import KgError

SERVER = "virtuoso-t"
ISQL = "isql-vt"
PACKAGE = "virtuoso-opensource"
USER = "dba"
DEFAULT_PASSWORD = "dba"
BUFFERS_PER_GB = 85_000


def missing() -> list[str]:
    """The Virtuoso programs not on PATH (empty when both are)."""
    return [program for program in (SERVER, ISQL) if shutil.which(program) is None]


def free_port() -> int:
    """A TCP port nobody listens on at 127.0.0.1 right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Virtuoso:
    """A Virtuoso server whose database lives in ``folder``.

    ``memory_gb``: the free memory to size the page buffers for (module docstring); ``allowed``:
    folders the bulk loader may read
    besides ``folder``; ``http_port``/``sql_port``: fixed ports (default: free ones).
    Use as a context manager (stopped on leaving, even after an error), or call
    :meth:`start` and :meth:`stop`."""

    def __init__(self, folder: Path, *, memory_gb: float = 0.5, allowed: list[Path] | tuple = (),
                 http_port: int | None = None, sql_port: int | None = None, password: str = DEFAULT_PASSWORD):
        self.folder = Path(folder).resolve()
        self.memory_gb = memory_gb
        self.allowed = [Path(p).resolve() for p in allowed]
        self.http_port = http_port or free_port()
        self.sql_port = sql_port or free_port()
        self.password = password
        self.process: subprocess.Popen | None = None

    # -- addresses ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def sparql_url(self) -> str:
        """The SPARQL 1.1 Protocol query endpoint (anonymous, read)."""
        return f"{self.url}/sparql"

    @property
    def graph_store_url(self) -> str:
        """The Graph Store Protocol endpoint (HTTP Digest, as ``dba``)."""
        return f"{self.url}/sparql-graph-crud-auth"

    @property
    def config_file(self) -> Path:
        return self.folder / "virtuoso.ini"

    @property
    def log_file(self) -> Path:
        return self.folder / "virtuoso.log"

    # -- life cycle ----------------------------------------------------------------------------

    def __enter__(self) -> Virtuoso:
        self.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()

    def write_config(self) -> Path:
        """Write FOLDER/virtuoso.ini (module docstring) and return its path."""
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "vsp").mkdir(exist_ok=True)
        buffers = max(10_000, int(self.memory_gb * BUFFERS_PER_GB))
        allowed = ", ".join(str(p) for p in (self.folder, *self.allowed))
        db = self.folder
        self.config_file.write_text(f"""\
; written by county-kg (kg.publish.virtuoso); one private server on loopback
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {self.log_file}
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{self.sql_port}
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 10
CheckpointInterval = 60
O_DIRECT = 0
CaseMode = 2
MaxStaticCursorRows = 5000
AllowOSCalls = 0
DirsAllowed = {allowed}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {buffers * 3 // 4}
MaxQueryMem = 1G
ThreadsPerQuery = {os.cpu_count() or 2}
AsyncQueueMaxThreads = 10

[HTTPServer]
ServerPort = 127.0.0.1:{self.http_port}
ServerRoot = {db}/vsp
MaxClientConnections = 10
ServerThreads = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10
EnabledDavVSP = 0
HTTPProxyEnabled = 0
Charset = UTF-8
EnabledGzipContent = 0

[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryExecutionTime = 3600
DeferInferenceRulesInit = 0
""", encoding="utf-8")
        return self.config_file

    def start(self, timeout: float = 120) -> None:
        """Write the configuration, start the server and wait until /sparql answers.
        A KgError (with the end of the server's log) if it does not come up."""
        if missing():
            raise KgError(f"Virtuoso is not installed ({', '.join(missing())} missing): install {PACKAGE} "
                          "(scripts/system-deps.sh does)")
        self.write_config()
        with open(self.folder / "server.out", "ab") as output:
            self.process = subprocess.Popen([SERVER, "+foreground", "+configfile", str(self.config_file)],
                                            cwd=self.folder, stdout=output, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.process = None
                raise KgError(f"Virtuoso stopped while starting: {self._log_tail()}")
            try:
                answer = httpx.get(self.sparql_url, params={"query": "ASK {}"}, timeout=2,
                                   headers={"Accept": "application/sparql-results+json"})
                if answer.status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.stop()
        raise KgError(f"Virtuoso did not answer on {self.sparql_url} within {timeout:g} s: {self._log_tail()}")

    def stop(self, timeout: float = 60) -> None:
        """Stop the server: a clean shutdown (checkpoint) through isql, then SIGTERM, then
        SIGKILL if it still runs. Does nothing if it is not running."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        try:
            self._isql("shutdown;", timeout=timeout)
        except KgError:
            pass
        for stop_signal in (signal.SIGTERM, signal.SIGKILL):
            try:
                process.wait(timeout=timeout / 2)
                return
            except subprocess.TimeoutExpired:
                process.send_signal(stop_signal)
        process.wait(timeout=timeout)

    # -- SQL and the bulk loader -------------------------------------------------------------------

    def isql(self, sql: str, timeout: float = 3600) -> str:
        """Run SQL statements (each ending in ``;``) with ``isql-vt`` as dba; its output.
        A KgError naming the first error Virtuoso reports."""
        output = self._isql(sql, timeout=timeout)
        for line in output.splitlines():
            if line.startswith("*** Error"):
                raise KgError(f"Virtuoso: {line.removeprefix('*** ').strip()}")
        return output

    def _isql(self, sql: str, timeout: float) -> str:
        try:
            done = subprocess.run([ISQL, f"127.0.0.1:{self.sql_port}", USER, self.password, "VERBOSE=OFF",
                                   "BANNER=OFF", "PROMPT=OFF", "ECHO=OFF", "ERRORS=STDOUT"], input=sql,
                                  capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise KgError(f"isql did not finish within {timeout:g} s") from None
        return done.stdout + done.stderr

    def bulk_load(self, files: list[Path], graph: str, *, timeout: float = 7200) -> float:
        """Load RDF files (N-Triples, Turtle, RDF/XML; by extension) into ``graph`` with
        Virtuoso's bulk loader (``ld_add``, ``rdf_loader_run``, then a checkpoint); the
        wall-clock seconds. Each file must lie in the server's folder or an allowed one. A
        KgError naming the file and Virtuoso's message if a file does not load."""
        started = time.perf_counter()
        statements = [f"ld_add('{_sql_string(Path(f).resolve())}', '{_sql_string(graph)}');" for f in files]
        self.isql("\n".join([*statements, "rdf_loader_run();", "checkpoint;"]) + "\n", timeout=timeout)
        seconds = time.perf_counter() - started
        errors = self.isql("SELECT ll_file, ll_error FROM DB.DBA.LOAD_LIST WHERE ll_error IS NOT NULL;")
        failed = [line.strip() for line in errors.splitlines() if line.strip().startswith("/")]
        if failed:
            raise KgError(f"Virtuoso's bulk loader refused {failed[0][:300]}")
        return seconds

    def _log_tail(self) -> str:
        try:
            lines = [line.strip() for line in self.log_file.read_text(errors="replace").splitlines() if line.strip()]
        except OSError:
            return "no log"
        return " / ".join(lines[-3:])[:400] or "empty log"


def _sql_string(value) -> str:
    return str(value).replace("'", "''")
