"""kg.words: a count and its noun in the noun's grammatical number, as every message prints them."""

from kg.words import counted, plural, word


def test_counts_spell_the_plural_the_noun_takes():
    assert [counted(n, "row") for n in (0, 1, 2)] == ["0 rows", "1 row", "2 rows"]
    assert counted(1, "policy") == "1 policy" and counted(138, "policy") == "138 policies"
    assert counted(0, "entity") == "0 entities" and counted(2, "county") == "2 counties"
    assert counted(2, "day") == "2 days" and counted(3, "match") == "3 matches"
    assert counted(15, "unconnected node") == "15 unconnected nodes"
    assert plural("recognition") == "recognitions" and plural("analysis") == "analyses"
    assert word(1, "column") == "column" and word(2, "named graph") == "named graphs"


def test_a_rate_of_nothing_is_no_percentage():
    from kg.words import rate

    assert rate(0, 0) == "n/a" and rate(3, 0, 0) == "n/a"
    assert rate(1, 8) == "12.5%" and rate(2, 3, 0) == "67%"


def test_characters_that_do_not_print_are_written_out_one_way():
    """What the user wrote (kg.words.quoted) and what a server answered (kg.http.server_message)
    show a character that does not print the same way: its code point, never Python's \\x1b."""
    import httpx

    from kg.http import server_message
    from kg.words import printable, quoted

    text = "\x1b[31mbad\x00 quer\u200by\x08!"
    assert printable(text) == "<U+001B>[31mbad<U+0000> quer<U+200B>y<U+0008>!"
    assert quoted(text) == f"'{printable(text)}'"
    answer = httpx.Response(500, text=text, headers={"content-type": "text/plain"})
    assert server_message(answer) == printable(text)
