"""Two builds of the same checkout write the same bytes into every file of dist/, whatever
the Python hash seed (which orders sets and dicts of strings): built twice, in processes with
PYTHONHASHSEED 1 and 2, each with its own store (dist/store: its database files are the
store's own business, not an output, and are left out of the comparison)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def build_twice(first: Path, second: Path, *options: str) -> None:
    """``kg build`` into ``first`` with hash seed 1 and into ``second`` with seed 2, side by side."""
    runs = []
    for out, seed in ((first, "1"), (second, "2")):
        env = {**os.environ, "PYTHONHASHSEED": seed, "KG_WORKSPACE": str(out.parent / "no-workspace")}
        env.pop("KG_STORE", None)
        runs.append(subprocess.Popen([sys.executable, "-m", "kg", "build", "-q", "-o", str(out), *options],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env,
                                     cwd=out.parent))
    for run in runs:
        _out, errors = run.communicate()
        assert run.returncode == 0, errors


def contents(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*"))
            if p.is_file() and p.relative_to(directory).parts[0] != "store"}


def test_every_file_is_the_same_across_builds_and_hash_seeds(tmp_path):
    """Every output (a build without --no-docs or --no-site writes them all: what those leave
    out is only fewer of the same files)."""
    first, second = tmp_path / "seed-1", tmp_path / "seed-2"
    build_twice(first, second)
    one, two = contents(first), contents(second)
    assert sorted(one) == sorted(two)
    assert {"county-kg.trig", "county-kg.jsonld", "county-kg.ttl", "county-kg.nt", "ontology.html",
            "site/index.html"} <= set(one)
    assert [name for name in one if one[name] != two[name]] == []
