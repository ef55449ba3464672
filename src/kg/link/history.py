"""The national division-code history, 1981-2024: every code a division used, when, and what followed.

Source: ``data/reference/division-history/result.csv``, the summary table of the public project
yescallop/areacodes (CC0; its README explains the columns), compiled from the Ministry of Civil
Affairs' yearly lists of county-level and higher division codes (中华人民共和国县级以上行政区划
代码), its records of division changes and the State Council Gazette. One row is a
:class:`Record`: a code, the name it carried, its level, the years it was in use and the codes
that covered its area afterwards.

Years follow the lists: each year's list is as of 31 December, so a record is *in use in year
Y* when ``start <= Y < end`` (``end`` is the year it changed or was retired, exclusive; None
while in use). A table published for Y uses the codes and names in use in Y: a 1995 table
says 532131 水富县, a 2015 table 530630 水富县, a 2022 table 530681 水富市.

What this module derives from the rows, and the rule for each:

- **parent at the time** (:meth:`History.parent`): a county-level record's prefecture is the
  prefecture-level record of the same province whose name is the row's 二级行政区 and whose
  years of use overlap the record's (exactly one for every row of the data); ``直辖`` (directly
  under the province) gives None, and the caller decides (the gazetteer uses the NBS grouping
  code or the province); a prefecture's parent is its province (first two digits).
- **successors** (:meth:`History.successors`): the records of the 新代码 codes in use in the
  record's end year (every one exists in the data). A record that ended with no 新代码 and
  status 变更 continued under its own code (a rename or a new parent). The data gives no
  successor for retired prefecture-level records (地区 that became 市, or were divided): their
  successors are *derived* from where their county-level divisions went -- the prefecture-level
  records (in use in the end year) that are the parents of the successors of the counties it
  had in its last year (:meth:`History.derived`). One such prefecture: the area went there;
  several: the prefecture was divided.
- **partial transfers** (:meth:`History.transfers`): a 新代码 entry written ``530624[2023]``
  means part of the area went to 530624 in 2023 while the record stayed in use; the target is
  the record of that code in use in that year.
- **current places** (:meth:`History.current`): the records in use today that a record's area
  went to, following successors transitively; one for a rename, a merger or a change of code,
  several when the area was split.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from kg import paths
from kg.errors import KgError
from kg.words import counted

#: the first year the code history covers: a record starting then was in use by that year's end
FIRST_YEAR = 1981
LEVEL_NAMES = {"省级": "province", "地级": "prefecture", "县级": "county"}
STATUS_NAMES = {"在用": "in-use", "变更": "changed", "弃用": "retired"}
DIRECT = "直辖"  # 二级行政区 of a county-level division directly under its province
COLUMNS = ("代码", "一级行政区", "二级行政区", "名称", "级别", "状态", "启用时间", "变更/弃用时间", "新代码")
_SUCCESSOR = re.compile(r"^(\d{6})(?:\[(\d{4})\])?$")


def history_file() -> Path:
    """The code history the project ships: ``data/reference/division-history/result.csv``."""
    return paths.data_dir() / "reference" / "division-history" / "result.csv"


def nbs_form(code: str) -> str:
    """The code as the NBS lists key divisions: 2 digits for a province (530000 -> 53), 4 for a
    prefecture (530600 -> 5306), 6 for a county (530681). ``code`` is a 6-digit GB/T 2260 code."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


@dataclass(frozen=True)
class Record:
    """One row of the code history: a code with one name, level and parent, for its years of use.

    ``code`` is the 6-digit GB/T 2260 form; ``start`` the first year in use (inclusive), ``end``
    the year it changed or was retired (exclusive; None while in use); ``successor_codes`` the
    codes that covered its area from ``end``; ``transfer_codes`` the (code, year) of parts of its
    area that went elsewhere while it stayed in use; ``line`` its line in the file (header = 1).
    """

    code: str
    name: str
    level: str                                    # province, prefecture or county
    province: str                                 # the province's name while in use
    prefecture: str                               # 二级行政区 as written ('' province, 直辖 direct)
    status: str                                   # in-use, changed or retired
    start: int
    end: int | None
    successor_codes: tuple[str, ...] = ()
    transfer_codes: tuple[tuple[str, int], ...] = ()
    line: int = 0

    @property
    def nbs_code(self) -> str:
        """The code in NBS form (53, 5306, 530681): the form of the project's place IRIs."""
        return nbs_form(self.code) if self.level != "county" else self.code

    @property
    def in_use_today(self) -> bool:
        return self.end is None

    def in_use(self, year: int) -> bool:
        """In the list of ``year`` (as of 31 December)."""
        return self.start <= year and (self.end is None or year < self.end)

    def distance(self, year: int) -> int:
        """Years between ``year`` and the record's years of use (0 when in use that year)."""
        if year < self.start:
            return self.start - year
        if self.end is not None and year >= self.end:
            return year - self.end + 1
        return 0

    @property
    def years(self) -> str:
        """'1981-2001' style years of use, 'since 2018' while in use (end year exclusive)."""
        if self.end is None:
            return f"since {self.start}"
        return f"{self.start}-{self.end}"


