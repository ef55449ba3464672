"""The ``kg`` command line: a thin layer, one library call per command; this module holds the
group, registers every command module's commands, and runs the program."""

from __future__ import annotations

import click

from kg import __version__
from kg.cli import build, curate, explore, link, query, serve, source, synth, validate
from kg.cli.options import EXIT_ERROR, EXIT_INTERRUPTED
from kg.errors import KgError


class KgGroup(click.Group):
    """Turns a KgError anywhere below into a one-line message and exit code 2 (1 for
    kg.errors.Violations), and Ctrl-C
    into one line and exit code 130 (the files being written were removed on the way up:
    kg.atomic, kg.outputs)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KgError as exc:
            click.echo(exc.for_terminal(), err=True)
            ctx.exit(getattr(exc, "exit_code", EXIT_ERROR))
        except KeyboardInterrupt:
            click.echo("kg: interrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)


@click.group(cls=KgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
@click.option("-v", "--verbose", count=True,
              help="Show more: -v library warnings (one line each), -vv every log record with tracebacks.")
def main(verbose: int) -> None:
    """county-kg: a linked knowledge graph of county policies, programs and outcomes."""
    from kg.cli.logs import configure

    configure(verbose)


for command in (source.source, validate.validate, validate.reason, build.build, build.export_command, query.query,
                serve.serve, serve.push, explore.viz, explore.analyze, link.gazetteer, link.import_table, link.link,
                synth.synth, curate.extract, curate.curate):
    main.add_command(command)
source.source.add_command(curate.source_add)


def run() -> None:
    """The `kg` program: the command line, then a quick exit.

    A command over a national graph leaves millions of rdflib objects behind. The process is
    about to end and the OS takes its memory back, but the interpreter's final garbage
    collection would first walk them all: about 8 s of the 69 s `kg import` took into a
    1M-triple workspace.
    Freezing them first (gc.freeze) skips that walk; it only runs as the program, never
    in-process (tests call `main`), where frozen objects would never be collected.

    Ctrl-C raises KeyboardInterrupt once; a second one is ignored, so that it cannot break
    off the removal of what the command was writing (or print a traceback from it)."""
    import gc
    import signal

    signal.signal(signal.SIGINT, _interrupt_once)
    try:
        main()
    except KeyboardInterrupt:  # before a command began (the program still starting): the same line
        import sys

        print("kg: interrupted", file=sys.stderr)
        sys.exit(EXIT_INTERRUPTED)
    finally:
        gc.freeze()


def _interrupt_once(_signal, _frame) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise KeyboardInterrupt
