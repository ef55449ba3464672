"""From the scraped article to the text the graph quotes.

The raw file is kept exactly as scraped. Cleaning removes the inline pinyin that the
scraper interleaved with the characters (``網(wǎng)`` -> ``網``), splits the header (publisher,
date and time) from the body, and keeps the paragraphs and the credit line. The cleaned
Traditional text is the reference for every quote offset; a Simplified copy is written
beside it for readers and search.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from kg import atomic, paths
from kg.errors import KgError
from kg.namespaces import CKG, SCHEMA, SPDX, SRC, bind_prefixes

# A pinyin syllable once tone marks are folded away (ü written as v). Checking the shape of
# the syllable, not just "latin letters in brackets", keeps genuine bracketed latin such as
# "(kg)" or "(Wi-Fi)" in the text.
_PINYIN_SYLLABLE = re.compile(
    r"^(zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|van|ai|ei|ao|ou|an|en|in|un|vn"
    r"|ia|ie|iu|ua|uo|ui|ue|ve|er|a|o|e|i|u|v)r?$"
)


# An annotation: a bracketed run of lowercase latin letters (with tone marks) right after a
# Han character. Both ASCII and full-width brackets occur in scraped Chinese pages.
_ANNOTATION = re.compile(r"(?<=[\u3400-\u9fff\uf900-\ufaff])[(（]([a-zA-Z\u00c0-\u024f\u0300-\u036f]{1,7})[)）]")


_HEADER_PUBLISHER = re.compile(r"^來源[:：]\s*(?P<publisher>.+?)\s*$")


_HEADER_DATE = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})\s+(?P<time>\d{2}:\d{2})(?::\d{2})?(?P<rest>.*)$")


_CREDIT = re.compile(r"^通訊員[:：](?P<names>.+)$")


PREFIX_SUFFIX_LENGTH = 8


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


def strip_pinyin(text: str) -> str:
    """Remove inline pinyin annotations after Han characters; keep every other bracket."""
    return _ANNOTATION.sub(lambda m: "" if is_pinyin(m.group(1)) else m.group(0), text)


@dataclass(frozen=True)
class CleanArticle:
    publisher: str
    published: datetime
    paragraphs: tuple[str, ...]
    credit_line: str
    authors: tuple[str, ...]
    photographers: tuple[str, ...]
    text: str = field(repr=False)


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
    match = _CREDIT.match(line)
    if not match:
        return (), ()
    authors: list[str] = []
    photographers: list[str] = []
    # "楊瓊玉 凌 翠\文 王善美\圖": each run of names ends with \文 (text) or \圖 (photos).
    for run, role in re.findall(r"([^\\]+)\\([文圖图])", match.group("names")):
        (authors if role == "文" else photographers).extend(_credit_names(run))
    return tuple(authors), tuple(photographers)


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


def clean(raw: str, *, timezone: str = "+08:00", name: str = "<raw>", repairs: tuple[Repair, ...] = ()) -> CleanArticle:
    """Clean a scraped article. ``name`` is used in error messages; ``repairs`` are applied
    after the pinyin is stripped."""
    stripped = apply_repairs(strip_pinyin(raw.replace("\r\n", "\n")), repairs, name)
    lines = [line.strip() for line in stripped.split("\n")]
    lines = [line for line in lines if line]
    if len(lines) < 3:
        raise KgError(f"{name}: expected a header, a body and a credit line, found {len(lines)} lines")
    publisher_match = _HEADER_PUBLISHER.match(lines[0])
    if not publisher_match:
        raise KgError(f"{name}:1: expected the header '來源:<publisher>', found {lines[0][:30]!r}")
    date_match = _HEADER_DATE.match(lines[1])
    if not date_match:
        raise KgError(f"{name}:2: expected 'YYYY-MM-DD HH:MM' before the first sentence, found {lines[1][:30]!r}")
    published = datetime.fromisoformat(f"{date_match['date']}T{date_match['time']}:00{timezone}")
    first_sentence = date_match["rest"].strip()
    body = [first_sentence, *lines[2:]] if first_sentence else lines[2:]
    credit_line = body[-1] if _CREDIT.match(body[-1]) else ""
    paragraphs = tuple(body[:-1] if credit_line else body)
    authors, photographers = _parse_credit(credit_line)
    text = "\n".join([*paragraphs, credit_line] if credit_line else paragraphs) + "\n"
    return CleanArticle(
        publisher=publisher_match["publisher"],
        published=published,
        paragraphs=paragraphs,
        credit_line=credit_line,
        authors=authors,
        photographers=photographers,
        text=text,
    )


@cache
def _t2s():
    import opencc  # imported lazily: only cleaning needs it

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


@dataclass(frozen=True)
class Source:
    key: str
    raw_path: Path
    article: URIRef
    labels: dict[str, str]
    language: str
    timezone: str
    agents: dict[str, str]
    repairs: tuple[Repair, ...] = ()

    @property
    def hant_path(self) -> Path:
        return self.raw_path.parent.parent / f"{self.key}.zh-Hant.txt"

    @property
    def hans_path(self) -> Path:
        return self.raw_path.parent.parent / f"{self.key}.zh-Hans.txt"

    @property
    def description_path(self) -> Path:
        return self.raw_path.parent.parent / "article.ttl"

    @property
    def text_iri(self) -> URIRef:
        return SRC[f"{self.key}-zh-Hant"]

    @property
    def simplified_iri(self) -> URIRef:
        return SRC[f"{self.key}-zh-Hans"]

    @property
    def raw_iri(self) -> URIRef:
        return SRC[f"{self.key}-raw"]


def load_sources(directory: Path | None = None) -> list[Source]:
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
        sources.append(
            Source(
                key=key,
                raw_path=directory / entry["raw"],
                article=URIRef(entry["article"]),
                labels={"zh-Hant": entry["label_zh_hant"], "zh-Hans": entry["label_zh_hans"], "en": entry["label_en"]},
                language=entry.get("language", "zh-Hant"),
                timezone=entry.get("timezone", "+08:00"),
                agents=dict(entry.get("agents", {})),
                repairs=tuple(Repair(r["damaged"], r["repaired"], r["reason"]) for r in entry.get("repairs", [])),
            )
        )
    return sources


def default_source() -> Source:
    return load_sources()[0]


def describe(source: Source, article: CleanArticle, raw_bytes: bytes) -> Graph:
    """The RDF description of an article, its raw file and its cleaned texts."""
    g = bind_prefixes(Graph())
    a = source.article

    def agent(name: str) -> URIRef:
        if name not in source.agents:
            raise KgError(f"{source.raw_path.parent / 'sources.toml'}: no agent IRI for {name!r} of source {source.key}")
        return URIRef(source.agents[name])

    g.add((a, RDF.type, SCHEMA.NewsArticle))
    g.add((a, RDF.type, PROV.Entity))
    for lang, label in source.labels.items():
        g.add((a, RDFS.label, Literal(label, lang=lang)))
    g.add((a, DCTERMS.publisher, agent(article.publisher)))
    g.add((a, DCTERMS.issued, Literal(article.published.isoformat(), datatype=XSD.dateTime)))
    g.add((a, DCTERMS.language, Literal(source.language, datatype=XSD.language)))
    for name in article.authors:
        g.add((a, SCHEMA.author, agent(name)))
    for name in article.photographers:
        g.add((a, CKG.photographer, agent(name)))

    raw = source.raw_iri
    g.add((raw, RDF.type, SCHEMA.MediaObject))
    g.add((raw, RDFS.label, Literal(f"原始抓取文本 {source.raw_path.name}", lang="zh-Hant")))
    g.add((raw, RDFS.label, Literal(f"原始抓取文本 {source.raw_path.name}", lang="zh-Hans")))
    g.add((raw, RDFS.label, Literal(f"raw scraped text {source.raw_path.name}", lang="en")))
    g.add((raw, SCHEMA.name, Literal(source.raw_path.name)))
    for repair in source.repairs:
        g.add((raw, RDFS.comment, Literal(f"Cleaning repairs scraper damage: {repair.damaged!r} -> {repair.repaired!r} ({repair.reason})", lang="en")))
    g.add((raw, SCHEMA.encodingFormat, Literal("text/plain")))
    g.add((raw, DCTERMS.isFormatOf, a))
    checksum = URIRef(f"{raw}#sha256")
    g.add((raw, SPDX.checksum, checksum))
    g.add((checksum, RDF.type, SPDX.Checksum))
    g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    g.add((checksum, SPDX.checksumValue, Literal(hashlib.sha256(raw_bytes).hexdigest(), datatype=XSD.hexBinary)))

    texts = (
        (source.text_iri, "zh-Hant", "清理後的繁體正文", "清理后的繁体正文", "cleaned text (Traditional characters)", source.hant_path),
        (source.simplified_iri, "zh-Hans", "清理後的簡體正文", "清理后的简体正文", "cleaned text (Simplified characters)", source.hans_path),
    )
    for iri, language, hant, hans, en, path in texts:
        g.add((iri, RDF.type, CKG.SourceText))
        g.add((iri, RDFS.label, Literal(hant, lang="zh-Hant")))
        g.add((iri, RDFS.label, Literal(hans, lang="zh-Hans")))
        g.add((iri, RDFS.label, Literal(en, lang="en")))
        g.add((iri, DCTERMS.isVersionOf, a))
        g.add((iri, PROV.wasDerivedFrom, raw))
        g.add((iri, DCTERMS.language, Literal(language, datatype=XSD.language)))
        g.add((iri, SCHEMA.encodingFormat, Literal("text/plain; charset=utf-8")))
        g.add((iri, SCHEMA.contentSize, Literal(len(article.text) if language == "zh-Hant" else len(to_simplified(article.text)), datatype=XSD.integer)))
        g.add((iri, SCHEMA.name, Literal(path.name)))
    return g


@dataclass(frozen=True)
class CleanReport:
    source: Source
    article: CleanArticle
    written: tuple[Path, ...]


def clean_source(source: Source | None = None) -> CleanReport:
    """Clean one registered source and write its texts and description, if they changed."""
    source = source or default_source()
    try:
        raw_bytes = source.raw_path.read_bytes()
    except FileNotFoundError:
        raise KgError(f"{source.raw_path}: raw source file not found") from None
    try:
        raw = raw_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise KgError(f"{source.raw_path}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    article = clean(raw, timezone=source.timezone, name=str(source.raw_path), repairs=source.repairs)
    description = describe(source, article, raw_bytes).serialize(format="turtle")
    outputs = {
        source.hant_path: article.text,
        source.hans_path: to_simplified(article.text),
        source.description_path: description,
    }
    written = []
    for path, content in outputs.items():
        if not path.exists() or path.read_text(encoding="utf-8") != content:
            atomic.write_text(path, content)
            written.append(path)
    return CleanReport(source, article, tuple(written))


@cache
def cleaned_text(source_key: str | None = None) -> str:
    """The cleaned Traditional text the quote offsets refer to."""
    source = default_source() if source_key is None else next(s for s in load_sources() if s.key == source_key)
    return source.hant_path.read_text(encoding="utf-8")


__all__ = [
    "CleanArticle", "CleanReport", "Source", "clean", "clean_source", "cleaned_text", "default_source",
    "describe", "is_pinyin", "load_sources",
    "strip_pinyin", "to_simplified",
]
