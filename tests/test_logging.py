"""The `kg` program's terminal holds county-kg's own output only: no library log lines
(`INFO:root:Loading background ontologies`, `DEBUG:asyncio:Using selector`), no warnings with
tracebacks (rdflib's for every ill-typed literal); `-v` shows library warnings one line each,
`-vv` more. Run as the real program, in a subprocess, since logging is set up by the program."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES

KG = Path(sys.executable).parent / "kg"
SUPPORT = FIXTURES / "shapes" / "_support.ttl"
ILL_TYPED = FIXTURES / "lexical" / "integer-invalid.ttl"  # "1e3"^^xsd:integer: rdflib logs a traceback for it
WEIRD = FIXTURES / "lexical" / "decimal-invalid.ttl"  # "1,234.5"^^xsd:decimal: rdflib's serializer warns


def kg(*args, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("KG_WORKSPACE",)}
    return subprocess.run([str(KG), *map(str, args)], capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=900)


LIBRARY_NOISE = ("INFO:root", "DEBUG:asyncio", "Traceback", "Failed to convert", "WARNING:", "DEBUG:", "UserWarning")


@pytest.mark.slow
def test_build_quiet_prints_nothing_on_stderr(tmp_path):
    """pyLODE (imported for ontology.html) configures the root logger at DEBUG when imported; the
    program's logging is set up first, so its records and asyncio's never show."""
    result = kg("build", "-q", "--no-site", "-o", tmp_path / "dist", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.startswith(f"Built {tmp_path / 'dist'}/:")


def test_an_ill_typed_literal_is_a_violation_not_a_traceback(tmp_path):
    result = kg("validate", SUPPORT, ILL_TYPED, cwd=tmp_path)
    assert result.returncode == 1
    assert '"1e3"^^xsd:integer' in result.stdout
    assert not any(noise in result.stderr for noise in LIBRARY_NOISE), result.stderr
    assert result.stderr == ""


@pytest.mark.parametrize("verbosity", [0, 1, 2])
def test_library_warnings_show_only_with_verbose(verbosity, capsys):
    """A library's warning (the warnings module, as rdflib's serializer warned of ill-typed
    literals) and its logged warning with a traceback (as rdflib logged every ill-typed literal
    it read): nothing by default, one line each with -v, the traceback too with -vv. (The
    project's own inputs no longer make a library warn, so the warnings are made here.)"""
    import logging
    import warnings

    from kg.cli import logs

    root = logging.getLogger()
    saved = (list(root.handlers), root.level, logging.getLogger("kg").level, warnings.showwarning)
    try:
        logs.configure(verbosity)
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.showwarning = logs._warning_to_log  # (catch_warnings restores the one before)
            warnings.warn("a library's own warning", UserWarning)
        try:
            int("1e3")
        except ValueError:
            logging.getLogger("pyshacl").warning("a library logs a failure", exc_info=True)
        logging.getLogger("kg.test").info("our own line")
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
        logging.getLogger("kg").setLevel(saved[2])
        warnings.showwarning = saved[3]
    lines = capsys.readouterr().err.splitlines()
    own = "kg: our own line"
    if verbosity == 0:
        assert lines == [own]
    else:
        assert lines[:2] == ["py.warnings: WARNING: UserWarning: a library's own warning",
                             "pyshacl: WARNING: a library logs a failure"]
        assert ("Traceback (most recent call last):" in lines) == (verbosity >= 2)
        assert lines[-1] == own