def _read(path: Path) -> list[Record]:
    if not path.is_file():
        raise KgError(f"{path}: no such file (the code history ships in data/reference/division-history/)")
    records = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None or tuple(h.strip() for h in header) != COLUMNS:
            raise KgError(f"{path}:1: not the code history's header ({','.join(COLUMNS)})")
        for number, row in enumerate(reader, start=2):
            if len(row) != len(COLUMNS):
                raise KgError(f"{path}:{number}: {counted(len(row), 'cell')}, the header has {len(COLUMNS)}")
            code, province, prefecture, name, level, status, start, end, successors = (c.strip() for c in row)
            if not re.fullmatch(r"[1-9]\d{5}", code) or level not in LEVEL_NAMES or status not in STATUS_NAMES:
                raise KgError(f"{path}:{number}: cannot read code {code!r}, level {level!r} or status {status!r}")
            full, partial = [], []
            for part in filter(None, successors.split(";")):
                match = _SUCCESSOR.match(part)
                if not match:
                    raise KgError(f"{path}:{number}: cannot read the successor code {part!r}")
                if match.group(2):
                    partial.append((match.group(1), int(match.group(2))))
                else:
                    full.append(match.group(1))
            records.append(Record(code, name, LEVEL_NAMES[level], province, prefecture, STATUS_NAMES[status],
                                  int(start), int(end) if end else None, tuple(full), tuple(partial), number))
    return records


