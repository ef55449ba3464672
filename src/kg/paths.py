"""Where the project's ontology, shapes, data and queries live.

In a checkout they sit at the repository root; in an installed wheel they are
shipped inside the package as ``kg/_resources``. Every other module asks here,
so the two layouts behave the same.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from kg.errors import KgError

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def root() -> Path:
    """The directory holding ontology/, data/ and queries/."""
    shipped = _PACKAGE_DIR / "_resources"
    if (shipped / "ontology").is_dir():
        return shipped
    checkout = _PACKAGE_DIR.parent.parent
    if (checkout / "ontology").is_dir():
        return checkout
    raise FileNotFoundError(
        f"county-kg resources not found: neither {shipped} nor {checkout} holds ontology/"
    )


def ontology_dir() -> Path:
    return root() / "ontology"


def ontology_file() -> Path:
    return ontology_dir() / "county-kg.ttl"


def shapes_dir() -> Path:
    return ontology_dir() / "shapes"


def data_dir() -> Path:
    return root() / "data"


def sources_dir() -> Path:
    return data_dir() / "sources"


def queries_dir() -> Path:
    return root() / "queries"


def input_file(path: Path | str, what: str = "file", hint: str = "") -> Path:
    """``path`` if it names a readable file; else a KgError saying which of the usual
    mistakes it is (missing, a directory, unreadable), ``hint`` added for a directory. Every
    command that reads a file the user names checks it here, before any work."""
    path = Path(path)
    if path.is_dir():
        raise KgError(f"{path}: is a directory, not a {what}" + (f" ({hint})" if hint else ""))
    if not path.exists():
        raise KgError(f"{path}: no such {what}")
    if not path.is_file():
        raise KgError(f"{path}: not a regular {what}")
    if not os.access(path, os.R_OK):
        raise KgError(f"{path}: cannot read the {what} (permission denied)")
    return path


def input_text(path: Path | str, what: str = "file") -> str:
    """The text of a UTF-8 file the user names (:func:`input_file`); a KgError naming the
    line of the first byte that is not UTF-8."""
    data = input_file(path, what).read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise KgError(f"{path}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x}); save the {what} as UTF-8") from None
