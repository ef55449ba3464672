"""From a scraped document to the text the graph quotes.

The raw file is kept exactly as scraped. Cleaning turns the forms the county news and
government sites produce into one plain text, in the script the document is written in
(Traditional or Simplified):

- inline pinyin the scraper interleaved with the characters, with or without tone marks, in
  ASCII or full-width brackets, one syllable per character (``網(wǎng)`` -> ``網``,
  ``网络(wangluo)`` -> ``网络``, ``鹽津(yán jīn)`` -> ``鹽津``); bracketed latin that is not pinyin (``(kg)``, ``(Wi-Fi)``)
  stays;
- the header, after a title line or not: ``來源:昭通新聞網`` / ``来源：XX融媒体中心`` (publisher), a date with or
  without a time (``2023-08-22 15:51``, ``2023年8月22日``, full-width digits, after
  ``發布時間:`` or alone), each on its own line or run into the first sentence; an author
  field (``作者:``, ``記者``) in the header is read as a credit; fields in either order on one
  line (``2023-10-20 09:30 來源：昭通新聞網``); a line naming a field that is not understood is
  kept and reported;
- the credit lines at the end (``通訊員:楊瓊玉 凌 翠\\文 王善美\\圖``, ``記者 張三``,
  ``（責任編輯：李四）``, ``文/張三 圖/李四``): kept as the text's last lines, authors and
  photographers read from them;
- line ends (``\\r\\n``, ``\\r``), a byte order mark, blank lines and the spaces around lines.

The body's punctuation (full-width or ASCII) is left as the publisher wrote it: quotes must
be exact. Damage only a person can judge (a garbled character) is fixed by the one declared
mechanism, the registry's ``repairs`` (each must occur exactly once). The cleaned text in the
document's own script is the reference for every quote offset; a copy in the other script
is written beside it for readers and search.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from kg import atomic, paths
from kg.errors import KgError
from kg.namespaces import CKG, DS, QB, SCHEMA, SPDX, SRC, bind_prefixes, quote_namespace

# A pinyin syllable once tone marks are folded away (ü written as v). Checking the shape of
# the syllable, not just "latin letters in brackets", keeps genuine bracketed latin such as
# "(kg)" or "(Wi-Fi)" in the text.
_PINYIN_SYLLABLE = re.compile(
    r"^(zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|van|ai|ei|ao|ou|an|en|in|un|vn"
    r"|ia|ie|iu|ua|uo|ui|ue|ve|er|a|o|e|i|u|v)r?$"
)

_HAN = "\u3400-\u9fff\uf900-\ufaff"

# An annotation: a bracketed run of lowercase latin letters (with tone marks) right after a
# Han character. Both ASCII and full-width brackets occur in scraped Chinese pages; a run
# may annotate several characters, written together or a syllable per word (网络(wangluo),
# 盐津(yán jīn)).
_LATIN = "[a-zA-Z\u00c0-\u024f\u0300-\u036f]"
_ANNOTATION = re.compile(f"(?<=[{_HAN}])[(（]({_LATIN}{{1,30}}(?: {_LATIN}{{1,30}}){{0,9}})[)）]")

PREFIX_SUFFIX_LENGTH = 8
LANGUAGES = ("zh-Hant", "zh-Hans")

# -- the header -----------------------------------------------------------------------------

_DIGIT = "[0-9\uff10-\uff19]"
_DATE = (f"(?P<year>{_DIGIT}{{4}})\\s*[-/.－／年]\\s*(?P<month>{_DIGIT}{{1,2}})\\s*[-/.－／月]\\s*"
         f"(?P<day>{_DIGIT}{{1,2}})\\s*日?"
         f"(?:\\s*(?P<hour>{_DIGIT}{{1,2}})\\s*[:：]\\s*(?P<minute>{_DIGIT}{{2}})(?:\\s*[:：]\\s*{_DIGIT}{{2}})?)?")
_FIELD_PUBLISHER = re.compile(r"^(?:來源|来源|稿源|來自|来自|信息來源|信息来源)\s*[:：]\s*"
                              r"(?P<publisher>[^\s:：]+?)(?=\s|$|(?:發布|发布|時間|时间|日期|作者|記者|记者)|" + _DIGIT + ")")
_FIELD_DATE = re.compile(r"^(?:(?:發布時間|发布时间|發布日期|发布日期|發表時間|发表时间|時間|时间|日期)\s*[:：]?\s*)?" + _DATE)
_FIELD_AUTHOR = re.compile(r"^(?:作者|記者|记者)\s*[:：]?\s*(?P<names>[^\s:：]+(?:\s+[^\s:：]{1,4})*?)(?=\s*$|\s+(?:來源|来源|發布|发布|時間|时间|日期))")
_FIELD_SEPARATOR = re.compile(r"^[\s|｜丨/／·•]+")
HEADER_LINES = 4
# A line naming a header field: when it is not read as one, the reader is told.
_HEADER_LIKE = re.compile(r"(?:來源|来源|稿源|發布時間|发布时间|發布日期|发布日期)\s*[:：]")
# A title: one short line with no sentence end, above the header (標題 / 来源 / 日期 layout).
_TITLE_MAX = 60


def _looks_like_title(line: str) -> bool:
    return len(line) <= _TITLE_MAX and not re.search(r"[。！？!?；;]", line) and not _HEADER_LIKE.search(line)

# -- the credit lines ---------------------------------------------------------------------------

_CREDIT_ROLE = ("通訊員|通讯员|記者|记者|作者|撰稿|編輯|编辑|責任編輯|责任编辑|責編|责编|審核|审核|審校|审校|校對|校对"
                "|攝影|摄影|圖片|图片|供稿|供圖|供图|來源|来源|編審|编审|值班編輯|值班编辑|文|圖|图")
_CREDIT = re.compile(f"^[(（【\\[]?\\s*(?:{_CREDIT_ROLE})\\s*[:：/／]")
_CREDIT_REPORTER = re.compile(r"^[(（]?\s*(?:記者|记者|通訊員|通讯员)\s+\S")
_CREDIT_RUNS = re.compile(r"\\[文圖图]")
CREDIT_LINES = 4
_AUTHOR_ROLES = ("通訊員", "通讯员", "記者", "记者", "作者", "撰稿", "文")
_PHOTO_ROLES = ("攝影", "摄影", "圖片", "图片", "供圖", "供图", "圖", "图")


def _fold_tones(syllable: str) -> str:
    syllable = syllable.replace("ü", "v")
    for marked in "ǖǘǚǜ":
        syllable = syllable.replace(marked, "v")
    decomposed = unicodedata.normalize("NFD", syllable)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("u\u0308", "v")


def is_pinyin(token: str) -> bool:
    """True when ``token`` is one lower-case pinyin syllable, with or without tone marks.
    Annotations are always lower case; capitals mean a latin word (``Wi`` of ``Wi-Fi``)."""
    return token == token.lower() and bool(_PINYIN_SYLLABLE.match(_fold_tones(token)))


def pinyin_syllables(token: str) -> int:
    """How many pinyin syllables ``token`` is written as (``wǎngluò`` -> 2), or 0 when it is
    not a run of lower-case syllables. The split prefers the longest syllable first and backs
    off (``xian`` is one syllable, ``xīān`` two when the marks say so)."""
    if not token or token != token.lower():
        return 0
    folded = _fold_tones(token)
    best: dict[int, int] = {len(folded): 0}
    for start in range(len(folded) - 1, -1, -1):
        for end in range(len(folded), start, -1):
            if end in best and _PINYIN_SYLLABLE.match(folded[start:end]):
                count = 1 + best[end]
                if start not in best or count < best[start]:
                    best[start] = count
    return best.get(0, 0)


def strip_pinyin(text: str) -> str:
    """Remove inline pinyin annotations after Han characters; keep every other bracket. A run
    of N syllables (written together or separated by spaces, with or without tone marks) is
    an annotation only when N Han characters precede it; a bracket holding anything that is
    not pinyin syllables stays."""

    def replace(match: re.Match) -> str:
        token = match.group(1)
        if is_pinyin(token):
            return ""
        words = [pinyin_syllables(word) for word in token.split(" ")]
        count = sum(words) if all(words) else 0  # every word must be pinyin
        if count > 1 and re.fullmatch(f"[{_HAN}]{{{count}}}", text[max(0, match.start() - count):match.start()]):
            return ""
        return match.group(0)

    return _ANNOTATION.sub(replace, text)


@dataclass(frozen=True)
class CleanArticle:
    """A cleaned document: ``publisher`` and ``published`` as its header states them (None
    when it states none), the body ``paragraphs``, the ``credit_line`` (the credit lines at
    the end, joined by newlines; "" when there are none), the names they credit, and
    ``text``, the paragraphs and credit lines one per line, ending with a newline. ``title``:
    the line before the header, when there is one (not part of ``text``); ``notes``: lines
    that look like a header but were not understood, kept in the text (FILE:LINE: ...)."""

    publisher: str | None
    published: datetime | date | None
    paragraphs: tuple[str, ...]
    credit_line: str
    authors: tuple[str, ...]
    photographers: tuple[str, ...]
    text: str = field(repr=False)
    title: str | None = None
    notes: tuple[str, ...] = ()


def _credit_names(run: str) -> tuple[str, ...]:
    """Names in a credit run such as ``楊瓊玉 凌 翠``: single characters spaced apart for
    typographic alignment (``凌 翠``) belong to one name."""
    names: list[str] = []
    pending = ""
    for token in run.split():
        if len(token) == 1:
            pending += token
            continue
        if pending:
            names.append(pending)
            pending = ""
        names.append(token)
    if pending:
        names.append(pending)
    return tuple(names)


def _parse_credit(line: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(authors, photographers) a credit line names. ``通訊員:楊瓊玉 凌 翠\\文 王善美\\圖``:
    each run of names ends with \\文 (text) or \\圖 (photos); ``記者 張三 李四`` and
    ``文/張三 圖/李四`` name them after the role; editors and reviewers are not credited."""
    body = line.strip().strip("()（）【】[]")
    if _CREDIT_RUNS.search(body):
        body = re.sub(f"^(?:{_CREDIT_ROLE})\\s*[:：]\\s*", "", body)
        authors: list[str] = []
        photographers: list[str] = []
        for run, role in re.findall(r"([^\\]+)\\([文圖图])", body):
            (authors if role == "文" else photographers).extend(_credit_names(run))
        return tuple(authors), tuple(photographers)
    authors, photographers = [], []
    for role, names in re.findall(f"({_CREDIT_ROLE})\\s*[:：/／]?\\s*([^:：/／]+?)(?=\\s+(?:{_CREDIT_ROLE})\\s*[:：/／]|$)", body):
        target = authors if role in _AUTHOR_ROLES else photographers if role in _PHOTO_ROLES else None
        if target is not None:
            target.extend(_credit_names(re.sub(r"[、,，;；]", " ", names)))
    return tuple(authors), tuple(photographers)


