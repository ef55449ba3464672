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


#: Called with every file a user names, once it is found readable (:func:`input_file`).
#: kg.outputs adds the running command's check that no input is one of its outputs: this base
#: module does not import the one above it (no import cycle).
INPUT_OBSERVERS: list = []


def input_file(path: Path | str, what: str = "file", hint: str = "") -> Path:
    """``path`` if it names a readable file; else a KgError saying which of the usual
    mistakes it is (missing, a directory, unreadable, a name too long: :func:`os_error`),
    ``hint`` added for a directory. Every command that reads a file the user names checks it
    here, before any work; the running command remembers it as an input, which it may then
    not write over (kg.outputs.note_input, one of :data:`INPUT_OBSERVERS`)."""
    path = Path(path)
    try:
        if path.is_dir():
            raise KgError(f"{path}: is a directory, not a {what}" + (f" ({hint})" if hint else ""))
        if not path.exists():
            raise KgError(f"{path}: no such {what}")
        if not path.is_file():
            raise KgError(f"{path}: not a regular {what}")
        if not os.access(path, os.R_OK):
            raise KgError(f"{path}: cannot read the {what} (permission denied)")
        for observe in INPUT_OBSERVERS:
            observe(path)
    except OSError as exc:
        raise os_error(exc, path) from None
    return path


#: The most bytes a file name (one component of a path) may have on Linux file systems
#: (NAME_MAX), and a whole path (PATH_MAX, with its final NUL).
NAME_MAX, PATH_MAX = 255, 4096


def os_error(exc: OSError, path: Path | str | None = None) -> KgError:
    """The one-line error for an OSError met on a path (``path``, else the error's own file
    name): which of the usual mistakes it is, in plain words, e.g. ``FILE: file name too long
    (水水水…: 270 bytes; a name has at most 255 bytes in UTF-8)``. Every command's path errors
    end here (the ``kg`` program turns any OSError that reaches it into this, exit 2)."""
    import errno

    shown = path if path is not None else exc.filename
    if exc.errno == errno.ENAMETOOLONG:
        text = os.fsencode(str(shown)) if shown is not None else b""
        longest = max(Path(str(shown)).parts, key=lambda part: len(os.fsencode(part)), default="") if shown else ""
        size = len(os.fsencode(longest))
        if size > NAME_MAX:
            cut = longest[:12] + "…" if len(longest) > 12 else longest
            what = (f"file name too long ({cut}: {size} bytes; a name has at most {NAME_MAX} bytes in UTF-8, "
                    f"about {NAME_MAX // 3} Chinese characters)")
        else:
            what = f"path too long ({len(text)} bytes; at most {PATH_MAX - 1})"
    else:
        what = {errno.ELOOP: "too many levels of symbolic links (a link that points to itself?)",
                errno.ENOTDIR: "a part of the path is a file, not a directory",
                errno.EACCES: "permission denied", errno.EPERM: "operation not permitted",
                errno.ENOENT: "no such file or directory", errno.EISDIR: "is a directory",
                errno.ENOSPC: "no space left on the device", errno.EROFS: "the file system is read-only",
                }.get(exc.errno, (exc.strerror or str(exc)).lower())
    return KgError(f"{shown}: {what}" if shown is not None else what)


def input_text(path: Path | str, what: str = "file") -> str:
    """The text of a UTF-8 file the user names (:func:`input_file`), without the byte order
    mark Windows editors put first (no text format kg reads, SPARQL or TOML, has a place for
    it: a .rq saved with one failed with "1:9 expected CONSTRUCT"); a KgError naming the line
    of the first byte that is not UTF-8."""
    data = input_file(path, what).read_bytes()
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise KgError(f"{path}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x}); save the {what} as UTF-8") from None


#: Byte order marks and the codec each announces, UTF-32 before UTF-16 (FF FE 00 00 begins with
#: FF FE). Python's "utf-16" and "utf-32" codecs read the mark and take it off.
BYTE_ORDER_MARKS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"), (b"\xef\xbb\xbf", "utf-8-sig"),
                    (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def bom_encoding(data: bytes) -> str | None:
    """The encoding ``data``'s byte order mark announces (utf-8-sig, utf-16 or utf-32, each a
    codec that takes the mark off), or None without one. A table Excel saves as "Unicode Text"
    is UTF-16 with a mark."""
    return next((codec for mark, codec in BYTE_ORDER_MARKS if data.startswith(mark)), None)


#: Encodings named in the messages that ask for one.
ENCODING_EXAMPLES = "for example utf-8, gb18030, big5"


def text_encoding(name: str) -> str:
    """``name`` if Python knows it as a text encoding (a codec that turns bytes into str); a
    KgError otherwise, for an unknown name and for a codec that is no text encoding (rot13,
    base64, zlib: Python's own message points at codecs.decode(), which a user of kg cannot call)."""
    import codecs

    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError, TypeError):
        info = None
    # _is_text_encoding is how str.decode itself tells rot13 from utf-8 (CPython's codecs module)
    if info is None or not getattr(info, "_is_text_encoding", True):
        raise KgError(f"unknown or unusable text encoding {name!r} ({ENCODING_EXAMPLES})")
    return name
