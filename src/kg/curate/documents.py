"""``kg source add``: register a document, clean it, describe it -- all or nothing.

:func:`add_document` reads the file (UTF-8, or the ``encoding`` given; a byte order mark is
honoured), cleans it with the sources step's cleaner, tells its script (Traditional or
Simplified, unless given), and writes, under ``data/sources/<key>/``: the raw file as it
came (``raw/``), the cleaned text in its own script and a copy in the other, and its
description (``source.ttl``: a schema:CreativeWork with what is known -- the publisher if the
graph knows the organization, the date from the options or the header, the place, the URL,
the title from the options or the line above the header).
The entry is appended to ``data/sources/sources.toml`` last. The folder is written beside its
place first and renamed into it, so a failure leaves nothing behind.

What is not given stays unknown: no date means figures have no default period; no place
means no default place; a publisher the graph does not know is recorded by name only.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from kg import atomic, paths
from kg.errors import KgError
from kg.namespaces import SRC
from kg.sources.clean import (KEY, LANGUAGES, CleanArticle, Source, clean, clean_texts, convert, decode_raw,
                              detect_language, raw_encoding, load_sources, other_language, toml_string)


@dataclass
class AddReport:
    source: Source
    article: CleanArticle
    folder: Path
    written: list[Path]
    notes: tuple[str, ...] = ()


def _key(file: Path, key: str | None) -> str:
    if key is None:
        from pypinyin import lazy_pinyin

        key = "-".join(lazy_pinyin(file.stem)).lower()
        key = re.sub(r"[^a-z0-9]+", "-", key).strip("-")
    if not KEY.match(key or ""):
        raise KgError(f"{key!r} is not a source key (lower-case letters, digits and hyphens); give --key")
    return key


def _date(text: str | None, where: str) -> datetime | date | None:
    if text is None:
        return None
    value = text.strip().replace(" ", "T")
    try:
        return datetime.fromisoformat(value + (":00+08:00" if re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", value) else "")) \
            if "T" in value else date.fromisoformat(value)
    except ValueError:
        raise KgError(f"{where}: {text!r} is not a date (YYYY-MM-DD or YYYY-MM-DD HH:MM)") from None


def _place(text: str | None) -> str | None:
    if not text:
        return None
    from kg.link.resolve import PlaceResolver, Resolved

    if text.startswith(("http://", "https://")):
        return text
    found = PlaceResolver().resolve(text.removeprefix("place:"))
    if not isinstance(found, Resolved):
        raise KgError(f"--place {text!r}: {found.reason}")
    return found.division.iri


def _publisher(name: str | None) -> dict[str, str]:
    """{name: IRI} when the graph knows an organization of that name, else {}."""
    if not name:
        return {}
    from kg.curate.lexicon import build_lexicon, simplified_key

    entries = [e for e in build_lexicon(gazetteer=False).lookup(simplified_key(name)) if e.kind == "organization"]
    return {name: entries[0].iri} if len(entries) == 1 else {}


def source_iris(key: str) -> list[str]:
    """The IRIs a source of key ``key`` mints: the document, its raw file, its two cleaned
    texts. ``v1-raw`` would mint the raw file IRI of ``v1`` as its document: keys are refused
    when their IRIs meet another source's."""
    return [str(SRC[key]), str(SRC[f"{key}-raw"])] + [str(SRC[f"{key}-{language}"]) for language in LANGUAGES]


def entry_toml(source: Source) -> str:
    """The registry entry of ``source`` as TOML."""
    lines = ["", f"[{source.key}]"]
    values = {"raw": str(source.raw_path.relative_to(source.directory)), "folder": source.folder,
              "description": source.description_file, "kind": source.kind, "article": str(source.article),
              "label_zh_hant": source.labels["zh-Hant"], "label_zh_hans": source.labels["zh-Hans"],
              "label_en": source.labels["en"], "language": source.language, "timezone": source.timezone,
              "encoding": source.encoding, "publisher": source.publisher, "issued": source.issued,
              "url": source.url, "title": source.title, "place": source.place}
    lines += [f"{name} = {toml_string(value)}" for name, value in values.items() if value]
    if source.agents:
        lines.append(f"[{source.key}.agents]")
        lines += [f"{toml_string(name)} = {toml_string(iri)}" for name, iri in source.agents.items()]
    return "\n".join(lines) + "\n"


