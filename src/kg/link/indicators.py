"""Indicator names as yearbooks print them -> one name, one matching key, and the unit in the name.

Yearbook tables decorate the names in their indicator column: ``#第一产业增加值`` and
``其中：第一产业增加值`` mark a sub-item of the row above; ``1.``, ``1、``, ``(一)``, ``（1）``,
``一、``, ``①``, ``Ⅰ.`` number the rows; a trailing ``：`` introduces sub-items; the unit may
be written in the name, ``地区生产总值(亿元)`` or ``地区生产总值（亿元）``; names come in
full-width forms, with spaces for indentation, in Simplified or Traditional characters. If
those decorations were part of the name, ``#第一产业增加值`` and ``第一产业增加值`` would be two
indicators and a time series would split in two.

:func:`indicator_name` removes them (a bracket stays when it is not a unit:
``第一产业(农林牧渔业)`` keeps its bracket) and returns the name, the key names are matched by
(Simplified characters, no spaces, full-width folded, lower case), the unit written in the
name (to use when a row has no unit column) and what was removed. Whether a ``#`` item is a
part of the row above is not modelled: the name is the indicator.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from kg.link.gazetteer import to_simplified
from kg.link.text import fold_width
from kg.link.values import ValueParseError, parse_unit, strip_footnotes

_SUBITEM = re.compile(r"^(?:[#＃]+|其中[:：]?|其中[,，]|內?含[:：])")
_NUMBERING = re.compile(
    r"^(?:\d{1,2}(?:\.\d{1,2})*[.、)．]"           # 1.  1、  1.2.  1)
    r"|[(（]\d{1,2}[)）]"                           # (1) （1）
    r"|[(（][一二三四五六七八九十]{1,3}[)）]"        # (一) （十二）
    r"|[一二三四五六七八九十]{1,3}[、.．]"           # 一、
    r"|[\u2460-\u249b\u2776-\u2793]"                # ① ⑴ ⒈ ❶
    r"|[\u2160-\u216b][.、．]?)"                     # Ⅰ. Ⅻ
)
_UNIT_BRACKET = re.compile(r"[(（\[［【]([^()（）\[\]［］【】]{1,12})[)）\]］】]$")
_UNIT_SUFFIX = re.compile(r"[,，/]\s*(?:单位[:：])?\s*([^,，/]{1,12})$")


@dataclass(frozen=True)
class IndicatorName:
    """An indicator cell read: ``name`` as it should be labelled (decorations removed, the
    script as written), ``key`` what names are matched by, ``unit`` the unit written in the
    name or None, ``removed`` the decorations taken off (for reports)."""

    name: str
    key: str
    unit: str | None
    removed: tuple[str, ...]


def indicator_key(text: str) -> str:
    """The matching key of a clean name: NFKC, no spaces or separators, Simplified, lower case
    (地區生產總值 and 地区生产总值 have one key)."""
    text = unicodedata.normalize("NFKC", fold_width(text or ""))
    text = re.sub(r"[\s·・•]+", "", text)
    return to_simplified(text).lower()


def indicator_name(text: str) -> IndicatorName:
    """Read an indicator cell (see the module's docstring): ``"  #其中：第一产业增加值（亿元）"``
    -> name ``第一产业增加值``, unit ``亿元``, removed ``('#', '其中：', '（亿元）')``. An empty
    cell gives an empty name."""
    return _indicator_name(text)


@lru_cache(maxsize=8192)
def _indicator_name(text: str) -> IndicatorName:
    # Cached: a table names a few indicators, each on thousands of rows, and the importer
    # reads each row's name more than once; the answer is immutable (a frozen dataclass).
    raw = (text or "").replace("\u3000", " ").strip()
    removed: list[str] = []
    name = raw
    changed = True
    while changed and name:
        changed = False
        for pattern in (_SUBITEM, _NUMBERING):
            match = pattern.match(name)
            if match and match.end() < len(name):
                removed.append(match.group(0))
                name = name[match.end():].lstrip()
                changed = True
    name, marks = strip_footnotes(name) if name else (name, ())
    removed += marks
    while name.endswith((":", "：")):
        removed.append(name[-1])
        name = name[:-1].rstrip()
    unit = None
    for pattern in (_UNIT_BRACKET, _UNIT_SUFFIX):
        match = pattern.search(name)
        if match and match.start() > 0:
            candidate = match.group(1).strip()
            candidate = re.sub(r"^单位[:：]\s*", "", candidate)
            try:
                parse_unit(candidate)
            except ValueParseError:
                continue  # 第一产业(农林牧渔业): a bracket that is part of the name
            unit = candidate
            removed.append(match.group(0))
            name = name[:match.start()].rstrip()
            break
    name = re.sub(r"\s+", " ", name).strip()
    return IndicatorName(name, indicator_key(name), unit, tuple(removed))