def is_credit(line: str) -> bool:
    """A credit line: a role and a colon or slash (``通訊員:``, ``（責任編輯：``, ``圖/``), a
    reporter named after a space (``記者 張三``), or runs ending in ``\\文`` / ``\\圖``."""
    return bool(_CREDIT.match(line) or _CREDIT_REPORTER.match(line)
                or (_CREDIT_RUNS.search(line) and len(line) <= 60))


@dataclass(frozen=True)
class Repair:
    """A documented fix of scraper damage: ``damaged`` must occur exactly once in the text."""

    damaged: str
    repaired: str
    reason: str


def apply_repairs(text: str, repairs: tuple[Repair, ...], name: str) -> str:
    for repair in repairs:
        count = text.count(repair.damaged)
        if count != 1:
            raise KgError(f"{name}: repair {repair.damaged!r} -> {repair.repaired!r} expects exactly one occurrence, found {count}")
        text = text.replace(repair.damaged, repair.repaired)
    return text


def _number(text: str) -> int:
    return int(unicodedata.normalize("NFKC", text))


def _read_date(match: re.Match, timezone: str, where: str) -> datetime | date:
    try:
        day = date(_number(match["year"]), _number(match["month"]), _number(match["day"]))
        if match["hour"] is None:
            return day
        return datetime.fromisoformat(f"{day.isoformat()}T{_number(match['hour']):02d}:{_number(match['minute']):02d}:00{timezone}")
    except ValueError as exc:
        raise KgError(f"{where}: the date {match.group(0).strip()!r} is not a date ({exc})") from None


