"""Quotes: where an exact passage sits in a cleaned text, and its evidence block (an
oa:TextQuoteSelector with prefix and suffix, and an oa:TextPositionSelector) for a data file.
"""

from __future__ import annotations

import re

from rdflib import URIRef

from kg.errors import KgError
from kg.namespaces import Q
from kg.sources.clean import PREFIX_SUFFIX_LENGTH, Source, default_source


def find_quote(text: str, exact: str, occurrence: int | None = None) -> int:
    """The start offset of ``exact`` in ``text``; ambiguous matches need ``occurrence`` (1-based).
    KgError: an empty or blank ``exact`` (it would cite nothing), not found, ambiguous, or
    ``occurrence`` out of range."""
    if not exact.strip():
        raise KgError("an empty quote cites nothing; give the passage's text as it stands in the source")
    starts = [m.start() for m in re.finditer(re.escape(exact), text)]
    if not starts:
        raise KgError(f"quote not found in the cleaned text: {exact!r}")
    if occurrence is None:
        if len(starts) > 1:
            raise KgError(f"quote occurs {len(starts)} times; pick one with --occurrence 1..{len(starts)}: {exact!r}")
        return starts[0]
    if not 1 <= occurrence <= len(starts):
        raise KgError(f"quote occurs {len(starts)} times; --occurrence {occurrence} is out of range")
    return starts[occurrence - 1]


def _turtle_string(value: str, language: str = "zh-Hant") -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + f'"@{language}'


def quote_turtle(text: str, exact: str, occurrence: int | None = None, source: Source | None = None) -> str:
    """The Turtle block of a quote (``q:START-END`` with its two selectors; ``q:`` is the
    source's quote namespace, the literals in the source's script)."""
    source = source or default_source()
    start = find_quote(text, exact, occurrence)
    end = start + len(exact)
    prefix = text[max(0, start - PREFIX_SUFFIX_LENGTH):start]
    suffix = text[end:end + PREFIX_SUFFIX_LENGTH]
    local = f"{start}-{end}"
    return (
        f"q:{local} a ckg:Quote ;\n"
        f"    oa:hasSource src:{source.key}-{source.language} ;\n"
        f"    oa:hasSelector q:{local}-text , q:{local}-position .\n"
        f"q:{local}-text a oa:TextQuoteSelector ;\n"
        f"    oa:exact {_turtle_string(exact, source.language)} ;\n"
        f"    oa:prefix {_turtle_string(prefix, source.language)} ;\n"
        f"    oa:suffix {_turtle_string(suffix, source.language)} .\n"
        f"q:{local}-position a oa:TextPositionSelector ;\n"
        f"    oa:start {start} ;\n"
        f"    oa:end {end} .\n"
    )


def quote_iri(start: int, end: int) -> URIRef:
    return Q[f"{start}-{end}"]
