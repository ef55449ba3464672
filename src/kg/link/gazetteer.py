"""The national gazetteer: statistical division codes -> places, one Turtle file.

``generate()`` is the one entry point: it reads ``data/reference/admin-divisions/`` (the NBS
statistical division codes: provinces, prefecture-level and county-level divisions, and
Yunnan's townships) and ``data/gazetteer/changes.csv`` (divisions replaced since, such as
水富县 530630 -> 水富市 530681 in 2018), and returns ``data/gazetteer/places.ttl`` as text,
byte-for-byte the same on every run. ``kg gazetteer`` writes it; a test checks that the
committed file is up to date.

Every division becomes ``place:<code as given: 2, 4, 6 or 9 digits>`` -- the IRIs that
``data/core/places.ttl`` uses, so the two files describe the same resources. For places the
core file already describes (Yunnan, Zhaotong, Shuifu before and after 2018) the gazetteer
repeats the core file's labels, so the union still has exactly one label per language.
Each place has:

- its level (``ckg:Province`` ... ``ckg:TownshipLevelDivision``) and ``ckg:parentDivision``;
- ``ckg:divisionCode`` and ``skos:notation`` typed ``ckg:DivisionCode`` (the code as given);
- ``dcterms:identifier``: the code in the form other datasets use -- 6 digits for province-,
  prefecture- and county-level divisions (GB/T 2260, Wikidata P442: 530000, 530600,
  530681), 12 digits for townships (the NBS statistical form, 530681101000);
- ``rdfs:label`` in zh-Hans (the NBS name), zh-Hant (OpenCC s2t) and en (romanised with
  pypinyin, suffixes translated; an ``rdfs:comment`` says so);
- ``dcterms:source src:nbs-division-codes-2023``.

The NBS lists also contain placeholders that are not places in everyday speech: ``市辖区``
(the districts of a municipality, e.g. 1101 under Beijing), ``县`` (5002, the counties of
Chongqing) and ``省直辖县级行政区划`` (county-level divisions governed directly by a
province, e.g. 4290 in Hubei). They are kept, as the parents of their counties, and labelled
with the name of the province they belong to (北京市市辖区).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from kg import paths
from kg.errors import KgError

LEVELS = ("province", "prefecture", "county", "township")
LEVEL_CLASS = {"province": "ckg:Province", "prefecture": "ckg:PrefectureLevelDivision",
               "county": "ckg:CountyLevelDivision", "township": "ckg:TownshipLevelDivision"}
SOURCE = "src:nbs-division-codes-2023"
ROMANISED = "English name romanised from the Chinese (Hanyu Pinyin, suffix translated) by county-kg."

# --- names --------------------------------------------------------------------------------

# Romanisations that pinyin conversion gets wrong or that English uses by convention.
ENGLISH_NAMES: dict[str, str] = {
    "陕西": "Shaanxi", "内蒙古": "Inner Mongolia", "西藏": "Xizang (Tibet)", "重庆": "Chongqing",
    "长治": "Changzhi", "朝阳": "Chaoyang", "蚌埠": "Bengbu", "厦门": "Xiamen", "呼和浩特": "Hohhot",
    "乌鲁木齐": "Urumqi", "拉萨": "Lhasa", "哈尔滨": "Harbin", "包头": "Baotou", "鄂尔多斯": "Ordos",
    "齐齐哈尔": "Qiqihar", "喀什": "Kashgar", "日喀则": "Shigatse", "单": "Shan", "六安": "Lu'an",
    "番禺": "Panyu", "东莞": "Dongguan", "乐山": "Leshan", "乐东": "Ledong", "大理": "Dali",
    "西双版纳": "Xishuangbanna", "香格里拉": "Shangri-La", "蔚": "Yu", "莘": "Shen",
    "洪洞": "Hongtong", "尉氏": "Weishi", "泌阳": "Biyang", "铅山": "Yanshan", "长子": "Zhangzi",
    "歙": "She", "黟": "Yi", "筠连": "Junlian", "大姚": "Dayao", "会泽": "Huize", "会理": "Huili",
    "乐清": "Yueqing", "乐亭": "Laoting", "闵行": "Minhang", "六合": "Luhe", "锡林郭勒": "Xilin Gol",
    "阿拉善": "Alxa", "巴彦淖尔": "Bayannur", "呼伦贝尔": "Hulunbuir", "乌兰察布": "Ulanqab",
}
# Characters whose reading in place names differs from pypinyin's usual choice (长宁 is
# Changning, 朝阳 Chaoyang); names in ENGLISH_NAMES (长子 Zhangzi) come first.
PLACE_READINGS = {"长": "chang", "朝": "chao"}

# Whole names whose kind is not their last characters' usual meaning.
FULL_NAMES: dict[str, str] = {
    "神农架林区": "Shennongjia Forestry District", "六枝特区": "Liuzhi Special District",
    "万柏林区": "Wanbailin District",
}

PROVINCE_NAMES: dict[str, str] = {
    "内蒙古自治区": "Inner Mongolia Autonomous Region",
    "广西壮族自治区": "Guangxi Zhuang Autonomous Region",
    "西藏自治区": "Xizang (Tibet) Autonomous Region",
    "宁夏回族自治区": "Ningxia Hui Autonomous Region",
    "新疆维吾尔自治区": "Xinjiang Uygur Autonomous Region",
}
MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")

ETHNIC_GROUPS: dict[str, str] = {
    "壮": "Zhuang", "回": "Hui", "维吾尔": "Uygur", "藏": "Tibetan", "蒙古": "Mongol", "彝": "Yi",
    "苗": "Miao", "土家": "Tujia", "侗": "Dong", "布依": "Bouyei", "瑶": "Yao", "白": "Bai",
    "哈尼": "Hani", "傣": "Dai", "黎": "Li", "傈僳": "Lisu", "佤": "Va", "畲": "She", "拉祜": "Lahu",
    "水": "Shui", "东乡": "Dongxiang", "纳西": "Naxi", "景颇": "Jingpo", "柯尔克孜": "Kyrgyz",
    "土": "Tu", "达斡尔": "Daur", "仫佬": "Mulao", "羌": "Qiang", "布朗": "Blang", "撒拉": "Salar",
    "毛南": "Maonan", "仡佬": "Gelao", "锡伯": "Xibe", "阿昌": "Achang", "普米": "Pumi",
    "塔吉克": "Tajik", "怒": "Nu", "乌孜别克": "Uzbek", "俄罗斯": "Russian", "鄂温克": "Evenki",
    "德昂": "De'ang", "保安": "Bonan", "裕固": "Yugur", "京": "Gin", "塔塔尔": "Tatar",
    "独龙": "Derung", "鄂伦春": "Oroqen", "赫哲": "Hezhen", "门巴": "Monba", "珞巴": "Lhoba",
    "基诺": "Jino", "满": "Manchu", "朝鲜": "Korean", "哈萨克": "Kazakh",
}

# Longest first: the first suffix a name ends with is its kind.
SUFFIXES: tuple[tuple[str, str], ...] = tuple(sorted({
    "省": "Province", "自治区": "Autonomous Region", "市": "City", "地区": "Prefecture",
    "自治州": "Autonomous Prefecture", "盟": "League", "县": "County", "区": "District",
    "自治县": "Autonomous County", "旗": "Banner", "自治旗": "Autonomous Banner",
    "矿区": "Mining District",
    "新区": "New Area", "新城": "New Town", "管理区管委会": "Administrative Zone",
    "行政委员会": "Administrative Committee", "群岛": "Islands", "镇": "Town", "乡": "Township",
    "民族乡": "Ethnic Township", "街道": "Subdistrict", "农场": "Farm", "华侨农场": "Overseas Chinese Farm",
    "监狱": "Prison", "基地": "Base", "园区": "Park", "产业园区": "Industrial Park", "工业园区": "Industrial Park",
    "开发区": "Development Zone", "经济技术开发区": "Economic and Technological Development Zone",
    "高新技术产业开发区": "High-tech Industrial Development Zone",
    "国家高新技术产业开发区": "National High-tech Industrial Development Zone",
    "旅游度假区": "Tourist Resort", "国家旅游度假区": "National Tourist Resort",
    "风景名胜区": "Scenic Area", "经济开发区": "Economic Development Zone",
}.items(), key=lambda item: -len(item[0])))

# Suffixes a name is often written without (水富 for 水富市); the resolver strips them.
ADMIN_SUFFIXES: tuple[str, ...] = tuple(sorted(
    ("省", "市", "县", "区", "自治区", "自治州", "自治县", "自治旗", "地区", "盟", "旗", "林区", "特区",
     "新区", "矿区", "镇", "乡", "街道", "民族乡"), key=len, reverse=True))

_VOWEL_START = re.compile(r"^[aoe]")


@cache
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


@cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_traditional(text: str) -> str:
    return _s2t().convert(text)


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


def romanise(name: str, context: str | None = None) -> str:
    """Hanyu Pinyin of ``name`` as one capitalised word with apostrophes (Xi'an). ``context``
    is the full name ``name`` starts with: pinyin is chosen for the whole (朝阳区 chao-yang)."""
    if name in ENGLISH_NAMES:
        return ENGLISH_NAMES[name]
    from pypinyin import lazy_pinyin

    source = context or name
    syllables = [PLACE_READINGS.get(ch, syllable) if len(syllable) and re.fullmatch(r"[a-z]+", syllable) else syllable
                 for ch, syllable in zip(source, lazy_pinyin(source))] \
        if len(lazy_pinyin(source)) == len(source) else lazy_pinyin(source)
    # pypinyin returns a run of non-Han characters as one item; count Han characters only.
    taken: list[str] = []
    remaining = len(name)
    for syllable in syllables:
        if remaining <= 0:
            break
        taken.append(syllable)
        remaining -= len(syllable) if not re.fullmatch(r"[a-zü:v]+", syllable) else 1
    word = ""
    for i, syllable in enumerate(taken):
        syllable = syllable.replace("v", "ü").replace("ü", "u")
        word += ("'" if i and _VOWEL_START.match(syllable) else "") + syllable
    return word[:1].upper() + word[1:]


def _split_ethnic(base: str) -> tuple[str, list[str]]:
    """蒙古族藏族 at the end of 海西蒙古族藏族 -> ("海西", ["蒙古", "藏"])."""
    groups: list[str] = []
    names = sorted(ETHNIC_GROUPS, key=len, reverse=True)
    while True:
        for group in names:
            for form in (group + "族", group):
                if base.endswith(form) and len(base) - len(form) >= 2:
                    groups.insert(0, group)
                    base = base[: -len(form)]
                    break
            else:
                continue
            break
        else:
            return base, groups


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _romanise_words(base: str, full: str, prefixes: list[str]) -> str:
    """Romanise ``base``, starting a new word at each leading ancestor name it repeats
    (河北唐山芦台 -> Hebei Tangshan Lutai)."""
    words = []
    offset = 0
    found = True
    while found and len(base) - offset > 2:
        found = False
        for prefix in sorted(set(prefixes), key=len, reverse=True):
            if len(prefix) >= 2 and base.startswith(prefix, offset) and len(base) - offset - len(prefix) >= 2:
                words.append(romanise(prefix, full[offset:]))
                offset += len(prefix)
                found = True
                break
    words.append(romanise(base[offset:], full[offset:]))
    return " ".join(words)


def english_name(name: str, level: str, prefixes: list[str] | None = None) -> str:
    """An English name for an NBS name: romanised base + translated kind (水富市 -> Shuifu ...).
    ``prefixes``: the short names of the division's ancestors, which long names often repeat."""
    if name in PROVINCE_NAMES:
        return PROVINCE_NAMES[name]
    if level == "province" and name in MUNICIPALITIES:
        return f"{romanise(name[:-1], name)} Municipality"
    if name in FULL_NAMES:
        return FULL_NAMES[name]
    for suffix, kind in SUFFIXES:
        # a suffix of two or more characters needs a base of two (清新区 is Qingxin District)
        if name.endswith(suffix) and len(name) - len(suffix) >= (2 if len(suffix) > 1 else 1):
            base = name[: -len(suffix)]
            break
    else:
        return romanise(name)
    ethnic: list[str] = []
    if suffix.startswith("自治") or suffix == "民族乡":
        base, ethnic = _split_ethnic(base)
    elif suffix == "乡" and base.endswith("族"):
        stripped, groups = _split_ethnic(base)
        if groups:
            base, ethnic, kind = stripped, groups, "Ethnic Township"
    romanised = _romanise_words(base, name, prefixes or []) if len(base) >= 4 else romanise(base, name)
    if suffix == "市":
        kind = {"prefecture": "City", "county": "(county-level city)"}.get(level, "City")
        return f"{romanised} {kind}"
    people = f" {_join([ETHNIC_GROUPS[g] for g in ethnic])}" if ethnic else ""
    return f"{romanised}{people} {kind}"


def strip_suffix(name: str) -> str:
    """The name without its administrative suffix (水富市 -> 水富, 玉龙纳西族自治县 -> 玉龙纳西族);
    names of two characters keep theirs (通州区 -> 通州, but 矿区 stays)."""
    for suffix in ADMIN_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def short_name(name: str) -> str:
    """The name as people shorten it: suffix and ethnic groups dropped (玉龙纳西族自治县 -> 玉龙)."""
    base = strip_suffix(name)
    if base != name and name[len(base):].startswith("自治"):
        base, _groups = _split_ethnic(base)
    return base


# --- divisions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Division:
    code: str
    name: str                      # the NBS name (zh-Hans), or a placeholder's descriptive label
    level: str
    parent: str | None             # parent code; None for a province (parent: place:CN)
    nbs_name: str = ""             # the name exactly as in the CSV (市辖区 for placeholders)
    dissolved: int | None = None
    founded: int | None = None
    replaced_by: str | None = None
    replaces: tuple[str, ...] = ()
    placeholder: bool = False

    @property
    def iri(self) -> str:
        return f"https://w3id.org/county-kg/id/place/{self.code}"

    @property
    def current(self) -> bool:
        return self.replaced_by is None

    @property
    def external_code(self) -> str:
        """The code as other datasets write it: 6 digits (GB/T 2260, P442) or 12 for townships."""
        return self.code + "000" if len(self.code) == 9 else self.code.ljust(6, "0")


@dataclass
class Gazetteer:
    divisions: dict[str, Division] = field(default_factory=dict)

    def __iter__(self):
        return iter(self.divisions.values())

    def __len__(self) -> int:
        return len(self.divisions)

    def get(self, code: str) -> Division | None:
        return self.divisions.get(code)

    def children(self, code: str) -> list[Division]:
        return [d for d in self.divisions.values() if d.parent == code]

    def ancestors(self, code: str) -> list[Division]:
        found = []
        division = self.divisions.get(code)
        while division is not None and division.parent:
            division = self.divisions.get(division.parent)
            if division is not None:
                found.append(division)
        return found

    def successor(self, code: str) -> Division | None:
        """The current division for ``code``: itself, or what replaced it (transitively)."""
        division = self.divisions.get(code)
        seen = set()
        while division is not None and division.replaced_by and division.code not in seen:
            seen.add(division.code)
            division = self.divisions.get(division.replaced_by)
        return division


def reference_dir() -> Path:
    return paths.data_dir() / "reference" / "admin-divisions"


def gazetteer_dir() -> Path:
    return paths.data_dir() / "gazetteer"


def output_file() -> Path:
    return gazetteer_dir() / "places.ttl"


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise KgError(f"{path}: no such file (the division codes ship in data/reference/admin-divisions/)")
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _placeholder_name(name: str, province: str) -> str | None:
    if name == "市辖区":
        return f"{province}市辖区"
    if name == "县":
        return f"{province.removesuffix('市')}市辖县"
    if name in ("省直辖县级行政区划", "自治区直辖县级行政区划"):
        return f"{province}直辖县级行政区划"
    return None


@cache
def load_gazetteer(directory: Path | None = None) -> Gazetteer:
    """Every division in the reference CSVs, plus the replaced ones of ``changes.csv``."""
    directory = directory or reference_dir()
    gazetteer = Gazetteer()
    provinces = {}
    for row in _rows(directory / "provinces.csv"):
        provinces[row["code"]] = row["name"]
        gazetteer.divisions[row["code"]] = Division(row["code"], row["name"], "province", None, row["name"])
    for row in _rows(directory / "cities.csv"):
        placeholder = _placeholder_name(row["name"], provinces[row["provinceCode"]])
        gazetteer.divisions[row["code"]] = Division(row["code"], placeholder or row["name"], "prefecture",
                                                    row["provinceCode"], row["name"], placeholder=bool(placeholder))
    for row in _rows(directory / "areas.csv"):
        gazetteer.divisions[row["code"]] = Division(row["code"], row["name"], "county", row["cityCode"], row["name"])
    townships = directory / "streets-yunnan.csv"
    if townships.exists():
        for row in _rows(townships):
            gazetteer.divisions[row["code"]] = Division(row["code"], row["name"], "township", row["areaCode"], row["name"])
    changes = gazetteer_dir() / "changes.csv"
    if changes.exists():
        for row in _rows(changes):
            old, new, year = row["old_code"], row["new_code"], int(row["year"])
            successor = gazetteer.divisions.get(new)
            if successor is None:
                raise KgError(f"{changes}: {old} is replaced by {new}, which the division codes do not list")
            level = {2: "province", 4: "prefecture", 6: "county", 9: "township"}[len(old)]
            gazetteer.divisions[old] = Division(old, row["old_name"], level, row["parent_code"], row["old_name"],
                                                dissolved=year, replaced_by=new)
            gazetteer.divisions[new] = Division(
                successor.code, successor.name, successor.level, successor.parent, successor.nbs_name,
                founded=year, replaces=(*successor.replaces, old), placeholder=successor.placeholder)
    for division in gazetteer:
        if division.parent and division.parent not in gazetteer.divisions:
            raise KgError(f"division {division.code} {division.name}: parent {division.parent} is not in the division codes")
    return gazetteer


# --- Turtle -------------------------------------------------------------------------------


def _core_labels() -> dict[str, dict[str, str]]:
    """Labels the core file gives places, by code: the gazetteer repeats them, never adds."""
    from rdflib import Graph, Literal
    from rdflib.namespace import RDFS

    graph = Graph()
    graph.parse(paths.data_dir() / "core" / "places.ttl", format="turtle")
    prefix = "https://w3id.org/county-kg/id/place/"
    labels: dict[str, dict[str, str]] = {}
    for subject, label in graph.subject_objects(RDFS.label):
        if str(subject).startswith(prefix) and isinstance(label, Literal) and label.language:
            labels.setdefault(str(subject)[len(prefix):], {})[label.language] = str(label)
    return labels


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def labels_for(division: Division, core: dict[str, dict[str, str]] | None = None) -> dict[str, str]:
    core = _core_labels() if core is None else core
    if division.code in core:
        return dict(core[division.code])
    labels = {"zh-Hans": division.name, "zh-Hant": to_traditional(division.name)}
    if division.placeholder:
        province = english_name(load_gazetteer().divisions[division.parent].name, "province") if division.parent else ""
        labels["en"] = {
            "市辖区": f"{province} (districts)",
            "县": f"{province} (counties)",
            "省直辖县级行政区划": f"{province} (county-level divisions under direct provincial administration)",
            "自治区直辖县级行政区划": f"{province} (county-level divisions under direct regional administration)",
        }[division.nbs_name]
    else:
        prefixes = [short_name(a.name) for a in load_gazetteer().ancestors(division.code) if not a.placeholder]
        labels["en"] = english_name(division.name, division.level, prefixes)
    return labels


def _prefix_block() -> str:
    """The prefix block every data file starts with (docs/prefixes.ttl), as data/core/places.ttl
    has it: that file ships with the package, the docs do not."""
    lines = (paths.data_dir() / "core" / "places.ttl").read_text(encoding="utf-8").splitlines()
    return "".join(line + "\n" for line in lines if line.startswith("@prefix "))


def generate(directory: Path | None = None) -> str:
    """The gazetteer as Turtle: deterministic, ordered by level and code."""
    gazetteer = load_gazetteer(directory)
    core = _core_labels()
    out = [
        "# The national gazetteer: every province-, prefecture- and county-level division of China and\n"
        "# Yunnan's townships, keyed by NBS statistical division code (place:<code>).\n"
        "# GENERATED by `kg gazetteer` (kg.gazetteer) from data/reference/admin-divisions/ and\n"
        "# data/gazetteer/changes.csv; do not edit by hand. Chinese names are the NBS names (zh-Hant by\n"
        "# OpenCC); English names are romanised (see each place's rdfs:comment).\n",
        _prefix_block(),
    ]
    order = {level: n for n, level in enumerate(LEVELS)}
    for division in sorted(gazetteer, key=lambda d: (order[d.level], d.code)):
        labels = labels_for(division, core)
        lines = [f"place:{division.code} a {LEVEL_CLASS[division.level]} ;",
                 "    rdfs:label " + " , ".join(f"{_literal(labels[lang])}@{lang}"
                                               for lang in ("zh-Hans", "zh-Hant", "en")) + " ;"]
        if division.code not in core:
            lines.append(f"    rdfs:comment {_literal(ROMANISED)}@en ;")
        if division.placeholder:
            lines.append(f"    skos:hiddenLabel {_literal(division.nbs_name)}@zh-Hans ;")
        lines += [
            f"    ckg:divisionCode {_literal(division.code)} ;",
            f"    skos:notation {_literal(division.code)}^^ckg:DivisionCode ;",
            f"    dcterms:identifier {_literal(division.external_code)} ;",
            f"    ckg:parentDivision place:{division.parent or 'CN'} ;",
        ]
        if division.replaced_by:
            lines.append(f"    dcterms:isReplacedBy place:{division.replaced_by} ;")
            lines.append(f"    schema:dissolutionDate \"{division.dissolved}\"^^xsd:gYear ;")
        for old in division.replaces:
            lines.append(f"    dcterms:replaces place:{old} ;")
        if division.founded:
            lines.append(f"    schema:foundingDate \"{division.founded}\"^^xsd:gYear ;")
        lines.append(f"    dcterms:source {SOURCE} .")
        out.append("\n" + "\n".join(lines) + "\n")
    return "".join(out)


def write(path: Path | None = None, *, force: bool = False) -> tuple[Path, int]:
    """Write the gazetteer Turtle (claimed first, kg.outputs: an existing file is replaced
    only if kg generated it, or with ``force``; written atomically); returns the path and the
    number of places."""
    from kg.outputs import claim_file

    path = Path(path) if path else output_file()
    output = claim_file(path, force=force)
    text = generate()
    output.write_text(text, permissions=0o644)  # a data file of the project, readable by all
    return path, len(load_gazetteer())


def is_up_to_date(path: Path | None = None) -> bool:
    path = Path(path) if path else output_file()
    if path.exists():
        paths.input_file(path)  # a directory is a mistake, not an out-of-date file
    return path.is_file() and path.read_text(encoding="utf-8") == generate()
