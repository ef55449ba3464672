"""Apache Jena from Debian's ``libapache-jena-java`` jars, run from Python: RIOT (parsing and
validation), the TDB2 bulk loader, ARQ over TDB2, and Jena SHACL.

Two things make Debian's Jena 4.5.0 jars start (found by trying; both fixed at run time, in a
folder this module owns, from the installed jars alone; nothing is downloaded):

- the class path names its jars: the jena-* jars and the libraries they depend on, with one
  logging binding. ``-cp '/usr/share/java/*'`` puts every slf4j binding Debian ships on the
  class path, and Jena then logs nowhere useful. The binding is slf4j-simple at level WARN on
  standard error, not slf4j-nop: RIOT reports bad lexical forms, IRIs and language tags as
  logged warnings, which slf4j-nop would swallow.
- Debian moved Jena's shaded Xerces classes to the package ``xerces.*`` but left their message
  resources under ``org/apache/jena/ext/xerces/impl/...``, so the first XSD datatype fails with
  ``ExceptionInInitializerError ... internal error`` in ``xerces.impl.dv.xs.XSSimpleTypeDecl``.
  A class-path folder holding copies of those ``.properties`` files under ``xerces/...`` makes
  RIOT, ARQ, TDB2 and SHACL run.

A third limit cannot be fixed from the jars: Debian ships no Jakarta JSON Processing
implementation (``jakarta.json`` has only its API), so Jena's JSON-LD 1.1 reader fails at once
(titanium-json-ld: "Provider org.eclipse.parsson.JsonProviderImpl not found"; RIOT prints
"The document could not be loaded or parsed [code=LOADING_DOCUMENT_FAILED]" for every
document). JSON-LD is therefore read with Jena's JSON-LD 1.0 reader (jsonld-java, syntax
``jsonld10``), which covers everything the export writes (a JSON-LD 1.0 document).

The folder (``$KG_CACHE_DIR``, else ``$XDG_CACHE_HOME/county-kg``, else ``~/.cache/county-kg``;
one subfolder per Jena version and jar set) also holds :file:`JenaQueryBatch.java` compiled:
Jena's own query commands answer one query per JVM start (about a second each), the batch
answers a whole catalog in one.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from kg.errors import KgError
from kg.store.sparql import Results
from kg.query.remote import parse_results

JAVA_DIR = Path("/usr/share/java")
#: libapache-jena-java's jars (Debian's unversioned names).
JENA_JARS = ("jena-arq", "jena-base", "jena-cmds", "jena-core", "jena-dboe-base", "jena-dboe-index",
             "jena-dboe-storage", "jena-dboe-trans-data", "jena-dboe-transaction", "jena-iri",
             "jena-rdfconnection", "jena-shacl", "jena-shex", "jena-tdb", "jena-tdb2")
#: The jars of the packages libapache-jena-java depends on (its Debian Depends), and the one
#: logging binding. httpclient-cache: Jena's JSON-LD 1.0 reader needs it.
DEPENDENCY_JARS = ("commons-cli", "commons-codec", "commons-compress", "commons-csv", "commons-io",
                   "commons-lang3", "dexx.collection", "gson", "guava", "httpclient", "httpclient-cache",
                   "httpcore", "jackson-annotations", "jackson-core", "jackson-databind", "jakarta.json-api",
                   "jsonld-java", "protobuf", "thrift", "titanium-json-ld", "slf4j-api", "slf4j-simple")
LOGGING = ["-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dorg.slf4j.simpleLogger.logFile=System.err"]
#: Where Debian's jena-core keeps the shaded Xerces message resources, and where its classes look.
XERCES_RESOURCES = ("org/apache/jena/ext/xerces/", "xerces/")
BATCH_SOURCE = Path(__file__).with_name("JenaQueryBatch.java")
PACKAGE = "libapache-jena-java"
_MESSAGE = re.compile(r"^\[[^\]]*\]\s+(WARN|ERROR)\s+\S+\s+-\s+(.*)$")


def cache_root() -> Path:
    """The folder county-kg keeps run-time build products in (see the module docstring)."""
    if os.environ.get("KG_CACHE_DIR"):
        return Path(os.environ["KG_CACHE_DIR"])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "county-kg"


@dataclass
class BatchAnswers:
    """What :meth:`Jena.query_batch` returns: each query's :class:`Results` (``seconds`` as
    measured inside the JVM: parse, evaluate, write the whole answer) or its error message."""

    answers: dict[str, Results] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


class Jena:
    """Debian's Apache Jena, started with ``java`` and a named class path.

    ``java_dir``: where the jars are (Debian: /usr/share/java); ``cache``: the folder for the
    class-path fix and the compiled batch (default :func:`cache_root`); ``heap``: the JVM's
    maximum heap (``-Xmx``), e.g. "4g"."""

    def __init__(self, java: str = "java", java_dir: Path = JAVA_DIR, cache: Path | None = None,
                 heap: str | None = None):
        self.java = java
        self.java_dir = Path(java_dir)
        self.cache = Path(cache) if cache else cache_root()
        self.heap = heap
        self._classpath: str | None = None

    # -- set-up ----------------------------------------------------------------------------

    def missing(self) -> list[str]:
        """What is missing to run Jena: ``java`` and any jar; empty when everything is there."""
        missing = [] if shutil.which(self.java) else [self.java]
        return missing + [str(jar) for jar in self.jars() if not jar.is_file()]

    def jars(self) -> list[Path]:
        return [self.java_dir / f"{name}.jar" for name in (*JENA_JARS, *DEPENDENCY_JARS)]

    def version(self) -> str:
        """Jena's version, from jena-core.jar's Maven metadata ("unknown" if it has none)."""
        try:
            with zipfile.ZipFile(self.java_dir / "jena-core.jar") as jar:
                text = jar.read("META-INF/maven/org.apache.jena/jena-core/pom.properties").decode("utf-8")
        except (OSError, KeyError, zipfile.BadZipFile):
            return "unknown"
        match = re.search(r"^version=(\S+)", text, re.M)
        return match.group(1) if match else "unknown"

    @property
    def classpath(self) -> str:
        """The class path: the fix folder (resources and the compiled batch), then the jars.
        Builds the folder on first use; a KgError naming the package if anything is missing."""
        if self._classpath is None:
            missing = self.missing()
            if missing:
                raise KgError(f"Apache Jena is not installed ({', '.join(missing[:3])} missing): "
                              f"install {PACKAGE} (scripts/system-deps.sh does)")
            jars = self.jars()
            self._classpath = os.pathsep.join([str(self._prepared(jars)), *map(str, jars)])
        return self._classpath

    def _prepared(self, jars: list[Path]) -> Path:
        """The fix folder for this Jena and jar set, built once (in a temporary folder renamed
        into place, so a second process never sees half of it)."""
        fingerprint = hashlib.sha256()
        for jar in jars:
            stat = jar.stat()
            fingerprint.update(f"{jar.name}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
        fingerprint.update(BATCH_SOURCE.read_bytes())
        target = self.cache / f"jena-{self.version()}-{fingerprint.hexdigest()[:12]}"
        if (target / "classes").is_dir():
            return target / "classes"
        self.cache.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(dir=self.cache, prefix=".jena-"))
        try:
            classes = scratch / "classes"
            classes.mkdir()
            _copy_xerces_messages(self.java_dir / "jena-core.jar", classes)
            self._compile(BATCH_SOURCE, classes, os.pathsep.join(map(str, jars)))
            try:
                scratch.rename(target)
            except OSError:
                if not (target / "classes").is_dir():
                    raise
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        return target / "classes"

    def _compile(self, source: Path, classes: Path, classpath: str) -> None:
        # javac as a module of the runtime: Debian's openjdk-17-jre-headless ships jdk.compiler.
        done = subprocess.run([self.java, "-m", "jdk.compiler/com.sun.tools.javac.Main", "-nowarn", "-d", str(classes),
                               "-cp", classpath, str(source)], capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            raise KgError(f"cannot compile {source.name} for Jena: {_last_line(done.stderr or done.stdout)}")

    def run(self, main_class: str, *args: str, timeout: float = 3600, options: tuple[str, ...] = ()
            ) -> subprocess.CompletedProcess:
        """``java [options] -cp CLASSPATH main_class args`` with its output captured (text)."""
        command = [self.java, *(["-Xmx" + self.heap] if self.heap else []), *LOGGING, *options,
                   "-cp", self.classpath, main_class, *args]
        try:
            return subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise KgError(f"Jena {main_class} did not finish within {timeout:g} s") from None

    # -- RIOT --------------------------------------------------------------------------------

    def riot_validate(self, paths: list[Path], strict: bool = True) -> dict[Path, list[str]]:
        """``riot --validate [--strict]`` on each file: its warnings and errors, one string
        each (``[line: L, col: C] message``); an empty list when the file is clean.

        Files of the same reader share one JVM; when that run reports anything, each of its
        files is validated alone to say which file it was."""
        paths = [Path(p) for p in paths]
        groups: dict[str, list[Path]] = {}
        for path in paths:
            groups.setdefault(_riot_syntax(path), []).append(path)
        found: dict[Path, list[str]] = {}
        for syntax, group in groups.items():
            messages = self._riot(group, syntax, strict)
            if messages and len(group) > 1:
                for path in group:
                    found[path] = self._riot([path], syntax, strict)
            else:
                for path in group:
                    found[path] = messages
        return {path: found[path] for path in paths}

    def _riot(self, paths: list[Path], syntax: str, strict: bool) -> list[str]:
        args = ["--validate", *(["--strict"] if strict else []), *([f"--syntax={syntax}"] if syntax else []),
                *map(str, paths)]
        done = self.run("riotcmd.riot", *args)
        messages = [m.group(1) + " " + m.group(2).strip() for m in map(_MESSAGE.match, done.stderr.splitlines()) if m]
        if done.returncode != 0 and not messages:
            messages = [f"ERROR riot exited with {done.returncode}: {_last_line(done.stderr or done.stdout)}"]
        return messages

    # -- TDB2 and ARQ --------------------------------------------------------------------------

    def tdb2_load(self, location: Path, files: list[Path], loader: str = "phased") -> float:
        """Bulk-load RDF files into a new TDB2 database at ``location`` with ``tdb2.tdbloader``
        (``loader``: basic, phased, parallel or light); the wall-clock seconds, JVM start
        included. A KgError with Jena's message if a file does not load."""
        started = time.perf_counter()
        done = self.run("tdb2.tdbloader", f"--loader={loader}", "--loc", str(location), *map(str, files))
        if done.returncode != 0:
            raise KgError(f"tdb2.tdbloader failed: {_last_line(done.stderr or done.stdout)}")
        return time.perf_counter() - started

    def query_batch(self, location: Path, queries: dict[str, str], workdir: Path | None = None,
                    rounds: int = 1) -> BatchAnswers:
        """Answer ``queries`` (name -> SPARQL text, strict SPARQL 1.1) over the TDB2 database
        at ``location`` in one JVM with ARQ; with ``rounds`` > 1 all of them that many times,
        the last round's answers and times reported (a warm JVM)."""
        with tempfile.TemporaryDirectory(dir=workdir, prefix="kg-jena-") as scratch:
            folder = Path(scratch)
            files = []
            for name, text in queries.items():
                path = folder / f"{name}.rq"
                path.write_text(text, encoding="utf-8")
                files.append(path)
            started = time.perf_counter()
            done = self.run("JenaQueryBatch", str(location), str(folder), *map(str, files),
                            options=(f"-Dkg.rounds={rounds}",))
            batch = BatchAnswers(seconds=time.perf_counter() - started)
            if done.returncode != 0:
                raise KgError(f"the Jena query batch failed: {_last_line(done.stderr or done.stdout)}")
            for line in done.stdout.splitlines():
                name, _, rest = line.partition("\t")
                if rest.startswith("error\t"):
                    batch.errors[name] = rest.removeprefix("error\t")
                elif name in queries:
                    results = parse_results((folder / f"{name}.srj").read_bytes(), "json", f"Jena ({name})")
                    results.seconds = float(rest)
                    batch.answers[name] = results
            for name in queries:
                if name not in batch.answers and name not in batch.errors:
                    batch.errors[name] = "no answer (the batch stopped early)"
        return batch

    # -- SHACL -------------------------------------------------------------------------------

    def shacl(self, data: Path, shapes: Path) -> Graph:
        """Jena SHACL's validation report (``shacl validate``) of ``data`` (with the ontology
        in it, for class targets through rdfs:subClassOf) against ``shapes``."""
        done = self.run("shacl.shacl", "validate", "--shapes", str(shapes), "--data", str(data))
        if done.returncode != 0 or not done.stdout.strip():
            raise KgError(f"Jena SHACL failed: {_last_line(done.stderr or done.stdout)}")
        return Graph().parse(data=done.stdout, format="turtle")


def _riot_syntax(path: Path) -> str:
    # JSON-LD with the 1.0 reader: the 1.1 reader cannot start on Debian (module docstring).
    return "jsonld10" if path.suffix.lower() in (".jsonld", ".json") else ""


def _copy_xerces_messages(jar: Path, classes: Path) -> None:
    """Copy the Xerces message resources to where Debian's relocated classes look for them."""
    source, target = XERCES_RESOURCES
    with zipfile.ZipFile(jar) as archive:
        names = archive.namelist()
        if not any(name.startswith(target) and name.endswith(".class") for name in names):
            return  # the classes were not relocated: nothing to fix
        for name in names:
            if name.startswith(source) and name.endswith(".properties"):
                destination = classes / (target + name[len(source):])
                destination.parent.mkdir(parents=True, exist_ok=True)
                destination.write_bytes(archive.read(name))


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    interesting = [line for line in lines if not line.startswith(("at ", "..."))]
    return (interesting or lines or ["no output"])[-1][:300]