@dataclass
class _Header:
    publisher: str | None = None
    published: datetime | date | None = None
    authors: tuple[str, ...] = ()


def _read_header_line(line: str, header: _Header, timezone: str, where: str) -> tuple[bool, str]:
    """Consume the header fields at the start of ``line``: (whether any was read, the rest)."""
    rest, found = line, False
    while rest:
        for pattern in (_FIELD_PUBLISHER, _FIELD_DATE, _FIELD_AUTHOR):
            match = pattern.match(rest)
            if not match:
                continue
            if pattern is _FIELD_PUBLISHER and header.publisher is None:
                header.publisher = match["publisher"]
            elif pattern is _FIELD_DATE and header.published is None:
                header.published = _read_date(match, timezone, where)
            elif pattern is _FIELD_AUTHOR:
                header.authors += _credit_names(match["names"])
            else:
                return found, rest  # a second date or publisher: the body has begun
            rest = _FIELD_SEPARATOR.sub("", rest[match.end():]) if pattern is not _FIELD_DATE else rest[match.end():].lstrip()
            found = True
            break
        else:
            break
    return found, rest


def clean(raw: str, *, timezone: str = "+08:00", name: str = "<raw>", repairs: tuple[Repair, ...] = ()) -> CleanArticle:
    """Clean a scraped document (see the module's docstring). ``name`` is used in error
    messages (``FILE:LINE: ...``); ``repairs`` are applied after the pinyin is stripped.
    Raises KgError for an empty document, one with no body, or a header date that is no date."""
    text = raw.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    stripped = apply_repairs(strip_pinyin(text), repairs, name)
    numbered = [(number, line.strip()) for number, line in enumerate(stripped.split("\n"), start=1)]
    numbered = [(number, line) for number, line in numbered if line]
    if not numbered:
        raise KgError(f"{name}: the document is empty")
    header = _Header()
    body: list[str] = []
    index = 0
    title = None
    if len(numbered) > 2 and _looks_like_title(numbered[0][1]) \
            and not _read_header_line(numbered[0][1], _Header(), timezone, f"{name}:{numbered[0][0]}")[0] \
            and _read_header_line(numbered[1][1], _Header(), timezone, f"{name}:{numbered[1][0]}")[0]:
        title, index = numbered[0][1], 1  # a title line, then the header
    while index < min(HEADER_LINES + (title is not None), len(numbered)):
        number, line = numbered[index]
        found, rest = _read_header_line(line, header, timezone, f"{name}:{number}")
        if not found:
            break
        index += 1
        if rest:
            body.append(rest)  # the header run into the first sentence
            break
    notes = tuple(f"{name}:{number}: looks like a header line but is not understood; kept in the text: {line!r}"
                  for number, line in numbered[index:index + 2] if _HEADER_LIKE.search(line))
    body += [line for _number_, line in numbered[index:]]
    credits: list[str] = []
    while body and len(credits) < CREDIT_LINES and is_credit(body[-1]):
        credits.insert(0, body.pop())
    if not body:
        raise KgError(f"{name}: no text after the header and credit lines")
    authors, photographers = list(header.authors), []
    for line in credits:
        more_authors, more_photographers = _parse_credit(line)
        authors += [a for a in more_authors if a not in authors]
        photographers += [p for p in more_photographers if p not in photographers]
    return CleanArticle(
        publisher=header.publisher,
        published=header.published,
        paragraphs=tuple(body),
        credit_line="\n".join(credits),
        authors=tuple(authors),
        photographers=tuple(photographers),
        text="\n".join([*body, *credits]) + "\n",
        title=title,
        notes=notes,
    )


