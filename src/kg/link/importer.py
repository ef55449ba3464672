"""``kg import TABLE.csv``: a county indicator table -> observations in the project's model.

A table has one observation per row (long format): a place, an indicator, a period, a value
and optionally a unit and a source. Columns are found by their header (地区, 指标, 年份, 数值,
单位, 来源, ... see ``HEADER_GUESSES``), or named by flags or a small TOML mapping file::

    [columns]                 # header of each column in the table
    place = "地区"            # a code (2, 4, 6, 9 or 12 digits) or a name
    province = "省"           # optional: disambiguate names that repeat (朝阳区)
    prefecture = "所属州市"
    indicator = "指标"
    period = "年份"
    value = "数值"
    unit = "单位"             # optional: 亿元, 万人次 ... (a value may carry its own unit)
    source = "资料来源"        # optional: a citation per row

    [defaults]                # used where a column is absent or a cell is empty
    indicator = "地区生产总值"
    period = "2022"
    unit = "亿元"
    theme = "economy"         # theme of indicators minted by the import

    [indicators."地区生产总值"] # optional: what an indicator name means
    iri = "ind:gdp"           # an existing indicator, or else:
    en = "gross domestic product (GDP)"
    definition = "..."

Each import is one named graph ``graph/import/<slug>`` (slug from the file name or --name),
written as ``<workspace>/imports/<slug>.ttl``: importing the same name again replaces it.
The graph says where it came from (file name, SHA-256, time). Rows that cannot be read are
listed in ``<slug>.report.csv`` (row number counting the header as row 1, the reason and
the raw row) and make the import partial (exit code 3); nothing is dropped silently. The new
graph is validated with the project's shapes and checks, together with the places, periods,
indicators and units it references, and is not written if it does not conform.
"""

from __future__ import annotations

import csv
import hashlib
import sys
import io
import re
import tomllib
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, TIME, XSD

from kg import paths
from kg.outputs import OutputFile, claim_file, claim_workspace, replaced_source, source_text
from kg.errors import KgError
from kg.link.gazetteer import to_simplified, to_traditional
from kg.link.indicators import indicator_name
from kg.link.periods import PeriodParseError, PeriodSpec, parse_period
from kg.link.resolve import PlaceResolver, Resolved
from kg.words import counted, quoted, word
from kg.store.representable import unrepresentable
from kg.link.values import (MissingValue, ValueParseError, decimal_lexical, detect_script, parse_unit, parse_value,
                            strip_footnotes)
from kg.namespaces import (
    CKG,
    DS,
    GRAPH,
    IND,
    INSTANT,
    OBS,
    PERIOD,
    QB,
    SCHEMA,
    SDMX_ATTRIBUTE,
    SDMX_DIMENSION,
    SDMX_MEASURE,
    SPDX,
    SRC,
    THEME,
    bind_prefixes,
)
from kg.store.load import (
    Loaded,
    data_files,
    default_workspace,
    load,
    workspace_files,
    workspace_graph_name,
)

EXIT_OK = 0
EXIT_PARTIAL = 3
EXIT_NOTHING = 2  # no row of the table could be imported
FIELDS = ("place", "place_code", "province", "prefecture", "indicator", "period", "value", "unit", "source")

# Header names a column is recognised by (compared in Simplified characters, lower case).
HEADER_GUESSES: dict[str, tuple[str, ...]] = {
    "place": ("地区", "地区名称", "行政区划", "行政区划名称", "区县", "县区", "县市区", "县(市、区)", "县（市、区）",
              "名称", "地名", "单位名称", "place", "area", "region", "county", "name"),
    "place_code": ("代码", "区划代码", "行政区划代码", "统计用区划代码", "code", "division code", "adcode"),
    "province": ("省", "省份", "所属省", "所属省份", "province"),
    "prefecture": ("市", "州市", "市州", "地市", "所属市", "所属州市", "所属市州", "所属地区", "上级", "上级行政区",
                   "prefecture", "city", "parent"),
    "indicator": ("指标", "指标名称", "项目", "indicator", "variable"),
    "period": ("年份", "年度", "时期", "时间", "统计时间", "period", "year"),
    "value": ("数值", "值", "数据", "指标值", "value"),
    "unit": ("单位", "计量单位", "unit"),
    "source": ("来源", "资料来源", "数据来源", "source"),
}
REPORT_HEADER = ("row", "column", "reason", "raw")


@dataclass
class ImportMapping:
    """Which header is which field, plus defaults and indicator meanings."""

    columns: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    indicators: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def from_file(cls, path: Path) -> ImportMapping:
        try:
            data = tomllib.loads(paths.input_text(path, "mapping file"))
        except FileNotFoundError:
            raise KgError(f"{path}: no such mapping file") from None
        except tomllib.TOMLDecodeError as exc:
            raise KgError(f"{path}: not a valid TOML mapping: {exc}") from None
        _check_mapping_shape(path, data)
        unknown = set(data.get("columns", {})) - set(FIELDS)
        if unknown:
            raise KgError(f"{path}: unknown column {word(len(unknown), 'field')} {', '.join(sorted(unknown))} (known: {', '.join(FIELDS)})")
        for name, value in data.get("defaults", {}).items():
            problem = default_problem(name, str(value))
            if problem is not None:
                raise KgError(f"{path}: [defaults] {name} = {str(value)!r}: {problem}")
        return cls({k: str(v) for k, v in data.get("columns", {}).items()},
                   {k: str(v) for k, v in data.get("defaults", {}).items()},
                   {str(k): {kk: str(vv) for kk, vv in v.items()} for k, v in data.get("indicators", {}).items()})

    def merged(self, columns: dict[str, str | None], defaults: dict[str, str | None]) -> ImportMapping:
        """This mapping with flags on top (a flag wins over the file)."""
        return ImportMapping({**self.columns, **{k: v for k, v in columns.items() if v}},
                             {**self.defaults, **{k: v for k, v in defaults.items() if v}}, dict(self.indicators))


def default_problem(name: str, value: str) -> str | None:
    """Why ``value`` cannot be the default ``name`` of every row (``unit``, ``period``): the
    message of the parser the rows' cells go through (kg.link.values.parse_unit,
    kg.link.periods.parse_period); None when it can, or for another default. Checked before any
    row is read, so that a bad default is one error, not one per row."""
    try:
        if name == "unit":
            parse_unit(value)
        elif name == "period":
            parse_period(value)
    except (ValueParseError, PeriodParseError) as exc:
        return str(exc)
    return None


#: The shape of a mapping file: [columns] and [defaults] map names to text; [indicators] maps
#: each indicator name to a table of what it means (en, definition, theme, unit, iri ...).
_MAPPING_TABLES = {"columns": "a column name", "defaults": "a value", "indicators": "a table"}


def _check_mapping_shape(path: Path, data: dict) -> None:
    """A KgError naming the first entry of a mapping file that is not of the shape a mapping
    has (:data:`_MAPPING_TABLES`): ``[indicators] "地区生产总值" = "gdp"`` ended in an
    AttributeError."""
    for key, value in data.items():
        if key not in _MAPPING_TABLES:
            raise KgError(f"{path}: unknown table [{key}] (a mapping has {', '.join(f'[{k}]' for k in _MAPPING_TABLES)})")
        if not isinstance(value, dict):
            raise KgError(f"{path}: {key} must be a table ([{key}]), not {type(value).__name__}")
        for name, entry in value.items():
            if key == "indicators":
                if not isinstance(entry, dict):
                    raise KgError(f"{path}: [indicators] {name!r} = {entry!r}: an indicator's entry is a table of what "
                                  f"it means ([indicators.\"{name}\"] with en = \"...\", definition = \"...\")")
                bad = next((k for k, v in entry.items() if isinstance(v, (dict, list))), None)
                if bad is not None:
                    raise KgError(f"{path}: [indicators.\"{name}\"] {bad}: must be text, not a "
                                  f"{type(entry[bad]).__name__}")
            elif isinstance(entry, (dict, list)):
                raise KgError(f"{path}: [{key}] {name}: must be {_MAPPING_TABLES[key]} (text), not a "
                              f"{type(entry).__name__}")


def known_themes() -> list[str]:
    """The local names of the project's themes (ckg:Theme in data/core/themes.ttl)."""
    import pyoxigraph as ox

    theme_class = ox.NamedNode(str(CKG.Theme))
    found = {quad.subject.value.removeprefix(str(THEME)) for quad in
             ox.parse(path=str(paths.data_dir() / "core" / "themes.ttl"), format=ox.RdfFormat.TURTLE)
             if quad.predicate.value == str(RDF.type) and quad.object == theme_class}
    return sorted(found)


