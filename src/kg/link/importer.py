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
from kg.outputs import OutputFile, claim_file, claim_workspace
from kg.errors import KgError
from kg.link.gazetteer import to_simplified, to_traditional
from kg.link.resolve import PlaceResolver, Resolved
from kg.link.values import ValueParseError, decimal_lexical, detect_script, parse_value
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
        unknown = set(data.get("columns", {})) - set(FIELDS)
        if unknown:
            raise KgError(f"{path}: unknown column field(s) {', '.join(sorted(unknown))} (known: {', '.join(FIELDS)})")
        return cls({k: str(v) for k, v in data.get("columns", {}).items()},
                   {k: str(v) for k, v in data.get("defaults", {}).items()},
                   {str(k): {kk: str(vv) for kk, vv in v.items()} for k, v in data.get("indicators", {}).items()})

    def merged(self, columns: dict[str, str | None], defaults: dict[str, str | None]) -> ImportMapping:
        """This mapping with flags on top (a flag wins over the file)."""
        return ImportMapping({**self.columns, **{k: v for k, v in columns.items() if v}},
                             {**self.defaults, **{k: v for k, v in defaults.items() if v}}, dict(self.indicators))


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

    @property
    def partial(self) -> bool:
        return bool(self.bad_rows)

    @property
    def exit_code(self) -> int:
        return EXIT_PARTIAL if self.bad_rows else EXIT_OK

    @property
    def resolution_rate(self) -> float:
        return self.places_resolved / self.place_rows if self.place_rows else 1.0


class ImportRefused(KgError):
    """The import graph does not conform to the shapes; nothing was written."""

    def __init__(self, report):
        super().__init__(f"the imported graph does not conform: {len(report.violations)} violation(s); nothing written")
        self.report = report


# --- reading ------------------------------------------------------------------------------


def decode(data: bytes, encoding: str = "auto") -> tuple[str, str]:
    """Bytes -> (text, encoding name): UTF-8 with or without BOM, else GB18030."""
    if encoding != "auto":
        try:
            return data.decode(encoding).lstrip("\ufeff"), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise KgError(f"cannot decode the table as {encoding}: {exc}") from None
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise KgError(f"the table is neither UTF-8 nor GB18030 (byte {exc.start}); give --encoding") from None


def _key(text: str) -> str:
    return re.sub(r"\s+", "", to_simplified(unicodedata.normalize("NFKC", text or ""))).lower()


def read_table(text: str) -> list[list[str]]:
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


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
    missing = [f for f in ("place", "value") if f not in found]
    missing += [f for f in ("indicator", "period") if f not in found and not mapping.defaults.get(f)]
    if missing:
        raise KgError(f"the table has no {' and no '.join(missing)} column (header: {', '.join(header)}); "
                      f"name it with --{missing[0].replace('_', '-')} or in a mapping file, or give a default")
    return found


# --- periods ------------------------------------------------------------------------------

_HALVES = {"上半年": "H1", "下半年": "H2", "h1": "H1", "h2": "H2", "1-6月": "H1", "7-12月": "H2"}
_QUARTERS = {"一季度": 1, "第一季度": 1, "二季度": 2, "第二季度": 2, "三季度": 3, "第三季度": 3, "四季度": 4,
             "第四季度": 4, "q1": 1, "q2": 2, "q3": 3, "q4": 4, "1季度": 1, "2季度": 2, "3季度": 3, "4季度": 4}
_QUARTER_NAMES = {1: ("第一季度", "first quarter"), 2: ("第二季度", "second quarter"),
                  3: ("第三季度", "third quarter"), 4: ("第四季度", "fourth quarter")}
_QUARTER_ENDS = {1: "03-31", 2: "06-30", 3: "09-30", 4: "12-31"}


@dataclass(frozen=True)
class PeriodSpec:
    slug: str            # 2022, 2023-H1, 2023-Q1
    begin: str
    end: str
    label_zh: str
    label_en: str
    comment: str


