"""A number and the noun it counts, in the noun's grammatical number, for every message kg prints.

:func:`counted` spells the regular plural ("row" -> "rows") and the English plurals that do not
just add "s" ("policy" -> "policies", "match" -> "matches"), so that no message falls back on
"noun(s)". The one helper for counts: kg.store.results.counted is this one. Imports nothing of
kg's, so every module may use it.
"""

from __future__ import annotations

import re

#: Plurals no rule below gives (kept short: only nouns kg prints).
IRREGULAR = {"person": "people", "child": "children", "analysis": "analyses"}


def plural(noun: str) -> str:
    """The English plural of ``noun`` (its last word for a phrase: "undecided row" -> "undecided rows").

    Rules: a consonant + "y" becomes "ies" (policy, entity, county, community); a noun in
    s, x, z, ch or sh adds "es" (match, box); the nouns in :data:`IRREGULAR` are looked up;
    every other noun adds "s"."""
    head, _, last = noun.rpartition(" ")
    prefix = f"{head} " if head else ""
    if last in IRREGULAR:
        return prefix + IRREGULAR[last]
    if len(last) > 1 and last.endswith("y") and last[-2] not in "aeiou":
        return f"{prefix}{last[:-1]}ies"
    if last.endswith(("s", "x", "z", "ch", "sh")):
        return f"{prefix}{last}es"
    return f"{noun}s"


def counted(number: int, noun: str) -> str:
    """``number`` and ``noun`` in the number's grammatical number: "1 policy", "0 policies",
    "2 rows" (:func:`plural`)."""
    return f"{number} {noun if number == 1 else plural(noun)}"


def word(number: int, noun: str) -> str:
    """``noun`` alone in the grammatical number of ``number`` (for a list that follows it:
    "missing column a", "missing columns a, b")."""
    return noun if number == 1 else plural(noun)


def rate(part: int, whole: int, digits: int = 1) -> str:
    """``part`` of ``whole`` as a percentage with ``digits`` decimals ("87.5%"), or "n/a" when
    ``whole`` is 0: a share of nothing is no rate (not 100 %, not 0 %)."""
    return f"{part / whole:.{digits}%}" if whole else "n/a"


def printable(text: str) -> str:
    """``text`` as a message shows what it did not write (what the user wrote, what a server
    answered): as written, each character that does not print (a NUL byte, a control
    character such as the escape that starts a terminal's sequences, a zero-width space, a
    line break) as its code point, <U+001B>, so that the message shows where it is, stays on
    one line and sends nothing to the terminal. The one way kg writes such characters out
    (:func:`quoted`, kg.http.server_message)."""
    return "".join(c if c.isprintable() else f"<U+{ord(c):04X}>" for c in str(text))


def quoted(text: str) -> str:
    """``text`` as a message quotes what the user wrote: in single quotes, as written (no
    backslash doubled, no change of quotes as Python's repr makes), characters that do not
    print as their code points (:func:`printable`)."""
    return f"'{printable(text)}'"


def redacted(url: str) -> str:
    """``url`` with the user information before ``@`` in its authority (``user:password@``)
    written as ``***@``, for messages."""
    return re.sub(r"^([A-Za-z][A-Za-z0-9+.\-]*://)[^/?#]*@", r"\1***@", url)


def os_reason(text: str) -> str:
    """An operating system's error text as kg prints it: without Python's "[Errno 111] " and in
    lower case ("connection refused"), on one line."""
    text = " ".join(re.sub(r"\[Errno -?\d+\]\s*", "", str(text)).split())
    return text[:1].lower() + text[1:] if text[:2].isalpha() and not text[:2].isupper() else text
