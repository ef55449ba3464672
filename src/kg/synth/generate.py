"""Synthetic county graphs: the project's model at nationwide scale, for benchmarks and tests.

``synthesize(counties, seed)`` describes ``counties`` real county-level divisions (statistical
division codes from ``data/reference/admin-divisions``, spread evenly over the country; 2,978
gives all of them) the way the curated data describes Shuifu: per county

- the division itself (code, notation, parent prefecture, which is described too),
- a synthetic news report (``schema:NewsArticle``) and its cleaned Traditional text
  (``ckg:SourceText``), which every fact quotes with Web Annotation selectors,
- the county government and Party committee,
- two policy instruments (a strategy with two components, a campaign),
- three programs (one a ``ckg:Project``) with their responsible bodies, periods, places and
  themes, implementing the policies and producing four results,
- nine observations of three of the project's indicators over three periods, with units,
  value qualifiers, reported values and a per-county Data Cube data set,
- one designation conferred by the provincial government;

about 350 triples per county, so all divisions give about a million. The graph *references*
the project's shared resources (themes, periods, units, indicators, the data structure
definition, the division-code gazetteer, ``place:CN``): it is meant to be validated and queried
together with the project's curated data, like any imported county table. Divisions the
project already describes (Shuifu and its parents) are not described again, and an
observation the project already has (same indicator, place and period) is not generated.

The output is deterministic: a county's content depends only on ``seed`` and its code, so a
county's triples are the same whichever other counties are generated with it, and each county
can be written to its own named graph (``graph_name``). ``violations=K`` injects K known SHACL
violations of different kinds (:data:`VIOLATION_KINDS`), each producing exactly one SHACL
result; :func:`planned_violations` says which.

Lines are produced as N-Triples (or N-Quads) text directly, never through an rdflib graph, so
a million triples are written in seconds.
"""

from __future__ import annotations

import csv
import random
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kg import paths
from kg.errors import KgError
from kg.outputs import claim_file, generator_comment
from kg.words import counted

BASE = "https://w3id.org/county-kg/"
ID = BASE + "id/"
CKG = BASE + "ontology#"
GRAPH = BASE + "graph/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
ORG = "http://www.w3.org/ns/org#"
QB = "http://purl.org/linked-data/cube#"
OA = "http://www.w3.org/ns/oa#"
SCHEMA = "https://schema.org/"
PROV = "http://www.w3.org/ns/prov#"
SDMX_DIM = "http://purl.org/linked-data/sdmx/2009/dimension#"
SDMX_MEAS = "http://purl.org/linked-data/sdmx/2009/measure#"
SDMX_ATTR = "http://purl.org/linked-data/sdmx/2009/attribute#"
UNIT = "http://qudt.org/vocab/unit/"
SH = "http://www.w3.org/ns/shacl#"

TOTAL_COUNTIES = 2978  # rows of data/reference/admin-divisions/areas.csv

# Prefixes for Turtle output (the project's own, as in kg.namespaces).
TURTLE_PREFIXES = {
    "ckg": CKG, "place": ID + "place/", "agent": ID + "agent/", "pol": ID + "policy/",
    "prog": ID + "program/", "res": ID + "result/", "obs": ID + "observation/", "ind": ID + "indicator/",
    "period": ID + "period/", "theme": ID + "theme/", "cunit": ID + "unit/", "src": ID + "source/",
    "ds": ID + "dataset/", "org": ORG, "qb": QB, "sdmx-dimension": SDMX_DIM, "sdmx-measure": SDMX_MEAS,
    "sdmx-attribute": SDMX_ATTR, "unit": UNIT, "schema": SCHEMA, "oa": OA, "rdf": RDF, "rdfs": RDFS,
    "xsd": XSD, "skos": SKOS, "dcterms": DCT, "prov": PROV,
}

# -- terms, written once as N-Triples text ------------------------------------------------------


def iri(value: str) -> str:
    return f"<{value}>"


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def lit(text: str, lang: str | None = None, datatype: str | None = None) -> str:
    body = '"' + str(text).translate(_ESCAPES) + '"'
    if lang:
        return f"{body}@{lang}"
    if datatype and datatype != XSD + "string":
        return f"{body}^^<{datatype}>"
    return body


A = iri(RDF + "type")
LABEL = iri(RDFS + "label")
EVIDENCE = iri(CKG + "evidence")
THEME = iri(CKG + "theme")
NBS = iri(ID + "source/nbs-division-codes-2023")
SYNTH_DATASET = iri(ID + "source/synthetic-county-reports")
PUBLISHER = iri(ID + "agent/synthetic-county-news")
DSD = iri(ID + "dataset/county-indicators-dsd")
CN = iri(ID + "place/CN")


def place(code: str) -> str:
    return iri(f"{ID}place/{code}")


def theme(name: str) -> str:
    return iri(f"{ID}theme/{name}")


def period(name: str) -> str:
    return iri(f"{ID}period/{name}")


def graph_name(code: str) -> str:
    """The named graph (IRI text, without brackets) one county is written to with ``graphs=True``."""
    return f"{GRAPH}synth/{code}"


# -- the divisions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Division:
    code: str
    hans: str
    hant: str
    parent: str | None  # code of the parent division (None: the country)


