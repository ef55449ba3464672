"""Options and exit codes shared by the commands."""

from __future__ import annotations

import io
import os
import sys

import click

from kg.cli.signals import STOP_SIGNALS, Interrupted, handle_stop_signals  # noqa: F401 (re-exported)

EXIT_VIOLATIONS = 1
EXIT_ERROR = 2
#: Stopped by Ctrl-C (SIGINT): 128 + 2, as shells report a process the signal ended
#: (SIGTERM 143, SIGHUP 129: kg.cli.signals).
EXIT_INTERRUPTED = 130
#: The reader of the output went away (`kg query ... | head`): as for any Unix program
#: stopped by SIGPIPE, 128 + 13.
EXIT_CLOSED_OUTPUT = 141



class Number(click.FloatRange):
    """A number option of every command (seconds, thresholds, scores): a finite number within
    the range, else a usage error (exit 2). click's FloatRange lets "nan" through every range
    check (a comparison with NaN is never true, so ``--timeout nan`` turned the timeout off)
    and "inf" through any open-ended one; neither is a number one can wait, count or score."""

    name = "number"

    def convert(self, value, param, ctx):
        import math

        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        return number


class Whole(click.IntRange):
    """A whole-number option of every command (a count, a limit, a depth, a port, a year)
    within the range, else a usage error (exit 2) that says so: click's own message for
    ``--limit 1e3`` was "'1e3' is not a valid integer range"."""

    name = "whole number"

    def convert(self, value, param, ctx):
        if isinstance(value, str):
            try:
                int(value.strip())
            except ValueError:
                self.fail(f"{value!r} is not a whole number (digits only, such as 1000)", param, ctx)
        return super().convert(value, param, ctx)


#: A score or threshold: a number from 0 to 1 (an option outside it is a usage error, exit 2).
SCORE = Number(0.0, 1.0)


class _WholeWrites(io.RawIOBase):
    """Standard output's file descriptor, written whole or not at all. A write to a pipe whose
    reader leaves part-way returns the part that fit, and the interpreter's own stdout did not
    always write the rest: `kg query --format table | head -1` lost the rest of a 5 MB table
    and exited 0. Here the rest is written again, which fails (BrokenPipeError: kg exits 141)
    once the reader is gone; an interrupted write (EINTR) is retried by os.write (PEP 475)."""

    def __init__(self, fd: int):
        super().__init__()
        self._fd = fd

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._fd

    def isatty(self) -> bool:
        return os.isatty(self._fd)

    def write(self, data) -> int:
        view = memoryview(data).cast("B")
        size = len(view)
        while view:
            view = view[os.write(self._fd, view):]
        return size

    def close(self) -> None:  # the descriptor is the process's, not this object's
        self.flush()
        io.IOBase.close(self)


def whole_stdout() -> None:
    """Point ``sys.stdout`` at a text stream over :class:`_WholeWrites`, in the encoding,
    error handler and line buffering of the one it replaces (the program only: kg.cli.main.run;
    tests run commands with their own streams)."""
    current = sys.stdout
    try:
        fd = current.fileno()
    except (AttributeError, OSError, ValueError):  # no real file descriptor (an embedding caller)
        return
    current.flush()
    sys.stdout = io.TextIOWrapper(io.BufferedWriter(_WholeWrites(fd)), encoding=current.encoding,
                                  errors=current.errors, line_buffering=current.line_buffering)


