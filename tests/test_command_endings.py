"""How every command ends, decided in one place (the ``kg`` group, kg.cli.main, and the
program, kg.cli.run): number options refused when not finite, a closed output (exit 141), path
errors in one line (exit 2), a stop signal delivered even while a finalizer runs."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.cli.options import EXIT_CLOSED_OUTPUT, Number

from conftest import FIXTURES

KG = Path(sys.executable).with_name("kg")
TABLE = FIXTURES / "linking" / "zhaotong-2022.csv"


def number_options() -> list[tuple[str, str]]:
    """(command, option) for every option of every command that takes a number with a fraction."""
    context = click.Context(main)  # (the commands are loaded when asked for: kg.cli.main.COMMANDS)
    return [(name, param.opts[-1]) for name in main.list_commands(context) for param in main.get_command(context, name).params
            if isinstance(param, click.Option) and isinstance(param.type, click.types.FloatParamType)]


def test_every_fractional_option_is_a_finite_number():
    found = number_options()
    assert ("query", "--timeout") in found and ("link", "--close-threshold") in found
    for name, option in found:
        param = next(p for p in main.get_command(click.Context(main), name).params if option in p.opts)
        assert isinstance(param.type, Number), (name, option)


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "infinity"])
@pytest.mark.parametrize("command, option", number_options())
def test_nan_and_infinity_are_usage_errors(command, option, value):
    """`kg query --timeout nan` turned the timeout off; `--close-threshold nan` was taken."""
    result = CliRunner().invoke(main, [command, f"{option}={value}"], catch_exceptions=False)
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '{option}'" in result.output, result.output
    assert "not a finite number" in result.output or "is not in the range" in result.output, result.output


def test_more_counties_than_there_are_is_a_usage_error(tmp_path):
    """`kg synth --counties 99999999` gave all 2978 without a word."""
    result = CliRunner().invoke(main, ["synth", "--counties", "99999999", "-o", str(tmp_path / "x.nt")])
    assert result.exit_code == 2 and "more than the 2978 county-level divisions" in result.output, result.output
    assert not (tmp_path / "x.nt").exists()


# -- a closed output ----------------------------------------------------------------------------

#: Commands that write to standard output, at least a pipe buffer's worth for most of them.
STDOUT_COMMANDS = {
    "query --list": ["query", "--list"],
    "query table": ["query", "03", "--format", "table", "--limit", "0"],
    "query markdown": ["query", "03", "--format", "markdown", "--limit", "0"],
    "query csv": ["query", "03", "--format", "csv"],
    "export": ["export", "--format", "ttl", "-o", "-"],
    "validate": ["validate"],
    "analyze": ["analyze", "rank"],
    "synth": ["synth", "--counties", "20", "-o", "-"],
    "source quote": ["source", "quote", "水富", "--occurrence", "1"],
}


@pytest.mark.parametrize("command", STDOUT_COMMANDS)
def test_a_closed_output_ends_every_command_with_141(command, tmp_path):
    """`kg query --list | head -1` exited 1, the table formats, export, validate and analyze 0,
    csv 141: now each stops quietly with 141, as any program SIGPIPE stops. The reader is
    gone before the first byte (its end of the pipe closed), so every write fails."""
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run([str(KG), *STDOUT_COMMANDS[command]], stdout=write, stderr=subprocess.PIPE,
                              cwd=tmp_path, timeout=300)
    finally:
        os.close(write)
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == EXIT_CLOSED_OUTPUT, err
    assert "Traceback" not in err and "Exception ignored" not in err and "Broken pipe" not in err, err


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_a_reader_leaving_part_way_ends_the_command_with_141(fmt, tmp_path):
    """`kg query --format table | head -1` exited 0: the first write of the 5 MB table took
    what fit in the pipe, the rest was never written and the command ended as if it had all
    been read. The reader here takes the first line and leaves."""
    process = subprocess.Popen([str(KG), "query", "--sparql", "SELECT * { ?s ?p ?o }", "--format", fmt],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    assert process.stdout.readline()
    process.stdout.close()
    err = process.stderr.read().decode("utf-8", "replace")
    assert process.wait(timeout=300) == EXIT_CLOSED_OUTPUT, err
    assert "Traceback" not in err and "Exception ignored" not in err, err


# -- path errors --------------------------------------------------------------------------------

LONG = "水" * 90  # 270 bytes in UTF-8: longer than a file name may be (255)

#: The commands that took a file name of 270 bytes with an OSError traceback and exit 1.
LONG_NAMES = {
    "validate": ["validate", f"{LONG}.ttl"],
    "query FILE.rq": ["query", f"{LONG}.rq"],
    "import": ["import", f"{LONG}.csv"],
    "import --report": ["import", TABLE, "--report", f"{LONG}.csv", "--workspace", "ws"],
    "build -o": ["build", "-o", LONG],
    "build --add": ["build", "--add", f"{LONG}.ttl", "-o", "out"],
    "export -o": ["export", "-o", f"{LONG}.ttl"],
    "viz -o": ["viz", "-o", f"{LONG}.html"],
    "serve --store": ["serve", "--store", LONG, "--port", "1"],
    "link": ["link", f"{LONG}.ttl"],
    "link --workspace": ["link", "other.ttl", "--workspace", LONG],
    "a path too long": ["validate", "/".join(["abcdefgh"] * 500) + ".ttl"],
}


@pytest.mark.parametrize("command", LONG_NAMES)
def test_a_name_too_long_is_one_line_and_exit_2(command, tmp_path):
    (tmp_path / "other.ttl").write_text('<http://example.org/a> <http://www.w3.org/2000/01/rdf-schema#label> "a" .\n',
                                        encoding="utf-8")
    before = sorted(tmp_path.iterdir())
    done = subprocess.run([str(KG), *map(str, LONG_NAMES[command])], capture_output=True, text=True, cwd=tmp_path,
                          timeout=300)
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    assert "Traceback" not in output and output.splitlines()[-1].startswith("kg: error: "), output
    assert "too long" in output and ("a name has at most 255 bytes" in output or "at most 4095" in output), output
    assert sorted(tmp_path.iterdir()) == before


def test_every_os_error_that_reaches_the_program_is_one_line(monkeypatch):
    """The last line of defence: an OSError from anywhere in a command (here a loop of
    symbolic links met where no check expected it) is the path and what is wrong, exit 2."""
    import errno

    import kg.query.catalog

    def broken(*_args, **_kwargs):
        raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), "/tmp/a/b")

    monkeypatch.setattr(kg.query.catalog, "catalog", broken)
    result = CliRunner().invoke(main, ["query", "--list"], catch_exceptions=False)
    assert result.exit_code == 2
    assert result.output == "kg: error: /tmp/a/b: too many levels of symbolic links (a link that points to itself?)\n"


# -- stop signals -------------------------------------------------------------------------------

def test_a_stop_signal_during_a_finalizer_is_not_lost(tmp_path):
    """Ctrl-C at the moment Python ran pyparsing's Forward.__del__ printed "Exception
    ignored in ... Forward.__del__" and the command went on: the signal is raised again
    as soon as the finalizer is over."""
    script = tmp_path / "finalizer.py"
    script.write_text(textwrap.dedent("""
        import os, signal, sys, time
        from kg.cli.signals import Interrupted, handle_stop_signals

        handle_stop_signals()

        class Slow:
            def __del__(self):
                os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C while the finalizer runs
                time.sleep(0.2)

        try:
            Slow()
            time.sleep(5)
            print("went on")
        except Interrupted as stopped:
            print("stopped", stopped.exit_code)
    """), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert done.stdout == "stopped 130\n", done.stdout + done.stderr
    assert "Exception ignored" not in done.stderr, done.stderr


@pytest.mark.parametrize("args", [["export", "-o", "-"], ["query", "20"], ["query", "--list"]])
def test_a_full_standard_output_is_one_line_and_exit_2(args, tmp_path):
    """`kg export -o - > /dev/full`: the one-line error, then Python's own failed flush at exit
    printed "Exception ignored ... Traceback" and the process ended with 120."""
    with open("/dev/full", "wb") as full:
        done = subprocess.run([str(KG), *args], stdout=full, stderr=subprocess.PIPE, text=True, timeout=300,
                              cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "kg: error: no space left on the device", done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
