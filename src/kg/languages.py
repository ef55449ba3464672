"""The languages the project writes its labels in, as BCP 47 tags in their registered case
(RFC 5646, 2.1.1: tags are case-insensitive; this is how the IANA registry writes them)."""

from functools import lru_cache

LANGUAGES = ("zh-Hans", "zh-Hant", "en")


@lru_cache(maxsize=1024)  # (a graph holds a handful of tags, met once per literal: 45,000 in a national report)
def language_tag(tag: str) -> str:
    """A BCP 47 tag in its conventional case (RFC 5646, 2.1.1): zh-hans -> zh-Hans,
    en-gb -> en-GB; from an extension or private-use singleton on, everything stays lower case."""
    first, *rest = tag.lower().split("-")
    parts, verbatim = [first], len(first) == 1
    for part in rest:
        verbatim = verbatim or len(part) == 1
        if not verbatim and part.isalpha() and len(part) in (2, 4):
            part = part.upper() if len(part) == 2 else part.title()
        parts.append(part)
    return "-".join(parts)
