"""The search index: every labelled resource, findable by any of its labels in any script.

Search runs in the browser (kg/pages/static/search.js), the same from `kg serve` and from a
static site opened from ``file://``: the index is a script (``search-index.js``) that a page
loads, not data fetched (browsers refuse ``fetch`` from ``file://``). Each entry keeps its
labels as they are, for showing, and *keys* for matching:

- every label folded to Simplified characters (OpenCC ``t2s``) and lower case, so a query in
  Simplified finds a label written in Traditional characters and the other way round (the
  query is folded too, with :func:`fold_table`, character by character);
- the pinyin of its Chinese labels without tones or spaces (``shuifushi``), so ``shuifu``
  finds 水富市 (pypinyin);
- its compact IRI (``place:530681``), so a code finds its division.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass

from kg.pages.iris import compact, document_of, fragment_of, path_of
from kg.pages.reader import SiteIndex
from kg.pages.text import LANGUAGES


def to_simplified(text: str) -> str:
    from kg.sources.clean import to_simplified as t2s

    return t2s(text)


def pinyin(text: str) -> str:
    """Toneless pinyin of the Han characters in ``text``, run together (``shuifushi``)."""
    from pypinyin import Style, lazy_pinyin

    han = "".join(ch for ch in text if "\u3400" <= ch <= "\u9fff")
    return "".join(lazy_pinyin(han, style=Style.NORMAL)).lower() if han else ""


def fold(text: str) -> str:
    """The form queries and labels are compared in: NFKC, Simplified characters, lower case."""
    return to_simplified(unicodedata.normalize("NFKC", text)).lower()


@dataclass(frozen=True)
class Entry:
    path: str       # the page's site path
    fragment: str
    cls: str        # the compact IRI of its (first) class
    labels: dict[str, str]
    keys: tuple[str, ...]


def entries(index: SiteIndex) -> list[Entry]:
    """One entry per labelled resource of the index, in IRI order."""
    found = []
    for iri, labels in sorted(index.labels.items()):
        document = document_of(iri)
        if document is None or not labels:
            continue
        keys = {fold(text) for text in labels.values()}
        # one reading is enough: the Simplified and Traditional labels sound the same
        chinese = labels.get("zh-Hans") or labels.get("zh-Hant") or next(
            (text for lang, text in sorted(labels.items()) if lang.startswith("zh") or not lang), "")
        if chinese:
            keys.add(pinyin(chinese))
        keys.add(compact(iri).lower())
        types = index.types.get(iri, [])
        found.append(Entry(path_of(document), fragment_of(iri), compact(types[0]) if types else "",
                           {lang: text for lang, text in labels.items()}, tuple(sorted(k for k in keys if k))))
    return found


def fold_table(found: list[Entry]) -> dict[str, str]:
    """Traditional character -> Simplified, for every character of the labels whose Simplified
    form differs: what the browser needs to fold a query typed in Traditional characters."""
    characters = {ch for entry in found for text in entry.labels.values() for ch in text if ord(ch) > 0x2E7F}
    table = {}
    for ch in sorted(characters):
        simplified = to_simplified(ch)
        if simplified != ch and len(simplified) == 1:
            table[ch] = simplified
    # the Traditional forms of the Simplified characters too, so a Traditional query finds a
    # label that was only ever written in Simplified
    from kg.link.gazetteer import to_traditional

    for ch in sorted(characters):
        traditional = to_traditional(ch)
        if traditional != ch and len(traditional) == 1 and to_simplified(traditional) == ch:
            table.setdefault(traditional, ch)
    return table


def index_script(index: SiteIndex, class_labels: dict[str, dict[str, str]]) -> str:
    """``search-index.js``: the entries, the class names and the fold table as one
    assignment to ``window.KG_SEARCH``."""
    found = entries(index)
    data = {
        "languages": list(LANGUAGES),
        "fold": fold_table(found),
        "classes": class_labels,
        "entries": [[e.path, e.fragment, e.cls, e.labels, list(e.keys)] for e in found],
    }
    body = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # inside a script: no "</script" can appear, and U+2028/2029 are line ends in older JS
    body = body.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"window.KG_SEARCH = {body};\n"
