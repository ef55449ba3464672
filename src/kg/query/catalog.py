"""The question catalog: one competency question per ``queries/NN-name.rq`` file.

Each file starts with grlc-style headers::

    #+ summary: Which programs ...? / 哪些項目……?
    #+ description: ...
    #+ tags: program, results-chain
    #+ param: theme iri default=theme:industry The theme to list programs for.

A parameter ``name`` is bound to the variable ``?name`` as an RDF term (never spliced into
the query text). Types: iri, string, lang-string, integer, decimal, date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from kg import paths
from kg.errors import KgError

_HEADER = re.compile(r"^#\+\s*(?P<key>[a-z]+)\s*:\s*(?P<value>.*)$")
_PARAM = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<type>iri|string|lang-string|integer|decimal|date)"
                    r"(?:\s+default=(?P<default>\S+))?\s*(?P<help>.*)$")
PARAM_TYPES = ("iri", "string", "lang-string", "integer", "decimal", "date")


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str | None
    help: str


@dataclass(frozen=True)
class CatalogQuery:
    name: str
    path: Path
    summary: str
    description: str
    tags: tuple[str, ...]
    params: tuple[Param, ...]
    text: str = field(repr=False)

    @property
    def expected_path(self) -> Path:
        return self.path.parent / "expected" / f"{self.name}.csv"


def parse_query_file(path: Path) -> CatalogQuery:
    try:
        text = paths.input_text(path, "query file")
    except FileNotFoundError:
        raise KgError(f"{path}: no such query file") from None
    headers: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        match = _HEADER.match(line)
        if match:
            headers.setdefault(match["key"], []).append(match["value"].strip())
    params = []
    for number, raw in enumerate(headers.get("param", []), start=1):
        match = _PARAM.match(raw)
        if not match:
            raise KgError(f"{path}: param header {number} must read 'name type [default=VALUE] help' "
                          f"with type one of {', '.join(PARAM_TYPES)}: {raw!r}")
        params.append(Param(match["name"], match["type"], match["default"], match["help"].strip()))
    return CatalogQuery(
        name=path.stem,
        path=path,
        summary=" ".join(headers.get("summary", [])),
        description=" ".join(headers.get("description", [])),
        tags=tuple(t.strip() for t in ",".join(headers.get("tags", [])).split(",") if t.strip()),
        params=tuple(params),
        text=text,
    )


def catalog(directory: Path | None = None) -> list[CatalogQuery]:
    """Every catalog question, in file-name order (``NN-`` prefixes set the order)."""
    directory = directory or paths.queries_dir()
    return [parse_query_file(p) for p in sorted(directory.glob("[0-9][0-9]-*.rq"))]


def find(name_or_path: str) -> CatalogQuery:
    """A catalog question by name (``07-designations`` or ``07``) or any ``.rq`` file path.
    KgError when there is none; a NAME that is an existing file or directory (not a .rq file)
    is said to be one, rather than an unknown catalog name."""
    candidate = Path(name_or_path)
    if candidate.suffix == ".rq" and candidate.exists():
        return parse_query_file(candidate)
    matches = [q for q in catalog() if q.name == name_or_path or q.name.split("-", 1)[0] == name_or_path]
    if len(matches) == 1:
        return matches[0]
    if candidate.suffix == ".rq":
        raise KgError(f"{candidate}: no such query file")
    if candidate.is_dir():
        raise KgError(f"{candidate} is a directory; give a catalog query's name or number (`kg query --list`), "
                      f"a FILE.rq, or --sparql TEXT")
    if candidate.exists():
        import shlex

        raise KgError(f"{candidate} is a file, and a query file is read when its name ends in .rq; give a catalog "
                      f"query's name or number, a FILE.rq, or --sparql TEXT (this file's text: "
                      f"--sparql \"$(cat {shlex.quote(str(candidate))})\")")
    raise KgError(f"no catalog query named {name_or_path!r}; `kg query --list` shows the catalog")