def add_document(file: Path | str, *, publisher: str | None = None, date_text: str | None = None,
                 url: str | None = None, title: str | None = None, place: str | None = None,
                 key: str | None = None, encoding: str | None = None, language: str | None = None) -> AddReport:
    """Register ``file`` as a new source (see the module's docstring). Raises KgError, with
    nothing written, for a file that is missing, not text, not in its encoding, empty or
    with no body; a key already registered; a place the gazetteer does not resolve; a date
    that is not one or that contradicts the header's; a script it cannot tell."""
    file = paths.input_file(file, "document")
    if url is not None:
        from kg.http import check_url

        try:
            check_url(url, "URL")
        except KgError as exc:
            raise KgError(f"--url: {exc}") from None
    name = str(file)
    data = file.read_bytes()
    if not data.strip():
        raise KgError(f"{name}: the document is empty")
    text = decode_raw(data, encoding or "utf-8", name, "with --encoding")
    encoding = raw_encoding(data, encoding or "utf-8")  # recorded as read: a byte order mark decides
    article = clean(text, name=name)
    key = _key(file, key)
    directory = paths.sources_dir()
    registered = load_sources(directory)
    if any(s.key == key for s in registered):
        raise KgError(f"source {key!r} is already registered in {directory / 'sources.toml'}; give another --key")
    for other in registered:
        taken = sorted(set(source_iris(key)) & set(source_iris(other.key)))
        if taken:
            raise KgError(f"--key {key}: {taken[0]} is already an IRI of source {other.key!r}; give another --key")
    folder = directory / key
    if folder.exists():
        raise KgError(f"{folder}: exists already; give another --key")
    if language is not None and language not in LANGUAGES:
        raise KgError(f"--language {language!r}: expected zh-Hant or zh-Hans")
    language = language or detect_language(article.text)
    if language is None:
        raise KgError(f"{name}: cannot tell whether the text is in Traditional or Simplified characters; give --language")
    given = _date(date_text, "--date")
    stated = article.published
    if given is not None and stated is not None:
        stated_day = stated.date() if isinstance(stated, datetime) else stated
        given_day = given.date() if isinstance(given, datetime) else given
        if stated_day != given_day:
            raise KgError(f"--date {date_text} contradicts the date the document's header states ({stated.isoformat()})")
    issued = given if given is not None and (stated is None or isinstance(given, datetime) or isinstance(stated, date)
                                             and not isinstance(stated, datetime)) else stated
    publisher = publisher or article.publisher
    title = title or article.title
    label = title or f"文件 {key}"
    source = Source(
        key=key, raw_path=folder / "raw" / file.name, article=SRC[key],
        labels={language: label, other_language(language): convert(label, other_language(language)),
                "en": f"document {key}"},
        language=language, timezone="+08:00", agents=_publisher(publisher), folder=key,
        description_file="source.ttl", kind="document", encoding=encoding, publisher=publisher,
        issued=issued.isoformat() if issued is not None else None, url=url, title=title, place=_place(place))
    staging = Path(tempfile.mkdtemp(dir=directory, prefix=f".{key}.", suffix=".tmp"))
    try:
        (staging / "raw").mkdir()
        (staging / "raw" / file.name).write_bytes(data)
        staged = Source(**{**source.__dict__, "raw_path": staging / "raw" / file.name})
        article, outputs, _raw = clean_texts(staged)
        for path, content in outputs.items():
            path.write_text(content, encoding="utf-8")
        staging.chmod(0o777 & ~atomic.umask())
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    try:
        registry = directory / "sources.toml"
        atomic.write_text(registry, registry.read_text(encoding="utf-8").rstrip("\n") + "\n" + entry_toml(source))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    written = sorted(p for p in folder.rglob("*") if p.is_file())
    return AddReport(source, article, folder, written, article.notes)