class History:
    """The code history with the relations derived from it (see the module's docstring).

    Records are compared by identity of their row; ``key(record)`` is the local name of the
    place IRI the gazetteer gives it.
    """

    def __init__(self, records: list[Record], source: Path | None = None):
        self.records = records
        self.source = source
        self.by_code: dict[str, list[Record]] = defaultdict(list)
        for record in records:
            self.by_code[record.code].append(record)
        for found in self.by_code.values():
            found.sort(key=lambda r: r.start)
        self._prefectures: dict[tuple[str, str], list[Record]] = defaultdict(list)
        for record in records:
            if record.level == "prefecture":
                self._prefectures[(record.province, record.name)].append(record)
        self.problems: list[str] = []   # what the rules above could not decide, one line each
        self._check()

    # -- lookups --------------------------------------------------------------------------------

    def __iter__(self):
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)

    def of_code(self, code: str, year: int | None = None) -> list[Record]:
        """The records of a 6-digit code, all of them or those in use in ``year``."""
        found = self.by_code.get(code, [])
        return [r for r in found if r.in_use(year)] if year is not None else list(found)

    def in_use(self, year: int) -> list[Record]:
        """Every record in the list of ``year``."""
        return [r for r in self.records if r.in_use(year)]

    def key(self, record: Record) -> str:
        """The local name of the record's place IRI: the NBS-form code for the record in use today
        (``530681``) and, when no record of the code is in use, for its last record (``530630``);
        ``<code>-<first year>`` for every other record of a reused code (``5308-2003``, 思茅市
        2003-2007, whose code 普洱市 carries today)."""
        return self._keys[record]

    @cached_property
    def _keys(self) -> dict[Record, str]:
        keys = {}
        for records in self.by_code.values():
            owner = next((r for r in records if r.in_use_today), records[-1])
            for record in records:
                keys[record] = record.nbs_code if record is owner else f"{record.nbs_code}-{record.start}"
        return keys

    # -- derived relations --------------------------------------------------------------------------

    def parent(self, record: Record) -> Record | None:
        """The prefecture-level record a county-level record belonged to, or the province of a
        prefecture; None for a province and for a county directly under its province (直辖)."""
        return self._parents.get(record)

    @cached_property
    def _parents(self) -> dict[Record, Record]:
        provinces = {r.code[:2]: r for r in self.records if r.level == "province"}
        parents = {}
        for record in self.records:
            if record.level == "prefecture":
                parents[record] = provinces[record.code[:2]]
            elif record.level == "county" and record.prefecture != DIRECT:
                found = [p for p in self._prefectures.get((record.province, record.prefecture), [])
                         if _overlap(p, record)]
                if len(found) == 1:
                    parents[record] = found[0]
                else:
                    self.problems.append(f"line {record.line}: {record.code} {record.name}: "
                                         f"{len(found)} prefectures named {record.prefecture} in {record.province} "
                                         f"in {record.years}")
        return parents

    def children(self, record: Record) -> list[Record]:
        """The records whose parent at the time is ``record``."""
        return self._children.get(record, [])

    @cached_property
    def _children(self) -> dict[Record, list[Record]]:
        children: dict[Record, list[Record]] = defaultdict(list)
        for child, parent in self._parents.items():
            children[parent].append(child)
        return children

    def successors(self, record: Record) -> tuple[Record, ...]:
        """The records that covered the record's area from its end year (empty while in use)."""
        return self._succession[0].get(record, ())

    def derived(self, record: Record) -> bool:
        """True when the record's successors were derived from its counties (see the module)."""
        return record in self._succession[1]

    @cached_property
    def _succession(self) -> tuple[dict[Record, tuple[Record, ...]], set[Record]]:
        successors: dict[Record, tuple[Record, ...]] = {}
        derived: set[Record] = set()
        pending = []
        for record in self.records:
            if record.end is None:
                continue
            codes = record.successor_codes
            if not codes and record.status == "changed" and self.of_code(record.code, record.end):
                codes = (record.code,)  # renamed or moved under another parent, same code
            if not codes:
                pending.append(record)
                continue
            found = []
            for code in codes:
                target = self.of_code(code, record.end)
                if len(target) != 1:
                    self.problems.append(f"line {record.line}: {record.code} {record.name}: successor {code} "
                                         f"has {len(target)} records in use in {record.end}")
                found.extend(target)
            successors[record] = tuple(_unique(found))
        for record in pending:  # retired prefecture-level records: where did their counties go?
            targets: list[Record] = []
            for child in self.children(record):
                if not child.in_use(record.end - 1):
                    continue
                for successor in (successors.get(child, ()) if child.end == record.end else (child,)):
                    owner = successor if successor.level != "county" else self.parent(successor)
                    if owner is None:  # the county went directly under its province
                        owner = next(p for p in self.records if p.level == "province" and p.code[:2] == successor.code[:2])
                    targets.append(owner)
            targets = [t for t in _unique(targets) if t is not record]
            if targets:
                successors[record] = tuple(targets)
                derived.add(record)
            else:
                self.problems.append(f"line {record.line}: {record.code} {record.name} ({record.years}): "
                                     f"retired with no successor code and no county to follow")
        return successors, derived

    def predecessors(self, record: Record) -> tuple[Record, ...]:
        """The records whose successors include ``record``."""
        return self._predecessors.get(record, ())

    @cached_property
    def _predecessors(self) -> dict[Record, tuple[Record, ...]]:
        found: dict[Record, list[Record]] = defaultdict(list)
        for record in self.records:
            for successor in self.successors(record):
                found[successor].append(record)
        return {k: tuple(v) for k, v in found.items()}

    def transfers(self, record: Record) -> tuple[tuple[Record, int], ...]:
        """(target record, year) for each part of the area that went elsewhere while in use."""
        return self._transfers.get(record, ())

    @cached_property
    def _transfers(self) -> dict[Record, tuple[tuple[Record, int], ...]]:
        transfers = {}
        for record in self.records:
            found = []
            for code, year in record.transfer_codes:
                target = self.of_code(code, year)
                if len(target) == 1:
                    found.append((target[0], year))
                else:
                    self.problems.append(f"line {record.line}: {record.code} {record.name}: partial transfer to "
                                         f"{code} in {year}, which has {len(target)} records in use that year")
            if found:
                transfers[record] = tuple(found)
        return transfers

    def current(self, record: Record) -> tuple[Record, ...]:
        """The records in use today that the record's area went to (itself while in use); one
        for a rename, merger or change of code, several for a split, sorted by code."""
        return self._current(record)

    def _current(self, record: Record, seen: frozenset = frozenset()) -> tuple[Record, ...]:
        if record.end is None:
            return (record,)
        if record in seen:
            return ()
        found: list[Record] = []
        for successor in self.successors(record):
            found.extend(self._current(successor, seen | {record}))
        return tuple(sorted(_unique(found), key=lambda r: r.code))

    # -- consistency ----------------------------------------------------------------------------------

    def _check(self) -> None:
        """Rows the derivations rely on: codes unique per (code, first year), intervals sane."""
        seen = set()
        for record in self.records:
            if (record.code, record.start) in seen:
                raise KgError(f"{self.source}:{record.line}: a second record of {record.code} starting in {record.start}")
            seen.add((record.code, record.start))
            if record.end is not None and record.end <= record.start:
                raise KgError(f"{self.source}:{record.line}: {record.code} ends in {record.end}, before it starts")

    def describe(self) -> dict[str, int]:
        """Counts for reports: records, in use, successions, derived, splits, transfers."""
        successors, derived = self._succession
        return {
            "records": len(self.records),
            "in use today": sum(1 for r in self.records if r.in_use_today),
            "replacement links": sum(len(v) for v in successors.values()),
            "derived (prefecture-level)": len(derived),
            "with several current places (splits)": sum(1 for r in self.records if len(self.current(r)) > 1),
            "partial transfers": sum(len(v) for v in self._transfers.values()),
        }


def _overlap(a: Record, b: Record) -> bool:
    a_end = a.end if a.end is not None else 10_000
    b_end = b.end if b.end is not None else 10_000
    return a.start < b_end and b.start < a_end


def _unique(records):
    """The records in their order, each once."""
    return list(dict.fromkeys(records))


@cache
def load_history(path: Path | None = None) -> History:
    """The project's code history (or the file at ``path``), read once per process.

    Raises :class:`kg.errors.KgError` naming the file and line of a row it cannot read.
    """
    path = Path(path) if path else history_file()
    return History(_read(path), path)
