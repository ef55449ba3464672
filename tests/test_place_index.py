"""The place resolver's index kept in a file (kg.link.placeindex): the same resolver, read back
instead of made; never used when it was made from other inputs or cannot be read."""

from __future__ import annotations

from collections import defaultdict

import pytest

from kg.link import placeindex
from kg.link.resolve import PlaceResolver

CELLS = [("530681",), ("水富市",), ("水富",), ("昭陽區",), ("玉龙",), ("朝阳区", "北京"), ("朝阳区",),
         ("宜宾县",), ("鲁甸",), ("思茅市",), ("532131",), ("nowhere",)]
YEARS = [None, 1995, 2005, 2022]


@pytest.fixture(scope="module")
def made() -> PlaceResolver:
    return PlaceResolver()


def _not_made(*_args, **_kwargs):
    raise AssertionError("the resolver was made from the gazetteer, not read from its index")


def test_the_resolver_read_from_its_index_is_the_one_made(tmp_path, made, monkeypatch):
    """Made once (and its index written), then read: the same divisions in the same order
    (every field, tuples as tuples), the same name indexes (keys and lists in order, missing
    keys still giving empty lists), the same answers."""
    first = placeindex.cached_resolver(tmp_path)
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == [f"places-{placeindex.index_digest()}.index"]
    monkeypatch.setattr(PlaceResolver, "__init__", _not_made)
    read = placeindex.cached_resolver(tmp_path)
    for resolver in (first, read):
        assert list(resolver.gazetteer.divisions.items()) == list(made.gazetteer.divisions.items())
        assert list(resolver.by_name.items()) == list(made.by_name.items())
        assert list(resolver.by_short.items()) == list(made.by_short.items())
    assert isinstance(read.by_name, defaultdict) and isinstance(read.by_short, defaultdict)
    assert all(type(d.transfers) is tuple and all(type(t) is tuple for t in d.transfers) for d in read.gazetteer)
    for cell in CELLS:
        for year in YEARS:
            assert read.resolve(*cell, year=year) == made.resolve(*cell, year=year), (cell, year)


def test_an_index_of_other_inputs_or_damaged_is_not_used_but_made_again(tmp_path, made, monkeypatch):
    """The index is stamped with the SHA-256 of what it was made from: an input edited (the
    same size) gives another digest, so the index of before is not read (and is removed when
    the new one is written); a file under the right name that is not an index of that digest
    (damaged, or stamped otherwise) is made again, not read."""
    source = tmp_path / "areas.csv"
    source.write_text("code,name\n530681,水富市\n", encoding="utf-8")
    monkeypatch.setattr(placeindex, "_sources", lambda: [source])
    index = tmp_path / "index"
    placeindex.cached_resolver(index)
    before = placeindex.index_digest()
    assert [p.name for p in index.iterdir()] == [f"places-{before}.index"]
    source.write_text("code,name\n530681,水富县\n", encoding="utf-8")  # (the same size)
    after = placeindex.index_digest()
    assert after != before
    placeindex.cached_resolver(index)
    assert [p.name for p in index.iterdir()] == [f"places-{after}.index"]
    path = index / f"places-{after}.index"
    good = path.read_bytes()
    assert placeindex.from_index(good, after) is not None
    for bad in (good[:len(good) // 2], b"[]", b"\xff\xfe", good.replace(after.encode(), before.encode())):
        path.write_bytes(bad)
        assert placeindex.from_index(bad, after) is None
        resolver = placeindex.cached_resolver(index)
        assert list(resolver.gazetteer.divisions.items()) == list(made.gazetteer.divisions.items())
        assert path.read_bytes() == good  # (written again, whole)


def test_a_directory_that_cannot_hold_the_index_costs_only_time(tmp_path, made):
    """No index can be written (the directory is a file): the resolver is made, the same."""
    blocked = tmp_path / "file"
    blocked.write_text("not a directory", encoding="utf-8")
    resolver = placeindex.cached_resolver(blocked / "index")
    assert list(resolver.by_name.items()) == list(made.by_name.items())


def test_the_digest_covers_the_gazetteer_inputs_and_the_code_that_reads_them():
    """What the index is made from: the NBS lists, the code history and the modules that read
    and fold them (a change to normalise_name must not be answered by an index of before)."""
    names = [p.name for p in placeindex._sources()]
    assert names == ["provinces.csv", "cities.csv", "areas.csv", "streets-yunnan.csv", "result.csv",
                     "gazetteer.py", "history.py", "resolve.py", "text.py", "placeindex.py"]
