"""The persistent store: every input graph in one on-disk Oxigraph store, kept current.

Layout of a store directory (``dist/store`` by default)::

    CURRENT                 the name of the published generation ("gen-000007")
    gen-000007/oxigraph/    the Oxigraph (RocksDB) store of that generation
    gen-000007/manifest.json   what it was built from (see :class:`Manifest`)
    gen-000007/.readers     locked shared by every process reading this generation
    gen-000007/records/     results about that generation (its validation report, SHACL rows)
    cache/<sha256>.nt       each input file as N-Triples with its terms as written, named by the
                            SHA-256 of the input file; the manifest holds the SHA-256 of the
                            cache file itself (and its size, times and inode), checked by
                            every read (see :class:`CacheDamaged`, :meth:`GraphStore.cache_intact`)
    cache/<sha256>.lexical.json   that file's ill-formed literals (kg.validate.partitions)
    cache/places-<sha256>.index   the place resolver's index (kg.link.placeindex)
    .lock                   locked by the one process writing a new generation
    .county-kg-manifest.json   kg's mark (kg.outputs): a build output holding the store keeps it

Each input file (the ontology, every curated data file, every import and link set of the
workspace) is its own named graph, and the store's default graph holds their union (a set:
a triple stated by two files is there once), so queries see the whole graph and ``GRAPH``
patterns see where a triple came from. Oxigraph's ``use_default_graph_as_union`` is not used
because it repeats a triple once per graph that states it, which changes every COUNT.

A published generation is never written again. A writer makes the next one from a checkpoint
of the current one (hard links to its immutable table files: milliseconds at a million
triples), applies the changes, records them in the manifest and only then points
``CURRENT`` at it. A process killed half-way leaves ``CURRENT`` where it was, so the store
answers exactly as before; the abandoned generation is removed by the next writer. Readers
hold a shared lock on the generation they opened, and a generation is removed only when no
reader holds it, so ``kg serve`` keeps answering from its generation while ``kg import``
publishes the next (Oxigraph documents a read-only open beside a writer as undefined).

The cache keeps what the Oxigraph store cannot give back: literals exactly as written (the
store keeps values: ``"5"^^xsd:positiveInteger`` would come back as ``"5"^^xsd:integer``).
Exports, validation and the rdflib reference engine read it.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg import __version__, outputs
from kg.errors import KgError
from kg.store import ntriples
from kg.store.engine import EngineStore
from kg.words import counted

#: Bumped when the layout or the meaning of a generation changes: a store of another format is
#: rebuilt from its inputs.
STORE_FORMAT = 2  # 2: each entry records the SHA-256 of its cache file; made-up blank labels numbered
#: The environment variable naming the store's directory (kg.store.project.location).
STORE_ENV = "KG_STORE"
Progress = Callable[[str], None]
_GENERATION = re.compile(r"^gen-(\d{6})$")
#: store directory -> the highest generation number this process gave out there (_next_number)
_NUMBERS_WRITTEN: dict[str, int] = {}
#: The blank-subject lines of a cache file are kept in the manifest (:attr:`Entry.blank_lines`)
#: up to this many bytes; a graph with more is read for them (the ontology has some 30 KB).
BLANK_LINES_AT_MOST = 1 << 16
#: A graph at least this large is removed from the default graph by rebuilding the default graph
#: from the other graphs' cached N-Triples (one bulk load) rather than triple by triple.
REBUILD_DEFAULT_ABOVE = 50_000


def open_engine(location: Path | str, *, read_only: bool = True) -> ox.Store:
    """The Oxigraph store of a generation, ``location`` being its ``oxigraph`` directory
    (STORE/gen-NNNNNN/oxigraph), opened read-only unless ``read_only`` is False. Every opening
    of a store directory's engine files comes here (GraphStore, kg serve's query processes,
    the site's writer processes), so that a damaged store is one line whoever opens it: a
    KgError naming the store's directory when the engine cannot open its files (damaged,
    truncated, overwritten: RocksDB says "Corruption"; removed meanwhile), saying that the
    store is kg's own copy of the project's files and workspace, to be removed and made again."""
    location = Path(location)
    directory = location.parent.parent  # STORE, of STORE/gen-NNNNNN/oxigraph
    try:
        return ox.Store.read_only(str(location)) if read_only else ox.Store(str(location))
    except (OSError, RuntimeError) as exc:
        reason = " ".join(re.sub(r"\[Errno -?\d+\]\s*", "", str(exc)).split())  # (Python's "[Errno 2]": words only)
        reason = reason if len(reason) <= 160 else reason[:157] + "..."
        raise KgError(f"{directory}: the store's files cannot be opened ({reason}); the store is kg's "
                      f"own copy of the project's files and workspace: remove {directory} and run "
                      f"`kg build` (or the command again) to make it anew") from None


def _quiet(_message: str) -> None:
    pass


@dataclass(frozen=True)
class Input:
    """One input file and the named graph it becomes. ``role``: ontology, data, workspace
    (an import or link set) or added (``kg build --add``). ``source``: where the bytes are
    read from when they are not at ``path`` yet (a new import's file, renamed to ``path``
    once the store holds it: the rename keeps its size and modification time)."""

    path: Path
    graph: str
    role: str
    source: Path | None = None


@dataclass
class Entry:
    """What the store holds of one input: its file (path, size, modification time and
    SHA-256 of the bytes), the number of triples in its named graph, and the SHA-256 of its
    cache file (``cache/<sha256>.nt``), which every read of that file checks."""

    graph: str
    path: str
    role: str
    sha256: str
    size: int
    mtime_ns: int
    triples: int
    cache_sha256: str
    #: the cache file's size and modification time when this generation was written: a
    #: cache file that still has them is taken as intact when the store is compared with its
    #: inputs (as an input file is), without reading it (:meth:`GraphStore.changes`)
    cache_size: int = -1
    cache_mtime_ns: int = -1
    #: and its change time and inode then: a cache file that still has all four is taken as
    #: the bytes its SHA-256 was taken of when it is read (:meth:`GraphStore.cache_intact`)
    #: -- a write changes the change time, which no one can set back; a copy of the store
    #: has other inodes and change times, and is hashed (-1: not known, hashed)
    cache_ctime_ns: int = -1
    cache_inode: int = -1
    #: the cache file's lines whose subject is a blank node (-1: not known, a manifest written
    #: before this was recorded): incremental validation reads only the graphs that have some
    #: for their blank nodes (kg.validate.store.validate_changes), instead of the whole store
    blank_subjects: int = -1
    #: those lines themselves (N-Triples, each ending in a newline) when they are few
    #: (:data:`BLANK_LINES_AT_MOST` bytes at most), else None (or a manifest written before
    #: this was recorded): incremental validation finds the blank subjects of a graph of a
    #: million triples that holds one blank node without reading its 200 MB cache file
    blank_lines: str | None = None


@dataclass
class Manifest:
    """What a generation was built from: the store format, the package version and one
    :class:`Entry` per named graph; ``triples``: the default graph's size (the union)."""

    generation: int
    format: int = STORE_FORMAT
    version: str = __version__
    entries: dict[str, Entry] = field(default_factory=dict)
    triples: int = 0
    #: what the inputs were made of, for commands that bring the store up to date without
    #: being told (kg.store.project.recipe): the data files (None: the project's) and the
    #: files ``kg build --add`` gave
    recipe: dict = field(default_factory=dict)

    def to_json(self) -> str:
        data = asdict(self)
        data["entries"] = [asdict(e) for e in sorted(self.entries.values(), key=lambda e: e.graph)]
        return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        """The manifest in ``text``. ValueError when it is not JSON, of another store format
        (checked first: an older format's entries lack fields this one needs) or not a
        manifest."""
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("format") != STORE_FORMAT:
            raise ValueError(f"a store manifest of another format ({data.get('format') if isinstance(data, dict) else '?'})")
        try:
            entries = {e["graph"]: Entry(**e) for e in data.pop("entries")}
            return cls(entries=entries, **data)
        except (TypeError, KeyError, AttributeError) as exc:
            raise ValueError(f"not a store manifest ({exc})") from None

    def ordered(self) -> list[Entry]:
        """The entries in the order their inputs were given (the ontology first)."""
        return sorted(self.entries.values(), key=lambda e: (self.order.get(e.graph, len(self.order)), e.graph))

    @property
    def order(self) -> dict[str, int]:
        return {graph: i for i, graph in enumerate(self.recipe.get("order", []))}