@dataclass(frozen=True)
class Divisions:
    counties: tuple[Division, ...]
    prefectures: dict[str, Division]
    provinces: dict[str, Division]


@cache
def _s2t():
    import opencc  # a dependency of the project (source cleaning)

    return opencc.OpenCC("s2t")


def _read(name: str) -> list[dict[str, str]]:
    path = paths.data_dir() / "reference" / "admin-divisions" / name
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def divisions() -> Divisions:
    """All county-level divisions with their prefectures and provinces, in code order."""
    convert = _s2t().convert

    def division(row: dict[str, str], parent: str | None) -> Division:
        return Division(row["code"], row["name"], convert(row["name"]), parent)

    provinces = {r["code"]: division(r, None) for r in _read("provinces.csv")}
    prefectures = {r["code"]: division(r, r["provinceCode"]) for r in _read("cities.csv")}
    counties = tuple(sorted((division(r, r["cityCode"]) for r in _read("areas.csv")), key=lambda d: d.code))
    return Divisions(counties, prefectures, provinces)


def pick(count: int) -> list[Division]:
    """``count`` counties spread evenly over the code list (so every province appears early);
    ``count`` >= the number of divisions gives all of them."""
    every = divisions().counties
    if count < 1:
        raise KgError("--counties must be at least 1")
    if count >= len(every):
        return list(every)
    return [every[(i * len(every)) // count] for i in range(count)]


# -- what the project already has ---------------------------------------------------------------


@dataclass(frozen=True)
class ProjectContext:
    places: frozenset[str]  # place IRIs the base data describes
    observed: frozenset[tuple[str, str, str]]  # (indicator, place, period) IRIs already observed


def curated_files() -> list[Path]:
    """The hand-curated data (core, sources, themes) without generated reference data such as
    the gazetteer: the base the benchmarks and tests merge synthetic counties with."""
    data = paths.data_dir()
    return [*sorted((data / "core").glob("*.ttl")), *sorted((data / "sources").glob("*.ttl")),
            *sorted((data / "themes").glob("*.ttl"))]


def default_base() -> list[Path]:
    """The files a synthetic graph is merged with by default: the project's data files."""
    from kg.store.load import data_files

    return data_files()


def project_context(base: Iterable[Path | str] | None = None) -> ProjectContext:
    """What the ``base`` files (default: the project's data files) already describe: divisions
    and observations, which the synthetic graph then leaves out. Read with pyoxigraph."""
    files = tuple(sorted(str(Path(p).resolve()) for p in (default_base() if base is None else base)))
    return _context(files)


@cache
def _context(files: tuple[str, ...]) -> ProjectContext:
    import pyoxigraph as ox

    from kg.store.oxigraph import load_file

    store = ox.Store()
    for path in files:
        load_file(store, Path(path))
    places = frozenset(r["s"].value for r in store.query(
        f"SELECT DISTINCT ?s WHERE {{ ?s a ?t FILTER(STRSTARTS(STR(?s), '{ID}place/')) }}"))
    observed = frozenset((r["i"].value, r["a"].value, r["p"].value) for r in store.query(
        f"SELECT ?i ?a ?p WHERE {{ ?o <{CKG}indicator> ?i ; <{SDMX_DIM}refArea> ?a ; <{SDMX_DIM}refPeriod> ?p }}"))
    return ProjectContext(places, observed)


# -- the content of one county -----------------------------------------------------------------

# The project's indicators the synthetic observations report, with their unit, theme, how a
# value is written and the range of values drawn (in the written unit).
@dataclass(frozen=True)
class IndicatorSpec:
    local: str
    unit: str
    theme: str
    name_hant: str
    written_unit: str  # 億元, 萬人次
    factor: int  # base units per written unit
    low: float
    high: float


INDICATORS = (
    IndicatorSpec("gdp", UNIT + "CCY_CNY", "economy", "地區生產總值", "億元", 100_000_000, 40.0, 900.0),
    IndicatorSpec("agricultural-comprehensive-output-value", UNIT + "CCY_CNY", "agriculture", "農業綜合產值", "億元",
                  100_000_000, 5.0, 120.0),
    IndicatorSpec("tourist-visits", ID + "unit/person-visit", "tourism", "接待遊客", "萬人次", 10_000, 20.0, 1500.0),
)
PERIODS = (("2020", "2020年"), ("2022", "2022年"), ("2023-H1", "2023年上半年"))

# Two kinds of county-level policies and the programs that implement them.
POLICY_NAMES = (
    ("county-industry-strategy", "Strategy", "industry", "“一縣一業”產業發展戰略", "“一县一业”产业发展战略",
     "one county, one industry development strategy"),
    ("rural-revitalization-campaign", "Campaign", "agriculture", "鄉村振興攻堅行動", "乡村振兴攻坚行动",
     "rural revitalization campaign"),
)
COMPONENTS = (
    ("leading-industry", "做強主導產業", "做强主导产业", "strengthening the leading industry"),
    ("industrial-park", "建設產業園區", "建设产业园区", "building the industrial park"),
)


@dataclass
class CountyFacts:
    """The numbers and the text one county's triples are built from (drawn from the seed)."""

    county: Division
    values: list[list[tuple[float, bool]]]  # per indicator, per period: (written value, lower bound?)
    text: str
    quotes: list[tuple[int, int]]  # (start, end) of each sentence


def _written(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _reported(spec: IndicatorSpec, value: float, lower: bool) -> str:
    return ("突破" if lower else "") + _written(value) + spec.written_unit


def county_facts(county: Division, seed: int) -> CountyFacts:
    rng = random.Random(f"county-kg-synth/{seed}/{county.code}")
    values = []
    for spec in INDICATORS:
        base = rng.uniform(spec.low, spec.high)
        row = []
        for _ in PERIODS:
            base *= rng.uniform(0.95, 1.15)
            row.append((round(base, 2), rng.random() < 0.15))
        values.append(row)
    name = county.hant
    # Each sentence names every resource its facts link to (policy, body, period, result), as
    # a stated relation needs (queries/checks/unsupported-statement-violation.rq).
    sentences = [
        f"{name}委、{name}人民政府實施{POLICY_NAMES[0][3]},聚焦{COMPONENTS[0][1]}和{COMPONENTS[1][1]},並開展{POLICY_NAMES[1][3]}。",
        (f"2022年,{name}人民政府落實{name}{POLICY_NAMES[0][3]},推進主導產業提質增效和產業園區建設,"
         f"{name}產業園區基礎設施建成,{name}經濟總量穩步增長。"),
        (f"2022年,{name}委落實{name}{POLICY_NAMES[1][3]},持續推進鄉村振興重點項目,{name}建成高標準農田,"
         f"{name}農業綜合產值提升;2023年上半年,{name}人民政府推進{name}農產品加工園區建設項目。"),
        f"2022年,{name}被{_province_of(county).hant}人民政府命名為省級鄉村振興示範縣。",
    ]
    outcomes = ("經濟總量穩步增長", "農業綜合產值提升", "農產品加工園區建設項目帶動遊客增長")
    for spec, row, outcome in zip(INDICATORS, values, outcomes):
        parts = "、".join(_reported(spec, v, lower) for v, lower in row)
        sentences.append(f"2020年、2022年和2023年上半年,{name}{spec.name_hant}分別為{parts},{name}{outcome}。")
    text, quotes = "", []
    for sentence in sentences:
        quotes.append((len(text), len(text) + len(sentence)))
        text += sentence
    return CountyFacts(county, values, text, quotes)


def _province_of(county: Division) -> Division:
    d = divisions()
    return d.provinces[d.prefectures[county.parent].parent]


def source_key(code: str, seed: int) -> str:
    return f"synth-s{seed}-{code}"


_SOURCE = re.compile(r"^" + re.escape(ID) + r"source/synth-s(\d+)-(\d{6})-zh-Hant$")


def source_text(text_iri: str) -> str | None:
    """The synthetic source text a ``src:synth-s<seed>-<code>-zh-Hant`` IRI names (regenerated
    from the seed and code), or None for any other IRI: quotes are checked against it."""
    match = _SOURCE.match(str(text_iri))
    if not match:
        return None
    county = _county_by_code().get(match.group(2))
    return None if county is None else county_facts(county, int(match.group(1))).text


class SourceTexts(dict):
    """Source texts by text IRI (a dict of known texts) that also regenerates, on lookup, the
    synthetic texts :func:`source_text` knows; a KeyError for any other IRI."""

    def __missing__(self, text_iri: str) -> str:
        text = source_text(text_iri)
        if text is None:
            raise KeyError(text_iri)
        self[text_iri] = text
        return text


@cache
def _county_by_code() -> dict[str, Division]:
    return {c.code: c for c in divisions().counties}


# -- violations ----------------------------------------------------------------------------------

# Each kind breaks one rule of the shapes in one place and produces exactly one SHACL result:
# kind -> (what, constraint component, result path as kg.validate shows it, source shape).
VIOLATION_KINDS: dict[str, tuple[str, str, str | None, str]] = {
    "label-missing": ("a program without its English label", "QualifiedMinCountConstraintComponent",
                      "rdfs:label", "Labelled-label-en"),
    "datatype": ("an observation value typed xsd:integer", "DatatypeConstraintComponent",
                 "sdmx-measure:obsValue", "Observation-obsValue"),
    "max-count": ("an observation with two units", "MaxCountConstraintComponent",
                  "sdmx-attribute:unitMeasure", "Observation-unitMeasure"),
    "class": ("a program whose responsible organization is a place", "ClassConstraintComponent",
              "ckg:responsibleOrganization", "Responsible-responsibleOrganization"),
    "language-in": ("a reported value tagged @en", "LanguageInConstraintComponent",
                    "ckg:reportedValue", "Observation-reportedValue"),
    "in": ("an observation qualified by an administrative level", "InConstraintComponent",
           "ckg:valueQualifier", "Observation-valueQualifier"),
    "min-count": ("a result without evidence", "MinCountConstraintComponent", "ckg:evidence",
                  "Evidenced-evidence"),
    "max-length": ("a quote prefix of nine characters", "MaxLengthConstraintComponent", "oa:prefix",
                   "TextQuoteSelector-prefix"),
    "pattern": ("a program IRI with capitals", "PatternConstraintComponent", None, "ProgramShape"),
    "min-inclusive": ("a component at position 0", "MinInclusiveConstraintComponent", "ckg:position",
                      "Component-position"),
    "qualified-max-count": ("a policy with two English labels", "QualifiedMaxCountConstraintComponent",
                            "rdfs:label", "Labelled-label-en"),
}
_KIND_NAMES = tuple(VIOLATION_KINDS)


@dataclass(frozen=True)
class Injected:
    kind: str
    county: str  # division code
    focus: str  # IRI of the focus node
    path: str | None  # compact IRI
    component: str  # full IRI of the constraint component
    shape: str  # full IRI of the source shape


def _plan(chosen: list[Division], violations: int, known: ProjectContext) -> dict[str, list[str]]:
    if violations < 0:
        raise KgError("--violations must be 0 or more")
    if not violations:
        return {}
    # Counties the base data already has figures for (Shuifu) may lack some synthetic observations.
    observed = {area for _indicator, area, _period in known.observed}
    chosen = [c for c in chosen if place(c.code)[1:-1] not in observed]
    limit = len(chosen) * len(_KIND_NAMES)
    if violations > limit:
        raise KgError(f"at most {counted(limit, 'violation')} fit in {counted(len(chosen), 'county')} ({len(_KIND_NAMES)} kinds each)")
    plan: dict[str, list[str]] = {}
    for i in range(violations):
        county = chosen[i % len(chosen)]
        kinds = plan.setdefault(county.code, [])
        # the i-th violation is the next kind this county has not had yet, starting at i's own
        offset = i % len(_KIND_NAMES)
        for step in range(len(_KIND_NAMES)):
            kind = _KIND_NAMES[(offset + step) % len(_KIND_NAMES)]
            if kind not in kinds:
                kinds.append(kind)
                break
    return plan


def _focus_of(kind: str, code: str) -> str:
    prog, obs, res = f"{ID}program/synth-{code}-", f"{ID}observation/synth-{code}-", f"{ID}result/synth-{code}-"
    return {
        "label-missing": prog + "industrial-upgrading",
        "datatype": obs + "gdp-2020",
        "max-count": obs + "gdp-2022",
        "class": prog + "rural-revitalization",
        "language-in": obs + "tourist-visits-2020",
        "in": obs + "tourist-visits-2022",
        "min-count": res + "park-infrastructure",
        "max-length": f"{ID}quote/synth-s{{seed}}-{code}/{{quote}}-text",
        "pattern": prog + "Agricultural-Park-Project",
        "min-inclusive": f"{ID}policy/synth-{code}-county-industry-strategy-industrial-park",
        "qualified-max-count": f"{ID}policy/synth-{code}-rural-revitalization-campaign",
    }[kind]


def planned_violations(counties: int, seed: int, violations: int, *, base: Iterable[Path | str] | None = None
                       ) -> list[Injected]:
    """The violations ``synthesize(counties, seed, violations, base=base)`` injects, one SHACL
    result each."""
    chosen = pick(counties)
    by_code = {c.code: c for c in chosen}
    found = []
    for code, kinds in _plan(chosen, violations, project_context(base)).items():
        for kind in kinds:
            _what, component, path, shape = VIOLATION_KINDS[kind]
            focus = _focus_of(kind, code)
            if kind == "max-length":
                start, end = county_facts(by_code[code], seed).quotes[0]
                focus = focus.format(seed=seed, quote=f"{start}-{end}")
            found.append(Injected(kind, code, focus, path, SH + component, BASE + "shapes#" + shape))
    return found


# -- writing a county ------------------------------------------------------------------------------


class _Emitter:
    """Collects (subject, predicate, object) N-Triples terms, one subject after another."""

    def __init__(self):
        self.triples: list[tuple[str, str, str]] = []

    def add(self, s: str, p: str, o: str) -> None:
        self.triples.append((s, p, o))

    def labels(self, s: str, hant: str, hans: str, en: str) -> None:
        self.triples += [(s, LABEL, lit(hant, "zh-Hant")), (s, LABEL, lit(hans, "zh-Hans")), (s, LABEL, lit(en, "en"))]


def _division_triples(out: _Emitter, d: Division, level: str, parent: str, en: str) -> None:
    s = place(d.code)
    out.add(s, A, iri(CKG + level))
    out.labels(s, d.hant, d.hans, en)
    out.add(s, iri(CKG + "divisionCode"), lit(d.code))
    out.add(s, iri(SKOS + "notation"), lit(d.code, datatype=CKG + "DivisionCode"))
    out.add(s, iri(CKG + "parentDivision"), parent)
    out.add(s, iri(DCT + "source"), NBS)


def _shared_triples(out: _Emitter) -> None:
    """Described once per synthetic graph: the synthetic publisher and its data set."""
    out.add(SYNTH_DATASET, A, iri(SCHEMA + "Dataset"))
    out.labels(SYNTH_DATASET, "合成縣域報道", "合成县域报道", "synthetic county reports (generated by kg synth)")
    out.add(SYNTH_DATASET, iri(DCT + "publisher"), lit("county-kg"))
    out.add(PUBLISHER, A, iri(CKG + "MediaOrganization"))
    out.add(PUBLISHER, A, iri(ORG + "Organization"))
    out.labels(PUBLISHER, "合成縣域新聞", "合成县域新闻", "Synthetic County News")
    out.add(PUBLISHER, iri(CKG + "jurisdiction"), CN)
    out.add(PUBLISHER, iri(DCT + "source"), SYNTH_DATASET)


def _province_triples(out: _Emitter, prov: Division, known: frozenset[str]) -> None:
    if place(prov.code)[1:-1] not in known:
        _division_triples(out, prov, "Province", CN, f"Province-level division {prov.code}")
    gov = iri(f"{ID}agent/synth-{prov.code}-government")
    out.add(gov, A, iri(CKG + "GovernmentBody"))
    out.add(gov, A, iri(ORG + "Organization"))
    out.labels(gov, f"{prov.hant}人民政府", f"{prov.hans}人民政府", f"People's Government of division {prov.code}")
    out.add(gov, iri(CKG + "jurisdiction"), place(prov.code))
    out.add(gov, iri(DCT + "source"), SYNTH_DATASET)


def _county_triples(out: _Emitter, facts: CountyFacts, seed: int, known: ProjectContext,
                    inject: list[str]) -> None:
    county = facts.county
    code, hant, hans = county.code, county.hant, county.hans
    key = source_key(code, seed)
    quote_ns = f"{ID}quote/{key}/"
    quotes = [iri(f"{quote_ns}{start}-{end}") for start, end in facts.quotes]
    q_policy, q_industry, q_rural, q_designation = quotes[:4]
    q_values = quotes[4:]
    here = place(code)
    en = f"county-level division {code}"

    if here[1:-1] not in known.places:
        _division_triples(out, county, "CountyLevelDivision", place(county.parent), f"County-level division {code}")

    # the report and its text
    article, text = iri(f"{ID}source/{key}"), iri(f"{ID}source/{key}-zh-Hant")
    out.add(article, A, iri(SCHEMA + "NewsArticle"))
    out.labels(article, f"{hant}年度工作報道(合成)", f"{hans}年度工作报道(合成)", f"synthetic annual report on {en}")
    out.add(article, iri(DCT + "issued"), lit("2023-08-22T09:00:00+08:00", datatype=XSD + "dateTime"))
    out.add(article, iri(DCT + "language"), lit("zh-Hant", datatype=XSD + "language"))
    out.add(article, iri(DCT + "publisher"), PUBLISHER)
    out.add(text, A, iri(CKG + "SourceText"))
    out.labels(text, "報道正文(繁體)", "报道正文(繁体)", "report text (Traditional characters)")
    out.add(text, iri(DCT + "isVersionOf"), article)
    out.add(text, iri(DCT + "language"), lit("zh-Hant", datatype=XSD + "language"))
    out.add(text, iri(SCHEMA + "contentSize"), lit(str(len(facts.text)), datatype=XSD + "integer"))

    # quotes: every sentence of the text
    for n, ((start, end), quote) in enumerate(zip(facts.quotes, quotes)):
        sel_text, sel_pos = iri(f"{quote_ns}{start}-{end}-text"), iri(f"{quote_ns}{start}-{end}-position")
        out.add(quote, A, iri(CKG + "Quote"))
        out.add(quote, iri(OA + "hasSource"), text)
        out.add(quote, iri(OA + "hasSelector"), sel_text)
        out.add(quote, iri(OA + "hasSelector"), sel_pos)
        prefix = facts.text[max(0, start - 8):start]
        if n == 0 and "max-length" in inject:
            prefix = "(合成報道正文開頭)"  # nine characters: oa:prefix allows eight
        out.add(sel_text, A, iri(OA + "TextQuoteSelector"))
        out.add(sel_text, iri(OA + "exact"), lit(facts.text[start:end], "zh-Hant"))
        out.add(sel_text, iri(OA + "prefix"), lit(prefix, "zh-Hant"))
        out.add(sel_text, iri(OA + "suffix"), lit(facts.text[end:end + 8], "zh-Hant"))
        out.add(sel_pos, A, iri(OA + "TextPositionSelector"))
        out.add(sel_pos, iri(OA + "start"), lit(str(start), datatype=XSD + "integer"))
        out.add(sel_pos, iri(OA + "end"), lit(str(end), datatype=XSD + "integer"))

    # organizations
    gov, party = iri(f"{ID}agent/synth-{code}-government"), iri(f"{ID}agent/synth-{code}-party-committee")
    for agent, kind, suffix_hant, suffix_hans, en_name in (
            (gov, "GovernmentBody", "人民政府", "人民政府", "People's Government of"),
            (party, "PartyOrganization", "委", "委", "CPC Committee of")):
        out.add(agent, A, iri(CKG + kind))
        out.add(agent, A, iri(ORG + "Organization"))
        out.labels(agent, f"{hant}{suffix_hant}", f"{hans}{suffix_hans}", f"{en_name} {en}")
        out.add(agent, iri(CKG + "jurisdiction"), here)
        out.add(agent, EVIDENCE, q_policy)

    # policies and components
    policies = []
    for n, (slug, kind, theme_name, p_hant, p_hans, p_en) in enumerate(POLICY_NAMES):
        pol = iri(f"{ID}policy/synth-{code}-{slug}")
        policies.append(pol)
        out.add(pol, A, iri(CKG + kind))
        out.labels(pol, f"{hant}{p_hant}", f"{hans}{p_hans}", f"{p_en} of {en}")
        if n == 1 and "qualified-max-count" in inject:
            out.add(pol, LABEL, lit(f"{p_en} ({code})", "en"))
        out.add(pol, iri(CKG + "responsibleOrganization"), party)
        out.add(pol, THEME, theme(theme_name))
        out.add(pol, EVIDENCE, q_policy)
        if n == 0:
            for position, (c_slug, c_hant, c_hans, c_en) in enumerate(COMPONENTS, 1):
                comp = iri(f"{ID}policy/synth-{code}-{slug}-{c_slug}")
                out.add(pol, iri(CKG + "hasComponent"), comp)
                out.add(comp, A, iri(CKG + "Component"))
                out.labels(comp, c_hant, c_hans, c_en)
                if c_slug == "industrial-park" and "min-inclusive" in inject:
                    position = 0
                out.add(comp, iri(CKG + "position"), lit(str(position), datatype=XSD + "integer"))
                out.add(comp, EVIDENCE, q_policy)

    # programs and results
    def result(slug: str, kind: str, r_hant: str, r_hans: str, r_en: str, theme_name: str, quote: str,
               when: str | None) -> str:
        res = iri(f"{ID}result/synth-{code}-{slug}")
        out.add(res, A, iri(CKG + kind))
        out.labels(res, f"{hant}{r_hant}", f"{hans}{r_hans}", f"{r_en} in {en}")
        out.add(res, iri(CKG + "location"), here)
        if when:
            out.add(res, iri(CKG + "period"), period(when))
        out.add(res, THEME, theme(theme_name))
        if not (slug == "park-infrastructure" and "min-count" in inject):
            out.add(res, EVIDENCE, quote)
        return res

    def program(slug: str, kind: str, p_hant: str, p_hans: str, p_en: str, policy: str, body: str,
                theme_name: str, when: str, quote: str, results: list[str]) -> str:
        prog = iri(f"{ID}program/synth-{code}-{slug}")
        out.add(prog, A, iri(CKG + kind))
        labels = (f"{hant}{p_hant}", f"{hans}{p_hans}", f"{p_en} in {en}")
        out.add(prog, LABEL, lit(labels[0], "zh-Hant"))
        out.add(prog, LABEL, lit(labels[1], "zh-Hans"))
        if not (slug == "industrial-upgrading" and "label-missing" in inject):
            out.add(prog, LABEL, lit(labels[2], "en"))
        out.add(prog, iri(CKG + "implements"), policy)
        out.add(prog, iri(CKG + "responsibleOrganization"), here if slug == "rural-revitalization" and "class" in inject else body)
        out.add(prog, iri(CKG + "location"), here)
        out.add(prog, iri(CKG + "period"), period(when))
        out.add(prog, THEME, theme(theme_name))
        for res in results:
            out.add(prog, iri(CKG + "producesResult"), res)
        out.add(prog, EVIDENCE, quote)
        return prog

    output = result("economic-output", "Outcome", "經濟總量穩步增長", "经济总量稳步增长", "steady growth of economic output",
                    "economy", q_values[0], None)
    park = result("park-infrastructure", "Output", "產業園區基礎設施建成", "产业园区基础设施建成",
                  "industrial park infrastructure completed", "industry", q_industry, "2022")
    farmland = result("high-standard-farmland", "Output", "建成高標準農田", "建成高标准农田", "high-standard farmland built",
                      "agriculture", q_rural, "2022")
    farm_output = result("agricultural-output", "Outcome", "農業綜合產值提升", "农业综合产值提升",
                         "higher agricultural output value", "agriculture", q_values[1], None)
    program("industrial-upgrading", "Program", "主導產業提質增效", "主导产业提质增效",
                         "upgrading the leading industry", policies[0], gov, "industry", "2022", q_industry,
                         [output, park])
    program("rural-revitalization", "Program", "鄉村振興重點項目推進", "乡村振兴重点项目推进",
                    "key rural revitalization projects", policies[1], party, "agriculture", "2022", q_rural,
                    [farmland, farm_output])
    project_slug = "Agricultural-Park-Project" if "pattern" in inject else "agricultural-park-project"
    project = program(project_slug, "Project", "農產品加工園區建設項目", "农产品加工园区建设项目",
                      "agricultural products processing park project", policies[1], gov, "agriculture", "2023-H1",
                      q_rural, [])

    # the designation
    prov = _province_of(county)
    desig = iri(f"{ID}result/synth-{code}-provincial-rural-revitalization-demonstration")
    out.add(desig, A, iri(CKG + "Designation"))
    out.labels(desig, f"{hant}被命名為省級鄉村振興示範縣", f"{hans}被命名为省级乡村振兴示范县",
               f"{en} named a provincial rural revitalization demonstration county")
    out.add(desig, iri(CKG + "recipient"), here)
    out.add(desig, iri(CKG + "location"), here)
    out.add(desig, iri(CKG + "period"), period("2022"))
    out.add(desig, iri(CKG + "recognitionLevel"), iri(CKG + "ProvincialLevel"))
    out.add(desig, iri(CKG + "issuedBy"), iri(f"{ID}agent/synth-{prov.code}-government"))
    out.add(desig, THEME, theme("agriculture"))
    out.add(desig, EVIDENCE, q_designation)

    # the data set and the observations
    dataset = iri(f"{ID}dataset/synth-{code}")
    out.add(dataset, A, iri(QB + "DataSet"))
    out.labels(dataset, f"{hant}合成縣域指標", f"{hans}合成县域指标", f"synthetic indicators of {en}")
    out.add(dataset, iri(QB + "structure"), DSD)
    out.add(dataset, iri(DCT + "source"), article)
    links = {"gdp": (iri(CKG + "measures"), output), "agricultural-comprehensive-output-value": (iri(CKG + "measures"), farm_output),
             "tourist-visits": (iri(CKG + "aboutProgram"), project)}
    for spec, row, quote in zip(INDICATORS, facts.values, q_values):
        indicator = f"{ID}indicator/{spec.local}"
        for (when, when_hant), (value, lower) in zip(PERIODS, row):
            if (indicator, here[1:-1], period(when)[1:-1]) in known.observed:
                continue
            local = f"synth-{code}-{spec.local}-{when.lower()}"
            obs = iri(f"{ID}observation/{local}")
            out.add(obs, A, iri(CKG + "Observation"))
            out.add(obs, A, iri(QB + "Observation"))
            out.labels(obs, f"{hant}{when_hant}{spec.name_hant}", f"{hans}{when_hant}{spec.name_hant}",
                       f"{en}, {when}: {spec.local.replace('-', ' ')}")
            out.add(obs, iri(QB + "dataSet"), dataset)
            out.add(obs, iri(CKG + "indicator"), iri(indicator))
            out.add(obs, iri(SDMX_DIM + "refArea"), here)
            out.add(obs, iri(SDMX_DIM + "refPeriod"), period(when))
            base = int(round(value * 100)) * spec.factor // 100
            if spec.local == "gdp" and when == "2020" and "datatype" in inject:
                out.add(obs, iri(SDMX_MEAS + "obsValue"), lit(str(base), datatype=XSD + "integer"))
            else:
                out.add(obs, iri(SDMX_MEAS + "obsValue"), lit(f"{base}.0", datatype=XSD + "decimal"))
            out.add(obs, iri(SDMX_ATTR + "unitMeasure"), iri(spec.unit))
            if spec.local == "gdp" and when == "2022" and "max-count" in inject:
                out.add(obs, iri(SDMX_ATTR + "unitMeasure"), iri(UNIT + "CCY_USD"))
            qualifier = "LowerBound" if lower else "Exact"
            if spec.local == "tourist-visits" and when == "2022" and "in" in inject:
                qualifier = "ProvincialLevel"
            out.add(obs, iri(CKG + "valueQualifier"), iri(CKG + qualifier))
            tag = "en" if spec.local == "tourist-visits" and when == "2020" and "language-in" in inject else "zh-Hant"
            out.add(obs, iri(CKG + "reportedValue"), lit(_reported(spec, value, lower), tag))
            link, target = links[spec.local]
            out.add(obs, link, target)
            out.add(obs, EVIDENCE, quote)


# -- entry points ----------------------------------------------------------------------------------


def triples(counties: int, seed: int, violations: int = 0, *, base: Iterable[Path | str] | None = None
            ) -> Iterator[tuple[str | None, list[tuple[str, str, str]]]]:
    """(graph name or None for shared resources, triples) blocks, in output order."""
    chosen = pick(counties)
    known = project_context(base)
    plan = _plan(chosen, violations, known)
    d = divisions()
    shared = _Emitter()
    _shared_triples(shared)
    yield None, shared.triples
    seen_prov: set[str] = set()
    seen_pref: set[str] = set()
    for county in chosen:
        head = _Emitter()
        prefecture = d.prefectures[county.parent]
        province = d.provinces[prefecture.parent]
        if province.code not in seen_prov:
            seen_prov.add(province.code)
            _province_triples(head, province, known.places)
        if prefecture.code not in seen_pref:
            seen_pref.add(prefecture.code)
            if place(prefecture.code)[1:-1] not in known.places:
                _division_triples(head, prefecture, "PrefectureLevelDivision", place(province.code),
                                  f"Prefecture-level division {prefecture.code}")
        if head.triples:
            yield None, head.triples
        body = _Emitter()
        _county_triples(body, county_facts(county, seed), seed, known, plan.get(county.code, []))
        yield graph_name(county.code), body.triples


def synthesize(counties: int, seed: int, violations: int = 0, *, graphs: bool = False,
               base: Iterable[Path | str] | None = None) -> Iterator[str]:
    """The synthetic graph as N-Triples lines (N-Quads with ``graphs``: each county in its own
    named graph, shared resources in the default graph), each ending in a newline.

    ``base``: the data files the graph will be merged with (default: the project's data files);
    divisions and observations they describe are left out."""
    for name, block in triples(counties, seed, violations, base=base):
        if graphs and name:
            g = f" <{name}> .\n"
            yield from (f"{s} {p} {o}{g}" for s, p, o in block)
        else:
            yield from (f"{s} {p} {o} .\n" for s, p, o in block)


_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")


def _compact_term(term: str, namespaces: list[tuple[str, str]]) -> str:
    if term.startswith("<"):
        value = term[1:-1]
        for prefix, ns in namespaces:
            if value.startswith(ns) and _LOCAL.match(value[len(ns):]):
                return f"{prefix}:{value[len(ns):]}"
        return term
    if term.endswith(">") and "^^<" in term:
        body, datatype = term.rsplit("^^", 1)
        if datatype == f"<{XSD}integer>":
            return body[1:-1]
        return f"{body}^^{_compact_term(datatype, namespaces)}"
    return term


def turtle(counties: int, seed: int, violations: int = 0, *, base: Iterable[Path | str] | None = None
           ) -> Iterator[str]:
    """The same graph as Turtle text chunks (prefixed names, one block per subject)."""
    yield from (chunk for chunk, _count in _turtle_chunks(counties, seed, violations, base=base))


def _turtle_chunks(counties: int, seed: int, violations: int = 0, *, base: Iterable[Path | str] | None = None
                   ) -> Iterator[tuple[str, int]]:
    """:func:`turtle`'s chunks, each with the number of triples it states (0 for the header):
    counted from the triples, since the text's " .\n" also ends @prefix lines and literals."""
    namespaces = sorted(TURTLE_PREFIXES.items(), key=lambda item: -len(item[1]))
    yield "# Synthetic county graph written by `kg synth` (county-kg); see kg.synth.\n", 0
    yield "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in TURTLE_PREFIXES.items()), 0
    for _name, block in triples(counties, seed, violations, base=base):
        lines = ["\n"]
        subject = None
        for s, p, o in block:
            pp = "a" if p == A else _compact_term(p, namespaces)
            oo = _compact_term(o, namespaces)
            if s != subject:
                if subject is not None:
                    lines.append(" .\n")
                lines.append(f"{_compact_term(s, namespaces)} {pp} {oo}")
                subject = s
            else:
                lines.append(f" ;\n    {pp} {oo}")
        if subject is not None:
            lines.append(" .\n")
        yield "".join(lines), len(block)


@dataclass(frozen=True)
class Written:
    path: Path
    #: statements written: triples (quads in N-Quads), counted from the graph, not the text
    triples: int
    counties: int
    bytes: int


FORMATS = {".nt": "nt", ".nq": "nq", ".ttl": "ttl"}


def write(path: Path | str, counties: int, seed: int, violations: int = 0, fmt: str | None = None, *,
          base: Iterable[Path | str] | None = None, force: bool = False) -> Written:
    """Write the synthetic graph to ``path`` (format from ``fmt`` or the extension: nt, nq, ttl).

    The file is claimed first (kg.outputs.claim_file: an existing file is replaced only if kg
    marked it: a leading # comment, in each of its formats, or with ``force``) and
    streamed into a temporary file renamed into place when complete."""
    path = Path(path)
    if path.is_dir():  # checked first: "choose a format" would send the user the wrong way
        raise KgError(f"{path}: is a directory; give a file name (e.g. {path / 'synthetic.nt'})")
    fmt = fmt or FORMATS.get(path.suffix.lower())
    if fmt not in ("nt", "nq", "ttl"):
        raise KgError(f"{path}: choose a format (nt, nq or ttl) or use one of the extensions {', '.join(FORMATS)}")
    from kg.store.syntax import check_output_name

    check_output_name(path, f".{fmt}", ("nt", "nq", "ttl"))
    output = claim_file(path, force=force)
    count = 0
    size = 0
    with output.open("w", encoding="utf-8", newline="\n") as handle:
        if fmt == "ttl":
            for chunk, stated in _turtle_chunks(counties, seed, violations, base=base):
                handle.write(chunk)
                count += stated
        else:
            # N-Triples and N-Quads 1.1 take '#' comments: the mark lets kg replace its own file
            handle.write(generator_comment("kg synth"))
            buffer: list[str] = []
            for line in synthesize(counties, seed, violations, graphs=fmt == "nq", base=base):
                buffer.append(line)
                if len(buffer) >= 50_000:
                    handle.write("".join(buffer))
                    count += len(buffer)
                    buffer.clear()
            handle.write("".join(buffer))
            count += len(buffer)
    size = path.stat().st_size if path.is_file() else 0
    return Written(path, count, len(pick(counties)), size)


def counties_for(triples_wanted: int) -> int:
    """About how many counties give ``triples_wanted`` synthetic triples (350 each)."""
    return max(1, min(TOTAL_COUNTIES, round(triples_wanted / 350)))


def store(counties: int, seed: int, violations: int = 0, *, graphs: bool = False,
          base: Iterable[Path | str] | None = None):
    """The synthetic graph in a new in-memory pyoxigraph Store."""
    import pyoxigraph as ox

    result = ox.Store()
    data = "".join(synthesize(counties, seed, violations, graphs=graphs, base=base)).encode("utf-8")
    result.bulk_load(data, format=ox.RdfFormat.N_QUADS if graphs else ox.RdfFormat.N_TRIPLES,
                     **({} if graphs else {"to_graph": ox.DefaultGraph()}))
    return result


def county_codes(counties: int) -> list[str]:
    return [c.code for c in pick(counties)]


def iter_counties(counties: int) -> Iterable[Division]:
    return iter(pick(counties))