@cache
def _opencc(config: str):
    import opencc  # imported lazily: only cleaning needs it

    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    return _opencc("t2s").convert(text)


def to_traditional(text: str) -> str:
    return _opencc("s2t").convert(text)


def convert(text: str, language: str) -> str:
    """``text`` in ``language``'s script (zh-Hans or zh-Hant), by OpenCC."""
    return to_simplified(text) if language == "zh-Hans" else to_traditional(text)


def other_language(language: str) -> str:
    return "zh-Hans" if language == "zh-Hant" else "zh-Hant"


def detect_language(text: str) -> str | None:
    """The script a Chinese text is written in, by its characters that exist in one script
    only (OpenCC's tables): 'zh-Hant', 'zh-Hans', or None when it has no such character or
    as many of each (a person must say which)."""
    han = "".join(sorted(set(re.findall(f"[{_HAN}]", text))))
    traditional = sum(1 for a, b in zip(han, to_simplified(han)) if a != b)
    simplified = sum(1 for a, b in zip(han, to_traditional(han)) if a != b)
    if traditional > simplified:
        return "zh-Hant"
    if simplified > traditional:
        return "zh-Hans"
    return None


@dataclass(frozen=True)
class Source:
    """A registered document (an entry of ``data/sources/sources.toml``).

    ``folder`` is the source's own folder under ``data/sources/`` ("" for the first article,
    whose files sit in ``data/sources/`` itself); the cleaned texts, the description
    (``description_file``) and, for documents curated by review, ``review.csv`` and the
    accepted ``facts.ttl`` live there. ``language`` is the script of the reference text.
    ``kind`` is ``news`` (a schema:NewsArticle: publisher and date required) or ``document``
    (a schema:CreativeWork: what is unknown stays unknown)."""

    key: str
    raw_path: Path
    article: URIRef
    labels: dict[str, str]
    language: str
    timezone: str
    agents: dict[str, str]
    repairs: tuple[Repair, ...] = ()
    folder: str = ""
    description_file: str = "article.ttl"
    kind: str = "news"
    encoding: str = "utf-8"
    publisher: str | None = None
    issued: str | None = None
    url: str | None = None
    title: str | None = None
    place: str | None = None

    @property
    def directory(self) -> Path:
        return self.raw_path.parent.parent

    def text_file(self, language: str) -> Path:
        return self.directory / f"{self.key}.{language}.txt"

    @property
    def text_path(self) -> Path:
        """The cleaned text in the document's own script: quote offsets refer to it."""
        return self.text_file(self.language)

    @property
    def copy_path(self) -> Path:
        """The cleaned text in the other script (OpenCC), for readers and search."""
        return self.text_file(other_language(self.language))

    @property
    def hant_path(self) -> Path:
        return self.text_file("zh-Hant")

    @property
    def hans_path(self) -> Path:
        return self.text_file("zh-Hans")

    @property
    def description_path(self) -> Path:
        return self.directory / self.description_file

    @property
    def curation_directory(self) -> Path:
        """Where the review of this source's candidate facts and the accepted facts live: its
        folder (``data/sources/<key>/``, made for the first article, whose texts sit in
        ``data/sources/`` itself, so that no review file lands among the loaded ones)."""
        return self.directory if self.folder else self.directory / self.key

    @property
    def facts_path(self) -> Path:
        """Where accepted candidate facts are written (``kg curate accept``)."""
        return self.curation_directory / "facts.ttl"

    @property
    def review_path(self) -> Path:
        return self.curation_directory / "review.csv"

    @property
    def draft_path(self) -> Path:
        return self.curation_directory / "draft.ttl"

    @property
    def text_iri(self) -> URIRef:
        return SRC[f"{self.key}-{self.language}"]

    @property
    def copy_iri(self) -> URIRef:
        return SRC[f"{self.key}-{other_language(self.language)}"]

    @property
    def simplified_iri(self) -> URIRef:
        return SRC[f"{self.key}-zh-Hans"]

    @property
    def raw_iri(self) -> URIRef:
        return SRC[f"{self.key}-raw"]

    @property
    def dataset(self) -> URIRef:
        """The Data Cube data set of the figures this document reports."""
        return DS[self.key]

    @property
    def quotes(self) -> Namespace:
        """The namespace of quotes into this document's text (``.../quote/<key>/START-END``)."""
        return quote_namespace(self.key)

    def issued_value(self) -> datetime | date | None:
        """The publication date-time (or date) the registry records, or None."""
        if not self.issued:
            return None
        return datetime.fromisoformat(self.issued) if "T" in self.issued else date.fromisoformat(self.issued)

    def publication(self, article: CleanArticle) -> tuple[str | None, datetime | date | None]:
        """(publisher, publication date) as the description states them: the registry's
        (``kg source add --publisher/--date``) first, else what the document's header says;
        None where neither says. The one place both are decided, for the graph and for what
        ``kg source clean`` prints."""
        return self.publisher or article.publisher, self.issued_value() or article.published