NO_STORE_YET = "no store yet"


@dataclass
class Changes:
    """How a store differs from its inputs. ``rebuild``: nothing usable (no store, another
    format or package version); otherwise the graphs to add, remove and replace."""

    rebuild: bool = False
    reason: str = ""
    added: list[Input] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[Input] = field(default_factory=list)
    #: the graphs among ``changed`` whose input is unchanged but whose cache file is damaged or
    #: missing (:meth:`GraphStore.cache_intact`): made again from the input
    damaged: list[str] = field(default_factory=list)

    @property
    def current(self) -> bool:
        return not (self.rebuild or self.added or self.removed or self.changed)

    @property
    def first(self) -> bool:
        """True when there is no store yet (nothing to update: one is made)."""
        return self.rebuild and self.reason == NO_STORE_YET

    def describe(self) -> str:
        """One line for a person: what makes the store stale."""
        if self.rebuild:
            return self.reason
        parts = []
        for label, items in (("new", [i.path.name for i in self.added]),
                             ("changed", [i.path.name for i in self.changed if i.graph not in self.damaged]),
                             ("damaged cache of", [i.path.name for i in self.changed if i.graph in self.damaged]),
                             ("removed", [g.rsplit("/", 1)[-1] for g in self.removed])):
            if items:
                shown = ", ".join(items[:3]) + (f" and {len(items) - 3} more" if len(items) > 3 else "")
                parts.append(f"{label}: {shown}")
        return "; ".join(parts) or "current"


def recorded_recipe(inputs: Sequence[Input], recipe: dict | None = None) -> dict:
    """The recipe a generation made of ``inputs`` records (:attr:`Manifest.recipe`): what they
    were made of, and the order of their graphs."""
    return {**(recipe or {}), "order": [i.graph for i in inputs]}