def quiet_stdout() -> None:
    """The reader is gone: point standard output at /dev/null, so the interpreter's final
    flush of what is still buffered does not fail a second time (Python's documented way,
    in the signal module's note on SIGPIPE)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no real file descriptor (an embedding caller)
        pass



def _refuse_empty(value: str, what: str, output: bool, kind: click.ParamType, param, ctx) -> None:
    """An empty path (kg.outputs.refuse_empty's message) as a usage error of ``param``: one
    line naming the option or argument, exit 2."""
    from kg.errors import KgError
    from kg.outputs import refuse_empty

    try:
        refuse_empty(value, what, output=output)
    except KgError as exc:
        kind.fail(str(exc), param, ctx)


class PathParam(click.Path):
    """The type of every option and argument that names a file or directory. An empty name
    ('') is refused at the command line, one line and exit 2 (kg.outputs.refuse_empty),
    before any work: click's Path takes it for '.', and an option whose default was '' took
    it for "not given" (`kg gazetteer -o ''` wrote the project's gazetteer, `kg import
    --workspace ''` used the current directory). ``what``: what to give instead, for the
    message ("a directory", "a table"); ``output``: whether the path is written.
    ``path_type``: str (default) or Path, as click.Path."""

    def __init__(self, what: str = "a file name", *, output: bool = True, path_type: type = str, **kwargs):
        super().__init__(path_type=path_type, **kwargs)
        self.what, self.output = what, output

    def convert(self, value, param, ctx):
        if isinstance(value, str):
            _refuse_empty(value, self.what, self.output, self, param, ctx)
        return super().convert(value, param, ctx)


class Given(click.ParamType):
    """The type of a string option for which an empty value means nothing (an endpoint URL, a
    node, a name): '' is refused at the command line, one line and exit 2, where it was taken
    for "not given" (`kg query 01 --endpoint ''` asked the local graph, `kg viz --focus ''` drew
    the whole graph, `kg import --name ''` named the import after its file). ``what``: what
    to give instead, for the message ("a URL", "a node")."""

    name = "text"

    def __init__(self, what: str):
        self.what = what

    def convert(self, value, param, ctx):
        if isinstance(value, str) and not value.strip():
            self.fail(f"an empty value ({value!r}) means nothing here; give {self.what}", param, ctx)
        return value


URL = Given("a URL")


def output_option(default: str | None = None, help_text: str = "Output file ('-' for standard output).",
                  what: str = "a file name"):
    """-o/--output (a str, :class:`PathParam`: '' refused): required when there is no
    ``default``. No default is passed then at all: click 8.3 and later take an explicit
    ``default=None`` for a value, and a required option left out reached the command as None.
    ``default`` "" (or any empty name) is no default: the option is then optional and None
    when left out (the command says in ``help_text`` what it writes then)."""
    kind = PathParam(what)
    if default is None:
        return click.option("-o", "--output", type=kind, required=True, help=help_text)
    if not default:
        return click.option("-o", "--output", type=kind, default=None, help=help_text)
    return click.option("-o", "--output", type=kind, default=default, show_default=True, help=help_text)



def force_option(func):
    return click.option("--force", is_flag=True,
                        help="Replace an existing output file even if it carries no county-kg generator mark "
                             "(kg replaces only files it marked as its own).")(func)



def lang_option(func):
    """--lang: one of the project's languages, in any case (BCP 47 tags are case-insensitive:
    zh-hans is zh-Hans), given to the command in its registered case."""
    from kg.languages import LANGUAGES

    return click.option("--lang", type=click.Choice(LANGUAGES, case_sensitive=False), default="en",
                        show_default=True, help="Language of labels in the output.")(func)



def quiet_option(func):
    return click.option("-q", "--quiet", is_flag=True, help="Print only the final report.")(func)



def _progress(quiet: bool):
    return (lambda _m: None) if quiet else (lambda message: click.echo(message, err=True))



class RdfFile(click.ParamType):
    """An RDF file the command reads. A missing file, a directory or an unreadable file is
    refused before any work, with the library's one-line message and exit 2."""

    name = "file"

    def convert(self, value, param, ctx):
        from kg.store.syntax import rdf_file

        if isinstance(value, str):
            _refuse_empty(value, "an RDF file", False, self, param, ctx)
        return rdf_file(value)


def endpoint_options(func):
    """--endpoint, --default-graph and --timeout: read the graph from a SPARQL 1.1 Protocol
    endpoint instead of the local files (the command gets ``endpoint``, ``default_graphs`` and
    ``timeout``; kg.query.readers.Origin takes the three)."""
    func = click.option("--timeout", type=Number(min=0), default=None, metavar="SECONDS",
                        help="With --endpoint: stop waiting for the endpoint after this long (exit 2); "
                             "0 for no limit.  [default: 60]")(func)
    func = click.option("--default-graph", "default_graphs", type=Given("a graph IRI"), multiple=True, metavar="IRI",
                        help="With --endpoint: a graph the queries read as their default graph (repeatable).")(func)
    return click.option("--endpoint", type=URL, metavar="URL", default=None,
                        help="Read the graph from this SPARQL 1.1 Protocol endpoint instead of the local files "
                             "(credentials as for kg push).")(func)
