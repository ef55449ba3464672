"""Place resolution: a cell of a table (a code or a name) -> one division of the gazetteer.

In this order:

1. a division code in any of its forms: 2, 4, 6 or 9 digits as the NBS lists them, 6 digits
   GB/T 2260 / Wikidata P442 style (530000, 530600) or the 12-digit statistical form
   (530681000000, 530681101000);
2. a name, compared in Simplified characters (Traditional input goes through OpenCC t2s)
   without spaces: first the full name (水富市, 水富縣), then the name without its suffix
   (水富, 玉龙 for 玉龙纳西族自治县);
3. among several candidates, the parent: a province and/or prefecture (name or code) that
   must be an ancestor of the place;
4. a name without a township suffix (镇, 乡, 街道) is not a township when a county or larger
   division has that name (鲁甸 is 鲁甸县, not 鲁甸乡 of Yulong);
5. a replaced division resolves to its successor (水富县 530630 -> 水富市 530681: the same
   territory), so data keyed on either lands on the same place.

A cell that matches nothing, or several places that the parent does not tell apart, is an
:class:`Unresolved` with the reason (and the candidates), never a guess.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from kg.link.gazetteer import (
    Division,
    Gazetteer,
    load_gazetteer,
    short_name,
    to_simplified,
)

_CODE = re.compile(r"^\d+$")
TOWNSHIP_SUFFIXES = ("镇", "乡", "街道", "农场", "苏木")


@dataclass(frozen=True)
class Resolved:
    division: Division                  # the current division (a successor for replaced codes)
    method: str                         # code, name, short-name (+ ", parent", ", replaced")
    matched: Division | None = None     # the division the text named, when it was replaced

    @property
    def code(self) -> str:
        return self.division.code

    @property
    def iri(self) -> str:
        return self.division.iri

    @property
    def replaced(self) -> bool:
        return self.matched is not None and self.matched.code != self.division.code


@dataclass(frozen=True)
class Unresolved:
    text: str
    reason: str
    candidates: tuple[Division, ...] = field(default=())


def normalise_name(text: str) -> str:
    """What names are compared by: NFKC, no spaces or brackets' contents, Simplified characters."""
    text = unicodedata.normalize("NFKC", text or "")
    text = re.sub(r"[(（][^)）]*[)）]", "", text)
    text = re.sub(r"[\s·・•]+", "", text)
    return to_simplified(text)


def code_forms(code: str) -> list[str]:
    """The NBS codes a code written in any form can stand for, most specific first:
    530681000000 -> 530681; 530600 -> 5306; 530000 -> 53; 530681101000 -> 530681101."""
    code = code.strip()
    if len(code) == 12:
        code = code[:9] if code[9:] == "000" else code
        if len(code) == 9 and code.endswith("000"):
            code = code[:6]
    forms = []
    if len(code) in (2, 4, 9):
        forms.append(code)
    if len(code) == 6:
        forms.append(code)
        if code.endswith("0000"):
            forms.append(code[:2])
        elif code.endswith("00"):
            forms.append(code[:4])
    return forms