def sha256_of(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class CacheDamaged(KgError):
    """A cache file of the store that does not hold what its manifest says (truncated,
    appended to, overwritten) or is missing: ``path`` names it, ``directory`` the store.
    The store is kg's own copy of the inputs, so the way out is to let kg make the file
    again; :meth:`GraphStore.changes` does that itself when a command brings the store up to
    date, so this is raised only for damage met afterwards (or a store kg cannot write)."""

    def __init__(self, directory: Path, path: Path, what: str):
        self.directory, self.path = directory, path
        super().__init__(f"the store at {directory} is damaged (cache file {path} {what}): remove {path} "
                         f"and run the command again (or `kg build`): kg makes it anew from its input")


#: (path, size, modification and change times, inode) -> SHA-256 of cache files this process
#: has read: a command that checks the cache in :meth:`GraphStore.changes` and then reads it
#: hashes each file once; a file written to since has another change time (which no one can
#: set back), and is hashed again.
_CHECKED: dict[tuple, str] = {}


def _stat_key(path: Path) -> tuple | None:
    """A file's size, modification and change times and inode (None: no such file)."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino


def _cache_digest(path: Path) -> str | None:
    """The SHA-256 of the file ``path`` (None when there is no such file), remembered per
    state of the file (:data:`_CHECKED`)."""
    try:
        stat = path.stat()
    except OSError:
        return None
    key = (str(path), stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
    found = _CHECKED.get(key)
    if found is None:
        try:
            found = _CHECKED[key] = sha256_of(path)
        except OSError:
            return None
    return found


class GraphStore:
    """A store directory (see the module's docstring). Cheap to create: nothing is opened
    until :meth:`reader` or :meth:`update`."""

    def __init__(self, directory: Path | str):
        outputs.refuse_standard_output(directory, "a store")  # (before anything reads or writes it)
        self.directory = Path(directory)

    # -- generations -------------------------------------------------------------------------

    def _current_name(self) -> str | None:
        try:
            name = (self.directory / "CURRENT").read_text(encoding="utf-8").strip()
        except (FileNotFoundError, ValueError):  # (ValueError: bytes that are no text, a damaged file)
            return None  # no published generation: the next writer makes one and points CURRENT at it
        except NotADirectoryError:  # named as the store, not as the file kg looked for inside it
            raise KgError(f"{self.directory}: not a directory (it, or a folder above it, is a file); the store is "
                          f"a directory kg makes: set {STORE_ENV} to another place") from None
        return name if _GENERATION.match(name) and (self.directory / name / "manifest.json").is_file() else None

    def manifest(self) -> Manifest | None:
        """The published generation's manifest, or None when there is none (or it is of
        another format: unusable)."""
        name = self._current_name()
        if name is None:
            return None
        try:
            manifest = Manifest.from_json((self.directory / name / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError, TypeError, KeyError):
            return None
        return manifest if manifest.format == STORE_FORMAT else None

    def cache_path(self, sha256: str) -> Path:
        """Where the cache file of an input whose bytes have SHA-256 ``sha256`` is (unchecked:
        read it through :meth:`cache_file`)."""
        return self.directory / "cache" / f"{sha256}.nt"

    def cache_intact(self, entry: Entry) -> bool:
        """Whether ``entry``'s cache file is there and holds what the manifest says: the
        file as the generation recorded it (size, modification and change times, inode:
        :attr:`Entry.cache_ctime_ns`), else its SHA-256 (the project's 17 MB of cache take
        ~0.06 s, a national table's 200 MB 0.3 s, once a process)."""
        path = self.cache_path(entry.sha256)
        if entry.cache_inode >= 0 and _stat_key(path) == (
                entry.cache_size, entry.cache_mtime_ns, entry.cache_ctime_ns, entry.cache_inode):
            return True
        return _cache_digest(path) == entry.cache_sha256

    def _cache_unchanged(self, entry: Entry) -> bool:
        """Whether ``entry``'s cache file is there with the size and modification time it had
        when the generation was written (else: :meth:`cache_intact`). Truncating, appending
        to, overwriting or removing the file changes them. Hashing instead would cost every
        command, even one that reads no cache file, ~0.05 s for the project's 17 MB (about 140
        bytes a triple: some 0.4 s at a million triples)."""
        try:
            stat = self.cache_path(entry.sha256).stat()
        except OSError:
            return False
        if (stat.st_size, stat.st_mtime_ns) == (entry.cache_size, entry.cache_mtime_ns):
            return True
        return self.cache_intact(entry)

    def cache_file(self, entry: Entry) -> Path:
        """``entry``'s cache file, checked (:meth:`cache_intact`): every read of a cache file
        comes here, so a damaged one is a :class:`CacheDamaged` naming it, never an answer
        from what is left of it. Raises CacheDamaged."""
        path = self.cache_path(entry.sha256)
        if not self.cache_intact(entry):
            what = "is missing" if not path.is_file() else "does not match its checksum"
            raise CacheDamaged(self.directory, path, what)
        return path

    # -- what is stale -----------------------------------------------------------------------

    def changes(self, inputs: Sequence[Input]) -> Changes:
        """Compare the published generation with ``inputs``. A file whose size and
        modification time equal the manifest's is taken as unchanged without reading it;
        otherwise its SHA-256 decides. An unchanged input whose cache file is damaged or
        missing is changed too (and listed in ``damaged``): the update makes its cache anew.
        A cache file is judged as an input is: by its size and time, else by its SHA-256; a
        read checks it always (:meth:`cache_file`: its size, times and inode as recorded,
        else its SHA-256)."""
        manifest = self.manifest()
        if manifest is None:
            exists = (self.directory / "CURRENT").exists()
            return Changes(rebuild=True, reason="the store is of another format" if exists else NO_STORE_YET)
        if manifest.version != __version__:
            return Changes(rebuild=True, reason=f"built by county-kg {manifest.version}, this is {__version__}")
        found = Changes()
        wanted = {i.graph: i for i in inputs}
        for graph, given in wanted.items():
            entry = manifest.entries.get(graph)
            if entry is None:
                found.added.append(given)
            elif (entry.path != str(given.path.resolve()) or entry.role != given.role
                  or not _same_file(entry, given.source or given.path)):  # an import's new bytes are its source
                found.changed.append(given)
            elif not self._cache_unchanged(entry):
                # made again from its input, as a damaged CURRENT or manifest makes the store again
                found.changed.append(given)
                found.damaged.append(graph)
        found.removed = sorted(g for g in manifest.entries if g not in wanted)
        return found

    # -- reading -----------------------------------------------------------------------------

    @contextmanager
    def reader(self) -> Iterator[Reader]:
        """The published generation, opened read-only and held (shared lock) until the block
        ends. A KgError when there is none."""
        for _attempt in range(5):
            name = self._current_name()
            if name is None:
                raise KgError(f"{self.directory}: no store (run `kg build`)")
            generation = self.directory / name
            try:
                handle = _readers_file(generation)
            except FileNotFoundError:
                continue  # removed between reading CURRENT and locking it: read CURRENT again
            try:
                fcntl.flock(handle, fcntl.LOCK_SH)
                if not (generation / "manifest.json").is_file():
                    continue
                try:
                    manifest = Manifest.from_json((generation / "manifest.json").read_text(encoding="utf-8"))
                except ValueError as exc:
                    raise KgError(f"{self.directory}: {exc}: the store is kg's own copy of the project's files "
                                  f"and workspace: remove {self.directory} and run `kg build` (or the command "
                                  "again) to make it anew") from None
                store = self._open(generation, read_only=True)
                view = Reader(self, generation, manifest, store)
                try:
                    yield view
                finally:
                    view.close()
                return
            finally:
                handle.close()
        raise KgError(f"{self.directory}: the store keeps changing; try again")

    def _open(self, generation: Path, *, read_only: bool = False) -> EngineStore:
        """The Oxigraph store of ``generation`` opened (read-only: a published one), by
        :func:`open_engine`."""
        return EngineStore(open_engine(generation / "oxigraph", read_only=read_only))

    # -- writing -----------------------------------------------------------------------------

    @contextmanager
    def writing(self, progress: Progress = _quiet) -> Iterator[None]:
        """Hold the writer's lock for a whole block (an import that reads the store, then
        publishes a generation made from what it read): another writer waits until it ends."""
        with self._writer_lock(progress):
            yield

    @contextmanager
    def _writer_lock(self, progress: Progress) -> Iterator[None]:
        if getattr(self, "_locked", False):
            yield  # this object holds it already (:meth:`writing`)
            return
        if self.directory.is_dir() and not (self.directory / outputs.MANIFEST).is_file() \
                and any(p.name != ".lock" for p in self.directory.iterdir()):
            raise KgError(f"{self.directory}: not a county-kg store and not empty; give a new or empty directory "
                          f"for the store (kg writes only into a store it made)")
        if self.directory.exists() and not self.directory.is_dir():
            raise KgError(f"{self.directory}: is a file, not a store directory")
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            if not (self.directory / outputs.MANIFEST).is_file():
                # kg's mark: a build output holding the store knows it as kg's own (kg.outputs)
                _write_atomic(self.directory / outputs.MANIFEST,
                              outputs.Manifest(outputs.STORE).to_json().encode("utf-8"))
            handle = open(self.directory / ".lock", "a+b")
        except OSError as exc:
            # named as the store's directory, not as the temporary file that could not be made
            raise KgError(f"{self.directory}: the store cannot be written there ({exc.strerror or exc}); "
                          f"set {STORE_ENV} to a writable directory for the store") from None
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                progress(f"waiting for another kg command to finish writing {self.directory} ...")
                fcntl.flock(handle, fcntl.LOCK_EX)
            self._locked = True
            try:
                yield
            finally:
                self._locked = False

    def update(self, inputs: Sequence[Input], *, progress: Progress = _quiet,
               before_publish: Callable[[Draft], None] | None = None,
               force: bool = False, recipe: dict | None = None,
               loading: Callable[[list[Entry], dict[str, Path]], None] | None = None) -> tuple[Manifest, Changes]:
        """Bring the store up to date with ``inputs``: a new generation with the changed
        graphs replaced, published atomically. Returns its manifest and what changed (nothing
        is written when the store is current, unless ``force``). ``recipe``: what the inputs
        were made of (recorded in the manifest, see :attr:`Manifest.recipe`).

        ``before_publish(draft)`` runs with the new generation open read-write before it is
        published (a :class:`Draft`): a validation that records its results beside it, or
        refuses it by raising (then nothing is published and what it wrote is removed).
        ``loading(entries, paths)`` runs once the new generation's inputs are cached, before
        they are loaded: its entries in input order (:meth:`Manifest.ordered`) and each one's
        cache file (N-Triples, terms as written), which stay as they are: work that reads only
        them (the build's exports) can start then, on the core the load leaves idle.

        Raises KgError for an input that cannot be read (naming the file and line)."""
        import shutil

        recipe = recorded_recipe(inputs, recipe)
        with self._writer_lock(progress):
            changes = self.changes(inputs)
            current = self.manifest()
            if changes.current and not force and current is not None and current.recipe == recipe:
                return current, changes
            if force and not changes.rebuild:
                changes = Changes(rebuild=True, reason="rebuild asked for")
            self._collect()
            # (a store of another format is made anew: its generation cannot be read, so none is previous)
            previous_name = self._current_name() if current is not None else None
            number = self._next_number()
            generation = self.directory / f"gen-{number:06d}"
            shutil.rmtree(generation, ignore_errors=True)
            generation.mkdir(parents=True)
            try:
                manifest = self._write_generation(generation, number, previous_name, inputs, changes, progress,
                                                  before_publish, recipe, loading)
            except BaseException:
                shutil.rmtree(generation, ignore_errors=True)
                self._collect()  # the cache files only this generation used
                raise
            self._publish(generation)
            self._collect()
            return manifest, changes

    def collect(self) -> None:
        """Remove the generations no reader holds any more (and the cache files only they
        used): a writer that read the previous generation while publishing the next calls it
        once it let go of it."""
        with self._writer_lock(_quiet):
            self._collect()

    def add_record(self, view: Reader, name: str, data: bytes) -> None:
        """Write a record (a file of results about the generation, such as its validation
        report) beside a published generation, atomically. The graph itself never changes."""
        _check_record_name(name)
        _write_atomic(view.generation / "records" / name, data)

    def _next_number(self) -> int:
        """The number of the next generation: above every one in the directory and every one
        this process wrote there. A refused generation is removed, but its engine files may
        stay open (locked) in this process until its last reference goes: its number is not
        used again here, or opening the next generation would find that lock."""
        numbers = [int(m.group(1)) for p in self.directory.iterdir() if (m := _GENERATION.match(p.name))]
        key = str(self.directory.resolve())
        number = max(max(numbers, default=0), _NUMBERS_WRITTEN.get(key, 0)) + 1
        _NUMBERS_WRITTEN[key] = number
        return number

    def _write_generation(self, generation: Path, number: int, previous_name: str | None, inputs: Sequence[Input],
                          changes: Changes, progress: Progress, before_publish, recipe: dict,
                          loading=None) -> Manifest:
        location = generation / "oxigraph"
        previous = None if changes.rebuild or previous_name is None else self.directory / previous_name
        if previous is not None:
            manifest = Manifest.from_json((previous / "manifest.json").read_text(encoding="utf-8"))
            removing = [*changes.removed, *(i.graph for i in changes.changed)]
            if sum(manifest.entries[g].triples for g in removing) > REBUILD_DEFAULT_ABOVE:
                # Removing a large graph from the union triple by triple costs more than
                # loading everything again.
                previous = None
        if previous is not None:
            manifest.generation = number
            old = self._open(previous, read_only=True)
            old.backup(str(location))  # hard links to the immutable table files
            del old
            adding = [*changes.added, *changes.changed]
        else:
            manifest = Manifest(generation=number)
            removing, adding = [], list(inputs)
        manifest.recipe = recipe
        # every call into it from this thread in the engine thread: Ctrl-C stops a load of a
        # million triples at once (kg.store.engine)
        store = self._open(generation)
        try:
            known = self._cache_digests()
            cached = {i.graph: self._cache(i, progress, known) for i in adding}
            (generation / ".readers").touch()  # (a file written after the cache files: _settle)
            _settle([entry for entry, _path in cached.values()], generation / ".readers")
            for graph in removing:
                progress(f"  removing {graph}")
                _remove_from_default(store, graph)
                store.remove_graph(ox.NamedNode(graph))
                del manifest.entries[graph]
            if loading is not None:
                final = Manifest(generation=number, recipe=recipe,
                                 entries={**manifest.entries, **{g: entry for g, (entry, _p) in cached.items()}})
                paths = {g: path for g, (_entry, path) in cached.items()}
                ordered = final.ordered()
                loading(ordered, {e.graph: paths.get(e.graph) or self.cache_file(e) for e in ordered})
            if adding:
                progress(f"  loading {counted(len(adding), 'graph')}, "
                         f"{counted(sum(e.triples for e, _ in cached.values()), 'triple')}")
                load = _ChunkedLoad(store)
                lines: list[tuple[int, Input]] = []  # (the last line of the load an input gave, the input)
                given = None
                try:
                    for given in adding:
                        entry, path = cached[given.graph]
                        _add_nquads(load, path, given.graph)
                        lines.append((load.lines, given))
                        manifest.entries[given.graph] = entry
                    load.finish()
                except SyntaxError as exc:
                    if given is not None and (not lines or lines[-1][1] is not given):
                        lines.append((load.lines, given))  # (refused in a chunk of its own lines)
                    raise _input_error(adding, exc, lines) from None
            manifest.triples = int(next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value)
            store.flush()
            if before_publish is not None:
                draft = Draft(self, generation, manifest, store, changes, None)
                if previous_name is not None:
                    with self.reader() as view:
                        draft.previous = view
                        before_publish(draft)
                        draft.previous = None
                else:
                    before_publish(draft)
            store.flush()
        finally:
            del store
        _write_atomic(generation / "manifest.json", manifest.to_json().encode("utf-8"))
        (generation / ".readers").touch()
        return manifest

    def _cache_digests(self) -> dict[str, str]:
        """Input SHA-256 -> cache file SHA-256, as the manifests of every generation in the
        directory record them (a reader may hold one that is no longer published)."""
        known: dict[str, str] = {}
        for path in sorted(self.directory.iterdir()):
            if _GENERATION.match(path.name):
                try:
                    manifest = Manifest.from_json((path / "manifest.json").read_text(encoding="utf-8"))
                except (OSError, ValueError, TypeError, KeyError):
                    continue
                known.update((e.sha256, e.cache_sha256) for e in manifest.entries.values())
        return known

    def _cache(self, given: Input, progress: Progress, known: dict[str, str]) -> tuple[Entry, Path]:
        """The input's N-Triples (terms as written, blank-node labels unique to the file) in
        the cache, written once per content. ``known``: input SHA-256 -> cache SHA-256
        (:meth:`_cache_digests`); a cache file is used again only when it matches, else
        (damaged, missing, or of no generation) it is written anew, the same bytes as before
        (:func:`_unique_blank_nodes`), so generations that use it still find it intact."""
        import hashlib

        read = given.source or given.path
        stat = read.stat()
        digest = sha256_of(read)
        path = self.cache_path(digest)
        before = _stat_key(path)  # (the state of the file _cache_digest hashes)
        cache_digest = _cache_digest(path)
        if cache_digest is None or cache_digest != known.get(digest):
            progress(f"  reading {given.path}")
            text = ntriples.dump([read])
            text = _unique_blank_nodes(text, digest[:12])
            _write_atomic(path, text)
            cache_digest = hashlib.sha256(text).hexdigest()
            before = _stat_key(path)  # (the file as written: these bytes)
        triples, blank, blank_lines = _count_lines(path)
        cache = path.stat()
        # the state recorded is the one the SHA-256 was taken of, or none (-1: hashed when read)
        ctime, inode = (cache.st_ctime_ns, cache.st_ino) if _stat_key(path) == before else (-1, -1)
        return Entry(given.graph, str(given.path.resolve()), given.role, digest, stat.st_size, stat.st_mtime_ns,
                     triples, cache_digest, cache.st_size, cache.st_mtime_ns, cache_ctime_ns=ctime,
                     cache_inode=inode, blank_subjects=blank, blank_lines=blank_lines), path

    def _publish(self, generation: Path) -> None:
        _write_atomic(self.directory / "CURRENT", (generation.name + "\n").encode("utf-8"))

    def _collect(self) -> None:
        """Remove generations that are neither published nor read, and cache files no
        remaining generation refers to."""
        import shutil

        current = self._current_name()
        kept: list[Path] = []
        for path in sorted(self.directory.iterdir()):
            if not _GENERATION.match(path.name) or path.name == current:
                if _GENERATION.match(path.name):
                    kept.append(path)
                continue
            readers = path / ".readers"
            if readers.exists():
                with open(readers, "a+b") as handle:
                    try:
                        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    except OSError:
                        kept.append(path)  # a reader still holds it
                        continue
                    shutil.rmtree(path, ignore_errors=True)
            else:
                shutil.rmtree(path, ignore_errors=True)  # never published (a killed writer)
        referenced = set()
        for path in kept:
            try:
                manifest = Manifest.from_json((path / "manifest.json").read_text(encoding="utf-8"))
            except (OSError, ValueError, TypeError, KeyError):
                continue
            referenced |= {e.sha256 for e in manifest.entries.values()}
        cache = self.directory / "cache"
        if cache.is_dir():
            for path in cache.iterdir():
                if path.suffix in (".nt", ".json") and path.name.split(".")[0] not in referenced:
                    path.unlink(missing_ok=True)  # (and what validation keeps beside it: kg.validate.partitions)
                elif path.name.startswith("."):
                    path.unlink(missing_ok=True)  # a temporary file of a killed writer


@dataclass
class Reader:
    """A published generation, open read-only: ``store`` (pyoxigraph's, each call from the main
    thread in the engine thread: kg.store.engine; default graph = the union of the named
    graphs) and ``manifest``."""

    owner: GraphStore
    generation: Path
    manifest: Manifest
    store: EngineStore

    def ntriples_path(self, graph: str) -> Path:
        """The cached N-Triples (terms as written) of one named graph, checked
        (:meth:`GraphStore.cache_file`; raises CacheDamaged)."""
        return self.owner.cache_file(self.manifest.entries[graph])

    def ntriples(self, graphs: Sequence[str] | None = None) -> bytes:
        """The N-Triples of the given named graphs (default: all, in graph order), joined."""
        names = sorted(self.manifest.entries) if graphs is None else graphs
        return b"".join(self.ntriples_path(g).read_bytes() for g in names)

    def record(self, name: str) -> bytes | None:
        """A record written beside this generation (:meth:`Draft.write_record`), or None."""
        _check_record_name(name)
        try:
            return (self.generation / "records" / name).read_bytes()
        except FileNotFoundError:
            return None

    def graph_of(self, graph: str) -> Entry:
        return self.manifest.entries[graph]

    def close(self) -> None:
        self.store = None


@dataclass
class Draft:
    """A generation being written, before it is published: its ``store`` open read-write
    (the changes applied), its ``manifest``, the ``changes`` made, and ``previous``, a
    :class:`Reader` of the published generation it was made from (None for the first)."""

    owner: GraphStore
    generation: Path
    manifest: Manifest
    store: EngineStore
    changes: Changes
    previous: Reader | None

    def ntriples_path(self, graph: str) -> Path:
        """As :meth:`Reader.ntriples_path`."""
        return self.owner.cache_file(self.manifest.entries[graph])

    def write_record(self, name: str, data: bytes) -> None:
        """A file of results published with the generation (read with :meth:`Reader.record`)."""
        _check_record_name(name)
        _write_atomic(self.generation / "records" / name, data)


# -- helpers --------------------------------------------------------------------------------------


def _settle(entries: Sequence[Entry], probe: Path) -> None:
    """Forget the recorded state (:attr:`Entry.cache_ctime_ns`) of the cache files among
    ``entries`` whose change time is not before that of ``probe``, a file just written: file
    times advance in ticks (milliseconds), and a file written again within the tick its state
    was recorded in keeps that change time. One recorded before the probe's tick cannot be
    written again unnoticed; the others are hashed when read (as git does its "racily clean"
    entries)."""
    settled = probe.stat().st_ctime_ns
    for entry in entries:
        if entry.cache_ctime_ns >= settled:
            entry.cache_ctime_ns = entry.cache_inode = -1


def _check_record_name(name: str) -> None:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name):
        raise ValueError(f"not a record name: {name!r}")


def _same_file(entry: Entry, path: Path) -> bool:
    try:
        stat = path.stat()
    except OSError:
        return False
    if stat.st_size != entry.size:
        return False
    if stat.st_mtime_ns == entry.mtime_ns:
        return True
    return sha256_of(path) == entry.sha256


def _readers_file(generation: Path):
    """The generation's ``.readers`` file, open for a shared lock. On read-only media (a store
    copied to a DVD, a read-only mount) it is opened for reading: a lock needs no write
    access, and there no writer can remove the generation anyway."""
    try:
        return open(generation / ".readers", "a+b")
    except OSError as exc:
        if exc.errno not in (errno.EROFS, errno.EACCES, errno.EPERM):
            raise
        return open(generation / ".readers", "rb")


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{os.getpid()}.tmp"
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _count_lines(path: Path, keep: int | None = None) -> tuple[int, int, str | None]:
    """The lines of an N-Triples file, those of them whose subject is a blank node, and
    those lines themselves (each ending in a newline) when they take ``keep`` bytes at most
    (default :data:`BLANK_LINES_AT_MOST`; else None: :attr:`Entry.blank_lines`)."""
    keep = BLANK_LINES_AT_MOST if keep is None else keep
    count = blank = 0
    kept: list[bytes] | None = []
    size = 0
    rest = b""  # (the start of a line the previous block cut)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            count += block.count(b"\n")
            text = rest + block
            cut = text.rfind(b"\n") + 1
            whole, rest = text[:cut], text[cut:]
            found, size, kept = _blank_lines(whole, kept, size, keep)
            blank += found
    if rest:  # a last line without its newline
        found, size, kept = _blank_lines(rest, kept, size, keep)
        blank += found
    if kept is None:
        return count, blank, None
    try:
        return count, blank, b"".join(line if line.endswith(b"\n") else line + b"\n" for line in kept).decode("utf-8")
    except UnicodeDecodeError:
        return count, blank, None


def blank_subject_lines(text: bytes) -> list[bytes]:
    """The lines of N-Triples ``text`` whose subject is a blank node, in order, each with its
    newline (the last one may have none)."""
    return _blank_lines(text, [], 0, len(text))[2]


def _blank_lines(text: bytes, kept: list[bytes] | None, size: int, keep: int) -> tuple[int, int, list[bytes] | None]:
    """The lines of ``text`` (whole lines, the first at its start) whose subject is a blank
    node: their number, and ``kept`` and its ``size`` with them added (None once that would
    be over ``keep`` bytes)."""
    found = 0
    if text.startswith(b"_:"):
        at = 0
    else:
        at = text.find(b"\n_:")
        at = at + 1 if at >= 0 else -1
    while at >= 0:
        end = text.find(b"\n", at)
        end = len(text) if end < 0 else end + 1
        found += 1
        if kept is not None:
            size += end - at
            if size <= keep:
                kept.append(text[at:end])
            else:
                kept = None
        at = text.find(b"\n_:", end - 1)
        at = at + 1 if at >= 0 else -1
    return found, size, kept


def _unique_blank_nodes(text: bytes, prefix: str) -> bytes:
    """Prefix every blank-node label with the file's digest, so labels of two files never
    meet (``kg synth`` writes ``_:b1`` in every file), and number those the parser made up,
    so the same file always gives the same labels. N-Triples as pyoxigraph writes it:
    subject, predicate and object separated by single spaces, and neither a subject nor a
    predicate holds a space."""
    if b"_:" not in text:
        return text
    marker = b"_:" + prefix.encode("ascii") + b"x"
    made: dict[bytes, bytes] = {}

    def label(term: bytes) -> bytes:
        name = term[2:]
        if _MADE_UP.fullmatch(name):
            # the parser's random label of an anonymous node ([ ], a collection): numbered in
            # the order met, so that the same file always gives the same cache file (its
            # checksum is in every manifest that uses it); "-" starts no label a file writes
            name = made.setdefault(name, b"-%d" % (len(made) + 1))
        return marker + name

    out = []
    for line in text.split(b"\n"):
        if b"_:" in line:
            subject, predicate, rest = line.split(b" ", 2)
            if subject.startswith(b"_:"):
                subject = label(subject)
            if rest.startswith(b"_:"):
                term, space, tail = rest.partition(b" ")
                rest = label(term) + space + tail
            line = b" ".join((subject, predicate, rest))
        out.append(line)
    return b"\n".join(out)


#: pyoxigraph's label of a blank node a file does not name: 128 random bits in hex, without
#: leading zeros (1 label in 16 has 31 digits or fewer; fewer than 16: one in 2**64)
_MADE_UP = re.compile(rb"[0-9a-f]{16,32}")


def _input_error(inputs: Sequence[Input], exc: SyntaxError, lines: Sequence[tuple[int, Input]] = ()) -> KgError:
    """The error of the input the store could not load, naming its file, line and column.
    Only a plain N-Triples file reaches the load unparsed (kg.store.ntriples.dump uses it as
    it is, for speed): each such input is parsed again to find the one at fault. Otherwise
    the input whose triples the load's line ``exc.lineno`` holds (``lines``: the last line
    of the load each input wrote), never the store's own load file (`kg validate 'my
    data.ttl'` said "... (.load.nq, line 3201)")."""
    from kg.store.syntax import _plain, _rewrite, syntax_error

    for given in inputs:
        read = given.source or given.path
        if read.suffix.lower() != ".nt":
            continue
        try:
            for _triple in ox.parse(path=str(read), format=ox.RdfFormat.N_TRIPLES):
                pass
        except (SyntaxError, OSError) as problem:
            return syntax_error(read, problem)
    what = re.sub(r"^(?:Parser|Syntax) error (?:at|between) line .*?: |\s*\([^()]*line \d+\)$", "", str(exc))
    what = _plain(_rewrite(what, "", None, None))  # (in the words of every syntax error)
    for last, given in lines:
        if exc.lineno is not None and exc.lineno <= last:
            return KgError(f"{given.source or given.path}: the store could not load the triples read from this "
                           f"file ({what})")
    return KgError(f"the store could not load its inputs ({what})")


def _add_nquads(load: _ChunkedLoad, path: Path, graph: str) -> None:
    """Each triple of a cached N-Triples file twice, as N-Quads: in its named graph and in the
    default graph (the union; Oxigraph keeps a quad once, so a triple two files state is
    there once)."""
    suffix = f" <{graph}> .\n".encode("utf-8")
    add = load.add
    with open(path, "rb") as handle:
        for line in handle:
            if line.endswith(b" .\n"):
                add(line[:-3] + suffix)
                add(line)


#: The most N-Quads lines one call of Oxigraph's bulk loader is given. The loader holds what
#: it is given in memory: a national table's 2.0M quads took 2,079 MB at peak in one call
#: and 501 MB in calls of 250,000 (12.9 s and 15.2 s; 100,000: 206 MB, 14.5 s; measured
#: 2026-12-01 on 2 cores).
LOAD_CHUNK = 250_000


class _ChunkedLoad:
    """N-Quads lines into a store by Oxigraph's bulk loader, :data:`LOAD_CHUNK` lines at a
    time, except every line naming a blank node: those are loaded together, last, as one
    document, since a blank node's label names one node only within one document (the cache
    labels each file's blank nodes uniquely, so one document for all of them loads what one
    document for everything loaded). ``lines``: how many lines were added. A line the
    loader refuses raises its SyntaxError with ``lineno`` counted over every line added."""

    def __init__(self, store):
        self.store = store
        self.lines = 0
        self._chunk: list[bytes] = []
        self._numbers: list[int] = []
        self._blank: list[bytes] = []
        self._blank_numbers: list[int] = []

    def add(self, line: bytes) -> None:
        self.lines += 1
        if b"_:" in line:  # (a literal holding "_:" comes along: harmless)
            self._blank.append(line)
            self._blank_numbers.append(self.lines)
            return
        self._chunk.append(line)
        self._numbers.append(self.lines)
        if len(self._chunk) >= LOAD_CHUNK:
            self._load(self._chunk, self._numbers)
            self._chunk, self._numbers = [], []

    def finish(self) -> None:
        self._load(self._chunk, self._numbers)
        self._load(self._blank, self._blank_numbers)
        self._chunk, self._numbers, self._blank, self._blank_numbers = [], [], [], []

    def _load(self, lines: list[bytes], numbers: list[int]) -> None:
        if not lines:
            return
        try:
            self.store.bulk_load(b"".join(lines), format=ox.RdfFormat.N_QUADS)
        except SyntaxError as exc:
            if exc.lineno is not None and 0 < exc.lineno <= len(numbers):
                exc.lineno = numbers[exc.lineno - 1]
            raise


def _remove_from_default(store: ox.Store, graph: str) -> None:
    """Remove from the default graph the triples of ``graph`` that no other named graph
    states."""
    name = ox.NamedNode(graph)
    gone = []
    for quad in store.quads_for_pattern(None, None, None, name):
        others = sum(1 for q in store.quads_for_pattern(quad.subject, quad.predicate, quad.object, None)
                     if not isinstance(q.graph_name, ox.DefaultGraph))
        if others <= 1:
            gone.append(ox.Quad(quad.subject, quad.predicate, quad.object, ox.DefaultGraph()))
    for quad in gone:
        store.remove(quad)


def default_location() -> Path:
    """Where commands find the store: ``$KG_STORE``, else ``dist/store`` under the current
    directory."""
    return Path(os.environ.get("KG_STORE") or Path.cwd() / "dist" / "store")