def parse_period(text: str) -> PeriodSpec:
    raw = unicodedata.normalize("NFKC", text or "").strip()
    if not raw:
        raise ValueError("no period given")
    compact = re.sub(r"[\s_/]", "", to_simplified(raw)).lower()
    match = re.match(r"^(\d{4})(年度?|年末|年底)?(.*)$", compact)
    if not match or not 1949 <= int(match.group(1)) <= 2100:
        raise ValueError(f"cannot read the period {raw!r} (expected a year such as 2022, 2022年, 2023年上半年, 2023-Q1)")
    year, rest = match.group(1), match.group(3).lstrip("-")
    if not rest:
        return PeriodSpec(year, f"{year}-01-01", f"{year}-12-31", f"{year}年", year, "calendar year")
    if rest in _HALVES:
        half = _HALVES[rest]
        first = half == "H1"
        return PeriodSpec(f"{year}-{half}", f"{year}-01-01" if first else f"{year}-07-01",
                          f"{year}-06-30" if first else f"{year}-12-31",
                          f"{year}年{'上' if first else '下'}半年", f"{'first' if first else 'second'} half of {year}",
                          "half year")
    if rest in _QUARTERS:
        q = _QUARTERS[rest]
        zh, en = _QUARTER_NAMES[q]
        begin_month = f"{3 * q - 2:02d}"
        return PeriodSpec(f"{year}-Q{q}", f"{year}-{begin_month}-01", f"{year}-{_QUARTER_ENDS[q]}",
                          f"{year}年{zh}", f"{en} of {year}", "quarter")
    raise ValueError(f"cannot read the period {raw!r} (expected a year such as 2022, 2022年, 2023年上半年, 2023-Q1)")


# --- names and slugs ----------------------------------------------------------------------


def slugify(text: str) -> str:
    """Lower-case kebab-case ASCII; Chinese characters become pinyin syllables."""
    from pypinyin import lazy_pinyin

    words = []
    for part in lazy_pinyin(unicodedata.normalize("NFKC", text)):
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
    indicator: str
    period: PeriodSpec
    value: object
    reported: str
    citation: str | None


class _Indicators:
    """Indicator names -> IRIs: the mapping's, then existing indicators by label, else minted."""

    def __init__(self, base: Graph, mapping: ImportMapping, slug: str, source: URIRef, file_name: str):
        self.base, self.mapping, self.slug, self.source, self.file_name = base, mapping, slug, source, file_name
        self.by_label: dict[str, URIRef] = {}
        for indicator in base.subjects(RDF.type, CKG.Indicator):
            for predicate in (RDFS.label, SKOS.altLabel, SKOS.prefLabel):
                for label in base.objects(indicator, predicate):
                    self.by_label.setdefault(_key(str(label)), indicator)
        self.specs = {_key(k): v for k, v in mapping.indicators.items()}
        self.minted: dict[URIRef, dict] = {}
        self.resolved: dict[str, URIRef] = {}

    def get(self, text: str) -> URIRef:
        key = _key(text)
        if key in self.resolved:
            return self.resolved[key]
        spec = self.specs.get(key, {})
        if spec.get("iri"):
            from kg.query.engines import expand_iri

            iri = expand_iri(spec["iri"])
        elif key in self.by_label:
            iri = self.by_label[key]
        else:
            iri = self._mint(text, spec)
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


def romanise_phrase(text: str) -> str:
    """An English stand-in for an untranslated Chinese name: its pinyin, capitalised."""
    from pypinyin import lazy_pinyin

    words = " ".join(w for w in lazy_pinyin(text) if w.strip())
    return re.sub(r"\s+", " ", words).strip().capitalize() or text


def _label(graph: Graph, node, lang: str) -> str | None:
    for label in graph.objects(node, RDFS.label):
        if isinstance(label, Literal) and label.language == lang:
            return str(label)
    return None