class PlaceResolver:
    """Resolve codes and names against the gazetteer (by default the project's)."""

    def __init__(self, gazetteer: Gazetteer | None = None):
        self.gazetteer = gazetteer or load_gazetteer()
        self.by_name: dict[str, list[Division]] = defaultdict(list)
        self.by_short: dict[str, list[Division]] = defaultdict(list)
        for division in self.gazetteer:
            names = {division.name} | ({division.nbs_name} if not division.placeholder else set())
            for name in names:
                self.by_name[normalise_name(name)].append(division)
                short = short_name(normalise_name(name))
                if short != normalise_name(name):
                    self.by_short[short].append(division)

    # -- codes -----------------------------------------------------------------------------

    def by_code(self, code: str) -> Division | None:
        for form in code_forms(code):
            division = self.gazetteer.get(form)
            if division is not None:
                return division
        return None

    # -- parents ---------------------------------------------------------------------------

    def _parent_codes(self, parent: str | None) -> set[str] | Unresolved | None:
        """The codes a parent cell can mean (a name may mean a province or a prefecture)."""
        if parent is None or not str(parent).strip():
            return None
        text = str(parent).strip()
        if _CODE.match(text):
            division = self.by_code(text)
            if division is None:
                return Unresolved(text, f"unknown parent division code {text!r}")
            return {division.code, *self._successors(division)}
        candidates = self._name_candidates(normalise_name(text), levels=("province", "prefecture", "county"))
        if not candidates:
            return Unresolved(text, f"unknown parent place {text!r}")
        return {c.code for c in candidates} | {s for c in candidates for s in self._successors(c)}

    def _successors(self, division: Division) -> set[str]:
        successor = self.gazetteer.successor(division.code)
        return {successor.code} if successor is not None else set()

    def _name_candidates(self, name: str, levels: tuple[str, ...] | None = None) -> list[Division]:
        found = self.by_name.get(name) or []
        if not found:
            found = self.by_name.get(short_name(name), []) if short_name(name) != name else []
        if not found:
            found = self.by_short.get(short_name(name)) or self.by_short.get(name) or []
        if levels:
            found = [d for d in found if d.level in levels]
        return found

    # -- the entry point -------------------------------------------------------------------

    def resolve(self, text: str, *parents: str | None, level: str | None = None) -> Resolved | Unresolved:
        """Resolve a place cell. ``parents``: cells naming (or coding) a province and/or a
        prefecture the place lies in; ``level`` restricts names to one level ('county')."""
        raw = "" if text is None else str(text)
        stripped = unicodedata.normalize("NFKC", raw).strip()
        if not stripped:
            return Unresolved(raw, "no place given")
        if _CODE.match(stripped):
            division = self.by_code(stripped)
            if division is None:
                reason = (f"unknown division code {stripped!r}" if len(stripped) in (2, 4, 6, 9, 12)
                          else f"{stripped!r} is not a division code (2, 4, 6, 9 or 12 digits)")
                return Unresolved(raw, reason)
            return self._current(division, "code")

        name = normalise_name(stripped)
        full = list(self.by_name.get(name, []))
        method = "name"
        if not full and short_name(name) != name:
            # 水富市 written 水富县 or 水富 with another suffix: compare without suffixes
            full = [d for d in self.by_short.get(short_name(name), []) + self.by_name.get(short_name(name), [])]
            method = "short-name"
        if not full:
            full = list(self.by_short.get(name, []))
            method = "short-name"
        if level:
            full = [d for d in full if d.level == level]
        if not full:
            return Unresolved(raw, f"no place named {stripped!r}" + (f" at {level} level" if level else ""))

        candidates = self._dedupe(full)
        if not name.endswith(TOWNSHIP_SUFFIXES) and any(d.level != "township" for d in candidates):
            # 鲁甸 is 鲁甸县, not 鲁甸乡 in Yulong: a township is named with its suffix
            candidates = [d for d in candidates if d.level != "township"]
        constraints = [self._parent_codes(p) for p in parents]
        for constraint in constraints:
            if isinstance(constraint, Unresolved):
                return Unresolved(raw, constraint.reason)
        constraints = [c for c in constraints if c]
        if constraints:
            within = [d for d in candidates if all(self._within(d, c) for c in constraints)]
            if not within:
                names = ", ".join(p for p in parents if p)
                return Unresolved(raw, f"no place named {stripped!r} in {names}", tuple(candidates))
            if len(candidates) > 1:
                method += ", parent"
            candidates = within
        if len(candidates) > 1:
            # a suffix written out (朝阳区) prefers the divisions whose name ends with it
            exact = [d for d in candidates if normalise_name(d.name) == name]
            if len(exact) == 1:
                candidates = exact
        if len(candidates) > 1:
            listing = "; ".join(f"{d.code} {d.name} ({self._path(d)})" for d in candidates[:8])
            return Unresolved(raw, f"ambiguous: {len(candidates)} places named {stripped!r}: {listing}; "
                                   f"give the province or prefecture", tuple(candidates))
        return self._current(candidates[0], method)

    def _dedupe(self, divisions: list[Division]) -> list[Division]:
        """One candidate per current place: a replaced division and its successor are one."""
        seen: dict[str, Division] = {}
        for division in divisions:
            current = self.gazetteer.successor(division.code) or division
            if current.code not in seen or seen[current.code].replaced_by:
                seen.setdefault(current.code, division)
                if not division.replaced_by:
                    seen[current.code] = division
        return list(seen.values())

    def _within(self, division: Division, codes: set[str]) -> bool:
        current = self.gazetteer.successor(division.code) or division
        ancestors = {a.code for a in self.gazetteer.ancestors(current.code)}
        ancestors |= {a.code for a in self.gazetteer.ancestors(division.code)}
        return bool(ancestors & codes)

    def _path(self, division: Division) -> str:
        return " / ".join(a.name for a in reversed(self.gazetteer.ancestors(division.code)))

    def _current(self, division: Division, method: str) -> Resolved:
        current = self.gazetteer.successor(division.code) or division
        if current.code != division.code:
            return Resolved(current, f"{method}, replaced {division.code} -> {current.code}", division)
        return Resolved(division, method)