def check_themes(mapping: ImportMapping) -> None:
    """A KgError, before any work, for a theme the project does not have (``--theme nosuch``,
    or a theme in the mapping's indicators): a minted indicator would not conform."""
    given = [("--theme", mapping.defaults["theme"])] if mapping.defaults.get("theme") else []
    given += [(f"the indicator {name!r}", spec["theme"]) for name, spec in mapping.indicators.items()
              if spec.get("theme")]
    if not given:
        return
    themes = known_themes()
    for where, theme in given:
        if theme not in themes:
            raise KgError(f"no theme {theme!r} ({where}); themes: {', '.join(themes)}")


@dataclass
class BadRow:
    row: int
    column: str
    reason: str
    raw: list[str]


@dataclass
class ImportResult:
    slug: str
    graph: URIRef
    path: Path | None
    report_path: Path
    encoding: str
    rows: int
    imported: int
    bad_rows: list[BadRow]
    place_rows: int                       # data rows with a place cell
    places_resolved: int                  # of those, resolved to a division
    methods: Counter
    observations: int
    checksum: str
    validation_seconds: float = 0.0
    #: what reading the table took from it besides its rows, for the summary (the delimiter a
    #: ``sep=`` line declares, codes read without Excel's text marker)
    notes: list[str] = field(default_factory=list)

    @property
    def partial(self) -> bool:
        return bool(self.bad_rows)

    @property
    def exit_code(self) -> int:
        """0 every row imported, 3 some (partial), 2 none: a table of which no row could be
        imported is an error, not a partial import."""
        if self.bad_rows and not self.imported:
            return EXIT_NOTHING
        return EXIT_PARTIAL if self.bad_rows else EXIT_OK

    @property
    def resolution_rate(self) -> float:
        return self.places_resolved / self.place_rows if self.place_rows else 1.0


class ImportRefused(KgError):
    """The import graph does not conform to the shapes; nothing was written."""

    def __init__(self, report):
        super().__init__(f"the imported graph does not conform: {counted(len(report.violations), 'violation')}; nothing written")
        self.report = report


# --- reading ------------------------------------------------------------------------------


