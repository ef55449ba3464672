"""The place resolver's index, kept in a file: the gazetteer and its name keys, made once.

Making a :class:`~kg.link.resolve.PlaceResolver` reads the NBS lists and the code history
(:func:`kg.link.gazetteer.load_gazetteer`) and folds every name of some 8,400 divisions
through OpenCC both ways: about a second, paid by every ``kg import`` however small the
table. :func:`cached_resolver` keeps what that makes (the divisions, in order, and the two
name indexes) as one JSON file in a directory the caller owns (``kg import``: the store's
``cache/``) and reads it back in a tenth of the time.

The file is named and stamped by :func:`index_digest`, the SHA-256 of everything the index
is made from: the files read (the NBS lists, the code history), the code that reads and
folds them (this package's gazetteer, history, resolve and text modules and this one, as
their source bytes), the OpenCC version and the index's form. A file whose stamp is not today's digest,
or that cannot be read as an index, is never used: the resolver is made from the files and
the index written again (atomically, by :mod:`kg.atomic`: a killed process leaves no half
file). JSON, not pickle: a store may come from elsewhere, and reading it must run no code.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from pathlib import Path

from kg import __version__, atomic
from kg.link.gazetteer import Division, Gazetteer, reference_dir
from kg.link.history import history_file
from kg.link.resolve import PlaceResolver

#: Bumped when the file's layout changes.
INDEX_FORM = 1
#: The index files are ``places-<digest>.index`` (not ``.json``: the store removes the
#: ``.json`` and ``.nt`` files of its cache that no generation names).
PREFIX, SUFFIX = "places-", ".index"
#: The NBS lists the gazetteer reads (kg.link.gazetteer._nbs_divisions).
NBS_FILES = ("provinces.csv", "cities.csv", "areas.csv", "streets-yunnan.csv")
#: Division's fields in the file's rows, in order; the tuple-valued ones are made tuples again.
_FIELDS = tuple(Division.__dataclass_fields__)
_TUPLES = {"successors", "predecessors", "sources"}
_PAIRS = {"transfers", "received"}


def _sources() -> list[Path]:
    """The files the index is made from: the gazetteer's inputs, then the modules' sources."""
    from kg.link import gazetteer, history, resolve, text

    inputs = [reference_dir() / name for name in NBS_FILES] + [history_file()]
    return inputs + [Path(module.__file__) for module in (gazetteer, history, resolve, text)] + [Path(__file__)]


def index_digest() -> str:
    """SHA-256 (hex) of what the project's resolver is made from (see the module's docstring):
    any byte changed in an input or in the code that reads it gives another digest. A
    missing input (a township list not shipped) counts as missing, not as empty."""
    import opencc

    digest = hashlib.sha256(f"form {INDEX_FORM}; kg {__version__}; opencc "
                            f"{getattr(opencc, '__version__', '?')}\n".encode())
    for path in _sources():
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            digest.update(f"{path.name}: missing\n".encode())
            continue
        digest.update(f"{path.name}: {len(data)}\n".encode())
        digest.update(data)
    return digest.hexdigest()


def to_index(resolver: PlaceResolver, digest: str) -> bytes:
    """The file of ``resolver``'s divisions (rows of :data:`_FIELDS`, in the gazetteer's
    order) and name indexes (key -> row numbers, in their order), stamped ``digest``."""
    divisions = list(resolver.gazetteer)
    row = {division.key: i for i, division in enumerate(divisions)}
    body = {"form": INDEX_FORM, "digest": digest,
            "divisions": [[getattr(d, name) for name in _FIELDS] for d in divisions],
            "by_name": {key: [row[d.key] for d in found] for key, found in resolver.by_name.items()},
            "by_short": {key: [row[d.key] for d in found] for key, found in resolver.by_short.items()}}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def from_index(data: bytes, digest: str) -> PlaceResolver | None:
    """The resolver held in ``data``, or None when it is not an index of this form stamped
    ``digest`` (or not an index at all)."""
    try:
        body = json.loads(data)
        if not isinstance(body, dict) or body.get("form") != INDEX_FORM or body.get("digest") != digest:
            return None
        divisions = []
        tuples = [i for i, name in enumerate(_FIELDS) if name in _TUPLES]
        pairs = [i for i, name in enumerate(_FIELDS) if name in _PAIRS]
        for values in body["divisions"]:
            if len(values) != len(_FIELDS):
                return None
            for i in tuples:
                values[i] = tuple(values[i])
            for i in pairs:
                values[i] = tuple(map(tuple, values[i])) if values[i] else ()
            divisions.append(Division(*values))
        by_name: defaultdict[str, list[Division]] = defaultdict(list)
        by_short: defaultdict[str, list[Division]] = defaultdict(list)
        for index, found in ((by_name, body["by_name"]), (by_short, body["by_short"])):
            for key, rows in found.items():
                index[key] = [divisions[i] for i in rows]
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None
    return PlaceResolver.from_parts(Gazetteer({d.key: d for d in divisions}), by_name, by_short)


def cached_resolver(directory: Path) -> PlaceResolver:
    """The project's resolver, read from its index in ``directory`` when one made from the
    same inputs and code is there, else made (:class:`PlaceResolver`) and its index written
    there (older ones removed). A directory that cannot be written only costs the time:
    the resolver is the same either way."""
    directory = Path(directory)
    digest = index_digest()
    path = directory / f"{PREFIX}{digest}{SUFFIX}"
    try:
        data = path.read_bytes()
    except OSError:
        data = None
    resolver = from_index(data, digest) if data is not None else None
    if resolver is not None:
        return resolver
    resolver = PlaceResolver()
    try:
        atomic.write_bytes(path, to_index(resolver, digest))
        for old in directory.glob(f"{PREFIX}*{SUFFIX}"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # (a store one may only read: made again next time)
    return resolver
