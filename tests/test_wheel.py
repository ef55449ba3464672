"""The installed package works outside the checkout: a plain (non-editable) install of the
wheel into a fresh virtual environment builds the graph from another directory."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from rdflib import Graph

pytestmark = pytest.mark.slow


def run(*args, cwd: Path, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, check=False)


def test_wheel_installs_and_builds_outside_the_checkout(tmp_path, root, project):
    wheels = tmp_path / "wheels"
    built = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", wheels, root, cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    (wheel,) = wheels.glob("county_kg-*.whl")

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    installed = run(python, "-m", "pip", "install", "--quiet", wheel, cwd=tmp_path)
    assert installed.returncode == 0, installed.stderr

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    result = run(env_dir / "bin" / "kg", "build", "-o", "out", cwd=elsewhere, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    where = run(python, "-c", "import kg.paths; print(kg.paths.root())", cwd=elsewhere, env=env)
    assert "site-packages/kg/_resources" in where.stdout
    graph = Graph().parse(elsewhere / "out" / "county-kg.ttl")
    assert len(graph) == len(project.union())
    assert (elsewhere / "out" / "ontology.html").stat().st_size > 10_000