def decode(data: bytes, encoding: str = "auto") -> tuple[str, str]:
    """Bytes -> (text, encoding name): the encoding a byte order mark announces (UTF-8, UTF-16
    as Excel's "Unicode Text" writes, UTF-32: kg.paths.bom_encoding), else UTF-8, else GB18030."""
    if encoding != "auto":
        paths.text_encoding(encoding)
        try:
            return data.decode(encoding).lstrip("\ufeff"), encoding
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise KgError(f"line {line}: not {encoding} text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                          f"give the table's encoding ({paths.ENCODING_EXAMPLES})") from None
    marked = paths.bom_encoding(data)
    if marked is not None:
        try:
            return data.decode(marked), marked
        except UnicodeDecodeError as exc:
            raise KgError(f"the table begins with a {marked.removesuffix('-sig').upper()} byte order mark but is "
                          f"not {marked.removesuffix('-sig').upper()} text after it (byte {exc.start}); give --encoding") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise KgError(f"the table is neither UTF-8 nor GB18030 (byte {exc.start}); give --encoding") from None
    garbled = _garbled(text)
    if garbled:
        raise KgError(f"the table is not UTF-8, and read as GB18030 (the guess for a table that is not) it looks "
                      f"garbled: {garbled}; give its encoding with --encoding (big5 for Traditional Chinese tables "
                      f"from Taiwan or Hong Kong, latin-1 for Western European ones; gb18030 if this is right)")
    return text, "gb18030"


#: Of the Han characters in a table read as GB18030, the share that may be rare ones (neither
#: in GB 2312, the 6,763 characters of everyday Simplified Chinese, nor among Big5's 5,401
#: frequently used Traditional ones) before the reading is taken for a wrong guess, and
#: :data:`RARE_LEAST` the fewest that are (one rare name in a short table is no sign). A real
#: table has next to none; Big5 bytes read as GB18030 give one in five or more.
RARE_SHARE = 0.02
RARE_LEAST = 2


def _garbled(text: str) -> str | None:
    """Why ``text``, decoded as GB18030 by guess, looks like another encoding read wrongly
    (None if it does not): rare Han characters beyond :data:`RARE_SHARE` (Big5), private-use
    or unassigned characters, or a Han character outside GB 2312 inside a Latin word (an
    accented letter of Latin-1 or Windows-1252 paired with the next byte)."""
    han = [ch for ch in text if "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"]
    rare = [ch for ch in han if not _everyday(ch)]
    if len(rare) >= RARE_LEAST and len(rare) > RARE_SHARE * len(han):
        return f"{len(rare)} of its {len(han)} Chinese characters are rare ones ({''.join(dict.fromkeys(rare))[:12]})"
    odd = next((ch for ch in text if unicodedata.category(ch) in ("Co", "Cn")), None)
    if odd is not None:
        return f"it holds the unassigned or private-use character U+{ord(odd):04X}"
    for between in re.finditer(r"[A-Za-z][\u3400-\u9fff\uf900-\ufaff]+[a-z]", text):
        # an accented letter and the ASCII letter after it read as one character of GBK's
        # extension, never of GB 2312 (whose bytes are both above 0xA0): "A股B股" is no sign
        if any(not _in_gb2312(ch) for ch in between.group(0)[1:-1]):
            return f"Chinese characters in the middle of a Latin word ({quoted(between.group(0))})"
    return None


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


def _everyday(ch: str) -> bool:
    """Whether a Han character is in GB 2312 or among Big5's frequently used characters
    (its level 1, 0xA440-0xC67E)."""
    if _in_gb2312(ch):
        return True
    try:
        return 0xA440 <= int.from_bytes(ch.encode("big5"), "big") <= 0xC67E
    except UnicodeEncodeError:
        return False


def _key(text: str) -> str:
    return re.sub(r"\s+", "", to_simplified(unicodedata.normalize("NFKC", text or ""))).lower()


#: The line of an import's header naming the table it came from (so that importing another
#: table of the same file name says whose import it replaces).
TABLE_LINE = "# table: "

#: Cells longer than this are reported, not imported: the csv module's default field limit.
MAX_CELL = 131_072


@dataclass
class TableRows:
    """A table read: ``rows`` as (row number, cells), the header being row 1 when it is the
    first line; ``unreadable`` the rows the csv module could not read, as report rows;
    ``delimiter`` the one the table was read with, ``declared`` whether its first line
    declared it (Excel's ``sep=;``: not a row of the table)."""

    rows: list[tuple[int, list[str]]]
    unreadable: list[BadRow]
    delimiter: str = ","
    declared: bool = False


#: Excel's delimiter declaration, the first line of a CSV it writes for another locale
#: (``sep=;``): it names the delimiter and is no row of the table.
_SEPARATOR_LINE = re.compile(r"sep=(.)")


def _excerpt(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


def read_rows(text: str) -> TableRows:
    """Read a CSV or tab-separated table (the delimiter the first line uses more of), or a
    table whose first line declares its delimiter as Excel writes it (``sep=;``, ``sep=|``):
    that line is read as the declaration, never as a row (it keeps its row number, 1, so that
    row numbers stay those of the file). Raises KgError for a declaration naming a quote,
    which cannot be a delimiter.

    Line ends are decided from the file, since a bare CR means different things in different
    files. A table without any LF (old Mac / Excel "CSV (Macintosh)") ends its rows at CR. In
    a table with LFs, rows end at LF or CRLF, and a bare CR outside quotes is either a row end
    (a row saved by another program among CRLF rows) or a CR inside a cell (a value pasted
    from elsewhere). The two readings are told apart by the header: when every part the CR
    divides has the header's number of cells (more than one), the parts are rows; otherwise
    the line is one unreadable row ("a carriage return inside a cell, or a row end?"), never
    split into short rows that would change the count and the numbers of the rows after it.
    Inside a quoted cell any line break is part of the cell. A quote never closed, a NUL, or a
    cell longer than :data:`MAX_CELL` characters makes its row unreadable too: it is listed in
    ``unreadable`` with the reason and the rest of the table is read; never an exception.
    Line numbers count the line ends so decided (LF in a table with LFs, else CR).

    Raises KgError when the line of the header holds such a CR: with no header to measure
    the parts by, neither reading can be told right, and a table without its header cannot
    be read."""
    first = re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]
    declaration = _SEPARATOR_LINE.fullmatch(first)
    if declaration is not None and declaration.group(1) == '"':
        raise KgError(f"line 1 ({first}) declares a quote as the delimiter, which cannot be one")
    if declaration is not None:
        delimiter = declaration.group(1)
    else:
        delimiter = "\t" if first.count("\t") > first.count(",") else ","
    # newline="\n": lines split at LF only, so the csv module stops at a bare CR outside
    # quotes ("new-line character seen in unquoted field") and the row is judged below;
    # newline="": universal newlines, every CR ends a line
    newline = "\n" if "\n" in text else ""
    raw = list(io.StringIO(text, newline=newline))
    lines = [line.rstrip("\r\n") for line in raw]  # split as the reader splits
    stream = io.StringIO(text, newline=newline)
    rows: list[tuple[int, list[str]]] = []
    unreadable: list[BadRow] = []
    number = 0
    width: int | None = None  # the header's number of cells, once read

    def take(row: list[str]) -> None:
        nonlocal number, width
        number += 1
        if number == 1 and declaration is not None:
            return  # sep=X: read above, no row of the table
        if width is None and any(c.strip() for c in row):
            width = len(row)
        long = [i for i, cell in enumerate(row) if len(cell) > MAX_CELL]
        if long:
            unreadable.append(BadRow(number, "", f"cell {long[0] + 1} has {len(row[long[0]])} characters, more "
                                                 f"than the {MAX_CELL} a cell may have", [_excerpt(c) for c in row]))
            return
        rows.append((number, row))

    previous_limit = csv.field_size_limit()
    csv.field_size_limit(max(previous_limit, len(text) + 1))  # cells are measured below instead
    try:
        # strict: a quote the csv module cannot make sense of is an error for its row, not
        # read leniently (a quote never closed swallowed the rest of the table into one cell)
        reader = csv.reader(stream, delimiter=delimiter, strict=True)
        while True:
            line_before = reader.line_num
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                why = str(exc)
                if "unexpected end of data" in why:
                    # a quote opened in this row and never closed: every line from the row's
                    # first to the end is one unreadable row each, so none drops out of the counts
                    start = line_before + 1
                    for at in range(start, len(lines) + 1):
                        line = lines[at - 1]
                        if not line.strip() and at != start:
                            continue
                        number += 1
                        unreadable.append(BadRow(number, "", f"cannot read the row (line {at}): a quote (\") opened "
                                                             f"on line {start} is never closed, so the lines after "
                                                             f"it cannot be told apart", [_excerpt(line)]))
                    break
                if "new-line character" in why and newline and reader.line_num > line_before:
                    record = "".join(raw[line_before:reader.line_num])
                    parts = _parts_at_cr(record, delimiter)
                    if parts is not None and (width or 0) > 1 and all(len(p) == width for p in parts if p):
                        for part in parts:  # CRs that end rows: a row saved by another program
                            take(part)
                        continue
                    at = f"line {reader.line_num}" if reader.line_num == line_before + 1 else \
                        f"lines {line_before + 1}-{reader.line_num}"
                    if width is None:
                        raise KgError(f"{at} (the header: {_excerpt(record.rstrip(chr(13) + chr(10)))!r}) holds a "
                                      f"carriage return (CR) inside a cell or as a row end, which cannot be told "
                                      f"apart: remove it, or save the table with one kind of line ending")
                    cells = " and ".join(str(len(p)) for p in parts if p) if parts else "?"
                    number += 1
                    unreadable.append(BadRow(number, "", f"cannot read the row ({at}): a carriage return (CR) "
                                                         f"inside a cell, or a row end? (the table's rows end in "
                                                         f"LF; the parts it divides have {cells} cells, the header "
                                                         f"{width}): remove the CR, or quote the cell",
                                             [_excerpt(record.rstrip("\r\n"))]))
                    continue
                number += 1
                line = lines[reader.line_num - 1] if 0 < reader.line_num <= len(lines) else ""
                if "NUL" in why:
                    why = "a NUL character"
                elif "expected after" in why or "delimiter" in why:
                    why = "a quote (\") inside a cell that is not closed where the cell ends (double it: \"\")"
                unreadable.append(BadRow(number, "", f"cannot read the row (line {reader.line_num}): {why}",
                                         [_excerpt(line)]))
                if reader.line_num == line_before:
                    break  # no progress: stop rather than loop
                continue
            take(row)
    finally:
        csv.field_size_limit(previous_limit)
    return TableRows(rows, unreadable, delimiter, declaration is not None)


def _parts_at_cr(record: str, delimiter: str) -> list[list[str]] | None:
    """The rows ``record`` (one line of a table whose rows end in LF) reads as when each bare CR
    outside quotes ends a row; None when the csv module cannot read it so."""
    try:
        return list(csv.reader(io.StringIO(record, newline=""), delimiter=delimiter, strict=True))
    except csv.Error:
        return None


def without_text_marker(text: str) -> str | None:
    """A code cell without Excel's text marker: ``'530681`` -> ``530681``; None when ``text`` is
    not an apostrophe followed by digits only.

    Excel keeps a leading apostrophe to hold digits as text (a code's leading zeros, a code
    not read as a number), and some exports write it into the CSV. Before digits it can mean
    nothing else, so the import reads the code without it, and says so in its summary with the
    rows (:attr:`ImportResult.notes`) rather than silently; anything else after an apostrophe
    is left as written, and a place cell that names no place is a row reported as such."""
    if len(text) > 1 and text[0] == "'" and text[1:].isascii() and text[1:].isdigit():
        return text[1:]
    return None


def read_table(text: str) -> list[list[str]]:
    """The rows of a table that could be read (see :func:`read_rows`)."""
    return [row for _number, row in read_rows(text).rows]


def find_columns(header: list[str], mapping: ImportMapping) -> dict[str, int]:
    """Field -> column index, from the mapping or the header guesses."""
    keys = [_key(h) for h in header]
    found: dict[str, int] = {}
    for name, wanted in mapping.columns.items():
        if _key(wanted) not in keys:
            raise KgError(f"column {wanted!r} (for {name}) is not in the table's header: {', '.join(header)}")
        found[name] = keys.index(_key(wanted))
    taken = set(found.values())
    for name, guesses in HEADER_GUESSES.items():
        if name in found:
            continue
        for guess in guesses:
            if _key(guess) in keys and keys.index(_key(guess)) not in taken:
                found[name] = keys.index(_key(guess))
                taken.add(found[name])
                break
    if "place" not in found and "place_code" in found:
        found["place"] = found.pop("place_code")
    for name, index in found.items():
        same = [i + 1 for i, key in enumerate(keys) if key == keys[index]]
        if len(same) > 1:  # which of them is meant cannot be told
            raise KgError(f"columns {' and '.join(map(str, same))} of the header are both named {header[index]!r} "
                          f"(the {name.replace('_', ' ')} column): rename one, or name the column meant in a mapping")
    missing = [f for f in ("place", "value") if f not in found]
    missing += [f for f in ("indicator", "period") if f not in found and not mapping.defaults.get(f)]
    if missing:
        raise KgError(f"the table has no {' and no '.join(missing)} column (header: {', '.join(header)}); "
                      f"name it with --{missing[0].replace('_', '-')} or in a mapping file, or give a default")
    return found


# --- names and slugs ----------------------------------------------------------------------


def slugify(text: str) -> str:
    """Lower-case kebab-case ASCII; Chinese characters become pinyin syllables."""
    text = unicodedata.normalize("NFKC", text)
    if text.isascii():
        # pypinyin keeps a text without Han characters as it is (one item): the same words,
        # without the 0.4 s its dictionaries take to load (a file named one-county.csv)
        return "-".join(re.findall(r"[a-z0-9]+", text.lower())).strip("-")
    from pypinyin import lazy_pinyin

    words = []
    for part in lazy_pinyin(text):
        words.extend(re.findall(r"[a-z0-9]+", part.lower().replace("ü", "u")))
    return "-".join(words).strip("-")


def import_slug(path: Path, name: str | None = None) -> str:
    slug = slugify(name or Path(path).stem)
    if not slug:
        raise KgError(f"cannot make a name for the import from {path.name!r}; give --name")
    return slug


# --- the import ---------------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    raw: list[str]
    place: Resolved
    indicator: str            # the indicator's name, decorations removed (kg.link.indicators)
    period: PeriodSpec
    value: object
    reported: str
    citation: str | None
    marks: tuple = ()         # footnote marks removed from the place and period cells (水富市①, 2022*)


def _unmarked(text: str) -> tuple[str, tuple[str, ...]]:
    """A place or period cell without the footnote marks yearbooks put on it (水富市①, 2022*,
    as on values: kg.link.values.strip_footnotes) and the marks; a cell that is only marks is
    left as it is (the caller reports it)."""
    clean, marks = strip_footnotes(text)
    return (clean.strip(), marks) if clean.strip() else (text, ())


def _as_written(reason: str, cells: dict[str, str], marks: tuple) -> str:
    """A reason about cells read without their footnote marks, quoting them as written."""
    if not marks:
        return reason
    return reason + " (as written: " + ", ".join(repr(c) for c in cells.values() if c) + ")"


class _Indicators:
    """Indicator names -> IRIs: the mapping's, then existing indicators by label, else minted.
    Names are compared by their key (kg.link.indicators): #第一产业增加值, 其中：第一产业增加值
    and 第一產業增加值 are one indicator."""

    def __init__(self, base: Graph, mapping: ImportMapping, slug: str, source: URIRef, file_name: str,
                 project: Graph | None = None):
        self.base, self.mapping, self.slug, self.source, self.file_name = base, mapping, slug, source, file_name
        self.project = base if project is None else project  # what the import need not describe
        self.by_label: dict[str, URIRef] = {}
        for indicator in sorted(base.subjects(RDF.type, CKG.Indicator)):
            for predicate in (RDFS.label, SKOS.altLabel, SKOS.prefLabel):
                for label in sorted(base.objects(indicator, predicate)):
                    self.by_label.setdefault(indicator_name(str(label)).key, indicator)
        self.specs = {indicator_name(k).key: v for k, v in mapping.indicators.items()}
        self.minted: dict[URIRef, dict] = {}
        self.copied: dict[URIRef, list[tuple]] = {}  # indicators another import describes
        self.resolved: dict[str, URIRef] = {}

    def get(self, name: str) -> URIRef:
        """The IRI for a clean indicator name (see kg.link.indicators.indicator_name)."""
        key = indicator_name(name).key
        if key in self.resolved:
            return self.resolved[key]
        spec = self.specs.get(key, {})
        if spec.get("iri"):
            from kg.query.engines import expand_iri

            iri = expand_iri(spec["iri"])
        elif key in self.by_label:
            iri = self.by_label[key]
        else:
            iri = self._mint(name, spec)
        if iri not in self.minted and (iri, RDF.type, CKG.Indicator) not in self.project \
                and (iri, RDF.type, CKG.Indicator) in self.base:
            # described by another import only: described here too, as there (the union is a
            # set), so that replacing that import leaves this one whole
            self.copied[iri] = borrowed_description(self.base, iri)
        self.resolved[key] = iri
        return iri

    def _mint(self, text: str, spec: dict) -> URIRef:
        hans = to_simplified(unicodedata.normalize("NFKC", text).strip())
        english = spec.get("en") or romanise_phrase(hans)
        slug = spec.get("slug") or slugify(spec["en"] if spec.get("en") else hans) or "indicator"
        iri = IND[slug]
        n = 2
        while (iri, RDF.type, None) in self.base or (iri in self.minted and self.minted[iri]["hans"] != hans):
            iri, n = IND[f"{slug}-{n}"], n + 1
        theme = spec.get("theme") or self.mapping.defaults.get("theme") or "economy"
        self.minted[iri] = {"hans": hans, "en": english, "theme": theme, "definition": spec.get("definition"),
                            "romanised": not spec.get("en")}
        return iri


def borrowed_description(graph, node) -> list[tuple]:
    """``node``'s triples in ``graph`` (another import's description of an indicator, period
    or instant), without its dcterms:source (the importing table is the source of its own)."""
    return sorted((node, p, o) for p, o in set(graph.predicate_objects(node)) if p != DCTERMS.source)


def romanise_phrase(text: str) -> str:
    """An English stand-in for an untranslated Chinese name: its pinyin, capitalised."""
    from pypinyin import lazy_pinyin

    words = " ".join(w for w in lazy_pinyin(text) if w.strip())
    return re.sub(r"\s+", " ", words).strip().capitalize() or text


class StoreBase:
    """The project's graph in the store as :class:`Importer` reads it (an rdflib-like view of
    the few lookups it makes: subjects, objects, membership), leaving out the named graph the
    import replaces, with the answers cached (one place is looked up once per import).
    ``project_only``: the project's own graphs alone (no import or link set of the workspace),
    what an import may rely on without describing it itself."""

    def __init__(self, store, replaced: URIRef, *, project_only: bool = False):
        import pyoxigraph as ox

        self.ox, self.store, self.replaced = ox, store, ox.NamedNode(str(replaced))
        self.project_only = project_only
        self._workspace = tuple(str(GRAPH[f"{kind}/"]) for kind in ("import", "links"))
        self._objects: dict = {}

    def _node(self, term):
        return self.ox.NamedNode(str(term))

    def _rdflib(self, term):
        from kg.store.load import language_tag

        ox = self.ox
        if isinstance(term, ox.NamedNode):
            return URIRef(term.value)
        if isinstance(term, ox.BlankNode):
            return BNode(term.value)
        if term.language:
            return Literal(term.value, lang=language_tag(term.language))
        return Literal(term.value, datatype=URIRef(term.datatype.value))

    def _quads(self, s, p, o):
        for quad in self.store.quads_for_pattern(s, p, o, None):
            if isinstance(quad.graph_name, self.ox.NamedNode) and quad.graph_name != self.replaced \
                    and not (self.project_only and quad.graph_name.value.startswith(self._workspace)):
                yield quad

    def predicate_objects(self, subject):
        for quad in self._quads(self._node(subject), None, None):
            yield self._rdflib(quad.predicate), self._rdflib(quad.object)

    def subjects(self, predicate, value):
        seen = set()
        for quad in self._quads(None, self._node(predicate), self._node(value)):
            if quad.subject not in seen:
                seen.add(quad.subject)
                yield self._rdflib(quad.subject)

    def objects(self, subject, predicate):
        key = (str(subject), str(predicate))
        found = self._objects.get(key)
        if found is None:
            found = list(dict.fromkeys(self._rdflib(q.object)
                                       for q in self._quads(self._node(subject), self._node(predicate), None)))
            self._objects[key] = found
        return iter(found)

    def __contains__(self, triple) -> bool:
        s, p, o = (None if t is None else self._node(t) for t in triple)
        return next(self._quads(s, p, o), None) is not None


def _label(graph: Graph, node, lang: str) -> str | None:
    for label in graph.objects(node, RDFS.label):
        if isinstance(label, Literal) and label.language == lang:
            return str(label)
    return None


class _Yielded:
    """``add`` collects triples to be yielded (:meth:`flush`) and keeps them in ``graph``."""

    def __init__(self):
        self.graph = Graph()
        self._pending: list = []

    def add(self, triple) -> None:
        self.graph.add(triple)
        self._pending.append(triple)

    def flush(self):
        pending, self._pending = self._pending, []
        yield from pending


class Importer:
    def __init__(self, table: Path, *, mapping: ImportMapping | None = None, name: str | None = None,
                 workspace: Path | None = None, report: Path | None = None, encoding: str = "auto",
                 now: datetime | None = None, base: Loaded | None = None, resolver: PlaceResolver | None = None,
                 shapes: Graph | None = None, as_of: int | None = None, force: bool = False,
                 quiet: bool = False, say=None, texts=None):
        """``as_of``: the year whose division codes and names the whole table uses (else each
        row's period says); ``force`` replaces files kg cannot tell it wrote (kg.outputs);
        ``quiet`` hides the progress bar, ``say`` receives progress lines (stderr in the CLI);
        ``texts`` are the source texts for the quote check (default: the project's);
        ``base``, ``resolver``, ``shapes`` and ``now`` stand in for the project's in tests."""
        self.table = paths.input_file(table, "table")
        self.as_of = as_of
        self.mapping = mapping or ImportMapping()
        check_themes(self.mapping)
        self.slug = import_slug(self.table, name)
        self.workspace = Path(workspace) if workspace else default_workspace()
        self.target = self.workspace / "imports" / f"{self.slug}.ttl"
        self.report_path = Path(report) if report else self.workspace / "imports" / f"{self.slug}.report.csv"
        self.encoding = encoding
        self.force = force  # replace files kg cannot tell it wrote (kg.outputs)
        self.now = now or datetime.now(timezone.utc).replace(microsecond=0)
        self._base = base
        self.shapes = shapes  # None: the project's shapes
        self._resolver = resolver  # None: the project's, made when first needed (:attr:`resolver`)
        self._index_dir: Path | None = None  # where the project's resolver keeps its index (the store's cache)
        self.graph_iri = GRAPH[f"import/{self.slug}"]
        self.source = SRC[f"import-{self.slug}"]
        self.dataset = DS[f"import-{self.slug}"]
        self.quiet = quiet
        self.say = say or (lambda message: None)  # progress lines (stderr in the CLI)
        self._lookups = None  # the store's graph (StoreBase) while an import into the store runs
        self._project_lookups = None  # its project's own graphs (StoreBase, project_only)
        self.texts = texts  # source texts for the quote check (default: the project's)

    @property
    def resolver(self) -> PlaceResolver:
        """The place resolver given, else the project's: read from its index in the store's
        cache when the import runs in the store (kg.link.placeindex: the same resolver, a
        second sooner), else made from the gazetteer."""
        if self._resolver is None:
            if self._index_dir is not None:
                from kg.link.placeindex import cached_resolver

                self._resolver = cached_resolver(self._index_dir)
            else:
                self._resolver = PlaceResolver()
        return self._resolver

    # -- the base graph: the project without the graph this import replaces -----------------

    @property
    def base(self) -> Loaded:
        if self._base is None:
            others = [p for p in workspace_files(self.workspace) if p.resolve() != self.target.resolve()] \
                if self.workspace.is_dir() else []
            loaded = load(data=data_files(), workspace=False)
            if others:
                from kg.store.load import _load_files

                _load_files(loaded.dataset, others, loaded.data, loaded.files, naming=workspace_graph_name)
            self._base = loaded
        return self._base

    @property
    def base_graph(self):
        """What the import looks things up in: the store's graph while it imports into the
        store, else the data of :attr:`base` (an rdflib graph given in code)."""
        return self._lookups if self._lookups is not None else self.base.data

    @property
    def project_graph(self):
        """What the import may reference without describing it: the project's own graphs in
        the store (not another import, which may be replaced or removed), else :attr:`base`."""
        return self._project_lookups if self._lookups is not None else self.base.data

    def run(self, *, write: bool = True) -> tuple[ImportResult, Graph | None]:
        """Read the table and, with ``write``, import it: given a ``base`` graph (in code), the
        import is validated against it and written to the workspace; otherwise it goes into the
        project's store (:meth:`_run_in_store`). Returns the result and, when it was made in
        memory (a ``base`` given, or not ``write``), the import's graph."""
        if write and self._base is None:
            return self._run_in_store(), None
        return self._run(write=write)

    def _run(self, *, write: bool = True, store_import=None, claimed=None) -> tuple[ImportResult, Graph]:
        """Read, resolve and convert the table; with ``write``, claim the outputs first
        (kg.outputs), then validate the graph and write it and the report. Raises KgError for
        a table that cannot be imported at all (empty, only a header, no place or value
        column), IllFormedLiteral for a literal outside its datatype's lexical space, and
        ImportRefused when the graph does not conform (nothing written)."""
        if claimed is None and write:
            claimed = self.claim_outputs()  # before any work: refused at once
        data = self.table.read_bytes()
        checksum = hashlib.sha256(data).hexdigest()
        try:  # the messages of decode and find_columns name the table
            text, encoding = decode(data, self.encoding)
        except KgError as exc:
            raise KgError(f"{self.table}: {exc}") from None
        try:
            table = read_rows(text)
        except KgError as exc:
            raise KgError(f"{self.table}: {exc}") from None
        rows = table.rows
        notes = []
        if table.declared:
            notes.append(f"line 1 (sep={table.delimiter}) declares the delimiter {table.delimiter!r}: "
                         f"the table was read with it, and line 1 is no row")
        marked_codes: list[int] = []
        header_at = next((i for i, (_n, r) in enumerate(rows) if any(c.strip() for c in r)), None)
        if header_at is None:
            if table.unreadable:
                raise KgError(f"{self.table}: no row of the table can be read ({table.unreadable[0].reason})")
            raise KgError(f"{self.table}: the table is empty")
        header_number, header_row = rows[header_at]
        header = [unicodedata.normalize("NFKC", h).strip().lstrip("\ufeff") for h in header_row]
        try:
            columns = find_columns(header, self.mapping)
        except KgError as exc:
            raise KgError(f"{self.table}: {exc}") from None
        body = [(n, r) for n, r in rows[header_at + 1:] if any(c.strip() for c in r)]  # blank lines hold no data
        unreadable = [b for b in table.unreadable if b.row > header_number]
        if not body and not unreadable:
            raise KgError(f"{self.table}: the table has no data rows, only a header ({', '.join(header)})")
        file_script = detect_script(text) or "zh-Hant"

        base_graph = self.base_graph
        indicators = _Indicators(base_graph, self.mapping, self.slug, self.source, self.table.name,
                                 self.project_graph)
        good: list[_Row] = []
        bad: list[BadRow] = list(unreadable)
        methods: Counter = Counter()
        place_rows = resolved_places = 0
        data_rows = len(body) + len(unreadable)

        # A place is named on many rows (a national table: each county on 24): resolved once
        # per cell text, parents and year (the resolver's answer depends on nothing else).
        resolutions: dict[tuple, object] = {}

        def cell(row: list[str], name: str) -> str:
            index = columns.get(name)
            return row[index].strip() if index is not None and index < len(row) else ""

        from tqdm import tqdm

        used = max(columns.values()) + 1  # a row must reach every column the import reads
        numbered = tqdm(body, desc="reading rows", unit=" rows", delay=2.0, disable=self.quiet, file=sys.stderr,
                        leave=False)
        for number, row in numbered:
            if len(row) > len(header) and any(c.strip() for c in row[len(header):]):
                bad.append(BadRow(number, "", f"{counted(len(row), 'cell')} but the header has {len(header)}", row))
                continue
            if len(row) < used:
                missing = [header[i] for i in sorted(columns.values()) if i >= len(row)]
                bad.append(BadRow(number, "", f"too few cells: {len(row)}, but the header has {len(header)} "
                                              f"(no {', '.join(missing)} cell)", row))
                continue
            written = {name: cell(row, name) for name in ("period", "place", "place_code", "province", "prefecture")}
            for name in ("place", "place_code"):
                code = without_text_marker(written[name])
                if code is not None:  # Excel's text marker on a code ('530681): the code
                    written[name] = code
                    if not marked_codes or marked_codes[-1] != number:
                        marked_codes.append(number)
            read = {name: _unmarked(text) for name, text in written.items()}
            marks = tuple(m for _text, found in read.values() for m in found)
            period_text = read["period"][0] or self.mapping.defaults.get("period", "")
            try:
                period = parse_period(period_text)
            except PeriodParseError as exc:
                period = None
                period_error = _as_written(str(exc), {"period": written["period"]}, read["period"][1])
            year = self.as_of or (period.year if period else None)
            place_name, code_text = read["place"][0], read["place_code"][0]
            place_text = place_name or code_text
            if place_text:
                place_rows += 1
            parents = (read["province"][0], read["prefecture"][0])
            by_code_and_name = bool(code_text and place_name and code_text != place_name)
            asked = (code_text, place_name) if by_code_and_name else (place_text, None)
            key = (*asked, parents, year)
            resolution = resolutions.get(key)
            if resolution is None:
                if by_code_and_name:
                    resolution = self.resolver.resolve(code_text, *parents, year=year, name=place_name)
                else:
                    resolution = self.resolver.resolve(place_text, *parents, year=year)
                resolutions[key] = resolution
            if not isinstance(resolution, Resolved):
                # the column that failed: a parent that names no place is the parent's fault
                column = ("province" if resolution.parent and resolution.parent == parents[0] else
                          "prefecture" if resolution.parent and resolution.parent == parents[1] else "place")
                place_marks = tuple(m for name in ("place", "place_code", "province", "prefecture")
                                    for m in read[name][1])
                bad.append(BadRow(number, column, _as_written(resolution.reason, {k: v for k, v in written.items()
                                                                                 if k != "period"}, place_marks), row))
                continue
            resolved_places += 1
            methods[resolution.method.split(",")[0] + (", replaced" if resolution.replaced else "")
                    + (", parent" if "parent" in resolution.method else "")] += 1
            if period is None:
                bad.append(BadRow(number, "period", period_error, row))
                continue
            named = indicator_name(cell(row, "indicator") or self.mapping.defaults.get("indicator", ""))
            if not named.name:
                bad.append(BadRow(number, "indicator", "no indicator given", row))
                continue
            unit_text = cell(row, "unit") or named.unit or self.mapping.defaults.get("unit")
            value_text = cell(row, "value")
            try:
                value = parse_value(value_text, unit_text or None)
            except MissingValue as exc:
                bad.append(BadRow(number, "value", f"missing figure: {exc}", row))
                continue
            except ValueParseError as exc:
                bad.append(BadRow(number, "value" if "unit" not in str(exc) else "unit", str(exc), row))
                continue
            beyond = unrepresentable(value.lexical, str(XSD.decimal))
            if beyond is not None:  # the store's engine would leave it out of every sum and comparison
                bad.append(BadRow(number, "value", f"{quoted(value_text)} is {short_number(value.lexical)} in base "
                                                   f"units, {beyond}", row))
                continue
            if value.unit is None:
                bad.append(BadRow(number, "unit", f"no unit: {quoted(value_text)} has none and the table gives none "
                                                  f"(add a unit column or --default-unit)", row))
                continue
            written_unit = cell(row, "unit") or named.unit
            reported = value_text + (written_unit if written_unit and not _has_unit(value_text) else "")
            citation = cell(row, "source") or self.mapping.defaults.get("source")
            good.append(_Row(number, row, resolution, named.name, period, value, reported, citation, marks))

        # One observation per indicator, place and period: a second row with the same key is
        # reported, unless the two were reported for two divisions both in use in the period's
        # last year that today's place absorbed since (each keeps its ckg:reportedPlace): the
        # rule of the conflicting-observation check (_two_divisions).
        seen: dict[tuple, list[_Row]] = {}
        unique: list[_Row] = []
        for item in good:
            key = (indicators.get(item.indicator), item.place.key, item.period.slug)
            earlier = next((e for e in seen.get(key, ()) if not _two_divisions(e, item)), None)
            if earlier is not None:
                bad.append(BadRow(item.number, "value" if _conflicting(earlier, item) else "",
                                  _second_row_reason(earlier, item), item.raw))
                continue
            seen.setdefault(key, []).append(item)
            unique.append(item)
        bad.sort(key=lambda b: b.row)

        if marked_codes:
            shown = ", ".join(map(str, marked_codes[:10])) + (f" and {len(marked_codes) - 10} more"
                                                              if len(marked_codes) > 10 else "")
            notes.append(f"the code of {counted(len(marked_codes), 'row')} began with an apostrophe, Excel's text "
                         f"marker ('530681), and was read without it: row{'s' if len(marked_codes) > 1 else ''} {shown}")
        result = ImportResult(self.slug, self.graph_iri, None, self.report_path, encoding, data_rows,
                              len(unique), bad, place_rows, resolved_places, methods,
                              len(unique), checksum, notes=notes)
        if store_import is not None:  # the triples go straight into the store, never held whole
            store_import(claimed, bad, unique, self._triples(unique, indicators, encoding, checksum, file_script,
                                                            len(data)), result)
            return result, None
        graph = bind_prefixes(Graph())
        for triple in self._triples(unique, indicators, encoding, checksum, file_script, len(data)):
            graph.add(triple)
        if write:
            self._write_report(bad, claimed[1])
            if unique:
                import time

                started = time.perf_counter()
                report = self.validate(graph)
                result.validation_seconds = time.perf_counter() - started
                if report.violations:  # warnings are reported, not refused
                    raise ImportRefused(report)
                claimed[0].write_text(self._turtle(graph), permissions=0o644)
                result.path = self.target
            else:
                # nothing importable: an error, and the previous import of this name stays
                raise KgError(f"{self.table}: no row could be imported ({len(bad)} listed in {self.report_path}); "
                              f"nothing written" + (f", the previous import {self.target} is kept"
                                                    if self.target.is_file() else ""))
        return result, graph

    def replaces(self) -> Path | None:
        """The table whose import this one replaces, when it is another file of the same name
        (a/t.csv after b/t.csv): read from the previous import's header (kg.outputs.replaced_source)."""
        return replaced_source(self.target, self.table, TABLE_LINE)

    # -- the graph ---------------------------------------------------------------------------

    def _triples(self, rows: list[_Row], indicators: _Indicators, encoding: str, checksum: str, script: str,
                 size: int):
        """The import's triples, one at a time (a national table is a million of them), each
        literal checked against its datatype's lexical space (:func:`checked_literals`)."""
        return checked_literals(self._made_triples(rows, indicators, encoding, checksum, script, size))

    def _made_triples(self, rows: list[_Row], indicators: _Indicators, encoding: str, checksum: str, script: str,
                      size: int):
        g = _Yielded()
        yield from self._head(g, rows, indicators, encoding, checksum, size)
        base = self.base_graph
        minted = g.graph  # the indicators and periods this import defines, for the labels below
        labels: dict = {}

        def cached(node, lang):
            key = (node, lang)
            if key not in labels:
                labels[key] = _label(base, node, lang) or _label(minted, node, lang)
            return labels[key]

        # The terms every observation has, made once: the same objects each time, which
        # the Turtle writer's cache of converted terms finds by identity (_write_turtle).
        rdf_type, observation, qb_observation = RDF.type, CKG.Observation, QB.Observation
        data_set, has_indicator, ref_area, reported_place = QB.dataSet, CKG.indicator, SDMX_DIMENSION.refArea, \
            CKG.reportedPlace
        footnote_mark, ref_period, obs_value = CKG.footnoteMark, SDMX_DIMENSION.refPeriod, SDMX_MEASURE.obsValue
        unit_measure, value_qualifier, reported_value = SDMX_ATTRIBUTE.unitMeasure, CKG.valueQualifier, \
            CKG.reportedValue
        source, cited, label, decimal = DCTERMS.source, DCTERMS.bibliographicCitation, RDFS.label, XSD.decimal
        dataset, this_source = self.dataset, self.source
        places: dict[str, URIRef] = {}
        periods: dict[str, URIRef] = {}
        for row in rows:
            indicator = indicators.get(row.indicator)
            place = places.get(row.place.iri)
            if place is None:
                place = places[row.place.iri] = URIRef(row.place.iri)
            period = periods.get(row.period.slug)
            if period is None:
                period = periods[row.period.slug] = PERIOD[row.period.slug]
            iri = OBS[f"{self.slug}-{_reported_key(row.place)}-{indicator.split('/')[-1]}-{row.period.slug.lower()}"]
            yield iri, rdf_type, observation
            yield iri, rdf_type, qb_observation
            yield iri, data_set, dataset
            yield iri, has_indicator, indicator
            yield iri, ref_area, place
            if row.place.replaced:
                yield iri, reported_place, URIRef(row.place.matched.iri)
            for mark in dict.fromkeys((*row.value.footnotes, *row.marks)):
                yield iri, footnote_mark, Literal(mark)
            yield iri, ref_period, period
            yield iri, obs_value, Literal(decimal_lexical(row.value.value), datatype=decimal)
            yield iri, unit_measure, row.value.unit
            yield iri, value_qualifier, row.value.qualifier
            yield iri, reported_value, Literal(row.reported, lang=detect_script(row.reported) or script)
            yield iri, source, this_source
            if row.citation:
                yield iri, cited, Literal(row.citation, lang=detect_script(row.citation) or script)
            for lang in ("zh-Hans", "zh-Hant", "en"):
                place_label = cached(place, lang) or row.place.division.name
                indicator_label = cached(indicator, lang) or row.indicator
                period_label = cached(period, lang) or row.period.slug
                text = (f"{place_label}, {period_label}: {indicator_label}" if lang == "en"
                        else f"{place_label}{period_label}{indicator_label}")
                yield iri, label, Literal(text, lang=lang)

    def _head(self, g, rows: list[_Row], indicators: _Indicators, encoding: str, checksum: str, size: int):
        """The triples before the observations: provenance, the data set, minted indicators
        and new periods (also kept in ``g.graph`` for the observations' labels)."""
        base = self.base_graph
        name = self.table.name
        # provenance: the graph was derived from the file, at this time
        g.add((self.graph_iri, RDF.type, PROV.Entity))
        g.add((self.graph_iri, PROV.wasDerivedFrom, self.source))
        g.add((self.graph_iri, PROV.generatedAtTime, Literal(self.now.isoformat(), datatype=XSD.dateTime)))
        g.add((self.graph_iri, DCTERMS.title, Literal(f"county-kg import of {name}", lang="en")))
        g.add((self.source, RDF.type, SCHEMA.DigitalDocument))
        g.add((self.source, RDF.type, PROV.Entity))
        for lang, text in (("zh-Hans", f"导入的表格 {to_simplified(name)}"), ("zh-Hant", f"匯入的表格 {to_traditional(name)}"),
                           ("en", f"imported table {name}")):
            g.add((self.source, RDFS.label, Literal(text, lang=lang)))
        g.add((self.source, SCHEMA.name, Literal(name)))
        g.add((self.source, SCHEMA.encodingFormat, Literal(f"text/csv; charset={encoding.removesuffix('-sig')}")))
        g.add((self.source, SCHEMA.contentSize, Literal(size, datatype=XSD.integer)))
        checksum_node = BNode()
        g.add((self.source, SPDX.checksum, checksum_node))
        g.add((checksum_node, RDF.type, SPDX.Checksum))
        g.add((checksum_node, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((checksum_node, SPDX.checksumValue, Literal(checksum, datatype=XSD.hexBinary)))
        # the data set
        g.add((self.dataset, RDF.type, QB.DataSet))
        for lang, text in (("zh-Hans", f"导入的表格 {to_simplified(name)} 中的数字"),
                           ("zh-Hant", f"匯入的表格 {to_traditional(name)} 中的數字"),
                           ("en", f"figures of the imported table {name}")):
            g.add((self.dataset, RDFS.label, Literal(text, lang=lang)))
        g.add((self.dataset, QB.structure, DS["county-indicators-dsd"]))
        g.add((self.dataset, DCTERMS.source, self.source))
        # indicators minted for this import
        for iri, spec in indicators.minted.items():
            if not any(indicators.get(r.indicator) == iri for r in rows):
                continue
            g.add((iri, RDF.type, CKG.Indicator))
            g.add((iri, RDF.type, SKOS.Concept))
            g.add((iri, SKOS.inScheme, IND.scheme))
            g.add((iri, RDFS.label, Literal(spec["hans"], lang="zh-Hans")))
            g.add((iri, RDFS.label, Literal(to_traditional(spec["hans"]), lang="zh-Hant")))
            g.add((iri, RDFS.label, Literal(spec["en"], lang="en")))
            if spec["romanised"]:
                g.add((iri, RDFS.comment, Literal("English label romanised: the import mapping gave no translation.",
                                                  lang="en")))
            g.add((iri, SKOS.definition, Literal(spec["definition"] or f"As named in the imported table {name}: "
                                                                       f"{spec['hans']}.", lang="en")))
            g.add((iri, CKG.theme, THEME[spec["theme"]]))
            g.add((iri, DCTERMS.source, self.source))
        # indicators another import describes: described here as there
        for iri, triples in indicators.copied.items():
            if any(indicators.get(r.indicator) == iri for r in rows):
                for triple in triples:
                    g.add(triple)
                g.add((iri, DCTERMS.source, self.source))
        # periods the project does not have (another import's described here as there, so
        # that replacing that import leaves this one whole)
        project = self.project_graph
        for spec in {r.period.slug: r.period for r in rows}.values():
            period = PERIOD[spec.slug]
            if (period, RDF.type, CKG.Period) in project:
                continue
            if (period, RDF.type, CKG.Period) in base:
                for triple in borrowed_description(base, period):
                    g.add(triple)
                for instant in (*base.objects(period, TIME.hasBeginning), *base.objects(period, TIME.hasEnd)):
                    if (instant, RDF.type, TIME.Instant) not in project:
                        for triple in borrowed_description(base, instant):
                            g.add(triple)
                continue
            g.add((period, RDF.type, CKG.Period))
            # an instant (年末) is an interval whose beginning is its end, not a proper interval
            g.add((period, RDF.type, TIME.Interval if spec.instant else TIME.ProperInterval))
            for lang, text in (("zh-Hant", to_traditional(spec.label_zh)), ("zh-Hans", spec.label_zh), ("en", spec.label_en)):
                g.add((period, RDFS.label, Literal(text, lang=lang)))
            g.add((period, RDFS.comment, Literal(spec.comment, lang="en")))
            for predicate, day in ((TIME.hasBeginning, spec.begin), (TIME.hasEnd, spec.end)):
                instant = INSTANT[day]
                g.add((period, predicate, instant))
                if (instant, RDF.type, TIME.Instant) not in project:
                    g.add((instant, RDF.type, TIME.Instant))
                    g.add((instant, TIME.inXSDDate, Literal(day, datatype=XSD.date)))
        yield from g.flush()


    # -- into the store ---------------------------------------------------------------------

    def _run_in_store(self) -> ImportResult:
        """The import into the project's store, as one new generation holding its named graph:

        1. the store's writer lock is taken for the whole import (a second import waits);
        2. the store is brought up to date with the workspace, and the table's rows read,
           looking indicators, periods and labels up in the store (without the graph this
           import replaces);
        3. the triples are written, as they are made, to a hidden Turtle file beside the
           import's file;
        4. a new generation of the store with that graph is made and validated (only what
           the graph can change, kg.validate.store.validate_changes): if it holds violations
           the previous generation did not, it is not published (ImportRefused) and the
           workspace is left as it was;
        5. the generation is published, then the Turtle file renamed into place.

        Killed at any point, the store answers from the previous generation and the workspace
        holds its previous file (a hidden partial file is no import: kg.store.load.workspace_files)."""
        from kg.store.persistent import GraphStore
        from kg.store.project import location, refresh

        claimed = self.claim_outputs()  # before any work (the store included): refused at once
        store = GraphStore(location())
        with store.writing(self.say):
            # the store, as the workspace is now (validated, so that the import's validation
            # can be incremental)
            refresh(store, say=self.say, workspace=self.workspace, before_publish=self._validated)
            # (the store exists now, as kg's: its cache may hold the resolver's index)
            self._index_dir = store.directory / "cache"
            with store.reader() as view:
                self._lookups = StoreBase(view.store, self.graph_iri)
                self._project_lookups = StoreBase(view.store, self.graph_iri, project_only=True)
                try:
                    result, _none = self._run(claimed=claimed, store_import=lambda claimed, bad, rows, triples, result:
                                              self._into_store(store, claimed, bad, rows, triples, result))
                finally:
                    self._lookups = self._project_lookups = None
            store.collect()  # the generation read above, now that nobody holds it
        return result

    def _into_store(self, store, claimed, bad: list[BadRow], rows: list[_Row], triples, result: ImportResult) -> None:
        import os
        import time

        from kg.store.persistent import Input
        from kg.store.project import recorded_inputs

        if not rows:
            # nothing importable: an error, and the previous import of this name stays
            self._write_report(bad, claimed[1])
            raise KgError(f"{self.table}: no row could be imported ({len(bad)} listed in {self.report_path}); "
                          f"nothing written" + (f", the previous import {self.target} is kept"
                                                if self.target.is_file() else ""))
        claimed[0]._check()
        target = claimed[0].target
        partial = target.parent / f".{target.stem}.{os.getpid()}.part.ttl"
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_abandoned(target.parent)
        from kg.outputs import mark_workspace

        mark_workspace(target.parent)
        started = time.perf_counter()
        try:
            self.say("  writing the import's graph")
            self._write_turtle(partial, triples)
            given, made = recorded_inputs(store, self.workspace)
            given = [i for i in given if i.graph != str(self.graph_iri)]
            given.append(Input(target, str(self.graph_iri), "workspace", source=partial))
            self.say("  storing and validating what it changes")
            try:
                store.update(given, recipe=made, before_publish=self._refuse_new_violations, progress=self.say)
            except ImportRefused:
                self._write_report(bad, claimed[1])  # the rows that could not be read: still worth knowing
                raise
            os.replace(partial, target)  # last but the report: the store holds it already
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        self._write_report(bad, claimed[1])
        result.validation_seconds = time.perf_counter() - started
        result.path = self.target

    def _write_turtle(self, path: Path, triples) -> None:
        """The import's Turtle file: its header, then the triples as pyoxigraph writes them
        (streamed), language tags in registered case."""
        import pyoxigraph as ox

        from kg.namespaces import PREFIXES
        from kg.store.tags import restore_tag_case

        # IRIs and blank nodes converted once (a few thousand are most of a million triples;
        # an IRI the generator gives again as the same object is found by identity, without
        # rdflib's __eq__). Literals, nearly all different, are converted each time: a cache
        # of them cost more (rdflib's Literal.__hash__ and __eq__) and held them all.
        nodes: dict = {}
        string = XSD.string

        def term(node):
            if isinstance(node, Literal):
                language = node.language
                if language:
                    return ox.Literal(node, language=language)
                return ox.Literal(node, datatype=term(node.datatype or string))
            found = nodes.get(node)
            if found is not None:
                return found
            found = ox.NamedNode(node) if isinstance(node, URIRef) else ox.BlankNode(node)
            if len(nodes) < 200_000:
                nodes[node] = found
            return found

        body = ox.serialize((ox.Triple(term(s), term(p), term(o)) for s, p, o in triples), None,
                            ox.RdfFormat.TURTLE, prefixes={p: str(ns) for p, ns in PREFIXES.items()})
        with open(path, "wb") as out:
            out.write(self._header().encode("utf-8"))
            out.write(restore_tag_case(body, "ttl"))
            out.flush()
            import os

            os.fsync(out.fileno())

    def _validated(self, draft, need_previous: bool = False):
        """Validate a new generation (what changed, from the previous generation's record;
        with ``need_previous`` the previous one validated first if it has none, else the new
        one whole) and record it beside it; returns (previous validation, this one)."""
        from kg.store.graph import StoreGraph
        from kg.validate import store as validation

        texts = self.texts if self.texts is not None else validation.project_texts()
        key = validation.validator_key()
        previous = None
        if draft.previous is not None:
            before = StoreGraph.of(draft.previous)
            previous = validation.from_record(before, draft.previous.record(validation.RECORD), key)
            if previous is None and need_previous:
                self.say("  validating the graph before the import (once: the result is kept)")
                previous = validation.validate(before, texts=texts)
                draft.owner.add_record(draft.previous, validation.RECORD, validation.to_record(previous, key))
        graph = StoreGraph.of(draft)
        changes = draft.changes
        touched = [*changes.added, *changes.changed]
        if previous is None or changes.rebuild:
            validated = validation.validate(graph, texts=texts)
        else:
            added = b"".join(draft.ntriples_path(i.graph).read_bytes() for i in touched)
            removed = b"".join(draft.previous.ntriples_path(g).read_bytes()
                               for g in [*changes.removed, *(i.graph for i in changes.changed)])
            validated = validation.validate_changes(graph, previous, added, removed, texts=texts,
                                                    touched={*(i.graph for i in touched), *changes.removed})
        draft.write_record(validation.RECORD, validation.to_record(validated, key))
        return previous, validated

    def _refuse_new_violations(self, draft) -> None:
        """Validate the new generation (:meth:`_validated`) and refuse it when it holds
        violations the previous one did not."""
        previous, validated = self._validated(draft, need_previous=True)
        # (violations(): a validation made from the record reads only its violations' lines)
        old = {_result_key(r) for r in previous.violations()} if previous is not None else set()
        new = [r for r in validated.violations() if _result_key(r) not in old]
        if new:
            from kg.validate.report import ValidationReport

            raise ImportRefused(ValidationReport(new, validated.report.shacl_graph))

    def _header(self) -> str:
        return (f"# county-kg import of {self.table.name} -> named graph <{self.graph_iri}>\n"
                f"# written by `kg import` at {self.now.isoformat()}; importing the same name again replaces this file.\n"
                f"{TABLE_LINE}{self._table_from_imports()}\n")

    def _turtle(self, graph: Graph) -> str:
        return self._header() + graph.serialize(format="turtle")

    def _table_from_imports(self) -> str:
        """The table's path relative to the imports folder (kg.outputs.source_text)."""
        return source_text(self.table, self.target)

    def claim_outputs(self) -> tuple[OutputFile, OutputFile]:
        """The import's Turtle file and its report, claimed (kg.outputs) in the claimed workspace."""
        header = [",".join(REPORT_HEADER)]
        imports = claim_workspace(self.workspace, "imports", header)
        return (claim_file(self.target, force=self.force, workspace=imports),
                claim_file(self.report_path, force=self.force, headers=header, workspace=imports))

    def _write_report(self, bad: list[BadRow], output: OutputFile) -> None:
        """The report, for a spreadsheet (kg.spreadsheet: byte order mark, no cell run as a formula)."""
        from kg.spreadsheet import table_text

        def rows():
            for item in bad:
                raw = io.StringIO()
                csv.writer(raw, lineterminator="").writerow(item.raw)
                yield [item.row, item.column, item.reason, raw.getvalue()]

        output.write_text(table_text(REPORT_HEADER, rows()), permissions=0o644)

    # -- validation --------------------------------------------------------------------------

    def validate(self, graph: Graph):
        """The project's shapes and checks over the new graph and what it references (the
        places with their parents, periods, indicators, units, the data structure, and the
        recorded statements of what it reaches), plus the observations of other graphs with the
        same indicator, place and period (conflicts)."""
        from kg.validate.report import validate_loaded

        base = self.base.data
        context = Graph()
        frontier = {o for o in graph.objects() if isinstance(o, URIRef)} | {s for s in graph.subjects() if isinstance(s, URIRef)}
        keys = {(graph.value(o, CKG.indicator), graph.value(o, SDMX_DIMENSION.refArea), graph.value(o, SDMX_DIMENSION.refPeriod))
                for o in graph.subjects(RDF.type, CKG.Observation)}
        for other in base.subjects(RDF.type, CKG.Observation):
            key = (base.value(other, CKG.indicator), base.value(other, SDMX_DIMENSION.refArea),
                   base.value(other, SDMX_DIMENSION.refPeriod))
            if key in keys:
                frontier.add(other)  # another graph's figure for the same key: checked for conflicts
        seen: set = set()
        while frontier:
            node = frontier.pop()
            if node in seen:
                continue
            seen.add(node)
            for s, p, o in base.triples((node, None, None)):
                context.add((s, p, o))
                if isinstance(o, (URIRef, BNode)) and p != RDF.type:
                    frontier.add(o)
            # a relation's recorded statement (stated by its quotes, or inferred) points at it
            frontier.update(base.subjects(RDF.subject, node))
        data = bind_prefixes(Graph())
        for triple in context:
            data.add(triple)
        for triple in graph:
            data.add(triple)
        shapes = self.shapes if self.shapes is not None else self.base.shapes
        loaded = Loaded(self.base.dataset, self.base.ontology, shapes, data, {self.graph_iri: self.target})
        return validate_loaded(loaded, quotes=False)


#: Lexical forms of the datatypes an import writes (XML Schema 1.1 Part 2): an import never
#: writes a literal outside them -- Oxigraph treats an ill-formed one as unbound, so the
#: observation would silently drop out of sums and comparisons.
LEXICAL_FORMS = {
    XSD.decimal: re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$"),
    XSD.integer: re.compile(r"^[+-]?\d+$"),
    XSD.date: re.compile(r"^-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(Z|[+-]\d{2}:\d{2})?$"),
    XSD.dateTime: re.compile(r"^-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d"
                             r"(\.\d+)?(Z|[+-]\d{2}:\d{2})?$"),
    XSD.gYear: re.compile(r"^-?\d{4,}(Z|[+-]\d{2}:\d{2})?$"),
    XSD.hexBinary: re.compile(r"^([0-9a-fA-F]{2})*$"),
}


class IllFormedLiteral(KgError):
    """The import built a literal whose lexical form its datatype does not allow."""


def check_literals(graph: Graph) -> None:
    """Raise :class:`IllFormedLiteral` naming the node and the value of the first typed literal
    of ``graph`` whose lexical form is not one of :data:`LEXICAL_FORMS` (``"5.8e8"^^xsd:decimal``)."""
    for _triple in checked_literals(graph):
        pass


def checked_literals(triples):
    """The triples of ``triples`` (any iterable of rdflib triples), passed on one at a time;
    raises :class:`IllFormedLiteral` at the first typed literal whose lexical form is not one of
    :data:`LEXICAL_FORMS`, before it is passed on."""
    for subject, predicate, obj in triples:
        if isinstance(obj, Literal) and obj.datatype in LEXICAL_FORMS and (
                not LEXICAL_FORMS[obj.datatype].match(str(obj)) or unrepresentable(str(obj), str(obj.datatype))):
            raise IllFormedLiteral(f"{subject} {predicate}: {str(obj)!r} is not a valid {obj.datatype.split('#')[-1]}; "
                                   f"nothing written")
        yield subject, predicate, obj


def _reported_key(place: Resolved) -> str:
    """The key of the division as the row named it (today's when it is the same)."""
    return place.matched.key if place.replaced else place.key


def _conflicting(first: _Row, second: _Row) -> bool:
    """Two figures that differ (value, unit or qualifier) for one indicator, place and period."""
    return (first.value.value, first.value.unit, first.value.qualifier) != \
        (second.value.value, second.value.unit, second.value.qualifier)


def _second_row_reason(first: _Row, second: _Row) -> str:
    """Why a second row of the same indicator, place and period is not imported: a duplicate
    when it gives the same figure, else a conflict naming both rows and both values as written
    (the rule of the conflicting-observation check, queries/checks/)."""
    if _conflicting(first, second):
        return (f"conflicts with row {first.number}: {quoted(second.reported)} here, {quoted(first.reported)} in row "
                f"{first.number} (imported), for the same indicator, place and period")
    return f"duplicate of row {first.number}: the same indicator, place, period and value"


def _two_divisions(first: _Row, second: _Row) -> bool:
    """Whether two rows of today's place for one period were reported for two divisions that
    were both in use in the period's last year (two districts of 2010 merged since); anything
    else -- the same division twice, or a division named as it was before or after that year
    (水富县 for 2022, 水富市 for 2015) -- may be one division. queries/checks/
    conflicting-observation-violation.rq applies the same rule to the graph."""
    year = first.period.year
    named = [row.place.matched if row.place.replaced else row.place.division for row in (first, second)]
    return (named[0].key != named[1].key
            and all(d.valid_from is not None and d.in_use(year) for d in named))


def _remove_abandoned(directory: Path) -> None:
    """Remove the hidden partial files of imports killed before they finished (their process
    is gone; this one holds the store's writer lock, so no other import is running)."""
    import os

    for path in directory.glob(".*.part.ttl"):
        try:
            pid = int(path.name.rsplit(".", 3)[-3])
        except (ValueError, IndexError):
            continue
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            path.unlink(missing_ok=True)
        except PermissionError:
            pass  # (alive, another user's)


def _result_key(result) -> tuple:
    return (str(result.focus), result.path, result.component, result.message, result.value)


def short_number(lexical: str, longest: int = 24) -> str:
    """An xsd:decimal ``lexical`` as a report line can show it: as it is up to ``longest``
    characters, else in scientific notation to six significant digits, "about" when rounded
    (``1`` and 408 zeros -> ``1e408``; a report line said the 409 digits; the cell itself
    is quoted as the user wrote it beside it)."""
    from decimal import Decimal

    if len(lexical) <= longest:
        return lexical
    mantissa, exponent = format(Decimal(lexical), ".5e").split("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    short = f"{mantissa}e{int(exponent)}"
    return short if Decimal(short) == Decimal(lexical) else f"about {short}"


def _has_unit(text: str) -> bool:
    try:
        return parse_value(text).unit is not None
    except ValueParseError:
        return False


def import_table(table: Path, **options) -> ImportResult:
    """Import ``table`` into the workspace; see :class:`Importer` for the options."""
    result, _graph = Importer(table, **options).run()
    return result