class Importer:
    def __init__(self, table: Path, *, mapping: ImportMapping | None = None, name: str | None = None,
                 workspace: Path | None = None, report: Path | None = None, encoding: str = "auto",
                 now: datetime | None = None, base: Loaded | None = None, resolver: PlaceResolver | None = None,
                 shapes: Graph | None = None, force: bool = False):
        self.table = paths.input_file(table, "table")
        self.mapping = mapping or ImportMapping()
        self.slug = import_slug(self.table, name)
        self.workspace = Path(workspace) if workspace else default_workspace()
        self.target = self.workspace / "imports" / f"{self.slug}.ttl"
        self.report_path = Path(report) if report else self.workspace / "imports" / f"{self.slug}.report.csv"
        self.encoding = encoding
        self.force = force  # replace files kg cannot tell it wrote (kg.outputs)
        self.now = now or datetime.now(timezone.utc).replace(microsecond=0)
        self._base = base
        self.shapes = shapes  # None: the project's shapes
        self.resolver = resolver or PlaceResolver()
        self.graph_iri = GRAPH[f"import/{self.slug}"]
        self.source = SRC[f"import-{self.slug}"]
        self.dataset = DS[f"import-{self.slug}"]

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

    def run(self, *, write: bool = True) -> tuple[ImportResult, Graph]:
        claimed = self.claim_outputs() if write else None  # before any work: refused at once
        data = self.table.read_bytes()
        checksum = hashlib.sha256(data).hexdigest()
        text, encoding = decode(data, self.encoding)
        rows = read_table(text)
        header_index = next((i for i, r in enumerate(rows) if any(c.strip() for c in r)), None)
        if header_index is None:
            raise KgError(f"{self.table}: the table is empty")
        header = [unicodedata.normalize("NFKC", h).strip().lstrip("\ufeff") for h in rows[header_index]]
        columns = find_columns(header, self.mapping)
        file_script = detect_script(text) or "zh-Hant"

        base_graph = self.base.data
        indicators = _Indicators(base_graph, self.mapping, self.slug, self.source, self.table.name)
        good: list[_Row] = []
        bad: list[BadRow] = []
        methods: Counter = Counter()
        place_rows = resolved_places = 0
        data_rows = 0

        def cell(row: list[str], name: str) -> str:
            index = columns.get(name)
            return row[index].strip() if index is not None and index < len(row) else ""

        for number, row in enumerate(rows[header_index + 1:], start=header_index + 2):
            if not any(c.strip() for c in row):
                continue  # a blank line holds no data
            data_rows += 1
            if len(row) > len(header) and any(c.strip() for c in row[len(header):]):
                bad.append(BadRow(number, "", f"{len(row)} cells but the header has {len(header)}", row))
                continue
            place_text = cell(row, "place") or cell(row, "place_code")
            if place_text:
                place_rows += 1
            code_text = cell(row, "place_code")
            resolution = None
            if code_text and cell(row, "place"):
                resolution = self.resolver.resolve(code_text)
                if not isinstance(resolution, Resolved):
                    resolution = None
            if resolution is None:
                resolution = self.resolver.resolve(place_text, cell(row, "province"), cell(row, "prefecture"))
            if not isinstance(resolution, Resolved):
                bad.append(BadRow(number, "place", resolution.reason, row))
                continue
            resolved_places += 1
            methods[resolution.method.split(",")[0] + (", replaced" if resolution.replaced else "")
                    + (", parent" if "parent" in resolution.method else "")] += 1
            period_text = cell(row, "period") or self.mapping.defaults.get("period", "")
            try:
                period = parse_period(period_text)
            except ValueError as exc:
                bad.append(BadRow(number, "period", str(exc), row))
                continue
            indicator_text = cell(row, "indicator") or self.mapping.defaults.get("indicator", "")
            if not indicator_text:
                bad.append(BadRow(number, "indicator", "no indicator given", row))
                continue
            unit_text = cell(row, "unit") or self.mapping.defaults.get("unit")
            value_text = cell(row, "value")
            try:
                value = parse_value(value_text, unit_text or None)
            except ValueParseError as exc:
                bad.append(BadRow(number, "value" if "unit" not in str(exc) else "unit", str(exc), row))
                continue
            if value.unit is None:
                bad.append(BadRow(number, "unit", f"no unit: {value_text!r} has none and the table gives none "
                                                  f"(add a unit column or --default-unit)", row))
                continue
            reported = value_text + (cell(row, "unit") if cell(row, "unit") and value.reported == value_text
                                     and not _has_unit(value_text) else "")
            citation = cell(row, "source") or self.mapping.defaults.get("source")
            good.append(_Row(number, row, resolution, indicator_text, period, value, reported, citation))

        # One observation per indicator, place and period: a second row with the same key is reported.
        seen: dict[tuple, int] = {}
        unique: list[_Row] = []
        for item in good:
            key = (indicators.get(item.indicator), item.place.code, item.period.slug)
            if key in seen:
                bad.append(BadRow(item.number, "", f"duplicate of row {seen[key]}: the same indicator, place and period",
                                  item.raw))
                continue
            seen[key] = item.number
            unique.append(item)
        bad.sort(key=lambda b: b.row)

        graph = self._graph(unique, indicators, encoding, checksum, file_script, len(data))
        result = ImportResult(self.slug, self.graph_iri, None, self.report_path, encoding, data_rows,
                              len(unique), bad, place_rows, resolved_places, methods,
                              len(unique), checksum)
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
                claimed[0].remove()  # nothing importable: the previous import of this name goes too
        return result, graph

    # -- the graph ---------------------------------------------------------------------------

    def _graph(self, rows: list[_Row], indicators: _Indicators, encoding: str, checksum: str, script: str,
               size: int) -> Graph:
        g = bind_prefixes(Graph())
        base = self.base.data
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
            if not any(indicators.resolved.get(_key(r.indicator)) == iri for r in rows):
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
        # periods the project does not have yet
        for spec in {r.period.slug: r.period for r in rows}.values():
            period = PERIOD[spec.slug]
            if (period, RDF.type, CKG.Period) in base:
                continue
            g.add((period, RDF.type, CKG.Period))
            g.add((period, RDF.type, TIME.ProperInterval))
            for lang, text in (("zh-Hant", to_traditional(spec.label_zh)), ("zh-Hans", spec.label_zh), ("en", spec.label_en)):
                g.add((period, RDFS.label, Literal(text, lang=lang)))
            g.add((period, RDFS.comment, Literal(spec.comment, lang="en")))
            for predicate, day in ((TIME.hasBeginning, spec.begin), (TIME.hasEnd, spec.end)):
                instant = INSTANT[day]
                g.add((period, predicate, instant))
                if (instant, RDF.type, TIME.Instant) not in base:
                    g.add((instant, RDF.type, TIME.Instant))
                    g.add((instant, TIME.inXSDDate, Literal(day, datatype=XSD.date)))
        # observations
        for row in rows:
            indicator = indicators.resolved[_key(row.indicator)]
            place = URIRef(row.place.iri)
            period = PERIOD[row.period.slug]
            iri = OBS[f"{self.slug}-{row.place.code}-{indicator.split('/')[-1]}-{row.period.slug.lower()}"]
            g.add((iri, RDF.type, CKG.Observation))
            g.add((iri, RDF.type, QB.Observation))
            g.add((iri, QB.dataSet, self.dataset))
            g.add((iri, CKG.indicator, indicator))
            g.add((iri, SDMX_DIMENSION.refArea, place))
            g.add((iri, SDMX_DIMENSION.refPeriod, period))
            g.add((iri, SDMX_MEASURE.obsValue, Literal(decimal_lexical(row.value.value), datatype=XSD.decimal)))
            g.add((iri, SDMX_ATTRIBUTE.unitMeasure, row.value.unit))
            g.add((iri, CKG.valueQualifier, row.value.qualifier))
            g.add((iri, CKG.reportedValue, Literal(row.reported, lang=detect_script(row.reported) or script)))
            g.add((iri, DCTERMS.source, self.source))
            if row.citation:
                g.add((iri, DCTERMS.bibliographicCitation,
                       Literal(row.citation, lang=detect_script(row.citation) or script)))
            labels = {}
            for lang in ("zh-Hans", "zh-Hant", "en"):
                place_label = _label(base, place, lang) or row.place.division.name
                indicator_label = _label(base, indicator, lang) or _label(g, indicator, lang) or row.indicator
                period_label = _label(base, period, lang) or _label(g, period, lang) or row.period.slug
                labels[lang] = (f"{place_label}, {period_label}: {indicator_label}" if lang == "en"
                                else f"{place_label}{period_label}{indicator_label}")
                g.add((iri, RDFS.label, Literal(labels[lang], lang=lang)))
        return g

    def _turtle(self, graph: Graph) -> str:
        header = (f"# county-kg import of {self.table.name} -> named graph <{self.graph_iri}>\n"
                  f"# written by `kg import` at {self.now.isoformat()}; importing the same name again replaces this file.\n")
        return header + graph.serialize(format="turtle")

    def claim_outputs(self) -> tuple[OutputFile, OutputFile]:
        """The import's Turtle file and its report, claimed (kg.outputs) in the claimed workspace."""
        header = [",".join(REPORT_HEADER)]
        imports = claim_workspace(self.workspace, "imports", header)
        return (claim_file(self.target, force=self.force, workspace=imports),
                claim_file(self.report_path, force=self.force, headers=header, workspace=imports))

    def _write_report(self, bad: list[BadRow], output: OutputFile) -> None:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(REPORT_HEADER)
        for item in bad:
            raw = io.StringIO()
            csv.writer(raw, lineterminator="").writerow(item.raw)
            writer.writerow([item.row, item.column, item.reason, raw.getvalue()])
        output.write_text(out.getvalue(), permissions=0o644)

    # -- validation --------------------------------------------------------------------------

    def validate(self, graph: Graph):
        """The project's shapes and checks over the new graph and what it references (the
        places with their parents, periods, indicators, units, the data structure), plus the
        observations of other graphs with the same indicator, place and period (conflicts)."""
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
        data = bind_prefixes(Graph())
        for triple in context:
            data.add(triple)
        for triple in graph:
            data.add(triple)
        shapes = self.shapes if self.shapes is not None else self.base.shapes
        loaded = Loaded(self.base.dataset, self.base.ontology, shapes, data, {self.graph_iri: self.target})
        return validate_loaded(loaded, quotes=False)


def _has_unit(text: str) -> bool:
    try:
        return parse_value(text).unit is not None
    except ValueParseError:
        return False


def import_table(table: Path, **options) -> ImportResult:
    """Import ``table`` into the workspace; see :class:`Importer` for the options."""
    result, _graph = Importer(table, **options).run()
    return result
