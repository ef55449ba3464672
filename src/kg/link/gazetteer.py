"""The national gazetteer: every division code since 1981 -> a place, one Turtle file.

``generate()`` is the one entry point: it reads ``data/reference/admin-divisions/`` (the NBS
statistical division codes of 2023: provinces, prefecture-level and county-level divisions,
and Yunnan's townships) and ``data/reference/division-history/`` (the code history 1981-2024,
read by :mod:`kg.link.history`), and returns ``data/gazetteer/places.ttl`` as text,
byte-for-byte the same on every run. ``kg gazetteer`` writes it; a test checks that the
committed file is up to date. :func:`load_gazetteer` gives the same places as Python objects
(:class:`Division`), which the resolver and the importers use.

IRIs (docs/model.md, "Place history"): a division in use today is ``place:<code>`` with the
code in NBS form (2, 4, 6 or 9 digits: place:53, place:5306, place:530681, place:530681101) --
the IRIs ``data/core/places.ttl`` uses, so the two files describe the same resources. A record
of the history no longer in use is ``place:<code>`` too when no other record held its code
(水富县 2001-2018 is place:530630), and ``place:<code>-<first year>`` when the code was held
by another division later or today (思茅市 2003-2007, whose code 普洱市 carries, is
place:5308-2003). For places the core file already describes (Yunnan, Zhaotong, Shuifu) the
gazetteer repeats the core file's labels, so the union still has one label per language.
Each place has:

- its level (``ckg:Province`` ... ``ckg:TownshipLevelDivision``) and ``ckg:parentDivision``,
  its parent at the time;
- ``ckg:divisionCode`` and ``skos:notation`` typed ``ckg:DivisionCode`` (the code in NBS form);
- ``dcterms:identifier``: the code in the form other datasets use -- 6 digits for province-,
  prefecture- and county-level divisions (GB/T 2260, Wikidata P442: 530000, 530600,
  530681), 12 digits for townships (the NBS statistical form, 530681101000);
- ``rdfs:label`` in zh-Hans (the lists' name), zh-Hant (OpenCC s2t) and en (romanised with
  pypinyin, suffixes translated, an ``rdfs:comment`` saying so; the years of use added for a
  division no longer in use: "Shuifu County (2001-2018)");
- ``ckg:validFrom`` / ``ckg:validUntil`` (xsd:gYear; the end year exclusive), from the history;
- ``dcterms:isReplacedBy`` / ``dcterms:replaces`` for full replacements (several successors:
  the area was split), ``ckg:areaTransfer`` for parts of the area given away while in use
  (an ``ckg:AreaTransfer`` with ``ckg:transferredTo`` and ``ckg:transferYear``);
- ``dcterms:source``: the data set(s) it really comes from, ``src:nbs-division-codes-2023``
  and/or ``src:division-code-history``.

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
from functools import cache, cached_property
from pathlib import Path

from kg import paths
from kg.errors import KgError
from kg.link.history import FIRST_YEAR

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
    "台湾省": "Taiwan Province",
    "香港特别行政区": "Hong Kong Special Administrative Region",
    "澳门特别行政区": "Macao Special Administrative Region",
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

NBS = "nbs"            # data/reference/admin-divisions: the NBS statistical codes (2023)
HISTORY = "history"    # data/reference/division-history: the code history 1981-2024
SOURCES = {NBS: "src:nbs-division-codes-2023", HISTORY: "src:division-code-history"}
DERIVED_COMMENT = ("The code history gives no successor for this prefecture-level division: county-kg "
                   "derived its successors from where its county-level divisions went.")
PLACE_BASE = "https://w3id.org/county-kg/id/place/"


@dataclass(frozen=True)
class Division:
    """One place of the gazetteer: a division code with one name for its years of use.

    ``key`` is the local name of its IRI (``place:<key>``): the code in NBS form (2, 4, 6 or 9
    digits) for a division in use today or the last holder of a code no longer in use, and
    ``<code>-<first year>`` for an earlier holder of a reused code (``5308-2003``). Years
    follow the code history: ``valid_from`` the first year in use (1981: in use by then, the
    history's first year), ``valid_until`` the year it changed or was retired (exclusive),
    both None for units only the NBS list has (townships, development zones). ``successors``
    and ``predecessors`` are keys of full replacements; ``transfers`` (key, year) of parts of
    the area given away while in use; ``received`` the same seen from the receiving side.
    """

    code: str
    name: str                      # the name (zh-Hans), or a placeholder's descriptive label
    level: str
    parent: str | None             # the parent's key; None for a province (parent: place:CN)
    nbs_name: str = ""             # the name exactly as in the NBS list (市辖区 for placeholders)
    key: str = ""
    valid_from: int | None = None
    valid_until: int | None = None
    successors: tuple[str, ...] = ()
    predecessors: tuple[str, ...] = ()
    transfers: tuple[tuple[str, int], ...] = ()
    received: tuple[tuple[str, int], ...] = ()
    derived: bool = False          # successors derived from the counties (see kg.link.history)
    sources: tuple[str, ...] = (NBS,)
    placeholder: bool = False

    def __post_init__(self):
        if not self.key:
            object.__setattr__(self, "key", self.code)

    @property
    def iri(self) -> str:
        return PLACE_BASE + self.key

    @property
    def current(self) -> bool:
        """In use today (in the newest list)."""
        return self.valid_until is None

    @property
    def replaced_by(self) -> str | None:
        """The one successor's key when there is exactly one."""
        return self.successors[0] if len(self.successors) == 1 else None

    def in_use(self, year: int) -> bool:
        """In the list of ``year`` (31 December); units without history count as in use today only."""
        if self.valid_from is None:
            return self.current and year >= 2023
        return self.valid_from <= year and (self.valid_until is None or year < self.valid_until)

    def distance(self, year: int) -> int:
        """Years between ``year`` and the division's years of use (0 when in use that year)."""
        start = self.valid_from if self.valid_from is not None else 2023
        if year < start:
            return start - year
        if self.valid_until is not None and year >= self.valid_until:
            return year - self.valid_until + 1
        return 0

    @property
    def years(self) -> str:
        """Years of use for labels: '2001-2018', 'until 2001' (in the first list), '' today."""
        if self.valid_until is None:
            return ""
        if self.valid_from is None or self.valid_from <= FIRST_YEAR:
            return f"until {self.valid_until}"
        return f"{self.valid_from}-{self.valid_until}"

    @property
    def external_code(self) -> str:
        """The code as other datasets write it: 6 digits (GB/T 2260, P442) or 12 for townships."""
        return self.code + "000" if len(self.code) == 9 else self.code.ljust(6, "0")


@dataclass
class Gazetteer:
    """Every division of the NBS list and of the code history, by key (see :class:`Division`)."""

    divisions: dict[str, Division] = field(default_factory=dict)

    def __iter__(self):
        return iter(self.divisions.values())

    def __len__(self) -> int:
        return len(self.divisions)

    def get(self, key: str) -> Division | None:
        """The division whose IRI is ``place:<key>``."""
        return self.divisions.get(key)

    @cached_property
    def _by_code(self) -> dict[str, list[Division]]:
        found: dict[str, list[Division]] = {}
        for division in self.divisions.values():
            found.setdefault(division.code, []).append(division)
        for items in found.values():
            items.sort(key=lambda d: (d.valid_from or 0))
        return found

    def of_code(self, code: str, year: int | None = None) -> list[Division]:
        """The divisions that held an NBS-form code (53, 5306, 530681, 530681101): all, oldest
        first, or those in use in ``year``."""
        found = self._by_code.get(code, [])
        return [d for d in found if d.in_use(year)] if year is not None else list(found)

    @cached_property
    def _children(self) -> dict[str, list[Division]]:
        found: dict[str, list[Division]] = {}
        for division in self.divisions.values():
            if division.parent:
                found.setdefault(division.parent, []).append(division)
        return found

    def children(self, key: str) -> list[Division]:
        """The divisions whose parent (at the time) is ``key``."""
        return list(self._children.get(key, []))

    def ancestors(self, key: str) -> list[Division]:
        """Parent, grandparent, ... of ``key`` (at the time of each), nearest first."""
        found = []
        division = self.divisions.get(key)
        while division is not None and division.parent:
            division = self.divisions.get(division.parent)
            if division is not None:
                found.append(division)
        return found

    def current(self, key: str) -> tuple[Division, ...]:
        """The divisions in use today that ``key``'s area went to: itself while in use, one
        after a rename, merger or change of code, several after a split (sorted by key)."""
        division = self.divisions[key]
        if division.current:
            return (division,)
        found: dict[str, Division] = {}
        stack, seen = list(division.successors), {key}
        while stack:
            successor = self.divisions[stack.pop()]
            if successor.key in seen:
                continue
            seen.add(successor.key)
            if successor.current:
                found[successor.key] = successor
            else:
                stack.extend(successor.successors)
        return tuple(found[k] for k in sorted(found))

    def successor(self, key: str) -> Division | None:
        """The one division in use today that ``key`` became (itself while in use); None when
        its area was split between several."""
        found = self.current(key) if key in self.divisions else ()
        return found[0] if len(found) == 1 else None


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


def _nbs_divisions(directory: Path) -> dict[str, Division]:
    """The NBS statistical list (2023): provinces, prefectures (with placeholders), counties,
    Yunnan's townships."""
    divisions: dict[str, Division] = {}
    provinces = {}
    for row in _rows(directory / "provinces.csv"):
        provinces[row["code"]] = row["name"]
        divisions[row["code"]] = Division(row["code"], row["name"], "province", None, row["name"])
    for row in _rows(directory / "cities.csv"):
        placeholder = _placeholder_name(row["name"], provinces[row["provinceCode"]])
        divisions[row["code"]] = Division(row["code"], placeholder or row["name"], "prefecture",
                                          row["provinceCode"], row["name"], placeholder=bool(placeholder))
    for row in _rows(directory / "areas.csv"):
        divisions[row["code"]] = Division(row["code"], row["name"], "county", row["cityCode"], row["name"])
    townships = directory / "streets-yunnan.csv"
    if townships.exists():
        for row in _rows(townships):
            divisions[row["code"]] = Division(row["code"], row["name"], "township", row["areaCode"], row["name"])
    return divisions


@cache
def load_gazetteer(directory: Path | None = None, history_path: Path | None = None) -> Gazetteer:
    """Every division of the NBS list (``directory``, default ``data/reference/admin-divisions``)
    and every record of the code history (``history_path``, default
    ``data/reference/division-history/result.csv``), merged: a record in use today is the NBS
    list's division of the same code (the two agree on the names and parents of all of them),
    enriched with its years, predecessors and transfers.

    The parent of a record is its parent at the time (kg.link.history); a county-level record
    directly under its province (直辖) hangs under the NBS grouping of its code's first four
    digits when the list has it (1101 北京市市辖区, 4290 湖北省直辖县级行政区划), else under the
    province. Raises :class:`KgError` naming the file of a row that cannot be placed.
    """
    from kg.link.history import load_history

    nbs = _nbs_divisions(directory or reference_dir())
    history = load_history(history_path)
    keys = {record: history.key(record) for record in history}
    divisions = dict(nbs)

    def parent_key(record) -> str | None:
        parent = history.parent(record)
        if parent is not None:
            return keys[parent]
        if record.level == "county":
            group = nbs.get(record.code[:4])
            return group.key if group is not None and group.placeholder else record.code[:2]
        return None

    received: dict[str, list[tuple[str, int]]] = {}
    for record in history:
        for target, year in history.transfers(record):
            received.setdefault(keys[target], []).append((keys[record], year))
    for record in history:
        key = keys[record]
        known = nbs.get(key) if record.in_use_today else None
        fields = {
            "valid_from": record.start, "valid_until": record.end,
            "successors": tuple(keys[s] for s in history.successors(record)),
            "predecessors": tuple(sorted(keys[p] for p in history.predecessors(record))),
            "transfers": tuple((keys[t], y) for t, y in history.transfers(record)),
            "received": tuple(sorted(received.get(key, ()))),
            "derived": history.derived(record),
        }
        if known is not None:
            divisions[key] = Division(known.code, known.name, known.level, known.parent, known.nbs_name, key,
                                      sources=(NBS, HISTORY), placeholder=known.placeholder, **fields)
        else:
            divisions[key] = Division(record.nbs_code, record.name, record.level, parent_key(record), record.name,
                                      key, sources=(HISTORY,), **fields)
    gazetteer = Gazetteer(divisions)
    for division in gazetteer:
        if division.parent and division.parent not in divisions:
            raise KgError(f"division {division.key} {division.name}: parent {division.parent} is not in the division codes")
    return gazetteer


# --- Turtle -------------------------------------------------------------------------------


def _core_labels() -> dict[str, dict[str, str]]:
    """Labels the core file gives places, by key: the gazetteer repeats them, never adds."""
    from rdflib import Graph, Literal
    from rdflib.namespace import RDFS

    graph = Graph()
    graph.parse(paths.data_dir() / "core" / "places.ttl", format="turtle")
    labels: dict[str, dict[str, str]] = {}
    for subject, label in graph.subject_objects(RDFS.label):
        if str(subject).startswith(PLACE_BASE) and isinstance(label, Literal) and label.language:
            labels.setdefault(str(subject)[len(PLACE_BASE):], {})[label.language] = str(label)
    return labels


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def labels_for(division: Division, core: dict[str, dict[str, str]] | None = None) -> dict[str, str]:
    """zh-Hans, zh-Hant and en labels: the core file's where it has them, else the name, its
    OpenCC Traditional form and its romanised English name; a division no longer in use says
    its years in English ("Shuifu County (2001-2018)")."""
    core = _core_labels() if core is None else core
    if division.key in core:
        return dict(core[division.key])
    labels = {"zh-Hans": division.name, "zh-Hant": to_traditional(division.name)}
    gazetteer = load_gazetteer()
    if division.placeholder:
        province = english_name(gazetteer.divisions[division.parent].name, "province") if division.parent else ""
        labels["en"] = {
            "市辖区": f"{province} (districts)",
            "县": f"{province} (counties)",
            "省直辖县级行政区划": f"{province} (county-level divisions under direct provincial administration)",
            "自治区直辖县级行政区划": f"{province} (county-level divisions under direct regional administration)",
        }[division.nbs_name]
    else:
        prefixes = [short_name(a.name) for a in gazetteer.ancestors(division.key) if not a.placeholder]
        labels["en"] = english_name(division.name, division.level, prefixes)
        if division.years:  # "Shuifu County (2001-2018)", "Zhaotong (county-level city, until 2001)"
            english = labels["en"]
            labels["en"] = (f"{english[:-1]}, {division.years})" if english.endswith(")")
                            else f"{english} ({division.years})")
    return labels


def transfer_iri(giver: str, year: int, receiver: str) -> str:
    """The IRI of an area transfer, a fragment of the giving place's IRI:
    ``place:530602#transfer-2023-530624``."""
    return f"{PLACE_BASE}{giver}#transfer-{year}-{receiver}"


def _prefix_block() -> str:
    """The prefix block every data file starts with (docs/prefixes.ttl), as data/core/places.ttl
    has it: that file ships with the package, the docs do not."""
    lines = (paths.data_dir() / "core" / "places.ttl").read_text(encoding="utf-8").splitlines()
    return "".join(line + "\n" for line in lines if line.startswith("@prefix "))


def _transfer_turtle(giver: Division, receiver: Division, year: int, core: dict) -> str:
    source, target = labels_for(giver, core), labels_for(receiver, core)
    hans = f"{source['zh-Hans']}部分区域划归{target['zh-Hans']}（{year}年）"
    english = f"Part of {source['en']} to {target['en']} ({year})"
    lines = [
        f"<{transfer_iri(giver.key, year, receiver.key)}> a ckg:AreaTransfer ;",
        "    rdfs:label " + " , ".join((f"{_literal(hans)}@zh-Hans", f"{_literal(to_traditional(hans))}@zh-Hant",
                                       f"{_literal(english)}@en")) + " ;",
        f"    ckg:transferredTo place:{receiver.key} ;",
        f"    ckg:transferYear \"{year}\"^^xsd:gYear ;",
        f"    dcterms:source {SOURCES[HISTORY]} .",
    ]
    return "\n" + "\n".join(lines) + "\n"


def generate(directory: Path | None = None) -> str:
    """The gazetteer as Turtle: deterministic, ordered by level and key."""
    gazetteer = load_gazetteer(directory)
    core = _core_labels()
    out = [
        "# The national gazetteer: every province-, prefecture- and county-level division of China since\n"
        "# 1981 and Yunnan's townships, keyed by statistical division code (place:<code>; an earlier\n"
        "# holder of a reused code is place:<code>-<first year>), with years of use, parent at the time,\n"
        "# successors and partial transfers of area (docs/model.md, \"Place history\").\n"
        "# GENERATED by `kg gazetteer` (kg.link.gazetteer) from data/reference/admin-divisions/ and\n"
        "# data/reference/division-history/; do not edit by hand. Chinese names are the lists' names\n"
        "# (zh-Hant by OpenCC); English names are romanised (see each place's rdfs:comment).\n",
        _prefix_block(),
    ]
    order = {level: n for n, level in enumerate(LEVELS)}
    for division in sorted(gazetteer, key=lambda d: (order[d.level], d.key)):
        labels = labels_for(division, core)
        lines = [f"place:{division.key} a {LEVEL_CLASS[division.level]} ;",
                 "    rdfs:label " + " , ".join(f"{_literal(labels[lang])}@{lang}"
                                               for lang in ("zh-Hans", "zh-Hant", "en")) + " ;"]
        if division.key not in core:
            lines.append(f"    rdfs:comment {_literal(ROMANISED)}@en ;")
        if division.derived:
            lines.append(f"    rdfs:comment {_literal(DERIVED_COMMENT)}@en ;")
        if division.placeholder:
            lines.append(f"    skos:hiddenLabel {_literal(division.nbs_name)}@zh-Hans ;")
        lines += [
            f"    ckg:divisionCode {_literal(division.code)} ;",
            f"    skos:notation {_literal(division.code)}^^ckg:DivisionCode ;",
            f"    dcterms:identifier {_literal(division.external_code)} ;",
            f"    ckg:parentDivision place:{division.parent or 'CN'} ;",
        ]
        if division.valid_from is not None:
            lines.append(f"    ckg:validFrom \"{division.valid_from}\"^^xsd:gYear ;")
        if division.valid_until is not None:
            lines.append(f"    ckg:validUntil \"{division.valid_until}\"^^xsd:gYear ;")
        for key in sorted(division.successors):
            lines.append(f"    dcterms:isReplacedBy place:{key} ;")
        for key in division.predecessors:
            lines.append(f"    dcterms:replaces place:{key} ;")
        for key, year in sorted(division.transfers, key=lambda t: (t[1], t[0])):
            lines.append(f"    ckg:areaTransfer <{transfer_iri(division.key, year, key)}> ;")
        sources = " , ".join(SOURCES[s] for s in division.sources)
        lines.append(f"    dcterms:source {sources} .")
        out.append("\n" + "\n".join(lines) + "\n")
        for key, year in sorted(division.transfers, key=lambda t: (t[1], t[0])):
            out.append(_transfer_turtle(division, gazetteer.divisions[key], year, core))
    return "".join(out)


def write(path: Path | None = None, *, force: bool = False) -> tuple[Path, int]:
    """Write the gazetteer Turtle (claimed first, kg.outputs: an existing file is replaced
    only if kg generated it, or with ``force``; written atomically); returns the path and the
    number of places."""
    from kg.outputs import claim_file
    from kg.store.syntax import check_output_name

    path = Path(path) if path else output_file()
    check_output_name(path, ".ttl")
    output = claim_file(path, force=force)
    text = generate()
    output.write_text(text, permissions=0o644)  # a data file of the project, readable by all
    return path, len(load_gazetteer())


def is_up_to_date(path: Path | None = None) -> bool:
    """Whether the gazetteer file ``path`` (default :func:`output_file`) holds, byte for byte,
    what :func:`generate` writes now. A KgError (exit 2) for a path that is no readable file
    (missing, a directory, unreadable: kg.paths.input_file): a file that is not there is not
    an out-of-date one; and for a file kg gazetteer did not write (no mark of it in its first
    lines: kg.outputs.marked_by), which is no gazetteer at all, out of date or not."""
    from kg.outputs import marked_by

    path = paths.input_file(Path(path) if path else output_file())
    try:
        # bytes, not text: a file that is not UTF-8 is simply not what kg gazetteer writes
        fresh = path.read_bytes() == generate().encode("utf-8")
    except OSError as exc:
        raise paths.os_error(exc, path) from None
    if not fresh and marked_by(path) != "kg gazetteer":
        raise KgError(f"{path}: not a gazetteer (no line '# GENERATED by `kg gazetteer`' at its top): nothing to "
                      "check; give the file kg gazetteer wrote")
    return fresh