KEY = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def load_sources(directory: Path | None = None) -> list[Source]:
    """The registered sources, in the registry's order. Raises KgError for a missing or
    unreadable registry, naming the file (and the entry)."""
    directory = directory or paths.sources_dir()
    registry = directory / "sources.toml"
    try:
        config = tomllib.loads(registry.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KgError(f"{registry}: source registry not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise KgError(f"{registry}: {exc}") from None
    sources = []
    for key, entry in config.items():
        try:
            labels = {"zh-Hant": entry["label_zh_hant"], "zh-Hans": entry["label_zh_hans"], "en": entry["label_en"]}
            folder = entry.get("folder", "")
            sources.append(
                Source(
                    key=key,
                    raw_path=directory / folder / entry["raw"] if folder else directory / entry["raw"],
                    article=URIRef(entry["article"]),
                    labels=labels,
                    language=entry.get("language", "zh-Hant"),
                    timezone=entry.get("timezone", "+08:00"),
                    agents=dict(entry.get("agents", {})),
                    repairs=tuple(Repair(r["damaged"], r["repaired"], r["reason"]) for r in entry.get("repairs", [])),
                    folder=folder,
                    description_file=entry.get("description", "article.ttl"),
                    kind=entry.get("kind", "news"),
                    encoding=entry.get("encoding", "utf-8"),
                    publisher=entry.get("publisher"),
                    issued=entry.get("issued"),
                    url=entry.get("url"),
                    title=entry.get("title"),
                    place=entry.get("place"),
                )
            )
        except (KeyError, TypeError) as exc:
            raise KgError(f"{registry}: entry [{key}] lacks {exc}") from None
    return sources


def reference_texts(sources: list[Source] | None = None) -> dict[str, str]:
    """The cleaned text of each registered source in its own script, by text IRI
    (``src:<key>-<language>``): the text its quotes' offsets refer to. A source whose
    cleaned text is not there yet is left out (its quotes are reported as not checked)."""
    texts = {}
    for source in load_sources() if sources is None else sources:
        if source.text_path.exists():
            texts[str(source.text_iri)] = source.text_path.read_text(encoding="utf-8")
    return texts


def default_source() -> Source:
    return load_sources()[0]


def find_source(key: str, directory: Path | None = None) -> Source:
    """The registered source ``key``; a KgError listing the keys when there is none."""
    sources = load_sources(directory)
    for source in sources:
        if source.key == key:
            return source
    raise KgError(f"no source {key!r} in {(directory or paths.sources_dir()) / 'sources.toml'} "
                  f"(registered: {', '.join(s.key for s in sources)})")


def describe(source: Source, article: CleanArticle, raw_bytes: bytes) -> Graph:
    """The RDF description of a document, its raw file and its cleaned texts: a
    schema:NewsArticle for ``kind = "news"``, else a schema:CreativeWork with only what the
    registry or the header states (publisher, date, place, URL, authors). Raises KgError for
    a news article without publisher or date, or a name without an agent IRI."""
    g = bind_prefixes(Graph())
    a = source.article

    def agent(name: str) -> URIRef:
        if name not in source.agents:
            raise KgError(f"{source.raw_path.parent / 'sources.toml'}: no agent IRI for {name!r} of source {source.key}")
        return URIRef(source.agents[name])

    news = source.kind == "news"
    g.add((a, RDF.type, SCHEMA.NewsArticle if news else SCHEMA.CreativeWork))
    g.add((a, RDF.type, PROV.Entity))
    for lang, label in source.labels.items():
        g.add((a, RDFS.label, Literal(label, lang=lang)))
    publisher, published = source.publication(article)
    if news and (publisher is None or published is None):
        raise KgError(f"{source.raw_path}: a news article needs its publisher and date; the header states "
                      f"{'neither' if publisher is None and published is None else 'no date' if published is None else 'no publisher'}")
    if publisher is not None and (news or publisher in source.agents):
        g.add((a, DCTERMS.publisher, agent(publisher)))
    elif publisher is not None:
        # the name is known, the organization is not yet a resource of the graph
        g.add((a, RDFS.comment, Literal(f"Publisher named by the document: {publisher} (not yet a resource of the graph)", lang="en")))
    if published is not None:
        g.add((a, DCTERMS.issued, Literal(published.isoformat(),
                                          datatype=XSD.dateTime if isinstance(published, datetime) else XSD.date)))
    g.add((a, DCTERMS.language, Literal(source.language, datatype=XSD.language)))
    if source.place:
        g.add((a, DCTERMS.spatial, URIRef(source.place)))
    if source.url:
        g.add((a, SCHEMA.url, Literal(source.url, datatype=XSD.anyURI)))
    for name in article.authors:
        if news or name in source.agents:
            g.add((a, SCHEMA.author, agent(name)))
    for name in article.photographers:
        if news or name in source.agents:
            g.add((a, CKG.photographer, agent(name)))
    unlinked = [name for name in (*article.authors, *article.photographers) if not news and name not in source.agents]
    if unlinked:
        g.add((a, RDFS.comment, Literal(f"Credited by the document: {', '.join(unlinked)}", lang="en")))

    raw = source.raw_iri
    g.add((raw, RDF.type, SCHEMA.MediaObject))
    g.add((raw, RDFS.label, Literal(f"原始抓取文本 {source.raw_path.name}", lang="zh-Hant")))
    g.add((raw, RDFS.label, Literal(f"原始抓取文本 {source.raw_path.name}", lang="zh-Hans")))
    g.add((raw, RDFS.label, Literal(f"raw scraped text {source.raw_path.name}", lang="en")))
    g.add((raw, SCHEMA.name, Literal(source.raw_path.name)))
    for repair in source.repairs:
        g.add((raw, RDFS.comment, Literal(f"Cleaning repairs scraper damage: {repair.damaged!r} -> {repair.repaired!r} ({repair.reason})", lang="en")))
    g.add((raw, SCHEMA.encodingFormat, Literal("text/plain" if source.encoding == "utf-8" else f"text/plain; charset={source.encoding}")))
    g.add((raw, DCTERMS.isFormatOf, a))
    checksum = URIRef(f"{raw}#sha256")
    g.add((raw, SPDX.checksum, checksum))
    g.add((checksum, RDF.type, SPDX.Checksum))
    g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    g.add((checksum, SPDX.checksumValue, Literal(hashlib.sha256(raw_bytes).hexdigest(), datatype=XSD.hexBinary)))

    names = {"zh-Hant": ("清理後的繁體正文", "清理后的繁体正文", "cleaned text (Traditional characters)"),
             "zh-Hans": ("清理後的簡體正文", "清理后的简体正文", "cleaned text (Simplified characters)")}
    for language in LANGUAGES:
        iri = SRC[f"{source.key}-{language}"]
        hant, hans, en = names[language]
        text = article.text if language == source.language else convert(article.text, language)
        g.add((iri, RDF.type, CKG.SourceText))
        g.add((iri, RDFS.label, Literal(hant, lang="zh-Hant")))
        g.add((iri, RDFS.label, Literal(hans, lang="zh-Hans")))
        g.add((iri, RDFS.label, Literal(en, lang="en")))
        g.add((iri, DCTERMS.isVersionOf, a))
        g.add((iri, PROV.wasDerivedFrom, raw))
        g.add((iri, DCTERMS.language, Literal(language, datatype=XSD.language)))
        g.add((iri, SCHEMA.encodingFormat, Literal("text/plain; charset=utf-8")))
        g.add((iri, SCHEMA.contentSize, Literal(len(text), datatype=XSD.integer)))
        g.add((iri, SCHEMA.name, Literal(source.text_file(language).name)))

    if not news:
        # the document's figures are a data set of their own (qb:dataSet of its observations)
        ds = source.dataset
        g.add((ds, RDF.type, QB.DataSet))
        label = source.labels
        g.add((ds, RDFS.label, Literal(f"{label['zh-Hant']}中的數字", lang="zh-Hant")))
        g.add((ds, RDFS.label, Literal(f"{label['zh-Hans']}中的数字", lang="zh-Hans")))
        g.add((ds, RDFS.label, Literal(f"figures reported in {label['en']}", lang="en")))
        g.add((ds, QB.structure, DS["county-indicators-dsd"]))
        g.add((ds, DCTERMS.source, a))
    return g


def raw_encoding(data: bytes, encoding: str) -> str:
    """The encoding :func:`decode_raw` reads ``data`` with: that of its byte order mark
    (kg.paths.bom_encoding: utf-32, utf-16 or utf-8), else ``encoding``. What a source
    records, so that its entry in sources.toml says how its raw file was read."""
    marked = paths.bom_encoding(data)
    return encoding if marked is None else marked.removesuffix("-sig")


def decode_raw(data: bytes, encoding: str, name: str, where: str = "as encoding = in its sources.toml entry") -> str:
    """The text of a raw file: ``data`` decoded with ``encoding`` (a byte order mark of
    UTF-8 or UTF-16 is honoured whatever ``encoding`` says: :func:`raw_encoding`). Raises
    KgError naming the file and line for bytes that are not text (a NUL byte) or not in that
    encoding, and ``where`` the encoding is given (the option, or the registry's field)."""
    encoding = raw_encoding(data, encoding)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif paths.bom_encoding(data) is None and b"\x00" in data[:65536]:
        offset = data.index(b"\x00")
        raise KgError(f"{name}: not a text file (a NUL byte at offset {offset}): give a plain-text file")
    try:
        paths.text_encoding(encoding)
    except KgError as exc:
        raise KgError(f"{name}: {exc}") from None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise KgError(f"{name}:{line}: not {encoding} text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                      f"give the file's encoding {where} (for example gb18030 or big5)") from None


@dataclass(frozen=True)
class CleanReport:
    source: Source
    article: CleanArticle
    written: tuple[Path, ...]


def clean_texts(source: Source) -> tuple[CleanArticle, dict[Path, str], bytes]:
    """Clean ``source`` in memory: (the article, {path: content} of its two texts and its
    description, the raw bytes). Raises KgError for a missing or unreadable raw file."""
    try:
        raw_bytes = source.raw_path.read_bytes()
    except FileNotFoundError:
        raise KgError(f"{source.raw_path}: raw source file not found") from None
    raw = decode_raw(raw_bytes, source.encoding, str(source.raw_path))
    article = clean(raw, timezone=source.timezone, name=str(source.raw_path), repairs=source.repairs)
    description = describe(source, article, raw_bytes).serialize(format="turtle")
    outputs = {
        source.text_path: article.text,
        source.copy_path: convert(article.text, other_language(source.language)),
        source.description_path: description,
    }
    return article, outputs, raw_bytes


def clean_source(source: Source | None = None) -> CleanReport:
    """Clean one registered source and write its texts and description, if they changed."""
    source = source or default_source()
    article, outputs, _raw = clean_texts(source)
    written = []
    for path, content in outputs.items():
        if not path.exists() or path.read_text(encoding="utf-8") != content:
            atomic.write_text(path, content)
            written.append(path)
    return CleanReport(source, article, tuple(written))


def clean_sources(key: str | None = None) -> list[CleanReport]:
    """Clean every registered source (or only ``key``), writing what changed."""
    return [clean_source(source) for source in ([find_source(key)] if key else load_sources())]


@cache
def _text_of(path: Path, _mtime: int) -> str:
    return path.read_text(encoding="utf-8")


def cleaned_text(source_key: str | None = None) -> str:
    """The cleaned text (in the source's own script) the quote offsets refer to."""
    source = default_source() if source_key is None else find_source(source_key)
    path = source.text_path
    try:
        return _text_of(path, path.stat().st_mtime_ns)
    except FileNotFoundError:
        raise KgError(f"{path}: the cleaned text is missing: run `kg source clean`") from None


def toml_string(value: str) -> str:
    """``value`` as a TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(value, ensure_ascii=False)


__all__ = [
    "CleanArticle", "CleanReport", "Source", "clean", "clean_source", "clean_sources", "clean_texts", "cleaned_text", "convert",
    "decode_raw", "raw_encoding", "default_source", "describe", "detect_language", "find_source", "is_credit", "is_pinyin",
    "load_sources", "strip_pinyin", "to_simplified", "to_traditional", "toml_string",
]
