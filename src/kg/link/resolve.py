"""Place resolution: a cell of a table (a code or a name) -> the division it named -> today's place.

A table uses the codes and names of its own year: a 1995 table says 532131 水富县, a 2015 table
530630 水富县, a 2022 table 530681 水富市 (the three records of the gazetteer, see
:mod:`kg.link.history`). :meth:`PlaceResolver.resolve` takes the year (a row's period, or a
whole table's ``--as-of``) and finds, in this order:

1. a **division code** in any form other datasets write it (:func:`parse_code`): 2, 4, 6, 9 or
   12 digits, with separators or spaces (``53-06-81``, ``530681 000 000``), as a number
   (``530681.0``, ``5.30681E+05``), full-width, with a country prefix (``CN530681``,
   ``CN-530681``); the records that held the code, the one in use that year (else the nearest
   in time);
2. a **name**, compared in Simplified characters (Traditional input goes through OpenCC t2s)
   without spaces or bracketed notes: the full name (水富市, 水富縣) first, then the name
   without its suffix (水富, 玉龙 for 玉龙纳西族自治县). Names in use that year come first;
   a name no longer (or not yet) in use that year counts when it leads to the same place
   today as the names in use -- otherwise the row is ambiguous and says so;
3. **parents**: cells naming (or coding) a province, prefecture or county the place lies in,
   resolved in the same year; a candidate must have one of them among its ancestors at the
   time (or today). A parent that matches nothing is reported as the parent's failure;
4. a name without a township suffix (镇, 乡, 街道) is not a township when a larger division
   has that name (鲁甸 is 鲁甸县, not 鲁甸乡 of Yulong);
5. **today's place**: the division in use today that the named record became (itself, or
   its successor after a rename, merger or change of code). :class:`Resolved` keeps both:
   ``division`` (today's, the observation's sdmx-dimension:refArea) and ``matched`` (as
   reported, ckg:reportedPlace).

A cell that matches nothing, several places that neither year nor parent tells apart, a
record whose area was split between several of today's places (宜宾县 1996-2018 -> 翠屏区 and
叙州区), or a code and a name that disagree is an :class:`Unresolved` with the reason and the
candidates, never a guess.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from kg.link.gazetteer import (
    Division,
    Gazetteer,
    load_gazetteer,
    short_name,
    to_simplified,
    to_traditional,
)
from kg.link.text import fold_width
from kg.words import quoted

TOWNSHIP_SUFFIXES = ("镇", "乡", "街道", "农场", "苏木")
_COUNTRY_PREFIX = re.compile(r"^(?:CHN|CN|PRC|China)(?=[\s\-_:/.]|\d)[\s\-_:/.]*", re.IGNORECASE)
_SEPARATED_DIGITS = re.compile(r"^\d+(?:[\s\-_./·]+\d+)*$")


def parse_code(text: str | int) -> str | None:
    """The digits of a division code written in any form, or None if ``text`` is not one.

    ``530681``, ``530681000000``, ``53 06 81``, ``53-06-81``, ``530681.0`` (a spreadsheet's
    number), ``5.30681E+05``, ``５３０６８１``, ``CN530681``, ``CN-530681``, ``CHN 530681``, ``530,681``,
    the integer 530681 -> ``"530681"``. Only 2, 4, 6, 9 or 12 digits are codes. The digits
    are returned as written (530600 stays 530600: :func:`code_forms` says what it can mean).
    """
    if isinstance(text, bool) or text is None:
        return None
    if isinstance(text, int):
        text = str(text)
    raw = fold_width(str(text)).strip()
    raw = _COUNTRY_PREFIX.sub("", raw)
    if re.fullmatch(r"\d+\.0*", raw) or re.fullmatch(r"\d+(\.\d+)?[eE][+]?\d+", raw):
        try:
            number = Decimal(raw)
        except InvalidOperation:
            return None
        if number != number.to_integral_value():
            return None
        raw = str(int(number))
    elif re.fullmatch(r"\d{1,3}(?:,\d{3})+", raw):  # a spreadsheet's thousands separators: 530,681
        raw = raw.replace(",", "")
    elif _SEPARATED_DIGITS.match(raw):
        raw = re.sub(r"[\s\-_./·]+", "", raw)
    else:
        return None
    return raw if len(raw) in (2, 4, 6, 9, 12) and raw[0] != "0" else None


def code_forms(code: str) -> list[str]:
    """The NBS-form codes a code written in any form can stand for, in the order tried:
    530681000000 -> 530681; 530600 -> 5306, 530600; 530000 -> 53, 530000; 530681101000 ->
    530681101."""
    code = code.strip()
    if len(code) == 12:
        code = code[:9] if code[9:] == "000" else code
        if len(code) == 9 and code.endswith("000"):
            code = code[:6]
    forms = []
    if len(code) in (2, 4, 9):
        forms.append(code)
    if len(code) == 6:
        # GB/T 2260 writes a province xx0000 and a prefecture xxxx00; the NBS list also has
        # three county-level units with such a code (东莞 441900, 中山 442000, 儋州 460400),
        # the same territory as their prefecture, which the 6-digit code names first.
        if code.endswith("0000"):
            forms.append(code[:2])
        elif code.endswith("00"):
            forms.append(code[:4])
        forms.append(code)
    return forms


@dataclass(frozen=True)
class Resolved:
    """A cell resolved: ``division`` is the place in use today (an observation's refArea),
    ``matched`` the division the cell named in its year (ckg:reportedPlace when it differs;
    None when several records of one place matched and the cell did not say which)."""

    division: Division
    method: str                         # how: code, name, short-name (+ ", parent", ...)
    matched: Division | None = None

    @property
    def code(self) -> str:
        return self.division.code

    @property
    def key(self) -> str:
        return self.division.key

    @property
    def iri(self) -> str:
        return self.division.iri

    @property
    def replaced(self) -> bool:
        """The cell named a division no longer in use (it became ``division``)."""
        return self.matched is not None and self.matched.key != self.division.key


@dataclass(frozen=True)
class Unresolved:
    """A cell not resolved: ``reason`` says what failed (one line); ``kind`` is one of
    unknown, ambiguous, split, parent or conflict; ``candidates`` are the places in question
    (for a split: today's places the area went to); ``parent`` the parent cell that named no
    place, when that is what failed."""

    text: str
    reason: str
    candidates: tuple[Division, ...] = field(default=())
    kind: str = "unknown"
    parent: str | None = None


def normalise_name(text: str) -> str:
    """What names are compared by: full-width folded, no spaces or bracketed notes, Simplified."""
    text = unicodedata.normalize("NFKC", fold_width(text or ""))
    text = re.sub(r"[(（][^)）]*[)）]", "", text)
    text = re.sub(r"[\s·・•]+", "", text)
    return to_simplified(text)


def _years(division: Division) -> str:
    if division.valid_until is not None:
        return f"{division.valid_from}-{division.valid_until}" if division.valid_from else f"until {division.valid_until}"
    return f"since {division.valid_from}" if division.valid_from else "today"


def describe(division: Division) -> str:
    """'530630 水富县 (2001-2018)': code, name and years, for messages."""
    return f"{division.code} {division.name} ({_years(division)})"


class PlaceResolver:
    """Resolve codes and names against the gazetteer (by default the project's), year-aware."""

    def __init__(self, gazetteer: Gazetteer | None = None):
        self.gazetteer = gazetteer or load_gazetteer()
        self.by_name: dict[str, list[Division]] = defaultdict(list)
        self.by_short: dict[str, list[Division]] = defaultdict(list)
        for division in self.gazetteer:
            names = {division.name} | ({division.nbs_name} if not division.placeholder and division.nbs_name else set())
            keys = {normalise_name(name) for name in names}
            # the Traditional form read back (濬縣 -> 濬县 for 浚县, 乾安縣 -> 干安县 for 乾安县):
            # OpenCC's two directions are not inverses, and tables are written in either script
            keys |= {normalise_name(to_traditional(name)) for name in names}
            for key in keys:
                self.by_name[key].append(division)
                short = short_name(key)
                if short != key:
                    self.by_short[short].append(division)

    @classmethod
    def from_parts(cls, gazetteer: Gazetteer, by_name: dict[str, list[Division]],
                   by_short: dict[str, list[Division]]) -> PlaceResolver:
        """A resolver over ``gazetteer`` with its name indexes given (as :meth:`__init__`
        makes them: normalised full names and short names -> divisions, defaultdicts of
        lists), not made again: :mod:`kg.link.placeindex` reads them from a file."""
        resolver = cls.__new__(cls)
        resolver.gazetteer, resolver.by_name, resolver.by_short = gazetteer, by_name, by_short
        return resolver

    # -- codes -----------------------------------------------------------------------------

    def by_code(self, code: str, year: int | None = None) -> list[Division]:
        """The divisions a code can name in ``year``: those in use then, else the nearest in
        time; without a year those in use today, else all that held it."""
        digits = parse_code(code)
        for form in code_forms(digits) if digits else ():
            found = self.gazetteer.of_code(form)
            if found:
                return _in_time(found, year)
        return []

    # -- the entry point -------------------------------------------------------------------

    def resolve(self, text: str | int | None, *parents: str | None, level: str | None = None,
                year: int | None = None, name: str | None = None) -> Resolved | Unresolved:
        """Resolve a place cell (a code or a name).

        ``parents``: cells naming or coding a province, prefecture or county the place lies
        in; ``level`` restricts the place to one level ('county'); ``year`` is the year of the
        table's codes and names (None: today's first, then any); ``name``: a name cell given
        beside a code cell, checked against the code. Returns :class:`Resolved` or
        :class:`Unresolved` (never raises for bad input).
        """
        raw = "" if text is None else str(text)
        stripped = unicodedata.normalize("NFKC", fold_width(raw)).strip() if not isinstance(text, int) else raw
        if not stripped:
            return Unresolved(raw, "no place given")
        digits = parse_code(text if isinstance(text, int) else raw)
        if digits is not None:
            return self._resolve_code(raw, digits, parents, level, year, name)
        if re.fullmatch(r"[\d\s\-_./·]+", stripped):
            return Unresolved(raw, f"{quoted(stripped)} is not a division code (2, 4, 6, 9 or 12 digits)")
        return self._resolve_name(raw, stripped, parents, level, year)

    # -- by code ------------------------------------------------------------------------------

    def _resolve_code(self, raw, digits, parents, level, year, name) -> Resolved | Unresolved:
        found = self.by_code(digits, year)
        if not found:
            return Unresolved(raw, f"unknown division code {quoted(digits)}" + ("" if len(digits) != 6 else
                                   " (not in the codes of 1981-2024)"))
        if level:
            found = [d for d in found if d.level == level] or found
        constraints = self._constraints(parents, year)
        if isinstance(constraints, Unresolved):
            return Unresolved(raw, constraints.reason, constraints.candidates, "parent", constraints.text)
        if constraints:
            chosen = self._chosen(found, constraints)
            within = [d for d in found if all(self._within(d, c) for c in chosen or ())] if chosen is not None else []
            if not within:
                return Unresolved(raw, f"division code {digits} is {describe(found[0])}, not in "
                                       f"{', '.join(p for p in parents if p)}", tuple(found), "conflict")
            found = within
        result = self._settle(raw, found, "code", year)
        if name and isinstance(result, Resolved):
            check = self._check_name(name, result, parents, level, year)
            if check is not None:
                return Unresolved(raw, check, (result.matched or result.division,), "conflict")
        return result

    def _check_name(self, name: str, result: Resolved, parents, level, year) -> str | None:
        """None when ``name`` names the code's division (or the same place today)."""
        given = normalise_name(name)
        record = result.matched or result.division
        names = {normalise_name(record.name), normalise_name(result.division.name)}
        if given in names or short_name(given) in {short_name(n) for n in names}:
            return None
        by_name = self._resolve_name(name, given, parents, level, year)
        if isinstance(by_name, Resolved) and by_name.division.key == result.division.key:
            return None
        return (f"the code names {describe(record)}, but the name is {quoted(name.strip())}"
                + (f" ({by_name.division.code} {by_name.division.name})" if isinstance(by_name, Resolved) else ""))

    # -- by name ------------------------------------------------------------------------------

    def _candidates(self, name: str, level: str | None) -> tuple[list[Division], list[Division]]:
        """(full-name matches, short-name matches) for a normalised name."""
        full = list(self.by_name.get(name, []))
        short = []
        short_key = short_name(name)
        for division in self.by_short.get(short_key, []) + self.by_name.get(short_key, []) + self.by_short.get(name, []):
            if division not in full and division not in short:
                short.append(division)
        if level:
            full = [d for d in full if d.level == level]
            short = [d for d in short if d.level == level]
        # 鲁甸 is 鲁甸县, not 鲁甸乡 in Yulong: a township is named with its suffix
        if not name.endswith(TOWNSHIP_SUFFIXES) and any(d.level != "township" for d in full + short):
            full = [d for d in full if d.level != "township"]
            short = [d for d in short if d.level != "township"]
        return full, short

    def _resolve_name(self, raw, stripped, parents, level, year) -> Resolved | Unresolved:
        name = normalise_name(stripped)
        full, short = self._candidates(name, level)
        if not full and not short:
            return Unresolved(raw, f"no place named {quoted(stripped)}" + (f" at {level} level" if level else ""))
        constraints = self._constraints(parents, year)
        if isinstance(constraints, Unresolved):
            return Unresolved(raw, constraints.reason, constraints.candidates, "parent", constraints.text)
        method_suffix = ""
        if constraints:
            every = full + short
            chosen = self._chosen(every, constraints)
            full = [d for d in full if all(self._within(d, c) for c in chosen)] if chosen is not None else []
            short = [d for d in short if all(self._within(d, c) for c in chosen)] if chosen is not None else []
            if not full and not short:
                named = ", ".join(p.strip() for p in parents if p and p.strip())
                elsewhere = "; ".join(f"{describe(d)} in {self._path(d)}" for d in _distinct(every)[:6])
                return Unresolved(raw, f"no place named {quoted(stripped)} in {named}"
                                       + (f" in {year}" if year else "") + f" (places of that name: {elsewhere})",
                                  tuple(every), "parent")
            if len(_distinct(every)) > len(_distinct(full + short)):
                method_suffix = ", parent"

        def in_use(divisions):
            return [d for d in divisions if (d.in_use(year) if year is not None else d.current)]

        full_now, short_now = in_use(full), in_use(short)
        if full_now:
            return self._settle(raw, full_now, "name" + method_suffix, year)
        full_near = _nearest(full, year)
        if short_now:
            if full_near and _places(self.gazetteer, full_near) != _places(self.gazetteer, short_now):
                return self._ambiguous(raw, stripped, full_near + short_now, year,
                                       f"{quoted(stripped)} was {', '.join(describe(d) for d in full_near)}, "
                                       f"but in {year if year else 'today'} "
                                       f"{', '.join(describe(d) for d in short_now)} has that name without its suffix")
            if full_near:
                return self._settle(raw, full_near, f"name{method_suffix}, {self._when(full_near, year)}", year)
            return self._settle(raw, short_now, "short-name" + method_suffix, year)
        if full_near:
            return self._settle(raw, full_near, f"name{method_suffix}, {self._when(full_near, year)}", year)
        short_near = _nearest(short, year)
        return self._settle(raw, short_near, f"short-name{method_suffix}, {self._when(short_near, year)}", year)

    def _when(self, divisions: list[Division], year: int | None) -> str:
        years = ", ".join(sorted({_years(d) for d in divisions}))
        return f"in use {years}, not in {year}" if year is not None else f"in use {years}"

    # -- deciding ---------------------------------------------------------------------------

    def _settle(self, raw: str, found: list[Division], method: str, year: int | None) -> Resolved | Unresolved:
        """One place today from the candidates, or why not."""
        found = _distinct(found)
        if len(found) > 1:
            exact = [d for d in found if normalise_name(d.name) == normalise_name(raw)]
            if 0 < len(exact) < len(found) and len(_places(self.gazetteer, exact)) == 1:
                found = exact
        places = _places(self.gazetteer, found)
        if len(found) > 1 and len(places) > 1:
            return self._ambiguous(raw, raw.strip(), found, year)
        if len(places) > 1:  # one record, split between several places today
            record = found[0]
            listing = ", ".join(f"{d.code} {d.name}" for d in places)
            return Unresolved(raw, f"{describe(record)} was split: its area is now in {listing}; "
                                   f"give one of them", tuple(places), "split")
        if not places:
            return Unresolved(raw, f"{describe(found[0])} has no successor in use today", tuple(found), "split")
        current = places[0]
        matched = found[0] if len(found) == 1 else None
        if matched is not None and matched.key != current.key:
            method += f", replaced {matched.key} -> {current.key}"
        return Resolved(current, method, matched if matched is not None else None)

    def _ambiguous(self, raw: str, text: str, found: list[Division], year: int | None,
                   why: str | None = None) -> Unresolved:
        found = _distinct(found)
        listing = "; ".join(f"{describe(d)} ({self._path(d)})" for d in found[:8])
        reason = why or f"{len(found)} places named {quoted(text)}" + (f" in {year}" if year else "")
        return Unresolved(raw, f"ambiguous: {reason}: {listing}; give the province or prefecture"
                               + ("" if year else " or the year"), tuple(found), "ambiguous")

    # -- parents ------------------------------------------------------------------------------

    def _constraints(self, parents, year) -> list[list[set[str]]] | Unresolved:
        """For each parent cell, the keys it can mean (with today's places they became), in
        tiers tried in order: a code gives one tier (its division of ``year``, else the nearest
        in time); a name gives its records bearing the full name, nearest in time first, one
        tier per distance, else (no record bears the full name) those bearing it without its
        suffix, likewise. A later tier is used only when no candidate lies in an earlier one
        (:meth:`_chosen`): 昭通市 as the parent of 水富县 in 1995 is not the county-level city
        昭通市 of that year, which had no counties, but the prefecture of that name (2001-);
        普洱市 as a parent in 2006 is the prefecture renamed so in 2007, not the county 普洱
        of that year. A full name never falls back to a shorter one: 朝阳区 in 吉林市 is not
        the 朝阳区 of 吉林省's 长春 (reported instead)."""
        constraints = []
        for parent in parents:
            if parent is None or not str(parent).strip():
                continue
            text = str(parent).strip()
            digits = parse_code(text)
            if digits is not None:
                found = self.by_code(digits, year)
                if not found:
                    return Unresolved(text, f"unknown parent division code {quoted(digits)}")
                tiers = [found]
            else:
                full, short = self._candidates(normalise_name(text), None)
                full, short = ([d for d in group if d.level in ("province", "prefecture", "county")]
                               for group in (full, short))
                if not full and not short:
                    return Unresolved(text, f"unknown parent place {quoted(text)}")
                # the full name before the name without suffix (吉林市 is the city, not 吉林省)
                tiers = _by_distance(full or short, year)
            constraints.append([self._with_current(group) for group in tiers])
        return constraints

    def _with_current(self, divisions: list[Division]) -> set[str]:
        keys = {d.key for d in divisions}
        for division in divisions:
            keys |= {c.key for c in self.gazetteer.current(division.key)}
        return keys

    def _chosen(self, candidates: list[Division], constraints: list[list[set[str]]]) -> list[set[str]] | None:
        """One tier of keys per parent cell: the first tier of each within which a candidate
        lies (together with the tiers chosen for the cells before); None when some cell has
        none."""
        chosen: list[set[str]] = []
        for tiers in constraints:
            for keys in tiers:
                if any(self._within(d, keys) and all(self._within(d, c) for c in chosen) for d in candidates):
                    chosen.append(keys)
                    break
            else:
                return None
        return chosen

    def _within(self, division: Division, keys: set[str]) -> bool:
        ancestors = {a.key for a in self.gazetteer.ancestors(division.key)}
        for ancestor in list(ancestors):
            ancestors |= {c.key for c in self.gazetteer.current(ancestor)}
        for current in self.gazetteer.current(division.key):
            ancestors |= {a.key for a in self.gazetteer.ancestors(current.key)}
        return bool(ancestors & keys)

    def _path(self, division: Division) -> str:
        return " / ".join(a.name for a in reversed(self.gazetteer.ancestors(division.key))) or "China"


def _distinct(divisions: list[Division]) -> list[Division]:
    return list({d.key: d for d in divisions}.values())


def _nearest(divisions: list[Division], year: int | None) -> list[Division]:
    """The divisions nearest in time to ``year`` (all of them when there is no year)."""
    if not divisions or year is None:
        return list(divisions)
    best = min(d.distance(year) for d in divisions)
    return [d for d in divisions if d.distance(year) == best]


def _by_distance(divisions: list[Division], year: int | None) -> list[list[Division]]:
    """The divisions grouped by distance in time to ``year``, nearest first (those in use in
    ``year`` first); without a year, those in use today, then all the others."""
    if year is None:
        today = [d for d in divisions if d.current]
        others = [d for d in divisions if not d.current]
        return [group for group in (today, others) if group]
    tiers: dict[int, list[Division]] = defaultdict(list)
    for division in divisions:
        tiers[division.distance(year)].append(division)
    return [tiers[d] for d in sorted(tiers)]


def _in_time(divisions: list[Division], year: int | None) -> list[Division]:
    """Those in use in ``year``, else the nearest; without a year those in use today, else all."""
    if year is None:
        return [d for d in divisions if d.current] or list(divisions)
    return [d for d in divisions if d.in_use(year)] or _nearest(divisions, year)


def _places(gazetteer: Gazetteer, divisions: list[Division]) -> list[Division]:
    """Today's places the divisions became, each once, by key."""
    found: dict[str, Division] = {}
    for division in divisions:
        for current in gazetteer.current(division.key):
            found[current.key] = current
    return [found[k] for k in sorted(found)]
