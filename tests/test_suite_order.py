"""The order `make test` starts the test files in (tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

from conftest import SLOWEST_FILES


def test_every_file_named_slowest_is_a_test_file():
    """A renamed or removed file would silently lose its place at the front."""
    here = Path(__file__).parent
    assert len(set(SLOWEST_FILES)) == len(SLOWEST_FILES)
    assert [name for name in SLOWEST_FILES if not (here / name).is_file()] == []


def test_the_slowest_files_are_collected_first(request):
    """This run's collection: the files of SLOWEST_FILES first, in that order."""
    order = list(dict.fromkeys(item.path.name for item in request.session.items))
    named = [name for name in order if name in SLOWEST_FILES]
    assert order[:len(named)] == named
    assert named == [name for name in SLOWEST_FILES if name in named]
